"""The security rules, enforced before any endpoint runs (pure ASGI, the outermost layer).

A loopback ``Host`` header (DNS rebinding), CORS only for extension origins and
the configured ones, the optional bearer token, the body limit of every endpoint
(from ``Content-Length``, and counted while an endpoint reads a chunked body),
and the last error boundary, which never logs request data.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from postguard.server.logs import log_internal_error
from postguard.server.responses import ApiError, error_response, max_body, too_large
from postguard.server.state import ServerState

#: The postguard extension in Chromium browsers: its id follows from the public ``key`` in
#: browser-extension/manifest.json (a test recomputes it), so no other extension may read findings.
CHROMIUM_EXTENSION_ID = "kkfhaadabojjbfffpckfmddoldphjpfg"
EXTENSION_ORIGINS = frozenset({f"chrome-extension://{CHROMIUM_EXTENSION_ID}"})
#: Firefox gives each installation of an add-on its own random UUID origin (the gecko id
#: postguard@postguard.invalid is not sent), so a server cannot pin it: moz-extension origins are
#: allowed unless ``[server].allow_origins`` lists moz-extension origins, then only those.
_MOZ_EXTENSION_ORIGIN = re.compile(
    r"moz-extension://[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
#: What a browser says about a request that another site made (Fetch Metadata).
_CROSS_SITE = ("cross-site", "same-site")
#: Paths that need no token: the paste page shell (it asks for the token) and the liveness probe.
TOKEN_FREE = ("/", "/v2/healthcheck")
TOKEN_FREE_PREFIXES = ("/static/",)
_LOOPBACK_HOST = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?", re.IGNORECASE)


def is_loopback_host(host: str | None) -> bool:
    """Is a ``Host`` header a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``, with any port)?"""
    return bool(host) and _LOOPBACK_HOST.fullmatch(host or "") is not None


def origin_allowed(state: ServerState, origin: str, host: str | None) -> bool:
    """May a page or extension of ``origin`` read answers (CORS)?"""
    configured = {o.rstrip("/") for o in state.config.server.allow_origins}
    if origin in EXTENSION_ORIGINS or origin.rstrip("/") in configured:
        return True
    if _MOZ_EXTENSION_ORIGIN.fullmatch(origin):
        return not any(o.startswith("moz-extension://") for o in configured)
    return bool(host) and origin.lower() == f"http://{(host or '').lower()}"  # same origin: the paste page


#: The headers the guard reads (a request's first of each counts, as in Starlette's ``Headers``).
_READ = frozenset(
    {
        b"host",
        b"origin",
        b"sec-fetch-site",
        b"sec-fetch-mode",
        b"authorization",
        b"content-length",
        b"access-control-request-method",
        b"access-control-request-private-network",
    }
)
#: Added to every answer unless the endpoint set them.
_SECURITY = (
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
)

_CORS = (b"access-control-allow-origin", b"vary")


class Guard:
    """Outermost ASGI middleware: Host, Origin/CORS, token, body size, and the last error boundary.

    ``direct`` maps ``(method, path)`` to an ASGI app that the guard calls itself once a request
    has passed, skipping Starlette's routing and middleware (the check endpoints, which handle
    their own refusals: :class:`~postguard.server.limits.CheckEndpoint`).
    """

    def __init__(
        self, app: ASGIApp, state: ServerState, direct: Mapping[tuple[str, str], ASGIApp] | None = None
    ) -> None:
        self.app = app
        self.state = state
        self.direct = dict(direct or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = self.state
        path: str = scope["path"]
        method: str = scope["method"]
        headers: dict[bytes, str] = {}
        for key, value in scope["headers"]:
            if key in _READ and key not in headers:
                headers[key] = value.decode("latin-1")
        host = headers.get(b"host")
        if not state.allow_remote and not is_loopback_host(host):
            await error_response(path, 403, "the Host header must name this machine (localhost)")(
                scope, receive, send
            )
            return
        cors: tuple[tuple[bytes, bytes], ...] = ()
        origin = headers.get(b"origin")
        if origin is not None:
            if not origin_allowed(state, origin, host):
                await error_response(path, 403, "this origin is not allowed")(scope, receive, send)
                return
            cors = ((b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin"))
            if method == "OPTIONS" and b"access-control-request-method" in headers:
                await self._preflight(origin, headers, scope, receive, send)
                return
        elif headers.get(b"sec-fetch-site") in _CROSS_SITE and not (
            headers.get(b"sec-fetch-mode") == "navigate" and _token_free(path)
        ):
            # Another site's <img>, <script>, form or no-cors fetch (no Origin header): refused before
            # any check runs, in the same time whatever it asks, so its timing says nothing of the pack.
            await error_response(path, 403, "requests from other sites are refused")(scope, receive, send)
            return
        token = state.token
        if token and not _token_free(path) and not _token_ok(headers.get(b"authorization"), token):
            challenge = {"WWW-Authenticate": 'Bearer realm="postguard"', **_text(cors)}
            await error_response(
                path, 401, "a valid token is required (Authorization: Bearer ...)", challenge
            )(scope, receive, send)
            return
        length = headers.get(b"content-length")
        limit = max_body(path, state.max_text_length)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await error_response(path, 413, too_large(path, limit).message, _text(cors))(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = _with_guard_headers(message.get("headers", ()), cors)
            await send(message)

        direct = self.direct.get((method, path))
        try:
            if direct is not None:
                await direct(scope, receive, send_with_headers)  # it reads the body within the limit
            else:
                await self.app(scope, _counted(receive, path, limit), send_with_headers)
        except ApiError as exc:  # a body over the limit, read by an endpoint without a handler for it
            if not started:
                await error_response(path, exc.status, exc.message, _text(cors))(scope, receive, send)
        except Exception as exc:
            log_internal_error(exc, method, path)
            if not started:
                await error_response(path, 500, "internal error (see the server log)", _text(cors))(
                    scope, receive, send
                )

    @staticmethod
    async def _preflight(
        origin: str, headers: dict[bytes, str], scope: Scope, receive: Receive, send: Send
    ) -> None:
        out = {
            "Access-Control-Allow-Origin": origin,
            "Vary": "Origin",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type",
            "Access-Control-Max-Age": "600",
        }
        if headers.get(b"access-control-request-private-network") == "true":
            out["Access-Control-Allow-Private-Network"] = "true"
        await Response(status_code=204, headers=out)(scope, receive, send)


def _counted(receive: Receive, path: str, limit: int) -> Receive:
    """``receive`` counting the body (chunked bodies have no Content-Length), for every endpoint."""
    received = 0

    async def counted_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(path, limit)
        return message

    return counted_receive


def _with_guard_headers(
    headers: Iterable[tuple[bytes, bytes]], cors: tuple[tuple[bytes, bytes], ...]
) -> list[tuple[bytes, bytes]]:
    """An answer's headers with the CORS grant (replacing any the endpoint set) and the security
    headers the endpoint did not set."""
    out = [h for h in headers if h[0] not in _CORS] if cors else list(headers)
    names = {name for name, _ in out}
    out.extend(cors)
    out.extend(h for h in _SECURITY if h[0] not in names)
    return out


def _text(cors: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in cors}


def _token_free(path: str) -> bool:
    return path in TOKEN_FREE or path.startswith(TOKEN_FREE_PREFIXES)


def _token_ok(header: str | None, token: str) -> bool:
    scheme, _, value = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
