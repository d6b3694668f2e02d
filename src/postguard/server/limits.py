"""Running a check for a request: the body read and the check itself under the time limit.

With a :class:`~postguard.server.pool.CheckPool` (``postguard serve``) the check
runs in a worker process that is stopped when it overruns; without one (an app
embedded with :func:`~postguard.server.app.create_app`) in a thread, which Python
cannot stop: the caller still gets its 503 in time, but the thread runs on.

The check endpoints are raw ASGI (:class:`CheckEndpoint`): the guard calls them
directly, without Starlette's routing and middleware, because every check passes
here and the serving process's CPU per request is what bounds the latency at a
high rate (docs/benchmarks.md). Starlette's routes hold the same objects, so a
check answers the same whichever way it came.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from starlette.types import Receive, Scope, Send

from postguard import languagetool as lt
from postguard.errors import PluginError, PostguardError
from postguard.server.logs import log_internal_error
from postguard.server.pool import CheckTimeout, Job, WorkerDied
from postguard.server.responses import ApiError, Disconnected, max_body, refusal, too_large
from postguard.server.state import ServerState

#: The headers of every answer of a check (the guard adds its own after them).
_JSON = (b"content-type", b"application/json")


async def read_body(receive: Receive, path: str, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds ``limit`` bytes.

    :class:`~postguard.server.responses.Disconnected` if the client goes away before it is complete.
    """
    message = await receive()
    if message["type"] != "http.request":
        raise Disconnected
    body: bytes = message.get("body", b"")
    if len(body) > limit:
        raise too_large(path, limit)
    if not message.get("more_body", False):
        return body  # the usual case: the whole body in one message
    chunks = [body]
    size = len(body)
    while message.get("more_body", False):
        message = await receive()
        if message["type"] != "http.request":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(path, limit)
        chunks.append(chunk)
    return b"".join(chunks)


class CheckEndpoint:
    """A check endpoint as an ASGI app: read the body, run ``job`` under the time limit, answer.

    ``args(state, scope)`` gives the job's arguments besides the engine and the body (which
    goes second, after the text limit); ``extra_time(body)`` adds seconds to the limit once the
    body is read (images take longer than text). Refusals answer as the app's exception
    handlers would (:func:`~postguard.server.responses.refusal`).
    """

    def __init__(
        self,
        job: Job,
        args: Callable[[ServerState, Scope], tuple[Any, ...]],
        *,
        read: Callable[[Scope], bool] = lambda scope: True,
        extra_time: Callable[[bytes], float] | None = None,
    ) -> None:
        self.job = job
        self.args = args
        self.read = read
        self.extra_time = extra_time

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state: ServerState = scope["app"].state.postguard
        try:
            answer = await run_check(
                state,
                scope,
                receive,
                self.job,
                *self.args(state, scope),
                read=self.read(scope),
                extra_time=self.extra_time,
            )
        except Exception as exc:
            response = refusal(scope["path"], exc)
            if response is None:
                raise
            await response(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", b"%d" % len(answer)), _JSON],
            }
        )
        await send({"type": "http.response.body", "body": answer})


async def run_check(
    state: ServerState,
    scope: Scope,
    receive: Receive,
    job: Job,
    *args: Any,
    read: bool = True,
    extra_time: Callable[[bytes], float] | None = None,
) -> bytes:
    """Read the body and run ``job(engine, *args, body)``, all within the time limit.

    The body may have :func:`~postguard.server.responses.max_body` bytes; ``extra_time(body)`` adds
    seconds to the limit once the body is read (images take longer than text).
    """
    path: str = scope["path"]
    timeout = state.timeout
    deadline = time.monotonic() + timeout
    try:
        if read:
            async with asyncio.timeout(timeout):
                body = await read_body(receive, path, max_body(path, state.max_text_length))
        else:
            body = b""
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
    except PluginError as exc:
        log_internal_error(exc.__cause__ or exc, scope["method"], path)
        raise ApiError(500, f"{exc} (see the server log)") from None
    except (ApiError, PostguardError, lt.LanguageToolError, Disconnected):
        raise
    except Exception as exc:
        log_internal_error(exc, scope["method"], path)
        raise ApiError(500, "internal error (see the server log)") from None


def _with_body(args: tuple[Any, ...], body: bytes) -> tuple[Any, ...]:
    """The job's arguments: the body goes after the first (the text limit), before the rest."""
    return (args[0], body, *args[1:])
