"""The check workers take several requests at once (pipelined), over real sockets (issue 19).

With one worker, a second request is sent to it while it runs the first; these tests
prove that such a queued request is never lost or hung when the worker is stopped or
killed, and that answers always go to the request they belong to.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from conftest_server import EXAMPLE_PACK, ServerProcess, plugin_env, write_config

pytest_plugins = ("conftest_server",)


def start(tmp_path: Path, timeout: float, workers: int) -> ServerProcess:
    config = write_config(tmp_path, [EXAMPLE_PACK], server=f"timeout = {timeout}")
    return ServerProcess(config, "--no-reload", "--workers", str(workers), env=plugin_env(tmp_path / "site"))


@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[ServerProcess]:
    """One check worker, a 3 s time limit, the plugin that loops on 'endlosschleife'."""
    proc = start(tmp_path, 3.0, 1)
    yield proc
    proc.stop()


def worker_pids(proc: ServerProcess) -> list[int]:
    return sorted(
        c.pid for c in psutil.Process(proc.proc.pid).children() if c.status() != psutil.STATUS_ZOMBIE
    )


def post_later(proc: ServerProcess, text: str, answers: dict[str, httpx.Response]) -> threading.Thread:
    def send() -> None:
        with httpx.Client(base_url=proc.url, timeout=30) as c:
            answers[text] = c.post("/v1/check", json={"text": text})

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def test_a_request_queued_behind_an_overrunning_check_is_answered(one_worker: ServerProcess) -> None:
    [victim] = worker_pids(one_worker)
    answers: dict[str, httpx.Response] = {}
    started = time.monotonic()
    hang = post_later(one_worker, "Sturmvogel endlosschleife", answers)
    time.sleep(1.0)  # the worker runs the endless check; the next request is sent to it as well
    queued = post_later(one_worker, "Wir testen den Sturmvogel.", answers)
    hang.join()
    queued.join()
    assert answers["Sturmvogel endlosschleife"].status_code == 503
    assert "did not finish within 3 s" in answers["Sturmvogel endlosschleife"].json()["error"]
    ok = answers["Wir testen den Sturmvogel."]
    assert ok.status_code == 200, ok.text
    assert [f["match"] for f in ok.json()["findings"]] == ["Sturmvogel"]
    assert time.monotonic() - started < 10
    assert victim not in worker_pids(one_worker)


def test_a_killed_worker_answers_its_check_503_and_the_queued_one_is_checked_elsewhere(
    tmp_path: Path,
) -> None:
    proc = start(tmp_path, 60.0, 1)
    try:
        [victim] = worker_pids(proc)
        answers: dict[str, httpx.Response] = {}
        hang = post_later(proc, "Sturmvogel endlosschleife", answers)
        time.sleep(1.0)
        queued = post_later(proc, "Wir testen den Sturmvogel.", answers)
        time.sleep(2.0)  # both are with the worker (slow to arrive on a loaded machine)
        os.kill(victim, signal.SIGKILL)
        hang.join(timeout=20)
        queued.join(timeout=20)
        assert answers["Sturmvogel endlosschleife"].status_code == 503
        assert answers["Sturmvogel endlosschleife"].json()["error"] == (
            "the check worker stopped during the check; try again"
        )
        assert answers["Wir testen den Sturmvogel."].status_code == 200
        assert [f["match"] for f in answers["Wir testen den Sturmvogel."].json()["findings"]] == [
            "Sturmvogel"
        ]
        assert len(worker_pids(proc)) == 1 and victim not in worker_pids(proc)
    finally:
        proc.stop()


def test_every_answer_belongs_to_its_own_request(tmp_path: Path) -> None:
    proc = start(tmp_path, 30.0, 2)
    try:
        answers: dict[str, httpx.Response] = {}
        texts = [f"{'x' * i} Sturmvogel" for i in range(24)]  # the finding's offset tells them apart
        threads = [post_later(proc, text, answers) for text in texts]
        for t in threads:
            t.join(timeout=60)
        for i, text in enumerate(texts):
            r = answers[text]
            assert r.status_code == 200, r.text
            assert [(f["start"], f["match"]) for f in r.json()["findings"]] == [(i + 1, "Sturmvogel")]
    finally:
        proc.stop()
