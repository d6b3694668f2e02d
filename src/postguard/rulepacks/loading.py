"""Loading rule packs: read, validate (see :mod:`postguard.rulepacks.sections`), index and cache."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from postguard.errors import ConfigError
from postguard.rulepacks.cache import cache_key, read_cache, write_cache
from postguard.rulepacks.hashed import FORMS_KEY, HashedPack, parse_hashed_section
from postguard.rulepacks.indexing import index_packs
from postguard.rulepacks.sections import (
    parse_channel,
    parse_confidential,
    parse_embargo,
    parse_meta,
    parse_test,
    parse_vocabulary,
)
from postguard.rulepacks.specs import Channel, ConfidentialEntry, EmbargoEntry, PackSet, PackTest
from postguard.rulepacks.values import (
    Where,
    expect_array_of_tables,
    expect_str_list,
    expect_table,
)

SectionParser = Callable[[Any, Where], Any]


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; errors name the file, line and column."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=str(path)) from None


def load_packs(
    paths: Sequence[Path],
    sections: Mapping[str, SectionParser] | None = None,
    *,
    cache_dir: Path | None = None,
    plugins: Sequence[str] = (),
) -> PackSet:
    """Read, validate and index rule packs (later packs add to earlier ones).

    With ``cache_dir`` the validated, indexed result is pickled under a key of
    everything that shapes it (see :mod:`postguard.rulepacks.cache`: the files'
    bytes, postguard's code, the section parsers and ``plugins``, names with
    versions), so an unchanged large pack loads in a fraction of the time.
    """
    sections = dict(sections or {})
    blobs: list[tuple[Path, bytes]] = []
    for p in paths:
        try:
            blobs.append((p, p.read_bytes()))
        except OSError as exc:
            raise ConfigError(f"cannot read rule pack: {exc.strerror or exc}", path=str(p)) from None
    fingerprint = cache_key(blobs, sections, plugins)
    cache_file = cache_dir / f"packs-{fingerprint}.pickle" if cache_dir else None
    if cache_file:
        cached = read_cache(cache_file, fingerprint, PackSet)
        if cached is not None:
            return cast(PackSet, cached)
    packs = _build(blobs, sections, fingerprint)
    if cache_file:
        write_cache(cache_file, packs)
    return packs


def _build(blobs: Sequence[tuple[Path, bytes]], sections: Mapping[str, SectionParser], fp: str) -> PackSet:
    confidential: list[ConfidentialEntry] = []
    embargo: list[EmbargoEntry] = []
    channels: dict[str, Channel] = {}
    extra: dict[str, list[Any]] = {}
    names: list[str] = []
    equivalents: list[tuple[str, ...]] = []
    idioms: list[str] = []
    history: list[str] = []
    software: list[str] = []
    versions: list[str] = []
    tests: list[PackTest] = []
    hashed: dict[str, HashedPack] = {}
    forms: dict[tuple[str, int], tuple[Where, tuple[str, ...]]] = {}
    allowed_top = ("pack", "confidential", "embargo", "channels", "vocabulary", "test", "hashed", *sections)
    for path, blob in blobs:
        file = str(path)
        try:
            data = tomllib.loads(blob.decode("utf-8"))
        except UnicodeDecodeError:
            raise ConfigError("not UTF-8 text", path=file) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", path=file) from None
        root = Where(file)
        expect_table(data, root, allowed_top)
        name, version, tz = parse_meta(data.get("pack", {}), root.child("pack"), path.stem)
        names.append(name)
        versions.append(version)
        if "hashed" in data:
            hashed[file] = parse_hashed_section(data["hashed"], root.child("hashed"))
        protected = file in hashed
        if not any(k not in ("pack", "test", "hashed") for k in data):
            raise root.error("the pack defines nothing: add [[confidential]], [[embargo]] or another section")
        for i, raw in enumerate(
            expect_array_of_tables(data.get("confidential", []), root.child("confidential"))
        ):
            where = root.child("confidential").child(i)
            raw = _take_forms(raw, where, protected, forms, ("confidential", len(confidential)))
            confidential.append(parse_confidential(raw, where, file, tz, protected))
        for i, raw in enumerate(expect_array_of_tables(data.get("embargo", []), root.child("embargo"))):
            where = root.child("embargo").child(i)
            raw = _take_forms(raw, where, protected, forms, ("embargo", len(embargo)))
            embargo.append(parse_embargo(raw, where, file, tz, protected))
        for i, raw in enumerate(expect_array_of_tables(data.get("channels", []), root.child("channels"))):
            ch = parse_channel(raw, root.child("channels").child(i))
            channels[ch.name] = ch
        if "vocabulary" in data:
            groups, phrases, past, program = parse_vocabulary(data["vocabulary"], root.child("vocabulary"))
            equivalents += groups
            idioms += phrases
            history += past
            software += program
        for i, raw in enumerate(expect_array_of_tables(data.get("test", []), root.child("test"))):
            tests.append(parse_test(raw, root.child("test").child(i), file, tz))
        for name, parse in sections.items():
            if name in data:
                extra.setdefault(name, []).append(parse(data[name], root.child(name)))
    packs = PackSet(
        files=tuple(str(p) for p, _ in blobs),
        names=tuple(names),
        versions=tuple(versions),
        fingerprint=fp,
        confidential=tuple(confidential),
        embargo=tuple(embargo),
        channels=MappingProxyType(channels),
        sections=MappingProxyType({name: tuple(values) for name, values in extra.items()}),
        equivalents=tuple(equivalents),
        idioms=tuple(idioms),
        history=tuple(history),
        software=tuple(software),
        tests=tuple(tests),
    )
    index_packs(packs, hashed, forms)
    return packs


def _take_forms(
    raw: Any,
    where: Where,
    protected: bool,
    forms: dict[tuple[str, int], tuple[Where, tuple[str, ...]]],
    at: tuple[str, int],
) -> Any:
    """A hashed pack's entry without its ``hashed_forms`` (kept in ``forms`` for :func:`_index`)."""
    if not protected or not isinstance(raw, dict) or FORMS_KEY not in raw:
        return raw
    raw = dict(raw)
    records = expect_str_list(raw.pop(FORMS_KEY), where.child(FORMS_KEY), empty_ok=True)
    forms[at] = (where.child(FORMS_KEY), records)
    return raw
