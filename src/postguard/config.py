"""Settings: ``postguard.toml`` or ``[tool.postguard]`` in ``pyproject.toml``.

The file is found by walking up from the checked file (or the working
directory for stdin); ``--config FILE`` overrides the search. Without any file
the defaults apply: the bundled ``default`` pack only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from postguard.errors import ConfigError
from postguard.model import KINDS, Severity
from postguard.rulepacks import Where, expect_str_list, fields, read_toml
from postguard.rulepacks.fields import Table
from postguard.rulepacks.remote import RemotePack, check_url, is_url, remote_pack
from postguard.rulepacks.signing import parse_public_key

CONFIG_NAMES = ("postguard.toml", ".postguard.toml")


@dataclass(frozen=True, slots=True, kw_only=True)
class Override:
    """Settings for files matching ``paths`` (globs relative to the config file)."""

    paths: tuple[str, ...]
    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    channel: str | None = None
    kind: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSettings:
    port: int = 8421
    token: str | None = None
    allow_origins: tuple[str, ...] = ()
    max_text_length: int = 100_000
    timeout: float = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """Everything configurable, already validated."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    packs: tuple[Path, ...] = ()
    default_pack: bool = True
    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    lang: str = "auto"
    messages_lang: str = "auto"
    min_confidence: float = 0.5
    spacy_models: Mapping[str, str] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    channel: str | None = None
    kind: str = "post"
    exclude: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    baseline: Path | None = None
    server: ServerSettings = field(default_factory=ServerSettings)
    #: Packs named by URL; their last good copies are among ``packs``.
    remote_packs: tuple[RemotePack, ...] = ()
    #: minisign public keys: when set, every pack but the bundled default must be signed by one.
    pack_keys: tuple[str, ...] = ()
    #: Minutes between fetches of the remote packs.
    pack_refresh: float = 60.0
    #: Seconds a whole fetch of one pack may take.
    pack_timeout: float = 10.0

    @property
    def pack_paths(self) -> tuple[Path, ...]:
        """Every pack to load, the bundled default first (unless switched off)."""
        return ((default_pack_path(),) if self.default_pack else ()) + self.packs

    def with_changes(self, **changes: Any) -> Config:
        return replace(self, **changes)


def default_pack_path() -> Path:
    return Path(str(resources.files("postguard") / "rules" / "default.toml"))


def find_config(start: Path) -> Path | None:
    """The nearest ``postguard.toml`` or ``pyproject.toml`` with ``[tool.postguard]``."""
    here = start if start.is_dir() else start.parent
    for d in (here.resolve(), *here.resolve().parents):
        for name in CONFIG_NAMES:
            if (d / name).is_file():
                return d / name
        pyproject = d / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = read_toml(pyproject)
            except ConfigError:
                continue
            if isinstance(data.get("tool"), dict) and "postguard" in data["tool"]:
                return pyproject
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Load the config at ``path``, or the nearest one above ``start``, or the defaults."""
    if path is None:
        path = find_config(start or Path.cwd())
        if path is None:
            return Config(root=(start or Path.cwd()).resolve() if start else Path.cwd())
    elif not path.is_file():
        raise ConfigError("config file not found", path=str(path))
    data = read_toml(path)
    where = Where(str(path))
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "postguard" not in tool:
            raise ConfigError("has no [tool.postguard] table", path=str(path))
        data = tool["postguard"]
        where = Where(str(path), "tool.postguard")
    return parse_config(data, where, path.parent.resolve(), path)


def _str_list(value: Any, where: Where) -> tuple[str, ...]:
    """An array of strings; a bare string is refused (packs = "a.toml" is a typo for ["a.toml"])."""
    if isinstance(value, str):
        raise where.error(f"expected an array of strings, got a string: write [{value!r}]")
    return expect_str_list(value, where, empty_ok=True)


def _array(description: str) -> fields.Key:
    schema = {"type": "array", "items": fields.STRING, "default": [], "description": description}
    return fields.Key(schema, _str_list)


def _number(description: str, message: str, *, lo: float = 0, hi: float | None = None) -> fields.Key:
    """A number above ``lo`` (0 to 1 with ``hi``), refused with ``message`` (the config's own wording)."""

    def parse(value: Any, where: Where) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.error(message)
        if (hi is None and value <= lo) or (hi is not None and not lo <= value <= hi):
            raise where.error(message)
        return float(value)

    bounds = {"exclusiveMinimum": lo} if hi is None else {"minimum": lo, "maximum": hi}
    return fields.Key({"type": "number", **bounds, "description": description}, parse)


def _port(value: Any, where: Where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise where.error("expected a port number (0-65535)")
    return value


def _positive_int(value: Any, where: Where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise where.error("expected a positive integer")
    return value


_LANG = ("auto", "de", "en")
_SEVERITIES = fields.mapping(
    fields.severity(), "RULE_OR_CATEGORY = severity (ids, prefixes, names, categories)."
)
OVERRIDE = Table(
    {
        "paths": fields.strings("Globs relative to the config file."),
        "disable": fields.strings("Rules switched off for these files.", empty_ok=True),
        "severity": _SEVERITIES,
        "channel": fields.string(),
        "kind": fields.choice(KINDS),
        "lang": fields.choice(_LANG),
    },
    required=("paths",),
)
SERVER = Table(
    {
        "port": fields.Key(
            {
                "type": "integer",
                "minimum": 0,
                "maximum": 65535,
                "default": 8421,
                "description": "Port of postguard serve.",
            },
            _port,
        ),
        "token": fields.string("Require Authorization: Bearer TOKEN."),
        "allow_origins": fields.strings(
            "Web origins granted CORS besides browser extensions.", empty_ok=True
        ),
        "max_text_length": fields.Key(
            {
                "type": "integer",
                "minimum": 1,
                "default": 100_000,
                "description": "Longest draft accepted (characters).",
            },
            _positive_int,
        ),
        "timeout": _number(
            "Per-request time limit, seconds (default 5).", "expected a positive number of seconds"
        ),
    },
    description="Settings of `postguard serve`.",
)
SPACY_MODELS = Table({lang: fields.string() for lang in ("de", "en")})
#: The keys of ``postguard.toml``: they validate it (:func:`parse_config`) and generate
#: ``schema/config.schema.json`` (``python -m postguard.rulepacks.schema --config``).
CONFIG = Table(
    {
        "packs": _array("Rule packs: paths relative to the config file, or https:// and file:// URLs."),
        "default_pack": fields.boolean("Load the bundled rules/default.toml first.", default=True),
        "disable": _array("Rule ids (PG105), id prefixes (PG4), names or categories."),
        "severity": _SEVERITIES,
        "lang": fields.choice(_LANG, "The default language of drafts too short to tell."),
        "messages_lang": fields.choice(_LANG, "The language of messages (auto: the draft's)."),
        "min_confidence": _number(
            "Drop matches below this confidence (default 0.5).", "expected a number between 0 and 1", hi=1
        ),
        "spacy_models": fields.table(SPACY_MODELS, "An installed trained spaCy pipeline per language."),
        "fail_on": fields.severity("Lowest severity that makes the exit code 1 (default error)."),
        "channel": fields.string("Default channel of drafts (none: a private account)."),
        "kind": fields.choice(KINDS, "Default kind of drafts (default post)."),
        "exclude": _array("Paths not checked when walking directories (gitignore syntax)."),
        "overrides": fields.tables(OVERRIDE, "Per-path settings ([[overrides]])."),
        "baseline": fields.string("Baseline file, relative to the config file."),
        "server": fields.table(SERVER),
        "pack_keys": fields.strings(
            "minisign public keys: when set, every pack but the bundled default must be signed by one.",
            empty_ok=True,
        ),
        "pack_refresh": _number(
            "Minutes between fetches of URL packs (default 60).", "expected a positive number of minutes"
        ),
        "pack_timeout": _number(
            "Seconds one fetch of a URL pack may take (default 10).", "expected a positive number of seconds"
        ),
    },
    description="postguard.toml, or [tool.postguard] in pyproject.toml (docs/configuration.md).",
)


def parse_config(data: Any, where: Where, root: Path, path: Path | None = None) -> Config:
    t = CONFIG.check(data, where)
    packs: list[Path] = []
    remotes: list[RemotePack] = []
    for i, p in enumerate(t.get("packs", ())):
        if is_url(p):
            try:
                remotes.append(remote_pack(check_url(p), _remote_cache()))
            except ValueError as exc:
                raise where.child("packs").child(i).error(f"{p!r}: {exc}") from None
            packs.append(remotes[-1].path)
            continue
        pack = (root / p).resolve() if not Path(p).is_absolute() else Path(p)
        if not pack.is_file():
            raise where.child("packs").child(i).error(f"rule pack {p!r} not found (looked at {pack})")
        packs.append(pack)
    keys = t.get("pack_keys", ())
    for i, key in enumerate(keys):
        try:
            parse_public_key(key)
        except ValueError as exc:
            raise (
                where.child("pack_keys")
                .child(i)
                .error(f"{exc}: give the RWQ... line of a minisign .pub file")
            ) from None
    overrides = tuple(
        Override(
            paths=o["paths"],
            disable=o.get("disable", ()),
            severity=o.get("severity", {}),
            channel=o.get("channel"),
            kind=o.get("kind"),
            lang=o.get("lang"),
        )
        for o in t.get("overrides", ())
    )
    s = t.get("server", {})
    server = ServerSettings(
        port=s.get("port", 8421),
        token=s.get("token"),
        allow_origins=s.get("allow_origins", ()),
        max_text_length=s.get("max_text_length", 100_000),
        timeout=s.get("timeout", 5.0),
    )
    return Config(
        path=path,
        root=root,
        packs=tuple(packs),
        default_pack=t.get("default_pack", True),
        disable=t.get("disable", ()),
        severity=t.get("severity", {}),
        lang=t.get("lang", "auto"),
        messages_lang=t.get("messages_lang", "auto"),
        min_confidence=t.get("min_confidence", 0.5),
        spacy_models=t.get("spacy_models", {}),
        fail_on=t.get("fail_on", Severity.ERROR),
        channel=t.get("channel"),
        kind=t.get("kind", "post"),
        exclude=t.get("exclude", ()),
        overrides=overrides,
        baseline=root / t["baseline"] if "baseline" in t else None,
        server=server,
        remote_packs=tuple(remotes),
        pack_keys=keys,
        pack_refresh=t.get("pack_refresh", 60.0),
        pack_timeout=t.get("pack_timeout", 10.0),
    )


def _remote_cache() -> Path:
    from postguard.nlp import cache_dir

    return cache_dir()


def parse_severity_options(values: Sequence[str]) -> dict[str, Severity]:
    """``RULE=severity`` pairs from the command line."""
    out: dict[str, Severity] = {}
    for v in values:
        rule, sep, sev = v.partition("=")
        if not sep or not rule.strip():
            raise ConfigError(f"expected RULE=SEVERITY, got {v!r}", key="--severity")
        try:
            out[rule.strip()] = Severity.parse(sev)
        except ValueError as exc:
            raise ConfigError(str(exc), key="--severity") from None
    return out
