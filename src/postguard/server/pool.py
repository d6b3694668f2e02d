"""Check worker processes: a check that overruns the time limit is stopped, its worker replaced.

A thread cannot be stopped in Python, and a check holds the interpreter lock, so
the server runs checks in worker processes forked from itself (the warm engine is
shared copy-on-write). The serving process only parses HTTP and waits; a worker
that overruns is killed and a new one forked, a worker that dies (``kill -9``, a
crash in a C library) is replaced too, and after a hot reload every worker is
replaced by one that holds the new engine. Requests and answers cross a pipe as
pickles of module-level functions and bytes (never draft text in a log).

The standard library's ``ProcessPoolExecutor`` cannot kill one worker (a killed
worker breaks the whole pool), hence this small pool.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread

from postguard import languagetool as lt
from postguard.engine import Engine
from postguard.errors import PluginError, PostguardError
from postguard.server.logs import log, log_internal_error
from postguard.server.responses import ApiError

#: A job: a module-level function called in a worker as ``job(engine, *args)``; it returns the answer.
Job = Callable[..., bytes]


class CheckTimeout(Exception):
    """The check overran the time limit; its worker was stopped."""


class WorkerDied(Exception):
    """The worker died during the check (killed, or crashed in native code)."""


class _Worker:
    def __init__(self, pid: int, conn: Connection, generation: int) -> None:
        self.pid = pid
        self.conn = conn
        self.generation = generation

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.conn.close()


class CheckPool:
    """``size`` worker processes running jobs against the engine they were forked with."""

    def __init__(self, size: int, engine: Callable[[], Engine]) -> None:
        self.size = max(1, size)
        self._engine = engine
        self._generation = 0
        self._idle: list[_Worker] = []
        self._all: dict[int, _Worker] = {}
        self._lock = threading.Lock()
        self._free = threading.Semaphore(0)
        self.restarts = 0

    @property
    def pids(self) -> list[int]:
        return sorted(self._all)

    def start(self) -> None:
        for _ in range(self.size):
            self._release(self._spawn())

    def _spawn(self) -> _Worker:
        engine = self._engine()
        parent, child = Pipe(duplex=True)
        with self._lock:
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the worker's side, covered by the socket tests
                _worker_main(child, engine)
            child.close()
            worker = _Worker(pid, parent, self._generation)
            self._all[pid] = worker
        return worker

    def _spawn_here(self) -> _Worker:
        """:meth:`_spawn` in the event loop's thread: a worker forked by a thread that later ends
        would get its parent-death signal then (``PR_SET_PDEATHSIG`` follows the forking thread)."""
        if threading.current_thread() is threading.main_thread():
            return self._spawn()
        return anyio.from_thread.run_sync(self._spawn)

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.pop(worker.pid, None)

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)
        self._free.release()

    def _acquire(self, deadline: float) -> _Worker:
        if not self._free.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise CheckTimeout
        with self._lock:
            worker = self._idle.pop()
        if worker.generation != self._generation or not worker.alive():
            self._retire(worker)
            self.restarts += 1
            worker = self._spawn_here()
        return worker

    def renew(self) -> None:
        """Replace every worker (after a reload: new workers fork with the new engine)."""
        with self._lock:
            self._generation += 1
            idle, self._idle = self._idle, []
        for worker in idle:
            self._retire(worker)
            fresh = self._spawn()
            with self._lock:
                self._idle.append(fresh)

    def heal(self) -> int:
        """Replace idle workers that died; the number replaced."""
        with self._lock:
            dead = [w for w in self._idle if not w.alive()]
            self._idle = [w for w in self._idle if w not in dead]
        for worker in dead:
            log.warning("check worker %d died; starting a new one", worker.pid)
            self._retire(worker)
            self.restarts += 1
            fresh = self._spawn()
            with self._lock:
                self._idle.append(fresh)
        return len(dead)

    def call(self, deadline: float, job: Job, *args: Any) -> bytes:
        """Run ``job(engine, *args)`` in a worker by ``deadline`` (``time.monotonic()``; blocking)."""
        worker = self._acquire(deadline)
        try:
            worker.conn.send_bytes(pickle.dumps((job, args), protocol=pickle.HIGHEST_PROTOCOL))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise CheckTimeout
            outcome = pickle.loads(worker.conn.recv_bytes())
        except CheckTimeout:
            self._retire(worker)
            self.restarts += 1
            self._release(self._spawn_here())
            raise
        except (EOFError, OSError):
            self._retire(worker)
            self.restarts += 1
            self._release(self._spawn_here())
            raise WorkerDied from None
        self._release(worker)
        return _unwrap(outcome)

    async def run(self, deadline: float, job: Job, *args: Any) -> bytes:
        """:meth:`call` in a thread, so that the event loop goes on serving meanwhile."""
        return await anyio.to_thread.run_sync(functools.partial(self.call, deadline, job, *args))

    def close(self) -> None:
        with self._lock:
            workers = list(self._all.values())
            self._all.clear()
            self._idle.clear()
        for worker in workers:
            worker.stop()


def _unwrap(outcome: tuple[Any, ...]) -> bytes:
    kind = outcome[0]
    if kind == "ok":
        answer: bytes = outcome[1]
        return answer
    if kind == "api":
        raise ApiError(outcome[1], outcome[2])
    if kind == "lt":
        raise lt.LanguageToolError(outcome[2], outcome[1])
    if kind == "user":
        raise PostguardError(outcome[1])
    if kind == "plugin":
        raise ApiError(500, outcome[1])
    raise ApiError(500, "internal error (see the server log)")


def _worker_main(conn: Connection, engine: Engine) -> None:  # pragma: no cover - runs in the child
    """The worker: answer jobs until the pipe closes; never returns."""
    code = 0
    try:
        engine.nlp.after_fork()  # first: drops the server's database connections, closing their files
        _detach(conn)
        while True:
            try:
                data = conn.recv_bytes()
            except (EOFError, OSError):
                break
            job, args = pickle.loads(data)
            conn.send_bytes(pickle.dumps(_outcome(job, engine, args), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _outcome(job: Job, engine: Engine, args: tuple[Any, ...]) -> tuple[Any, ...]:  # pragma: no cover
    try:
        return ("ok", job(engine, *args))
    except ApiError as exc:
        return ("api", exc.status, exc.message)
    except lt.LanguageToolError as exc:
        return ("lt", exc.status, str(exc))
    except PostguardError as exc:
        return ("user", str(exc))
    except PluginError as exc:
        log_internal_error(exc.__cause__ or exc, "CHECK", exc.plugin)
        return ("plugin", f"{exc} (see the server log)")
    except Exception as exc:
        log_internal_error(exc, "CHECK", job.__name__)
        return ("bug",)


def _detach(conn: Connection) -> None:  # pragma: no cover - runs in the child
    """Make a forked worker independent of the server's sockets, threads and signals."""
    gc.freeze()  # objects of the parent (sockets, the event loop) are never collected here
    keep = conn.fileno()
    os.closerange(3, keep)  # client connections and the listening socket stay the server's alone
    os.closerange(keep + 1, 65536)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the server stops its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the server
    if os.getppid() == 1:
        os._exit(0)
