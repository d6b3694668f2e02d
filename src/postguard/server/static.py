"""The paste page: ``/`` and ``/static/...``, files only from the web directory.

The paste page shares the browser extension's finding logic, finding rows, decisions and
messages (one copy each): in a source checkout those files of ``web/`` are symlinks into
``browser-extension/`` (a wheel holds copies, as it does for ``rules/``), and only they may
resolve outside the web directory.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from postguard.server.responses import error_response
from postguard.server.state import state_of

WEB_DIR = Path(__file__).parents[1] / "web"

#: The extension's files the paste page loads, by their name in ``web/``.
SHARED_FROM_EXTENSION = frozenset(
    {"text.js", "rows.js", "decisions.js", "messages-de.json", "messages-en.json"}
)


def static_file(web: Path, name: str, path: str) -> Response:
    """A file of the paste page, only from ``web`` (no traversal, no listings)."""
    root = web.resolve()
    try:
        target = (root / name).resolve()
        # A shared file resolves into the extension (named exactly, so no traversal); others stay inside.
        inside = () if name in SHARED_FROM_EXTENSION else target.relative_to(root).parts
        hidden = any(part.startswith(".") for part in inside)
        if hidden or not target.is_file():
            return error_response(path, 404, "not found")
    except (ValueError, OSError):  # outside the web directory; a name too long for the file system
        return error_response(path, 404, "not found")
    return FileResponse(target, headers={"Cache-Control": "no-cache"})


async def index(request: Request) -> Response:
    return static_file(state_of(request).web_dir, "index.html", request.url.path)


async def static(request: Request) -> Response:
    return static_file(state_of(request).web_dir, request.path_params["path"], request.url.path)
