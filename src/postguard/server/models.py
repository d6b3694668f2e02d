"""Typed models of the ``/v1`` API: they validate requests and generate the OpenAPI schemas.

One source of truth: :mod:`postguard.server.openapi` takes the components from
:func:`components`, and ``/v1/check`` validates its body with :class:`CheckRequest`
(:func:`parse_check_request`), turning pydantic's errors into the API's own
messages. The LanguageTool API (``/v2``) keeps its form parsing in
:mod:`postguard.languagetool`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from postguard import languagetool as lt
from postguard.model import KINDS
from postguard.server.responses import ApiError

Severity = Literal["error", "warning", "info"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Error(_Model):
    """Every ``/v1`` error (and 4xx/5xx outside ``/v2``)."""

    error: str
    status: int


class CheckRequest(BaseModel):
    """The body of ``POST /v1/check``. Unknown fields are ignored (clients may send more)."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    text: str
    channel: str | None = Field(None, description="A channel of the rule packs.")
    kind: Literal["post", "profile", "article", "page"] | None = None
    lang: Literal["auto", "de", "en"] | None = None
    publish_at: str | None = Field(None, description="ISO 8601 date-time")
    # read by postguard.server.images.json_images, which gives its own errors; documented in
    # components() below (a $ref in json_schema_extra is not resolved by pydantic)
    images: Any = None


class ImageUpload(_Model):
    name: str | None = Field(None, description="Shown in findings (e.g. the file name)")
    data: str = Field(description="The image, base64 (or a data: URL)")


class CheckForm(BaseModel):
    """``POST /v1/check`` as ``multipart/form-data``: the fields as text, each image a file part."""

    text: str = ""
    channel: str | None = None
    kind: str | None = None
    lang: str | None = None
    publish_at: str | None = None
    # at most 4 (a 5th is refused with 413); not a maxItems, which would make 413 a schema violation
    image: list[bytes] = Field(default_factory=list, description="The images, at most 4 (else 413)")


class Finding(_Model):
    rule_id: str
    rule_name: str
    category: str
    severity: Severity
    message: str
    start: int = Field(ge=0, description="code points")
    end: int = Field(ge=0)
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_column: int = Field(ge=1)
    start_utf16: int = Field(ge=0, description="UTF-16 code units")
    end_utf16: int = Field(ge=0)
    match: str
    replacements: list[str]
    confidence: float = Field(ge=0, le=1)
    image: str | None = Field(None, description="The image the finding is in (its name)")
    box: list[int] | None = Field(
        None,
        min_length=4,
        max_length=4,
        description="Left, top, width, height in the image, in pixels (null: the file)",
    )


class ImageResult(_Model):
    name: str
    width: int | None = None
    height: int | None = None
    error: str | None = Field(description="Why the image was not checked")
    findings: list[Finding]


class CheckResponse(_Model):
    findings: list[Finding]
    language: Literal["de", "en"]
    pack_fingerprint: str
    images: list[ImageResult] | None = Field(
        None, description="One entry per image sent, in order (only when images were sent)"
    )
    notices: list[str] | None = Field(
        None, description="E.g. that text in images was not read (no Tesseract here)"
    )


class Health(_Model):
    status: Literal["ok", "degraded", "loading"]
    version: str
    rule_count: int
    pack_fingerprint: str
    last_reload_error: str | None
    packs: list[dict[str, Any]] = Field(
        default_factory=list, description="Each loaded pack's name, version, source and age"
    )


class RuleDoc(_Model):
    name: str
    what: str
    why: str
    fix: str
    example: str


class Rule(_Model):
    id: str
    name: str
    category: str
    severity: Severity
    enabled: bool
    summary: str = Field(description="The rule's English name (its docs' name).")
    docs: dict[str, RuleDoc]


class Rules(_Model):
    rules: list[Rule]


class Channel(_Model):
    name: str
    business: bool


class Channels(_Model):
    channels: list[Channel]


MODELS: tuple[type[BaseModel], ...] = (
    Error,
    CheckRequest,
    ImageUpload,
    CheckForm,
    CheckResponse,
    Health,
    Rules,
    Channels,
)


def schemas(models: tuple[type[BaseModel], ...]) -> dict[str, Any]:
    """JSON Schemas of ``models`` (and the models they use), for ``components.schemas``."""
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def components() -> dict[str, Any]:
    """JSON Schemas of :data:`MODELS` (and the models they use), for ``components.schemas``."""
    out = schemas(MODELS)
    out["CheckRequest"]["properties"]["images"] = {
        "anyOf": [{"type": "array", "items": {"$ref": "#/components/schemas/ImageUpload"}}, {"type": "null"}],
        "description": "Images posted with the draft, at most 4 (JPEG, PNG, WebP, GIF, BMP, TIFF; "
        "10 MB and 50 megapixels each at most; else 413)",
    }
    return out


def parse_check_request(body: bytes, max_text_length: int) -> CheckRequest:
    """A ``/v1/check`` JSON body, validated, or :class:`ApiError` in the API's words."""
    try:
        request = CheckRequest.model_validate_json(body)
    except ValidationError as exc:
        raise ApiError(400, _message(exc)) from None
    return _checked(request, max_text_length)


def parse_check_fields(fields: Mapping[str, str], max_text_length: int) -> CheckRequest:
    """The fields of a ``/v1/check`` multipart form, validated like a JSON body."""
    try:
        request = CheckRequest.model_validate(dict(fields))
    except ValidationError as exc:
        raise ApiError(400, _message(exc)) from None
    return _checked(request, max_text_length)


def _checked(request: CheckRequest, max_text_length: int) -> CheckRequest:
    if len(request.text) > max_text_length:
        raise ApiError(413, f"the text is longer than {max_text_length} characters")
    if not lt.is_valid_unicode(request.text):
        raise ApiError(400, "'text' contains an unpaired surrogate (\\ud800-\\udfff), which is not text")
    return request


def _message(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    kind, loc = error["type"], error["loc"]
    if not loc:
        if kind == "json_invalid":
            return 'the body is not valid JSON (expected {"text": ...})'
        return 'the body must be a JSON object (expected {"text": ...})'
    key = str(loc[0])
    if key == "text":
        return "'text' is required and must be a string"
    if key == "lang":
        return "'lang' must be auto, de or en"
    if key == "kind" and isinstance(error.get("input"), str):
        return f"unknown kind {error['input']!r} (expected one of {', '.join(KINDS)})"
    return f"'{key}' must be a string"
