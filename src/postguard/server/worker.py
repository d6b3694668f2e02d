"""The check worker process's side of :mod:`postguard.server.pool`: read jobs, run them, answer.

A worker reads length-prefixed frames from its socket, one job each, in the order
they were sent, and answers each with one frame in the same order. A frame is a
4-byte big-endian length and a pickle: ``(id, deadline, job, args)`` in,
``(id, outcome)`` out, where ``outcome`` is ``("ok", json_bytes)`` or an error
(see :func:`outcome`). A job whose ``deadline`` (``time.monotonic()``, one clock
for every process of the machine) has passed when its turn comes is not run: its
caller has had its 503 already. Draft text only ever crosses the socket, never a log.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import socket
import struct
import time
from collections.abc import Callable
from typing import Any, NoReturn

from postguard import languagetool as lt
from postguard.engine import Engine
from postguard.errors import PluginError, PostguardError
from postguard.server.logs import log_internal_error
from postguard.server.responses import ApiError

#: A job: a module-level function called in a worker as ``job(engine, *args)``; it returns the answer.
Job = Callable[..., bytes]

#: The length in front of every frame.
HEADER = struct.Struct("!I")


def send_frame(sock: socket.socket, payload: bytes) -> None:
    """Send one frame on a blocking socket (header and payload in one system call, no copy)."""
    header = HEADER.pack(len(payload))
    sent = sock.sendmsg([header, payload])
    if sent < len(header) + len(payload):
        sock.sendall(memoryview(header + payload)[sent:])


def worker_main(sock: socket.socket, engine: Engine) -> NoReturn:  # pragma: no cover - the child
    """The worker: answer jobs until the socket closes; never returns."""
    code = 0
    try:
        engine.nlp.after_fork()  # first: drops the server's database connections, closing their files
        detach(sock.fileno())
        frames = sock.makefile("rb")
        while True:
            head = frames.read(HEADER.size)
            if len(head) < HEADER.size:
                break  # the server closed the socket: stop
            (size,) = HEADER.unpack(head)
            data = frames.read(size)
            if len(data) < size:
                break
            ident, deadline, job, args = pickle.loads(data)
            answer = ("expired",) if time.monotonic() >= deadline else outcome(job, engine, args)
            send_frame(sock, pickle.dumps((ident, answer), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def outcome(job: Job, engine: Engine, args: tuple[Any, ...]) -> tuple[Any, ...]:  # pragma: no cover
    """``("ok", answer)``, or what :func:`failure` turns back into the exception."""
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


def failure(answer: tuple[Any, ...]) -> Exception:
    """The exception a worker's answer other than ``("ok", ...)`` stands for, in the server."""
    kind = answer[0]
    if kind == "api":
        return ApiError(answer[1], answer[2])
    if kind == "lt":
        return lt.LanguageToolError(answer[2], answer[1])
    if kind == "user":
        return PostguardError(answer[1])
    if kind == "plugin":
        return ApiError(500, answer[1])
    return ApiError(500, "internal error (see the server log)")


def detach(keep: int) -> None:  # pragma: no cover - runs in the child
    """Make a forked worker independent of the server's sockets, threads and signals."""
    gc.freeze()  # objects of the parent (sockets, the event loop) are never collected here
    os.closerange(3, keep)  # client connections and the listening socket stay the server's alone
    os.closerange(keep + 1, 65536)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the server stops its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the server
    if os.getppid() == 1:
        os._exit(0)
