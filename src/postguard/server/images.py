"""Images sent with a draft to ``/v1/check``: base64 in JSON, or parts of a multipart form.

Both forms are parsed in memory (Starlette's form parser would spool large
uploads to a temporary file; an image is never written to disk). Limits:
:data:`MAX_IMAGES` images of :data:`MAX_IMAGE_BYTES` each, :data:`MAX_IMAGES_TOTAL`
in all, and :data:`~postguard.images.MAX_PIXELS` pixels; beyond them the answer is 413,
and a decompression bomb is refused before its pixels are decoded. An image
that is not readable (not an image, truncated) is reported with its error in
the answer while the text and the other images are still checked.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from postguard.server.responses import ApiError

MAX_IMAGES = 4
MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: Bytes of all images of one request together: two phone photos, or four large screenshots.
MAX_IMAGES_TOTAL = 20 * 1024 * 1024
#: Bytes of framing per image (multipart headers, the JSON object around the base64).
_FRAMING = 4096
#: Seconds added to the check's time limit per image sent (OCR of a large screenshot takes about one).
SECONDS_PER_IMAGE = 10.0
_FIELDS = ("text", "channel", "kind", "lang", "publish_at")


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    data: bytes


def body_allowance() -> int:
    """Bytes a ``/v1/check`` body may carry beyond the text: :data:`MAX_IMAGES_TOTAL` base64-encoded
    (a third larger; multipart sends the bytes as they are) and the framing of each image."""
    return -(-MAX_IMAGES_TOTAL * 4 // 3) + MAX_IMAGES * _FRAMING


def time_budget(body: bytes) -> float:
    """The extra time a body's images may take: :data:`SECONDS_PER_IMAGE` for each (a cheap count)."""
    count = body.count(b'filename="') + body.count(b'"data"') + body.count(b"data:image/")
    return SECONDS_PER_IMAGE * min(count, MAX_IMAGES)


def references(text: str) -> tuple[int, int]:
    """How many images the text embeds (``data:image/`` URLs) and how many files it names.

    The server checks the embedded ones (their bytes came with the request) and reads no file a
    draft names: a draft is text from any web page the extension reads, and a path in it must not
    make the server open, decode or OCR a file of this machine (docs/images.md).
    """
    from postguard.images.refs import find_refs, is_embedded, is_local

    embedded = len({r.src for r in find_refs(text, "markdown", is_embedded)}) if "data:image/" in text else 0
    files = len(find_refs(text, "markdown", is_local)) if ("![" in text or "<img" in text.lower()) else 0
    return embedded, files


def files_notice(count: int) -> str:
    return (
        f"image files named in the text are not read by the server ({count} reference"
        f"{'s' if count != 1 else ''}): send the images with the draft, or check the post with "
        "`postguard check`"
    )


def checked(uploads: list[Upload], embedded: int = 0) -> list[Upload]:
    """The uploads, or 413 for too many or too large ones (after the fields were found valid).

    ``embedded`` images (``data:`` URLs in the text) count towards :data:`MAX_IMAGES`.
    """
    if len(uploads) + embedded > MAX_IMAGES:
        within = f" (with the {embedded} in the text)" if embedded else ""
        raise ApiError(413, f"at most {MAX_IMAGES} images per request{within}")
    for u in uploads:
        if len(u.data) > MAX_IMAGE_BYTES:
            raise ApiError(413, f"image {u.name!r} is larger than {MAX_IMAGE_BYTES // 1_048_576} MB")
    if sum(len(u.data) for u in uploads) > MAX_IMAGES_TOTAL:
        raise ApiError(413, f"the images of one request may have {MAX_IMAGES_TOTAL // 1_048_576} MB in all")
    return uploads


def _name(value: Any, i: int) -> str:
    name = value if isinstance(value, str) and value.strip() else f"image-{i + 1}"
    return name.replace("\n", " ")[:200]


def json_images(payload: dict[str, Any]) -> list[Upload]:
    """``images: [{"name": "shot.png", "data": "<base64>"}]`` of a JSON body."""
    raw = payload.get("images")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApiError(400, '\'images\' must be an array of {"name", "data"} objects')
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("data"), str):
            raise ApiError(400, f"images[{i}] must be an object with 'data' (base64) and an optional 'name'")
        if item.get("name") is not None and not isinstance(item["name"], str):
            raise ApiError(400, f"images[{i}].name must be a string")
        if set(item) - {"name", "data"}:
            raise ApiError(400, f"images[{i}] has keys other than 'name' and 'data'")
        data = item["data"]
        if data.startswith("data:") and "," in data:  # a data: URL, as a browser's FileReader gives it
            data = data.split(",", 1)[1]
        if len(data) > MAX_IMAGE_BYTES * 4 // 3 + 8:
            raise ApiError(413, f"images[{i}] is larger than {MAX_IMAGE_BYTES // 1_048_576} MB")
        try:
            blob = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, f"images[{i}].data is not valid base64") from None
        out.append(Upload(_name(item.get("name"), i), blob))
    return out


def multipart_form(body: bytes, content_type: str) -> tuple[dict[str, str], list[Upload]]:
    """The text fields and the image files of a ``multipart/form-data`` body, parsed in memory."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise ApiError(400, "multipart body without a boundary")
    parts: list[dict[str, Any]] = []
    header: list[bytes] = [b"", b""]

    def on_part_begin() -> None:
        parts.append({"headers": {}, "data": bytearray()})

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        # latin-1 keeps the bytes as they came: parse_options_header encodes with it again, and the
        # name and filename are decoded as UTF-8 from those bytes below
        parts[-1]["headers"][header[0].decode("latin-1").lower()] = header[1].decode("latin-1")
        header[0], header[1] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1]["data"] += data[start:end]
        if len(parts[-1]["data"]) > MAX_IMAGE_BYTES:
            raise ApiError(413, f"an image is larger than {MAX_IMAGE_BYTES // 1_048_576} MB")

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
    }
    parser = MultipartParser(boundary, callbacks)
    try:
        parser.write(body)
        parser.finalize()
    except ApiError:
        raise
    except Exception:
        raise ApiError(400, "the multipart body does not parse") from None
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    for part in parts:
        _, opts = parse_options_header(part["headers"].get("content-disposition", ""))
        name = opts.get(b"name", b"").decode("utf-8", "replace")
        filename = opts.get(b"filename")
        if filename is not None or name in ("image", "images", "images[]"):
            fname = filename.decode("utf-8", "replace") if filename else ""
            uploads.append(Upload(_name(fname, len(uploads)), bytes(part["data"])))
        elif name in _FIELDS:
            try:
                fields[name] = bytes(part["data"]).decode("utf-8")
            except UnicodeDecodeError:
                raise ApiError(400, f"form field {name!r} is not UTF-8 text") from None
        else:
            raise ApiError(400, f"unknown form field {name!r} (expected {', '.join(_FIELDS)}, image)")
    return fields, uploads


def check_uploads(eng: Any, uploads: list[Upload], args: dict[str, str], publish_at: Any) -> dict[str, Any]:
    """Check each uploaded image: ``{"images": [...], "notices": [...]}`` for the answer."""
    from postguard.formatters.json import finding_dict
    from postguard.imagelint import ImageOptions, check_facts
    from postguard.images import ImageError, ImageTooLarge, analyse
    from postguard.model import LineIndex

    options = ImageOptions(
        channel=args.get("channel"), kind=args.get("kind"), lang=args.get("lang"), publish_at=publish_at
    )
    images: list[dict[str, Any]] = []
    notices: list[str] = []
    for u in uploads:
        try:
            facts = analyse(u.data, u.name, max_bytes=MAX_IMAGE_BYTES)
        except ImageTooLarge as exc:
            raise ApiError(413, str(exc)) from None
        except ImageError as exc:
            images.append({"name": u.name, "error": str(exc).removeprefix(f"{u.name}: "), "findings": []})
            continue
        if facts.ocr_skipped and facts.ocr_skipped not in notices:
            notices.append(facts.ocr_skipped)
        result = check_facts(eng, facts, options)
        index = LineIndex(result.text)
        images.append(
            {
                "name": u.name,
                "width": facts.width,
                "height": facts.height,
                "error": None,
                "findings": [finding_dict(f, result.text, index) for f in result.findings],
            }
        )
    return {"images": images, "notices": notices}
