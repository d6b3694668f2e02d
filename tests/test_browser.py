"""The browser extension and the paste page, tested in a real browser against the real server.

Starts ``postguard serve`` on a free port with the example company pack, waits for ``/v1/health``
and runs the JavaScript suites (``node --test browser-extension/test/``: jsdom unit tests of the
content script, end-to-end tests in headless Chromium driven by playwright-core, and the extension
in headless Firefox ESR driven over WebDriver BiDi) with
``POSTGUARD_URL`` pointing at it. Screenshots go to ``POSTGUARD_ARTIFACTS`` (default
``browser-extension/test-artifacts``).

Needs node, ``npm ci`` in ``browser-extension/``, ``/usr/bin/chromium`` and ``/usr/bin/firefox-esr``;
without them the test is skipped, except under CI, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTENSION = REPO / "browser-extension"
EXAMPLE_PACK = REPO / "rules" / "example-company.toml"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
FIREFOX = Path(os.environ.get("FIREFOX_PATH", "/usr/bin/firefox-esr"))
READY_TIMEOUT_S = 60.0
NODE_TIMEOUT_S = 600.0
#: Test files run at once (``POSTGUARD_NODE_TEST_CONCURRENCY``; unset: node's default, one at a
#: time on 2 cores). Most of a browser test's time is waiting (on the server's checks and OCR, on a
#: browser starting), but on a loaded 2-core machine two or four files at once overloaded the
#: server's two check workers (image checks answered 503 after their time limit) and Firefox
#: (no BiDi session within 30 s): measure on a quiet machine before raising the default.
NODE_TEST_CONCURRENCY = os.environ.get("POSTGUARD_NODE_TEST_CONCURRENCY", "")


def _missing_requirement() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    for package in ("playwright-core", "jsdom", "ws", "esbuild", "quill", "lexical", "@tiptap/core"):
        if not (EXTENSION / "node_modules" / package).is_dir():
            return f"{package} is not installed: run `npm ci` in browser-extension/"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}: `apt-get install chromium`"
    if not FIREFOX.exists():
        return f"no Firefox at {FIREFOX}: `apt-get install firefox-esr`"
    return None


@pytest.fixture(scope="module")
def node_ready() -> None:
    missing = _missing_requirement()
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(missing)
    pytest.skip(missing)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/v1/health", timeout=2) as response:
            return response.status == 200 and "status" in json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _this_checkout() -> dict[str, str]:
    """The environment for a ``postguard`` subprocess that runs this checkout's code."""
    python_path = [str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(python_path)}


@pytest.fixture(scope="module")
def server_url(node_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real ``postguard serve`` with the example company pack, on a free loopback port."""
    workdir = tmp_path_factory.mktemp("serve")
    config = workdir / "postguard.toml"
    config.write_text(f"packs = [{json.dumps(str(EXAMPLE_PACK))}]\n", encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = workdir / "serve.log"
    env = _this_checkout()
    command = [sys.executable, "-m", "postguard", "serve", "--port", str(port), "--config", str(config)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                log_text = log_path.read_text(errors="replace")
                pytest.fail(f"postguard serve exited with {process.returncode}:\n{log_text}")
            if time.monotonic() > deadline:
                log_text = log_path.read_text(errors="replace")
                pytest.fail(f"postguard serve not ready after {READY_TIMEOUT_S:.0f} s:\n{log_text}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _concurrency() -> list[str]:
    return [f"--test-concurrency={int(NODE_TEST_CONCURRENCY)}"] if NODE_TEST_CONCURRENCY else []


def test_extension_and_paste_page_in_a_real_browser(server_url: str) -> None:
    artifacts = Path(os.environ.get("POSTGUARD_ARTIFACTS", EXTENSION / "test-artifacts"))
    env = {**os.environ, "POSTGUARD_URL": server_url, "POSTGUARD_ARTIFACTS": str(artifacts)}
    result = subprocess.run(
        ["node", "--test", *_concurrency(), "browser-extension/test/"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_S,
        check=False,
    )
    output = f"{result.stdout}\n{result.stderr}"
    failed = "\n".join(line for line in result.stdout.splitlines() if line.lstrip().startswith("not ok"))
    assert result.returncode == 0, f"node --test failed (exit {result.returncode}):\n{failed}\n\n{output}"
    # With POSTGUARD_URL set nothing may be skipped: the end-to-end tests must really have run.
    assert "# fail 0" in output and "# skipped 0" in output, output
    assert (artifacts / "extension-warning.png").is_file()
    assert (artifacts / "extension-firefox.png").is_file()
    for editor in ("quill", "lexical", "tiptap"):
        assert (artifacts / f"extension-{editor}.png").is_file()
    # The keyboard test posted one finding anyway and reported one as wrong: both are in the local
    # log of the server (this session's POSTGUARD_DATA_DIR), without the matched words.
    from postguard import overrides

    # The editors' test posted an image's finding anyway from the panel.
    logged = [(e.action, e.rule_id, e.reason) for e in overrides.read() if e.site == "127.0.0.1"]
    assert sorted(logged) == [
        ("false_positive", "PG201", "Trekker ist ein Gattungsname"),
        ("override", "PG101", "Das Bild ist freigegeben"),
        ("override", "PG101", "Freigegeben von der Presse"),
    ]
    # The paste page's tests did the same there, in Chromium by keyboard and in Firefox (the files
    # may run in parallel; their axe-core runs are kept out of the log).
    pasted = [(e.action, e.rule_id, e.reason) for e in overrides.read() if e.site == "paste-page"]
    assert sorted(pasted) == [
        ("false_positive", "PG101", "Firefox: the picture is public"),
        ("false_positive", "PG201", "Firefox: a generic word"),
        ("false_positive", "PG201", "Trekker is a generic word"),
        ("override", "PG101", "Approved by the press office"),
        ("override", "PG101", "Firefox: approved by the press office"),
        ("override", "PG101", "Slide approved for the launch"),
    ]
    assert (artifacts / "paste-page-override.png").is_file()
    assert (artifacts / "paste-page-firefox.png").is_file()
    raw = overrides.log_path().read_text(encoding="utf-8")
    assert "Sturmvogel" not in raw and "Trekker T5" not in raw
    _image_decisions_in_the_report(raw)


def _image_decisions_in_the_report(raw: str) -> None:
    """An image's finding is logged like one of the draft: the fingerprint of the words the image
    shows (the same as of those words typed), never the words, the image's name or its bytes; and
    ``postguard report`` lists it."""
    from postguard import overrides

    entries = overrides.read()
    image = next(e for e in entries if e.reason == "Slide approved for the launch")
    typed = next(e for e in entries if e.reason == "Approved by the press office")
    assert (image.rule_id, image.site) == ("PG101", "paste-page")
    assert image.term == typed.term and len(image.term) == 16, "the fingerprint of 'Sturmvogel', salted"
    assert "slide.png" not in raw and "VERTRAULICH" not in raw and "Zeitplan" not in raw

    def report(*options: str) -> str:
        command = [sys.executable, "-m", "postguard", "report", *options]
        done = subprocess.run(
            command, env=_this_checkout(), capture_output=True, text=True, timeout=60, check=True
        )
        return done.stdout

    keys = ("action", "rule_id", "site", "reason", "term")
    shown = [{k: e[k] for k in keys} for e in json.loads(report("--format", "json"))["entries"]]
    assert {k: getattr(image, k) for k in keys} in shown
    text = report()
    assert "Slide approved for the launch" in text and image.term in text
