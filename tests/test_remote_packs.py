"""Packs from a URL, against a real HTTP server on 127.0.0.1: conditional fetches, the last good copy,
signatures, a server that is down or slow, and `postguard serve` picking up a new pack."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import NOW
from conftest_server import ServerProcess
from postguard.config import load_config
from postguard.engine import Engine
from postguard.errors import ConfigError
from postguard.pipeline import lint
from postguard.rulepacks.remote import fetch
from postguard.rulepacks.signing import generate_keypair, load_secret_key, sign_pack

PACK_V1 = (
    '[pack]\nname = "Remote"\nversion = "1"\n[[confidential]]\nkind = "codename"\nterms = ["Quarzfalke"]\n'
)
PACK_V2 = (
    '[pack]\nname = "Remote"\nversion = "2"\n[[confidential]]\nkind = "codename"\nterms = ["Bernsteinkauz"]\n'
)


class PackServer:
    """A static HTTP server on 127.0.0.1 with ETag/Last-Modified and 304s; files can change while it runs."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.delay = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append((self.path, dict(self.headers)))
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(usegmt=True))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if outer.delay:
                    self.wfile.write(body[:10])
                    self.wfile.flush()
                    time.sleep(outer.delay)
                    body = body[10:]
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str = "/pack.toml") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=5)


@pytest.fixture
def http() -> Iterator[PackServer]:
    server = PackServer()
    yield server
    server.stop()


def config_for(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "postguard.toml"
    path.write_text(f'packs = ["{url}"]\ndefault_pack = false\n{extra}\n', encoding="utf-8")
    return path


def codenames(engine: Engine, text: str) -> list[str]:
    return [f.match for f in lint(engine, text, now=NOW).findings if f.rule_id == "PG101"]


def signed(
    tmp_path: Path, text: str, name: str = "pack.toml", work: str = "signing"
) -> tuple[bytes, bytes, str]:
    """(pack bytes, signature bytes, public key), signed with the key of ``work`` (made on first use)."""
    d = tmp_path / work
    d.mkdir(exist_ok=True)
    if not (d / "k.key").exists():
        generate_keypair(d / "k.key", d / "k.pub", None)
    key = (d / "k.pub").read_text().splitlines()[1]
    pack = d / name
    pack.write_text(text, encoding="utf-8")
    sig = sign_pack(pack, load_secret_key(d / "k.key", None))
    return pack.read_bytes(), sig.read_bytes(), key


def test_good_pack_is_fetched_cached_and_revalidated_with_etag(tmp_path: Path, http: PackServer) -> None:
    http.files["/pack.toml"] = PACK_V1.encode()
    config = load_config(config_for(tmp_path, http.url()))
    engine = Engine(config)
    assert codenames(engine, "Der Quarzfalke kommt.") == ["Quarzfalke"]
    assert len(http.requests) == 1
    Engine(config)  # the copy is fresh (pack_refresh): no request
    assert len(http.requests) == 1
    assert fetch(config.remote_packs[0]).status == "unchanged"
    path, headers = http.requests[-1]
    assert path == "/pack.toml" and headers.get("If-None-Match") and headers.get("If-Modified-Since")


def test_changed_pack_replaces_the_copy(tmp_path: Path, http: PackServer) -> None:
    http.files["/pack.toml"] = PACK_V1.encode()
    config = load_config(config_for(tmp_path, http.url()))
    assert codenames(Engine(config), "Quarzfalke") == ["Quarzfalke"]
    http.files["/pack.toml"] = PACK_V2.encode()
    assert fetch(config.remote_packs[0]).status == "updated"
    engine = Engine(config)
    assert codenames(engine, "Quarzfalke und Bernsteinkauz") == ["Bernsteinkauz"]
    assert engine.packs.versions == ("2",)


def test_server_down_works_offline_from_the_last_good_copy(tmp_path: Path, http: PackServer) -> None:
    http.files["/pack.toml"] = PACK_V1.encode()
    config = load_config(config_for(tmp_path, http.url(), "pack_refresh = 0.0001"))
    Engine(config)
    http.stop()
    time.sleep(0.05)  # older than pack_refresh: the next engine tries to fetch
    engine = Engine(config)
    assert codenames(engine, "Quarzfalke") == ["Quarzfalke"]
    meta = config.remote_packs[0].meta()
    assert meta["error"] and "Connection refused" in meta["error"]
    from postguard.rulepacks.status import pack_status

    (status,) = pack_status(engine.packs, config.remote_packs)
    assert status["source"] == http.url() and status["version"] == "1" and status["error"]


def test_no_copy_and_no_server_is_a_clear_error(tmp_path: Path) -> None:
    with socket_free_port() as port:
        config = load_config(config_for(tmp_path, f"http://127.0.0.1:{port}/pack.toml"))
    with pytest.raises(ConfigError, match="cannot fetch the rule pack, and there is no cached copy yet"):
        Engine(config)


class socket_free_port:
    """A port nothing listens on (bound, then closed)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def test_slow_server_times_out_and_keeps_the_copy(tmp_path: Path, http: PackServer) -> None:
    http.files["/pack.toml"] = PACK_V1.encode()
    config = load_config(config_for(tmp_path, http.url(), "pack_timeout = 0.5"))
    Engine(config)
    http.files["/pack.toml"] = PACK_V2.encode()
    http.delay = 3.0
    started = time.monotonic()
    result = fetch(config.remote_packs[0], timeout=config.pack_timeout)
    assert time.monotonic() - started < 2.5
    assert result.status == "failed" and "timed out" in (result.error or "")
    assert codenames(Engine(config), "Quarzfalke") == ["Quarzfalke"]


def test_invalid_new_pack_is_refused(tmp_path: Path, http: PackServer) -> None:
    http.files["/pack.toml"] = PACK_V1.encode()
    config = load_config(config_for(tmp_path, http.url()))
    engine = Engine(config)
    http.files["/pack.toml"] = (
        b'[[confidential]]\nkind = "codename"\ncolour = "red"\nterms = ["Bernsteinkauz"]\n'
    )
    result = fetch(config.remote_packs[0], validate=engine.validate_pack)
    assert result.status == "failed" and "unknown key" in (result.error or "")
    assert http.url() in (result.error or "")
    assert config.remote_packs[0].path.read_text(encoding="utf-8") == PACK_V1


def test_signed_pack_tampered_pack_and_unsigned_pack(tmp_path: Path, http: PackServer) -> None:
    body, sig, key = signed(tmp_path, PACK_V1)
    http.files["/pack.toml"], http.files["/pack.toml.minisig"] = body, sig
    config = load_config(config_for(tmp_path, http.url(), f'pack_keys = ["{key}"]'))
    assert codenames(Engine(config), "Quarzfalke") == ["Quarzfalke"]
    remote = config.remote_packs[0]
    assert remote.sig_path.read_bytes() == sig

    http.files["/pack.toml"] = body.replace(b"Quarzfalke", b"Quarzfalkx")  # tampered, old signature
    result = fetch(remote, keys=config.pack_keys)
    assert result.status == "failed" and "signature check failed" in (result.error or "")
    del http.files["/pack.toml.minisig"]
    result = fetch(remote, keys=config.pack_keys)
    assert result.status == "failed" and "not signed" in (result.error or "")
    assert codenames(Engine(config), "Quarzfalke") == ["Quarzfalke"]  # the last good copy serves

    body2, sig2, _ = signed(tmp_path, PACK_V2)
    http.files["/pack.toml"], http.files["/pack.toml.minisig"] = body2, sig2
    assert fetch(remote, keys=config.pack_keys).status == "updated"
    assert codenames(Engine(config), "Bernsteinkauz") == ["Bernsteinkauz"]


def test_a_tampered_cached_copy_is_refused_on_load(tmp_path: Path, http: PackServer) -> None:
    body, sig, key = signed(tmp_path, PACK_V1)
    http.files["/pack.toml"], http.files["/pack.toml.minisig"] = body, sig
    config = load_config(config_for(tmp_path, http.url(), f'pack_keys = ["{key}"]'))
    Engine(config)
    config.remote_packs[0].path.write_bytes(body.replace(b"Quarzfalke", b"Quarzfalkx"))
    with pytest.raises(ConfigError, match="signature check failed"):
        Engine(config)


def test_local_packs_must_be_signed_when_pack_keys_is_set(tmp_path: Path) -> None:
    body, sig, key = signed(tmp_path, PACK_V1)
    pack = tmp_path / "local.toml"
    pack.write_bytes(body)
    conf = tmp_path / "postguard.toml"
    conf.write_text(f'packs = ["local.toml"]\npack_keys = ["{key}"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"local\.toml: not signed, and pack_keys requires a signature"):
        Engine(load_config(conf))
    (tmp_path / "local.toml.minisig").write_bytes(sig)
    assert codenames(Engine(load_config(conf)), "Quarzfalke") == ["Quarzfalke"]
    _, _, other_key = signed(tmp_path, PACK_V1, work="other-key")
    conf.write_text(f'packs = ["local.toml"]\npack_keys = ["{other_key}"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="no key in pack_keys made this signature"):
        Engine(load_config(conf))


def test_file_urls_are_packs_too(tmp_path: Path) -> None:
    source = tmp_path / "shared" / "pack.toml"
    source.parent.mkdir()
    source.write_text(PACK_V1, encoding="utf-8")
    config = load_config(config_for(tmp_path, source.as_uri()))
    assert codenames(Engine(config), "Quarzfalke") == ["Quarzfalke"]
    source.unlink()  # the share is gone: the copy serves
    assert fetch(config.remote_packs[0]).status == "failed"
    assert codenames(Engine(config), "Quarzfalke") == ["Quarzfalke"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://packs.example.com/p.toml", "plain http:// is allowed only for loopback"),
        ("ftp://127.0.0.1/p.toml", "ftp:// is not supported"),
        ("https://user:pw@packs.example.com/p.toml", "credentials in the URL"),
        ("file://server/share/p.toml", "file:///path"),
    ],
)
def test_urls_postguard_refuses(tmp_path: Path, url: str, words: str) -> None:
    with pytest.raises(ConfigError, match="packs\\[0\\]") as exc:
        load_config(config_for(tmp_path, url))
    assert words in str(exc.value)


def test_config_refuses_a_key_that_is_not_a_minisign_key(tmp_path: Path) -> None:
    conf = tmp_path / "postguard.toml"
    conf.write_text('pack_keys = ["ssh-ed25519 AAAA"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pack_keys\[0\]: not a minisign public key"):
        load_config(conf)


@pytest.mark.skipif(
    shutil.which("minisign") is None, reason="the minisign tool is not installed (apt install minisign)"
)
def test_minisign_tool_and_postguard_read_each_others_signatures(tmp_path: Path) -> None:
    from postguard.rulepacks.signing import verify_pack_file

    body, _, key = signed(tmp_path, PACK_V1)
    pack = tmp_path / "signing" / "pack.toml"
    verified = subprocess.run(
        ["minisign", "-V", "-p", str(tmp_path / "signing" / "k.pub"), "-m", str(pack)],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    subprocess.run(
        ["minisign", "-G", "-W", "-p", str(tmp_path / "m.pub"), "-s", str(tmp_path / "m.key")],
        check=True,
        capture_output=True,
    )
    theirs = tmp_path / "theirs.toml"
    theirs.write_bytes(body)
    subprocess.run(
        ["minisign", "-S", "-s", str(tmp_path / "m.key"), "-m", str(theirs)], check=True, capture_output=True
    )
    assert "file:theirs.toml" in verify_pack_file(theirs, [(tmp_path / "m.pub").read_text()])
    with pytest.raises(ConfigError, match="no key in pack_keys"):
        verify_pack_file(theirs, [key])


def test_serve_fetches_on_a_schedule_and_keeps_the_last_good_pack(tmp_path: Path, http: PackServer) -> None:
    """A real `postguard serve`: version and age in /v1/health, a new pack picked up, a tampered one refused."""
    body, sig, key = signed(tmp_path, PACK_V1)
    http.files["/pack.toml"], http.files["/pack.toml.minisig"] = body, sig
    conf = config_for(tmp_path, http.url(), f'pack_refresh = 0.01\npack_keys = ["{key}"]')
    proc = ServerProcess(conf)
    try:
        health = proc.client.get("/v1/health").json()
        (pack,) = health["packs"]
        assert (pack["name"], pack["version"], pack["source"]) == ("Remote", "1", http.url())
        assert pack["age_seconds"] is not None and pack["error"] is None

        def found(term: str) -> bool:
            r = proc.client.post("/v1/check", json={"text": f"Hallo {term}!"})
            return [f["rule_id"] for f in r.json()["findings"]] == ["PG101"]

        assert found("Quarzfalke")
        body2, sig2, _ = signed(tmp_path, PACK_V2)
        http.files["/pack.toml"], http.files["/pack.toml.minisig"] = body2, sig2
        proc.wait_for(lambda: found("Bernsteinkauz"), timeout=15)
        http.files["/pack.toml"] = body2.replace(b"Bernsteinkauz", b"Bernsteinkaux")
        proc.wait_for(lambda: proc.client.get("/v1/health").json()["packs"][0]["error"], timeout=15)
        assert "signature check failed" in proc.client.get("/v1/health").json()["packs"][0]["error"]
        assert found("Bernsteinkauz") and not found("Glimmerfuchs")
    finally:
        proc.stop()


def test_rules_lists_the_packs_with_version_and_age(
    tmp_path: Path, http: PackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from postguard.cli import main

    http.files["/pack.toml"] = PACK_V1.encode()
    assert main(["rules", "--config", str(config_for(tmp_path, http.url()))]) == 0
    out = capsys.readouterr().out
    assert f"Remote 1  ({http.url()}, 0 s old)" in out or f"Remote 1  ({http.url()}, 1 s old)" in out
