"""Real image files for the tests: text drawn with Debian's fonts, photo-like pictures, EXIF written
with piexif, IPTC with exiv2 (the library digiKam and gThumb write metadata with)."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

import exiv2
import piexif
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
SANS = FONT_DIRS[0] / "DejaVuSans.ttf"


def font(size: int, path: Path = SANS) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def screenshot(
    lines: list[str], *, size: int = 18, dark: bool = False, width: int = 1000, path: Path = SANS
) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """Lines of text on a light (or dark) background; returns the image and each line's box."""
    f = font(size, path)
    height = 40 + len(lines) * (size * 2)
    bg, fg = ((30, 32, 36), (225, 225, 225)) if dark else ((255, 255, 255), (20, 20, 20))
    img = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(img)
    boxes = []
    for i, line in enumerate(lines):
        xy = (20, 20 + i * size * 2)
        draw.text(xy, line, font=f, fill=fg)
        x0, y0, x1, y1 = draw.textbbox(xy, line, font=f)
        boxes.append((int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
    return img, boxes


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture: a sky/ground gradient, blurred shapes and grain, different per seed."""
    rnd = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    top = tuple(rnd.randrange(256) for _ in range(3))
    bottom = tuple(rnd.randrange(256) for _ in range(3))
    horizon = rnd.randrange(h // 4, 3 * h // 4)
    for y in range(h):
        t = y / h
        c = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (w, y)], fill=c)
    draw.rectangle([0, horizon, w, h], fill=tuple(rnd.randrange(256) for _ in range(3)))
    for _ in range(rnd.randrange(4, 12)):
        x, y = rnd.randrange(w), rnd.randrange(h)
        r = rnd.randrange(10, max(11, w // 4))
        shape = draw.ellipse if rnd.random() < 0.5 else draw.rectangle
        shape([x - r, y - r, x + r, y + r // 2], fill=tuple(rnd.randrange(256) for _ in range(3)))
    img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.5, 3)))
    noise = Image.effect_noise(size, rnd.uniform(5, 25)).convert("RGB")
    return Image.blend(img, noise, 0.08)


def encode(img: Image.Image, fmt: str = "PNG", **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def exif_bytes(
    *,
    artist: str | None = None,
    copyright: str | None = None,
    software: str | None = None,
    document: str | None = None,
    gps: tuple[float, float] | None = None,
) -> bytes:
    zeroth: dict[int, object] = {}
    if artist:
        zeroth[piexif.ImageIFD.Artist] = artist.encode()
    if copyright:
        zeroth[piexif.ImageIFD.Copyright] = copyright.encode()
    if software:
        zeroth[piexif.ImageIFD.Software] = software.encode()
    if document:
        zeroth[piexif.ImageIFD.DocumentName] = document.encode()
    data: dict[str, object] = {"0th": zeroth}
    if gps:
        data["GPS"] = {
            piexif.GPSIFD.GPSLatitudeRef: b"N" if gps[0] >= 0 else b"S",
            piexif.GPSIFD.GPSLatitude: _dms(abs(gps[0])),
            piexif.GPSIFD.GPSLongitudeRef: b"E" if gps[1] >= 0 else b"W",
            piexif.GPSIFD.GPSLongitude: _dms(abs(gps[1])),
        }
    return piexif.dump(data)


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60 * 1000)
    return ((d, 1), (m, 1), (s, 1000))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def with_iptc(data: bytes, fields: dict[str, str | list[str]], *, latin_1: bool = False) -> bytes:
    """``data`` (JPEG, TIFF or PNG) with IPTC IIM datasets written by exiv2.

    ``fields`` maps exiv2 keys below ``Iptc.Application2.`` (``Byline``, ``Copyright``, ``Credit``,
    ``Source``, ``ObjectName``) to a value or a list of repeated values. The values are UTF-8 and
    say so (``CharacterSet`` ESC % G), or with ``latin_1`` Latin-1 bytes and no character set, as
    older tools wrote them.
    """
    import warnings

    image = exiv2.ImageFactory.open(data)
    image.readMetadata()
    iptc = image.iptcData()
    if not latin_1:
        iptc["Iptc.Envelope.CharacterSet"] = "\x1b%G"
    for key, value in fields.items():
        for v in [value] if isinstance(value, str) else value:
            datum = exiv2.StringValue()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # read(bytes): the raw bytes as given
                datum.read(v.encode("latin-1" if latin_1 else "utf-8"))
            iptc.add(exiv2.IptcKey(f"Iptc.Application2.{key}"), datum)
    image.setIptcData(iptc)
    image.writeMetadata()
    return bytes(image.io().mmap())
