"""Term matching as people write (issue 12): the labelled drafts of tests/data/eval, and fold properties."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postguard.terms import Pieces, TermIndex, split_pieces

EVAL = Path(__file__).parent / "data" / "eval"
DRAFTS = [json.loads(line) for line in (EVAL / "drafts.jsonl").read_text(encoding="utf-8").splitlines()]
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
#: clean drafts that still raise a finding (reported in docs/quality.md); none today
KNOWN_FALSE_ALARMS: set[str] = set()


@pytest.fixture(scope="module")
def eval_check():  # type: ignore[no-untyped-def]
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    engine = Engine(Config(packs=(EVAL / "pack.toml",)))

    def run(text: str) -> list[tuple[str, str]]:
        out = []
        for f in lint(engine, text, now=NOW).findings:
            if f.rule_id.startswith(("PG1", "PG2")):
                assert text[f.start : f.end] == f.match
                out.append((f.rule_id, f.match))
        return out

    return run


def test_the_set_is_large_and_bilingual() -> None:
    assert len(DRAFTS) >= 150
    assert {d["lang"] for d in DRAFTS} == {"de", "en"}
    assert sum(bool(d["expect"]) for d in DRAFTS) >= 70 and sum(not d["expect"] for d in DRAFTS) >= 70


@pytest.mark.parametrize(
    "draft", [d for d in DRAFTS if d["expect"]], ids=lambda d: f"{d['id']}-{d['category']}"
)
def test_every_leak_is_caught_on_exactly_what_was_written(eval_check, draft) -> None:  # type: ignore[no-untyped-def]
    expected = [(e["rule"], e["match"]) for e in draft["expect"]]
    assert eval_check(draft["text"]) == expected


@pytest.mark.parametrize(
    "draft",
    [d for d in DRAFTS if not d["expect"] and d["text"] not in KNOWN_FALSE_ALARMS],
    ids=lambda d: f"{d['id']}-{d['category']}",
)
def test_clean_drafts_stay_quiet(eval_check, draft) -> None:  # type: ignore[no-untyped-def]
    assert eval_check(draft["text"]) == []


def test_an_alias_finding_never_names_the_internal_name(eval_check) -> None:  # type: ignore[no-untyped-def]
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    engine = Engine(Config(packs=(EVAL / "pack.toml",)))
    for text in (
        "Die Herbstkollektion 2027 ist fertig!",
        "Bald ist es so weit #Bergfeuer",
        "der X9 kommt, Trailrunner-Fans",
    ):
        for f in lint(engine, text, now=NOW).findings:
            assert "Kollektion Bergfeuer" not in f.message and "Trailrunner X9" not in f.message
            assert all("Bergfeuer" not in r or "Bergfeuer" in text for r in f.replacements)


def test_a_names_last_word_after_an_indefinite_article_is_a_common_noun() -> None:
    index = TermIndex()
    index.add("Kollektion Bergfeuer", "B", parts=True)
    index.freeze()
    hits = lambda t: [t[m.start : m.end] for m in index.find(Pieces(t))]  # noqa: E731
    assert hits("Ein Feuer in den Bergen, ein Bergfeuer zur Sonnenwende.") == []
    assert hits("Kein Bergfeuer dieses Jahr, es ist zu trocken.") == []
    assert hits("We lit a Bergfeuer on the ridge.") == []
    # the name itself, and its last word alone anywhere else, are still found
    assert hits("Die Bergfeuer-Jacken sind da. #Bergfeuer") == ["Bergfeuer", "Bergfeuer"]
    assert hits("Bergfeuer drops soon, the Kollektion Bergfeuer too") == ["Bergfeuer", "Kollektion Bergfeuer"]
    assert hits("Eine Kollektion Bergfeuer? Ein. Bergfeuer kommt.") == ["Kollektion Bergfeuer", "Bergfeuer"]


def test_joiner_words_count_only_for_names_written_with_a_joiner() -> None:
    index = TermIndex()
    index.add("Kessler & Söhne", "K")
    index.add("Hofbräu Logistik", "H")
    index.freeze()
    hits = lambda t: [t[m.start : m.end] for m in index.find(Pieces(t))]  # noqa: E731
    assert hits("Kessler und Söhne, Kessler Söhne, KesslerUndSöhne") == [
        "Kessler und Söhne",
        "Kessler Söhne",
        "KesslerUndSöhne",
    ]
    assert hits("Hofbräu und Logistik") == []


def test_typos_work_with_hashed_keys() -> None:
    import hashlib

    index = TermIndex(key_transform=lambda k: hashlib.sha256(b"s:" + k.encode()).hexdigest())
    index.add("Gipfelsturm", "G", typos=True)
    index.freeze()
    for text in ("Gipfelstrum", "Gipfelsturn", "Gipfelstur", "Gipfelssturm", "Gipfelsturm"):
        assert [text[m.start : m.end] for m in index.find(Pieces(text))] == [text]
    assert index.find(Pieces("Gipfelstürmer Gipfelwerk Gipfelstuhl")) == []


FOLDABLE = st.sampled_from(
    [
        "Sturm",
        "vogel",
        "о",
        "Τ",
        "\u00ad",
        "\u200b",
        "\u2060",
        "\ufeff",
        "ä",
        "ß",
        "Ｋ",
        "𝐒",
        "&",
        " ",
        "-",
        "#",
        "x9",
        "und",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FOLDABLE, max_size=14).map("".join))
def test_folding_never_moves_a_span_outside_the_word(text: str) -> None:
    """Pieces start and end on letters or digits; invisible characters and look-alikes stay inside."""
    for a, b in split_pieces(text):
        assert text[a].isalnum() and text[b - 1].isalnum()
    index = TermIndex()
    for term in ("Sturmvogel", "Kessler & Söhne", "Trailrunner X9"):
        index.add(term, term, typos=True, parts=True)
    index.freeze()
    for m in index.find(Pieces(text)):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start].isalnum() and text[m.end - 1].isalnum()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nur intern: Zahlen Q3", [("PG104", "Nur intern", "error")]),
        ("Roadmap (nur intern)", [("PG104", "nur intern", "error")]),
        ("Das ist eigentlich nur intern, aber egal", [("PG104", "nur intern", "warning")]),
        ("INTERNAL ONLY – hiring plan", [("PG104", "INTERNAL ONLY", "error")]),
        ("this is confidential, but", [("PG104", "is confidential", "warning")]),
        ("not public yet, but we move", [("PG104", "not public yet", "warning")]),
        ("Die Roadmap ist vertraulich.", [("PG104", "ist vertraulich", "warning")]),
        ("Pressemitteilung – Sperrfrist: 12.03.2027, 10:00 Uhr", [("PG104", "Sperrfrist", "warning")]),
        ("Sperrfrist bis 12. März, 10 Uhr", [("PG104", "Sperrfrist bis 12. März", "warning")]),
        (
            "Die Unterlagen sind nur für den internen Gebrauch.",
            [("PG104", "nur für den internen Gebrauch", "error")],
        ),
    ],
)
def test_markings_as_people_phrase_them(default_engine, text, expected) -> None:  # type: ignore[no-untyped-def]
    from postguard.pipeline import lint

    found = [(f.rule_id, f.match, f.severity.value) for f in lint(default_engine, text, now=NOW).findings]
    assert found == expected
    assert all(text[f.start : f.end] == f.match for f in lint(default_engine, text, now=NOW).findings)


@pytest.mark.parametrize(
    "text",
    [
        "We moved the (internal) routing to a mesh.",
        "Network:\n- Internal: 10.0.0.0/16\n- External: 203.0.113.0/24",
        "Changes\n- Internal\n  - removed the perf counters",
        "fix edge cases that throw ERR_INTERNAL_ASSERTION",
        "make _createSocketHandle() internal only",
        "Die Folien waren nur für den internen Gebrauch gedacht.",
        "Those slides were meant for internal use only.",
        "Die Sperrfrist für die Fahrerlaubnis läuft noch drei Monate.",
        "Ihre Daten sind vertraulich.",
        "Früher war das Handbuch nur für den internen Gebrauch bestimmt, jetzt ist es Open Source.",
        "Originally these notes were strictly confidential; today we publish them.",
        "Wir veröffentlichen die Vorlagen, welche wir bis jetzt nur intern genutzt haben.",
        "Das Werkzeug war bislang nur intern im Einsatz und ist ab heute Open Source.",
    ],
)
def test_markings_leave_alone(default_engine, text: str) -> None:  # type: ignore[no-untyped-def]
    from postguard.pipeline import lint

    assert [
        f.rule_id for f in lint(default_engine, text, now=NOW).findings if f.rule_id.startswith("PG1")
    ] == []


def test_server_answers_quote_only_what_the_draft_wrote(server) -> None:  # type: ignore[no-untyped-def]
    """/v1 and /v2: a finding for an alias never prints the entry's name (the internal one)."""
    text = "Bald: die Kollektion Herbst 2027 und der TrekkerT5!"
    v1 = server.client.post("/v1/check", json={"text": text}).text
    v2 = server.client.post("/v2/check", data={"language": "de-DE", "text": text}).text
    for body in (v1, v2):
        assert "Kollektion Herbst 2027" in body and "TrekkerT5" in body  # the findings are there
        assert "Herbstkollektion" not in body and "Nordkap Trekker" not in body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Eichhörnchen-Prototyp ist fertig.", [("PG101", "Eichhörnchen")]),
        ("Our project Eichhörnchen is in beta.", [("PG101", "Eichhörnchen")]),  # "project" = "Projekt"
        ("Das Projekt läuft gut. Eichhörnchen sitzen im Baum.", []),  # another sentence
        ("Heute ist das streng vertraulich. Früher war alles anders.", [("PG104", "streng vertraulich")]),
    ],
)
def test_context_and_history_count_in_their_sentence(check, text, expected) -> None:  # type: ignore[no-untyped-def]
    from conftest import spans

    assert spans(check(text), text) == expected
