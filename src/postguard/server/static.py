"""The paste page: ``/`` and ``/static/...``, files only from the web directory."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from postguard.server.responses import error_response
from postguard.server.state import state_of

WEB_DIR = Path(__file__).parents[1] / "web"


def static_file(web: Path, name: str, path: str) -> Response:
    """A file of the paste page, only from ``web`` (no traversal, no listings)."""
    root = web.resolve()
    try:
        target = (root / name).resolve()
        hidden = any(part.startswith(".") for part in target.relative_to(root).parts)
        if hidden or not target.is_file():
            return error_response(path, 404, "not found")
    except (ValueError, OSError):  # outside the web directory; a name too long for the file system
        return error_response(path, 404, "not found")
    return FileResponse(target, headers={"Cache-Control": "no-cache"})


async def index(request: Request) -> Response:
    return static_file(state_of(request).web_dir, "index.html", request.url.path)


async def static(request: Request) -> Response:
    return static_file(state_of(request).web_dir, request.path_params["path"], request.url.path)
