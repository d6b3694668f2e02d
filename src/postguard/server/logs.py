"""What the server logs, and what it keeps out of logs and answers: draft text, pack terms."""

from __future__ import annotations

import logging
import re
import traceback

log = logging.getLogger("postguard.server")

_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|„[^“\n]*“")
#: An absolute path (POSIX or Windows): only its last part is shown.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.-])(?:[A-Za-z]:)?[\\/](?:[^\\/\s:]+[\\/])*([^\\/\s:]+)")
#: The name of an unknown key (a typo can be a pack term: ``[Quasarkranich]``).
_UNKNOWN_KEY = re.compile(r"(^|[.:]\s?)[^\s.:\[\]]+(?=(?:\[\d+\])?: unknown key)")


def redact(message: str) -> str:
    """A reload error for callers: what a pack author wrote (quoted values, unknown key names,
    which may be pack terms) replaced by ``…``, absolute paths cut to the file's name."""
    message = _QUOTED.sub("'…'", message)
    message = _UNKNOWN_KEY.sub(lambda m: m.group(1) + "…", message)
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1), message)


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
