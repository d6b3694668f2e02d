"""Hashed packs (`postguard pack build`): the same findings as the plain pack, no name in the file."""

from __future__ import annotations

import base64
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import test_check_confidential
from conftest import EXAMPLE_PACK, NOW
from postguard.cli import main
from postguard.config import Config
from postguard.engine import Engine
from postguard.errors import ConfigError
from postguard.pipeline import lint
from test_precision import EVERYDAY


def _params(test: object) -> list[object]:
    """The drafts of a parametrized test (the confidential check's own labelled cases)."""
    return next(m.args[1] for m in test.pytestmark if m.name == "parametrize")  # type: ignore[attr-defined]


CATCHES = _params(test_check_confidential.test_catches)
LEAVES_ALONE = _params(test_check_confidential.test_leaves_alone)
#: Labelled drafts beyond the confidential check's own: embargoes, inflections, spacing, digits,
#: markings, scheduled posts, both languages.
MORE = [
    "Sneak peek of the #TrekkerT5, coming soon to our shop!",
    "Der Nordkap Trekker T5 kommt im Mai.",
    "Die Trek-ker T5 Testreihe läuft, die Herbstkollektion 2027 auch.",
    "Our Fall Collection 2027 drops soon. Kollektion Herbst 2027!",
    "Die Sturmvögel fliegen, die Sturmvogels Flügel, Sturm-vogel und STURMVOGEL.",
    "𝐒𝐭𝐮𝐫𝐦𝐯𝐨𝐠𝐞𝐥 im Test, Ｐｏｌａｒｆｕｃｈｓ auch, dazu Nordlicht X und nordlicht-x.",
    "VERTRAULICH: nicht weitergeben. [Intern] Zahlen Q3.",
    "Der Eichhörnchen-Prototyp ist fertig, das Eichhörnchen im Park nicht.",
    "Die Prognose für das Quartal: Umsatz steigt. Career guidance for all!",
    "Mehr unter https://jira.nordkap-dev.example/browse/STURM-12 und bei bergwerk logistik.",
    "Trekker T4 und Trekker T50 sind bekannt, Polarfüchse auch.",
]
DRAFTS = [t for t, _ in CATCHES] + LEAVES_ALONE + EVERYDAY + MORE
SECRETS = ["Sturmvogel", "Nordlicht", "Polarfuchs", "Eichhörnchen", "Bergwerk", "Fjellsport", "Trekker T5",
           "TrekkerT5", "Herbstkollektion", "nordkap.intern", "intranet", "jira", "Projekt Eichhörnchen",
           "Quartalszahlen", "Umsatzprognose"]  # fmt: skip


@pytest.fixture(scope="module")
def hashed_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hashed") / "company.hashed.toml"
    assert main(["pack", "build", str(EXAMPLE_PACK), "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def engines(hashed_pack: Path) -> tuple[Engine, Engine]:
    return Engine(Config(packs=(EXAMPLE_PACK,))), Engine(Config(packs=(hashed_pack,)))


def shape(engine: Engine, text: str, **kw: object) -> list[tuple[str, int, int, str, float]]:
    report = lint(engine, text, now=NOW, **kw)  # type: ignore[arg-type]
    return [(f.rule_id, f.start, f.end, f.severity.value, f.confidence) for f in report.findings]


@pytest.mark.parametrize("text", DRAFTS)
def test_same_findings_as_the_plain_pack(engines: tuple[Engine, Engine], text: str) -> None:
    plain, hashed = engines
    assert shape(hashed, text) == shape(plain, text)


def test_the_labelled_drafts_do_find_things(engines: tuple[Engine, Engine]) -> None:
    """The equivalence above compares real findings: most drafts of the confidential set have some."""
    plain, _ = engines
    with_findings = sum(1 for t, _ in CATCHES if shape(plain, t))
    assert with_findings == len(CATCHES)
    assert sum(1 for t in MORE if shape(plain, t)) >= len(MORE) - 1


def test_no_term_in_the_hashed_file(hashed_pack: Path) -> None:
    text = hashed_pack.read_text(encoding="utf-8").casefold()
    leaked = [s for s in SECRETS if s.casefold() in text]
    assert leaked == [], leaked  # patterns ship as written, but the example's name no codename in full
    assert "[[test]]" not in text
    data = tomllib.loads(hashed_pack.read_text(encoding="utf-8"))
    assert data["hashed"]["algorithm"] == "hmac-sha256-128" and len(data["hashed"]["salt"]) >= 40
    for entry in data["confidential"]:
        assert "terms" not in entry and "context" not in entry and "allow" not in entry
        for h in entry.get("hashed_terms", []):
            assert re.fullmatch(r"[A-Za-z0-9+/]{22}(\.[A-Za-z0-9+/]{22})?", h), h
            key, _, boundaries = h.partition(".")
            assert key != boundaries  # else a one-word term would show as one
    assert data["hashed"]["max_key_length"] % 16 == 0
    starts = base64.b64decode(data["hashed"]["starts"])
    assert 1024 <= len(starts) * 8 <= 16384  # coarse: every bit stands for 100+ possible heads
    # every distinctive term's deletion and swap records look alike, whatever its length
    entries = data["confidential"] + data["embargo"]
    records = [r for e in entries for r in e.get("hashed_forms", []) if r[1] == "d"]
    positions = {tuple(sorted(base64.b64decode(r.split(".")[2])[8::9])) for r in records}
    assert len(records) >= 2 and positions == {(*range(30), *[31] * 29)}


def test_messages_quote_only_the_draft(engines: tuple[Engine, Engine]) -> None:
    _, hashed = engines
    [f] = lint(hashed, "Stolz auf das Sturmv0gel-Team!", now=NOW).findings
    assert f.message.startswith("„Sturmv0gel“ ist ein geschützter Projektname")
    assert "Projektbüro" in f.message  # the pack's own note
    [e] = lint(hashed, "Sneak peek of the #TrekkerT5!", now=NOW).findings
    assert e.message.startswith("“TrekkerT5”, a protected name, is under embargo until")
    assert "Nordkap Trekker" not in e.message


def test_two_builds_use_two_salts(tmp_path: Path, hashed_pack: Path) -> None:
    out = tmp_path / "again.toml"
    assert main(["pack", "build", str(EXAMPLE_PACK), "-o", str(out)]) == 0
    a = tomllib.loads(hashed_pack.read_text(encoding="utf-8"))
    b = tomllib.loads(out.read_text(encoding="utf-8"))
    assert a["hashed"]["salt"] != b["hashed"]["salt"]
    assert a["confidential"][0]["hashed_terms"] != b["confidential"][0]["hashed_terms"]


def test_a_note_naming_a_term_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src.toml"
    src.write_text(
        '[[confidential]]\nkind = "codename"\nterms = ["Polarfuchs"]\nnote = "Frag das Polarfuchs-Team."\n',
        encoding="utf-8",
    )
    assert main(["pack", "build", str(src), "-o", str(tmp_path / "out.toml")]) == 2
    assert "confidential[0].note names a protected term ('Polarfuchs')" in capsys.readouterr().err


def test_hashed_pack_refuses_plain_terms(tmp_path: Path, hashed_pack: Path) -> None:
    text = hashed_pack.read_text(encoding="utf-8").replace(
        "hashed_terms = [", 'terms = ["Sturmvogel"]\nx = [', 1
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"confidential\[0\]\.terms: a hashed pack lists hashed_terms"):
        Engine(Config(packs=(bad,)), use_cache=False)


def test_hashed_pack_survives_the_cache(
    tmp_path: Path, hashed_pack: Path, engines: tuple[Engine, Engine]
) -> None:
    from postguard.rulepacks import load_packs

    sections = engines[1].sections
    first = load_packs([hashed_pack], sections, cache_dir=tmp_path)
    again = load_packs([hashed_pack], sections, cache_dir=tmp_path)
    assert again is not first and len(again.confidential_index) == len(first.confidential_index) > 0
    assert "nordkap.intern" in again.hosts and "nordkap.example" not in again.hosts


def test_the_hashed_pack_matches_the_schema(hashed_pack: Path) -> None:
    import json

    import jsonschema

    from test_docs import as_json

    schema = json.loads(
        (Path(__file__).parents[1] / "schema" / "rulepack.schema.json").read_text(encoding="utf-8")
    )
    data = as_json(tomllib.loads(hashed_pack.read_text(encoding="utf-8")))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)


def test_the_doctor_on_a_hashed_pack_judges_dates_only(
    hashed_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pack", "check", str(hashed_pack), "--now", "2026-11-28T12:00:00Z"]) == 0
    assert "No problems" in capsys.readouterr().out
    assert main(["pack", "check", str(hashed_pack), "--now", "2027-06-01T12:00:00Z"]) == 1
    out = capsys.readouterr().out
    assert "embargo[0].until" in out and "[stale]" in out


_WORDS = [
    "Sturm",
    "vogel",
    "Polar",
    "fuchs",
    "Trekker",
    "T5",
    "Nord",
    "licht",
    "X",
    "Eich",
    "hörnchen",
    "Team",
]
_GLUE = [" ", "-", "", "#", " und ", ". ", "s ", "en ", "0", "tests "]


@given(
    terms=st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=2).map(" ".join), min_size=1, max_size=4
    ),
    text=st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GLUE)), max_size=14),
    upper=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_a_hashed_index_matches_like_a_plain_one(
    terms: list[str], text: list[tuple[str, str]], upper: bool
) -> None:
    """The matcher itself: any terms, any text built from their pieces and glue, the same matches."""
    from postguard.rulepacks.hashbuild import max_pieces
    from postguard.rulepacks.hashed import HeadFilter, KeyedHash, head_bitmap
    from postguard.terms import Pieces, TermIndex, term_key

    draft = "".join(w + g for w, g in text)
    draft = draft.upper() if upper else draft
    plain = TermIndex()
    transform = KeyedHash(b"0123456789abcdef0123456789abcdef")
    hashed = TermIndex(key_transform=transform)
    for n, term in enumerate(terms):
        plain.add(term, n, "word" if n % 3 else "exact")
        hashed.add(term, n, "word" if n % 3 else "exact")
    hashed.max_len = plain.max_len
    hashed.max_pieces = max_pieces(terms)  # what `pack build` writes: fewer pieces than the plain scan's 8
    hashed.head_filter = HeadFilter(transform, head_bitmap([term_key(t)[0] for t in terms], transform))

    def seen(index: TermIndex) -> list[tuple[int, int, str, float, tuple[object, ...]]]:
        return [(m.start, m.end, m.variant, m.confidence, m.refs) for m in index.find(Pieces(draft))]

    assert seen(hashed) == seen(plain)


#: Forms of the matcher that need a term's letters (its transliterations, its deletion-neighbourhood
#: typo keys, a closed compound it ends, its model number's family): a hashed pack ships them as
#: hashed records (``hashed_forms``), so it finds what the plain one finds.
VARIANT_FORMS = [
    pytest.param("Die Sturmvgoel-Zahlen sind da.", id="typo"),
    pytest.param("Das Projekt Eichhoernchen startet.", id="transliterated"),
    pytest.param("Im Projektsturmvogel-Team.", id="compound-end"),
    pytest.param("Trekker-Fans aufgepasst: der T5 kommt bald.", id="model"),
    pytest.param("Sneak peek: Trekker-T5, nordkap trekker t5 und NordkapTrekkerT5.", id="spacing"),
]


@pytest.mark.parametrize("text", VARIANT_FORMS)
def test_hashed_packs_find_the_typo_and_variant_forms(engines: tuple[Engine, Engine], text: str) -> None:
    plain, hashed = engines
    assert shape(plain, text)  # the plain pack finds it: the comparison is not vacuous
    assert shape(hashed, text) == shape(plain, text)


_PARTS_PACK = """
[[confidential]]
kind = "client"
terms = ["Kessler & Söhne", "Grünwald"]

[[embargo]]
name = "Kollektion Bergfeuer"
until = 2099-01-01
"""


@pytest.mark.parametrize(
    "text",
    [
        "Danke an Kessler und Söhne, Kessler&Söhne und #KesslerUndSöhne!",  # joiners
        "Bald: #Bergfeuer, und die Bergfeuers auch.",  # a name's last word alone
        "Gruenwald, Grünwalds und Grunwald.",  # transliterated, inflected, typo-free short word
        "Die Gruenwäldler und die Kessler-Söhne-Fans.",
    ],
)
def test_joiners_and_name_parts_in_a_hashed_pack(tmp_path: Path, text: str) -> None:
    src, out = tmp_path / "parts.toml", tmp_path / "parts.hashed.toml"
    src.write_text(_PARTS_PACK, encoding="utf-8")
    assert main(["pack", "build", str(src), "-o", str(out)]) == 0
    assert "Kessler" not in out.read_text(encoding="utf-8") and "Bergfeuer" not in out.read_text(
        encoding="utf-8"
    )
    plain, hashed = Engine(Config(packs=(src,))), Engine(Config(packs=(out,)))
    found = shape(plain, text)
    assert shape(hashed, text) == found


_LONG = ["Sturmvogel", "Polarfuchs", "Eichhörnchen", "Gipfelsturm", "Kessler & Söhne", "Trailrunner X9"]
_TYPOED = ["Sturmvgoel", "Sturmvogl", "Polarfuchss", "Eichhoernchen", "Eichhornchen", "Gipfelstürmer",
           "Projektgipfelsturm", "Kessler und Söhne", "KesslerSöhne", "X9", "Trailrunner", "Polarfuchsen"]  # fmt: skip


@given(
    terms=st.lists(st.sampled_from(_LONG + _WORDS), min_size=1, max_size=4, unique=True),
    text=st.lists(st.tuples(st.sampled_from(_TYPOED + _WORDS), st.sampled_from(_GLUE)), max_size=10),
    typos=st.booleans(),
    parts=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_hashed_forms_records_match_like_a_plain_index(
    terms: list[str], text: list[tuple[str, str]], typos: bool, parts: bool
) -> None:
    """What `pack build` writes (hashed_forms records, typo deletion keys) finds what the plain index finds."""
    from postguard.rulepacks import Where
    from postguard.rulepacks.hashbuild import max_key_length, max_pieces, term_forms
    from postguard.rulepacks.hashed import KeyedHash, add_forms
    from postguard.rulepacks.hashindex import HashedIndex
    from postguard.terms import Pieces, TermIndex

    draft = "".join(w + g for w, g in text)
    transform = KeyedHash(b"0123456789abcdef0123456789abcdef")
    plain, hashed = TermIndex(), HashedIndex(transform, swaps_stored=True)
    keys: list[str] = []
    for n, term in enumerate(terms):
        plain.add(term, n, "word", typos=typos, parts=parts)
        records, plain_keys = term_forms(term, "confidential", "word", transform, typos=typos, parts=parts)
        add_forms({"confidential": hashed}, records, n, Where("pack.toml", "confidential[0].hashed_forms"))
        keys += plain_keys
    hashed.max_len = max_key_length(keys)
    hashed.max_pieces = max_pieces(terms)
    plain.freeze()
    hashed.freeze()

    def seen(index: TermIndex) -> list[tuple[int, int, str, float, tuple[object, ...]]]:
        return [(m.start, m.end, m.variant, m.confidence, m.refs) for m in index.find(Pieces(draft))]

    assert seen(hashed) == seen(plain)


_PIECES_PACK = """
[[confidential]]
kind = "codename"
terms = ["Nordkap Polarfuchs", "Gipfelsturm"]
"""


@pytest.mark.parametrize(
    "text",
    [
        "Die Nordkap Polarfuchs-Tests und der Nordkap-Polarfuchs.",  # exact, spacing
        "Alle Nordkap Polarfuchses, das Nordkap Polarfuchsteam.",  # inflected, compound
        "Die NordkapPolarfuchs-Fans und #nordkappolarfuchs.",  # CamelCase, one piece
        "Nord-kap Polarfuchs und Nordkap Polar fuchs.",  # one word written in two (the bound's +1)
        "Der Gipfelstrum, die Gipfelsturms und Projektgipfelsturm.",  # typo, inflected, compound end
        "Nordkap und Polarfuchs, Nordkap. Polarfuchs.",  # not joined: no name
    ],
)
def test_a_scan_stops_after_the_packs_pieces_and_still_finds_every_form(tmp_path: Path, text: str) -> None:
    """`max_pieces` (format 4) stops a hashed scan after the longest term's pieces plus one."""
    src, out = tmp_path / "pieces.toml", tmp_path / "pieces.hashed.toml"
    src.write_text(_PIECES_PACK, encoding="utf-8")
    assert main(["pack", "build", str(src), "-o", str(out)]) == 0
    built = tomllib.loads(out.read_text(encoding="utf-8"))["hashed"]
    assert (built["format"], built["max_pieces"]) == (4, 3)
    plain, hashed = Engine(Config(packs=(src,))), Engine(Config(packs=(out,)))
    assert all(i.max_pieces == 3 for i in hashed.packs.confidential_index.parts[1:])  # type: ignore[attr-defined]
    found = shape(plain, text)
    assert shape(hashed, text) == found
    assert bool(found) != text.startswith("Nordkap und")


def test_an_older_hashed_pack_scans_over_eight_pieces(tmp_path: Path, hashed_pack: Path) -> None:
    """A format 3 pack (no `max_pieces`) is read as before; a newer format is refused clearly."""
    text = hashed_pack.read_text(encoding="utf-8")
    old = tmp_path / "old.hashed.toml"
    old.write_text(
        re.sub(r"(?m)^max_pieces = .*\n", "", text).replace("format = 4", "format = 3"), encoding="utf-8"
    )
    engine = Engine(Config(packs=(old,)), use_cache=False)
    assert {i.max_pieces for i in engine.packs.confidential_index.parts[1:]} == {8}  # type: ignore[attr-defined]
    draft = "Der Nordkap Trekker T5 und Sturmvögel."
    assert shape(engine, draft) == shape(Engine(Config(packs=(hashed_pack,))), draft) != []
    new = tmp_path / "new.hashed.toml"
    new.write_text(text.replace("format = 4", "format = 5"), encoding="utf-8")
    with pytest.raises(ConfigError, match="format 5 is not supported"):
        Engine(Config(packs=(new,)), use_cache=False)


def test_typo_lookups_of_drafts_never_reach_the_pack_cache(engines: tuple[Engine, Engine]) -> None:
    """The hashed index memoises its typo lookups per draft word: in memory, never in a pickle."""
    import pickle

    _, hashed = engines
    lint(hashed, "Der Zaubertrankkessel von Wolkenkuckucksheim steht im Keller.", now=NOW)
    blob = pickle.dumps(hashed.packs)
    assert b"wolkenkuckucksheim" not in blob and b"zaubertrankkessel" not in blob


#: Context words a hashed entry gets from the default pack's [vocabulary] equivalents (in clear):
#: the hashed index's head filter must let them in, though the pack's bitmap does not know them.
EQUIVALENT_CONTEXT = [
    "Das Vorhaben Eichhörnchen startet im Mai.",
    "Our Squad: Eichhörnchen ships soon.",
    "Eichhörnchen, unser Projektteam, feiert.",
]


@pytest.mark.parametrize("text", EQUIVALENT_CONTEXT)
def test_context_equivalents_from_another_pack_count(engines: tuple[Engine, Engine], text: str) -> None:
    plain, hashed = engines
    assert shape(plain, text)
    assert shape(hashed, text) == shape(plain, text)


def test_bulk_freeze_orders_the_deletion_keys_like_the_tuple_sort() -> None:
    """A large pack's deletion keys are sorted with numpy (and packed records decoded in bulk)."""
    import random
    import struct

    from postguard.typos import DeletionKeys

    rng = random.Random(5)
    pairs = [[(rng.randint(-(2**63), 2**63 - 1), rng.randrange(30)) for _ in range(30)] for _ in range(40)]
    pairs[3][:2] = [(7, 4), (7, 2)]  # equal digests: ordered by code
    tuples, packed = DeletionKeys(), DeletionKeys()
    for n, keys in enumerate(pairs):
        tuples.add_hashed(f"t{n}", keys)
        packed.add_hashed(f"t{n}", b"".join(struct.pack("<qB", h, p) for h, p in keys))
    bulk = DeletionKeys()
    for n, keys in enumerate(pairs):
        bulk.add_hashed(f"t{n}", keys)
    tuples.freeze()  # 1,200 keys: the tuple sort
    packed.freeze()
    bulk._freeze_bulk()
    assert list(packed.hashes) == list(tuples.hashes) == list(bulk.hashes)
    assert list(packed.codes) == list(tuples.codes) == list(bulk.codes)
    with pytest.raises(ValueError, match="9-byte"):
        packed.add_hashed("x", b"\0" * 10)


def test_the_keyed_hash_is_hmac_sha256_of_the_salt() -> None:
    """Its precomputed HMAC state gives the digest of the format (hmac-sha256-128), also after pickling."""
    import hmac
    import pickle

    from postguard.rulepacks.hashed import KeyedHash

    for salt in (b"0123456789abcdef0123456789abcdef", bytes(range(100))):  # longer than a block too
        used = KeyedHash(salt)
        used("a word of a draft")
        assert KeyedHash(salt) and len(used) == 1  # a transform even with an empty memo
        transform = pickle.loads(pickle.dumps(used))
        assert len(transform) == 0  # the memo (words of drafts) is never pickled
        for key in ("sturmvogel", "trekkert5", "", "eichhörnchen"):
            assert transform(key) == hmac.digest(salt, key.encode(), "sha256")[:16].decode("latin-1")
