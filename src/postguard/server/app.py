"""The Starlette app: routes to the module-level endpoints, one error mapping, the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from postguard import languagetool as lt
from postguard.config import Config
from postguard.engine import Engine
from postguard.errors import PostguardError
from postguard.rulepacks.remote import refresh_forever
from postguard.server import feedback, v1, v2
from postguard.server.guard import Guard
from postguard.server.openapi import openapi
from postguard.server.pool import CheckPool
from postguard.server.reload import build_engine, watch
from postguard.server.responses import ApiError, Disconnected, error_response, refusal
from postguard.server.state import ServerState
from postguard.server.static import WEB_DIR, index, static

ROUTES = [
    Route("/v1/check", v1.CHECK, methods=["POST"]),
    Route("/v1/health", v1.v1_health, methods=["GET"]),
    Route("/v1/rules", v1.v1_rules, methods=["GET"]),
    Route("/v1/channels", v1.v1_channels, methods=["GET"]),
    Route("/v1/feedback", feedback.v1_feedback, methods=["POST"]),
    Route("/v1/feedback/clear", feedback.v1_feedback_clear, methods=["POST"]),
    Route("/v2/check", v2.CHECK, methods=["GET", "POST"]),
    Route("/v2/languages", v2.v2_languages, methods=["GET"]),
    Route("/v2/info", v2.v2_info, methods=["GET"]),
    Route("/v2/healthcheck", v2.v2_healthcheck, methods=["GET"]),
    Route("/v2/maxtextlength", v2.v2_maxtextlength, methods=["GET"]),
    Route("/openapi.json", openapi, methods=["GET"]),
    Route("/", index, methods=["GET"]),
    Route("/static/{path:path}", static, methods=["GET"]),
]

#: The check endpoints, which the guard calls directly (without Starlette's routing and middleware).
DIRECT = {
    ("POST", "/v1/check"): v1.CHECK,
    ("GET", "/v2/check"): v2.CHECK,
    ("POST", "/v2/check"): v2.CHECK,
}


async def on_error(request: Request, exc: Exception) -> Response:
    """Refusals as answers (:func:`~postguard.server.responses.refusal`), and Starlette's own 404/405."""
    if isinstance(exc, HTTPException):
        return error_response(
            request.url.path, exc.status_code, str(exc.detail).lower(), dict(exc.headers or {})
        )
    return refusal(request.url.path, exc) or error_response(request.url.path, 400, str(exc))


HANDLERS: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
    ApiError: on_error,
    lt.LanguageToolError: on_error,
    PostguardError: on_error,
    HTTPException: on_error,
    Disconnected: on_error,
}


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Build the engine if the caller did not, and run the hot-reload watcher while serving."""
    state: ServerState = app.state.postguard
    if state.engine is None:
        state.engine = await anyio.to_thread.run_sync(build_engine, state.config)
    if state.processes > 0:
        state.pool = CheckPool(state.processes, lambda: state.ready_engine)
        state.pool.start()
    try:
        async with anyio.create_task_group() as tg:
            if state.reload_interval > 0:
                tg.start_soon(watch, state, state.reload_interval)
                tg.start_soon(refresh_forever, state)  # fetches remote packs; the watch reloads them
            if state.pool is not None:
                tg.start_soon(heal, state.pool)
            yield
            tg.cancel_scope.cancel()
    finally:
        if state.pool is not None:
            state.pool.close()


async def heal(pool: CheckPool, interval: float = 0.5) -> None:
    """Replace check workers that died while idle (``kill -9``), so the pool stays full."""
    while True:
        await anyio.sleep(interval)
        pool.heal()


def create_app(
    config: Config | None = None,
    *,
    engine: Engine | None = None,
    token: str | None = None,
    allow_remote: bool = False,
    reload_interval: float = 1.0,
    threads: int = 4,
    processes: int = 0,
    web_dir: Path | None = None,
) -> Starlette:
    """The server app. Without ``engine`` the lifespan builds one from ``config``.

    ``reload_interval`` <= 0 switches hot reload off. ``token`` overrides the
    config's ``[server].token``. ``processes`` > 0 runs checks in that many
    worker processes (see :mod:`postguard.server.pool`), else in ``threads``
    threads of this process.
    """
    config = config or (engine.config if engine else Config())
    state = ServerState(
        config,
        engine=engine,
        token=token,
        allow_remote=allow_remote,
        threads=threads,
        reload_interval=reload_interval,
        processes=processes,
        web_dir=web_dir or WEB_DIR,
    )
    app = Starlette(
        routes=ROUTES,
        exception_handlers=HANDLERS,
        lifespan=lifespan,
        middleware=[Middleware(Guard, state=state, direct=DIRECT)],
    )
    app.state.postguard = state
    return app
