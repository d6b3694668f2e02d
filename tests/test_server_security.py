"""``postguard serve`` against the open web: Host, Origin/CORS, token, limits, garbage, logs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest_server import EXAMPLE_PACK, ROOT, ServerProcess, raw_request, write_config
from postguard.server.guard import CHROMIUM_EXTENSION_ID

pytest_plugins = ("conftest_server",)
OUR_EXTENSION = f"chrome-extension://{CHROMIUM_EXTENSION_ID}"

ENDPOINTS = [
    ("GET", "/v1/health"),
    ("GET", "/v1/rules"),
    ("GET", "/v1/channels"),
    ("POST", "/v1/check"),
    ("GET", "/v2/check"),
    ("POST", "/v2/check"),
    ("GET", "/v2/languages"),
    ("GET", "/v2/info"),
    ("GET", "/v2/maxtextlength"),
    ("GET", "/openapi.json"),
]


def send(server: ServerProcess, method: str, path: str, **kwargs: Any) -> httpx.Response:
    if path == "/v1/check" and "content" not in kwargs:
        kwargs["json"] = {"text": "Hallo"}
    if path == "/v2/check" and method == "POST" and "content" not in kwargs:
        kwargs["data"] = {"language": "de", "text": "Hallo"}
    if path == "/v2/check" and method == "GET":
        path += "?language=de&text=Hallo"
    return server.client.request(method, path, **kwargs)


# -- Host header (DNS rebinding) ---------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [*ENDPOINTS, ("GET", "/"), ("GET", "/v2/healthcheck")])
@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8421", "localhost.evil.example", "127.0.0.1.nip.io"]
)
def test_a_foreign_host_header_is_refused(server: ServerProcess, method: str, path: str, host: str) -> None:
    r = send(server, method, path, headers={"Host": host})
    assert r.status_code == 403
    assert "Host header" in r.text
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "[::1]"]
)
def test_loopback_host_names_are_accepted(server: ServerProcess, host: str) -> None:
    r = server.client.get("/v1/health", headers={"Host": host.format(port=server.port)})
    assert r.status_code == 200


def test_a_request_without_host_header_is_refused(server: ServerProcess) -> None:
    status, _, _ = raw_request(server.port, b"GET /v1/health HTTP/1.0\r\n\r\n")
    assert status == 403


# -- Origin and CORS -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [f"chrome-extension://{CHROMIUM_EXTENSION_ID}", "moz-extension://6d1e2f7a-0b5c-4e1d-9f0a-1b2c3d4e5f60"],
)
def test_extension_origins_are_granted(server: ServerProcess, origin: str) -> None:
    r = server.client.post("/v1/check", json={"text": "Sturmvogel"}, headers={"Origin": origin})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == origin
    assert "Origin" in r.headers["vary"]
    pre = server.client.options(
        "/v1/check",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == origin
    allowed = {h.strip().lower() for h in pre.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert "POST" in pre.headers["access-control-allow-methods"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        "http://localhost.evil.example",
        "chrome-extension://",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",  # another extension
        "moz-extension://6d1e2f7a",
        "file://",
    ],
)
@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/v1/check"), ("POST", "/v2/check"), ("GET", "/v1/rules")]
)
def test_foreign_origins_get_no_grant(server: ServerProcess, origin: str, method: str, path: str) -> None:
    r = send(server, method, path, headers={"Origin": origin})
    assert r.status_code == 403
    assert "access-control-allow-origin" not in r.headers
    assert "Sturmvogel" not in r.text
    pre = server.client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403
    assert "access-control-allow-origin" not in pre.headers


def test_the_paste_page_origin_is_same_origin(server: ServerProcess) -> None:
    for origin in (f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}"):
        host = origin.removeprefix("http://")
        r = server.client.post("/v1/check", json={"text": "Hallo"}, headers={"Origin": origin, "Host": host})
        assert r.status_code == 200
    # a loopback origin on another port is another site (e.g. a dev server): no grant
    other = server.client.post("/v1/check", json={"text": "Hallo"}, headers={"Origin": "http://127.0.0.1:1"})
    assert other.status_code == 403


# -- token and configured origins ------------------------------------------------------------


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    config = write_config(
        tmp_path_factory.mktemp("secured"),
        [EXAMPLE_PACK],
        server='token = "from-config-1234"\nallow_origins = ["https://editor.example"]',
    )
    proc = ServerProcess(config, "--no-reload")
    yield proc
    proc.stop()


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    "auth", [None, "Bearer wrong", "Bearer from-config-123", "Basic from-config-1234", "Bearer"]
)
def test_a_missing_or_wrong_token_is_refused(
    secured: ServerProcess, method: str, path: str, auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    r = send(secured, method, path, headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_the_right_token_is_accepted(secured: ServerProcess, method: str, path: str) -> None:
    r = send(secured, method, path, headers={"Authorization": "Bearer from-config-1234"})
    assert r.status_code == 200


def test_page_shell_and_healthcheck_need_no_token(secured: ServerProcess) -> None:
    assert secured.client.get("/v2/healthcheck").text == "OK"
    assert secured.client.get("/").status_code in (200, 404)  # 404 only while the page is not installed
    preflight = secured.client.options(
        "/v1/check", headers={"Origin": OUR_EXTENSION, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204  # browsers send no Authorization with a preflight


def test_a_401_is_readable_by_an_extension(secured: ServerProcess) -> None:
    r = secured.client.get("/v1/health", headers={"Origin": OUR_EXTENSION})
    assert r.status_code == 401
    assert r.headers["access-control-allow-origin"] == OUR_EXTENSION


def test_configured_origins_are_granted(secured: ServerProcess) -> None:
    r = secured.client.post(
        "/v1/check",
        json={"text": "Hallo"},
        headers={"Origin": "https://editor.example", "Authorization": "Bearer from-config-1234"},
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://editor.example"
    other = secured.client.post(
        "/v1/check", json={"text": "x"}, headers={"Origin": "https://editor.example.org"}
    )
    assert other.status_code == 403


def test_the_command_line_token_wins_over_the_config(tmp_path: Path) -> None:
    config = write_config(tmp_path, [EXAMPLE_PACK], server='token = "from-config-1234"')
    proc = ServerProcess(config, "--no-reload", "--token", "from-cli-5678")
    try:
        assert (
            proc.client.get("/v1/health", headers={"Authorization": "Bearer from-config-1234"}).status_code
            == 401
        )
        assert (
            proc.client.get("/v1/health", headers={"Authorization": "Bearer from-cli-5678"}).status_code
            == 200
        )
    finally:
        proc.stop()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--host", "0.0.0.0"], "--allow-remote"),
        (["--host", "192.0.2.1", "--allow-remote"], "needs a token"),
    ],
)
def test_a_non_loopback_bind_needs_the_flag_and_a_token(tmp_path: Path, args: list[str], needle: str) -> None:
    config = write_config(tmp_path, [EXAMPLE_PACK])
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "postguard", "serve", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert run.returncode == 2
    assert needle in run.stderr
    assert "listening" not in run.stdout


# -- limits and garbage ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """max_text_length 1000: the body limit is 12 * 1000 + 65536 bytes."""
    config = write_config(
        tmp_path_factory.mktemp("small"), [EXAMPLE_PACK], server="max_text_length = 1000\ntimeout = 1.0"
    )
    proc = ServerProcess(config, "--no-reload")
    yield proc
    proc.stop()


def test_text_length_limit(small: ServerProcess) -> None:
    ok = small.client.post("/v1/check", json={"text": "a " * 500})
    assert ok.status_code == 200
    r = small.client.post("/v1/check", json={"text": "a " * 500 + "b"})
    assert r.status_code == 413
    assert "1000 characters" in r.json()["error"]
    lt = small.client.post("/v2/check", data={"language": "de", "text": "a" * 1001})
    assert lt.status_code == 413
    assert lt.text.startswith("Error: ")
    assert small.client.get("/v2/maxtextlength").text == "1000"


def test_oversized_bodies_get_413(small: ServerProcess) -> None:
    big = b'{"text": "' + b"a" * 80_000 + b'"}'
    r = small.client.post("/v1/check", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["status"] == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1000
        yield b'"}'

    r = small.client.post("/v1/check", content=chunks())
    assert r.status_code == 413
    status, _, body = raw_request(
        small.port,
        b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Length: 999999999\r\nConnection: close\r\n\r\n",
    )
    assert status == 413 and b"too large" in body


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"text": "unterminated',
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"text": 42}',
        b'{"txt": "Hallo"}',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"text": "\\ud800"}',
    ],
)
def test_malformed_json_gets_400(server: ServerProcess, body: bytes) -> None:
    r = server.client.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    error = r.json()
    assert set(error) == {"error", "status"} and error["status"] == 400


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/x-www-form-urlencoded"),
        (b"language=de", "application/x-www-form-urlencoded"),
        (b"text=Hallo", "application/x-www-form-urlencoded"),
        (b"language=de&text=%ff%fe", "application/x-www-form-urlencoded"),
        (b"language=de&text=\xff\xfe", "text/plain"),
        (b"language=de&text=a&data=%7B%7D", "application/x-www-form-urlencoded"),
        (b"language=de&data=not-json", "application/x-www-form-urlencoded"),
        (b'language=de&data={"annotation":[{"text":1}]}', "application/json"),
        (b'language=de&data={"annotation":[{"markup":"<b>","text":"x"}]}', "application/json"),
        (b"language=xx-YY&text=Hallo", "application/x-www-form-urlencoded"),
        (b"language=de-DE&text=Hallo&preferredVariants=de-AT", "application/x-www-form-urlencoded"),
        (b"language=de&text=Hallo&enabledOnly=true", "application/x-www-form-urlencoded"),
        (b"\x00\x01\x02", "multipart/form-data; boundary=x"),
    ],
)
def test_malformed_languagetool_requests_get_400_text(
    server: ServerProcess, body: bytes, content_type: str
) -> None:
    r = server.client.post("/v2/check", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text.startswith("Error: ")


def test_unknown_paths_and_methods(server: ServerProcess) -> None:
    assert server.client.get("/v1/nothing").status_code == 404
    assert server.client.get("/v2/nothing").text.startswith("Error: ")
    assert server.client.get("/v1/check").status_code == 405
    assert server.client.delete("/v1/health").status_code == 405


def test_a_stalled_upload_cannot_wedge_the_server(small: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", small.port), timeout=10) as stalled:
        stalled.sendall(
            b"POST /v1/check HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b'Content-Length: 500\r\n\r\n{"text": "Sturm'
        )
        # meanwhile everybody else is served
        for _ in range(5):
            assert small.client.post("/v1/check", json={"text": "Sturmvogel"}).status_code == 200
        stalled.settimeout(10)
        answer = stalled.recv(65536)
    assert answer.startswith(b"HTTP/1.1 503")
    assert small.client.get("/v1/health").status_code == 200


def test_the_server_survives_all_of_it(server: ServerProcess) -> None:
    assert server.proc.poll() is None
    assert server.client.get("/v1/health").json()["status"] == "ok"
    assert "Traceback" not in server.output and "internal error" not in server.output


# -- no draft text in any log line ---------------------------------------------------------------


def test_drafts_never_reach_the_log(tmp_path: Path) -> None:
    config = write_config(tmp_path, [EXAMPLE_PACK])
    proc = ServerProcess(config, "--access-log")
    words = [f"Geheimwort{i}xyz" for i in range(8)]
    try:
        c = proc.client
        assert c.post("/v1/check", json={"text": f"{words[0]} und Sturmvogel"}).status_code == 200
        assert (
            c.post("/v2/check", data={"language": "de-DE", "text": f"{words[1]} Sturmvogel"}).status_code
            == 200
        )
        assert c.get(f"/v2/check?language=de&text={words[2]}+Sturmvogel").status_code == 200
        data = json.dumps({"annotation": [{"markup": "<p>"}, {"text": words[3]}]})
        assert c.post("/v2/check", data={"language": "auto", "data": data}).status_code == 200
        # refused and broken requests too
        assert c.post("/v1/check", json={"text": words[4], "channel": words[5]}).status_code == 400
        assert c.get(f"/v2/check?language={words[6]}&text=x").status_code == 400
        assert c.post("/v1/check", content=f"{{{words[7]}".encode()).status_code == 400
        assert c.get(f"/v1/health?draft={words[0]}", headers={"Host": "evil.example"}).status_code == 403
        time.sleep(0.3)
    finally:
        output = proc.stop()
    assert '"POST /v1/check HTTP/1.1" 200' in output  # the access log is on ...
    assert '"GET /v2/check?[redacted] HTTP/1.1" 200' in output
    for word in [*words, "Sturmvogel"]:  # ... and shows no draft
        assert word not in output, word


# -- many clients at once ----------------------------------------------------------------------


def test_many_connections_at_once_are_all_answered(server: ServerProcess) -> None:
    codes: list[int] = []

    def hit() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            for _ in range(5):
                codes.append(c.post("/v1/check", json={"text": "Der Trekker T5"}).status_code)

    threads = [threading.Thread(target=hit) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 160


def test_the_pinned_extension_id_is_the_one_of_the_manifest_key() -> None:
    """Chromium derives an unpacked extension's id from the manifest's public key."""
    import base64
    import hashlib

    key = json.loads((ROOT / "browser-extension" / "manifest.json").read_text(encoding="utf-8"))["key"]
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    assert "".join(chr(ord("a") + int(c, 16)) for c in digest) == CHROMIUM_EXTENSION_ID


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/v2/check?language=de&text=Quasarkranich"), ("POST", "/v1/check")]
)
@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_requests_another_site_makes_are_refused_before_any_check(
    server: ServerProcess, method: str, path: str, site: str
) -> None:
    """What an <img src> or a no-cors fetch sends: no Origin, Sec-Fetch-Site cross-site."""
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
    r = send(server, method, path, headers=headers, json={"text": "Quasarkranich"})
    assert r.status_code == 403
    assert "Quasarkranich" not in r.text and "other sites" in r.text


def test_refused_cross_site_answers_take_the_same_time_whatever_the_pack_holds(server: ServerProcess) -> None:
    """The timing oracle: a pack term (Quasarkranich) against an unknown word, as a cross-site <img>."""
    headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}

    def took(word: str) -> float:
        times = []
        for _ in range(15):
            started = time.perf_counter()
            r = server.client.get(f"/v2/check?language=de&text={word}+{'Wort+' * 3000}", headers=headers)
            times.append(time.perf_counter() - started)
            assert r.status_code == 403
        return sorted(times)[len(times) // 2]

    took("Warmup")
    known, unknown = took("Quasarkranich"), took("Blumentopf")
    assert known < 0.05 and unknown < 0.05  # refused before a check (a check of this text takes longer)


def test_navigating_to_the_paste_page_from_another_site_works(server: ServerProcess) -> None:
    headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    assert server.client.get("/", headers=headers).status_code in (200, 404)
    assert server.client.get("/v1/rules", headers=headers).status_code == 403
