"""Limits and errors of image inputs (no imaging library needed)."""

from __future__ import annotations

from postguard.errors import InputError

#: How the notice that OCR is skipped begins (the CLI shows it once per run, not once per image).
OCR_SKIPPED = "text in images is not checked"
#: Largest image file checked (bytes).
MAX_BYTES = 20 * 1024 * 1024
#: Largest canvas checked (width x height): a 48-megapixel photo, well above any screenshot.
MAX_PIXELS = 50_000_000
#: What Pillow may open at all (the formats of photos and screenshots).
FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
#: File extensions read as images.
EXTENSIONS: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff")


class ImageError(InputError):
    """An image could not be read: not an image, truncated, corrupt."""


class ImageTooLarge(ImageError):
    """An image is larger (in bytes or pixels) than postguard checks. The server answers 413."""


def is_image_name(name: str) -> bool:
    return name.lower().endswith(EXTENSIONS)
