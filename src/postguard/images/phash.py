"""Perceptual hashes: the same picture resized, recompressed, recoloured or cropped.

A 64-bit DCT hash (``imagehash.phash``) survives resizing, JPEG
recompression, small colour changes and mild filters, but not cropping: a
crop moves every feature. So a *reference* image (an embargoed press photo)
is hashed as a set: the whole picture plus crops of it (:data:`CROPS`), and an
image under check, hashed once, matches when it is within
:data:`THRESHOLD` bits of any of them. ``bench/bench_images.py`` measures the
threshold on real variants and the false-match rate on unrelated photos
(figures in ``docs/images.md``).

Hashes are written as ``"p:"`` and 16 hex digits, the form rule packs store.
"""

from __future__ import annotations

import imagehash
from PIL import Image

#: Reference crops: (left, top, right, bottom) as fractions of the picture: squares of 90% and 80%
#: at nine places, and one side cut by 10% or 20% (a crop that changes the aspect ratio).
CROPS: tuple[tuple[float, float, float, float], ...] = (
    *(
        (x, y, x + size, y + size)
        for size in (0.9, 0.8)
        for x in (0.0, (1 - size) / 2, 1 - size)
        for y in (0.0, (1 - size) / 2, 1 - size)
    ),
    *(
        box
        for c in (0.1, 0.2)
        for box in ((c, 0.0, 1.0, 1.0), (0.0, 0.0, 1 - c, 1.0), (0.0, c, 1.0, 1.0), (0.0, 0.0, 1.0, 1 - c))
    ),
)


def phash(image: Image.Image) -> int:
    """The 64-bit DCT hash of ``image`` as an integer."""
    return int(str(imagehash.phash(shrink(image))), 16)


def shrink(image: Image.Image, size: int = 256) -> Image.Image:
    """``image`` at most ``size`` pixels wide and high (hashing reads 32x32 pixels; shrink a photo once).

    One ``resize`` with a reducing gap (a fast box reduction, then bilinear): no copy of the full
    canvas first, as ``thumbnail`` (which works in place) would need.
    """
    if max(image.size) <= size:
        return image
    scale = size / max(image.size)
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0)


def reference_hashes(image: Image.Image) -> tuple[int, ...]:
    """The hashes an embargoed picture is stored as: the whole picture, then each crop of :data:`CROPS`."""
    image = shrink(image, 512)
    w, h = image.size
    out = [phash(image)]
    for x0, y0, x1, y1 in CROPS:
        out.append(phash(image.crop((round(x0 * w), round(y0 * h), round(x1 * w), round(y1 * h)))))
    return tuple(dict.fromkeys(out))
