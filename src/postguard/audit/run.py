"""Driving Dask: the cluster, the worker plugin that builds the engine once, the tasks, resuming.

One task per partition (:func:`audit_partition`), submitted all at once (a partition is a small
address, see :mod:`postguard.audit.sources`); the results are stored as they complete, so an
interrupted run keeps every finished partition and a rerun submits only the others.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from postguard.audit.outputs import Store
from postguard.audit.partitions import AuditOptions, Auditor, PartitionResult
from postguard.audit.records import Columns
from postguard.audit.sources import Partition
from postguard.config import Config

PLUGIN_NAME = "postguard-audit-engine"

#: Dask settings for the local cluster's processes. Every worker runs its checks in one thread and
#: its event loop in another: whatever the loop does takes the GIL from the checks, and whatever the
#: client's process does (the scheduler, the nannies) takes a core from the workers. Dask's defaults
#: serve its dashboard, which the audit does not start: a statistical profiler sampling the task
#: thread every 10 ms, memory checks every 100 ms (in each worker, and for each worker in its nanny,
#: in the client's process: 1-2 ms of /proc reading each time on a busy machine), a system monitor
#: every 0.5 s and a loop tick every 20 ms. Memory is still watched (spilling, the 95 % kill), once a
#: second.
QUIET_WORKERS: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "200ms",
}


class EnginePlugin(WorkerPlugin):
    """Builds the engine and packs once per worker, when the worker starts or joins the cluster."""

    name = PLUGIN_NAME

    def __init__(self, config: Config, options: AuditOptions) -> None:
        self.config = config
        self.options = options
        self.auditor: Auditor | None = None

    def setup(self, worker: object) -> None:
        from postguard.engine import Engine

        # spaCy, both pipelines, the lemma tables and the language models: loaded now, not in the first task
        engine = Engine(self.config).warm_up()
        self.auditor = Auditor(engine, self.options)

    def teardown(self, worker: object) -> None:
        self.auditor = None


def audit_partition(part: Partition) -> PartitionResult:
    """The Dask task: check one partition with this worker's engine."""
    plugin = get_worker().plugins[PLUGIN_NAME]
    if not isinstance(plugin, EnginePlugin) or plugin.auditor is None:
        raise RuntimeError("the postguard audit worker plugin is not set up on this worker")
    return plugin.auditor.run(part)


@dataclass(slots=True)
class Cluster:
    """A client, and the local cluster it started (None for ``--scheduler``)."""

    client: Client
    local: LocalCluster | None
    startup: float

    def close(self) -> None:
        self.client.close()
        if self.local is not None:
            self.local.close()


def start(
    scheduler: str | None = None,
    workers: int | None = None,
    *,
    processes: bool = True,
    settings: Mapping[str, object] = QUIET_WORKERS,
) -> Cluster:
    """Connect to ``scheduler``, or start a local cluster of ``workers`` processes (default: cores)
    with Dask ``settings`` (the benchmark compares them with Dask's defaults, ``{}``)."""
    began = time.perf_counter()
    if scheduler:
        client = Client(scheduler, timeout="20s")
        return Cluster(client, None, time.perf_counter() - began)
    import dask

    with dask.config.set(dict(settings)):  # nannies pass the config on to the workers they start
        local = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,  # the checks hold the GIL: one thread per process, one process per core
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    return Cluster(Client(local), local, time.perf_counter() - began)


class _Bar:
    """A text progress bar on standard error (standard output carries the summary).

    Drawn by the loop that stores the results, from the count it stores: no thread and no
    scheduler plugin (Dask's ``TextProgressBar`` follows every key's transitions on the
    scheduler, which shares the cores with the workers here, and draws from a thread of its own,
    whose lines a loaded machine delayed past the end of the run). It cannot miss a partition, and
    its last line is written before :func:`run` returns.
    """

    width = 40

    def __init__(self, total: int, every: float = 0.1) -> None:
        self.total = total
        self.every = every
        self.last = -every
        self.draw(0)

    def draw(self, done: int) -> None:
        now = time.monotonic()
        if done < self.total and now - self.last < self.every:
            return  # at most ten lines a second
        self.last = now
        frac = done / self.total if self.total else 1.0
        bar = "#" * int(self.width * frac)
        sys.stderr.write(f"\r[{bar:<{self.width}}] | {int(100 * frac)}% of {self.total} partitions")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


@dataclass(slots=True)
class Progress:
    submitted: int = 0
    resumed: int = 0
    setup: float = 0.0  # registering the worker plugin: every worker builds its engine
    completed: int = 0
    failures: list[dict[str, object]] = field(default_factory=list)


def run(
    client: Client,
    parts: Sequence[Partition],
    store: Store,
    config: Config,
    options: AuditOptions,
    *,
    progress: bool = False,
    on_result: Callable[[PartitionResult], None] | None = None,
) -> Progress:
    """Audit every partition not completed yet; store each result as it arrives."""
    done = store.done()
    todo = [p for p in parts if p.key not in done]
    state = Progress(submitted=len(todo), resumed=len(parts) - len(todo))
    if not todo:
        return state
    began = time.perf_counter()
    client.register_plugin(EnginePlugin(config, options), name=PLUGIN_NAME)
    state.setup = time.perf_counter() - began
    by_key = {f"audit_partition-{p.key}": p for p in todo}
    bar = _Bar(len(todo)) if progress else None
    try:
        # one graph for all the tasks (not a message each); nothing here keeps a future after its
        # result is stored (as_completed drops each one it yields): the client's memory does not
        # grow with the number of partitions
        for future in as_completed(client.map(audit_partition, todo, key=list(by_key), retries=1)):
            part = by_key[future.key]
            if future.status == "error":
                exc = future.exception()
                reason = f"the partition's task failed: {type(exc).__name__}: {str(exc)[:200]}"
                state.failures.append(store.failure(part.key, part.source, part.where, reason))
            else:
                result: PartitionResult = future.result()
                store.save(result)
                state.completed += 1
                if on_result is not None:
                    on_result(result)
            future.release()
            if bar is not None:
                bar.draw(state.completed + len(state.failures))
        if bar is not None:
            bar.close()
    finally:
        with contextlib.suppress(Exception):  # best effort: the cluster may be going away (Ctrl-C)
            client.unregister_worker_plugin(PLUGIN_NAME)
    return state


@dataclass(slots=True)
class Outcome:
    """What a finished run tells the user."""

    summary: dict[str, object]
    progress: Progress
    startup: float
    seconds: float


def audit(
    sources: Sequence[str],
    out: Path,
    config: Config,
    options: AuditOptions,
    *,
    columns: Columns | None = None,
    size: int = 500,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    on_result: Callable[[PartitionResult], None] | None = None,
) -> Outcome:
    """The whole job: plan, resume or start the output directory, run on the cluster, write outputs.

    ``client``: an existing client (tests); else a cluster is started (or ``scheduler`` joined)
    after the sources have been planned, so an unreadable source fails before any worker starts.
    """
    from postguard.audit.archives import check as check_archive
    from postguard.audit.archives import is_archive, unpack
    from postguard.audit.outputs import summarise, write_outputs
    from postguard.audit.report import render
    from postguard.audit.sources import archive_key, plan
    from postguard.engine import Engine

    began = time.perf_counter()
    columns = columns or Columns()
    engine = Engine(config)  # packs and options are validated here, before any worker starts
    engine.selection(options.disable, options.severity)
    if options.channel:
        engine.channel(options.channel)
    packed = {s for s in sources if is_archive(s)}
    for source in packed:
        check_archive(source)  # before anything is written: a broken archive is a usage error
    planned = plan(
        [s for s in sources if s not in packed], size=size, columns=columns, root=config.root,
        exclude=config.exclude,
    )  # fmt: skip
    store = Store(out)
    started = store.open(
        _manifest(sources, columns, options, engine.fingerprint), options.started.isoformat()
    )
    unpacked = {s: unpack(s, out / "unpacked", archive_key(s)) for s in sorted(packed)}
    planned += plan(list(unpacked.values()), size=size, columns=columns, root=config.root)
    parts = list({p.key: p for p in planned}.values())  # a source named twice is audited once
    options = replace(options, started=datetime.fromisoformat(started))
    cluster = None
    startup = 0.0
    if client is None:
        cluster = start(scheduler, workers)
        client, startup = cluster.client, cluster.startup
    try:
        state = run(client, parts, store, config, options, progress=progress, on_result=on_result)
    finally:
        if cluster is not None:
            cluster.close()
    done = store.done()
    table, failures, counts = store.collect([p.key for p in parts if p.key in done])
    failures += [f for u in unpacked.values() for f in u.failures] + state.failures
    summary = summarise(table, failures, counts)
    seconds = time.perf_counter() - began
    summary["run"] = {
        "sources": list(sources),
        "partitions": len(parts),
        "resumed_partitions": state.resumed,
        "judged_at": options.now.isoformat() if options.now else "each post's publication time",
        "started": started,
        "seconds": round(seconds, 2),
        "cluster_startup_seconds": round(startup, 2),
        "engine_setup_seconds": round(state.setup, 2),
        "worker_seconds": round(float(counts.get("seconds", 0)), 2),
        "worker_cpu_seconds": round(float(counts.get("cpu_seconds", 0)), 2),
    }
    write_outputs(out, table, failures, summary)
    info = {
        "title": ", ".join(sources)[:80],
        "sources": ", ".join(sources),
        "judged at": str(summary["run"]["judged_at"]),  # type: ignore[index]
        "first run started": started,
    }
    (out / "report.html").write_text(render(summary, info), encoding="utf-8")
    return Outcome(summary=summary, progress=state, startup=startup, seconds=seconds)


def _manifest(
    sources: Sequence[str], columns: Columns, options: AuditOptions, packs: str
) -> dict[str, object]:
    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "sources": [str(Path(s).resolve()) for s in sources],
        "columns": asdict(columns),
        "now": iso(options.now),
        "since": iso(options.since),
        "until": iso(options.until),
        "channel": options.channel,
        "kind": options.kind,
        "lang": options.lang,
        "disable": list(options.disable),
        "severity": {k: v.value for k, v in options.severity.items()},
        "packs": packs,
    }
