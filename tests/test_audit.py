"""`postguard audit` on a real Dask LocalCluster: every input format, publication time, failures,
resuming, outputs, the report, and the same findings as `postguard check`."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from distributed import Client, LocalCluster

import audit_samples as samples
from conftest import EXAMPLE_PACK
from postguard.audit.partitions import AuditOptions, PartitionResult
from postguard.audit.records import Columns
from postguard.audit.run import Outcome, audit
from postguard.cli import main
from postguard.config import Config
from postguard.errors import InputError, UsageError

STARTED = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def config(root: Path) -> Config:
    return Config(packs=(EXAMPLE_PACK,), root=root)


def run(client: Client, sources: list[Path], out: Path, *, size: int = 2, **options: Any) -> Outcome:
    cols = options.pop("columns", None)
    on_result = options.pop("on_result", None)
    opts = AuditOptions(started=STARTED, **options)
    return audit([str(s) for s in sources], out, config(out.parent), opts, columns=cols, size=size,
                 client=client, on_result=on_result)  # fmt: skip


def findings(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]


def failures(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()]


def hits(out: Path) -> set[tuple[str, str, str]]:
    return {(f["document"], f["rule_id"], f["match"]) for f in findings(out)}


def test_every_input_format_with_post_time_and_url(client: Client, tmp_path: Path) -> None:
    sources = [
        samples.twitter_archive(tmp_path / "x-archive"),
        samples.mastodon_outbox(tmp_path / "outbox.json"),
        samples.linkedin_shares(tmp_path / "Shares.csv"),
        samples.jsonl_posts(tmp_path / "posts.jsonl"),
        samples.parquet_posts(tmp_path / "posts.parquet"),
        samples.content_dir(tmp_path / "site"),
    ]
    out = tmp_path / "out"
    outcome = run(client, sources, out)
    rows = findings(out)
    got = {(r["document"], r["rule_id"], r["match"]) for r in rows}
    share = "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000001"
    assert got == {
        ("1626922779105759235", "PG201", "Nordkap Trekker T5"),  # posted before the embargo lifted
        ("https://mastodon.social/users/nordkap/statuses/1", "PG101", "Polarfuchs"),
        (share, "PG101", "Nordlicht X"),
        ("p1", "PG101", "Sturmvogel"),
        ("p4", "PG101", "Nordlicht X"),
        ("q1", "PG101", "Sturmvogel"),
        (str(tmp_path / "site" / "launch.md"), "PG201", "Nordkap Trekker T5"),
        (str(tmp_path / "site" / "team.html"), "PG101", "Sturmvogel"),
    }
    by_doc = {r["document"]: r for r in rows}
    tweet = by_doc["1626922779105759235"]
    assert tweet["url"] == "https://x.com/nordkap/status/1626922779105759235"
    assert tweet["posted"] == samples.BEFORE_LIFT
    assert by_doc[share]["posted"] == "2026-11-02T09:12:33+00:00" and by_doc[share]["url"] == share
    assert (
        by_doc["https://mastodon.social/users/nordkap/statuses/1"]["url"]
        == "https://mastodon.social/@nordkap/1"
    )
    assert by_doc["p1"]["url"] == "https://blog.example/p1"
    assert (
        by_doc[str(tmp_path / "site" / "launch.md")]["posted"] == "2026-12-20T00:00:00+00:00"
    )  # front matter
    summary = outcome.summary
    # 2 tweets, 2 toots (the boost is not theirs), 2 shares, 3 jsonl, 3 parquet, 3 files
    assert summary["documents"] == 15 and summary["failed"] == 0
    assert summary["by_category"] == {"confidential": 6, "embargo": 2}
    assert summary["by_month"]["2026-09"] == {"confidential": 1}
    assert set(summary["by_source"]) == {str(s) for s in sources}


def test_csv_with_named_columns(client: Client, tmp_path: Path) -> None:
    out = tmp_path / "out"
    outcome = run(client, [samples.csv_posts(tmp_path / "posts.csv")], out, columns=Columns(text="body"))
    assert hits(out) == {("c1", "PG101", "Polarfuchs")}
    assert findings(out)[0]["posted"] == "2026-08-01T07:00:00+00:00"
    assert outcome.summary["documents"] == 2


def test_each_post_is_judged_at_its_publication_time_unless_now(client: Client, tmp_path: Path) -> None:
    source = samples.twitter_archive(tmp_path / "x")
    run(client, [source], tmp_path / "own-time")
    assert {d for d, _, _ in hits(tmp_path / "own-time")} == {"1626922779105759235"}
    run(client, [source], tmp_path / "late", now=datetime(2027, 8, 1, tzinfo=UTC))
    assert hits(tmp_path / "late") == set()
    run(client, [source], tmp_path / "early", now=datetime(2027, 1, 1, tzinfo=UTC))
    assert {d for d, _, _ in hits(tmp_path / "early")} == {"1626922779105759235", "1726922779105759236"}


def test_a_corrupt_jsonl_line_is_reported_and_the_rest_audited(client: Client, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # size 4: the broken line shares its partition with good ones, which must not be lost
    outcome = run(client, [samples.jsonl_posts(tmp_path / "p.jsonl", corrupt=True)], out, size=4)
    assert hits(out) == {("p1", "PG101", "Sturmvogel"), ("p4", "PG101", "Nordlicht X")}
    [failure] = failures(out)
    assert failure["document"] == "p.jsonl:3"
    assert failure["reason"].startswith("line 3: not JSON")
    assert outcome.summary["documents"] == 3 and outcome.summary["failed"] == 1


def test_bad_post_time_and_missing_text_fail_that_document_only(client: Client, tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text(
        '{"id": "a", "text": "Sturmvogel!", "created_at": "gestern"}\n'
        '{"id": "b", "body": "no text field"}\n'
        '{"id": "c", "text": "Sturmvogel!", "created_at": 1790000000}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run(client, [src], out, size=10)
    assert hits(out) == {("c", "PG101", "Sturmvogel")}
    assert findings(out)[0]["posted"] == "2026-09-21T14:13:20+00:00"  # epoch seconds
    assert {f["document"]: f["reason"] for f in failures(out)} == {
        "a": "unreadable post time 'gestern'",
        "b": "the 'text' field is missing",
    }


def test_a_source_named_twice_is_audited_once(client: Client, tmp_path: Path) -> None:
    source = samples.jsonl_posts(tmp_path / "p.jsonl")
    (tmp_path / "sub").mkdir()
    outcome = run(client, [source, tmp_path / "sub" / ".." / "p.jsonl"], tmp_path / "out")
    assert outcome.summary["documents"] == 3 and len(findings(tmp_path / "out")) == 2


def test_since_and_until_limit_by_post_time(client: Client, tmp_path: Path) -> None:
    out = tmp_path / "out"
    outcome = run(client, [samples.jsonl_posts(tmp_path / "p.jsonl")], out,
                  since=datetime(2026, 9, 2, tzinfo=UTC), until=datetime(2026, 10, 3, tzinfo=UTC))  # fmt: skip
    assert hits(out) == {("p4", "PG101", "Nordlicht X")}
    assert outcome.summary["documents"] == 2 and outcome.summary["skipped"] == 1


def test_rerun_resumes_after_an_interrupted_run(client: Client, tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": f"n{i}", "text": f"Post {i}: das Sturmvogel-Team grüßt."}) + "\n"
            for i in range(12)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    seen: list[str] = []

    def interrupt(result: PartitionResult) -> None:
        seen.append(result.key)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(client, [source], out, on_result=interrupt)  # 6 partitions of 2
    assert len(list((out / "parts").glob("*.json"))) == 2
    assert not (out / "findings.jsonl").exists()
    redone: list[str] = []
    outcome = run(client, [source], out, on_result=lambda r: redone.append(r.key))
    assert outcome.progress.resumed == 2 and len(redone) == 4
    assert not set(redone) & set(seen)
    assert {d for d, _, _ in hits(out)} == {f"n{i}" for i in range(12)}
    again = run(client, [source], out)  # complete: nothing is redone
    assert again.progress.resumed == 6 and again.progress.submitted == 0
    assert len(findings(out)) == 12


def test_other_options_in_the_same_out_directory_are_refused(client: Client, tmp_path: Path) -> None:
    source = samples.jsonl_posts(tmp_path / "p.jsonl")
    run(client, [source], tmp_path / "out")
    with pytest.raises(UsageError, match=r"other options .*now"):
        run(client, [source], tmp_path / "out", now=datetime(2027, 1, 1, tzinfo=UTC))


def test_an_unreadable_source_fails_before_the_cluster_is_used(client: Client, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.jsonl: no such file or directory"):
        run(client, [tmp_path / "missing.jsonl"], tmp_path / "out")
    broken = tmp_path / "outbox.json"
    broken.write_text('{"orderedItems": [', encoding="utf-8")
    with pytest.raises(InputError, match="not a Mastodon outbox"):
        run(client, [broken], tmp_path / "out2")
    assert not (tmp_path / "out").exists()


def test_engine_is_built_once_per_worker_not_per_partition(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postguard.engine import Engine

    built = []
    original = Engine.__init__

    def counting(self: Engine, *args: Any, **kwargs: Any) -> None:
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "__init__", counting)
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"text": f"Post {i}"}) + "\n" for i in range(20)), encoding="utf-8")
    outcome = run(client, [source], tmp_path / "out", size=1)
    assert outcome.summary["run"]["partitions"] == 20
    assert len(built) == 1 + 2  # the client's (validates the packs) and one per worker


def test_outputs_parquet_summary_and_offline_report(client: Client, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    run(client, [samples.jsonl_posts(tmp_path / "p.jsonl"), samples.twitter_archive(tmp_path / "x")], out)
    table = pq.read_table(out / "findings.parquet")
    assert table.num_rows == len(findings(out)) == 3
    assert table.column_names == ["source", "document", "url", "posted", "rule_id", "rule_name", "category",
                                  "severity", "message", "match", "start", "end"]  # fmt: skip
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["worst_documents"][0]["findings"] == 1
    assert summary["by_rule"][0] == {"rule_id": "PG101", "rule_name": "confidential-codename", "findings": 2}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "2026-09" in html and "PG201" in html
    assert "<script" not in html and "<link" not in html and "src=" not in html  # nothing to fetch
    assert "Sturmvogel" not in html  # counts only: matched text stays in the findings files


def test_secrets_are_masked_in_every_output(client: Client, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    key = "AKIA2E0A8F3B244C9986"
    source = tmp_path / "p.jsonl"
    source.write_text(
        json.dumps({"id": "k1", "text": f"Our deploy key is {key}, use it."}) + "\n", encoding="utf-8"
    )
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "ops.md").write_text(f"# Ops\n\nThe key: {key}\n", encoding="utf-8")
    out = tmp_path / "out"
    run(client, [source, tmp_path / "site"], out)
    secret = [r for r in findings(out) if r["category"] == "secret"]
    assert {r["document"] for r in secret} == {"k1", str(tmp_path / "site" / "ops.md")}
    assert {r["match"] for r in secret} == {"AKIA…9986"}
    for name in ("findings.jsonl", "failures.jsonl", "summary.json", "report.html"):
        assert key not in (out / name).read_text(encoding="utf-8"), name
    assert key not in str(pq.read_table(out / "findings.parquet").to_pylist())


def test_same_findings_as_check_on_a_few_hundred_documents(
    client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    texts = [
        "Stolz auf das #Sturmvogel-Team! Mehr unter https://wiki.nordkap.intern/x",
        "Der Trekker T5 kommt bald, psst.",
        "Wir freuen uns auf die Messe und euren Besuch!",
        "Our Polarfuchs prototype is ready. Confidential: do not share.",
        "Photo: Getty Images. #ad Danke an @marke für die Schuhe!",
        "Ein Eichhörnchen im Park, ganz ohne Projekt.",
    ]
    for i in range(300):
        text = texts[i % len(texts)]
        if i % 3 == 0:
            (site / f"p{i:03d}.md").write_text(
                f"---\ntitle: P{i}\n---\n# Post {i}\n\n{text}\n", encoding="utf-8"
            )
        elif i % 3 == 1:
            (site / f"p{i:03d}.html").write_text(f"<article><p>{text}</p></article>\n", encoding="utf-8")
        else:
            (site / f"p{i:03d}.txt").write_text(text + "\n", encoding="utf-8")
    now = "2026-11-28T12:00:00+00:00"
    (tmp_path / "postguard.toml").write_text(f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "site", "--format", "json", "--now", now, "--jobs", "1"])
    checked = capsys.readouterr().out
    assert code == 1
    expected = {
        (str(tmp_path / r["path"]), f["rule_id"], f["start"], f["end"], f["match"])
        for r in json.loads(checked)["results"]
        for f in r["findings"]
    }
    out = tmp_path / "out"
    outcome = run(client, [site], out, size=40, now=datetime.fromisoformat(now))
    got = {(f["document"], f["rule_id"], f["start"], f["end"], f["match"]) for f in findings(out)}
    assert outcome.summary["documents"] == 300
    assert len(expected) == 200 and got == expected


def test_cli_on_local_processes_interrupted_with_ctrl_c_then_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command itself, on its default local cluster of worker processes: a clear error for a
    missing source; Ctrl-C keeps the completed partitions; the same command again finishes the rest."""
    (tmp_path / "postguard.toml").write_text(f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "nope.jsonl", "--out", "o"]) == 2
    assert capsys.readouterr().err.strip() == "postguard: error: nope.jsonl: no such file or directory"

    lines = [
        json.dumps({"id": f"n{i}", "text": f"Beitrag {i}: Grüße vom Sturmvogel-Team!"}) for i in range(600)
    ]
    lines.insert(300, '{"id": "broken", "text": ')
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "postguard", "audit", "many.jsonl", "--out", "o", "--workers", "1",
           "--partition-size", "30"]  # fmt: skip
    first = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parts = tmp_path / "o" / "parts"
    # wait for the signal itself (two partitions stored), however long a loaded machine takes to
    # start the cluster and build the engine; the deadline only stops a hung run
    deadline = time.monotonic() + 600
    while len(list(parts.glob("*.json"))) < 2 and first.poll() is None:
        if time.monotonic() > deadline:
            first.kill()
            pytest.fail(f"no partition stored in 600 s: {first.communicate()[1][-2000:]}")
        time.sleep(0.02)
    assert first.poll() is None, first.communicate()[1]  # interrupted while it runs, not after
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 130, err
    assert "Rerun the same command to resume" in err
    kept = len(list(parts.glob("*.json")))
    assert 2 <= kept < 21
    second = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert second.returncode == 2, second.stderr  # a failed document: listed, and the exit code says so
    assert f"Audited 600 documents in 21 partitions, {kept} resumed" in second.stdout
    assert "600 findings in 600 documents" in second.stdout
    assert "1 documents could not be audited: see o/failures.jsonl" in second.stderr
    assert len(findings(tmp_path / "o")) == 600
    assert [f["document"] for f in failures(tmp_path / "o")] == ["many.jsonl:301"]
    assert (tmp_path / "o" / "report.html").is_file()


def test_the_local_cluster_runs_without_dasks_sampling_profiler() -> None:
    from postguard.audit.run import start

    cluster = start(workers=1, processes=False)
    try:
        callbacks = cluster.client.run(lambda dask_worker: sorted(dask_worker.periodic_callbacks))
        assert [c for cbs in callbacks.values() for c in cbs if c == "profile"] == []
        assert callbacks  # the worker answered
    finally:
        cluster.close()


def test_the_progress_bar_counts_partitions_on_standard_error(
    client: Client, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    opts = AuditOptions(started=STARTED)
    source = samples.jsonl_posts(tmp_path / "p.jsonl")
    audit([str(source)], out, config(tmp_path), opts, size=1, client=client, progress=True)
    captured = capfd.readouterr()  # audit() draws the bar itself: its last line is out when it returns
    assert "partitions" not in captured.out  # standard output carries the summary only
    drawn = re.findall(r"\r\[([# ]{40})\] \| (\d+)% of 3 partitions", captured.err)
    assert drawn[0] == (" " * 40, "0") and drawn[-1] == ("#" * 40, "100")
    assert [int(p) for _, p in drawn] == sorted(int(p) for _, p in drawn)
    assert captured.err.endswith("| 100% of 3 partitions\n")


def test_cli_on_a_running_scheduler(tmp_path: Path) -> None:
    """``--scheduler tcp://...``: the command joins a cluster it did not start, and leaves it running."""
    (tmp_path / "postguard.toml").write_text(f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8")
    samples.jsonl_posts(tmp_path / "p.jsonl")
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None)
        as cluster,
        Client(cluster) as c,
    ):  # fmt: skip
        assert cluster.scheduler_address.startswith("tcp://")
        cmd = [sys.executable, "-m", "postguard", "audit", "p.jsonl", "--out", "o", "-q",
               "--scheduler", cluster.scheduler_address, "--partition-size", "1"]  # fmt: skip
        done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert done.returncode == 1, done.stderr  # findings of severity error
        assert "Audited 3 documents in 3 partitions" in done.stdout
        assert "cluster start-up" in done.stdout
        assert len(c.scheduler_info()["workers"]) == 1  # still there
    assert {f["document"] for f in findings(tmp_path / "o")} == {"p1", "p4"}
