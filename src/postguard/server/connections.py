"""Connections cannot starve the server: header and idle timeouts, a bound per client.

uvicorn closes a keep-alive connection that stays idle after an answer, but it has
no limit on how long a request's headers may take (slowloris) or on a connection
that never sends anything, and past ``limit_concurrency`` it answers everyone 503.
:func:`guarded_protocol` gives uvicorn's HTTP protocol:

* a header timeout: the headers of a request must be complete within
  ``header_timeout`` seconds of the connection opening or of the previous answer;
* a bound per client address: a client holding ``per_client`` connections that
  wait for a request gets its oldest such connection closed when it opens another,
  so new connections are always served and idle ones cannot pile up.

Only connections waiting for headers are closed; a request being answered is never cut.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

#: Seconds a request's headers may take (from the connection or the previous answer).
HEADER_TIMEOUT = 10.0
#: Seconds a keep-alive connection may stay idle after an answer (uvicorn's ``timeout_keep_alive``).
IDLE_TIMEOUT = 5
#: Seconds SIGTERM waits for answers in progress before the server stops.
DRAIN_TIMEOUT = 3
#: Connections waiting for a request one client address may hold.
PER_CLIENT = 256
#: Connections and tasks in all (uvicorn answers 503 past it).
MAX_CONNECTIONS = 4096


def guarded_protocol(header_timeout: float = HEADER_TIMEOUT, per_client: int = PER_CLIENT) -> type[Any]:
    """uvicorn's httptools protocol with the header timeout and the per-client bound."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    waiting: dict[str, OrderedDict[int, GuardedProtocol]] = {}

    class GuardedProtocol(HttpToolsProtocol):
        _timer: asyncio.TimerHandle | None = None
        _host = ""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._host = self.client[0] if self.client else ""
            self._wait()
            mine = waiting[self._host]
            if len(mine) > per_client:
                _, oldest = mine.popitem(last=False)
                oldest.transport.close()

        def _wait(self) -> None:
            """The connection now waits for a request's headers."""
            waiting.setdefault(self._host, OrderedDict())[id(self)] = self
            self._timer = self.loop.call_later(header_timeout, self._expire)

        def _busy(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            mine = waiting.get(self._host)
            if mine is not None:
                mine.pop(id(self), None)
                if not mine:
                    del waiting[self._host]

        def _expire(self) -> None:
            self._timer = None
            self._busy()
            self.transport.close()

        def on_headers_complete(self) -> None:
            self._busy()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            pipelined = bool(self.pipeline)  # the next request's headers are already in
            super().on_response_complete()
            if not pipelined and not self.transport.is_closing():
                self._wait()

        def connection_lost(self, exc: Exception | None) -> None:
            self._busy()
            super().connection_lost(exc)

    return GuardedProtocol
