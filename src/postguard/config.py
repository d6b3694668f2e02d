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
from postguard.rulepacks import (
    Where,
    expect_bool,
    expect_choice,
    expect_str,
    expect_str_list,
    expect_table,
    read_toml,
)
from postguard.rulepacks.remote import RemotePack, check_url, is_url, remote_pack
from postguard.rulepacks.signing import parse_public_key

CONFIG_NAMES = ("postguard.toml", ".postguard.toml")
_KEYS = (
    "packs",
    "default_pack",
    "disable",
    "severity",
    "lang",
    "messages_lang",
    "min_confidence",
    "spacy_models",
    "fail_on",
    "channel",
    "kind",
    "exclude",
    "overrides",
    "baseline",
    "server",
    "pack_keys",
    "pack_refresh",
    "pack_timeout",
)
_OVERRIDE_KEYS = ("paths", "disable", "severity", "channel", "kind", "lang")
_SERVER_KEYS = ("port", "token", "allow_origins", "max_text_length", "timeout")


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


def _severity_map(value: Any, where: Where) -> dict[str, Severity]:
    t = expect_table(value, where, list(value) if isinstance(value, dict) else [])
    return {k: Severity(expect_choice(v, where.child(k), ("error", "warning", "info"))) for k, v in t.items()}


def _lang(value: Any, where: Where, *, auto: bool = True) -> str:
    return expect_choice(value, where, ("auto", "de", "en") if auto else ("de", "en"))


def _str_list(value: Any, where: Where) -> tuple[str, ...]:
    """An array of strings; a bare string is refused (packs = "a.toml" is a typo for ["a.toml"])."""
    if isinstance(value, str):
        raise where.error(f"expected an array of strings, got a string: write [{value!r}]")
    return expect_str_list(value, where, empty_ok=True)


def parse_config(data: Any, where: Where, root: Path, path: Path | None = None) -> Config:
    t = expect_table(data, where, _KEYS)
    packs: list[Path] = []
    remotes: list[RemotePack] = []
    for i, p in enumerate(_str_list(t.get("packs", []), where.child("packs"))):
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
    keys = expect_str_list(t.get("pack_keys", []), where.child("pack_keys"), empty_ok=True)
    for i, key in enumerate(keys):
        try:
            parse_public_key(key)
        except ValueError as exc:
            raise (
                where.child("pack_keys")
                .child(i)
                .error(f"{exc}: give the RWQ... line of a minisign .pub file")
            ) from None
    refresh = _positive(t.get("pack_refresh", 60.0), where.child("pack_refresh"), "minutes")
    fetch_timeout = _positive(t.get("pack_timeout", 10.0), where.child("pack_timeout"), "seconds")
    min_conf = t.get("min_confidence", 0.5)
    if isinstance(min_conf, bool) or not isinstance(min_conf, int | float) or not 0 <= min_conf <= 1:
        raise where.child("min_confidence").error("expected a number between 0 and 1")
    models = expect_table(t.get("spacy_models", {}), where.child("spacy_models"), ("de", "en"))
    overrides = []
    raw_overrides = t.get("overrides", [])
    if not isinstance(raw_overrides, list):
        raise where.child("overrides").error("expected an array of tables ([[overrides]])")
    for i, raw in enumerate(raw_overrides):
        w = where.child("overrides").child(i)
        o = expect_table(raw, w, _OVERRIDE_KEYS, required=("paths",))
        overrides.append(
            Override(
                paths=expect_str_list(o["paths"], w.child("paths")),
                disable=expect_str_list(o.get("disable", []), w.child("disable"), empty_ok=True),
                severity=_severity_map(o.get("severity", {}), w.child("severity")),
                channel=expect_str(o["channel"], w.child("channel")) if "channel" in o else None,
                kind=expect_choice(o["kind"], w.child("kind"), KINDS) if "kind" in o else None,
                lang=_lang(o["lang"], w.child("lang")) if "lang" in o else None,
            )
        )
    s = expect_table(t.get("server", {}), where.child("server"), _SERVER_KEYS)
    ws = where.child("server")
    port = s.get("port", 8421)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ws.child("port").error("expected a port number (0-65535)")
    max_len = s.get("max_text_length", 100_000)
    if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1:
        raise ws.child("max_text_length").error("expected a positive integer")
    timeout = s.get("timeout", 5.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ws.child("timeout").error("expected a positive number of seconds")
    server = ServerSettings(
        port=port,
        token=expect_str(s["token"], ws.child("token")) if "token" in s else None,
        allow_origins=expect_str_list(s.get("allow_origins", []), ws.child("allow_origins"), empty_ok=True),
        max_text_length=max_len,
        timeout=float(timeout),
    )
    baseline = None
    if "baseline" in t:
        baseline = root / expect_str(t["baseline"], where.child("baseline"))
    return Config(
        path=path,
        root=root,
        packs=tuple(packs),
        default_pack=expect_bool(t.get("default_pack", True), where.child("default_pack")),
        disable=_str_list(t.get("disable", []), where.child("disable")),
        severity=_severity_map(t.get("severity", {}), where.child("severity")),
        lang=_lang(t.get("lang", "auto"), where.child("lang")),
        messages_lang=_lang(t.get("messages_lang", "auto"), where.child("messages_lang")),
        min_confidence=float(min_conf),
        spacy_models={k: expect_str(v, where.child("spacy_models").child(k)) for k, v in models.items()},
        fail_on=Severity(
            expect_choice(t.get("fail_on", "error"), where.child("fail_on"), ("error", "warning", "info"))
        ),
        channel=expect_str(t["channel"], where.child("channel")) if "channel" in t else None,
        kind=expect_choice(t.get("kind", "post"), where.child("kind"), KINDS),
        exclude=_str_list(t.get("exclude", []), where.child("exclude")),
        overrides=tuple(overrides),
        baseline=baseline,
        server=server,
        remote_packs=tuple(remotes),
        pack_keys=keys,
        pack_refresh=refresh,
        pack_timeout=fetch_timeout,
    )


def _remote_cache() -> Path:
    from postguard.nlp import cache_dir

    return cache_dir()


def _positive(value: Any, where: Where, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise where.error(f"expected a positive number of {unit}")
    return float(value)


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
