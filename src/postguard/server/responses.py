"""The server's error and JSON shapes: :class:`ApiError`, :func:`error_response`, raw JSON bytes."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response


class ApiError(Exception):
    """A refused request: ``status`` and a message for the caller (never containing draft text)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def body_limit(max_text_length: int) -> int:
    """Bytes a request body may have: the longest text, fully escaped (12 bytes a character), plus 64 KiB."""
    return 12 * max_text_length + 65536


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


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON (what :class:`RawJSON` sends)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class RawJSON(Response):
    """A response whose body is already JSON bytes (built in the check thread)."""

    media_type = "application/json"
