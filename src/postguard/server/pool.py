"""Check worker processes: a check that overruns the time limit is stopped, its worker replaced.

A thread cannot be stopped in Python, and a check holds the interpreter lock, so
the server runs checks in worker processes forked from itself (the warm engine is
shared copy-on-write). The serving process only parses HTTP and passes request
bodies to the workers; a worker that overruns is killed and a new one forked, a
worker that dies (``kill -9``, a crash in a C library) is replaced too, and after
a hot reload every worker is replaced by one that holds the new engine.

Each worker has a Unix socket to the server. The event loop waits on the sockets
itself (``add_reader``: no thread per request) and sends each worker up to
``depth`` jobs at once, answered in order (:mod:`.worker` is the other side): a
worker that finishes a check finds the next one waiting in its socket instead of
idling until the busy server process gets the processor back to send it. Jobs
beyond that wait in one queue for the first worker with room. When a worker is
stopped or dies, the check it was running is answered 503 and the jobs queued
behind it, which it had not started, go back to the front of the queue for
another worker; a job whose time is up is answered 503 wherever it waits.

The standard library's ``ProcessPoolExecutor`` cannot kill one worker (a killed
worker breaks the whole pool), hence this small pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import pickle
import signal
import socket
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from postguard.engine import Engine
from postguard.server.logs import log
from postguard.server.worker import HEADER, Job, failure, worker_main

__all__ = ["DEPTH", "CheckPool", "CheckTimeout", "Job", "WorkerDied"]

#: Jobs sent to one worker at once: the one it runs and the next, waiting in its socket.
DEPTH = 2
#: Bytes read from a worker's socket at once.
_READ = 1 << 18


class CheckTimeout(Exception):
    """The check did not finish within the time limit (its worker was stopped if it was running it)."""


class WorkerDied(Exception):
    """The worker died during the check (killed, or crashed in native code)."""


class _Task:
    """One job on its way: its frame (pickled once, sent again if its worker is lost) and its future."""

    __slots__ = ("deadline", "frame", "future", "ident", "timer", "worker")

    def __init__(self, ident: int, frame: bytes, deadline: float, future: asyncio.Future[bytes]) -> None:
        self.ident = ident
        self.frame = frame
        self.deadline = deadline
        self.future = future
        self.timer: asyncio.TimerHandle | None = None
        self.worker: _Worker | None = None


class _Worker:
    def __init__(self, pid: int, sock: socket.socket, generation: int) -> None:
        self.pid = pid
        self.sock = sock
        self.fd = sock.fileno()
        self.generation = generation
        #: The jobs sent and not yet answered, in the order sent: the first is the one running.
        self.sent: deque[_Task] = deque()
        self.inbox = bytearray()
        self.outbox = bytearray()

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0


class CheckPool:
    """``size`` worker processes running jobs against the engine they were forked with.

    :meth:`start`, :meth:`run`, :meth:`renew`, :meth:`heal` and :meth:`close` belong to the
    event loop's thread (the one that calls :meth:`start`).
    """

    def __init__(self, size: int, engine: Callable[[], Engine], depth: int = DEPTH) -> None:
        self.size = max(1, size)
        self.depth = max(1, depth)
        self._engine = engine
        self._generation = 0
        self._workers: list[_Worker] = []
        self._queue: deque[_Task] = deque()
        self._ids = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.restarts = 0

    @property
    def pids(self) -> list[int]:
        return sorted(w.pid for w in self._workers)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for _ in range(self.size):
            self._workers.append(self._spawn())

    async def run(self, deadline: float, job: Job, *args: Any) -> bytes:
        """``job(engine, *args)`` in a worker, answered by ``deadline`` (``time.monotonic()``)."""
        loop = asyncio.get_running_loop()
        ident = next(self._ids)
        frame = pickle.dumps((ident, deadline, job, args), protocol=pickle.HIGHEST_PROTOCOL)
        task = _Task(ident, frame, deadline, loop.create_future())
        task.timer = loop.call_later(max(0.0, deadline - time.monotonic()), self._expire, task)
        self._queue.append(task)
        self._dispatch()
        try:
            return await task.future
        finally:
            task.timer.cancel()
            if task.worker is None and not task.future.done():  # cancelled while waiting for a worker
                with contextlib.suppress(ValueError):
                    self._queue.remove(task)
            # cancelled while sent: the worker answers in vain (or skips it once its deadline passed)

    def renew(self) -> None:
        """Replace every worker (after a reload: new workers fork with the new engine).

        An idle worker is replaced now, a busy one once it has answered what it was sent.
        """
        self._generation += 1
        for worker in list(self._workers):
            if not worker.sent:
                self._replace(worker, None)

    def heal(self) -> int:
        """Replace workers that died without their socket saying so; the number replaced."""
        dead = [w for w in self._workers if not w.alive()]
        for worker in dead:
            log.warning("check worker %d died; starting a new one", worker.pid)
            self._replace(worker, WorkerDied())
        return len(dead)

    def close(self) -> None:
        """Stop every worker; whatever still waits for an answer gets :class:`WorkerDied`."""
        workers, self._workers = self._workers, []
        waiting = [t for w in workers for t in w.sent] + list(self._queue)
        self._queue.clear()
        for worker in workers:
            self._stop(worker)
        for task in waiting:
            _settle(task, WorkerDied())

    # -- the workers ---------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        assert self._loop is not None, "start() the pool first"
        engine = self._engine()
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()  # in the event loop's thread: PR_SET_PDEATHSIG follows the forking thread
        if pid == 0:  # pragma: no cover - the worker's side, covered by the socket tests
            parent.close()
            worker_main(child, engine)
        child.close()
        parent.setblocking(False)
        worker = _Worker(pid, parent, self._generation)
        self._loop.add_reader(worker.fd, self._readable, worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        assert self._loop is not None
        self._loop.remove_reader(worker.fd)
        self._loop.remove_writer(worker.fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(worker.pid, 0)
        worker.sock.close()

    def _replace(self, worker: _Worker, error: Exception | None) -> None:
        """Stop ``worker`` and fork a new one. The job it was running gets ``error`` (if still
        waiting); those it had not started go back to the front of the queue."""
        if worker not in self._workers:
            return
        self._workers.remove(worker)
        self._stop(worker)
        if error is not None:
            self.restarts += 1
        sent = list(worker.sent)
        worker.sent.clear()
        if sent and error is not None:
            _settle(sent[0], error)  # the worker was running it (answers come in order)
        for task in reversed(sent[1:]):
            if not task.future.done():
                task.worker = None
                self._queue.appendleft(task)
        self._workers.append(self._spawn())
        self._dispatch()

    # -- jobs ------------------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Send queued jobs to workers with room: an idle one first, else the least loaded."""
        queue = self._queue
        while queue:
            best: _Worker | None = None
            for worker in self._workers:
                if worker.generation != self._generation:
                    continue  # renewing: answers what it was sent, then is replaced
                if not worker.sent:
                    best = worker
                    break
                if len(worker.sent) < self.depth and (best is None or len(worker.sent) < len(best.sent)):
                    best = worker
            if best is None:
                return
            self._send(best, queue.popleft())

    def _send(self, worker: _Worker, task: _Task) -> None:
        task.worker = worker
        worker.sent.append(task)
        header = HEADER.pack(len(task.frame))
        if worker.outbox:
            worker.outbox += header + task.frame
            return
        try:
            sent = worker.sock.sendmsg([header, task.frame])
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            return  # the worker is gone: its socket's end of file replaces it
        if sent < len(header) + len(task.frame):
            worker.outbox += (header + task.frame)[sent:]
            assert self._loop is not None
            self._loop.add_writer(worker.fd, self._writable, worker)

    def _writable(self, worker: _Worker) -> None:
        try:
            sent = worker.sock.send(worker.outbox)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            sent = len(worker.outbox)  # gone: its end of file replaces it
        del worker.outbox[:sent]
        if not worker.outbox:
            assert self._loop is not None
            self._loop.remove_writer(worker.fd)

    def _readable(self, worker: _Worker) -> None:
        try:
            data = worker.sock.recv(_READ)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            log.warning("check worker %d died; starting a new one", worker.pid)
            self._replace(worker, WorkerDied())
            return
        inbox = worker.inbox
        inbox += data
        while len(inbox) >= HEADER.size:
            (size,) = HEADER.unpack_from(inbox)
            end = HEADER.size + size
            if len(inbox) < end:
                break
            ident, answer = pickle.loads(inbox[HEADER.size : end])
            del inbox[:end]
            if not worker.sent or worker.sent[0].ident != ident:  # cannot happen; never match wrongly
                self._replace(worker, WorkerDied())
                return
            self._answered(worker, answer)
        if worker.generation != self._generation and not worker.sent:
            self._replace(worker, None)
        self._dispatch()

    def _answered(self, worker: _Worker, answer: tuple[Any, ...]) -> None:
        task = worker.sent.popleft()
        if answer[0] == "ok":
            _settle(task, answer[1])
        elif answer[0] == "expired":
            _settle(task, CheckTimeout())
        else:
            _settle(task, failure(answer))

    def _expire(self, task: _Task) -> None:
        """The time limit of ``task`` is up: 503 for it, and its worker stopped if it is running it."""
        if task.future.done():
            return
        worker = task.worker
        if worker is None:
            with contextlib.suppress(ValueError):
                self._queue.remove(task)
        _settle(task, CheckTimeout())
        if worker is not None and worker.sent and worker.sent[0] is task:
            self._replace(worker, CheckTimeout())
        # queued behind another job on its worker: skipped there when its turn comes


def _settle(task: _Task, outcome: bytes | Exception) -> None:
    if task.timer is not None:
        task.timer.cancel()
    if task.future.done():
        return
    if isinstance(outcome, Exception):
        task.future.set_exception(outcome)
    else:
        task.future.set_result(outcome)
