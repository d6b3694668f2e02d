"""The pack doctor (``postguard pack check``): weak spots a pack's authors can fix before it ships.

It reads one pack the way postguard loads it (strictly; an invalid pack is an
error, exit 2) and reports:

* ``common-word``: a term that is an everyday German or English word (word
  frequencies from wordfreq, which ships its tables in its wheel) without
  ``context`` or ``allow``, so it fires on every post about marmots;
* ``one-language-context``: context words of one language only, for an entry
  that counts in both, so the entry never counts in the other language;
* ``collision``: a term or alias that is also another entry's, or a public
  brand of the same pack (``[disclosure]``);
* ``never-matches``: a term the matcher does not find even in a draft that is
  just the term, or one an ``allow`` phrase always excuses;
* ``stale``: embargoes that have lifted and windows that have closed;
* ``test-failed``: a ``[[test]]`` whose findings differ from its ``expect``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from postguard.config import Config
from postguard.errors import UsageError
from postguard.model import Severity
from postguard.rulepacks import LANGS, ConfidentialEntry, PackSet, PackTest, now_utc
from postguard.terms import Pieces, TermIndex, split_pieces, term_key

#: Zipf frequency (log10 of uses per billion words) from which a single word counts as everyday:
#: 2.5 is about one use in three million words ("Murmeltier" is 2.9, "Sturmvogel" 2.2).
COMMON_ZIPF = 2.5
#: A context word belongs to one language when it is this much (Zipf) more frequent there.
LANG_MARGIN = 1.0
_WORD_KINDS = ("codename", "client", "topic", "marking")
_LANG_NAMES = {"de": "German", "en": "English"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One report of the doctor: what, where in the pack (a key path), how bad."""

    code: str
    severity: Severity
    key: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TestResult:
    index: int
    expected: tuple[str, ...]
    found: tuple[tuple[str, str], ...]  # (rule id, the draft's words)

    @property
    def passed(self) -> bool:
        return self.expected == tuple(sorted(r for r, _ in self.found))


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnosis:
    pack: str
    problems: tuple[Problem, ...] = ()
    tests: tuple[TestResult, ...] = field(default_factory=tuple)


def zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of ``word`` in ``lang`` (0 for unknown words)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        raise UsageError("the pack doctor needs wordfreq: pip install 'postguard[doctor]'") from None
    return float(zipf_frequency(word, lang))


def diagnose(
    path: Path, config: Config, *, now: datetime | None = None, min_zipf: float = COMMON_ZIPF
) -> Diagnosis:
    """Everything the doctor finds in the pack at ``path`` (self-tests run with ``config``'s settings)."""
    from postguard.engine import Engine

    # the pack alone (no URL packs), and unsigned: its authors check it before they sign it
    engine = Engine(config.with_changes(packs=(path,), remote_packs=(), pack_keys=()))
    moment = now or now_utc()
    own = _own_part(engine.packs, str(path))
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    problems = [
        *_common_words(own, min_zipf),
        *_context_languages(own),
        *_collisions(own, raw),
        *_never_matches(own),
        *_stale(
            _Own(
                confidential=tuple(e for e in engine.packs.confidential if e.pack == str(path)),
                embargo=tuple(e for e in engine.packs.embargo if e.pack == str(path)),
                tests=(),
            ),
            moment,
        ),
    ]
    results = tuple(_run_test(engine, t, moment) for t in own.tests)
    for r in results:
        if not r.passed:
            problems.append(
                Problem(
                    code="test-failed",
                    severity=Severity.ERROR,
                    key=f"test[{r.index}]",
                    message=_test_diff(r),
                )
            )
    return Diagnosis(pack=str(path), problems=tuple(problems), tests=results)


@dataclass(frozen=True, slots=True)
class _Own:
    """The entries that come from the diagnosed file (not from the bundled default pack)."""

    confidential: tuple[ConfidentialEntry, ...]
    embargo: tuple[Any, ...]
    tests: tuple[PackTest, ...]


def _own_part(packs: PackSet, file: str) -> _Own:
    """The file's entries; of a hashed pack only what is not hashed (dates, tests) can be judged."""
    return _Own(
        confidential=tuple(e for e in packs.confidential if e.pack == file and not e.protected),
        embargo=tuple(e for e in packs.embargo if e.pack == file and not e.protected),
        tests=tuple(t for t in packs.tests if t.pack == file),
    )


def _langs(entry_lang: Sequence[str]) -> tuple[str, ...]:
    return tuple(entry_lang) or ("de", "en")


def _common(term: str, langs: Sequence[str], min_zipf: float) -> tuple[str, float] | None:
    """The language in which a one-word term is most common, when it is at least ``min_zipf``."""
    if len(term.split()) != 1 or any(c.isdigit() for c in term):
        return None  # wordfreq's estimate for a phrase or a model number is no phrase frequency
    best = max(((lang, zipf(term, lang)) for lang in langs), key=lambda x: x[1])
    return best if best[1] >= min_zipf else None


def _common_words(own: _Own, min_zipf: float) -> Iterator[Problem]:
    """Everyday one-word terms: confidential ones without context or allow, embargo names and aliases."""
    fix_entry = "add context (or allow phrases), or list a longer phrase instead"
    fix_embargo = "every post using the word is an embargo error; use a longer alias"
    candidates: list[tuple[str, str, Sequence[str], str]] = []  # (key path, term, languages, advice)
    for e in own.confidential:
        if e.kind in _WORD_KINDS and e.match != "label" and not e.context and not e.allow:
            candidates += [
                (f"confidential[{e.index}].terms[{i}]", t, _langs(e.lang), fix_entry)
                for i, t in enumerate(e.terms)
            ]
    for emb in own.embargo:
        candidates.append((f"embargo[{emb.index}].name", emb.name, LANGS, fix_embargo))
        candidates += [
            (f"embargo[{emb.index}].aliases[{i}]", a, LANGS, fix_embargo) for i, a in enumerate(emb.aliases)
        ]
    for key, term, langs, advice in candidates:
        hit = _common(term, langs, min_zipf)
        if hit:
            lang, z = hit
            yield Problem(
                code="common-word",
                severity=Severity.WARNING,
                key=key,
                message=f"{term!r} is common {_LANG_NAMES[lang]} (Zipf {z:.1f}): {advice}",
            )


def word_language(word: str) -> str | None:
    """``de`` or ``en`` when a word is clearly of one language, else None (both, or unknown)."""
    de, en = zipf(word, "de"), zipf(word, "en")
    if max(de, en) < 1.5:
        return None
    if de - en >= LANG_MARGIN:
        return "de"
    if en - de >= LANG_MARGIN:
        return "en"
    return None


def _context_languages(own: _Own) -> Iterator[Problem]:
    for e in own.confidential:
        langs = _langs(e.lang)
        if not e.context or len(langs) < 2:
            continue
        seen = {word_language(w) for w in e.context}
        if None in seen or len(seen) != 1:
            continue
        (only,) = seen
        assert only is not None
        other = "en" if only == "de" else "de"
        yield Problem(
            code="one-language-context",
            severity=Severity.WARNING,
            key=f"confidential[{e.index}].context",
            message=f"every context word is {_LANG_NAMES[only]}: in {_LANG_NAMES[other]} drafts "
            f"{e.terms[0] if e.terms else 'this entry'!r} never counts; "
            f'add {_LANG_NAMES[other]} context words or set lang = ["{only}"]',
        )


def _names(own: _Own) -> Iterator[tuple[str, str, str]]:
    """(key path, owner, term) for every confidential term and embargo name or alias."""
    for e in own.confidential:
        if e.kind == "host":
            continue
        for i, t in enumerate(e.terms):
            yield f"confidential[{e.index}].terms[{i}]", f"confidential[{e.index}]", t
    for emb in own.embargo:
        yield f"embargo[{emb.index}].name", f"embargo[{emb.index}]", emb.name
        for i, a in enumerate(emb.aliases):
            yield f"embargo[{emb.index}].aliases[{i}]", f"embargo[{emb.index}]", a


def _public_names(raw: dict[str, Any]) -> dict[str, str]:
    """Normalised key -> key path of the pack's public brands and company names (``[disclosure]``)."""
    out: dict[str, str] = {}
    section = raw.get("disclosure")
    if isinstance(section, dict):
        for field_name in ("brands", "company"):
            values = section.get(field_name, [])
            for i, v in enumerate(values if isinstance(values, list) else []):
                if isinstance(v, str) and term_key(v)[0]:
                    out.setdefault(term_key(v)[0], f"disclosure.{field_name}[{i}]")
    return out


def _collisions(own: _Own, raw: dict[str, Any]) -> Iterator[Problem]:
    first: dict[str, tuple[str, str, str]] = {}
    public = _public_names(raw)
    for key_path, owner, term in _names(own):
        k = term_key(term)[0]
        if k in public:
            yield Problem(
                code="collision",
                severity=Severity.ERROR,
                key=key_path,
                message=f"{term!r} is also a public brand ({public[k]}): every post naming the brand "
                "would be a finding; use a longer, secret name",
            )
        prior = first.get(k)
        if prior is None:
            first[k] = (key_path, owner, term)
            continue
        if prior[1] == owner:
            yield Problem(
                code="collision",
                severity=Severity.WARNING,
                key=key_path,
                message=f"{term!r} is listed twice in {owner} (as {prior[2]!r}, {prior[0]}): drop one",
            )
        else:
            yield Problem(
                code="collision",
                severity=Severity.ERROR,
                key=key_path,
                message=f"{term!r} is also {prior[0]} ({prior[2]!r}): a draft naming it gets the first "
                "entry's rule, note and severity; keep it in one entry",
            )


def _never_matches(own: _Own) -> Iterator[Problem]:
    for e in own.confidential:
        if e.kind == "host":
            continue
        allow_keys = {term_key(a)[0] for a in e.allow}
        for i, term in enumerate(e.terms):
            key_path = f"confidential[{e.index}].terms[{i}]"
            index: TermIndex[int] = TermIndex()
            index.add(term, 0, e.match)
            spans = split_pieces(term)
            whole = (spans[0][0], spans[-1][1]) if spans else (0, 0)
            if not any((m.start, m.end) == whole for m in index.find(Pieces(term))):
                yield Problem(
                    code="never-matches",
                    severity=Severity.ERROR,
                    key=key_path,
                    message=f"{term!r} can never match: postguard does not find it even in a draft that is "
                    "just the term (too many words, or separators the matcher does not join)",
                )
            elif term_key(term)[0] in allow_keys:
                yield Problem(
                    code="never-matches",
                    severity=Severity.ERROR,
                    key=key_path,
                    message=f"{term!r} is also an allow phrase of its entry, so it never counts",
                )


def _stale(own: _Own, now: datetime) -> Iterator[Problem]:
    for emb in own.embargo:
        name = "a protected name" if emb.protected else repr(emb.name)
        if emb.until <= now:
            yield Problem(
                code="stale",
                severity=Severity.WARNING,
                key=f"embargo[{emb.index}].until",
                message=f"the embargo on {name} lifted on {emb.until:%Y-%m-%d %H:%M %Z}: "
                "remove the entry (it no longer does anything)",
            )
    for e in own.confidential:
        if e.active.end is not None and e.active.end <= now:
            yield Problem(
                code="stale",
                severity=Severity.WARNING,
                key=f"confidential[{e.index}].until",
                message=f"this entry's window closed on {e.active.end:%Y-%m-%d}: it never matches again; "
                "remove it or move `until`",
            )


def _run_test(engine: Any, test: PackTest, now: datetime) -> TestResult:
    from postguard.pipeline import lint

    report = lint(
        engine,
        test.text,
        name=f"test[{test.index}]",
        lang=test.lang,
        channel=test.channel,
        kind=test.kind,
        now=test.now or now,
    )
    found = tuple(sorted((f.rule_id, f.match) for f in report.findings))
    return TestResult(index=test.index, expected=test.expect, found=found)


def _test_diff(r: TestResult) -> str:
    """What was expected and found, as a diff of rule ids (``-`` missing, ``+`` unexpected)."""
    missing = list(r.expected)
    extra: list[tuple[str, str]] = []
    for rule_id, words in r.found:
        if rule_id in missing:
            missing.remove(rule_id)
        else:
            extra.append((rule_id, words))
    lines = [f"expected {list(r.expected)}, found {sorted(rid for rid, _ in r.found)}"]
    lines += [f"  - {rule_id} (expected, not found)" for rule_id in missing]
    lines += [f"  + {rule_id} {words!r} (found, not expected)" for rule_id, words in extra]
    return "\n".join(lines)
