"""The opt-in disk cache of image facts: hashes, metadata and OCR text, never pixels.

One JSON file per image, named by its SHA-256, readable only by the user.
Turned on by the caller (``postguard check --image-cache``); off by default,
because the OCR text of a screenshot is as private as a draft.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

FORMAT = 1


def _file(cache: Path, digest: str) -> Path:
    return cache / "images" / f"{digest}.json"


def load(cache: Path, digest: str, want_ocr: bool) -> Any:
    """The cached :class:`~postguard.images.ImageFacts`, or ``None``."""
    from postguard.images.facts import Box, GeoPoint, ImageFacts, Metadata, MetaField, OcrText, Word

    try:
        raw = json.loads(_file(cache, digest).read_text(encoding="utf-8"))
        if raw.get("format_version") != FORMAT or (want_ocr and raw["ocr"] is None):
            return None
        meta = raw["metadata"]
        ocr = raw["ocr"]
        return ImageFacts(
            name=raw["name"],
            sha256=digest,
            format=raw["format"],
            width=raw["width"],
            height=raw["height"],
            phash=int(raw["phash"]),
            metadata=Metadata(
                fields=tuple(MetaField(**f) for f in meta["fields"]),
                gps=GeoPoint(**meta["gps"]) if meta["gps"] else None,
            ),
            ocr=OcrText(
                text=ocr["text"],
                words=tuple(
                    Word(start=w["start"], end=w["end"], box=Box(**w["box"]), confidence=w["confidence"])
                    for w in ocr["words"]
                ),
            )
            if ocr is not None and want_ocr
            else None,
            ocr_skipped=raw["ocr_skipped"] if not want_ocr else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(cache: Path, facts: Any) -> None:
    data = asdict(facts)
    data["format_version"] = FORMAT
    data["phash"] = str(facts.phash)
    target = _file(cache, facts.sha256)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        with contextlib.suppress(OSError):
            tmp.chmod(0o600)
        tmp.replace(target)
    except OSError:
        pass  # a cache that cannot be written is not an error
