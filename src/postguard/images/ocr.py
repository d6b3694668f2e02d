"""Text in an image: Tesseract through ``tesserocr``, words with their boxes.

Why tesserocr and not pytesseract: tesserocr calls the Tesseract C++ API in
this process, so the image never leaves memory (pytesseract writes every
image to a temporary file and starts the ``tesseract`` program per call) and
the language models are loaded once per process, not per image. The language
data comes from Debian's ``tesseract-ocr-deu`` and ``tesseract-ocr-eng``.

Without the language data (or the binding) OCR is skipped: :func:`unavailable`
says why, in one sentence, and the other image checks still run.

The recognised text is laid out as Tesseract reads it: words joined by a
space, lines by ``\\n``, paragraphs by a blank line, so line-based rules
(a marking heading a line) work as on a draft. Every word keeps its box.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, ImageStat

from postguard.images.facts import Box, OcrText, Word
from postguard.images.limits import OCR_SKIPPED

#: Where Debian (and other distributions) put the language data.
TESSDATA_DIRS: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
LANGUAGES = "deu+eng"
#: Words Tesseract is less sure of than this (0..100) are dropped: noise from photos and icons.
MIN_CONFIDENCE = 40.0
#: Pictures whose longest side is below this (pixels) are read at twice their size (small text).
SMALL_SIDE = 1000
#: Longest side (pixels) OCR reads; larger pictures are scaled down to it first (a 4K screenshot
#: is read as it is, a 48-megapixel photo at 4096 x 3072).
MAX_SIDE = 4096


def tessdata_dir() -> str | None:
    """The directory with German and English language data: ``TESSDATA_PREFIX`` if set, else Debian's."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    for d in (prefix,) if prefix else TESSDATA_DIRS:
        if all((Path(d) / f"{lang}.traineddata").is_file() for lang in LANGUAGES.split("+")):
            return d
    return None


@cache
def unavailable() -> str | None:
    """Why OCR cannot run here (one sentence), or ``None`` when it can."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return f"{OCR_SKIPPED}: the Python package tesserocr is not installed"
    if tessdata_dir() is None:
        return (
            f"{OCR_SKIPPED}: Tesseract's German and English data were not found "
            "(install tesseract-ocr-deu and tesseract-ocr-eng, or set TESSDATA_PREFIX)"
        )
    return None


class _Engine:
    """One Tesseract API per process; it is not thread-safe, so calls take turns."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.api: Any = None

    def get(self) -> Any:
        if self.api is None:
            import tesserocr

            self.api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=LANGUAGES)
            # We invert dark screenshots ourselves; Tesseract's own try costs a second pass.
            self.api.SetVariable("tessedit_do_invert", "0")
        return self.api


_ENGINE = _Engine()


def prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """Grey, dark-on-light, scaled up when the image is small and down past :data:`MAX_SIDE`.

    Returns the image and its scale (boxes are divided by it, so they are in the picture's pixels).
    """
    grey = ImageOps.grayscale(image)
    if ImageStat.Stat(grey).mean[0] < 110:  # dark mode: light text on a dark background
        grey = ImageOps.invert(grey)
    scale = 1.0
    longest = max(grey.size)
    if longest < SMALL_SIDE:
        scale = 2.0
        grey = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)
    elif longest > MAX_SIDE:
        # a 48-megapixel photo: its text is large, and Tesseract's time grows with the pixels
        scale = MAX_SIDE / longest
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return grey, scale


def recognise(image: Image.Image) -> OcrText:
    """The text in ``image`` with a box per word. Call only when :func:`unavailable` is ``None``."""
    import tesserocr

    grey, scale = prepare(image)
    level = tesserocr.RIL.WORD
    parts: list[str] = []
    words: list[Word] = []
    pos = 0
    with _ENGINE.lock:
        api = _ENGINE.get()
        api.SetImage(grey)
        try:
            api.Recognize()
            if not (api.GetUTF8Text() or "").strip():
                return OcrText(text="", words=())
            it = api.GetIterator()
            pending = ""  # the separator owed before the next word
            for w in tesserocr.iterate_level(it, level):
                text = (w.GetUTF8Text(level) or "").strip()
                conf = float(w.Confidence(level))
                end_line = w.IsAtFinalElement(tesserocr.RIL.TEXTLINE, level)
                end_para = w.IsAtFinalElement(tesserocr.RIL.PARA, level)
                bbox = w.BoundingBox(level)
                if text and conf >= MIN_CONFIDENCE and bbox:
                    if parts:
                        parts.append(pending)
                        pos += len(pending)
                    x0, y0, x1, y1 = (round(v / scale) for v in bbox)
                    words.append(
                        Word(
                            start=pos, end=pos + len(text), box=Box(x0, y0, x1 - x0, y1 - y0), confidence=conf
                        )
                    )
                    parts.append(text)
                    pos += len(text)
                    pending = " "
                if parts and (end_para or end_line):
                    pending = "\n\n" if end_para else "\n"
        finally:
            api.Clear()
    return OcrText(text="".join(parts), words=tuple(words))
