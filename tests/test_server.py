"""``postguard serve``: the JSON API, the paste page, OpenAPI, hot reload, limits (over a real socket)."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from conftest_server import (
    EXAMPLE_PACK,
    SECRET_TERMS,
    ServerProcess,
    raw_request,
    utf16_slice,
    write_config,
)
from postguard.config import Config
from postguard.server import OPENAPI, create_app, is_loopback_host, redact
from postguard.server.static import SHARED_FROM_EXTENSION, static_file

pytest_plugins = ("conftest_server",)

DE_DRAFT = "Stolz auf das Sturmvogel-Team! Der Trekker T5 kommt bald in die Läden."
CLEAN_DE = "Wir freuen uns auf den Sommer und auf viele Touren mit euch."


def schema(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}", "components": OPENAPI["components"]}


def validate(instance: Any, name: str) -> None:
    jsonschema.Draft202012Validator(schema(name)).validate(instance)


def check(server: ServerProcess, text: str, **fields: Any) -> dict[str, Any]:
    r = server.client.post("/v1/check", json={"text": text, **fields})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    validate(body, "CheckResponse")
    return body


# -- /v1/check ---------------------------------------------------------------------------


def test_check_reports_codename_and_embargo_with_spans(server: ServerProcess) -> None:
    body = check(server, DE_DRAFT)
    found = {(f["rule_id"], f["match"]) for f in body["findings"]}
    assert found == {("PG101", "Sturmvogel"), ("PG201", "Trekker T5")}
    for f in body["findings"]:
        assert DE_DRAFT[f["start"] : f["end"]] == f["match"]
        assert f["line"] == 1 and f["column"] == f["start"] + 1
    assert body["language"] == "de"
    assert body["pack_fingerprint"] == server.client.get("/v1/health").json()["pack_fingerprint"]


def test_check_leaves_a_clean_draft_alone(server: ServerProcess) -> None:
    body = check(server, CLEAN_DE)
    assert body["findings"] == []
    assert body["language"] == "de"
    assert check(server, "")["findings"] == []


def test_emoji_before_a_finding_shifts_utf16_offsets_only(server: ServerProcess) -> None:
    text = "🚀🚀 Sturmvogel startet."
    (f,) = check(server, text)["findings"]
    assert (f["start"], f["end"]) == (3, 13)
    assert (f["start_utf16"], f["end_utf16"]) == (5, 15)
    assert text[f["start"] : f["end"]] == "Sturmvogel"
    assert utf16_slice(text, f["start_utf16"], f["end_utf16"] - f["start_utf16"]) == "Sturmvogel"


def test_publish_at_judges_the_embargo_at_publication_time(server: ServerProcess) -> None:
    text = "Der Trekker T5 ist da."
    before = check(server, text, publish_at="2027-05-04T08:59:00+02:00")
    after = check(server, text, publish_at="2027-05-04T09:00:00+02:00")
    assert [f["rule_id"] for f in before["findings"]] == ["PG201"]
    assert after["findings"] == []


def test_lang_channel_and_kind_are_honoured(server: ServerProcess) -> None:
    assert check(server, "Sturmvogel", lang="en")["language"] == "en"
    assert check(server, CLEAN_DE, channel="linkedin-company", kind="post")["language"] == "de"


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"channel": "no-such-channel"}, "unknown channel"),
        ({"kind": "tweetstorm"}, "unknown kind"),
        ({"lang": "fr"}, "'lang'"),
        ({"publish_at": "next tuesday"}, "ISO 8601"),
        ({"channel": 42}, "'channel' must be a string"),
    ],
)
def test_bad_fields_get_a_400_json_error(server: ServerProcess, fields: dict[str, Any], needle: str) -> None:
    r = server.client.post("/v1/check", json={"text": "Hallo", **fields})
    assert r.status_code == 400
    assert needle in r.json()["error"]
    validate(r.json(), "Error")


# -- other /v1 endpoints -------------------------------------------------------------------


def test_health(server: ServerProcess) -> None:
    r = server.client.get("/v1/health")
    body = r.json()
    validate(body, "Health")
    assert body["status"] == "ok"
    assert body["last_reload_error"] is None
    assert body["rule_count"] == len(server.client.get("/v1/rules").json()["rules"]) >= 6
    assert re.fullmatch(r"[0-9a-f]{16}", body["pack_fingerprint"])


def test_rules_have_docs_in_both_languages(server: ServerProcess) -> None:
    body = server.client.get("/v1/rules").json()
    validate(body, "Rules")
    rules = {r["id"]: r for r in body["rules"]}
    assert {"PG101", "PG201"} <= set(rules)
    pg101 = rules["PG101"]
    assert (pg101["name"], pg101["category"], pg101["severity"]) == (
        "confidential-codename",
        "confidential",
        "error",
    )
    for lang in ("en", "de"):
        assert all(pg101["docs"][lang][k] for k in ("name", "what", "why", "fix"))


def test_channels(server: ServerProcess) -> None:
    body = server.client.get("/v1/channels").json()
    validate(body, "Channels")
    assert {c["name"]: c["business"] for c in body["channels"]} == {
        "linkedin-company": True,
        "instagram-brand": True,
        "blog": True,
        "employee-private": False,
    }


def test_no_endpoint_serves_pack_terms(server: ServerProcess) -> None:
    # the secret pack is loaded: a draft proves it ...
    found = check(server, "Quasarkranich trifft Heimlichhof Holding.")["findings"]
    assert {f["rule_id"] for f in found} == {"PG101", "PG102"}
    # ... but no endpoint that does not echo a draft shows its terms
    for path in ("/v1/health", "/v1/rules", "/v1/channels", "/openapi.json", "/v2/info", "/v2/languages"):
        body = server.client.get(path).text
        for term in SECRET_TERMS:
            assert term not in body, (path, term)


# -- paste page and static files --------------------------------------------------------------


WEB = Path(__file__).parents[1] / "src" / "postguard" / "web"


def test_paste_page_is_served_when_present(server: ServerProcess) -> None:
    r = server.client.get("/")
    index = WEB / "index.html"
    if index.is_file():
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert r.content == index.read_bytes()
    else:
        assert r.status_code == 404
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_static_files_are_served_and_missing_ones_404(server: ServerProcess) -> None:
    for f in sorted(p for p in WEB.rglob("*") if p.is_file() and not p.name.startswith("."))[:5]:
        r = server.client.get(f"/static/{f.relative_to(WEB).as_posix()}")
        assert r.status_code == 200 and r.content == f.read_bytes()
    r = server.client.get("/static/no-such-file.js")
    assert r.status_code == 404 and r.json()["error"] == "not found"


def test_the_paste_page_gets_the_extensions_own_files(server: ServerProcess) -> None:
    """One copy of the finding logic, rows, decisions and messages: the extension's files."""
    extension = Path(__file__).parents[1] / "browser-extension"
    for name, own in [
        ("text.js", "content/text.js"),
        ("rows.js", "content/rows.js"),
        ("decisions.js", "content/decisions.js"),
        ("messages-de.json", "_locales/de/messages.json"),
        ("messages-en.json", "_locales/en/messages.json"),
    ]:
        assert name in SHARED_FROM_EXTENSION
        r = server.client.get(f"/static/{name}")
        assert r.status_code == 200 and r.content == (extension / own).read_bytes(), name
        assert (WEB / name).resolve() == (extension / own).resolve(), (
            f"{name} is a copy, not the extension's file"
        )
    assert len(SHARED_FROM_EXTENSION) == 5


def test_only_the_shared_files_may_lead_out_of_the_web_directory(tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    outside = tmp_path / "outside.js"
    outside.write_text("secret", encoding="utf-8")
    (web / "leak.js").symlink_to(outside)
    (web / "text.js").symlink_to(outside)
    assert static_file(web, "leak.js", "/static/leak.js").status_code == 404
    assert static_file(web, "sub/text.js", "/static/sub/text.js").status_code == 404
    assert static_file(web, "text.js", "/static/text.js").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/static/../server/app.py",
        "/static/%2e%2e/server/app.py",
        "/static/..%2fserver%2fapp.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        "/static/",
    ],
)
def test_static_files_cannot_escape_the_web_directory(server: ServerProcess, path: str) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n\r\n".encode()
    status, _, body = raw_request(server.port, request)
    assert status == 404
    assert b"create_app" not in body and b"root:" not in body and b"[project]" not in body


# -- OpenAPI ----------------------------------------------------------------------------------


def _route_pairs() -> set[tuple[str, str]]:
    app = create_app(Config(packs=(EXAMPLE_PACK,)), reload_interval=0)
    pairs = set()
    for route in app.routes:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)  # type: ignore[attr-defined]
        for method in route.methods or ():  # type: ignore[attr-defined]
            if method != "HEAD":
                pairs.add((path, method.lower()))
    return pairs


def test_openapi_lists_exactly_the_routes_of_the_app(server: ServerProcess) -> None:
    spec = server.client.get("/openapi.json").json()
    assert spec == json.loads(json.dumps(OPENAPI))
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert documented == _route_pairs()


def test_responses_validate_against_the_openapi_schemas(server: ServerProcess) -> None:
    validate(check(server, "🚀 Sturmvogel und Trekker T5"), "CheckResponse")
    r = server.client.post("/v2/check", data={"language": "de-DE", "text": "Sturmvogel"})
    validate(r.json(), "LTCheckResponse")
    validate(server.client.get("/v2/languages").json(), "LTLanguages")
    with pytest.raises(jsonschema.ValidationError):
        validate({"findings": [], "language": "de"}, "CheckResponse")  # the schema does constrain


# -- concurrency, limits and time limit ----------------------------------------------------


def test_concurrent_checks_all_get_their_own_answer(server: ServerProcess) -> None:
    results: dict[int, list[str]] = {}

    def worker(i: int) -> None:
        text = f"{'Wort ' * i}Sturmvogel" if i % 2 else CLEAN_DE
        with httpx.Client(base_url=server.url, timeout=30) as c:
            body = c.post("/v1/check", json={"text": text}).json()
        results[i] = [f["match"] for f in body["findings"]]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: (["Sturmvogel"] if i % 2 else []) for i in range(24)}


@pytest.fixture
def limited(tmp_path: Path) -> Any:
    config = write_config(tmp_path, [EXAMPLE_PACK], server="max_text_length = 200000\ntimeout = 0.05")
    proc = ServerProcess(config, "--no-reload", "--threads", "1")
    yield proc
    proc.stop()


def test_a_check_over_the_time_limit_gets_503_and_the_server_stays_up(limited: ServerProcess) -> None:
    slow = "Sturmvogel und der Trekker T5 im Team. " * 4000  # ~160 000 characters, far over 50 ms
    responses: list[httpx.Response] = []

    def post() -> None:
        with httpx.Client(base_url=limited.url, timeout=30) as c:
            responses.append(c.post("/v1/check", json={"text": slow}))

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    health = limited.client.get("/v1/health")  # answered while the checks are running
    for t in threads:
        t.join()
    assert health.status_code == 200
    assert [r.status_code for r in responses] == [503, 503, 503]
    assert "did not finish within 0.05 s" in responses[0].json()["error"]
    limited.wait_for(lambda: limited.client.post("/v1/check", json={"text": "Sturmvogel"}).status_code == 200)


# -- hot reload ----------------------------------------------------------------------------


def _matches(server: ServerProcess, text: str) -> list[str]:
    r = server.client.post("/v1/check", json={"text": text})
    assert r.status_code == 200, r.text
    return [f["match"] for f in r.json()["findings"]]


def test_hot_reload_of_a_pack_including_a_broken_edit(reload_server: Any) -> None:
    server, _config, pack = reload_server
    original = pack.read_text(encoding="utf-8")
    text = "Das Projekt Schneeeule startet mit Sturmvogel."
    assert _matches(server, text) == ["Sturmvogel"]
    first = server.client.get("/v1/health").json()["pack_fingerprint"]

    pack.write_text(
        original + '\n[[confidential]]\nkind = "codename"\nterms = ["Schneeeule"]\n', encoding="utf-8"
    )
    server.wait_for(lambda: _matches(server, text) == ["Schneeeule", "Sturmvogel"])
    second = server.client.get("/v1/health").json()
    assert second["pack_fingerprint"] != first and second["last_reload_error"] is None

    pack.write_text(pack.read_text(encoding="utf-8") + "\n[[confidential]\nkind = \n", encoding="utf-8")
    server.wait_for(lambda: server.client.get("/v1/health").json()["last_reload_error"] is not None)
    health = server.client.get("/v1/health").json()
    assert health["status"] == "degraded"
    assert "company.toml" in health["last_reload_error"] and "invalid TOML" in health["last_reload_error"]
    assert health["pack_fingerprint"] == second["pack_fingerprint"]
    assert _matches(server, text) == ["Schneeeule", "Sturmvogel"]  # the previous rules keep serving
    assert "reload failed" in server.output

    pack.write_text(original, encoding="utf-8")
    server.wait_for(lambda: server.client.get("/v1/health").json()["status"] == "ok")
    assert _matches(server, text) == ["Sturmvogel"]


def test_hot_reload_of_the_config(reload_server: Any) -> None:
    server, config, _pack = reload_server
    assert _matches(server, "Sturmvogel") == ["Sturmvogel"]
    config.write_text(config.read_text(encoding="utf-8") + 'disable = ["PG101"]\n', encoding="utf-8")
    server.wait_for(lambda: _matches(server, "Sturmvogel") == [])
    config.write_text(config.read_text(encoding="utf-8") + "min_confidence = 7\n", encoding="utf-8")
    server.wait_for(lambda: server.client.get("/v1/health").json()["last_reload_error"] is not None)
    assert "min_confidence" in server.client.get("/v1/health").json()["last_reload_error"]
    assert _matches(server, "Sturmvogel") == []  # still the last good config


# -- small pure helpers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("localhost", True),
        ("LOCALHOST:8421", True),
        ("127.0.0.1", True),
        ("127.0.0.1:1", True),
        ("[::1]", True),
        ("[::1]:8421", True),
        ("", False),
        (None, False),
        ("evil.example", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("127.0.0.2", False),
        ("localhost:8421@evil", False),
    ],
)
def test_is_loopback_host(host: str | None, ok: bool) -> None:
    assert is_loopback_host(host) is ok


def test_redact_hides_quoted_values_in_reload_errors() -> None:
    assert redact("x.toml: confidential[0].terms[1]: term '--' has no letters") == (
        "x.toml: confidential[0].terms[1]: term '…' has no letters"
    )


# -- several worker processes ---------------------------------------------------------------


def test_two_workers_serve_the_same_port_and_stop_together(tmp_path: Path) -> None:
    config = write_config(tmp_path, [EXAMPLE_PACK])
    proc = ServerProcess(config, "--no-reload", "--workers", "2")
    try:
        import psutil

        workers = psutil.Process(proc.proc.pid).children()
        assert len(workers) == 2
        for _ in range(10):
            with httpx.Client(base_url=proc.url) as c:  # a new connection each time
                assert [
                    f["match"] for f in c.post("/v1/check", json={"text": "Sturmvogel"}).json()["findings"]
                ] == ["Sturmvogel"]
    finally:
        proc.stop()
    assert proc.proc.returncode == 0
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_create_app_builds_the_engine_in_its_lifespan() -> None:
    """Embedding: ``create_app(config)`` without an engine builds one when the server starts."""
    import time

    import uvicorn

    from postguard.commands.serve import bind

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(Config(packs=(EXAMPLE_PACK,)), reload_interval=0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            assert c.get("/v1/health").json()["status"] == "ok"
            assert [
                f["match"] for f in c.post("/v1/check", json={"text": "Sturmvogel"}).json()["findings"]
            ] == ["Sturmvogel"]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive()
