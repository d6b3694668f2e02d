"""Built-in check: things that must stay internal.

Reads the ``[[confidential]]`` entries of the loaded rule packs: codenames,
clients and partners under NDA, internal hosts, confidentiality markings and
quiet-period topics (which count only inside their date window).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta

import regex

from postguard.plugin import (
    CheckContext,
    ConfidentialEntry,
    Finding,
    RuleDoc,
    format_date,
    hookimpl,
    load_rules,
    note_text,
    overlaps,
    quote,
)

RULE_BY_KIND = {
    "codename": "PG101",
    "client": "PG102",
    "host": "PG103",
    "marking": "PG104",
    "topic": "PG105",
}

_HOST = regex.compile(
    r"(?i)(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}(?![\w-])"
)
#: What every host has ("x.de"): one stdlib scan spares a draft without any the host pattern.
_HOST_HINT = re.compile(r"[a-z0-9]\.[a-z]", re.IGNORECASE)
#: A run of the characters a host name is made of (the same class and flags as ``_HOST``).
_HOST_RUN = regex.compile(r"(?i)[a-z0-9.-]+")
_SENTENCE_END = regex.compile(r"(?<!\b\p{L}{1,2})[.!?…]+[\s\"“”»)]+(?=[\p{Lu}\p{N}\"„“«])|\n\s*\n")
_BULLET = regex.compile(r"\s*(?:[-*+•·]|\d+[.)])\s")
_SUBHEADING = regex.compile(r" {0,3}#{2,6}\s")
_LABEL_DECORATION = " \t*_#>•·|[](){}<>\"'„“”‚‘’«»:-–—"


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


@hookimpl
def postguard_check(ctx: CheckContext) -> Iterator[Finding]:
    packs = ctx.packs
    if not packs.confidential:
        return
    entries = packs.confidential
    matches = packs.confidential_index.find(ctx.pieces) if len(packs.confidential_index) else []
    urls: list[tuple[int, int]] | None = None
    context_words: dict[int, list[tuple[int, int]]] | None = None

    def in_idiom(start: int, end: int) -> bool:
        """An idiom around the match ("Ruhe vor dem Sturm"): only the pieces around it are read."""
        return bool(len(packs.idiom_index) and packs.idiom_index.find_around(ctx.pieces, start, end))

    def allowed(entry_no: int, start: int, end: int) -> bool:
        """A phrase the entry's ``allow`` list names, overlapping the match."""
        if not len(packs.allow_index):
            return False
        near = packs.allow_index.find_around(ctx.pieces, start, end)
        return any(ref == entry_no for m in near for ref in m.refs)

    def context_ok(entry_no: int, entry: ConfidentialEntry, start: int, end: int) -> bool:
        nonlocal context_words
        if not entry.context:
            return True
        if context_words is None:
            context_words = {}
            for m in packs.context_index.find(ctx.pieces):
                for ref in m.refs:
                    context_words.setdefault(ref, []).append((ctx.word_index(m.start), m.start))
        here = ctx.word_index(start)
        there = ctx.word_index(max(start, end - 1))
        return any(
            min(abs(t - here), abs(t - there)) <= entry.window and not _sentence_between(ctx.text, at, start)
            for t, at in context_words.get(entry_no, ())
        )

    past: list[int] | None = None

    def in_history(start: int) -> bool:
        """A marking in a sentence about the past ("Früher war das nur für den internen Gebrauch")."""
        nonlocal past
        if past is None:
            past = [m.start for m in packs.history_index.find(ctx.pieces)] if len(packs.history_index) else []
        return any(not _sentence_between(ctx.text, at, start) for at in past)

    program: list[int] | None = None

    def about_software(start: int, end: int) -> bool:
        """A marking phrase inside a sentence naming a program part ("private fields, for internal
        use only"): it says who may use that part, not that the text is internal. A phrase standing
        as a label ("For internal use only" heading a line) still marks the text."""
        nonlocal program
        if program is None:
            program = (
                [m.start for m in packs.software_index.find(ctx.pieces)] if len(packs.software_index) else []
            )
        return any(not _sentence_between(ctx.text, at, start) for at in program) and not is_label(
            ctx.text, start, end
        )

    def applies(entry_no: int, entry: ConfidentialEntry, start: int, end: int) -> bool:
        nonlocal urls
        if not entry.active.contains(ctx.moment):
            return False
        if entry.kind != "marking" and in_idiom(start, end):
            return False
        if (
            entry.kind == "marking"
            and entry.match == "exact"
            and (in_history(start) or about_software(start, end))
        ):
            return False
        if entry.kind == "topic":  # a topic in a link's slug is the link's, not a statement
            if urls is None:
                urls = ctx.urls
            if overlaps(urls, start, end):
                return False
        if entry.lang and ctx.lang not in entry.lang and not ctx.mixed:
            return False
        if entry.match == "label" and not is_label(ctx.text, start, end):
            return False
        if allowed(entry_no, start, end):
            return False
        return context_ok(entry_no, entry, start, end)

    taken: list[tuple[int, int]] = []
    for m in matches:
        for n in m.refs:  # the numbers of the pack's confidential entries the match stands for
            entry = entries[n]
            if applies(n, entry, m.start, m.end):
                taken.append((m.start, m.end))
                yield _finding(ctx, entry, m.start, m.end, m.confidence)
                break
    folded: str | None = None
    for n, entry in enumerate(entries):
        for pattern in entry.patterns:
            needle = required_literal(pattern)
            if needle:  # a pattern's literal start, looked for once in C instead of scanning the regex
                if folded is None:
                    folded = ctx.text.lower() if ctx.text.isascii() else ctx.text.casefold()
                if needle not in folded:
                    continue
            for pm in pattern.finditer(ctx.text):
                s, e = pm.span()
                if e > s and not _overlaps(taken, s, e) and applies(n, entry, s, e):
                    taken.append((s, e))
                    yield _finding(ctx, entry, s, e, 1.0)
    if packs.hosts:
        yield from _hosts(ctx)


_LITERALS: dict[tuple[str, int], str] = {}
_META = frozenset("\\.^$*+?{}[]()|")


def required_literal(pattern: regex.Pattern[str]) -> str:
    """The casefolded literal every match of ``pattern`` starts with ("sturm-" for ``\\bSTURM-\\d+``),
    or "" when there is none of three characters or more.

    A case-insensitive ``regex`` scan costs about 25 ns per character even for a plain word (it
    cannot use a fast substring search), so a pack's ticket pattern cost more than the rest of the
    check on a 2 KB draft; ``needle in text.casefold()`` tells in C that it cannot match. Casefolding
    maps each character on its own and covers what the pattern's full case folding matches ("ſ", "ß",
    the Kelvin sign), so a text without the needle has no match. Only the run of plain characters
    after the leading ``\\b``/``^`` anchors and inline flags counts; a pattern with ``|`` outside
    brackets or a verbose flag gets none.
    """
    key = (pattern.pattern, pattern.flags)
    found = _LITERALS.get(key)
    if found is None:
        found = _LITERALS[key] = _leading_literal(pattern.pattern, pattern.flags)
    return found


def _leading_literal(src: str, flags: int) -> str:
    if flags & regex.VERBOSE or _top_level_bar(src):
        return ""
    i = 0
    while True:
        if src.startswith(("\\b", "\\A"), i):
            i += 2
        elif src.startswith("^", i):
            i += 1
        elif (m := regex.match(r"\(\?[a-zA-Z-]+\)", src[i:])) is not None:
            if "x" in m.group().split("-")[0]:
                return ""
            i += m.end()
        else:
            break
    out: list[str] = []
    while i < len(src):
        c = src[i]
        if c == "\\":
            nxt = src[i + 1 : i + 2]
            if not nxt or nxt.isalnum():
                break  # a class, anchor or back reference (\d, \b, \p{L}, \1)
            out.append(nxt)
            i += 2
        elif c in _META:
            if c in "?*{" and out:
                out.pop()  # the last character is optional or repeated: not required as written
            break
        else:
            out.append(c)
            i += 1
    literal = "".join(out)
    return literal.casefold() if len(literal) >= 3 else ""


def _top_level_bar(src: str) -> bool:
    """Whether ``src`` has an alternation ``|`` outside any group or character class."""
    depth, i, in_class = 0, 0, False
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if src[i + 1 : i + 2] == "]":
                i += 1  # "[]...]": a leading "]" is literal
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def _sentence_between(text: str, a: int, b: int) -> bool:
    """Whether a sentence ends between offsets ``a`` and ``b``: context words count in their own sentence."""
    lo, hi = min(a, b), max(a, b)
    return _SENTENCE_END.search(text, lo, hi + 1) is not None


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _hosts(ctx: CheckContext) -> Iterator[Finding]:
    text = ctx.text
    if _HOST_HINT.search(text) is None:
        return
    reported_end = -1
    hosts = ctx.packs.hosts
    seen: dict[str, int | None] = {}  # a page names the same few hosts again and again
    for m in _named_hosts(text, hosts):
        host = m.group().lower()
        if host in seen:
            hit = seen[host]
        else:
            labels = host.split(".")
            hit = next(
                (hosts[s][0] for k in range(len(labels) - 1) if (s := ".".join(labels[k:])) in hosts), None
            )
            seen[host] = hit
        if hit is None:
            continue
        entry = ctx.packs.confidential[hit]
        if not entry.active.contains(ctx.moment):
            continue
        start, end = _enclosing_address(text, m.start(), m.end())
        if start < reported_end:
            continue
        reported_end = end
        yield _finding(ctx, entry, start, end, 1.0, shown=host)


#: Up to this many plain pack hosts, :func:`_named_hosts` looks for each in the text.
_FEW_HOSTS = 64


def _named_hosts(text: str, hosts: Mapping[str, object]) -> Iterable[regex.Match[str]]:
    """The matches of :func:`host_names` that can name one of ``hosts`` (or all of them).

    A host names a pack host when its last labels are that host, so the lowered text holds the pack
    host inside the host's run of host characters: with a few plain pack hosts, only the runs around
    where they occur are read (in text order, each once), not every run with a dot (the host names of
    1 MB of minified HTML took 50 ms). A hashed pack host is known only by its digest: then all.
    """
    names = list(hosts)  # the plain hosts only (a HostTable's len() counts its hashed ones too)
    if len(names) != len(hosts) or len(names) > _FEW_HOSTS:
        return host_names(text)
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters: offsets would shift
        return host_names(text)
    at: list[int] = []
    for name in names:
        if "." in name and _HOST_RUN.fullmatch(name):  # else no host's last labels can be it
            pos = low.find(name)
            while pos >= 0:
                at.append(pos)
                pos = low.find(name, pos + 1)
    return _hosts_in_runs(text, sorted(at))


def _hosts_in_runs(text: str, positions: list[int]) -> Iterator[regex.Match[str]]:
    """What :func:`host_names` finds in the runs of host characters that hold one of the sorted
    ``positions`` (each a host character)."""
    if not positions:
        return
    n = len(text)
    backwards = text[::-1]
    end = 0
    for pos in positions:
        if pos < end:
            continue  # in the run before
        left = _HOST_RUN.match(backwards, n - pos)
        right = _HOST_RUN.match(text, pos)
        assert right is not None  # a pack host's first character is a host character
        end = right.end()
        m = _HOST.match(text, pos - (left.end() - left.start()) if left else pos, min(n, end + 1))
        if m is not None:
            yield m


def host_names(text: str) -> Iterator[regex.Match[str]]:
    """The matches of ``_HOST`` in ``text``, as ``_HOST.finditer(text)`` gives them, tried only
    where a host can stand: at the start of each run of host characters that holds a dot.

    ``_HOST`` cannot start inside such a run (its lookbehind refuses a letter, digit, dot or
    hyphen before it) nor reach past one, so one ``match`` per run finds what ``finditer`` finds;
    ``finditer`` tried the whole pattern at every character, 150 ms per MB of minified HTML.
    """
    pos = text.find(".")
    if pos < 0:
        return
    n = len(text)
    backwards = text[::-1]  # a run's start: matched leftwards from its dot, in C
    while pos >= 0:
        left = _HOST_RUN.match(backwards, n - pos)
        lo = pos - (left.end() - left.start()) if left else pos
        right = _HOST_RUN.match(text, pos)
        assert right is not None  # the dot itself is a host character
        hi = right.end()
        m = _HOST.match(text, lo, min(n, hi + 1))  # one character more: the lookahead sees it
        if m is not None:
            yield m
        pos = text.find(".", hi)


def _enclosing_address(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a host to the whole URL or e-mail address around it."""
    stops = " \t\r\n<>\"'()[]{}`„“”«»"
    while start > 0 and text[start - 1] not in stops:
        start -= 1
    while end < len(text) and text[end] not in stops:
        end += 1
    while end > start and text[end - 1] in ".,;:!?":
        end -= 1
    return start, end


def is_label(text: str, start: int, end: int) -> bool:
    """Whether a marking stands as a label: in capitals, bracketed, or heading its line.

    "VERTRAULICH", "[Intern]", "Intern: Zahlen Q3" are labels; "our intern
    Anna" and "Wir behandeln das vertraulich." are not.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    if text[start - 1 : start] == "_" or text[end : end + 1] == "_":
        return False  # part of an identifier: ERR_INTERNAL_ASSERTION
    if text[start - 2 : start] == "[^" or text[start - 1 : start] == "/" or text[end : end + 1] == "/":
        return False  # a footnote's name ("[^internal]: …") or a path's part ("├── internal/", "/internal")
    if text[start - 1 : start] == "{" or text[end : end + 1] == "}":
        return False  # a template's placeholder ("--token {{geheim}}", "{internal}"), not a label
    if text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha():
        return False  # the first part of a compound ("internal-facing", "Intern-Team"), not "Intern - ..."
    before_line = text[line_start:start]
    if before_line.lstrip(" \t")[:1] == "#" and before_line.expandtabs(4)[:4] == "    ":
        return False  # a comment in an indented code block ("    # internal -- for illustration")
    word = text[start:end]
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        others = [
            w
            for w in regex.findall(r"\p{L}{2,}", text[line_start:start] + " " + text[end:line_end])
            if any(c.isalpha() for c in w)
        ]
        shouting = sum(1 for w in others if w.isupper())
        if shouting <= len(others) // 2:
            return True
    before = text[line_start:start]
    after = text[end:line_end]
    if before[-1:] == "[" and after[:2] == "](":
        return False  # a Markdown link's text ("Bitte melden Sie Lücken [vertraulich](https://…)")
    if before.rstrip()[-1:] in ("[", "(", "<") and after.lstrip()[:1] in ("]", ")", ">"):
        # "(internal) routing" is an adjective in brackets, "[Intern] Zahlen Q3" a label
        following = after.lstrip()[1:].lstrip()
        return not following[:1].islower()
    if before.strip(_LABEL_DECORATION) == "" or not regex.search(r"[\p{L}\p{N}]", before):
        rest = after.lstrip(" \t*_")
        if rest[:1] == ":" and rest[1:].strip() and not regex.search(r"\p{L}{3}", rest):
            return False  # a key and its value: "- Internal: 10.0.0.0/16", "  internal: {}," in code
        if rest == "" and _SUBHEADING.match(before):
            return False  # a section's title alone ("### Internal" in a reference page), not a label
        if rest == "" and _BULLET.match(before):
            return False  # "- Internal" alone on a list line: a heading of release notes
        if rest == "" or rest[:1] in (":", "-", "–", "—", "!", "|", "/", "]", ")"):
            return True
    return False


def _finding(
    ctx: CheckContext, entry: ConfidentialEntry, start: int, end: int, confidence: float, shown: str = ""
) -> Finding:
    rule_id = RULE_BY_KIND[entry.kind]
    lang = ctx.msg_lang
    what = quote(shown or ctx.text[start:end], lang)
    if entry.protected and entry.kind in ("codename", "client"):  # a hashed pack: "a protected ..."
        msg = ctx.message(
            en=f"{what} is a protected {'codename' if entry.kind == 'codename' else 'client name'}: "
            "internal stays internal.",
            de=f"{what} ist ein geschützter {'Projektname' if entry.kind == 'codename' else 'Kundenname'}: "
            "Internes bleibt intern.",
        )
    elif entry.kind == "codename":
        msg = ctx.message(
            en=f"{what} is an internal codename: internal stays internal.",
            de=f"{what} ist ein interner Projektname: Internes bleibt intern.",
        )
    elif entry.kind == "client":
        msg = ctx.message(
            en=f"{what} is a client or partner under confidentiality: don't name them without approval.",
            de=f"{what} ist ein Kunde oder Partner unter Vertraulichkeit: nicht ohne Freigabe nennen.",
        )
    elif entry.kind == "host":
        msg = ctx.message(
            en=f"{what} is an internal system: links and addresses on it must not be published.",
            de=f"{what} ist ein internes System: Links und Adressen darauf nicht veröffentlichen.",
        )
    elif entry.kind == "marking":
        msg = ctx.message(
            en=f"{what} marks the content as not for publication: this text looks internal.",
            de=f"{what} kennzeichnet den Inhalt als nicht öffentlich: dieser Text wirkt intern.",
        )
    else:
        until = entry.active.end
        if until is not None:
            shown_until = format_date(until - timedelta(seconds=1), lang)
            msg = ctx.message(
                en=f"{what} is a quiet-period topic until {shown_until}: no statements about it before then.",
                de=f"{what} ist bis {shown_until} ein Thema der Ruhephase: vorher keine Aussagen dazu.",
            )
        else:
            msg = ctx.message(
                en=f"{what} is a quiet-period topic: no statements about it.",
                de=f"{what} ist ein Thema der Ruhephase: keine Aussagen dazu.",
            )
    if entry.note:
        msg = f"{msg} {note_text(entry.note, ctx.msg_lang)}"
    replacements = (entry.replacement,) if entry.replacement else ()
    return ctx.finding(
        rule_id,
        start,
        end,
        msg,
        replacements=replacements,
        confidence=confidence,
        severity=entry.severity,
    )


def _doc(name: str, what: str, why: str, fix: str, example: str = "") -> RuleDoc:
    return RuleDoc(name=name, what=what, why=why, fix=fix, example=example)


RULES = load_rules(__name__)
