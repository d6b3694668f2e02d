"""The LanguageTool-compatible API (``/v2/...``): glue between HTTP and :mod:`postguard.languagetool`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from postguard import __version__
from postguard import languagetool as lt
from postguard.engine import Engine
from postguard.model import Extracted
from postguard.server.limits import run_check
from postguard.server.responses import RawJSON, json_bytes
from postguard.server.state import state_of


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


async def v2_check(request: Request) -> Response:
    state = state_of(request)
    query = request.scope.get("query_string", b"").decode("latin-1")
    answer = await run_check(
        state, request, check_job, state.max_text_length, query, read=request.method == "POST"
    )
    return RawJSON(answer)


async def v2_languages(request: Request) -> Response:
    return JSONResponse(list(lt.LANGUAGES))


async def v2_info(request: Request) -> Response:
    return JSONResponse({"software": lt.software(__version__)})


async def v2_healthcheck(request: Request) -> Response:
    return PlainTextResponse("OK")


async def v2_maxtextlength(request: Request) -> Response:
    return PlainTextResponse(str(state_of(request).max_text_length))
