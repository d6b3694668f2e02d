"""What a check sees: the ``CheckContext`` of one draft (``postguard_check``) and the
``ImageContext`` of one image (``postguard_check_image``)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from postguard.messages import in_language
from postguard.model import Draft, Finding, RuleInfo, Severity, Structure
from postguard.rulepacks import Channel, PackSet
from postguard.site import NO_SITE, Site
from postguard.terms import Pieces
from postguard.urls import find_urls

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from postguard.images import Box, ImageFacts


class _DraftCache:
    """What a context computes on first use; private, so the context itself stays immutable."""

    __slots__ = ("doc", "pieces", "sentences", "token_starts", "urls")

    def __init__(self) -> None:
        self.doc: Doc | None = None
        self.pieces: Pieces | None = None
        self.sentences: list[tuple[int, int]] | None = None
        self.token_starts: list[int] | None = None
        self.urls: list[tuple[int, int]] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckContext:
    """One draft, ready to check.

    ``text`` is the text the checks read (the prose extracted from the
    source); offsets in findings refer to it. ``lang`` is the draft's
    language, ``mixed`` whether it mixes German and English, ``msg_lang`` the
    language messages are written in. ``moment`` is the time judged: the
    draft's ``publish_at`` when scheduled, else now. ``structure`` is what the
    extraction saw: links, images, quotes and callouts, code, headings,
    front-matter fields and credit lines, at offsets of ``text``
    (:class:`postguard.model.Structure`). Checks read ``text`` and
    ``structure``, never the source (``draft.text``). ``prepared`` holds each
    plugin's per-pack state from ``postguard_prepare``, by the key it chose.
    ``site`` is the site the draft's file belongs to (its root, its own hosts, its
    pages: :class:`postguard.site.Site`), derived from the repository's configuration;
    a draft without a path has none.

    The context is frozen: a plugin cannot change what another plugin sees.
    ``doc``, ``pieces``, ``sentences`` and token offsets are computed on first
    use and kept in a private cache (``make_doc`` and ``lemmas`` are how).
    """

    draft: Draft
    text: str
    make_doc: Callable[[], Doc] = field(repr=False)
    lemmas: Callable[[set[str]], Mapping[str, str]] = field(repr=False)
    lang: str
    mixed: bool
    msg_lang: str
    moment: datetime
    scheduled: bool
    packs: PackSet
    channel: Channel | None
    rules: Mapping[str, RuleInfo]
    sentencizer: Callable[[Doc], Doc] = field(repr=False)
    structure: Structure = field(default_factory=Structure, repr=False)
    prepared: Mapping[str, Any] = field(default_factory=dict, repr=False)
    site: Site = field(default=NO_SITE, repr=False)
    #: The pieces of ``text`` without their lemmas, when the caller cut it already (the engine does,
    #: to guess the language): ``pieces`` completes them instead of cutting the text again.
    cut: Pieces | None = field(default=None, repr=False, compare=False)
    _cache: _DraftCache = field(default_factory=_DraftCache, repr=False, compare=False)

    @property
    def doc(self) -> Doc:
        """The spaCy ``Doc`` of ``text`` with lookup lemmas, made on first use: the built-in checks
        read ``pieces`` and ``sentences``, and a draft none of them needs tokens for is not tokenised."""
        if self._cache.doc is None:
            self._cache.doc = self.make_doc()
        return self._cache.doc

    @property
    def pieces(self) -> Pieces:
        """The text cut into pieces for :class:`postguard.terms.TermIndex`, with the lemmas of
        their words (the same lookup tables as the ``Doc``'s)."""
        if self._cache.pieces is None:
            cut = self.cut
            if cut is not None and cut.text is self.text:
                cut.add_lemmas(self.lemmas)
                self._cache.pieces = cut
            else:
                self._cache.pieces = Pieces(self.text, self.lemmas)
        return self._cache.pieces

    @property
    def urls(self) -> list[tuple[int, int]]:
        """The (start, end) offsets of the web addresses in ``text`` (:func:`postguard.urls.find_urls`),
        found once for every check that needs them."""
        if self._cache.urls is None:
            found = self.structure.urls  # the extraction's light pass looked already
            self._cache.urls = list(found) if found is not None else find_urls(self.text)
        return self._cache.urls

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans (character offsets), from spaCy's sentencizer, computed on first use."""
        if self._cache.sentences is None:
            doc = self.doc
            if not doc.has_annotation("SENT_START"):
                doc = self.sentencizer(doc)
            self._cache.sentences = [(s.start_char, s.end_char) for s in doc.sents]
        return self._cache.sentences

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The span of the sentence containing ``offset``."""
        for start, end in self.sentences:
            if start <= offset < end:
                return start, end
        return 0, len(self.text)

    def word_index(self, offset: int) -> int:
        """The index of the word (a piece: a run of letters and digits) at or just before a
        character offset: distances in words, without tokenising the draft."""
        return max(0, bisect.bisect_right(self.pieces.starts, offset) - 1)

    def token_index(self, offset: int) -> int:
        """The index of the spaCy token at (or just before) a character offset."""
        if self._cache.token_starts is None:
            self._cache.token_starts = [t.idx for t in self.doc]
        return max(0, bisect.bisect_right(self._cache.token_starts, offset) - 1)

    def message(self, *, en: str, de: str) -> str:
        """The text for the reader's language."""
        return in_language(self.msg_lang, en=en, de=de)

    def finding(
        self,
        rule_id: str,
        start: int,
        end: int,
        message: str,
        *,
        replacements: tuple[str, ...] = (),
        confidence: float = 1.0,
        severity: Severity | None = None,
        sensitive: bool = False,
    ) -> Finding:
        """A finding of a registered rule; category and default severity come from the rule.

        ``sensitive=True`` for a match that must never be shown (a secret, personal
        data): every output shows it masked (``AKIA…X7QZ``).
        """
        if end <= start:
            end = min(len(self.text), start + 1)
        return self.rules[rule_id].finding(
            message,
            start=start,
            end=end,
            match=self.text[start:end],
            severity=severity,
            replacements=replacements,
            confidence=confidence,
            sensitive=sensitive,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageContext:
    """One image, ready to check; frozen, like :class:`CheckContext`.

    ``image`` holds what was extracted (hash, size, metadata; the OCR text is
    checked as a draft, not here). ``moment``, ``packs``, ``channel`` and
    ``msg_lang`` mean what they mean in :class:`CheckContext`.
    """

    image: ImageFacts
    moment: datetime
    scheduled: bool
    packs: PackSet
    channel: Channel | None
    msg_lang: str
    rules: Mapping[str, RuleInfo]

    def message(self, *, en: str, de: str) -> str:
        """The text for the reader's language."""
        return in_language(self.msg_lang, en=en, de=de)

    def finding(
        self,
        rule_id: str,
        message: str,
        *,
        box: Box | None = None,
        whole: bool = True,
        replacements: tuple[str, ...] = (),
        confidence: float = 1.0,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding on this image: on ``box``, else the whole picture (or no box when ``whole`` is false)."""
        shown = box or (self.image.box if whole else None)
        return self.rules[rule_id].finding(
            message,
            start=0,
            end=0,
            match="",
            severity=severity,
            replacements=replacements,
            confidence=confidence,
            image=self.image.name,
            box=(shown.x, shown.y, shown.w, shown.h) if shown else None,
        )
