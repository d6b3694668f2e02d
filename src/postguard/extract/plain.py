"""Plain text: checked exactly as written; its structure comes from the light pass.

:func:`postguard.extract.structure.light_pass` finds bare web addresses, credit
lines and quotations, and the Markdown and HTML that pasted drafts carry.
"""

from __future__ import annotations

from postguard.extract.structure import light_pass
from postguard.model import Extracted, OffsetMap


def extract_plain(source: str) -> Extracted:
    return Extracted(text=source, offsets=OffsetMap.identity(), structure=light_pass(source))
