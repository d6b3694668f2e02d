"""The JSON API: ``/v1/check``, ``/v1/health``, ``/v1/rules``, ``/v1/channels``."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from postguard import __version__
from postguard import languagetool as lt
from postguard.lines import LineIndex
from postguard.model import Extracted
from postguard.rulepacks.status import pack_status
from postguard.server.limits import run_limited
from postguard.server.logs import redact
from postguard.server.responses import ApiError, RawJSON, json_bytes
from postguard.server.state import state_of


async def v1_check(request: Request) -> Response:
    state = state_of(request)
    eng = state.ready_engine

    def work(body: bytes) -> bytes:
        from postguard.formatters.json import finding_dict
        from postguard.pipeline import lint, parse_moment

        args = check_args(body, state.max_text_length)
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
        return json_bytes(
            {
                "findings": [finding_dict(f, text, index) for f in report.findings],
                "language": report.language,
                "pack_fingerprint": eng.fingerprint,
            }
        )

    return RawJSON(await run_limited(state, request, work))


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


_CHECK_KEYS = ("channel", "kind", "lang", "publish_at")


def check_args(body: bytes, max_text_length: int) -> dict[str, str]:
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
