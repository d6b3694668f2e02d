"""The LanguageTool-compatible API (``/v2/...``): glue between HTTP and :mod:`postguard.languagetool`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Scope

from postguard import __version__
from postguard import languagetool as lt
from postguard.engine import Engine
from postguard.model import Extracted
from postguard.server.limits import CheckEndpoint
from postguard.server.responses import json_bytes
from postguard.server.state import ServerState, state_of


def check_job(eng: Engine, max_text_length: int, body: bytes, query: str) -> bytes:
    """The answer to a ``/v2/check`` request (runs in a check worker)."""
    from postguard.nlp import detect_language
    from postguard.pipeline import lint

    req = lt.parse_check(lt.parse_params(body, query), eng.rules, max_text_length)
    extracted = req.extracted or Extracted(text=req.source)
    report = lint(
        eng, req.source, name="<request>", lang=req.lang, selection=req.selection, extracted=extracted
    )
    guess = detect_language(extracted.text)
    total = sum(guess.scores.values())
    confidence = max(guess.scores.values()) / total if total else 0.5
    return json_bytes(
        lt.check_response(
            request=req,
            findings=report.findings,
            language=report.language or "en",  # lint() always sets it
            detected=guess.lang,
            confidence=confidence,
            rules=eng.rules,
            version=__version__,
        )
    )


def _check_args(state: ServerState, scope: Scope) -> tuple[Any, ...]:
    return state.max_text_length, scope.get("query_string", b"").decode("latin-1")


#: ``GET`` and ``POST /v2/check``: the body is read for a POST only.
CHECK = CheckEndpoint(check_job, _check_args, read=lambda scope: scope["method"] == "POST")


async def v2_languages(request: Request) -> Response:
    return JSONResponse(list(lt.LANGUAGES))


async def v2_info(request: Request) -> Response:
    return JSONResponse({"software": lt.software(__version__)})


async def v2_healthcheck(request: Request) -> Response:
    return PlainTextResponse("OK")


async def v2_maxtextlength(request: Request) -> Response:
    return PlainTextResponse(str(state_of(request).max_text_length))
