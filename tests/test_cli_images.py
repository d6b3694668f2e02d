"""Images on the command line: `postguard check photo.jpg` and the local images of posts, as real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK, ROOT
from imagefactory import encode, exif_bytes, photo, screenshot

NOW = ["--now", "2026-11-28T12:00:00+01:00"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("imgcli")
    (d / "postguard.toml").write_text(f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8")
    (d / "img").mkdir()
    slide, _ = screenshot(["VERTRAULICH", "Projekt Sturmvogel: Zeitplan"], size=20)
    (d / "img" / "slide.png").write_bytes(encode(slide, "PNG"))
    (d / "img" / "team.jpg").write_bytes(
        encode(photo(70), "JPEG", exif=exif_bytes(gps=(52.52, 13.405), artist="Jane Roe"))
    )
    (d / "img" / "clean.jpg").write_bytes(encode(photo(71), "JPEG"))
    (d / "img" / "broken.jpg").write_bytes(encode(photo(72), "JPEG")[:3000])
    (d / "post.md").write_text(
        "# Sommerfest\n\nSchön war's! ![Team](img/team.jpg)\n\n"
        '<img src="img/slide.png" alt="Folie">\n\n![kaputt](img/broken.jpg) ![gut](img/clean.jpg)\n'
        "![remote](https://example.com/x.jpg) und noch einmal ![Team](img/team.jpg)\n"
        "Der Trekker T5 kommt bald.\n",
        encoding="utf-8",
    )
    return d


def postguard(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), environ.get("PYTHONPATH", "")) if p
    )
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "postguard", "check", *NOW, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )


def test_check_an_image_file_and_a_post_with_images(project: Path) -> None:
    proc = postguard(project, "--format", "json", "img/slide.png", "post.md")
    assert proc.returncode == 1, proc.stderr
    assert "note:" not in proc.stderr
    slide, post = json.loads(proc.stdout)["results"]
    assert slide["path"] == "img/slide.png" and slide["error"] is None
    assert sorted(f["rule_id"] for f in slide["findings"]) == ["PG101", "PG104"]
    assert all(f["image"] == "img/slide.png" and len(f["box"]) == 4 for f in slide["findings"])
    source = (project / "post.md").read_text(encoding="utf-8")
    got = sorted((f["rule_id"], f.get("image"), f["match"]) for f in post["findings"])
    team = "![Team](img/team.jpg)"
    assert got == sorted(
        [
            ("PG101", "img/slide.png", '<img src="img/slide.png" alt="Folie">'),
            ("PG104", "img/slide.png", '<img src="img/slide.png" alt="Folie">'),
            ("PG802", "img/team.jpg", team),
            ("PG804", "img/team.jpg", team),
            ("PG802", "img/team.jpg", team),  # the second reference to the same file
            ("PG804", "img/team.jpg", team),
            ("PG806", "img/broken.jpg", "![kaputt](img/broken.jpg)"),
            ("PG201", None, "Trekker T5"),  # the rest of the draft is still checked
        ]
    )
    for f in post["findings"]:
        assert source[f["start"] : f["end"]] == f["match"]
    [broken] = [f for f in post["findings"] if f["rule_id"] == "PG806"]
    assert "truncated or corrupt" in broken["message"]


def test_a_picture_embedded_as_a_data_url_is_checked_too(project: Path) -> None:
    import base64

    slide = base64.b64encode((project / "img" / "slide.png").read_bytes()).decode("ascii")
    head = "![Folie](data:image/png;base64,"
    (project / "embedded.md").write_text(f"# Zeitplan\n\n{head}{slide})\n", encoding="utf-8")
    proc = postguard(project, "--format", "json", "embedded.md")
    assert proc.returncode == 1, proc.stderr
    [post] = json.loads(proc.stdout)["results"]
    got = sorted((f["rule_id"], f["image"], f["match"]) for f in post["findings"])
    assert got == [("PG101", "embedded image", head), ("PG104", "embedded image", head)]


def test_text_output_shows_the_box_and_a_bad_image_file_is_an_input_error(project: Path) -> None:
    (project / "notes.png").write_text("not an image\n", encoding="utf-8")
    proc = postguard(project, "img/slide.png", "notes.png")
    assert proc.returncode == 2, proc.stderr
    assert "img/slide.png:1:1: PG104" in proc.stdout
    assert re.search(r"= (image|Bild): img/slide\.png at x=\d+, y=\d+, \d+x\d+ px", proc.stdout)
    assert "notes.png: input error: not an image postguard can read" in proc.stdout


def test_without_tesseract_data_one_notice_and_the_other_checks_run(project: Path, tmp_path: Path) -> None:
    proc = postguard(
        project,
        "--format",
        "json",
        "img/slide.png",
        "img/team.jpg",
        "post.md",
        env={"TESSDATA_PREFIX": str(tmp_path)},
    )
    assert proc.stderr.count("note: text in images is not checked") == 1, proc.stderr
    assert "tesseract-ocr-deu" in proc.stderr
    slide, team, post = json.loads(proc.stdout)["results"]
    assert slide["findings"] == []
    assert sorted(f["rule_id"] for f in team["findings"]) == ["PG802", "PG804"]
    assert "PG201" in {f["rule_id"] for f in post["findings"]}


def test_the_image_cache_keeps_facts_not_pixels(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"POSTGUARD_CACHE_DIR": str(cache)}
    first = postguard(project, "--format", "json", "--image-cache", "img/slide.png", env=env)
    files = list((cache / "images").glob("*.json"))
    assert len(files) == 1
    stored = json.loads(files[0].read_text(encoding="utf-8"))
    assert "Sturmvogel" in stored["ocr"]["text"] and "pixels" not in stored
    again = postguard(project, "--format", "json", "--image-cache", "img/slide.png", env=env)
    assert json.loads(again.stdout) == json.loads(first.stdout)
    plain = postguard(
        project, "--format", "json", "img/slide.png", env={"POSTGUARD_CACHE_DIR": str(tmp_path / "c2")}
    )
    assert not (tmp_path / "c2" / "images").exists()
    assert json.loads(plain.stdout)["results"] == json.loads(first.stdout)["results"]
