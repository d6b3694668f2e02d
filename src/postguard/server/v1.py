"""The JSON API: ``/v1/check``, ``/v1/health``, ``/v1/rules``, ``/v1/channels``."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from postguard import __version__
from postguard.engine import Engine
from postguard.lines import LineIndex
from postguard.model import Extracted
from postguard.rulepacks.status import pack_status
from postguard.server.images import time_budget
from postguard.server.limits import CheckEndpoint
from postguard.server.logs import redact
from postguard.server.models import parse_check_fields, parse_check_request
from postguard.server.responses import json_bytes
from postguard.server.state import ServerState, state_of


def check_job(eng: Engine, max_text_length: int, body: bytes, content_type: str = "") -> bytes:
    """The answer to a ``/v1/check`` body (runs in a check worker): JSON, or a multipart form with images."""
    from postguard.formatters.json import finding_dict
    from postguard.imagelint import ImageOptions, embedded_loader
    from postguard.images.refs import is_embedded
    from postguard.pipeline import lint, parse_moment
    from postguard.server import images

    if content_type.lower().startswith("multipart/form-data"):
        fields, uploads = images.multipart_form(body, content_type)
        fields.setdefault("text", "")
        args = parse_check_fields(fields, max_text_length)
    else:
        args = parse_check_request(body, max_text_length)
        uploads = images.json_images(json.loads(body)) if b'"images"' in body else []
    text = args.text
    embedded, named_files = images.references(text)
    uploads = images.checked(uploads, embedded)  # 413 only for a request that is otherwise valid
    publish_at = parse_moment(args.publish_at, "publish_at") if args.publish_at else None
    report = lint(
        eng,
        text,
        name="<request>",
        fmt="markdown" if embedded else None,
        channel=args.channel,
        kind=args.kind,
        lang=args.lang,
        publish_at=publish_at,
        extracted=Extracted(text=text),
        # the pictures embedded in the text (data: URLs) are checked; files it names never are
        images=embedded_loader(images.MAX_IMAGE_BYTES) if embedded else None,
        image_options=ImageOptions(refs=is_embedded),
    )
    index = LineIndex(text)
    answer: dict[str, Any] = {
        "findings": [finding_dict(f, text, index) for f in report.findings],
        "language": report.language,
        "pack_fingerprint": eng.fingerprint,
    }
    notices = list(report.notices) + ([images.files_notice(named_files)] if named_files else [])
    if uploads:
        answer.update(images.check_uploads(eng, uploads, args.model_dump(exclude_none=True), publish_at))
        notices += [n for n in answer["notices"] if n not in notices]
    if notices:
        answer["notices"] = notices
    return json_bytes(answer)


def _check_args(state: ServerState, scope: Scope) -> tuple[Any, ...]:
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    return state.max_text_length, content_type.decode("latin-1")


#: ``POST /v1/check``.
CHECK = CheckEndpoint(check_job, _check_args, extra_time=time_budget)


async def v1_health(request: Request) -> Response:
    state = state_of(request)
    eng = state.engine
    err = state.last_reload_error
    return JSONResponse(
        {
            "status": "loading" if eng is None else ("degraded" if err else "ok"),
            "version": __version__,
            "rule_count": len(eng.rules) if eng else 0,
            "pack_fingerprint": eng.fingerprint if eng else "",
            "last_reload_error": redact(err) if err else None,
            "packs": pack_status(eng.packs, eng.config.remote_packs) if eng else [],
        }
    )


async def v1_rules(request: Request) -> Response:
    eng = state_of(request).ready_engine
    from postguard.ruledocs import rule_dict

    rules = [rule_dict(r, enabled=r.id not in eng.base_selection.disabled) for r in eng.rules.values()]
    return JSONResponse({"rules": rules})


async def v1_channels(request: Request) -> Response:
    eng = state_of(request).ready_engine
    channels = [{"name": c.name, "business": c.business} for c in eng.packs.channels.values()]
    return JSONResponse({"channels": channels})
