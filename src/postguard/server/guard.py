"""The security rules, enforced before any endpoint runs (pure ASGI, the outermost layer).

A loopback ``Host`` header (DNS rebinding), CORS only for extension origins and
the configured ones, the optional bearer token, the body limit of every endpoint
(from ``Content-Length``, and counted while an endpoint reads a chunked body),
and the last error boundary, which never logs request data.
"""

from __future__ import annotations

import hmac
import re

from starlette.datastructures import Headers, MutableHeaders
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


class Guard:
    """Outermost ASGI middleware: Host, Origin/CORS, token, body size, and the last error boundary."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = self.state
        path: str = scope["path"]
        method: str = scope["method"]
        headers = Headers(scope=scope)
        host = headers.get("host")
        if not state.allow_remote and not is_loopback_host(host):
            await error_response(path, 403, "the Host header must name this machine (localhost)")(
                scope, receive, send
            )
            return
        cors: dict[str, str] = {}
        origin = headers.get("origin")
        if origin is not None:
            if not origin_allowed(state, origin, host):
                await error_response(path, 403, "this origin is not allowed")(scope, receive, send)
                return
            cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
            if method == "OPTIONS" and "access-control-request-method" in headers:
                await self._preflight(cors, headers, scope, receive, send)
                return
        elif headers.get("sec-fetch-site") in _CROSS_SITE and not (
            headers.get("sec-fetch-mode") == "navigate" and _token_free(path)
        ):
            # Another site's <img>, <script>, form or no-cors fetch (no Origin header): refused before
            # any check runs, in the same time whatever it asks, so its timing says nothing of the pack.
            await error_response(path, 403, "requests from other sites are refused")(scope, receive, send)
            return
        if state.token and not _token_free(path) and not _token_ok(headers.get("authorization"), state.token):
            challenge = {"WWW-Authenticate": 'Bearer realm="postguard"', **cors}
            await error_response(
                path, 401, "a valid token is required (Authorization: Bearer ...)", challenge
            )(scope, receive, send)
            return
        length = headers.get("content-length")
        limit = max_body(path, state.max_text_length)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await error_response(path, 413, too_large(path, limit).message, cors)(scope, receive, send)
            return
        started = False
        received = 0

        async def counted_receive() -> Message:
            # chunked bodies (no Content-Length) are counted as they arrive, for every endpoint
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(path, limit)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                h = MutableHeaders(scope=message)
                for k, v in cors.items():
                    h[k] = v
                h.setdefault("X-Content-Type-Options", "nosniff")
                h.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
                h.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except ApiError as exc:  # a body over the limit, read by an endpoint without a handler for it
            if not started:
                await error_response(path, exc.status, exc.message, cors)(scope, receive, send)
        except Exception as exc:
            log_internal_error(exc, method, path)
            if not started:
                await error_response(path, 500, "internal error (see the server log)", cors)(
                    scope, receive, send
                )

    @staticmethod
    async def _preflight(
        cors: dict[str, str], headers: Headers, scope: Scope, receive: Receive, send: Send
    ) -> None:
        out = {
            **cors,
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type",
            "Access-Control-Max-Age": "600",
        }
        if headers.get("access-control-request-private-network") == "true":
            out["Access-Control-Allow-Private-Network"] = "true"
        await Response(status_code=204, headers=out)(scope, receive, send)


def _token_free(path: str) -> bool:
    return path in TOKEN_FREE or path.startswith(TOKEN_FREE_PREFIXES)


def _token_ok(header: str | None, token: str) -> bool:
    scheme, _, value = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
