"""Running a check for a request: the body read and the check itself under the time limit.

With a :class:`~postguard.server.pool.CheckPool` (``postguard serve``) the check
runs in a worker process that is stopped when it overruns; without one (an app
embedded with :func:`~postguard.server.app.create_app`) in a thread, which Python
cannot stop: the caller still gets its 503 in time, but the thread runs on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from starlette.requests import ClientDisconnect, Request

from postguard import languagetool as lt
from postguard.errors import PluginError, PostguardError
from postguard.server.logs import log_internal_error
from postguard.server.pool import CheckTimeout, Job, WorkerDied
from postguard.server.responses import ApiError, max_body, too_large
from postguard.server.state import ServerState


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(request.url.path, limit)
        chunks.append(chunk)
    return b"".join(chunks)


class Disconnected(Exception):
    """The client went away before its request was read: nothing to answer, nothing to log."""


async def run_check(
    state: ServerState,
    request: Request,
    job: Job,
    *args: Any,
    read: bool = True,
    extra_time: Callable[[bytes], float] | None = None,
) -> bytes:
    """Read the body and run ``job(engine, *args, body)``, all within the time limit.

    The body may have :func:`~postguard.server.responses.max_body` bytes; ``extra_time(body)`` adds
    seconds to the limit once the body is read (images take longer than text).
    """
    timeout = state.timeout
    deadline = time.monotonic() + timeout
    try:
        with anyio.fail_after(timeout):
            limit = max_body(request.url.path, state.max_text_length)
            body = await read_body(request, limit) if read else b""
        if extra_time is not None:
            more = extra_time(body)
            deadline += more
            timeout += more
        pool = state.pool
        if pool is not None:
            return await pool.run(deadline, job, *_with_body(args, body))
        engine = state.ready_engine
        with anyio.fail_after(max(0.0, deadline - time.monotonic())):
            return await anyio.to_thread.run_sync(
                lambda: job(engine, *_with_body(args, body)), limiter=state.limiter, abandon_on_cancel=True
            )
    except (TimeoutError, CheckTimeout):
        raise ApiError(
            503, f"the check did not finish within {timeout:g} s; try again or send less text"
        ) from None
    except WorkerDied:
        raise ApiError(503, "the check worker stopped during the check; try again") from None
    except ClientDisconnect:
        raise Disconnected from None
    except PluginError as exc:
        log_internal_error(exc.__cause__ or exc, request.method, request.url.path)
        raise ApiError(500, f"{exc} (see the server log)") from None
    except (ApiError, PostguardError, lt.LanguageToolError):
        raise
    except Exception as exc:
        log_internal_error(exc, request.method, request.url.path)
        raise ApiError(500, "internal error (see the server log)") from None


def _with_body(args: tuple[Any, ...], body: bytes) -> tuple[Any, ...]:
    """The job's arguments: the body goes after the first (the text limit), before the rest."""
    return (args[0], body, *args[1:])
