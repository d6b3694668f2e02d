"""What an image says about itself: EXIF, XMP and IPTC fields that can leak.

Read with Pillow (EXIF, its GPS block, IPTC of JPEG and TIFF) and the standard
library's XML parser (XMP, after refusing any DTD, so no entity expansion). IPTC
in a PNG (the ``Raw profile type iptc`` text chunk exiv2 and ImageMagick write) is
read here, since Pillow leaves that chunk as text. The result is a
flat list of :class:`MetaField` with a *role* each: ``author``,
``copyright``, ``credit``, ``software``, ``document``, ``host``, plus the GPS
position if there is one.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from typing import Any

from PIL import Image, ImageFile, IptcImagePlugin

from postguard.images.facts import GeoPoint, Metadata, MetaField

#: EXIF tags (base IFD) and their roles.
EXIF_TAGS: dict[int, tuple[str, str]] = {
    315: ("Artist", "author"),
    40093: ("XPAuthor", "author"),
    33432: ("Copyright", "copyright"),
    305: ("Software", "software"),
    269: ("DocumentName", "document"),
    270: ("ImageDescription", "document"),
    40091: ("XPTitle", "document"),
    316: ("HostComputer", "host"),
}
#: EXIF tags in the Exif IFD.
EXIF_IFD_TAGS: dict[int, tuple[str, str]] = {42032: ("CameraOwnerName", "author")}
#: IPTC IIM datasets (record 2).
IPTC_TAGS: dict[tuple[int, int], tuple[str, str]] = {
    (2, 80): ("By-line", "author"),
    (2, 116): ("CopyrightNotice", "copyright"),
    (2, 110): ("Credit", "credit"),
    (2, 115): ("Source", "credit"),
    (2, 5): ("ObjectName", "document"),
}
#: XMP properties (local names) and their roles.
XMP_TAGS: dict[str, str] = {
    "creator": "author",
    "Author": "author",
    "rights": "copyright",
    "Copyright": "copyright",
    "Credit": "credit",
    "Source": "credit",
    "CreatorTool": "software",
    "Producer": "software",
    "title": "document",
    "DocumentName": "document",
    "filePath": "document",
}
#: PNG text chunks that carry IPTC as hex (exiv2 and ImageMagick write them).
PNG_IPTC_KEYS = ("Raw profile type iptc", "Raw profile type 8bim")
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
MAX_VALUE = 500  # characters kept of one field


def read_metadata(image: Image.Image) -> Metadata:
    """The leaky fields of an opened (not transposed) image; unreadable blocks are skipped."""
    fields: list[MetaField] = []
    gps: GeoPoint | None = None
    try:
        exif = image.getexif()
    except Exception:  # a broken EXIF block must not stop the check of the pixels
        exif = None
    if exif:
        for tag, (key, role) in EXIF_TAGS.items():
            _add(fields, "EXIF", key, role, exif.get(tag))
        try:
            sub = exif.get_ifd(_EXIF_IFD)
            for tag, (key, role) in EXIF_IFD_TAGS.items():
                _add(fields, "EXIF", key, role, sub.get(tag))
            gps = _gps(exif.get_ifd(_GPS_IFD))
        except Exception:
            pass
    iptc = None
    if isinstance(image, ImageFile.ImageFile):
        try:
            iptc = IptcImagePlugin.getiptcinfo(image) or _png_iptc(image.info)
        except Exception:
            iptc = None
    for dataset, (key, role) in IPTC_TAGS.items():
        if iptc and dataset in iptc:
            _add(fields, "IPTC", key, role, iptc[dataset])
    xmp = _xmp_bytes(image)
    if xmp:
        xfields, xgps = _xmp(xmp)
        fields.extend(xfields)
        gps = gps or xgps
    return Metadata(fields=tuple(_unique(fields)), gps=gps)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, bytes):
        # XP* tags are UTF-16-LE; IPTC and old EXIF are usually UTF-8 or Latin-1
        if len(value) >= 2 and value[1:2] == b"\0":
            value = value.decode("utf-16-le", "replace")
        else:
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError:
                value = value.decode("latin-1")
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):  # XP* tags read as bytes tuples
        return _text(bytes(value))
    if isinstance(value, str) and any("\x80" <= c <= "\xff" for c in value):
        # EXIF ASCII written as UTF-8 (as cameras and tools do) comes back as Latin-1
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("latin-1").decode("utf-8")
    return " ".join(str(value).replace("\0", " ").split())[:MAX_VALUE]


def _add(fields: list[MetaField], standard: str, key: str, role: str, value: Any) -> None:
    if value is None:
        return
    text = _text(value)
    if text:
        fields.append(MetaField(standard=standard, key=key, role=role, value=text))


def _unique(fields: list[MetaField]) -> list[MetaField]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in fields:
        if (f.role, f.value.casefold()) not in seen:
            seen.add((f.role, f.value.casefold()))
            out.append(f)
    return out


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    deg = d + m / 60 + s / 3600
    if str(ref).strip().upper() in ("S", "W"):
        deg = -deg
    return deg


def _gps(ifd: Any) -> GeoPoint | None:
    if not ifd or 2 not in ifd or 4 not in ifd:
        return None
    lat, lon = _degrees(ifd[2], ifd.get(1, "N")), _degrees(ifd[4], ifd.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        return None  # cameras write 0/0 when they have no fix
    return GeoPoint(latitude=lat, longitude=lon)


def _xmp_bytes(image: Image.Image) -> bytes | None:
    info = image.info
    for key in ("xmp", "XML:com.adobe.xmp"):
        value = info.get(key)
        if isinstance(value, bytes):
            return value
        if isinstance(value, str):
            return value.encode("utf-8")
    return None


def _xmp(data: bytes) -> tuple[list[MetaField], GeoPoint | None]:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return [], None  # no DTDs: nothing to expand
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        start = data.find(b"<rdf:RDF")
    if start < 0:
        return [], None
    end_tag = b"</x:xmpmeta>" if data[start:].startswith(b"<x:") else b"</rdf:RDF>"
    end = data.find(end_tag, start)
    if end < 0:
        return [], None
    try:
        root = ET.fromstring(data[start : end + len(end_tag)])
    except ET.ParseError:
        return [], None
    fields: list[MetaField] = []
    values: dict[str, str] = {}
    for el in root.iter():
        for attr, value in el.attrib.items():
            values.setdefault(_local(attr), value)
        local = _local(el.tag)
        text = " ".join(t.strip() for t in el.itertext() if t.strip())
        if local in XMP_TAGS or local in ("GPSLatitude", "GPSLongitude"):
            values.setdefault(local, text)
    for local, role in XMP_TAGS.items():
        if values.get(local):
            _add(fields, "XMP", local, role, values[local])
    gps = None
    lat, lon = _xmp_coord(values.get("GPSLatitude")), _xmp_coord(values.get("GPSLongitude"))
    if lat is not None and lon is not None and (lat, lon) != (0, 0):
        gps = GeoPoint(latitude=lat, longitude=lon, standard="XMP")
    return fields, gps


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xmp_coord(value: str | None) -> float | None:
    """XMP writes ``52,31.2345N`` or ``52,31,14N`` (degrees, minutes[, seconds], direction)."""
    if not value:
        return None
    v = value.strip().upper()
    if not v or v[-1] not in "NSEW":
        return None
    try:
        parts = [float(p) for p in v[:-1].split(",")]
    except ValueError:
        return None
    deg = parts[0] + (parts[1] / 60 if len(parts) > 1 else 0) + (parts[2] / 3600 if len(parts) > 2 else 0)
    return -deg if v[-1] in "SW" else deg


def _png_iptc(info: dict[str | tuple[int, int], Any]) -> dict[tuple[int, int], list[bytes]] | None:
    """The IPTC datasets of a PNG's ``Raw profile type iptc`` chunk: ``\\niptc\\n  <length>\\n<hex>``."""
    for key in PNG_IPTC_KEYS:
        raw = info.get(key)
        if not isinstance(raw, str):
            continue
        lines = raw.strip().split("\n")
        if len(lines) < 3:
            continue
        try:
            data = bytes.fromhex("".join(lines[2:]))
        except ValueError:
            continue
        if data.startswith(b"8BIM"):
            data = _photoshop_block(data, 0x0404) or b""
        return _iim(data) or None
    return None


def _photoshop_block(data: bytes, wanted: int) -> bytes | None:
    """One resource of Photoshop's image resource blocks (``8BIM``, id, Pascal name, size, data)."""
    at = 0
    while at + 12 <= len(data) and data[at : at + 4] == b"8BIM":
        rid = int.from_bytes(data[at + 4 : at + 6], "big")
        name_len = data[at + 6]
        at += 6 + 1 + name_len + ((1 + name_len) % 2)  # the name is padded to an even length
        size = int.from_bytes(data[at : at + 4], "big")
        at += 4
        if rid == wanted:
            return data[at : at + size]
        at += size + size % 2
    return None


def _iim(data: bytes) -> dict[tuple[int, int], list[bytes]]:
    """IPTC IIM datasets: ``0x1C``, record, dataset, a 2-byte length (extended lengths skipped)."""
    out: dict[tuple[int, int], list[bytes]] = {}
    at = 0
    while at + 5 <= len(data) and data[at] == 0x1C:
        record, dataset = data[at + 1], data[at + 2]
        size = int.from_bytes(data[at + 3 : at + 5], "big")
        at += 5
        if size & 0x8000:  # an extended dataset (over 32 KB): not a name or a credit
            return out
        out.setdefault((record, dataset), []).append(data[at : at + size])
        at += size
    return out
