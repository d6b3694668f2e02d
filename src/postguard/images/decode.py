"""Decoding an image safely: size and pixel limits before any pixel is decoded.

Pillow reads only the header in :func:`PIL.Image.open`; the pixel count is
checked against :data:`MAX_PIXELS` before :meth:`~PIL.Image.Image.load`, so a
decompression bomb (a small file that claims a huge canvas) is refused without
allocating it. A truncated or corrupt file, or one that is not an image, is an
:class:`ImageError` with a message for the user.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from postguard.images.limits import FORMATS, MAX_BYTES, MAX_PIXELS, ImageError, ImageTooLarge


@dataclass(frozen=True, slots=True, kw_only=True)
class Decoded:
    """A decoded image: ``image`` upright (EXIF orientation applied) in RGB; ``raw`` as opened."""

    image: Image.Image
    raw: Image.Image
    format: str
    width: int
    height: int


def decode(data: bytes, name: str, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> Decoded:
    """Open and decode ``data``; raise :class:`ImageError` or :class:`ImageTooLarge`."""
    if len(data) > max_bytes:
        raise ImageTooLarge(
            f"{name}: image too large ({len(data) / 1_048_576:.1f} MB; "
            f"postguard checks images up to {max_bytes // 1_048_576} MB)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            raw = Image.open(io.BytesIO(data), formats=FORMATS)
        except Image.DecompressionBombError:
            raise ImageTooLarge(
                f"{name}: image dimensions too large (over {max_pixels / 1e6:.0f} megapixels; "
                "a decompression bomb?)"
            ) from None
        except UnidentifiedImageError:
            raise ImageError(f"{name}: not an image postguard can read ({', '.join(FORMATS)})") from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise ImageError(f"{name}: not a readable image ({exc})") from None
        width, height = raw.size
        if width * height > max_pixels:
            raise ImageTooLarge(
                f"{name}: image dimensions too large ({width}x{height} pixels; "
                f"postguard checks images up to {max_pixels / 1e6:.0f} megapixels)"
            )
        if width < 1 or height < 1:
            raise ImageError(f"{name}: image has no pixels")
        try:
            raw.load()
            # each step copies the whole canvas (6 MB for a 1920x1080 photo), so only when it changes it
            upright = _upright(raw)
            rgb = upright if upright.mode == "RGB" else upright.convert("RGB")
        except Image.DecompressionBombError:
            raise ImageTooLarge(f"{name}: image dimensions too large (a decompression bomb?)") from None
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ImageError(f"{name}: image is truncated or corrupt ({exc})") from None
    return Decoded(image=rgb, raw=raw, format=str(raw.format), width=rgb.width, height=rgb.height)


#: EXIF orientations other than "upright" (1): mirrored and/or rotated.
_TURNED = frozenset(range(2, 9))


def _upright(raw: Image.Image) -> Image.Image:
    """``raw`` with its EXIF orientation applied; ``raw`` itself when it is upright already."""
    if raw.getexif().get(ExifTags.Base.Orientation) not in _TURNED:
        return raw
    return ImageOps.exif_transpose(raw) or raw
