"""The disclosure check (PG501-PG503): promoting the employer needs "Werbung"/"Ad" at the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import spans
from postguard.errors import ConfigError
from postguard.rulepacks import load_packs


def disclosure(findings):  # type: ignore[no-untyped-def]
    return [f for f in findings if f.category == "disclosure"]


# -- PG501: no label -----------------------------------------------------------------------------------


def test_private_post_promoting_the_employer_german(check) -> None:  # type: ignore[no-untyped-def]
    text = "Meine neue Nordkap-Jacke: 20 % Rabatt mit Code NORDKAP20!"
    [f] = disclosure(check(text, lang="de"))
    assert spans([f], text) == [("PG501", "Meine")]
    assert f.severity.value == "error" and f.replacements == ("Werbung: Meine",)
    assert "„Nordkap“ („20 % Rabatt“)" in f.message and "auch privat" in f.message


def test_business_post_is_a_warning(check) -> None:  # type: ignore[no-untyped-def]
    text = "Meine neue Nordkap-Jacke: 20 % Rabatt mit Code NORDKAP20!"
    [f] = disclosure(check(text, channel="instagram-brand", lang="de"))
    assert (f.rule_id, f.severity.value) == ("PG501", "warning")
    assert "auch privat" not in f.message


def test_private_post_english(check) -> None:  # type: ignore[no-untyped-def]
    text = "  Love my new Trekker boots! Get them at 15% off – link in bio"
    [f] = disclosure(check(text, channel="employee-private", lang="en"))
    assert spans([f], text) == [("PG501", "Love")]
    assert f.replacements == ("Ad: Love",) and "start it with “Ad”" in f.message


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Nordkap-Jacken jetzt -20 % im Winter.", "-20 %"),
        ("Mit dem Gutscheincode WINTER gibt's Nordkap günstiger.", "Gutscheincode"),
        ("Die Fjellpack-Rucksäcke: jetzt kaufen!", "jetzt kaufen"),
        ("The new Fjellpack is here, buy now!", "buy now"),
        ("Trekker boots, 30% off this week.", "30% off"),
        ("Nordkap Mitarbeiterrabatt gilt auch für Freunde.", "Mitarbeiterrabatt"),
        ("Trekker boots with code TREK15.", "code TREK15"),
        ("Mein Fjellpack: https://shop.nordkap.example/fjellpack", "https://shop.nordkap.example/fjellpack"),
        ("Mein Fjellpack gibt es unter nordkap.example/shop/fjellpack", "nordkap.example/shop/fjellpack"),
        ("Unser Mitarbeiterangebot: Nordkap-Jacken für alle.", "Mitarbeiterangebot"),  # pack cue
        ("Nordkap Black Friday startet!", "Black Friday"),
    ],
)
def test_promotion_cues(check, text: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    [f] = disclosure(check(text))
    assert f.rule_id == "PG501"
    assert cue in f.message


def test_embargoed_products_count_as_brands(check) -> None:  # type: ignore[no-untyped-def]
    text = "Die Herbstkollektion 2027 jetzt vorbestellen!"
    assert [f.rule_id for f in disclosure(check(text))] == ["PG501"]


def test_the_word_werbung_in_prose_is_no_label(check) -> None:  # type: ignore[no-untyped-def]
    text = "Ich mache keine Werbung, aber die Nordkap Jacke gibt es jetzt mit 30% Rabatt"
    assert [f.rule_id for f in disclosure(check(text))] == ["PG501"]
    adhoc = "Ad hoc gepostet: meine Nordkap-Jacke mit 20 % Rabatt"
    assert [f.rule_id for f in disclosure(check(adhoc))] == ["PG501"]


@pytest.mark.parametrize(
    "text",
    [
        "Heute mein erster Tag bei Nordkap! Super Team, tolle Kolleg:innen.",  # mention, no promotion
        "My first week at Nordkap Outdoor: great people, great trails.",
        "20 % Rabatt bei meinem Lieblingsbäcker, nur heute!",  # promotion, but not the employer
        "Werbung: Meine neue Nordkap-Jacke, 20 % Rabatt mit Code NORDKAP20!",
        "[Anzeige] Meine neue Nordkap-Jacke, 20 % Rabatt!",
        "#ad Love my new Trekker boots, 15% off with code TREK15",
        "Ad | New Fjellpack backpack, buy now at https://shop.nordkap.example/fjellpack",
        "#nordkapemployee Love my new Trekker boots, 15% off",
        "#NordkapMitarbeiter Neue Trekker-Stiefel, 15 % Rabatt",
        "#NordkapOutdoorEmployee New Trekker boots, 15% off",
        "#TeamNordkap Neue Trekker-Stiefel, 15 % Rabatt",  # a label from the pack
        "Werbung (Mitarbeiterin) – die neue Nordkap-Jacke, jetzt 20 % Rabatt",
        "Bezahlte Werbepartnerschaft mit Nordkap\nDie neue Jacke, jetzt 20 % Rabatt",
        "Anzeige\n\nDie neue Nordkap-Jacke, jetzt 20 % Rabatt",
        "*Werbung* Die neue Nordkap-Jacke, jetzt 20 % Rabatt #partner",  # a weak tag besides a good label
    ],
)
def test_mentions_and_labelled_promotion_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert disclosure(check(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Wir haben heute unseren neuen Flagship-Store in Hamburg eröffnet! Kommt vorbei. Nordkap",
        "Nordkap spendet 5 % des Umsatzes an den Naturschutz. Mehr dazu im Blog.",
        "Unser Code of Conduct gilt für alle Nordkap-Events: https://www.nordkap.example/coc",
        "Team event at Nordkap: we cooked together and shared stories. #nordkap #teamspirit",
        "Nordkap wurde von der Stiftung Warentest mit „gut“ bewertet (Ausgabe 11/2026).",
        "Der QR-Code ABC führt zu unserer Nordkap-Ausstellung.",
        # cue words in their everyday senses
        "Spannender Vortrag über Rabattschlachten im Einzelhandel – danke an mein Nordkap-Team!",
        "Unser Nordkap-Gutscheinsystem läuft jetzt auf SAP – danke an das IT-Team.",
        "Ich habe meine Promotion abgeschlossen – danke an Nordkap für die Unterstützung!",
        "Proud to present my master thesis on promotional pricing, written at Nordkap.",
        "Our team at Nordkap discussed discount strategies at the retail summit.",
        "Nordkap announced the sale of its Norwegian unit today.",
    ],
)
def test_everyday_employer_posts_pass(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert disclosure(check(text)) == []
    assert disclosure(check(text, channel="linkedin-company")) == []


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Wir suchen Verstärkung im Nordkap-Team! Alle Infos: Link in Bio.", "Link in Bio"),
        ("Heute Sommerfest bei Nordkap. Fotos: Link in Bio", "Link in Bio"),
        ("Black Friday? Nicht bei uns: Nordkap repariert an diesem Tag kostenlos.", "Black Friday"),
        ("Nordkap Mitarbeiterrabatt gilt auch für Freunde.", "Mitarbeiterrabatt"),
    ],
)
def test_weak_cues_alone_give_a_hint_not_an_error(check, text: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    """Words that everyday posts use too ("Link in Bio" under a job ad) are a hint, on any channel."""
    for channel in (None, "instagram-brand"):
        [f] = disclosure(check(text, channel=channel, lang="de"))
        assert (f.rule_id, f.severity.value) == ("PG501", "info")
        assert f.message.startswith("Falls dieser Beitrag für „")
        assert f"(„{cue}“)" in f.message and f.confidence == 0.7


@pytest.mark.parametrize(
    "text",
    [
        "Nordkap-Jacke: 20 Prozent Rabatt für alle Follower!",
        "15 Euro Rabatt mit meinem Code bei Nordkap!",
        "Trekker boots: $10 off",
        "Save 20% on Trekker boots",
        "Spart 20 % auf die neue Nordkap-Kollektion!",
        "Bis zu 50 % auf Nordkap-Jacken!",
        "Mit meinem Rabattcode anna15 spart ihr bei Nordkap!",
        "Große Rabattaktion bei Nordkap: alles reduziert!",
        "Use my code anna15 for Trekker boots.",
        "Trekker boots now only $49!",
        "Die Trekker-Stiefel gibt es jetzt nur 1.299 € statt 1.499 €.",
        "Sichert euch die neue Nordkap-Jacke, solange der Vorrat reicht!",
        "Nordkap-Jacken jetzt -20 % im Winter.",
        "Nordkap: 20% discount for employees.",
    ],
)
def test_offers_and_calls_to_buy_are_strong_cues(check, text: str) -> None:  # type: ignore[no-untyped-def]
    [f] = disclosure(check(text))
    assert (f.rule_id, f.severity.value, f.confidence) == ("PG501", "error", 1.0)


@pytest.mark.parametrize(
    "text",
    [
        "Nordkap: The sale to Fjell Holdings closed today.",
        "My discount broker recommended Nordkap shares.",
        "Our discount rate at Nordkap is 8%.",
        "Die Rabatt-Schlacht im Handel – Vortrag bei Nordkap.",
        "Nordkap Q3: Umsatz -12 % gegenüber Vorjahr.",
        "Nordkap: 3 % off-season growth",
        "Unser Code of Conduct gilt für alle Nordkap-Events.",
    ],
)
def test_figures_and_business_words_are_no_cues(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert disclosure(check(text)) == []


def test_a_weak_label_on_weak_cues_is_a_hint_too(check) -> None:  # type: ignore[no-untyped-def]
    text = "Sommerfest bei Nordkap, präsentiert von der Stadt. Fotos: Link in Bio"
    [f] = disclosure(check(text, lang="de"))
    assert (f.rule_id, f.severity.value, f.confidence) == ("PG503", "info", 0.7)


def test_a_strong_cue_beside_a_weak_one_is_named_and_an_error(check) -> None:  # type: ignore[no-untyped-def]
    text = "Black Friday bei Nordkap: 30 % Rabatt auf alle Jacken!"
    [f] = disclosure(check(text, lang="de"))
    assert (f.rule_id, f.severity.value) == ("PG501", "error")
    assert "(„30 % Rabatt“)" in f.message


def test_business_articles_and_pages_are_not_posts(check) -> None:  # type: ignore[no-untyped-def]
    text = "Die neue Nordkap-Jacke: jetzt 20 % Rabatt im Shop.\n\nImpressum: https://www.nordkap.example/impressum"
    assert disclosure(check(text, channel="blog", kind="article")) == []
    assert [f.rule_id for f in disclosure(check(text, kind="article"))] == ["PG501"]  # private blog


def test_markdown_post_spans_point_into_the_source(check) -> None:  # type: ignore[no-untyped-def]
    text = "---\nchannel: instagram-brand\n---\n**Neu:** die Nordkap-Jacke mit [20 % Rabatt](https://shop.nordkap.example)\n"
    [f] = disclosure(check(text, path="post.md"))
    assert (f.rule_id, f.severity.value, f.match) == ("PG501", "warning", "Neu:")
    assert text[f.start : f.end] == "Neu:"


# -- PG502: label at the end ---------------------------------------------------------------------------


def test_label_at_the_end_in_a_hashtag_cluster(check) -> None:  # type: ignore[no-untyped-def]
    text = "Neue Nordkap-Jacke, 20 % Rabatt! #outdoor #wandern #werbung"
    [f] = disclosure(check(text, lang="de"))
    assert spans([f], text) == [("PG502", "#werbung")]
    assert f.severity.value == "warning" and "zwischen anderen Hashtags" in f.message


def test_label_at_the_end_english(check) -> None:  # type: ignore[no-untyped-def]
    text = "New Trekker boots, 15% off with code TREK15 #hiking #outdoors #ad"
    [f] = disclosure(check(text, lang="en"))
    assert spans([f], text) == [("PG502", "#ad")]
    assert "cluster of hashtags" in f.message and "“Ad: …”" in f.message


def test_label_alone_at_the_end(check) -> None:  # type: ignore[no-untyped-def]
    text = "Neue Nordkap-Jacke, 20 % Rabatt!\n\n[Anzeige]"
    [f] = disclosure(check(text, lang="de"))
    assert spans([f], text) == [("PG502", "Anzeige")]
    assert "erst am Ende" in f.message


def test_label_after_the_promotion(check) -> None:  # type: ignore[no-untyped-def]
    text = "20 % Rabatt auf Nordkap-Jacken! #ad Jetzt zuschlagen."
    [f] = disclosure(check(text, lang="de"))
    assert spans([f], text) == [("PG502", "#ad")]
    assert "erst nach der Werbung („20 % Rabatt“)" in f.message


def test_label_after_the_first_hundred_characters(check) -> None:  # type: ignore[no-untyped-def]
    intro = "Was für ein Wochenende in den Bergen, mit Sonne, Schnee und den allerbesten Kolleginnen und Kollegen! "
    text = intro + "#werbung Die Nordkap-Jacke gibt es jetzt mit 20 % Rabatt."
    assert len(intro) >= 100
    [f] = disclosure(check(text, lang="de"))
    assert spans([f], text) == [("PG502", "#werbung")]
    assert "ersten 100 Zeichen" in f.message


# -- PG503: weak labels -------------------------------------------------------------------------------------


def test_weak_hashtag_at_the_start(check) -> None:  # type: ignore[no-untyped-def]
    text = "#spon Neue Nordkap-Jacke mit Code NORDKAP20"
    [f] = disclosure(check(text, lang="de"))
    assert spans([f], text) == [("PG503", "#spon")]
    assert f.replacements == ("#werbung",) and f.severity.value == "warning"


def test_weak_phrase_at_the_start_english(check) -> None:  # type: ignore[no-untyped-def]
    text = "Sponsored by Nordkap: 15% off all Trekker boots this week."
    [f] = disclosure(check(text, lang="en"))
    assert spans([f], text) == [("PG503", "Sponsored by")]
    assert f.replacements == ("Ad for",)


def test_weak_phrase_german(check) -> None:  # type: ignore[no-untyped-def]
    text = "Präsentiert von Nordkap: jetzt 20 % Rabatt auf alle Jacken."
    [f] = disclosure(check(text, lang="de"))
    assert spans([f], text) == [("PG503", "Präsentiert von")]
    assert f.replacements == ("Werbung für",)


@pytest.mark.parametrize("weak", ["#collab", "#partner", "#ambassador", "#sponsored", "powered by Nordkap"])
def test_weak_labels_at_the_end_get_no_inplace_fix(check, weak: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Trekker boots, 15% off this week! {weak}"
    [f] = disclosure(check(text, lang="en"))
    assert f.rule_id == "PG503" and text[f.start : f.end] == weak.split(" Nordkap")[0]
    assert f.replacements == () and "at the start of the post" in f.message


# -- the [disclosure] pack section -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ('[disclosure]\nbrand = ["Nordkap"]\n', "disclosure.brand", "did you mean 'brands'"),
        ("[disclosure]\nbrands = [1]\n", "disclosure.brands[0]", "expected a string"),
        (
            '[disclosure]\nbrands = ["Nordkap"]\nlabels = ["#"]\n',
            "disclosure.labels[0]",
            "no letters or digits",
        ),
        ('[disclosure]\nbrands = ["Nordkap"]\nshops = ["not a host"]\n', "disclosure.shops[0]", "not a host"),
        ('[disclosure]\nlabels = ["#x"]\n', "disclosure.brands", "list the brands"),
        ('[disclosure]\nbrands = ["Nordkap"]\ncues = 3\n', "disclosure.cues", "expected an array of strings"),
        (
            '[[disclosure.cue_patterns]]\nname = "x"\npattern = "(unclosed"\n',
            "disclosure.cue_patterns[0].pattern",
            "invalid regular expression",
        ),
        (
            '[[disclosure.cue_patterns]]\nname = "x"\npattern = "a?"\n',
            "disclosure.cue_patterns[0].pattern",
            "matches the empty text",
        ),
        ('[[disclosure.cue_patterns]]\npattern = "x"\n', "disclosure.cue_patterns[0].name", "missing"),
        ('[[disclosure.cue_patterns]]\nname = "x"\npattern = "x"\nstrong = "yes"\n',
         "disclosure.cue_patterns[0].strong", "true or false"),
    ],
)  # fmt: skip
def test_pack_errors_name_file_and_key(  # type: ignore[no-untyped-def]
    tmp_path: Path, example_engine, body: str, key: str, words: str
) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_packs([pack], example_engine.sections)
    assert err.value.path == str(pack) and err.value.key == key
    assert words in str(err.value)


def _engine(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    from conftest import EXAMPLE_PACK
    from postguard.config import Config
    from postguard.engine import Engine

    pack = tmp_path / "cues.toml"
    pack.write_text(body, encoding="utf-8")
    return Engine(Config(packs=(EXAMPLE_PACK, pack)), use_cache=False)


def test_the_promotion_cues_are_data_a_pack_extends_or_replaces(tmp_path: Path) -> None:
    from postguard.pipeline import lint

    buy = "Die Nordkap-Jacke: jetzt kaufen!"
    own = "Die Nordkap-Jacke: ab in den Laden damit!"
    extended = _engine(tmp_path, '[disclosure]\nbuy_phrases = ["ab in den Laden"]\n')
    for text in (buy, own):
        [f] = disclosure(lint(extended, text, lang="de").findings)
        assert (f.rule_id, f.severity.value) == ("PG501", "error")
    replaced = _engine(
        tmp_path, '[disclosure]\nbuy_phrases = ["ab in den Laden"]\nreplace = ["buy_phrases"]\n'
    )
    assert disclosure(lint(replaced, buy, lang="de").findings) == []
    assert [f.rule_id for f in disclosure(lint(replaced, own, lang="de").findings)] == ["PG501"]


def test_a_pack_adds_a_cue_pattern_with_an_amount(tmp_path: Path) -> None:
    from postguard.pipeline import lint

    engine = _engine(
        tmp_path, "[[disclosure.cue_patterns]]\nname = \"gratis\"\npattern = '(?i){amount}\\s+gratis'\n"
    )
    [f] = disclosure(lint(engine, "Zur Nordkap-Jacke gibt es 10 € gratis dazu.", lang="de").findings)
    assert f.rule_id == "PG501" and "10 € gratis" in f.message
    # the phrase lists match across hyphens and spaces, and plurals: "Rabatt-Codes"
    [f] = disclosure(lint(engine, "Nordkap verlost heute Rabatt-Codes!", lang="de").findings)
    assert "Rabatt-Codes" in f.message
    # everyday words stay no cue: "im Shopping-Center", "Code of Conduct"
    for text in ("Nordkap war heute im Shopping-Center.", "Nordkap hat einen Code of Conduct."):
        assert disclosure(lint(engine, text, lang="de").findings) == []


def test_without_a_disclosure_section_nothing_is_judged(default_engine) -> None:  # type: ignore[no-untyped-def]
    from postguard.pipeline import lint

    assert disclosure(lint(default_engine, "Nordkap-Jacke mit 20 % Rabatt!").findings) == []


# -- issue 11: a brand and a cue belong together; a new product with a pointer to buy is promotion ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Morgen zieht über Nordkap eine Sturmfront auf, bleibt drinnen und trinkt Tee. Wer trotzdem raus muss: "
        "Der Supermarkt an der Ecke hat Regenschirme, und dort spart man heute bis zu 20 % auf alles.",
        "Trekker, unser Bürohund, war heute beim Tierarzt. Ganz anderes Thema, aber auch schön zu wissen: beim "
        "Bäcker gegenüber gibt es gerade 20 % Rabatt auf alle Brötchen, die nach 18 Uhr noch übrig sind.",
    ],
)
def test_a_brand_and_an_unrelated_cue_far_apart_are_no_ad(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert disclosure(check(text, lang="de")) == []


def test_a_brand_and_a_cue_in_one_sentence_or_close_are_still_an_ad(check) -> None:  # type: ignore[no-untyped-def]
    for text in ("Nordkap-Jacken jetzt -20 % im Winter.", "Love my new Trekker boots! Get them at 15% off"):
        assert [f.rule_id for f in disclosure(check(text))] == ["PG501"]


@pytest.mark.parametrize(
    "text",
    [
        "Die neuen Trekker X7 sind da, Link in Bio!",
        "Trekker boots are here. Link in bio!",
        "Endlich da: die neue Fjellpack-Kollektion. Swipe up!",
    ],
)
def test_a_new_product_with_a_pointer_to_buy_is_a_warning(check, text: str) -> None:  # type: ignore[no-untyped-def]
    [f] = disclosure(check(text))
    assert (f.rule_id, f.severity.value) == ("PG501", "warning")
    assert f.replacements and f.replacements[0].startswith(("Werbung: ", "Ad: "))


def test_the_fix_goes_at_the_start_of_the_body_not_into_the_front_matter(check) -> None:  # type: ignore[no-untyped-def]
    text = "---\ntitle: Neue Nordkap-Jacken\n---\nDie Nordkap-Jacke: jetzt 20 % Rabatt!\n"
    [f] = disclosure(check(text, path="post.md"))
    assert f.rule_id == "PG501" and text[f.start : f.end] == "Die"
    assert f.replacements == ("Werbung: Die",)
