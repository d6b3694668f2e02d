"""Plain text: checked exactly as written."""

from __future__ import annotations

from postguard.model import Extracted, OffsetMap


def extract_plain(source: str) -> Extracted:
    return Extracted(text=source, offsets=OffsetMap.identity())
