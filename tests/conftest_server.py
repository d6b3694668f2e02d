"""Fixtures for the server tests: a real ``postguard serve`` subprocess on a free port.

Test modules load this with ``pytest_plugins = ("conftest_server",)``.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[1]
EXAMPLE_PACK = ROOT / "rules" / "example-company.toml"
READY = re.compile(r"postguard serve: listening on (http://\S+)")

#: A pack with terms that appear nowhere in postguard's own docs, to prove they are never served.
SECRET_PACK = """\
[pack]
name = "Secret test pack"

[[confidential]]
kind = "codename"
terms = ["Quasarkranich"]

[[confidential]]
kind = "client"
terms = ["Heimlichhof Holding"]

[[embargo]]
name = "Orbitbrot Deluxe"
until = 2099-01-01
"""
SECRET_TERMS = ("Quasarkranich", "Heimlichhof", "Orbitbrot")


#: A plugin that loops for ever on "endlosschleife" (holding the GIL) and raises on "kaputt".
TROUBLE_PLUGIN = textwrap.dedent(
    """
    from postguard import hookimpl

    @hookimpl
    def postguard_check(ctx):
        if "endlosschleife" in ctx.text:
            while True:
                pass
        if "kaputt" in ctx.text:
            raise ZeroDivisionError(ctx.text)
        return None
    """
)


def plugin_env(site: Path) -> dict[str, str]:
    site.mkdir(parents=True, exist_ok=True)
    (site / "pg_trouble.py").write_text(TROUBLE_PLUGIN, encoding="utf-8")
    dist = site / "pg_trouble-1.0.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pg-trouble\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text("[postguard]\ntrouble = pg_trouble\n", encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(site)])}


class ServerProcess:
    """``python -m postguard serve --port 0`` with its output collected (stdout and stderr)."""

    def __init__(self, config: Path, *args: str, env: dict[str, str] | None = None) -> None:
        environ = dict(os.environ)
        environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT / "src"), environ.get("PYTHONPATH", "")) if p
        )
        environ["PYTHONUNBUFFERED"] = "1"
        environ.pop("POSTGUARD_TOKEN", None)
        environ.update(env or {})
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "postguard", "serve", "--port", "0", "--config", str(config), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environ,
            cwd=str(config.parent),
        )
        self.lines: list[str] = []
        self._ready: queue.Queue[str] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._drain, args=(self.proc.stdout,), daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True),
        ]
        for t in self._threads:
            t.start()
        self.url = self._wait_ready()
        self.port = int(self.url.rsplit(":", 1)[1])
        self.client = httpx.Client(base_url=self.url, timeout=20)

    def _drain(self, stream: object) -> None:
        assert stream is not None
        for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            m = READY.search(line)
            if m:
                self._ready.put(m.group(1))

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                return self._ready.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
        self.stop()
        raise RuntimeError("postguard serve did not start:\n" + self.output)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, predicate: object, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():  # type: ignore[operator]
                return
            time.sleep(0.1)
        raise AssertionError(f"condition not met within {timeout} s; server output:\n{self.output}")

    def stop(self) -> str:
        if hasattr(self, "client"):
            self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self._threads:
            t.join(timeout=5)
        return self.output


def write_config(directory: Path, packs: list[Path], server: str = "", extra: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f'"{p.as_posix()}"' for p in packs)
    text = f"packs = [{listed}]\n{extra}\n"
    if server:
        text += f"\n[server]\n{server}\n"
    path = directory / "postguard.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def secret_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("packs") / "secret.toml"
    path.write_text(SECRET_PACK, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, secret_pack: Path) -> Iterator[ServerProcess]:
    """The shared server: example pack plus the secret pack, default settings, no token."""
    config = write_config(tmp_path_factory.mktemp("server"), [EXAMPLE_PACK, secret_pack])
    proc = ServerProcess(config, "--no-reload")
    yield proc
    proc.stop()


@pytest.fixture
def reload_server(tmp_path: Path) -> Iterator[tuple[ServerProcess, Path, Path]]:
    """A server on a private copy of the example pack, with hot reload: (server, config, pack)."""
    pack = tmp_path / "company.toml"
    shutil.copy(EXAMPLE_PACK, pack)
    config = write_config(tmp_path, [pack])
    proc = ServerProcess(config)
    yield proc, config, pack
    proc.stop()


def raw_request(port: int, request: bytes, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (no client-side URL normalisation); returns status, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def utf16_slice(text: str, offset: int, length: int) -> str:
    """What JavaScript's ``text.substr(offset, length)`` gives."""
    data = text.encode("utf-16-le")
    return data[2 * offset : 2 * (offset + length)].decode("utf-16-le")
