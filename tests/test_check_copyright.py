"""The copyright check (PG401-PG409): stock credits, sources, Creative Commons, quotations, re-uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import spans
from postguard.errors import ConfigError
from postguard.rulepacks import load_packs

STOCK = "https://example.com/img/AdobeStock_123456789.jpeg"
WORDS45 = " ".join(
    "Wer die Berge liebt, der weiß, dass jeder Gipfel nur der Anfang eines neuen Weges ist, und dass man "
    "unterwegs mehr über sich selbst lernt als auf jedem Gipfel, den man je erreicht, solange man mit offenen "
    "Augen geht und bereit ist, sich immer wieder von Neuem überraschen zu lassen".split()[:45]
)
EN45 = " ".join(
    "Those who love the mountains know that every summit is only the beginning of a new path, and that on the "
    "way you learn more about yourself than on any summit you will ever reach, as long as you walk with open eyes "
    "and are willing to be surprised again and again by what".split()[:45]
)


def copyright_(findings):  # type: ignore[no-untyped-def]
    return [f for f in findings if f.category == "copyright"]


def rules(findings):  # type: ignore[no-untyped-def]
    return [f.rule_id for f in copyright_(findings)]


# -- PG401: stock photos without credit ---------------------------------------------------------------


def test_stock_url_without_credit_plain_markdown(check) -> None:  # type: ignore[no-untyped-def]
    text = f"Unser Bergsee:\n![Bergsee]({STOCK})\n\nSchön, oder?"
    [f] = copyright_(check(text, channel="blog", kind="article"))
    assert spans([f], text) == [("PG401", STOCK)]
    assert f.severity.value == "error" and "„© Name – stock.adobe.com“" in f.message


def test_stock_url_without_credit_extracted_markdown(check) -> None:  # type: ignore[no-untyped-def]
    text = f"Unser Bergsee:\n\n![Bergsee]({STOCK})\n\nSchön, oder?\n"
    [f] = copyright_(check(text, channel="blog", kind="article", path="post.md"))
    assert spans([f], text) == [("PG401", STOCK)]


@pytest.mark.parametrize(
    ("ref", "agency", "credit"),
    [
        ("shutterstock_98765432.jpg", "Shutterstock", "Name/Shutterstock"),
        ("Fotolia_12345678_XS.jpg", "Fotolia", "© Name – Fotolia.com"),
        ("https://www.gettyimages.de/detail/foto/bergsee-lizenzfreies-bild/123456", "Getty Images", "Getty"),
        ("https://media.istockphoto.com/id/123456/photo/lake.jpg", "iStock", "iStock.com/Name"),
        ("https://t4.ftcdn.net/jpg/01/23/45/67/360_F_123.jpg", "Adobe Stock", "stock.adobe.com"),
    ],
)
def test_stock_agencies(check, ref: str, agency: str, credit: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Our new header image: {ref} looks great."
    [f] = copyright_(check(text, lang="en"))
    assert spans([f], text) == [("PG401", ref)]
    assert f"({agency})" in f.message and credit in f.message


@pytest.mark.parametrize(
    "credit",
    [
        "© Max Muster – stock.adobe.com",
        "Foto: Max Muster",
        "Bild: © Max Muster / Adobe Stock",
        "Max Muster/Shutterstock",
        "Photo by Jane Doe/Getty Images",
        "iStock.com/janedoe",
    ],
)
def test_credited_stock_passes(check, credit: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Unser Bergsee:\n![Bergsee]({STOCK})\n{credit}\n\nSchön, oder?"
    assert copyright_(check(text, channel="blog", kind="article")) == []
    assert copyright_(check(text, channel="blog", kind="article", path="post.md")) == []


def test_credit_above_the_image_and_across_a_blank_line(check) -> None:  # type: ignore[no-untyped-def]
    text = f"Foto: © Max Muster – stock.adobe.com\n\n![Bergsee]({STOCK})\n\nText."
    assert copyright_(check(text, channel="blog", kind="article", path="post.md")) == []


def test_a_credit_too_far_away_does_not_count(check) -> None:  # type: ignore[no-untyped-def]
    text = f"![Bergsee]({STOCK})\nEins.\nZwei.\nDrei.\nFoto: Max Muster"
    assert rules(check(text, channel="blog", kind="article")) == ["PG401"]
    near = f"![Bergsee]({STOCK})\nEins.\nFoto: Max Muster"
    assert rules(check(near, channel="blog", kind="article")) == []


def test_a_credit_section_credits_every_image(check) -> None:  # type: ignore[no-untyped-def]
    text = (
        f"![Bergsee]({STOCK})\n\n"
        + "Ein Absatz.\n\n" * 6
        + "Bildnachweis:\nBergsee © Max Muster – stock.adobe.com\n"
    )
    assert copyright_(check(text, channel="blog", kind="article", path="post.md")) == []


def test_stock_search_and_portfolio_pages_are_not_pictures(check) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Unsere Fotos gibt es auch bei Adobe: https://stock.adobe.com/de/contributor/208123/nordkap\n"
        "Suche: https://www.shutterstock.com/de/search/bergsee"
    )
    assert copyright_(check(text, channel="linkedin-company")) == []
    picture = "Bild: https://stock.adobe.com/de/images/bergsee-im-winter/412345678"
    assert rules(check(picture, channel="linkedin-company")) == ["PG401"]


def test_the_same_address_again_is_judged_again_at_each_place(check) -> None:  # type: ignore[no-untyped-def]
    search = "https://www.shutterstock.com/de/search/bergsee"
    picture = "https://stock.adobe.com/de/images/bergsee-im-winter/412345678"
    text = f"Bild: {picture}\nSuche: {search}\n\nNoch einmal: {picture}\nUnd {search}\n"
    found = spans(copyright_(check(text, channel="linkedin-company")), text)
    assert found == [("PG401", picture), ("PG401", picture)]
    assert [f.start for f in copyright_(check(text, channel="linkedin-company"))] == [
        text.index(picture),
        text.rindex(picture),
    ]


def test_a_stock_credit_text_alone_is_not_a_stock_image(check) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check("Titelbild: © Max Muster – stock.adobe.com", channel="blog")) == []


# -- PG402: invalid sources ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "Quelle: Internet",
        "Foto: Google",
        "Bild: Google Bilder",
        "via Pinterest",
        "Quelle: Pinterest",
        "Quelle: Wikipedia",
        "Bildquelle: unbekannt",
        "Source: the internet",
        "Image: Instagram",
    ],
)
def test_invalid_sources(check, source: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Schöner Sonnenuntergang am Nordkap.\n{source}\n"
    found = copyright_(check(text))
    assert spans(found, text) == [("PG402", source)]
    assert found[0].severity.value == "warning"


@pytest.mark.parametrize(
    "text",
    [
        "Quelle: Internetseite der Stadt Tromsø",
        "Quelle: Google Maps",
        "Foto: Instagram/@max_muster",
        "Wir haben das Rezept auf Pinterest gefunden.",
        "Mehr dazu auf Wikipedia: https://de.wikipedia.org/wiki/Nordkap",
        "Quelle: www.nordkap.example/presse",
    ],
)
def test_valid_sources_and_prose_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG402" not in rules(check(text))


@pytest.mark.parametrize(
    "text",
    [
        "„Outdoor ist für alle da“, sagt unsere Geschäftsführerin bei der Eröffnung.",
        "Quelle der Zahlen: Statistisches Bundesamt (Destatis), 2025.",
        "Our sustainability report is out: https://www.nordkap.example/reports/2025.pdf",
        "Danke an alle, die beim Nordkap Lauf mitgemacht haben. Fotos: Anna Berg",
        "Folgt uns auf Instagram und Facebook!",
        "Das Netzwerk-Treffen im Web war super: https://www.nordkap.example/events",
    ],
)
def test_everyday_business_posts_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check(text, channel="linkedin-company")) == []


def test_invalid_source_message_german(check) -> None:  # type: ignore[no-untyped-def]
    [f] = copyright_(check("Das Foto vom Gipfel ist toll.\nQuelle: Internet", lang="de"))
    assert "„Quelle: Internet“ nennt keinen Urheber" in f.message


# -- PG403/PG404/PG405: Creative Commons ----------------------------------------------------------------------


def test_noncommercial_licence_on_a_business_channel(check) -> None:  # type: ignore[no-untyped-def]
    text = "Blick vom Gipfel.\nFoto: Max Muster, Flickr, CC BY-NC 2.0"
    found = copyright_(check(text, channel="linkedin-company"))
    assert spans(found, text) == [("PG403", "CC BY-NC 2.0")]
    assert found[0].severity.value == "error"


def test_noncommercial_long_form_and_url(check) -> None:  # type: ignore[no-untyped-def]
    text = "View from the top.\nPhoto: Jane Doe, Flickr, Creative Commons Attribution-NonCommercial 2.0"
    found = copyright_(check(text, channel="linkedin-company", lang="en"))
    assert spans(found, text) == [("PG403", "Creative Commons Attribution-NonCommercial 2.0")]
    url = "View from the top.\nPhoto: Jane Doe, https://creativecommons.org/licenses/by-nc-sa/4.0/ via Flickr"
    assert spans(copyright_(check(url, channel="linkedin-company")), url) == [
        ("PG403", "creativecommons.org/licenses/by-nc-sa")
    ]


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Blick vom Gipfel.\nFoto: Max Muster, Flickr, CC BY-NC 2.0", None),  # private account
        ("Blick vom Gipfel.\nFoto: Max Muster, Flickr, CC BY-SA 2.0", "linkedin-company"),
        ("Unsere Fotos stehen unter CC BY-NC 4.0.", "linkedin-company"),  # our own works
    ],
)
def test_noncommercial_non_catches(check, text: str, channel: str | None) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check(text, channel=channel)) == []


@pytest.mark.parametrize(
    ("text", "licence"),
    [
        ("Foto: Max Muster, https://flickr.com/photos/max/1, CC BY-ND 4.0, zugeschnitten", "CC BY-ND 4.0"),
        ("Photo: Jane Doe / Wikimedia Commons, CC BY-ND 2.0 (cropped)", "CC BY-ND 2.0"),
        ("Foto: Max Muster, Wikimedia Commons, CC BY-ND 3.0 DE\nvon uns bearbeitet", "CC BY-ND 3.0 DE"),
    ],
)
def test_noderivs_with_edits(check, text: str, licence: str) -> None:  # type: ignore[no-untyped-def]
    found = copyright_(check(text))
    assert spans(found, text) == [("PG404", licence)]


@pytest.mark.parametrize(
    "text",
    [
        "Foto: Max Muster, https://flickr.com/photos/max/1, CC BY-ND 4.0",
        "Foto: Max Muster, https://flickr.com/photos/max/1, CC BY-SA 4.0, zugeschnitten",
        "Foto: Max Muster, Wikimedia Commons, Creative Commons Namensnennung - Keine Bearbeitungen 4.0",
    ],
)
def test_noderivs_non_catches(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check(text)) == []


def test_cc_credit_without_author(check) -> None:  # type: ignore[no-untyped-def]
    text = "Der Leuchtturm.\nBild: Wikimedia Commons, CC BY-SA 4.0"
    [f] = copyright_(check(text, lang="de"))
    assert spans([f], text) == [("PG405", "CC BY-SA 4.0")]
    assert "fehlt: Urheber." in f.message


def test_cc_credit_without_source(check) -> None:  # type: ignore[no-untyped-def]
    text = "The lighthouse.\n“Nordkap” by Max Muster is licensed under CC BY 2.0"
    [f] = copyright_(check(text, lang="en"))
    assert spans([f], text) == [("PG405", "CC BY 2.0")]
    assert "lacks: source." in f.message


def test_commons_credit_without_licence(check) -> None:  # type: ignore[no-untyped-def]
    text = "Der Leuchtturm.\nFoto: Max Muster / Wikimedia Commons"
    [f] = copyright_(check(text, lang="de"))
    assert spans([f], text) == [("PG405", "Wikimedia Commons")]
    assert "Lizenz" in f.message


@pytest.mark.parametrize(
    "text",
    [
        "Foto: Max Muster, Wikimedia Commons, CC BY-SA 4.0",
        "Max Muster / Wikimedia Commons / CC BY-SA 4.0",
        "“Nordkap” by Max Muster (https://flickr.com/photos/max/1) is licensed under CC BY 2.0",
        "Foto: Wikimedia Commons, CC0",
        "© Max Muster, commons.wikimedia.org, CC BY 4.0",
    ],
)
def test_complete_cc_credits_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check(text, channel="linkedin-company")) == []


# -- PG406: long quotations ---------------------------------------------------------------------------------


def test_long_german_quotation_without_source(check) -> None:  # type: ignore[no-untyped-def]
    quoted = f"„{WORDS45}“"
    text = f"Ein Gedanke für die Woche:\n\n{quoted}\n\nSchönes Wochenende!"
    [f] = copyright_(check(text, lang="de"))
    assert spans([f], text) == [("PG406", quoted)]
    assert "45 Wörtern" in f.message


@pytest.mark.parametrize("marks", [("“", "”"), ('"', '"'), ("»", "«")])
def test_long_quotation_other_marks(check, marks: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    quoted = f"{marks[0]}{EN45}{marks[1]}"
    text = f"A thought for the week:\n\n{quoted}\n\nHave a nice weekend!"
    assert spans(copyright_(check(text, lang="en")), text) == [("PG406", quoted)]


def test_a_parenthesis_without_a_name_is_no_source(check) -> None:  # type: ignore[no-untyped-def]
    quoted = f"„{WORDS45}“"
    text = f"Zum Nachdenken:\n\n{quoted} (siehe unten)\n"
    assert spans(copyright_(check(text)), text) == [("PG406", quoted)]


@pytest.mark.parametrize(
    "text",
    [
        f"Reinhold Messner sagte einmal: „{WORDS45}“",
        f"„{WORDS45}“ — Reinhold Messner, Berge versetzen, 1993",
        f"“{EN45}” (Jane Doe, Mountains, 2019)",
        f"“{EN45},” says Jane Doe.",
        f"„{WORDS45}“\nQuelle: https://example.com/interview",
        "„" + " ".join(WORDS45.split()[:40]) + "“",  # 40 words: short enough
    ],
)
def test_quotations_with_a_source_or_short_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check(text)) == []


def test_long_blockquote_without_source_in_markdown(check) -> None:  # type: ignore[no-untyped-def]
    lines = WORDS45.split()
    first, second = " ".join(lines[:20]), " ".join(lines[20:])
    text = f"Ein Gedanke:\n\n> {first}\n> {second}\n\nSchönes Wochenende!\n"
    [f] = copyright_(check(text, path="post.md"))
    assert spans([f], text) == [("PG406", first)]
    cited = f"Ein Gedanke:\n\n> {first}\n> {second}\n>\n> — Reinhold Messner\n\nSchönes Wochenende!\n"
    assert copyright_(check(cited, path="post.md")) == []


# -- PG407: re-uploads from social networks -------------------------------------------------------------------


def test_social_image_hosts_are_reuploads(check) -> None:  # type: ignore[no-untyped-def]
    md = "Toller Moment!\n\n![Gipfel](https://pbs.twimg.com/media/FxYz123.jpg)\nFoto: Max Muster\n"
    [f] = copyright_(check(md, channel="blog", kind="article", path="post.md"))
    assert spans([f], md) == [("PG407", "https://pbs.twimg.com/media/FxYz123.jpg")]
    assert f.severity.value == "error"
    html = '<p>Hi</p><img src="https://scontent.cdninstagram.com/v/t51/abc.jpg" alt="Gipfel">'
    assert spans(copyright_(check(html, path="post.html")), html) == [
        ("PG407", "https://scontent.cdninstagram.com/v/t51/abc.jpg")
    ]
    plain = "Look: scontent-fra3-1.xx.fbcdn.net/v/t39.30808-6/123_n.jpg"
    assert spans(copyright_(check(plain)), plain) == [
        ("PG407", "scontent-fra3-1.xx.fbcdn.net/v/t39.30808-6/123_n.jpg")
    ]


def test_links_to_posts_are_not_reuploads(check) -> None:  # type: ignore[no-untyped-def]
    text = "Schaut euch den Beitrag an: https://www.instagram.com/p/Cx123abc/"
    assert copyright_(check(text, channel="blog", kind="article")) == []


# -- PG408: images without credit on a business channel -------------------------------------------------------


def test_markdown_image_without_credit(check) -> None:  # type: ignore[no-untyped-def]
    text = "Unser Team beim Wandern:\n\n![Team](img/team.jpg)\n\nEin toller Tag.\n"
    [f] = copyright_(check(text, channel="blog", kind="article", path="post.md"))
    assert spans([f], text) == [("PG408", "img/team.jpg")]
    assert (f.severity.value, f.confidence) == ("warning", 0.8)
    # the raw Markdown as plain text is judged the same way
    assert spans(copyright_(check(text, channel="blog", kind="article")), text) == [("PG408", "img/team.jpg")]


def test_html_image_without_credit(check) -> None:  # type: ignore[no-untyped-def]
    text = '<p>Our team:</p>\n<img src="/media/team.jpg" alt="Team">\n<p>A great day.</p>'
    assert spans(copyright_(check(text, channel="blog", kind="article", path="post.html")), text) == [
        ("PG408", "/media/team.jpg")
    ]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("![Team](img/team.jpg)\nFoto: Anna Berg\n", "post.md"),
        ('![Team](img/team.jpg "Foto: Anna Berg")\n', "post.md"),
        (
            '<figure><img src="/media/team.jpg" alt="Team"><figcaption>Foto: Anna Berg</figcaption></figure>',
            "p.html",
        ),
        ('<p>Our team</p><img src="/media/team.jpg" title="© Anna Berg">', "p.html"),
        ("![Berg](https://images.unsplash.com/photo-1500.jpg)\n", "post.md"),
        ("![Berg](https://cdn.pixabay.com/photo/2020/01/01/berg.jpg)\n", "post.md"),
        ("![Berg](img/anna-berg-abc123-unsplash.jpg)\n", "post.md"),
        ("![Team](https://media.nordkap.example/team.jpg)\n", "post.md"),  # the pack's free_hosts
    ],
)
def test_credited_and_free_images_pass(check, text: str, path: str) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check(text, channel="blog", kind="article", path=path)) == []


def test_private_accounts_need_no_image_credit(check) -> None:  # type: ignore[no-untyped-def]
    text = "Mein Wochenende:\n\n![Berg](img/berg.jpg)\n"
    assert copyright_(check(text, path="post.md")) == []
    assert copyright_(check(text, channel="employee-private", path="post.md")) == []


# -- PG409: editorial use only ------------------------------------------------------------------------------------


def test_editorial_only_on_business_channels(check) -> None:  # type: ignore[no-untyped-def]
    text = "Die Messe war voll!\nFoto: Getty Images – Editorial use only"
    assert spans(copyright_(check(text, channel="linkedin-company")), text) == [
        ("PG409", "Editorial use only")
    ]
    de = "Die Messe war voll!\nFoto: dpa, nur für redaktionelle Nutzung"
    assert spans(copyright_(check(de, channel="linkedin-company")), de) == [
        ("PG409", "nur für redaktionelle Nutzung")
    ]
    assert copyright_(check(text)) == []


# -- the [copyright] pack section -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ("[copyright]\nquote_word = 40\n", "copyright.quote_word", "did you mean 'quote_words'"),
        ('[copyright]\nquote_words = "40"\n', "copyright.quote_words", "expected an integer"),
        ("[copyright]\nnear_lines = 50\n", "copyright.near_lines", "between 0 and 20"),
        (
            '[copyright]\nfree_hosts = ["https://cdn.example.com/"]\n',
            "copyright.free_hosts[0]",
            "not a host name",
        ),
        ("[copyright]\nfree_hosts = true\n", "copyright.free_hosts", "expected an array of strings"),
    ],
)
def test_pack_errors_name_file_and_key(  # type: ignore[no-untyped-def]
    tmp_path: Path, example_engine, body: str, key: str, words: str
) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_packs([pack], example_engine.sections)
    assert err.value.path == str(pack) and err.value.key == key
    assert words in str(err.value)


def test_quote_words_from_the_pack(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    pack = tmp_path / "pack.toml"
    pack.write_text("[copyright]\nquote_words = 10\n", encoding="utf-8")
    engine = Engine(Config(packs=(pack,)))
    quoted = "„" + " ".join(WORDS45.split()[:12]) + "“"
    text = f"Zum Wochenende:\n\n{quoted}\n\nBis bald!" + " Noch ein paar Worte zum Schluss." * 4
    assert spans(lint(engine, text).findings, text) == [("PG406", quoted)]
