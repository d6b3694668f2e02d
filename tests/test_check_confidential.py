"""The confidential check (PG101-PG105) with the example and default packs, in German and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stolz auf das #Sturmvogel-Team!", [("PG101", "Sturmvogel")]),
        ("Die Sturmvogeltests laufen super.", [("PG101", "Sturmvogel")]),
        (
            "Proud of the Sturmvogel team and its Sturmv0gel swag.",
            [("PG101", "Sturmvogel"), ("PG101", "Sturmv0gel")],
        ),
        ("Bald startet Projekt Eichhörnchen.", [("PG101", "Projekt Eichhörnchen")]),
        ("Der Eichhörnchen-Prototyp ist fertig.", [("PG101", "Eichhörnchen")]),
        ("Great pitch for Fjellsport AS today!", [("PG102", "Fjellsport AS")]),
        (
            "Alles im Wiki: https://wiki.nordkap.intern/pages/42 ansehen",
            [("PG103", "https://wiki.nordkap.intern/pages/42")],
        ),
        ("Mail me at anna@intranet.nordkap.example.", [("PG103", "anna@intranet.nordkap.example")]),
        ("Siehe Dokument NK-DOC-20391.", [("PG104", "NK-DOC-20391")]),
        ("Die Quartalszahlen sehen gut aus!", [("PG105", "Quartalszahlen")]),
        ("Can't wait to share our earnings!", [("PG105", "earnings")]),
    ],
)
def test_catches(check, text: str, expected: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    assert spans(check(text), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ein Eichhörnchen sitzt im Baum.",  # the animal, no context word near it
        "A talk on the Gender Lifetime Earnings Gap in Germany.",  # earnings, but no results talk
        "Wir haben ein Eichhörnchen im Park gesehen, ein tolles Projekt der Stadt.",  # allowed phrase
        "Sturm und Sturmwarnung an der Küste.",
        "Der Trekker T4 ist ein Klassiker.",
        "Unser neuer Katalog ist da!",
        "Besuch uns auf www.nordkap.example oder schreib an info@nordkap.example.",  # public hosts
        "Fjellsport ist ein schönes Wort.",  # half of a client name
    ],
)
def test_leaves_alone(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert spans(check(text), text) == []


def test_topic_counts_only_inside_its_window(check) -> None:  # type: ignore[no-untyped-def]
    text = "Die Quartalszahlen kommen bald."
    assert spans(check(text, now=datetime(2026, 12, 1, tzinfo=UTC)), text) == [("PG105", "Quartalszahlen")]
    assert check(text, now=datetime(2026, 9, 1, tzinfo=UTC)) == []
    assert check(text, now=datetime(2027, 3, 1, tzinfo=UTC)) == []
    # a post scheduled after the window is fine even if written inside it
    assert (
        check(text, now=datetime(2026, 12, 1, tzinfo=UTC), publish_at=datetime(2027, 3, 1, tzinfo=UTC)) == []
    )


def test_finding_has_severity_message_fix_and_confidence(check) -> None:  # type: ignore[no-untyped-def]
    [f] = check("Stolz auf das Sturmvogel-Team! Wir freuen uns.")
    assert (
        f.severity.value == "error"
        and f.category == "confidential"
        and f.rule_name == "confidential-codename"
    )
    assert f.message.startswith("„Sturmvogel“ ist ein interner Projektname")
    assert f.replacements == ("unser neues Projekt",)
    assert f.confidence == 1.0
    [g] = check("Proud of the team working on Sturmvogeltests.")
    assert g.message.startswith("“Sturmvogel” is an internal codename") and g.confidence < 1.0


def test_pack_severity_applies(check) -> None:  # type: ignore[no-untyped-def]
    [f] = check("Siehe NK-DOC-20391.")
    assert f.severity.value == "warning"


# -- the default pack: markings ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Intern: die Zahlen für Q3 kommen morgen.", "Intern"),
        ("[VERTRAULICH] Entwurf der Pressemitteilung", "VERTRAULICH"),
        ("CONFIDENTIAL – draft press release", "CONFIDENTIAL"),
        ("Folie 3 (nur für den internen Gebrauch) zeigt die Roadmap.", "nur für den internen Gebrauch"),
        ("This deck is for internal use only.", "for internal use only"),
        ("TLP:AMBER – Lagebild", "TLP:AMBER"),
        ("Bitte TLP:RED beachten", "TLP:RED"),
        ("TLP: AMBER – Lagebild", "TLP: AMBER"),  # typed, or read by OCR, with a space
        ("Einstufung TLP : AMBER+STRICT", "TLP : AMBER+STRICT"),
        ("Streng vertraulich: neue Preise", "Streng vertraulich"),
        ("VS-NfD eingestuft", "VS-NfD"),
        ("Please do not forward this.", "do not forward"),
        ("[Intern] Zahlen Q3 und der Plan", "Intern"),
        # true cases beside the shapes of real public text left alone below
        ("Die Zahlen sind eigentlich nur intern.", "nur intern"),
        ("The roadmap is confidential, please don't share.", "is confidential"),
        ("Internal - draft numbers for Q3", "Internal"),
        ("Not for distribution: draft slides", "Not for distribution"),
        ("For internal use only\n\nThe new API ships in May.", "For internal use only"),
        ("# Internal\n\nZahlen für Q3", "Internal"),
        ("[VERTRAULICH] Zahlen für Q3 (Entwurf)", "VERTRAULICH"),
        ("Die Präsentation ist nur intern, bitte nicht teilen.", "nur intern"),
        ("## Intern: Zahlen für Q3", "Intern"),
        ("Vertraulich:\nDie Zahlen für Q3 kommen morgen.", "Vertraulich"),
        ("Diese Mail bitte nicht weiterleiten.", "nicht weiterleiten"),
    ],
)
def test_default_markings_catch(default_engine, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    from conftest import NOW
    from postguard.pipeline import lint

    found = spans(lint(default_engine, text, now=NOW).findings, text)
    assert found == [("PG104", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "Our intern Anna presented her project today!",
        "Meet our new intern: she starts Monday.",
        "Unsere internen Teams haben toll zusammengearbeitet.",
        "Intern haben wir lange diskutiert, jetzt ist es raus.",
        "Wir behandeln Ihre Daten selbstverständlich vertraulich.",
        "Ein vertrauliches Gespräch unter Kollegen.",
        "Internal tools made this launch possible.",
        "TLP:GREEN and TLP:CLEAR may be shared.",
        "TLP: GREEN, gerne teilen.",
        "Ampel: Rot für alle, die zu spät kommen.",
        "Confidential advice is part of our service.",
        "Internet-Auftritt neu gestaltet",
        "[^internal]: The old way made it hard to override a theme's template.",  # a footnote's name
        "content/\n├── internal/\n│   └── shortcodes.md",  # a directory in a tree listing
        "Die Vorlagen liegen unter layouts/internal/ im Theme.",
        # shapes of real public text nobody here wrote (docs/quality.md, session 7)
        "Kommunikation findet generell nur intern statt, da es keine Verbindung zum Internet gibt.",
        "- Melde dich an:\n\n`k6 login cloud --token {{geheim}}`",  # a template's placeholder
        "The questionnaire is confidential, but not anonymous.",  # a survey's privacy promise
        "This survey is _confidential and anonymous_. For more information, see the policy.",
        "many of these use cases are\ninternal-facing, such as chat bots",  # a compound heading a line
        'developers may end up using methods and attributes that\nare meant for "internal use only".',
        "No deprecation phase is provided,\nsince it was an API for internal use only.",
        "``PyPreConfig`` private fields, for internal use only:\n\n* ``_config_init``",
        "these names are internal-only; positional-only parameters are never addressable by name.",
        'An "editable" wheel uses the wheel format not for distribution but as ephemeral\ncommunication.',
        "Example:\n\n    # internal -- provided for illustrative purpose\n    _MAX_VERSION = 4",
        "Bitte melden Sie Sicherheitslücken [vertraulich](https://www.mozilla.org/security/) in Bugzilla.",
        "Derzeit wird diese Eigenschaft nur intern zum Parsen von Werten verwendet.",
        "Eine Anzahl von internen Gecko-Ereignissen, die versehentlich dem Web zugänglich gemacht wurden,"
        " sind jetzt wie beabsichtigt nur intern.",
        "Die Warteschlange gibt es schon eine Weile, wurde aber historisch nur intern genutzt.",
        "> Wenn kein äußerer Wert angegeben ist, ist der Typ `block`.\n\n### Internal\n\nDiese Werte …",
        "Die Hop-by-Hop-Header müssen im `Connection`-Header stehen, damit der Proxy sie nicht weiterleiten soll.",
        "const obj1 = {\n  internal: {},\n};",  # a key in code, like "- Internal: 10.0.0.0/16"
    ],
)
def test_default_markings_leave_alone(default_engine, text: str) -> None:  # type: ignore[no-untyped-def]
    from conftest import NOW
    from postguard.pipeline import lint

    assert spans(lint(default_engine, text, now=NOW).findings, text) == []


def test_intern_in_english_is_never_a_marking(default_engine) -> None:  # type: ignore[no-untyped-def]
    from conftest import NOW
    from postguard.pipeline import lint

    text = "Intern: we are hiring! Our team is looking for an intern for the summer."
    assert lint(default_engine, text, now=NOW).findings == ()
    de = "Intern: Wir suchen ab sofort Verstärkung für das Team."
    assert spans(lint(default_engine, de, now=NOW).findings, de) == [("PG104", "Intern")]


_HOSTY = "abkzAKZ09-._/:@ \näK\u212aſ"  # host characters, their neighbours, and letters that fold to a-z


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_HOSTY, max_size=60))
def test_host_names_finds_what_the_host_pattern_finds_anywhere(text: str) -> None:
    """The host scan tries the pattern only at the start of each dotted run: it must find exactly
    the matches of the pattern tried at every position."""
    from postguard.checks.confidential import _HOST, host_names

    assert [m.span() for m in host_names(text)] == [m.span() for m in _HOST.finditer(text)]


def _names_a_host(host: str, hosts: set[str]) -> bool:
    labels = host.lower().split(".")
    return any(".".join(labels[k:]) in hosts for k in range(len(labels) - 1))


_HOSTISH = st.lists(
    st.sampled_from(
        ["ab", "Kz", "ſ", "\u212a", "0", ".", ".", "-", "_", "/", ":", "@", " ", "ä", "nk.de", "A.NK"]
    ),
    max_size=16,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_HOSTISH, st.data())
def test_the_hosts_of_a_small_pack_are_looked_for_only_where_they_occur(
    text: str, data: st.DataObject
) -> None:
    """With a few plain pack hosts, the check reads only the runs around where they occur: the hosts
    that name one of them are the same, at the same offsets, as in the scan of every run."""
    from postguard.checks.confidential import _named_hosts, host_names

    cut = st.integers(0, len(text))
    hosts = [text[a:b].lower() for a, b in data.draw(st.lists(st.tuples(cut, cut), max_size=2))]
    after_dots = [text[k + 1 : k + 1 + n].lower() for k, c in enumerate(text) if c == "." for n in (4, 6)]
    if after_dots:  # what follows a dot: the last labels of a host, as a pack names them
        hosts += data.draw(st.lists(st.sampled_from(after_dots), max_size=2))
    table = {h: (0,) for h in hosts if h}
    for page in (text, f"<a href='https://x.{text}/'>{text}</a>" * 20):  # and a host in many runs
        named = [m.span() for m in _named_hosts(page, table) if _names_a_host(m.group(), set(table))]
        assert named == [m.span() for m in host_names(page) if _names_a_host(m.group(), set(table))]


def test_hosts_in_a_long_minified_page_are_each_seen() -> None:
    from postguard.checks.confidential import host_names

    page = '<a href="https://wiki.nordkap.intern/x">a</a><img src="//cdn.example.com/p.png">' * 50
    assert [m.group() for m in host_names(page)] == ["wiki.nordkap.intern", "cdn.example.com", "p.png"] * 50


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"\bSTURM-\d+\b", "sturm-"),
        (r"\bNK-DOC-\d{4,}\b", "nk-doc-"),
        (r"\bTLP\s*:\s+(?:AMBER|RED)\b", "tlp"),
        (r"(?i)Straße\d", "strasse"),  # casefolded, as the text is
        (r"\bfoo\.bar", "foo.bar"),
        (r"abcd?e", "abc"),  # "d" is optional: not required
        (r"abc|def", ""),  # an alternation: no single literal
        (r"(?x) a b c", ""),  # verbose: spaces are no literals
        (r"[abc]def", ""),
        (r"ab\d", ""),  # too short to be worth a look-up
    ],
)
def test_required_literal(pattern: str, literal: str) -> None:
    import regex

    from postguard.checks.confidential import required_literal

    assert required_literal(regex.compile(pattern, regex.IGNORECASE | regex.VERSION1)) == literal


_PATTERNS = [r"\bSTURM-\d+\b", r"\bNK-DOC-\d{4,}\b", r"Straße\d", r"\bſtern\b", r"KELVIN\s", r"ΣΟΦ"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_PATTERNS), st.text(alphabet="sStTuUrRmMſ-0123ßSsEeKk\u212aΣσςοΟφΦ \n", max_size=30))
def test_a_text_without_the_literal_has_no_match(pattern: str, text: str) -> None:
    """The check skips a pattern whose casefolded literal is not in the casefolded text: that
    must never skip a match (full case folding: "ſ", "ß", the Kelvin sign, final sigma)."""
    import regex

    from postguard.checks.confidential import required_literal

    compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION1)
    needle = required_literal(compiled)
    assert needle
    if needle not in text.casefold():
        assert compiled.search(text) is None


def test_ticket_patterns_still_found_in_any_case(check) -> None:  # type: ignore[no-untyped-def]
    text = "Siehe sturm-12 und NK-DOC-20391, dazu ſturm-7."
    assert spans(check(text), text) == [
        ("PG104", "sturm-12"),
        ("PG104", "NK-DOC-20391"),
        ("PG104", "ſturm-7"),
    ]
