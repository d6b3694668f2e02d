"""``postguard serve``: the local HTTP endpoint.

:func:`create_app` builds a Starlette app: the JSON API (``/v1``), the
LanguageTool-compatible API (``/v2``, see :mod:`postguard.languagetool`), the
paste page (``/``, ``/static/...``) and its OpenAPI description.

* The engine is built once (in the lifespan, or by the caller) and kept warm.
  Checks run in a worker thread under a time limit, so the event loop is never
  blocked and a slow check cannot wedge the server.
* Hot reload: a background task stats the config file and every pack file once
  a second; a change builds a new engine in a thread and swaps it in. A broken
  edit keeps the old engine serving; the error goes to the log and to
  ``/v1/health``.
* :class:`Guard` (pure ASGI, outermost) enforces the security rules: a loopback
  ``Host`` header (DNS rebinding), CORS only for extension origins and the
  configured ones, the optional bearer token, the body limit, and a last-resort
  error boundary that never logs request data.

Draft text is never logged: uvicorn's access log goes through
:class:`RedactQuery`, which drops query strings.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
import re
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from postguard import __version__
from postguard import languagetool as lt
from postguard.config import Config, load_config
from postguard.engine import Engine
from postguard.errors import PostguardError
from postguard.model import Extracted, LineIndex

log = logging.getLogger("postguard.server")

T = TypeVar("T")

WEB_DIR = Path(__file__).parent / "web"
#: Browser-extension origins (Chromium: 32 letters a-p; Firefox: a UUID).
_EXTENSION_ORIGIN = re.compile(r"(?:chrome-extension|moz-extension)://[A-Za-z0-9-]+")
#: Paths that need no token: the paste page shell (it asks for the token) and the liveness probe.
TOKEN_FREE = ("/", "/v2/healthcheck")
TOKEN_FREE_PREFIXES = ("/static/",)
_LOOPBACK_HOST = re.compile(r"(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?", re.IGNORECASE)
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|„[^“\n]*“")
_WARM_UP = (("de", "Wir freuen uns auf das Treffen mit dem Team."), ("en", "We are proud of the team."))


class ApiError(Exception):
    """A refused request: ``status`` and a message for the caller (never containing draft text)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback_host(host: str | None) -> bool:
    """Is a ``Host`` header a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``, with any port)?"""
    return bool(host) and _LOOPBACK_HOST.fullmatch(host or "") is not None


def body_limit(max_text_length: int) -> int:
    """Bytes a request body may have: the longest text, fully escaped (12 bytes a character), plus 64 KiB."""
    return 12 * max_text_length + 65536


def error_response(path: str, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The one error shape: ``Error: ...`` as text under ``/v2`` (LanguageTool), else JSON ``{"error"}``."""
    if path.startswith("/v2/"):
        return PlainTextResponse(f"Error: {message}", status_code=status, headers=headers)
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def redact(message: str) -> str:
    """A reload error for callers: quoted values (which may be pack terms) replaced by ``'…'``."""
    return _QUOTED.sub("'…'", message)


def log_internal_error(exc: BaseException, method: str, path: str) -> None:
    """Log a bug without the exception's message (it could quote the draft): type and stack only."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("internal error in %s %s: %s\n%s", method, path, type(exc).__name__, stack.rstrip())


class RedactQuery(logging.Filter):
    """Drops the query string from uvicorn access-log records (``GET /v2/check?text=...``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?[redacted]", *args[3:])
        return True


def install_log_redaction() -> None:
    """Attach :class:`RedactQuery` to uvicorn's access logger (idempotent)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQuery) for f in access.filters):
        access.addFilter(RedactQuery())


# -- engine state and hot reload ------------------------------------------------


def build_engine(config: Config, previous: Engine | None = None) -> Engine:
    """A warmed-up engine; reuses the previous one's language pipelines when it can."""
    nlp = previous.nlp if previous and previous.config.spacy_models == config.spacy_models else None
    return warm_up(Engine(config, nlp=nlp))


def warm_up(engine: Engine) -> Engine:
    """Check a sentence in each language, so that the first request does not pay for loading."""
    from postguard.pipeline import lint

    for lang, text in _WARM_UP:
        lint(engine, text, lang=lang, extracted=Extracted(text=text))
    return engine


Stamp = tuple[tuple[int, int, int] | None, ...]


def _stamp(paths: Sequence[Path]) -> Stamp:
    out: list[tuple[int, int, int] | None] = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            out.append(None)
        else:
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


class ServerState:
    """The serving engine and what the guard needs; swapped as a whole on reload."""

    def __init__(
        self,
        config: Config,
        *,
        engine: Engine | None = None,
        token: str | None = None,
        allow_remote: bool = False,
        threads: int = 4,
    ) -> None:
        self.config = config
        self.engine = engine
        self.token_override = token
        self.allow_remote = allow_remote
        self.limiter = anyio.CapacityLimiter(max(1, threads))
        self.last_reload_error: str | None = None
        self.reloads = 0
        self.paths: tuple[Path, ...] = ()
        self.stamp: Stamp = ()
        self._watch(config)

    def _watch(self, config: Config) -> None:
        self.paths = ((config.path,) if config.path else ()) + tuple(config.pack_paths)
        self.stamp = _stamp(self.paths)

    @property
    def token(self) -> str | None:
        return self.token_override or self.config.server.token

    @property
    def ready_engine(self) -> Engine:
        if self.engine is None:
            raise ApiError(503, "the engine is still loading")
        return self.engine

    def changed(self) -> bool:
        return _stamp(self.paths) != self.stamp

    def reload(self) -> bool:
        """Rebuild the engine from the files (call in a worker thread). True if a new engine serves."""
        stamp = _stamp(self.paths)
        self.stamp = stamp
        try:
            config = load_config(self.config.path) if self.config.path else self.config
            engine = build_engine(config, self.engine)
        except PostguardError as exc:
            self.last_reload_error = str(exc)
            log.error("reload failed, still serving the previous rules: %s", exc)
            return False
        except Exception as exc:  # a plugin bug must not take the server down either
            self.last_reload_error = f"{type(exc).__name__} while loading the rules (see the server log)"
            log_internal_error(exc, "RELOAD", str(self.config.path or "packs"))
            return False
        self.config = config
        self.engine = engine
        self.paths = ((config.path,) if config.path else ()) + tuple(config.pack_paths)
        self.stamp = stamp if len(stamp) == len(self.paths) else _stamp(self.paths)
        self.last_reload_error = None
        self.reloads += 1
        log.info("reloaded the rules (pack fingerprint %s)", engine.fingerprint)
        return True

    async def watch(self, interval: float) -> None:
        """Poll the watched files' stat every ``interval`` seconds and reload on a change."""
        while True:
            await anyio.sleep(interval)
            if self.changed():
                await anyio.to_thread.run_sync(self.reload)

    @property
    def max_text_length(self) -> int:
        return self.config.server.max_text_length

    @property
    def timeout(self) -> float:
        return self.config.server.timeout

    def origin_allowed(self, origin: str, host: str | None) -> bool:
        if _EXTENSION_ORIGIN.fullmatch(origin):
            return True
        if origin.rstrip("/") in {o.rstrip("/") for o in self.config.server.allow_origins}:
            return True
        return (
            bool(host) and origin.lower() == f"http://{(host or '').lower()}"
        )  # same origin: the paste page


# -- security -------------------------------------------------------------------


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
            if not state.origin_allowed(origin, host):
                await error_response(path, 403, "this origin is not allowed")(scope, receive, send)
                return
            cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
            if method == "OPTIONS" and "access-control-request-method" in headers:
                await self._preflight(cors, headers, scope, receive, send)
                return
        if state.token and not _token_free(path) and not _token_ok(headers.get("authorization"), state.token):
            challenge = {"WWW-Authenticate": 'Bearer realm="postguard"', **cors}
            await error_response(
                path, 401, "a valid token is required (Authorization: Bearer ...)", challenge
            )(scope, receive, send)
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > body_limit(state.max_text_length)):
            await error_response(path, 413, "the request body is too large", cors)(scope, receive, send)
            return
        started = False

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
            await self.app(scope, receive, send_with_headers)
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


# -- helpers for endpoints ----------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "the request body is too large")
        chunks.append(chunk)
    return b"".join(chunks)


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class RawJSON(Response):
    media_type = "application/json"


async def run_limited(
    state: ServerState, request: Request, work: Callable[[bytes], T], *, read: bool = True
) -> T:
    """Read the body and run ``work(body)`` in a worker thread, all within the time limit."""
    try:
        with anyio.fail_after(state.timeout):
            body = await read_body(request, body_limit(state.max_text_length)) if read else b""
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


# -- the app ----------------------------------------------------------------------


def create_app(
    config: Config | None = None,
    *,
    engine: Engine | None = None,
    token: str | None = None,
    allow_remote: bool = False,
    reload_interval: float = 1.0,
    threads: int = 4,
    web_dir: Path | None = None,
) -> Starlette:
    """The server app. Without ``engine`` the lifespan builds one from ``config``.

    ``reload_interval`` <= 0 switches hot reload off. ``token`` overrides the
    config's ``[server].token``.
    """
    config = config or (engine.config if engine else Config())
    state = ServerState(config, engine=engine, token=token, allow_remote=allow_remote, threads=threads)
    web = web_dir or WEB_DIR

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if state.engine is None:
            state.engine = await anyio.to_thread.run_sync(build_engine, state.config)
        async with anyio.create_task_group() as tg:
            if reload_interval > 0:
                tg.start_soon(state.watch, reload_interval)
            yield
            tg.cancel_scope.cancel()

    async def v1_check(request: Request) -> Response:
        eng = state.ready_engine

        def work(body: bytes) -> bytes:
            from postguard.formatters.json import finding_dict
            from postguard.pipeline import lint, parse_moment

            args = _check_args(body, state.max_text_length)
            text = args["text"]
            publish_at = parse_moment(args["publish_at"], "publish_at") if args.get("publish_at") else None
            report = lint(
                eng,
                text,
                name="<request>",
                channel=args.get("channel"),
                kind=args.get("kind"),
                lang=args.get("lang"),
                publish_at=publish_at,
                extracted=Extracted(text=text),
            )
            index = LineIndex(text)
            return _json_bytes(
                {
                    "findings": [finding_dict(f, text, index) for f in report.findings],
                    "language": report.language,
                    "pack_fingerprint": eng.fingerprint,
                }
            )

        return RawJSON(await run_limited(state, request, work))

    async def v1_health(request: Request) -> Response:
        eng = state.engine
        err = state.last_reload_error
        return JSONResponse(
            {
                "status": "loading" if eng is None else ("degraded" if err else "ok"),
                "version": __version__,
                "rule_count": len(eng.rules) if eng else 0,
                "pack_fingerprint": eng.fingerprint if eng else "",
                "last_reload_error": redact(err) if err else None,
            }
        )

    async def v1_rules(request: Request) -> Response:
        eng = state.ready_engine
        rules = [
            {
                "id": r.id,
                "name": r.name,
                "category": r.category,
                "severity": r.severity.value,
                "enabled": r.id not in eng.base_selection.disabled,
                "docs": {
                    lang: {"name": d.name, "what": d.what, "why": d.why, "fix": d.fix, "example": d.example}
                    for lang, d in sorted(r.docs.items())
                },
            }
            for r in eng.rules.values()
        ]
        return JSONResponse({"rules": rules})

    async def v1_channels(request: Request) -> Response:
        eng = state.ready_engine
        channels = [{"name": c.name, "business": c.business} for c in eng.packs.channels.values()]
        return JSONResponse({"channels": channels})

    async def v2_check(request: Request) -> Response:
        eng = state.ready_engine
        query = request.scope.get("query_string", b"").decode("latin-1")

        def work(body: bytes) -> bytes:
            from postguard.nlp import detect_language
            from postguard.pipeline import lint

            req = lt.parse_check(lt.parse_params(body, query), eng.rules, state.max_text_length)
            extracted = req.extracted or Extracted(text=req.source)
            report = lint(
                eng, req.source, name="<request>", lang=req.lang, selection=req.selection, extracted=extracted
            )
            guess = detect_language(extracted.text)
            total = sum(guess.scores.values())
            confidence = max(guess.scores.values()) / total if total else 0.5
            return _json_bytes(
                lt.check_response(
                    request=req,
                    findings=report.findings,
                    language=report.language,
                    detected=guess.lang,
                    confidence=confidence,
                    rules=eng.rules,
                    version=__version__,
                )
            )

        return RawJSON(await run_limited(state, request, work, read=request.method == "POST"))

    async def v2_languages(request: Request) -> Response:
        return JSONResponse(list(lt.LANGUAGES))

    async def v2_info(request: Request) -> Response:
        return JSONResponse({"software": lt.software(__version__)})

    async def v2_healthcheck(request: Request) -> Response:
        return PlainTextResponse("OK")

    async def v2_maxtextlength(request: Request) -> Response:
        return PlainTextResponse(str(state.max_text_length))

    async def index(request: Request) -> Response:
        return _static_file(web, "index.html", request.url.path)

    async def static(request: Request) -> Response:
        return _static_file(web, request.path_params["path"], request.url.path)

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def on_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, ApiError):
            return error_response(request.url.path, exc.status, exc.message)
        if isinstance(exc, lt.LanguageToolError):
            return error_response(request.url.path, exc.status, str(exc))
        if isinstance(exc, HTTPException):
            return error_response(
                request.url.path, exc.status_code, str(exc.detail).lower(), dict(exc.headers or {})
            )
        return error_response(request.url.path, 400, str(exc))  # PostguardError: the caller's input

    routes = [
        Route("/v1/check", v1_check, methods=["POST"]),
        Route("/v1/health", v1_health, methods=["GET"]),
        Route("/v1/rules", v1_rules, methods=["GET"]),
        Route("/v1/channels", v1_channels, methods=["GET"]),
        Route("/v2/check", v2_check, methods=["GET", "POST"]),
        Route("/v2/languages", v2_languages, methods=["GET"]),
        Route("/v2/info", v2_info, methods=["GET"]),
        Route("/v2/healthcheck", v2_healthcheck, methods=["GET"]),
        Route("/v2/maxtextlength", v2_maxtextlength, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/", index, methods=["GET"]),
        Route("/static/{path:path}", static, methods=["GET"]),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        ApiError: on_error,
        lt.LanguageToolError: on_error,
        PostguardError: on_error,
        HTTPException: on_error,
    }
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.add_middleware(Guard, state=state)
    app.state.postguard = state
    return app


_CHECK_KEYS = ("channel", "kind", "lang", "publish_at")


def _check_args(body: bytes, max_text_length: int) -> dict[str, str]:
    """The fields of a ``/v1/check`` body, validated."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, 'the body is not valid JSON (expected {"text": ...})') from None
    if not isinstance(payload, dict):
        raise ApiError(400, 'the body must be a JSON object (expected {"text": ...})')
    text = payload.get("text")
    if not isinstance(text, str):
        raise ApiError(400, "'text' is required and must be a string")
    if len(text) > max_text_length:
        raise ApiError(413, f"the text is longer than {max_text_length} characters")
    if not lt.is_valid_unicode(text):
        raise ApiError(400, "'text' contains an unpaired surrogate (\\ud800-\\udfff), which is not text")
    out = {"text": text}
    for key in _CHECK_KEYS:
        value = payload.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ApiError(400, f"'{key}' must be a string")
        out[key] = value
    if out.get("lang") not in (None, "auto", "de", "en"):
        raise ApiError(400, "'lang' must be auto, de or en")
    return out


def _static_file(web: Path, name: str, path: str) -> Response:
    """A file of the paste page, only from ``web`` (no traversal, no listings)."""
    root = web.resolve()
    try:
        target = (root / name).resolve()
        target.relative_to(root)
    except (ValueError, OSError):
        return error_response(path, 404, "not found")
    if not target.is_file() or any(part.startswith(".") for part in target.relative_to(root).parts):
        return error_response(path, 404, "not found")
    return FileResponse(target, headers={"Cache-Control": "no-cache"})


# -- OpenAPI ------------------------------------------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _text(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


_ERRORS_V1 = {
    "400": _json(_ref("Error"), "Malformed request, unknown channel or kind"),
    "401": _json(_ref("Error"), "Token required (when one is configured)"),
    "403": _json(_ref("Error"), "Host header not loopback, or origin not allowed"),
    "413": _json(_ref("Error"), "Body or text too large"),
    "503": _json(_ref("Error"), "Time limit exceeded, or the engine is still loading"),
}
_ERRORS_V2 = {
    code: _text(f"Error: ... ({what})")
    for code, what in (
        ("400", "bad parameters"),
        ("401", "token"),
        ("403", "host or origin"),
        ("413", "text too long"),
        ("503", "time limit"),
    )
}
_STR = {"type": "string"}
_INT = {"type": "integer"}
_LT_PARAMS = [
    {"name": n, "in": "query", "required": False, "schema": _STR, "description": d}
    for n, d in (
        ("text", "The text to check (this or data)."),
        ("data", "JSON annotations {annotation: [{text}|{markup, interpretAs?}]} (this or text)."),
        ("language", "de, de-DE, en-US, ... or auto (required)."),
        ("enabledRules", "Comma-separated postguard rule ids."),
        ("disabledRules", "Comma-separated postguard rule ids."),
        ("enabledCategories", "Comma-separated postguard categories."),
        ("disabledCategories", "Comma-separated postguard categories."),
        ("enabledOnly", "true: only the enabled rules and categories run."),
    )
]

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "postguard local server",
        "version": __version__,
        "description": "Checks social-media drafts on the employee's machine. See docs/server.md.",
    },
    "servers": [{"url": "http://127.0.0.1:8421"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "status"],
                "properties": {"error": _STR, "status": _INT},
                "additionalProperties": False,
            },
            "CheckRequest": {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "text": _STR,
                    "channel": {"type": ["string", "null"], "description": "A channel of the rule packs."},
                    "kind": {
                        "type": ["string", "null"],
                        "enum": ["post", "profile", "article", "page", None],
                    },
                    "lang": {"type": ["string", "null"], "enum": ["auto", "de", "en", None]},
                    "publish_at": {"type": ["string", "null"], "description": "ISO 8601 date-time"},
                },
            },
            "Finding": {
                "type": "object",
                "required": [
                    "rule_id",
                    "rule_name",
                    "category",
                    "severity",
                    "message",
                    "start",
                    "end",
                    "line",
                    "column",
                    "end_line",
                    "end_column",
                    "start_utf16",
                    "end_utf16",
                    "match",
                    "replacements",
                    "confidence",
                ],
                "properties": {
                    "rule_id": _STR,
                    "rule_name": _STR,
                    "category": _STR,
                    "severity": {"enum": ["error", "warning", "info"]},
                    "message": _STR,
                    "start": {"type": "integer", "minimum": 0, "description": "code points"},
                    "end": {"type": "integer", "minimum": 0},
                    "line": {"type": "integer", "minimum": 1},
                    "column": {"type": "integer", "minimum": 1},
                    "end_line": {"type": "integer", "minimum": 1},
                    "end_column": {"type": "integer", "minimum": 1},
                    "start_utf16": {"type": "integer", "minimum": 0, "description": "UTF-16 code units"},
                    "end_utf16": {"type": "integer", "minimum": 0},
                    "match": _STR,
                    "replacements": {"type": "array", "items": _STR},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "additionalProperties": False,
            },
            "CheckResponse": {
                "type": "object",
                "required": ["findings", "language", "pack_fingerprint"],
                "properties": {
                    "findings": {"type": "array", "items": _ref("Finding")},
                    "language": {"enum": ["de", "en"]},
                    "pack_fingerprint": _STR,
                },
                "additionalProperties": False,
            },
            "Health": {
                "type": "object",
                "required": ["status", "version", "rule_count", "pack_fingerprint", "last_reload_error"],
                "properties": {
                    "status": {"enum": ["ok", "degraded", "loading"]},
                    "version": _STR,
                    "rule_count": _INT,
                    "pack_fingerprint": _STR,
                    "last_reload_error": {"type": ["string", "null"]},
                },
                "additionalProperties": False,
            },
            "RuleDoc": {
                "type": "object",
                "required": ["name", "what", "why", "fix", "example"],
                "properties": {"name": _STR, "what": _STR, "why": _STR, "fix": _STR, "example": _STR},
                "additionalProperties": False,
            },
            "Rules": {
                "type": "object",
                "required": ["rules"],
                "properties": {
                    "rules": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "category", "severity", "enabled", "docs"],
                            "properties": {
                                "id": _STR,
                                "name": _STR,
                                "category": _STR,
                                "severity": {"enum": ["error", "warning", "info"]},
                                "enabled": {"type": "boolean"},
                                "docs": {"type": "object", "additionalProperties": _ref("RuleDoc")},
                            },
                            "additionalProperties": False,
                        },
                    }
                },
                "additionalProperties": False,
            },
            "Channels": {
                "type": "object",
                "required": ["channels"],
                "properties": {
                    "channels": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "business"],
                            "properties": {"name": _STR, "business": {"type": "boolean"}},
                            "additionalProperties": False,
                        },
                    }
                },
                "additionalProperties": False,
            },
            "Software": {
                "type": "object",
                "required": ["name", "version", "apiVersion"],
                "properties": {
                    "name": _STR,
                    "version": _STR,
                    "buildDate": _STR,
                    "apiVersion": _INT,
                    "premium": {"type": "boolean"},
                    "premiumHint": _STR,
                    "status": _STR,
                },
            },
            "LTMatch": {
                "type": "object",
                "required": [
                    "message",
                    "shortMessage",
                    "replacements",
                    "offset",
                    "length",
                    "context",
                    "sentence",
                    "type",
                    "rule",
                    "ignoreForIncompleteSentence",
                    "contextForSureMatch",
                ],
                "properties": {
                    "message": _STR,
                    "shortMessage": _STR,
                    "replacements": {
                        "type": "array",
                        "items": {"type": "object", "required": ["value"], "properties": {"value": _STR}},
                    },
                    "offset": {"type": "integer", "minimum": 0, "description": "UTF-16 code units"},
                    "length": {"type": "integer", "minimum": 1},
                    "context": {
                        "type": "object",
                        "required": ["text", "offset", "length"],
                        "properties": {"text": _STR, "offset": _INT, "length": _INT},
                    },
                    "sentence": _STR,
                    "type": {"type": "object", "properties": {"typeName": _STR}},
                    "rule": {
                        "type": "object",
                        "required": ["id", "description", "issueType", "category"],
                        "properties": {
                            "id": _STR,
                            "description": _STR,
                            "issueType": _STR,
                            "category": {
                                "type": "object",
                                "required": ["id", "name"],
                                "properties": {"id": _STR, "name": _STR},
                            },
                        },
                    },
                    "ignoreForIncompleteSentence": {"type": "boolean"},
                    "contextForSureMatch": _INT,
                },
            },
            "LTCheckResponse": {
                "type": "object",
                "required": ["software", "warnings", "language", "matches"],
                "properties": {
                    "software": _ref("Software"),
                    "warnings": {"type": "object", "properties": {"incompleteResults": {"type": "boolean"}}},
                    "language": {
                        "type": "object",
                        "required": ["name", "code", "detectedLanguage"],
                        "properties": {
                            "name": _STR,
                            "code": _STR,
                            "detectedLanguage": {
                                "type": "object",
                                "required": ["name", "code", "confidence"],
                                "properties": {"name": _STR, "code": _STR, "confidence": {"type": "number"}},
                            },
                        },
                    },
                    "matches": {"type": "array", "items": _ref("LTMatch")},
                },
            },
            "LTLanguages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "code", "longCode"],
                    "properties": {"name": _STR, "code": _STR, "longCode": _STR},
                },
            },
        },
    },
    "security": [{}, {"bearer": []}],
    "paths": {
        "/v1/check": {
            "post": {
                "summary": "Check a draft",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("CheckRequest")}},
                },
                "responses": {"200": _json(_ref("CheckResponse"), "The findings"), **_ERRORS_V1},
            }
        },
        "/v1/health": {
            "get": {"summary": "Server status", "responses": {"200": _json(_ref("Health"), "Status")}}
        },
        "/v1/rules": {
            "get": {
                "summary": "Rules and their docs (never pack terms)",
                "responses": {"200": _json(_ref("Rules"), "Rules")},
            }
        },
        "/v1/channels": {
            "get": {
                "summary": "Channels declared in the rule packs",
                "responses": {"200": _json(_ref("Channels"), "Channels")},
            }
        },
        "/v2/check": {
            method: {
                "summary": "LanguageTool-compatible check (form data whatever the Content-Type)",
                "parameters": _LT_PARAMS,
                **(
                    {
                        "requestBody": {
                            "content": {
                                "application/x-www-form-urlencoded": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {p["name"]: _STR for p in _LT_PARAMS},
                                    }
                                }
                            }
                        }
                    }
                    if method == "post"
                    else {}
                ),
                "responses": {"200": _json(_ref("LTCheckResponse"), "LanguageTool matches"), **_ERRORS_V2},
            }
            for method in ("get", "post")
        },
        "/v2/languages": {
            "get": {
                "summary": "Supported languages",
                "responses": {"200": _json(_ref("LTLanguages"), "Languages")},
            }
        },
        "/v2/info": {
            "get": {
                "summary": "Software information",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["software"],
                            "properties": {"software": _ref("Software")},
                        },
                        "Software",
                    )
                },
            }
        },
        "/v2/healthcheck": {
            "get": {"summary": "Liveness (no token needed)", "responses": {"200": _text("OK")}}
        },
        "/v2/maxtextlength": {
            "get": {
                "summary": "Longest text accepted, in characters",
                "responses": {"200": _text("An integer")},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
            }
        },
        "/": {
            "get": {
                "summary": "The paste page (no token needed)",
                "responses": {
                    "200": {"description": "HTML", "content": {"text/html": {}}},
                    "404": _json(_ref("Error"), "Page not installed"),
                },
            }
        },
        "/static/{path}": {
            "get": {
                "summary": "Files of the paste page (no token needed)",
                "parameters": [{"name": "path", "in": "path", "required": True, "schema": _STR}],
                "responses": {
                    "200": {"description": "The file"},
                    "404": _json(_ref("Error"), "No such file"),
                },
            }
        },
    },
}
