"""Packs from a URL: fetched on start and every ``pack_refresh`` minutes, the last good copy kept.

``packs`` in the config may name ``https://`` URLs (plain ``http://`` only for
loopback addresses) and ``file://`` URLs. Each is kept in the user's cache as
``remote-packs/<hash of the URL>.toml`` with its signature and a small JSON
record (ETag, Last-Modified, when it was last checked and changed, the last
error). A fetch asks with ``If-None-Match``/``If-Modified-Since``; a new copy
replaces the last good one only when it is valid and, with ``pack_keys``,
signed by one of the keys. So an unreachable, slow, broken or tampered server
leaves postguard serving what it had, and it works offline from the cache.

Plain ``urllib``: a few conditional GETs need no client library, and a
redirect handler keeps the scheme rules on every hop.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import os
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from postguard.errors import ConfigError
from postguard.rulepacks.signing import SIG_SUFFIX, signature_path, verify_pack_bytes

if TYPE_CHECKING:
    from postguard.engine import Engine

MAX_PACK_BYTES = 64 * 1024 * 1024
SCHEMES = ("https", "http", "file")


def is_url(value: str) -> bool:
    return "://" in value and value.split("://", 1)[0].lower() in (*SCHEMES, "ftp", "ws", "wss")


def check_url(url: str) -> str:
    """The URL if postguard may fetch a pack from it, else a :class:`ValueError` saying why."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"{scheme}:// is not supported: use https:// (or file://)")
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError("a file:// URL names a local file: file:///path/to/pack.toml")
        return url
    host = parts.hostname or ""
    if not host:
        raise ValueError("the URL has no host")
    if parts.username or parts.password:
        raise ValueError(
            "credentials in the URL would be stored in the config and cache: serve the pack without"
        )
    if scheme == "http" and not _loopback(host):
        raise ValueError(
            "plain http:// is allowed only for loopback addresses (127.0.0.1, ::1, localhost): use https://"
        )
    return url


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True, kw_only=True)
class RemotePack:
    """A pack named by URL and the place of its last good copy."""

    url: str
    path: Path

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    @property
    def sig_path(self) -> Path:
        return signature_path(self.path)

    def meta(self) -> dict[str, Any]:
        try:
            data = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


def remote_pack(url: str, cache: Path) -> RemotePack:
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return RemotePack(url=url, path=cache / "remote-packs" / f"{digest}.toml")


@dataclass(frozen=True, slots=True)
class FetchResult:
    status: str  # "updated", "unchanged" or "failed"
    error: str | None = None


class _SameRules(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_url(newurl)
        if urllib.parse.urlsplit(newurl).scheme == "file":
            raise ValueError("a redirect to a file:// URL is refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get(url: str, headers: dict[str, str], deadline: float) -> tuple[int, bytes, Message]:
    """GET ``url``: (status, body, headers); 304 and errors as statuses. Whole download by ``deadline``."""
    from postguard import __version__

    opener = urllib.request.build_opener(_SameRules())
    req = urllib.request.Request(url, headers={"User-Agent": f"postguard/{__version__}", **headers})
    remaining = max(0.1, deadline - time.monotonic())
    try:
        resp = opener.open(req, timeout=remaining)
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            return exc.code, b"", exc.headers
    with resp:
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("the server is too slow (pack_timeout)")
            chunk = resp.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_PACK_BYTES:
                raise ValueError(f"the pack is larger than {MAX_PACK_BYTES // (1024 * 1024)} MiB")
            chunks.append(chunk)
        return int(getattr(resp, "status", 200) or 200), b"".join(chunks), resp.headers


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    with contextlib.suppress(OSError):
        tmp.chmod(0o600)
    tmp.replace(path)


def _save_meta(remote: RemotePack, meta: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        _write(remote.meta_path, json.dumps(meta, indent=1).encode())


def fetch(
    remote: RemotePack,
    *,
    keys: Sequence[str] = (),
    timeout: float = 10.0,
    validate: Callable[[Path], None] | None = None,
) -> FetchResult:
    """Fetch ``remote`` once; the last good copy is replaced only by a valid (and signed) new one."""
    meta = remote.meta()
    have_copy = remote.path.is_file()
    headers: dict[str, str] = {}
    if have_copy and meta.get("url") == remote.url:
        if meta.get("etag"):
            headers["If-None-Match"] = str(meta["etag"])
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = str(meta["last_modified"])
    deadline = time.monotonic() + timeout
    try:
        status, body, resp_headers = _get(remote.url, headers, deadline)
        if status == 304:
            meta.update(checked_at=_now(), error=None)
            _save_meta(remote, meta)
            return FetchResult("unchanged")
        if status != 200:
            raise ValueError(f"the server answered HTTP {status}")
        signature: bytes | None = None
        if keys:
            sig_status, sig_body, _ = _get(remote.url + SIG_SUFFIX, {}, deadline)
            signature = sig_body if sig_status == 200 else None
            verify_pack_bytes(body, signature, keys, remote.url)
        if (
            have_copy
            and body == remote.path.read_bytes()
            and (not keys or (remote.sig_path.is_file() and signature == remote.sig_path.read_bytes()))
        ):
            changed = False
        else:
            _check_new(body, remote, validate)
            changed = True
    except (ConfigError, ValueError, OSError, TimeoutError) as exc:
        meta.update(url=remote.url, error=_reason(exc), error_at=_now())
        _save_meta(remote, meta)
        return FetchResult("failed", meta["error"])
    if changed:
        if signature is not None:
            _write(remote.sig_path, signature)
        elif remote.sig_path.exists():
            remote.sig_path.unlink()
        _write(remote.path, body)
        meta["changed_at"] = _now()
    meta.update(
        url=remote.url,
        etag=resp_headers.get("ETag"),
        last_modified=resp_headers.get("Last-Modified"),
        checked_at=_now(),
        error=None,
    )
    _save_meta(remote, meta)
    return FetchResult("updated" if changed else "unchanged")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, ConfigError):
        return str(exc).split(": ", 1)[1] if ": " in str(exc) else str(exc)
    if isinstance(exc, TimeoutError | _socket_timeout()):
        return "timed out (pack_timeout): the server is down or too slow"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text)


def _socket_timeout() -> type[BaseException]:
    import socket

    return socket.timeout


def _check_new(body: bytes, remote: RemotePack, validate: Callable[[Path], None] | None) -> None:
    """Raise ValueError unless ``body`` is a pack postguard can load."""
    try:
        tomllib.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"the new pack is not valid TOML ({exc})") from None
    if validate is None:
        return
    tmp = remote.path.with_name(f".{remote.path.stem}.{os.getpid()}.check.toml")
    try:
        _write(tmp, body)
        validate(tmp)
    except ConfigError as exc:
        message = str(exc).replace(str(tmp), remote.url)
        raise ValueError(f"the new pack is invalid: {message}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def age_seconds(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return max(0.0, (datetime.now(UTC) - datetime.fromisoformat(iso)).total_seconds())
    except ValueError:
        return None


def sync(
    remotes: Sequence[RemotePack],
    *,
    keys: Sequence[str] = (),
    timeout: float = 10.0,
    max_age: float | None = None,
    validate: Callable[[Path], None] | None = None,
) -> dict[str, FetchResult]:
    """Fetch every pack whose copy is missing or older than ``max_age`` seconds (None: every pack).

    A pack without any copy that cannot be fetched is a :class:`ConfigError`;
    one with a copy keeps it (the result says why the fetch failed).
    """
    results: dict[str, FetchResult] = {}
    for remote in remotes:
        age = age_seconds(remote.meta().get("checked_at")) if remote.path.is_file() else None
        if max_age is not None and age is not None and age < max_age:
            continue
        result = fetch(remote, keys=keys, timeout=timeout, validate=validate)
        results[remote.url] = result
        if result.status == "failed" and not remote.path.is_file():
            raise ConfigError(
                f"cannot fetch the rule pack, and there is no cached copy yet: {result.error}",
                path=remote.url,
            )
    return results


async def refresh_forever(server_state: object) -> None:
    """Server task: every ``pack_refresh`` minutes, fetch the remote packs of the serving config.

    ``server_state.engine`` is the serving engine (None while it loads). A changed copy is
    picked up by the server's file watch, which reloads; a failed fetch leaves the last good copy.
    """

    def current() -> Engine | None:
        engine: Engine | None = getattr(server_state, "engine", None)
        return engine

    import logging

    import anyio
    import anyio.to_thread

    log = logging.getLogger("postguard.packs")
    while True:
        engine = current()
        config = engine.config if engine is not None else None
        await anyio.sleep(config.pack_refresh * 60 if config is not None and config.remote_packs else 30)
        engine = current()
        if engine is None or not engine.config.remote_packs:
            continue
        cfg = engine.config

        def work(cfg: Any = cfg, validate: Any = engine.validate_pack) -> dict[str, FetchResult]:
            return sync(cfg.remote_packs, keys=cfg.pack_keys, timeout=cfg.pack_timeout, validate=validate)

        try:
            results = await anyio.to_thread.run_sync(work)
        except ConfigError as exc:
            log.error("fetching rule packs failed: %s", exc)
            continue
        for url, result in results.items():
            if result.status == "failed":
                log.warning(
                    "rule pack %s: fetch failed, still serving the last good copy: %s", url, result.error
                )
            elif result.status == "updated":
                log.info("rule pack %s: fetched a new copy", url)
