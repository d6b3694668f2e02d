"""Images as inputs: decode with limits, then OCR, a perceptual hash and the metadata.

This package only *extracts*; it judges nothing. :func:`analyse` turns the
bytes of one image into :class:`ImageFacts`; the pipeline checks the OCR
text like a draft and hands the facts to the ``postguard_check_image`` hook,
where the image checks (plugins) judge them. Images stay in memory: nothing
is written to disk except, when the caller passes ``cache``, the facts
(hashes, metadata, OCR text and boxes) keyed by the image's SHA-256.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from postguard.images.facts import Box, GeoPoint, ImageFacts, Metadata, MetaField, OcrText, Word
from postguard.images.limits import (
    EXTENSIONS,
    MAX_BYTES,
    MAX_PIXELS,
    OCR_SKIPPED,
    ImageError,
    ImageTooLarge,
    is_image_name,
)

__all__ = [
    "EXTENSIONS",
    "MAX_BYTES",
    "MAX_PIXELS",
    "OCR_SKIPPED",
    "Box",
    "GeoPoint",
    "ImageError",
    "ImageFacts",
    "ImageTooLarge",
    "MetaField",
    "Metadata",
    "OcrText",
    "Word",
    "analyse",
    "is_image_name",
    "ocr_unavailable",
]


def ocr_unavailable() -> str | None:
    """Why OCR is skipped on this machine, or ``None``."""
    from postguard.images.ocr import unavailable

    return unavailable()


_MEMO: OrderedDict[tuple[str, bool], ImageFacts] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 64


def analyse(
    data: bytes,
    name: str,
    *,
    ocr: bool = True,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    cache: Path | None = None,
) -> ImageFacts:
    """Decode ``data`` and extract its facts; the same bytes are analysed once per process.

    Raises :class:`ImageError` (or :class:`ImageTooLarge`) for what cannot be read.
    """
    digest = hashlib.sha256(data).hexdigest()
    want_ocr = ocr and ocr_unavailable() is None
    key = (digest, want_ocr)
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _renamed(_MEMO[key], name)
    facts = None
    if cache is not None:
        from postguard.images.cache import load

        facts = load(cache, digest, want_ocr)
    if facts is None:
        from postguard.images.decode import decode
        from postguard.images.metadata import read_metadata
        from postguard.images.ocr import recognise
        from postguard.images.phash import phash

        decoded = decode(data, name, max_bytes=max_bytes, max_pixels=max_pixels)
        skipped = None if want_ocr else (ocr_unavailable() if ocr else "OCR turned off")
        facts = ImageFacts(
            name=name,
            sha256=digest,
            format=decoded.format,
            width=decoded.width,
            height=decoded.height,
            phash=phash(decoded.image),
            metadata=read_metadata(decoded.raw),
            ocr=recognise(decoded.image) if want_ocr else None,
            ocr_skipped=skipped,
        )
        if cache is not None:
            from postguard.images.cache import store

            store(cache, facts)
    with _MEMO_LOCK:
        _MEMO[key] = facts
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return _renamed(facts, name)


def _renamed(facts: ImageFacts, name: str) -> ImageFacts:
    if facts.name == name:
        return facts
    from dataclasses import replace

    return replace(facts, name=name)
