"""What the endpoints and the guard share: the serving engine, the config, the limits."""

from __future__ import annotations

from pathlib import Path

import anyio
from starlette.requests import Request

from postguard.config import Config
from postguard.engine import Engine
from postguard.server.pool import CheckPool
from postguard.server.reload import Stamp, stamp, watched_paths
from postguard.server.responses import ApiError


class ServerState:
    """The serving engine and what the guard needs; the engine is swapped as a whole on reload."""

    def __init__(
        self,
        config: Config,
        *,
        engine: Engine | None = None,
        token: str | None = None,
        allow_remote: bool = False,
        threads: int = 4,
        reload_interval: float = 1.0,
        processes: int = 0,
        web_dir: Path,
    ) -> None:
        self.config = config
        self.engine = engine
        self.token_override = token
        self.allow_remote = allow_remote
        self.limiter = anyio.CapacityLimiter(max(1, threads))
        self.reload_interval = reload_interval
        #: Check worker processes to run (0: checks run in threads of this process).
        self.processes = processes
        self.pool: CheckPool | None = None
        self.web_dir = web_dir
        self.last_reload_error: str | None = None
        self.reloads = 0
        self.paths: tuple[Path, ...] = watched_paths(config)
        self.stamp: Stamp = stamp(self.paths)

    @property
    def token(self) -> str | None:
        return self.token_override or self.config.server.token

    @property
    def ready_engine(self) -> Engine:
        if self.engine is None:
            raise ApiError(503, "the engine is still loading")
        return self.engine

    @property
    def max_text_length(self) -> int:
        return self.config.server.max_text_length

    @property
    def timeout(self) -> float:
        return self.config.server.timeout


def state_of(request: Request) -> ServerState:
    """The app's :class:`ServerState` (set by :func:`postguard.server.app.create_app`)."""
    state: ServerState = request.app.state.postguard
    return state
