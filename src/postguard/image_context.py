"""What an image check sees: the ``ImageContext`` handed to ``postguard_check_image``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from postguard.images import Box, ImageFacts
from postguard.model import Finding, RuleInfo, Severity
from postguard.rulepacks import Channel, PackSet


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageContext:
    """One image, ready to check; frozen, like :class:`postguard.context.CheckContext`.

    ``image`` holds what was extracted (hash, size, metadata; the OCR text is
    checked as a draft, not here). ``moment``, ``packs``, ``channel`` and
    ``msg_lang`` mean what they mean in :class:`postguard.context.CheckContext`.
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
        return de if self.msg_lang == "de" else en

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
        rule = self.rules[rule_id]
        shown = box or (self.image.box if whole else None)
        return Finding(
            rule_id=rule.id,
            rule_name=rule.name,
            category=rule.category,
            severity=severity or rule.severity,
            message=message,
            start=0,
            end=0,
            match="",
            replacements=replacements,
            confidence=confidence,
            image=self.image.name,
            box=(shown.x, shown.y, shown.w, shown.h) if shown else None,
        )
