"""``postguard serve``: the local HTTP endpoint, one module per job.

:func:`create_app` (:mod:`.app`) builds a Starlette app: the JSON API (``/v1``,
:mod:`.v1`), the LanguageTool-compatible API (``/v2``, :mod:`.v2` over
:mod:`postguard.languagetool`), the paste page (``/``, ``/static/...``,
:mod:`.static`) and its OpenAPI description (:mod:`.openapi`).

* The engine is built once (in the lifespan, or by the caller) and kept warm
  (:mod:`.state`). Checks run under a time limit (:mod:`.limits`), so the event
  loop is never blocked and a slow check cannot wedge the server.
* Hot reload (:mod:`.reload`): a background task stats the config file and every
  pack file once a second; a change builds a new engine in a thread and swaps it
  in. A broken edit keeps the old engine serving; the error goes to the log and
  to ``/v1/health``.
* :class:`~.guard.Guard` (pure ASGI, outermost) enforces the security rules: a
  loopback ``Host`` header (DNS rebinding), CORS only for extension origins and
  the configured ones, the optional bearer token, the body limit, and a
  last-resort error boundary that never logs request data.

Draft text is never logged: uvicorn's access log goes through
:class:`~.logs.RedactQuery`, which drops query strings (:mod:`.logs`).
"""

from __future__ import annotations

from postguard.server.app import create_app
from postguard.server.guard import is_loopback_host
from postguard.server.logs import RedactQuery, install_log_redaction, redact
from postguard.server.openapi import OPENAPI
from postguard.server.reload import build_engine

__all__ = [
    "OPENAPI",
    "RedactQuery",
    "build_engine",
    "create_app",
    "install_log_redaction",
    "is_loopback_host",
    "redact",
]
