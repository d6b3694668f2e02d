"""What an image says about itself: EXIF, XMP and IPTC fields that can leak.

Read with Pillow (EXIF, its GPS block, IPTC) and the standard library's XML
parser (XMP, after refusing any DTD, so no entity expansion). The result is a
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
            iptc = IptcImagePlugin.getiptcinfo(image)
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
