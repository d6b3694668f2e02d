"""``POST /v1/feedback`` and ``POST /v1/feedback/clear``: the local log of overrides and reports.

The extension and the paste page send what the employee decided about a finding ("post anyway"
with a reason, "this is wrong"); the entry goes to :mod:`postguard.overrides` on this machine.
The matched words come in (so that their salted fingerprint can be kept) and are never stored;
the reason is stored with every finding in it masked, so a pack term the employee typed into the
reason is not written down either.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from postguard import overrides
from postguard.engine import Engine
from postguard.server.responses import ApiError
from postguard.server.state import state_of


class FeedbackRequest(BaseModel):
    """One decision about a finding. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    action: Literal["override", "false_positive"]
    rule_id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    match: str = Field("", max_length=500, description="The matched words: fingerprinted, never stored")
    site: str = Field("", max_length=253, description="The site's host name, or 'paste-page'")
    reason: str = Field("", max_length=2000, description="Stored with its findings masked")


class FeedbackEntry(BaseModel):
    """What was stored (the answer shows the employee exactly that)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: str
    action: Literal["override", "false_positive"]
    rule_id: str
    term: str = Field(description="Salted SHA-256 fingerprint of the matched words (16 hex digits)")
    site: str
    reason: str


class FeedbackCleared(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cleared: int = Field(description="How many entries the log held")


MODELS: tuple[type[BaseModel], ...] = (FeedbackRequest, FeedbackEntry, FeedbackCleared)

#: The longest body a valid request can have: every character of its text fields written as a JSON
#: escape of a surrogate pair ("\\ud83d\\ude00", 12 bytes), and room for the keys and spaces. A body
#: the schema allows is never refused as too large (it was at 8,192 bytes: 2,753 emoji are valid).
MAX_BODY = 12 * (14 + 40 + 500 + 253 + 2000) + 1024


def _spans(eng: Engine, text: str) -> list[tuple[int, int]]:
    from postguard.model import Extracted
    from postguard.pipeline import lint

    report = lint(eng, text, name="<reason>", extracted=Extracted(text=text))
    return [(f.start, f.end) for f in report.findings]


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiError(413, f"a feedback body is at most {MAX_BODY} bytes")
    return body


async def v1_feedback(request: Request) -> Response:
    eng = state_of(request).ready_engine
    try:
        item = FeedbackRequest.model_validate_json(await _body(request))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in error["loc"]) or "body"
        raise ApiError(400, f"{where}: {error['msg']}") from None

    def store() -> dict[str, Any]:
        entry = overrides.record(
            item.action, item.rule_id, item.match, item.site, item.reason, find_spans=lambda t: _spans(eng, t)
        )
        return asdict(entry)

    return JSONResponse(await run_in_threadpool(store))


async def v1_feedback_clear(request: Request) -> Response:
    await _body(request)
    return JSONResponse({"cleared": await run_in_threadpool(overrides.clear)})
