"""Running a check for a request: the body read and the check itself under the time limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request

from postguard import languagetool as lt
from postguard.errors import PostguardError
from postguard.server.images import body_allowance
from postguard.server.logs import log_internal_error
from postguard.server.responses import ApiError, body_limit
from postguard.server.state import ServerState

T = TypeVar("T")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "the request body is too large")
        chunks.append(chunk)
    return b"".join(chunks)


async def run_limited(
    state: ServerState,
    request: Request,
    work: Callable[[bytes], T],
    *,
    read: bool = True,
    extra_time: Callable[[bytes], float] | None = None,
) -> T:
    """Read the body and run ``work(body)`` in a worker thread, all within the time limit.

    ``extra_time(body)`` adds seconds to the limit once the body is read (images take longer than text).
    """
    try:
        with anyio.fail_after(state.timeout) as scope:
            limit = body_limit(state.max_text_length)
            if request.url.path == "/v1/check":
                limit += body_allowance()  # images sent with the draft
            body = await read_body(request, limit) if read else b""
            if extra_time is not None:
                scope.deadline += extra_time(body)
            return await anyio.to_thread.run_sync(work, body, limiter=state.limiter, abandon_on_cancel=True)
    except TimeoutError:
        raise ApiError(
            503, f"the check did not finish within {state.timeout:g} s; try again or send less text"
        ) from None
    except (ApiError, PostguardError, lt.LanguageToolError):
        raise
    except Exception as exc:
        log_internal_error(exc, request.method, request.url.path)
        raise ApiError(500, "internal error (see the server log)") from None
