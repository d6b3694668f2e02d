"""The server's error and JSON shapes: :class:`ApiError`, :func:`error_response`, raw JSON bytes."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from starlette.responses import JSONResponse, PlainTextResponse, Response

from postguard import languagetool as lt
from postguard.errors import PostguardError


class Disconnected(Exception):
    """The client went away before its request was read: nothing to answer, nothing to log."""


class ApiError(Exception):
    """A refused request: ``status`` and a message for the caller (never containing draft text)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def body_limit(max_text_length: int) -> int:
    """Bytes a request body may have: the longest text, fully escaped (12 bytes a character), plus 64 KiB."""
    return 12 * max_text_length + 65536


@functools.lru_cache(maxsize=64)
def max_body(path: str, max_text_length: int) -> int:
    """The one body limit of every endpoint: :func:`body_limit`, and for ``/v1/check`` its images too.

    The guard checks ``Content-Length`` against it and the body reader counts against it while
    reading (chunked bodies), so both refuse with the same :func:`too_large` answer.
    """
    if path == "/v1/check":
        from postguard.server.images import body_allowance

        return body_limit(max_text_length) + body_allowance()
    return body_limit(max_text_length)


def too_large(path: str, limit: int) -> ApiError:
    """The 413 for a body over ``limit``: says the limit, so a client knows what to send instead."""
    what = "text and images" if path == "/v1/check" else "text"
    return ApiError(
        413, f"the request body is too large: {path} accepts at most {limit:,} bytes ({what}, encoded)"
    )


def error_response(path: str, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The one error shape: ``Error: ...`` as text under ``/v2`` (LanguageTool), else JSON ``{"error"}``."""
    if path.startswith("/v2/"):
        return PlainTextResponse(f"Error: {message}", status_code=status, headers=headers)
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def refusal(path: str, exc: Exception) -> Response | None:
    """The answer to a refused request: one mapping for the app's exception handlers and the check
    endpoints (:class:`~postguard.errors.PostguardError`: the caller's input, 400); ``None`` for
    any other exception."""
    if isinstance(exc, Disconnected):
        return Response(status_code=400)  # nobody is listening; not an internal error
    if isinstance(exc, ApiError):
        return error_response(path, exc.status, exc.message)
    if isinstance(exc, lt.LanguageToolError):
        return error_response(path, exc.status, str(exc))
    if isinstance(exc, PostguardError):
        return error_response(path, 400, str(exc))
    return None


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON, as ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))`` writes
    it, in a twentieth of the time (orjson: the check workers encode every answer)."""
    return orjson.dumps(data)
