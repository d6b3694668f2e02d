"""What the copyright check's parts share: rule ids, settings, line arithmetic."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import newline_starts

PLUGIN = "postguard.checks.copyright"


STOCK, INVALID, NC, ND, CC_INCOMPLETE, QUOTE, REUPLOAD, IMAGE, EDITORIAL = (
    "PG401", "PG402", "PG403", "PG404", "PG405", "PG406", "PG407", "PG408", "PG409",
)  # fmt: skip


QUOTE_WORDS = 40


NEAR_LINES = 2


#: How many images a site embeds from one storage space on the web before it counts as the site's own
#: store (``[copyright] asset_images``).
ASSET_IMAGES = 3


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[copyright]`` sections of the loaded packs, merged and compiled once (``postguard_prepare``)."""

    free_hosts: tuple[str, ...]
    own_hosts: tuple[str, ...]  # where the team uploads its own pictures: like the site's hosts
    media_hosts: tuple[str, ...]  # public media libraries: never the site's own store
    quote_words: int
    near_lines: int
    asset_images: int  # images from one storage space that make it the site's own store
    each_image: bool  # true: the site's own uncredited people photos are not folded into one per site
    stock_hosts: Mapping[str, str]  # host suffix -> agency
    credit_formats: Mapping[str, str]  # agency -> the credit it asks for
    stock_file: Any  # file names such as AdobeStock_123456.jpeg; group "prefix"
    file_agencies: Mapping[str, str]  # lower-cased file prefix -> agency
    social_hosts: tuple[str, ...]
    people: Any  # words that make an image of the repository a photo of people or an event
    artwork: Any  # words that make it artwork, whatever people words it has: a logo, a screenshot
    logo: Any  # words that name a hot-linked image the mark of the site serving it (logo, banner)
    editorial: Any
    invalid: Any  # sources that name nobody; groups "src", "always", "bare"
    valid_sources: tuple[str, ...]  # lower-cased: "google maps" is a source, "google" is not
    callout_labels: frozenset[str]  # casefolded words that open a callout, not a quotation ("hinweis:")
    speech: Any  # a speech or report verb ("sagte", "according to"): [copyright] speech_verbs
    source_after: Any  # what names a source right after a quotation ("— Name", "(Name)", "sagte Anna")
    source_words: Any  # a lead-in or heading that names a source ("Pressemitteilung", "Comment by @x")
    lead_in: Any  # words of a lead-in ending in ":" that point to the quotation's author ("their plans:")
    reader: Any  # words addressing the reader ("you", "dein"): a ">" note to the reader
    repository_hosts: Mapping[str, str]  # a host serving a forge's files by account path -> the forge


_SCHEME = regex.compile(r"(?i)^[a-z][a-z0-9+.-]*://")
_PATH_START = regex.compile(r"[/?#]")


def host_of(url: str) -> str:
    # compiled once: a page of 10,000 links spent a tenth of its check looking the patterns up
    u: str = _SCHEME.sub("", url.strip()).lower()
    host: str = _PATH_START.split(u, maxsplit=1)[0].split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def host_on(host: str, suffixes: Sequence[str]) -> str | None:
    for s in suffixes:
        if host == s or host.endswith("." + s):
            return s
    return None


class Lines:
    """Line numbers of offsets, counting only non-blank lines (so blank lines don't add distance)."""

    def __init__(self, text: str) -> None:
        self.starts = newline_starts(text)
        rank = []
        n = -1
        for i, s in enumerate(self.starts):
            end = self.starts[i + 1] if i + 1 < len(self.starts) else len(text)
            if text[s:end].strip():
                n += 1
            rank.append(max(n, 0))
        self.rank = rank

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def near(self, a: int, b: int, lines: int) -> bool:
        return abs(self.rank[self.line(a)] - self.rank[self.line(b)]) <= lines

    def span_of_lines(self, offset: int, around: int, text: str) -> tuple[int, int]:
        """Offsets of the lines within ``around`` non-blank lines of ``offset``."""
        here = self.rank[self.line(offset)]
        first = last = self.line(offset)
        while first > 0 and here - self.rank[first - 1] <= around:
            first -= 1
        while last + 1 < len(self.starts) and self.rank[last + 1] - here <= around:
            last += 1
        end = self.starts[last + 1] if last + 1 < len(self.starts) else len(text)
        return self.starts[first], end


@dataclass(frozen=True, slots=True)
class Ref:
    start: int
    end: int
    kind: str  # "stock", "social", "free", "image"
    agency: str = ""
    own: bool = False  # "image": the site's own (a file of the repository, its hosts or stores)


def mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts: list[str] = []  # slices joined, not a list of every character (1 MB: 1,000,000 items)
    at = 0
    for a, b in sorted(spans):
        if b <= max(a, at):
            continue
        a = max(a, at)
        parts += (text[at:a], "\x00" * (b - a))
        at = b
    parts.append(text[at:])
    return "".join(parts)


def shorten(s: str, limit: int = 60) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"
