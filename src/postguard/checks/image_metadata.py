"""Built-in check: what an image's metadata (EXIF, XMP, IPTC) gives away.

* PG802: a GPS position (a warning on business channels, info elsewhere);
* PG803: a GPS position within the radius of a site a pack lists under
  ``[[sites]]`` (a prototype workshop, a test track): an error;
* PG804: author, copyright or credit fields naming someone other than the
  pack's ``[images] owners``: credit them or make sure you may use it;
* PG805: software, document names or host names that reveal internal tools
  (``[images] internal_software`` terms, ``internal_patterns`` regexes).

Every message says how to strip the metadata. Pack sections::

    [images]
    owners = ["ACME GmbH", "ACME Press"]
    internal_software = ["AcmeCAD", "PLM-Suite intern"]
    internal_patterns = ['\\.corp\\b']

    [[sites]]
    name = "Prototype workshop"
    latitude = 48.1374
    longitude = 11.5755
    radius = 500          # metres, default 300
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from postguard.plugin import (
    Finding,
    GeoPoint,
    ImageContext,
    Key,
    MetaField,
    Severity,
    Table,
    Where,
    expect_str_list,
    fields,
    hookimpl,
    load_rules,
    note_text,
    quote,
    section,
)

GPS, GPS_SITE, CREDIT, INTERNAL = "PG802", "PG803", "PG804", "PG805"
STRIP_EN = "Remove the metadata before posting, e.g. `exiftool -all= FILE` or `mogrify -strip FILE`."
STRIP_DE = "Metadaten vor dem Posten entfernen, z. B. mit `exiftool -all= DATEI` oder `mogrify -strip DATEI`."


@dataclass(frozen=True, slots=True, kw_only=True)
class ImagesSpec:
    """The ``[images]`` section of one pack."""

    owners: tuple[str, ...] = ()
    internal_software: tuple[str, ...] = ()
    internal_patterns: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """One ``[[sites]]`` entry: a confidential place."""

    name: str
    latitude: float
    longitude: float
    radius: int = 300
    note: str | dict[str, str] | None = None


def _internal_patterns(value: Any, where: Where) -> tuple[Any, ...]:
    patterns = []
    for i, p in enumerate(expect_str_list(value, where, empty_ok=True)):
        try:
            patterns.append(regex.compile(p, regex.IGNORECASE | regex.VERSION1))
        except regex.error as exc:
            raise where.child(i).error(f"invalid regular expression {p!r}: {exc}") from None
        if patterns[-1].match(""):
            raise where.child(i).error(f"regular expression {p!r} matches the empty string")
    return tuple(patterns)


IMAGES = Table(
    {
        "owners": fields.terms(
            "Names that may appear in author, copyright and credit fields (your company, your"
            " photographers).",
            empty_ok=True,
        ),
        "internal_software": fields.terms(
            "Internal tools whose name in a software or document field is a finding.", empty_ok=True
        ),
        "internal_patterns": fields.Key(
            fields.described(
                fields.one_or_many(fields.STRING, empty_ok=True),
                "Regular expressions for internal paths and hosts in software, document and host fields.",
            ),
            _internal_patterns,
        ),
    },
    description="Image metadata settings (checks PG804, PG805); see docs/images.md.",
)


@section(IMAGES)
def parse_images(t: dict[str, Any], where: Where) -> ImagesSpec:
    return ImagesSpec(
        owners=t.get("owners", ()),
        internal_software=t.get("internal_software", ()),
        internal_patterns=t.get("internal_patterns", ()),
    )


def _coordinate(limit: float) -> Key:
    def parse(value: Any, where: Where) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.error("expected a number of degrees (e.g. 48.1374)")
        if not -limit <= float(value) <= limit:
            raise where.error(f"must be between -{limit:g} and {limit:g}, got {value}")
        return float(value)

    return fields.Key({"type": "number", "minimum": -limit, "maximum": limit}, parse)


SITE = Table(
    {
        "name": fields.string(),
        "latitude": _coordinate(90),
        "longitude": _coordinate(180),
        "radius": fields.integer(1, 100_000, "Metres (default 300).", default=300),
        "note": fields.note(),
    },
    required=("name", "latitude", "longitude"),
)


@section(
    fields.tables(
        SITE,
        "Confidential places: a GPS position in a picture within `radius` metres is an error (PG803);"
        " see docs/images.md.",
    )
)
def parse_sites(items: tuple[dict[str, Any], ...], where: Where) -> tuple[Site, ...]:
    return tuple(
        Site(
            name=t["name"],
            latitude=t["latitude"],
            longitude=t["longitude"],
            radius=t.get("radius", 300),
            note=t.get("note"),
        )
        for t in items
    )


@hookimpl
def postguard_pack_sections(register):  # type: ignore[no-untyped-def]
    register("images", parse_images)
    register("sites", parse_sites)


@hookimpl
def postguard_register_rules(register):  # type: ignore[no-untyped-def]
    for rule in RULES:
        register(rule)


def metres_between(a: GeoPoint, lat: float, lon: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(a.latitude), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, h)))


@hookimpl
def postguard_check_image(ctx: ImageContext) -> Iterator[Finding]:
    meta = ctx.image.metadata
    images: list[ImagesSpec] = list(ctx.packs.sections.get("images", ()))
    sites: list[Site] = [s for group in ctx.packs.sections.get("sites", []) for s in group]
    if meta.gps is not None:
        yield from _gps(ctx, meta.gps, sites)
    owners = [o.casefold() for spec in images for o in spec.owners]
    software = [s.casefold() for spec in images for s in spec.internal_software]
    patterns = [p for spec in images for p in spec.internal_patterns]
    for field in meta.fields:
        if field.role in ("author", "copyright", "credit"):
            f = _credit(ctx, field, owners)
        else:
            f = _internal(ctx, field, software, patterns)
        if f is not None:
            yield f


def _gps(ctx: ImageContext, gps: GeoPoint, sites: Sequence[Site]) -> Iterator[Finding]:
    where = f"{gps.latitude:.5f}, {gps.longitude:.5f}"
    near = [(metres_between(gps, s.latitude, s.longitude), s) for s in sites]
    inside = sorted((d, s.radius, n) for n, (d, s) in enumerate(near) if d <= s.radius)
    if inside:
        d, radius, n = inside[0]
        site = sites[n]
        msg = ctx.message(
            en=f"The picture's {gps.standard} GPS position ({where}) is {d:.0f} m from a site the rule pack "
            f"lists as confidential (radius {radius} m). {STRIP_EN}",
            de=f"Die {gps.standard}-GPS-Position des Bildes ({where}) liegt {d:.0f} m von einem Ort, den das "
            f"Regelpaket als vertraulich führt (Radius {radius} m). {STRIP_DE}",
        )
        if site.note:
            msg = f"{msg} {note_text(site.note, ctx.msg_lang)}"
        yield ctx.finding(GPS_SITE, msg, whole=False)
        return
    business = ctx.channel is not None and ctx.channel.business
    msg = ctx.message(
        en=f"The picture carries its {gps.standard} GPS position ({where}): it shows where it was "
        f"taken. {STRIP_EN}",
        de=f"Das Bild enthält seine {gps.standard}-GPS-Position ({where}): Sie zeigt, wo es "
        f"aufgenommen wurde. {STRIP_DE}",
    )
    yield ctx.finding(GPS, msg, whole=False, severity=None if business else Severity.INFO)


def _names_owner(value: str, owners: Sequence[str]) -> bool:
    v = value.casefold()
    return any(o in v for o in owners)


def _credit(ctx: ImageContext, field: MetaField, owners: Sequence[str]) -> Finding | None:
    if _names_owner(field.value, owners):
        return None
    shown = quote(field.value, ctx.msg_lang)
    if field.role == "author":
        msg = ctx.message(
            en=f"The picture's {field.label} names {shown} as its author: credit them, or make sure the "
            f"rights are yours. {STRIP_EN}",
            de=f"Das Feld {field.label} nennt {shown} als Urheber: Urheber nennen oder sicherstellen, dass "
            f"die Rechte bei euch liegen. {STRIP_DE}",
        )
    else:
        msg = ctx.message(
            en=f"The picture's {field.label} says {shown}: the credit is needed in the post (or the rights "
            f"must be yours).",
            de=f"Das Feld {field.label} sagt {shown}: Der Bildnachweis gehört in den Beitrag (oder die "
            f"Rechte müssen bei euch liegen).",
        )
    return ctx.finding(CREDIT, msg, whole=False)


def _internal(
    ctx: ImageContext, field: MetaField, software: Sequence[str], patterns: Sequence[Any]
) -> Finding | None:
    value = field.value
    hit = next((s for s in software if s in value.casefold()), None)
    if hit is None and not any(p.search(value) for p in patterns):
        return None
    shown = quote(value, ctx.msg_lang)
    msg = ctx.message(
        en=f"The picture's {field.label} ({shown}) reveals an internal tool, path or host. {STRIP_EN}",
        de=f"Das Feld {field.label} ({shown}) verrät ein internes Werkzeug, einen Pfad oder Rechner. "
        f"{STRIP_DE}",
    )
    return ctx.finding(INTERNAL, msg, whole=False)


RULES = load_rules(__name__)
