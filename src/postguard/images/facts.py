"""The facts extracted from an image, as plain frozen data (no imaging library needed to read them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in image pixels: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int

    def union(self, other: Box) -> Box:
        x0, y0 = min(self.x, other.x), min(self.y, other.y)
        x1, y1 = max(self.x + self.w, other.x + other.w), max(self.y + self.h, other.y + other.h)
        return Box(x0, y0, x1 - x0, y1 - y0)

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]


@dataclass(frozen=True, slots=True, kw_only=True)
class Word:
    """One recognised word: its offsets in :attr:`OcrText.text`, its box, Tesseract's confidence."""

    start: int
    end: int
    box: Box
    confidence: float


@dataclass(frozen=True, slots=True, kw_only=True)
class OcrText:
    text: str
    words: tuple[Word, ...]

    def box_of(self, start: int, end: int) -> Box | None:
        """The box around the words that overlap ``[start, end)``."""
        box: Box | None = None
        for w in self.words:
            if w.start < end and start < w.end:
                box = w.box if box is None else box.union(w.box)
        return box


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaField:
    """One metadata field: ``standard`` is EXIF, XMP or IPTC; ``key`` its name there."""

    standard: str
    key: str
    role: str
    value: str

    @property
    def label(self) -> str:
        return f"{self.standard} {self.key}"


@dataclass(frozen=True, slots=True, kw_only=True)
class GeoPoint:
    latitude: float
    longitude: float
    standard: str = "EXIF"


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    fields: tuple[MetaField, ...] = ()
    gps: GeoPoint | None = None

    @property
    def present(self) -> bool:
        return bool(self.fields) or self.gps is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageFacts:
    """What was extracted from one image.

    ``ocr`` is ``None`` when OCR was skipped (``ocr_skipped`` says why).
    ``phash`` is the 64-bit perceptual hash of the upright picture.
    """

    name: str
    sha256: str
    format: str
    width: int
    height: int
    phash: int
    metadata: Metadata
    ocr: OcrText | None = None
    ocr_skipped: str | None = None

    @property
    def box(self) -> Box:
        """The whole picture."""
        return Box(0, 0, self.width, self.height)
