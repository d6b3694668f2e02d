"""Images sent to ``/v1/check`` over a real socket: base64 JSON and multipart, limits, bad images."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest_server import ServerProcess, raw_request
from imagefactory import encode, exif_bytes, photo, png_claiming, screenshot
from postguard.server import OPENAPI
from postguard.server.responses import max_body

pytest_plugins = ("conftest_server",)

SLIDE, SLIDE_BOXES = screenshot(["VERTRAULICH", "Projekt Sturmvogel: Zeitplan"], size=20)
SLIDE_PNG = encode(SLIDE, "PNG")
TEAM_JPG = encode(photo(80), "JPEG", exif=exif_bytes(gps=(52.52, 13.405)))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def validate(answer: dict[str, Any]) -> None:
    schema = {"$ref": "#/components/schemas/CheckResponse", "components": OPENAPI["components"]}
    jsonschema.Draft202012Validator(schema).validate(answer)


def test_json_with_base64_images_answers_findings_with_boxes(server: ServerProcess) -> None:
    r = server.client.post(
        "/v1/check",
        json={
            "text": "Der Trekker T5 kommt bald.",
            "images": [
                {"name": "slide.png", "data": b64(SLIDE_PNG)},
                {"name": "team.jpg", "data": "data:image/jpeg;base64," + b64(TEAM_JPG)},
            ],
        },
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    validate(answer)
    assert [f["rule_id"] for f in answer["findings"]] == ["PG201"]
    slide, team = answer["images"]
    assert (slide["name"], slide["width"], slide["height"], slide["error"]) == (
        "slide.png",
        *SLIDE.size,
        None,
    )
    by_rule = {f["rule_id"]: f for f in slide["findings"]}
    assert set(by_rule) == {"PG101", "PG104"}
    x, y, w, _ = by_rule["PG104"]["box"]
    bx, by, bw, _ = SLIDE_BOXES[0]
    assert abs(x - bx) <= 3 and abs(y - by) <= 4 and abs(w - bw) <= 6
    assert by_rule["PG101"]["match"] == "Sturmvogel"
    assert [f["rule_id"] for f in team["findings"]] == ["PG802"] and team["findings"][0]["box"] is None
    assert answer["notices"] == []


def test_multipart_form_with_an_image(server: ServerProcess) -> None:
    r = server.client.post(
        "/v1/check",
        data={"text": "Wir freuen uns auf den Sommer.", "lang": "de"},
        files=[("image", ("slide.png", SLIDE_PNG, "image/png"))],
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    validate(answer)
    assert answer["findings"] == []
    [slide] = answer["images"]
    assert sorted(f["rule_id"] for f in slide["findings"]) == ["PG101", "PG104"]


def test_a_bad_image_is_reported_and_the_rest_still_checked(server: ServerProcess) -> None:
    r = server.client.post(
        "/v1/check",
        json={
            "text": "Stolz auf das Sturmvogel-Team!",
            "images": [
                {"name": "half.jpg", "data": b64(TEAM_JPG[:2000])},
                {"name": "notes.png", "data": b64(b"plain text")},
                {"name": "slide.png", "data": b64(SLIDE_PNG)},
            ],
        },
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert [f["rule_id"] for f in answer["findings"]] == ["PG101"]
    half, notes, slide = answer["images"]
    assert "truncated or corrupt" in half["error"] and half["findings"] == []
    assert "not an image" in notes["error"]
    assert slide["error"] is None and slide["findings"]


def test_limits_answer_413(server: ServerProcess) -> None:
    bomb = server.client.post(
        "/v1/check",
        json={"text": "", "images": [{"name": "b.png", "data": b64(png_claiming(60_000, 60_000))}]},
    )
    assert bomb.status_code == 413 and "dimensions too large" in bomb.json()["error"]
    many = server.client.post("/v1/check", json={"text": "", "images": [{"data": b64(SLIDE_PNG)}] * 5})
    assert many.status_code == 413 and "at most 4 images" in many.json()["error"]
    big = server.client.post(
        "/v1/check",
        data={"text": ""},
        files=[("image", ("big.jpg", b"\xff\xd8" + b"\0" * (11 * 1024 * 1024), "image/jpeg"))],
    )
    assert big.status_code == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/check"), ("POST", "/v2/check"), ("GET", "/v1/rules"), ("GET", "/v1/health")],
)
def test_every_endpoint_refuses_a_body_over_its_limit(server: ServerProcess, method: str, path: str) -> None:
    limit = max_body(path, 100_000)  # the server's max_text_length
    request = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {limit + 1}\r\n"
    status, _, body = raw_request(server.port, request.encode() + b"Connection: close\r\n\r\n")
    assert status == 413
    assert f"at most {limit:,} bytes".encode() in body
    assert body.startswith(b"Error: ") if path.startswith("/v2/") else b'"status":413' in body


def test_v1_check_bodies_are_limited_to_text_and_20_mb_of_images(server: ServerProcess) -> None:
    limit = max_body("/v1/check", 100_000)
    assert limit < 30 * 1024 * 1024  # four 10 MB images base64-encoded (56 MB) are not accepted

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        yield b'{"text": "", "images": [{"data": "'
        for _ in range(29):
            yield b"A" * 1024 * 1024
        yield b'"}]}'

    r = server.client.post("/v1/check", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and f"at most {limit:,} bytes" in r.json()["error"]
    # within the body limit, but more than 20 MB of images in all
    blob = b"\xff\xd8" + b"\0" * (7 * 1024 * 1024)
    files = [("image", (f"p{i}.jpg", blob, "image/jpeg")) for i in range(3)]
    r = server.client.post("/v1/check", data={"text": ""}, files=files)
    assert r.status_code == 413 and "20 MB in all" in r.json()["error"]


def test_images_embedded_in_the_text_are_checked_and_named_files_never_read(
    server: ServerProcess, tmp_path: Path
) -> None:
    on_disk = tmp_path / "slide.png"  # a real file with findings in it: the server must not open it
    on_disk.write_bytes(SLIDE_PNG)
    embedded = f"![Folie 3](data:image/png;base64,{b64(SLIDE_PNG)})"
    text = f"Unser Team!\n\n{embedded}\n\n![Folie 4]({on_disk}) ![Folie 5](slide.png)\n"
    r = server.client.post("/v1/check", json={"text": text})
    assert r.status_code == 200, r.text
    answer = r.json()
    validate(answer)
    head = "![Folie 3](data:image/png;base64,"
    found = sorted((f["rule_id"], f["match"], f["image"]) for f in answer["findings"])
    assert found == [("PG101", head, "embedded image"), ("PG104", head, "embedded image")]
    for f in answer["findings"]:
        assert text[f["start"] : f["end"]] == head and f["box"] is not None
    assert answer["notices"] == [
        "image files named in the text are not read by the server (2 references): send the images "
        "with the draft, or check the post with `postguard check`"
    ]
    broken = server.client.post("/v1/check", json={"text": "Hallo ![x](data:image/png;base64,@@@@)"}).json()
    assert [(f["rule_id"], f["message"]) for f in broken["findings"]] == [
        ("PG806", "Image not checked: the data: URL is not valid base64.")
    ]
    plain = server.client.post("/v1/check", json={"text": "Unser Team beim Sommerfest!"}).json()
    assert "notices" not in plain and plain["findings"] == []


def test_embedded_images_count_towards_the_limit_of_four(server: ServerProcess) -> None:
    tiny = encode(photo(81, (16, 16)), "PNG")
    # three different pictures (the same one embedded twice is checked, and counted, once)
    pictures = [b64(encode(photo(i, (16, 16)), "PNG")) for i in range(3)]
    text = " ".join(
        f"![{i}](data:image/png;base64,{data})" for i, data in enumerate([*pictures, pictures[0]])
    )
    ok = server.client.post("/v1/check", json={"text": text, "images": [{"data": b64(tiny)}]})
    assert ok.status_code == 200
    many = server.client.post("/v1/check", json={"text": text, "images": [{"data": b64(tiny)}] * 2})
    assert many.status_code == 413 and "at most 4 images per request (with the 3 in the text)" in many.text


def test_malformed_image_fields_are_400(server: ServerProcess) -> None:
    for images in ("x", [{"name": "a"}], [{"data": "@@not base64@@"}]):
        r = server.client.post("/v1/check", json={"text": "Hallo", "images": images})
        assert r.status_code == 400, (images, r.text)
    r = server.client.post(
        "/v1/check", data={"text": "x", "colour": "red"}, files=[("image", ("a.png", SLIDE_PNG, "image/png"))]
    )
    assert r.status_code == 400 and "unknown form field 'colour'" in r.json()["error"]


def test_openapi_documents_images(server: ServerProcess) -> None:
    spec = server.client.get("/openapi.json").json()
    content = spec["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert "images" in spec["components"]["schemas"]["CheckRequest"]["properties"]
    assert "box" in spec["components"]["schemas"]["Finding"]["properties"]
