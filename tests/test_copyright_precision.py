"""Copyright checks on real content: the false-alarm shapes of content repositories, each beside a
true case that must still be caught (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK, NOW, spans
from test_check_copyright import EN45, WORDS45, copyright_, rules

FIRST, SECOND = " ".join(WORDS45.split()[:20]), " ".join(WORDS45.split()[20:])


# -- PG406: callouts are not quotations; a source before, at the end or after counts ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"Ein Hinweis:\n\n> [!NOTE]\n> {FIRST}\n> {SECOND}\n",
        f"Ein Hinweis:\n\n> **Hinweis:** {FIRST}\n> {SECOND}\n",
        f"Vorab:\n\n> **Note:** {EN45}\n",
        f"<p>Vorab</p>\n<aside>{WORDS45}</aside>\n",
        f"<p>Vorab</p>\n<details><summary>Mehr</summary>{WORDS45}</details>\n",
    ],
)
def test_a_callout_is_not_a_quotation(check, text: str) -> None:  # type: ignore[no-untyped-def]
    path = "post.html" if text.startswith("<p>") else "post.md"
    assert "PG406" not in rules(check(text, path=path))


@pytest.mark.parametrize(
    "text",
    [
        f"Aus dem Protokoll der Sitzung:\n\n> {FIRST}\n> {SECOND}\n",  # the lead-in names it
        f"Comment by @anna_berg:\n\n> {FIRST}\n> {SECOND}\n",
        f"Im [Interview](https://example.com/interview) sagte sie:\n\n> {FIRST}\n> {SECOND}\n",
        f"Ein Gedanke:\n\n> {FIRST}\n> {SECOND} -- Reinhold Messner\n",  # at the end of its last line
        f"Ein Gedanke:\n\n> {FIRST}\n> {SECOND}\n\n— Reinhold Messner, Berge versetzen\n",  # the paragraph after
        f"„{WORDS45[:60]}“, sagte Messner. „{WORDS45}“\n",  # continues a quotation with a source
    ],
)
def test_a_source_before_at_the_end_or_after_counts(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" not in rules(check(text, path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        # a heading right above the quotation names it
        f"### Offizielle Stellungnahme der DENIC\n\n> {FIRST}\n> {SECOND}\n",
        f"## Press release\n\n> {EN45}\n",
        f"### Communiqué officiel de DENIC\n\n> **5 mai 2026** – Francfort – DENIC eG {EN45}\n",
        # a speech verb after it ("berichtet Wickert", "adds Anna")
        f"„{WORDS45}“ berichtet Wickert.\n",
        f'"{EN45}", adds Anna Berg.\n',
        f"Anna Berg, Vorstand der Bergwacht, stellt fest: „{WORDS45}“\n",
        # a link to the quoted source before it in its paragraph, or on the lead-in line
        f'1. the [statutes](/material/satzung.pdf)\n2. choose:\n- Active: "{EN45}"\n',
        f'Long text.\n\nThe project [fast.ai](https://fast.ai) describes the problem as follows:\n\n> "{EN45}"\n',
        # the block's first or last line is only a link to the quoted post, or (after a blank line) a name
        f"Pride:\n\n> [Laurie Voss (@seldo) June 23, 2018](https://x.com/seldo/status/1)\n>\n> {EN45}\n",
        f"Thanks!\n\n> {EN45}\n> <cite>[Matteo Collina, via social media](https://x.com/m/status/1)</cite>\n",
        f"The board:\n\n> “{EN45}”\n>\n> _Todd Moore, Node.js Foundation Director_\n",
        # the writer's own example, set apart as a block
        f"Ein Beispiel hierzu, das [Abb. 1](#abb1) verdeutlicht:\n\n> {FIRST}\n> {SECOND}\n",
        f"For example:\n\n> {EN45}\n",
        f"For example:\n\n> {EN45}\n\n> {EN45}\n",  # a second block right after the first shares its lead-in
        # a callout labelled "Explanation:" (npm's release notes)
        f"##### Filesystem\n\n> Explanation: {EN45}\n",
    ],
)
def test_a_source_in_a_heading_a_link_or_a_report_verb_counts(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" not in rules(check(text, path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        # a heading that names no source
        f"#### Stand\n\n> {FIRST}\n> {SECOND}\n",
        f"#### Stand der Dinge bei Freifunk\n\n> {FIRST}\n> {SECOND}\n",  # names nobody the quotation names
        # an anchor to a figure of the same page is no source, nor is a link further up
        "Die Grafik stammt von [Wikimedia](https://commons.wikimedia.org/x).\n"
        f"Wie [Abb. 1](#abb1) zeigt:\n\n> {FIRST}\n> {SECOND}\n",
        # a last line that is a sentence, not a name; a link inside the quotation's prose
        f"Zum Nachdenken:\n\n> {WORDS45}\n>\n> Das sagt viel aus.\n",
        f"Für Anna Berg sagt sie:\n\n> kurz\n\nDazwischen Text.\n\n> {WORDS45}\n",  # prose between: no sharing
        f"Zum Nachdenken:\n\n> {FIRST} [hier](https://example.com) {SECOND}\n> weiter im Text\n",
        # a link after the quotation's paragraph, in prose further on
        f"Zum Nachdenken:\n\n> {FIRST}\n> {SECOND}\n\nDas war's.\n\nMehr im [Blog](https://example.com).\n",
    ],
)
def test_an_unsourced_quotation_near_headings_and_links_is_still_caught(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" in rules(check(text, path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        # docs sites' callouts: a bold lead sentence or title, an emoji first, a bold label without colon
        f"Lifecycle:\n\n> **Hooks are opt-in notifications, not the lifecycle itself.** {EN45}\n",
        f"Lifecycle:\n\n> **Caller IAM — passing network connectors:** {EN45}\n",
        f'Lifecycle:\n\n> **"Idle" means no inbound traffic — not "no code running."** {EN45}\n',
        f"Lifecycle:\n\n> **⚠️ Re-enabling it will fail.** {EN45}\n",
        f"Lifecycle:\n\n> ℹ️ {EN45}\n",
        f"Lifecycle:\n\n> ⚠️ {EN45}\n",
        f"Lifecycle:\n\n> **Note** {EN45}\n",
        f"Lifecycle:\n\n> Hinweis: {FIRST}\n> {SECOND}\n",
    ],
)
def test_docs_callouts_are_not_quotations(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" not in rules(check(text, path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        # a bold dateline opens a press release, not a note; a bold word that is no callout label
        f"Zum Nachdenken:\n\n> **5. Mai 2026** – Berlin – {EN45}\n",
        f"Zum Nachdenken:\n\n> **Berlin** {EN45}\n",
        f"Zum Nachdenken:\n\n> Berlin: {EN45}\n",
        f"Zum Nachdenken:\n\n> {EN45}\n",
        f"Ihr Post:\n\n> 🎉 {EN45}\n",  # a quoted post may open with an emoji that marks no note
    ],
)
def test_a_quotation_that_only_looks_like_a_callout_is_still_caught(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" in rules(check(text, path="post.md"))


def test_the_callout_labels_are_the_packs(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    pack = tmp_path / "labels.toml"
    pack.write_text(
        '[copyright]\ncallout_labels = ["Randnotiz"]\nreplace = ["callout_labels"]\n', encoding="utf-8"
    )
    engine = Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)

    def found(text: str) -> list[str]:
        return [f.rule_id for f in lint(engine, text, path="p.md", now=NOW).findings if f.rule_id == "PG406"]

    assert found(f"Vorab:\n\n> Randnotiz: {EN45}\n") == []
    assert found(f"Vorab:\n\n> Hinweis: {EN45}\n") == ["PG406"]  # no longer a label of this pack
    assert found(f"Vorab:\n\n> [!NOTE]\n> {EN45}\n") == []  # the syntax needs no label
    assert found(f"Vorab:\n\n> ℹ️ {EN45}\n") == []  # the symbols are another list: kept


@pytest.mark.parametrize(
    "text",
    [
        # a lead-in ending in ":" whose pronoun points to the speakers named before it
        "Marco and Stefan will give an introduction to svelte. "
        f'These are their plans for the evening: "{EN45}"\n',
        f"Anna Berg hat den Vortrag vorbereitet. Das sind ihre Pläne für den Abend: „{WORDS45}“\n",
        f"Anna Berg hat den Vortrag vorbereitet. Ihre Pläne für den Abend:\n\n> {FIRST}\n> {SECOND}\n",
        # a link to another site in the paragraph right after the quotation
        f'The title:\n\n*"{EN45}"*\n\nDid you guess? For more, visit [Reddit](https://www.reddit.com/r/til/).\n',
    ],
)
def test_a_lead_in_pronoun_or_a_link_in_the_next_paragraph_is_a_source(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" not in rules(check(text, path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        # a lead-in that names nobody; "her" that is no pronoun for a speaker ("here", "there")
        f'Marco and Stefan will give an introduction. These are the plans for the evening: "{EN45}"\n',
        f'Marco and Stefan will give an introduction. Here is the plan, out there: "{EN45}"\n',
        # a link to the site's own pages in the next paragraph, or a link two paragraphs on
        f'The title:\n\n*"{EN45}"*\n\nDid you guess? See [our FAQ](/faq).\n',
        f'The title:\n\n*"{EN45}"*\n\nDid you guess?\n\nSee [Reddit](https://www.reddit.com/r/til/).\n',
    ],
)
def test_an_unsourced_quotation_after_a_plain_lead_in_is_still_caught(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG406" in rules(check(text, path="post.md"))


def test_a_tweet_embed_is_sourced_by_its_embed(check) -> None:  # type: ignore[no-untyped-def]
    tweet = f'<p>Heute:</p>\n<blockquote class="twitter-tweet"><p>{WORDS45}</p></blockquote>\n'
    assert "PG406" not in rules(check(tweet, path="post.html"))
    plain = f"<p>Heute:</p>\n<blockquote><p>{WORDS45}</p></blockquote>\n"
    assert "PG406" in rules(check(plain, path="post.html"))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_an_unsourced_block_quote_is_still_caught(check, newline: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Zum Nachdenken:\n\n> {FIRST}\n> {SECOND}\n\nSchönes Wochenende!\n".replace("\n", newline)
    assert spans(copyright_(check(text, path="post.md")), text) == [("PG406", FIRST)]
    callout_looking = f"Zum Nachdenken:\n\n> Wichtig ist, {FIRST}\n> {SECOND}\n"  # no label, no colon
    assert "PG406" in rules(check(callout_looking, path="post.md"))


def test_hugo_shortcode_attributes_are_no_quotation(check) -> None:  # type: ignore[no-untyped-def]
    text = f'{{{{< person name="Julian" role="{WORDS45}" >}}}}\nText.\n{{{{< /person >}}}}\n'
    assert "PG406" not in rules(check(text, path="post.md"))
    # a shortcode closed by ">}}" at a line start is no block quote of the text after it
    closed = f'{{{{< person\n    name="Alice"\n>}}}}\n{WORDS45}\n{{{{< /person >}}}}\n'
    assert "PG406" not in rules(check(closed, path="post.md"))
    assert "PG406" in rules(check(f"Ein Gedanke:\n\n> {WORDS45}\n", path="post.md"))


# -- PG403/PG405: licences in prose and organisations are not credits ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Die Stadt hat den Datensatz unter CC-BY-4.0 veröffentlicht, wir haben ihn ausgewertet.",
        "The data set is published under CC BY-NC 4.0 by the city council.",
        "Alle Inhalte dieser Website stehen unter CC BY-SA 4.0.",
        "Wir sprachen mit Wikimedia Deutschland über freie Lizenzen.",
        "Die Wikimedia Foundation betreibt Wikipedia.",
    ],
)
def test_a_licence_in_prose_is_no_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert rules(check(text, channel="linkedin-company")) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Der Leuchtturm.\nBild: Wikimedia Commons, CC BY-SA 4.0", "PG405"),
        ("*Das Titelbild dieses Posts ist lizenziert unter CC BY-SA 2.0.*", "PG405"),
        ("Blick vom Gipfel.\nFoto: Max Muster, Flickr, CC BY-NC 2.0", "PG403"),
        ("![Gipfel](img/gipfel.jpg)\nMax Muster, Flickr, CC BY-NC 2.0", "PG403"),
    ],
)
def test_a_licence_in_a_credit_is_still_judged(check, text: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    assert rule in rules(check(text, channel="linkedin-company", path="post.md"))


# -- PG405: a credit's "by" names someone, and a credit stays in its list item ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # Hugo's list of tools: the previous entry's "filterable by static site generator" is no author
        "Tools:\n\n- [Themes][] - A collection of themes filterable by static site generator.\n"
        "- [flickr-embed][] - Print shortcodes to embed images from an album on Flickr into Hugo.\n"
        "- [gallery][] - Create an image gallery.\n",
        # the same two sentences in one paragraph: "by static site generator" is not a name
        "Themes filterable by static site generator.\nEmbed images from an album on Flickr.\n",
        # an author named in the neighbouring entry credits nothing here
        "- Foto: Max Muster, Bergsteiger\n- Unsere Alben auf Flickr\n",
    ],
)
def test_a_by_that_names_nobody_or_another_entry_is_no_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG405" not in rules(check(text, channel="linkedin-company", path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        "Der Gipfel.\n\nPhoto by Max Muster on Flickr\n",
        "Der Gipfel.\n\nImages by anna_berg from an album on Flickr.\n",  # a user name
        "Bilder:\n\n- Foto: Max Muster\n  über Wikimedia Commons\n- Foto: Anna Berg, eigenes Werk\n",
        "Tools:\n\n- gallery - Photos by Max Muster from Flickr.\n- other - a tool.\n",
    ],
)
def test_a_flickr_or_commons_credit_without_licence_is_still_caught(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG405" in rules(check(text, channel="linkedin-company", path="post.md"))


GALLERY = (
    "### Fotoeindrücke\nFotos von mstock, nakaner, hafi; CC-BY 4.0\n\n"
    "![Foto Stand](/news/images/stand.jpg)\n*Der Stand*\n\n"
    "![Foto Drucker](/news/images/drucker.jpg)\n*Der Drucker*\n\n### Danach\n\nText.\n"
)


def test_a_gallery_of_the_sites_own_files_credited_to_its_photographers_needs_no_source(check) -> None:  # type: ignore[no-untyped-def]
    assert "PG405" not in rules(check(GALLERY, channel="linkedin-company", path="post.md"))


@pytest.mark.parametrize(
    "text",
    [
        # one picture, one author: it may have been copied from elsewhere
        "Der Gipfel.\n\n![Gipfel](gipfel.jpg)\nFoto: Anna Berg, CC BY 4.0\n",
        # one photographer for the gallery
        GALLERY.replace("von mstock, nakaner, hafi", "von mstock"),
        # a picture of the gallery hot-linked from another site
        GALLERY.replace("/news/images/drucker.jpg", "https://photos.example.org/drucker.jpg"),
        # only one picture below the credit in its section
        GALLERY.replace("![Foto Drucker](/news/images/drucker.jpg)", "Danach gab es Kaffee."),
    ],
)
def test_a_credit_without_source_beside_a_gallery_is_still_caught(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG405" in rules(check(text, channel="linkedin-company", path="post.md"))


# -- PG402: "via" credits only in credit context -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Die Einstellungen änderst du via the web interface oder per API.",
        "Login via Google ist jetzt möglich.",
        "You can log in via Google or via the web interface.",
    ],
)
def test_via_in_prose_is_no_source(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG402" not in rules(check(text))


@pytest.mark.parametrize(
    "text",
    [
        "Schöner Sonnenuntergang.\nvia Pinterest",
        "Schöner Sonnenuntergang. Foto: Anna Berg, via Pinterest",
        "![Sonnenuntergang](https://example.com/s.jpg)\nGefunden via Google",
    ],
)
def test_via_in_a_credit_is_still_judged(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert "PG402" in rules(check(text, path="post.md"))


# -- PG408: the repository's own images ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "/images/docs/devtools.png",
        "img/architecture-diagram.svg",
        "../assets/screenshot-settings.png",
        "vector.JPG",
    ],
)
def test_a_repository_screenshot_needs_no_credit(check, src: str) -> None:  # type: ignore[no-untyped-def]
    text = f"So sieht es aus:\n\n![Einstellungen]({src})\n\nWeiter geht's.\n"
    assert copyright_(check(text, channel="blog", kind="article", path="post.md")) == []


@pytest.mark.parametrize(
    "text",
    [
        "Unser Stand:\n\n![Unser Stand auf der Messe](img/stand.jpg)\n",  # an event, by its alt text
        "Das Team:\n\n![Foto](img/team-2026.jpg)\n",  # people, by its file name
        "Fundstück:\n\n![Gipfel](https://i.imgur.com/3pbhoUs.png)\n",  # hot-linked from another host
        "Fundstück:\n\n![Gipfel](img/AdobeStock_123456789.jpeg)\n",  # a stock file, even in the repository
    ],
)
def test_people_events_hotlinks_and_stock_still_need_a_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert rules(check(text, channel="blog", kind="article", path="post.md")) in (["PG408"], ["PG401"])


def _jekyll_post(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text('url: "https://ffmuc.net"\n', encoding="utf-8")
    post = root / "_posts" / "2026-01-13-dns.md"
    post.parent.mkdir(exist_ok=True)
    post.write_text(body, encoding="utf-8")
    return post


@pytest.mark.parametrize(
    "src",
    [
        "https://stats.ffmuc.net/render/d-solo/doh?panelId=2&orgId=1",  # the site's dashboard host
        "https://ffmuc.net/assets/map.png",
        "https://www.ffmuc.net/assets/map.png",
    ],
)
def test_an_image_hot_linked_from_the_sites_own_host_needs_no_credit(check, tmp_path: Path, src: str) -> None:  # type: ignore[no-untyped-def]
    post = _jekyll_post(tmp_path, f"Die Anfragen pro Tag:\n\n![DoH-Anfragen]({src})\n\nWeiter geht's.\n")
    text = post.read_text(encoding="utf-8")
    assert copyright_(check(text, channel="blog", kind="article", path=str(post))) == []


@pytest.mark.parametrize(
    "text",
    [
        "Die Anfragen:\n\n![DoH](https://grafana.example.org/render/d-solo/doh.png)\n",  # another site's host
        "Die Anfragen:\n\n![DoH](https://notffmuc.net/doh.png)\n",  # a look-alike host
        "Unser Stand:\n\n![Unser Stand auf der Messe](https://ffmuc.net/img/stand.jpg)\n",  # an event photo
    ],
)
def test_other_hosts_and_event_photos_on_the_own_host_still_need_a_credit(
    check, tmp_path: Path, text: str
) -> None:  # type: ignore[no-untyped-def]
    post = _jekyll_post(tmp_path, text)
    assert rules(check(text, channel="blog", kind="article", path=str(post))) == ["PG408"]


@pytest.mark.parametrize(
    "text",
    [
        "Unterstützt von:\n\n![Esplendor Group](/assets/unterstuetzung/logo-esplendor.png)\n",
        "So sieht es aus:\n\n![Screenshot Konferenz System](/assets/posts/meet.png)\n",
        # the avatars of an online conference's virtual world
        "Online:\n\n![Gruppenfoto der Avatare in der Netzwerkwelt](/news/images/gruppenfoto-2022.png)\n",
    ],
)
def test_a_logo_or_screenshot_of_the_site_is_artwork_even_with_a_people_word(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert copyright_(check(text, channel="blog", kind="article", path="post.md")) == []
    # the same people word on a photo still asks for a credit; a hot-linked logo of another host too
    photo = "Unser Stand:\n\n![Die Esplendor Group am Stand](/assets/stand.jpg)\n"
    assert rules(check(photo, channel="blog", kind="article", path="post.md")) == ["PG408"]
    other = "Partner:\n\n![Logo](https://cdn.example.com/logo.png)\n"
    assert rules(check(other, channel="blog", kind="article", path="post.md")) == ["PG408"]


KANALANALYSE = (
    '<div id="abb1">\n'
    '  <a href="https://commons.wikimedia.org/wiki/File:Kanaele.svg">\n'
    '    <img src="https://upload.wikimedia.org/wikipedia/commons/8/8c/Kanaele.svg.png">\n'
    "  </a>\n"
    "  <b>Abb. 1</b>: WLAN-Kanäle im 2,4 GHz-Band.<br>\n"
    '  <div class="small">\n'
    '    <a href="http://creativecommons.org/licenses/by-sa/3.0">CC BY-SA 3.0</a>,\n'
    '    by <a href="//commons.wikimedia.org/w/index.php?title=User:Gauthierm">Michael Gauthier</a>\n'
    '    via <a href="//commons.wikimedia.org/wiki/">Wikimedia Commons</a>.\n'
    "  </div>\n"
    "</div>\n"
)


def test_a_licence_credit_below_an_image_with_a_linked_author_is_complete(check) -> None:  # type: ignore[no-untyped-def]
    text = "Die Kanäle:\n\n" + KANALANALYSE
    assert copyright_(check(text, channel="blog", kind="article", path="post.md")) == []
    # without the author, the licence is still incomplete; without any credit the image needs one
    no_author = text.replace(
        '    by <a href="//commons.wikimedia.org/w/index.php?title=User:Gauthierm">Michael Gauthier</a>\n', ""
    )
    assert rules(check(no_author, channel="blog", kind="article", path="post.md")) == ["PG405"]
    bare = text.split('  <div class="small">')[0] + "</div>\n"
    assert rules(check(bare, channel="blog", kind="article", path="post.md")) == ["PG408"]


def test_a_screenshot_attached_on_github_counts_as_the_teams_own(check) -> None:  # type: ignore[no-untyped-def]
    shot = "Die Ausgabe:\n\n![REPL](https://user-images.githubusercontent.com/8822573/80928108-afb0.png)\n"
    assert copyright_(check(shot, channel="blog", kind="article", path="post.md")) == []
    team = "Das Team:\n\n![Unser Team auf der Messe](https://user-images.githubusercontent.com/1/team.png)\n"
    assert rules(check(team, channel="blog", kind="article", path="post.md")) == ["PG408"]


def test_a_pasted_draft_has_no_own_host(check) -> None:  # type: ignore[no-untyped-def]
    text = "Die Anfragen:\n\n![DoH](https://stats.ffmuc.net/render/doh.png)\n"
    assert rules(check(text, channel="blog", kind="article", path=None)) == ["PG408"]


# -- vocabularies from the default pack: new agencies, and packs that replace a list --------------------------------


@pytest.mark.parametrize(
    ("url", "agency"),
    [
        ("https://c8.alamy.com/comp/2B4X5YT/gipfel.jpg", "Alamy"),
        (
            "https://st.depositphotos.com/1000/2000/i/450/depositphotos_20001234-stock-photo.jpg",
            "Depositphotos",
        ),
        ("https://previews.123rf.com/images/anna/anna1234/123456789-gipfel.jpg", "123RF"),
        ("https://thumbs.dreamstime.com/b/gipfel-123456789.jpg", "Dreamstime"),
        ("https://media.istockphoto.com/id/123456789/photo/gipfel.jpg", "iStock"),
    ],
)
def test_more_stock_agencies(check, url: str, agency: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Blick vom Gipfel:\n{url}\n"
    [f] = copyright_(check(text))
    assert f.rule_id == "PG401" and f"({agency})" in f.message


def test_a_pack_replaces_the_people_words(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    pack = tmp_path / "vocab.toml"
    pack.write_text(
        '[copyright]\npeople_words = ["belegschaft"]\nreplace = ["people_words"]\n', encoding="utf-8"
    )
    engine = Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)
    team = "Das Team:\n\n![Team](img/team.jpg)\n"
    staff = "Die Belegschaft:\n\n![Foto](img/belegschaft.jpg)\n"
    assert copyright_(lint(engine, team, channel="blog", kind="article", path="p.md", now=NOW).findings) == []
    found = lint(engine, staff, channel="blog", kind="article", path="p.md", now=NOW).findings
    assert [f.rule_id for f in copyright_(found)] == ["PG408"]


def _node_site(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(
        '{"homepage": "https://nodejs.org", "repository": {"url": "git+https://github.com/nodejs/nodejs.org.git"}}',
        encoding="utf-8",
    )
    page = root / "pages" / "about.md"
    page.parent.mkdir(exist_ok=True)
    page.write_text(body, encoding="utf-8")
    return page


@pytest.mark.parametrize(
    "src",
    [
        "https://raw.githubusercontent.com/nodejs/Release/main/schedule.svg?sanitize=true",
        "https://github.com/nodejs/Release/raw/main/schedule.svg",
        "https://github.com/user-attachments/assets/baeec45a-0f02-4690-8b64-529c76e54631",  # an upload
    ],
)
def test_an_image_from_the_sites_own_repository_account_needs_no_credit(
    check, tmp_path: Path, src: str
) -> None:  # type: ignore[no-untyped-def]
    page = _node_site(tmp_path, f"The schedule:\n\n![Releases]({src})\n")
    text = page.read_text(encoding="utf-8")
    assert copyright_(check(text, channel="blog", kind="article", path=str(page))) == []


@pytest.mark.parametrize(
    "src",
    [
        "https://raw.githubusercontent.com/someone/Release/main/schedule.svg",  # another account
        "https://github.com/nodejsx/Release/raw/main/schedule.svg",  # a look-alike account
        "https://gitlab.com/nodejs/Release/-/raw/main/schedule.svg",  # the account is the site's on GitHub only
        "https://raw.githubusercontent.com/nodejs/Release/main/team-summit.jpg",  # people at an event
    ],
)
def test_images_of_other_accounts_still_need_a_credit(check, tmp_path: Path, src: str) -> None:  # type: ignore[no-untyped-def]
    page = _node_site(tmp_path, f"The schedule:\n\n![Releases]({src})\n")
    text = page.read_text(encoding="utf-8")
    assert rules(check(text, channel="blog", kind="article", path=str(page))) == ["PG408"]


def test_a_forge_homepage_does_not_make_the_forge_the_sites_host(check, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "package.json").write_text(
        '{"homepage": "https://github.com/acme/site#readme"}', encoding="utf-8"
    )
    page = tmp_path / "post.md"
    text = "Vom Gipfel:\n\n![Berg](https://github.com/someone/photos/raw/main/berg.jpg)\n"
    page.write_text(text, encoding="utf-8")
    assert rules(check(text, channel="blog", kind="article", path=str(page))) == ["PG408"]


def test_a_screenshot_linking_to_the_sites_own_service_needs_no_credit(check, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "Viel Spaß!\n\n[![Konferenz System](/assets/posts/meet.png)](https://meet.ffmuc.net)\n\nWeiter.\n"
    post = _jekyll_post(tmp_path, text)
    assert copyright_(check(text, channel="blog", kind="article", path=str(post))) == []


@pytest.mark.parametrize(
    "text",
    [
        # an event photo linking to the site's own page, to another site's service, or to nothing
        "Rückblick:\n\n[![Unser Team auf der Konferenz](/assets/team.jpg)](https://ffmuc.net/blog/konferenz)\n",
        "Rückblick:\n\n[![Unser Team auf der Konferenz](/assets/team.jpg)](/blog/konferenz)\n",
        "Rückblick:\n\n[![Konferenz System](/assets/meet.png)](https://meet.example.net)\n",
        "Rückblick:\n\n![Konferenz System](/assets/meet.png)\n",
    ],
)
def test_event_photos_linking_elsewhere_still_need_a_credit(check, tmp_path: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    post = _jekyll_post(tmp_path, text)
    assert rules(check(text, channel="blog", kind="article", path=str(post))) == ["PG408"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('callout_symbols = ["ab"]', "is not one symbol"),
        ('own_hosts = ["https://cdn.example.com"]', "is not a host name"),
        ('repository_hosts = { "not a host" = ["x.example.com"] }', "is not a host name"),
        ('repository_hosts = { "github.com" = ["raw.example.com/path"] }', "is not a host name"),
    ],
)
def test_the_new_copyright_keys_are_validated(tmp_path: Path, section: str, message: str) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.errors import ConfigError

    pack = tmp_path / "bad.toml"
    pack.write_text(f"[copyright]\n{section}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)


def test_an_own_host_with_a_path_covers_that_folder_only(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    pack = tmp_path / "own.toml"
    pack.write_text('[copyright]\nown_hosts = ["s3.amazonaws.com/our-assets"]\n', encoding="utf-8")
    engine = Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)

    def found(src: str) -> list[str]:
        text = f"Schritt 2:\n\n![img]({src})\n"
        result = lint(engine, text, channel="blog", kind="article", path="p.md", now=NOW)
        return [f.rule_id for f in copyright_(result.findings)]

    assert found("https://s3.amazonaws.com/our-assets/docs/step-2.png") == []
    assert found("https://s3.amazonaws.com/their-assets/docs/step-2.png") == ["PG408"]
    assert found("https://s3.amazonaws.com/our-assets-2/docs/step-2.png") == ["PG408"]
