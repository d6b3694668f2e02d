"""Advertising labels: where they stand, and whether they are clear."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from postguard.plugin import (
    overlaps,
)

from .settings import START_CHARS, Compiled

_LABEL_BEFORE = " \t*_>•·|[({<\"'„“”‚‘’«»-–—:🔸🔹▪️"


_LABEL_AFTER = (":", "|", "-", "–", "—", "/", "*", ")", "]", "}", ",", "!", ".", "·", "•", "(", "_", ">")


_LABEL_CONTINUES = regex.compile(r"(?i)(?:mit|with|für|for|von|from)\s+\S")


_LEADING = regex.compile(r"\s*")


_TRAILER = regex.compile(r"(?:[#@][\p{L}\p{N}_]+|[^\p{L}\p{N}])*")


_HASHTAG_RUN = regex.compile(r"#[\p{L}\p{N}_]+(?:[\s,.·]+#[\p{L}\p{N}_]+)+")


@dataclass(frozen=True, slots=True)
class _Label:
    start: int
    end: int
    weak: bool
    kind: str  # "tag", "by", "word"


def _stands_as_label(text: str, start: int, end: int) -> bool:
    """Whether a label word stands as a label: heading its line, or bracketed."""
    line_start = text.rfind("\n", max(0, start - 200), start) + 1 or max(0, start - 200)
    line_end = text.find("\n", end, end + 200)
    if line_end < 0:
        line_end = min(len(text), end + 200)
    before = text[line_start:start]
    after = text[end:line_end].lstrip(" \t")
    if before.rstrip()[-1:] in ("[", "(", "*", "{", "|") and after[:1] in ("]", ")", "*", "}", "|"):
        return True
    if before.strip(_LABEL_BEFORE) == "":
        return after == "" or after.startswith(_LABEL_AFTER) or _LABEL_CONTINUES.match(after) is not None
    return False


def find_labels(text: str, comp: Compiled) -> list[_Label]:
    labels = [_Label(m.start(), m.end(), False, "tag") for m in comp.labels.finditer(text)]
    taken = [(lb.start, lb.end) for lb in labels]
    for m in comp.word_label.finditer(text):
        if not overlaps(taken, m.start(), m.start() + 1) and _stands_as_label(text, m.start(), m.end()):
            labels.append(_Label(m.start(), m.end(), False, "word"))
    taken = sorted((lb.start, lb.end) for lb in labels)
    for m in comp.weak.finditer(text):
        if not overlaps(taken, m.start(), m.start() + 1):
            labels.append(_Label(m.start(), m.end(), True, m.lastgroup or "word"))
    labels.sort(key=lambda lb: lb.start)
    return labels


def text_start(text: str, body_start: int = 0) -> int:
    """Where the body's first word is (after the front matter, whose values stay in the checked text)."""
    m = _LEADING.match(text, body_start)
    return m.end() if m else body_start


def placement(text: str, label: _Label, cue_start: int) -> str:
    """Where a label stands: ``"start"`` or why not.

    ``"cluster"``: among closing hashtags; ``"end"``: nothing but hashtags,
    mentions and punctuation follow it; ``"after"``: after the first
    promotion cue; ``"late"``: after the first :data:`START_CHARS` characters.
    """
    content_start = text_start(text)
    trailer = label.start > content_start and _TRAILER.fullmatch(text, label.end) is not None
    if trailer and text[label.start] == "#":
        for run in _HASHTAG_RUN.finditer(text, max(0, label.start - 400)):
            if run.start() > label.start:
                break
            if label.start < run.end():
                return "cluster"
    if trailer:
        return "end"
    if label.start - content_start >= START_CHARS:
        return "late"
    if label.start > cue_start:
        return "after"
    return "start"
