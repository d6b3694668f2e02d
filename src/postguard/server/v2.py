"""The LanguageTool-compatible API (``/v2/...``): glue between HTTP and :mod:`postguard.languagetool`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from postguard import __version__
from postguard import languagetool as lt
from postguard.model import Extracted
from postguard.server.limits import run_limited
from postguard.server.responses import RawJSON, json_bytes
from postguard.server.state import state_of


async def v2_check(request: Request) -> Response:
    state = state_of(request)
    eng = state.ready_engine
    query = request.scope.get("query_string", b"").decode("latin-1")

    def work(body: bytes) -> bytes:
        from postguard.nlp import detect_language
        from postguard.pipeline import lint

        req = lt.parse_check(lt.parse_params(body, query), eng.rules, state.max_text_length)
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

    return RawJSON(await run_limited(state, request, work, read=request.method == "POST"))


async def v2_languages(request: Request) -> Response:
    return JSONResponse(list(lt.LANGUAGES))


async def v2_info(request: Request) -> Response:
    return JSONResponse({"software": lt.software(__version__)})


async def v2_healthcheck(request: Request) -> Response:
    return PlainTextResponse("OK")


async def v2_maxtextlength(request: Request) -> Response:
    return PlainTextResponse(str(state_of(request).max_text_length))
