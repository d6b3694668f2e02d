"""The OpenAPI 3.1 description of the server (served at ``/openapi.json``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from postguard import __version__
from postguard.server import feedback
from postguard.server.models import components, schemas


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _text(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


_ERRORS_V1 = {
    "400": _json(_ref("Error"), "Malformed request, unknown channel or kind"),
    "401": _json(_ref("Error"), "Token required (when one is configured)"),
    "403": _json(_ref("Error"), "Host header not loopback, or origin not allowed"),
    "413": _json(_ref("Error"), "Body, text or an image too large (bytes, pixels, decompression bomb)"),
    "503": _json(_ref("Error"), "Time limit exceeded, or the engine is still loading"),
}
_ERRORS_V2 = {
    code: _text(f"Error: ... ({what})")
    for code, what in (
        ("400", "bad parameters"),
        ("401", "token"),
        ("403", "host or origin"),
        ("413", "text too long"),
        ("503", "time limit"),
    )
}
_STR = {"type": "string"}
_INT = {"type": "integer"}
_LT_PARAMS = [
    {"name": n, "in": "query", "required": False, "schema": _STR, "description": d}
    for n, d in (
        ("text", "The text to check (this or data)."),
        ("data", "JSON annotations {annotation: [{text}|{markup, interpretAs?}]} (this or text)."),
        ("language", "de, de-DE, en-US, ... or auto (required)."),
        ("enabledRules", "Comma-separated postguard rule ids."),
        ("disabledRules", "Comma-separated postguard rule ids."),
        ("enabledCategories", "Comma-separated postguard categories."),
        ("disabledCategories", "Comma-separated postguard categories."),
        ("enabledOnly", "true: only the enabled rules and categories run."),
    )
]

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "postguard local server",
        "version": __version__,
        "description": "Checks social-media drafts on the employee's machine. See docs/server.md.",
    },
    "servers": [{"url": "http://127.0.0.1:8421"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            **components(),
            **schemas(feedback.MODELS),
            "Software": {
                "type": "object",
                "required": ["name", "version", "apiVersion"],
                "properties": {
                    "name": _STR,
                    "version": _STR,
                    "buildDate": _STR,
                    "apiVersion": _INT,
                    "premium": {"type": "boolean"},
                    "premiumHint": _STR,
                    "status": _STR,
                },
            },
            "LTMatch": {
                "type": "object",
                "required": [
                    "message",
                    "shortMessage",
                    "replacements",
                    "offset",
                    "length",
                    "context",
                    "sentence",
                    "type",
                    "rule",
                    "ignoreForIncompleteSentence",
                    "contextForSureMatch",
                ],
                "properties": {
                    "message": _STR,
                    "shortMessage": _STR,
                    "replacements": {
                        "type": "array",
                        "items": {"type": "object", "required": ["value"], "properties": {"value": _STR}},
                    },
                    "offset": {"type": "integer", "minimum": 0, "description": "UTF-16 code units"},
                    "length": {"type": "integer", "minimum": 1},
                    "context": {
                        "type": "object",
                        "required": ["text", "offset", "length"],
                        "properties": {"text": _STR, "offset": _INT, "length": _INT},
                    },
                    "sentence": _STR,
                    "type": {"type": "object", "properties": {"typeName": _STR}},
                    "rule": {
                        "type": "object",
                        "required": ["id", "description", "issueType", "category"],
                        "properties": {
                            "id": _STR,
                            "description": _STR,
                            "issueType": _STR,
                            "category": {
                                "type": "object",
                                "required": ["id", "name"],
                                "properties": {"id": _STR, "name": _STR},
                            },
                        },
                    },
                    "ignoreForIncompleteSentence": {"type": "boolean"},
                    "contextForSureMatch": _INT,
                },
            },
            "LTCheckResponse": {
                "type": "object",
                "required": ["software", "warnings", "language", "matches"],
                "properties": {
                    "software": _ref("Software"),
                    "warnings": {"type": "object", "properties": {"incompleteResults": {"type": "boolean"}}},
                    "language": {
                        "type": "object",
                        "required": ["name", "code", "detectedLanguage"],
                        "properties": {
                            "name": _STR,
                            "code": _STR,
                            "detectedLanguage": {
                                "type": "object",
                                "required": ["name", "code", "confidence"],
                                "properties": {"name": _STR, "code": _STR, "confidence": {"type": "number"}},
                            },
                        },
                    },
                    "matches": {"type": "array", "items": _ref("LTMatch")},
                },
            },
            "LTLanguages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "code", "longCode"],
                    "properties": {"name": _STR, "code": _STR, "longCode": _STR},
                },
            },
        },
    },
    "security": [{}, {"bearer": []}],
    "paths": {
        "/v1/check": {
            "post": {
                "summary": "Check a draft",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _ref("CheckRequest")},
                        "multipart/form-data": {"schema": _ref("CheckForm")},
                    },
                },
                "responses": {"200": _json(_ref("CheckResponse"), "The findings"), **_ERRORS_V1},
            }
        },
        "/v1/health": {
            "get": {"summary": "Server status", "responses": {"200": _json(_ref("Health"), "Status")}}
        },
        "/v1/rules": {
            "get": {
                "summary": "Rules and their docs (never pack terms)",
                "responses": {"200": _json(_ref("Rules"), "Rules")},
            }
        },
        "/v1/channels": {
            "get": {
                "summary": "Channels declared in the rule packs",
                "responses": {"200": _json(_ref("Channels"), "Channels")},
            }
        },
        "/v1/feedback": {
            "post": {
                "summary": "Record an override or a false-positive report in the local log",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("FeedbackRequest")}},
                },
                "responses": {"200": _json(_ref("FeedbackEntry"), "The entry as stored"), **_ERRORS_V1},
            }
        },
        "/v1/feedback/clear": {
            "post": {
                "summary": "Delete the local log of overrides and reports",
                "responses": {
                    "200": _json(_ref("FeedbackCleared"), "How many entries it held"),
                    **_ERRORS_V1,
                },
            }
        },
        "/v2/check": {
            method: {
                "summary": "LanguageTool-compatible check (form data whatever the Content-Type)",
                # language is required: in the query for GET; in the form (or the query) for POST
                "parameters": [
                    {**p, "required": method == "get" and p["name"] == "language"} for p in _LT_PARAMS
                ],
                **(
                    {
                        "requestBody": {
                            "content": {
                                "application/x-www-form-urlencoded": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {p["name"]: _STR for p in _LT_PARAMS},
                                        "required": ["language"],
                                    }
                                }
                            }
                        }
                    }
                    if method == "post"
                    else {}
                ),
                "responses": {"200": _json(_ref("LTCheckResponse"), "LanguageTool matches"), **_ERRORS_V2},
            }
            for method in ("get", "post")
        },
        "/v2/languages": {
            "get": {
                "summary": "Supported languages",
                "responses": {"200": _json(_ref("LTLanguages"), "Languages")},
            }
        },
        "/v2/info": {
            "get": {
                "summary": "Software information",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["software"],
                            "properties": {"software": _ref("Software")},
                        },
                        "Software",
                    )
                },
            }
        },
        "/v2/healthcheck": {
            "get": {"summary": "Liveness (no token needed)", "responses": {"200": _text("OK")}}
        },
        "/v2/maxtextlength": {
            "get": {
                "summary": "Longest text accepted, in characters",
                "responses": {"200": _text("An integer")},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
            }
        },
        "/": {
            "get": {
                "summary": "The paste page (no token needed)",
                "responses": {
                    "200": {"description": "HTML", "content": {"text/html": {}}},
                    "404": _json(_ref("Error"), "Page not installed"),
                },
            }
        },
        "/static/{path}": {
            "get": {
                "summary": "Files of the paste page (no token needed)",
                "parameters": [{"name": "path", "in": "path", "required": True, "schema": _STR}],
                "responses": {
                    "200": {"description": "The file"},
                    "404": _json(_ref("Error"), "No such file"),
                },
            }
        },
    },
}


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)
