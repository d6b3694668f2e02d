"""The image checks (PG801-PG806) and OCR text through the normal checks, on real image files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance

from conftest import EXAMPLE_PACK
from imagefactory import encode, exif_bytes, photo, screenshot, with_iptc
from postguard.config import Config
from postguard.engine import Engine
from postguard.errors import ConfigError
from postguard.imagelint import ImageOptions, lint_image
from postguard.images.hashing import format_hash
from postguard.images.phash import phash

BEFORE = datetime(2027, 2, 1, tzinfo=UTC)
AFTER = datetime(2027, 3, 2, tzinfo=UTC)
WORKSHOP = (48.13743, 11.57549)


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("imgpack")
    (d / "press").mkdir()
    photo(42, (800, 600)).save(d / "press" / "x9-front.jpg", quality=92)
    other = format_hash(phash(photo(43, (800, 600))))
    (d / "images.toml").write_text(
        f"""
[pack]
name = "image pack"
timezone = "Europe/Berlin"

[[embargo]]
name = "Nordkap X9"
until = 2027-03-01
images = ["press/x9-front.jpg"]
image_hashes = ["{other}"]
note = "Launch at the trade fair."

[images]
owners = ["Nordkap Outdoor"]
internal_software = ["PLM-Suite"]

[[sites]]
name = "Prototype workshop"
latitude = {WORKSHOP[0]}
longitude = {WORKSHOP[1]}
radius = 400
""",
        encoding="utf-8",
    )
    return d


@pytest.fixture(scope="module")
def engine(pack_dir: Path) -> Engine:
    return Engine(Config(packs=(EXAMPLE_PACK, pack_dir / "images.toml")), use_cache=False)


def ids(report) -> list[str]:  # type: ignore[no-untyped-def]
    assert report.error is None, report.error
    return sorted(f.rule_id for f in report.findings)


def run(engine: Engine, data: bytes, now: datetime = BEFORE, **kw: object):  # type: ignore[no-untyped-def]
    return lint_image(engine, data, name="photo.jpg", options=ImageOptions(now=now, **kw))  # type: ignore[arg-type]


# -- PG801 embargoed pictures --------------------------------------------------------


def test_an_embargoed_picture_is_found_resized_cropped_and_recoloured(engine: Engine) -> None:
    img = photo(42, (800, 600))
    for variant in (
        img.resize((400, 300)),
        img.crop((80, 60, 800, 600)),
        ImageEnhance.Color(img).enhance(1.3),
    ):
        report = run(engine, encode(variant, "JPEG", quality=60))
        [f] = report.findings
        assert f.rule_id == "PG801" and f.severity.value == "error"
        assert "1. März 2027" in f.message or "1 March 2027" in f.message
        assert "Launch at the trade fair." in f.message
        assert "X9" not in f.message.replace("x9", "")  # the entry's name stays in the pack
        assert f.box == (0, 0, variant.width, variant.height)


def test_an_embargoed_picture_in_a_scheduled_post_says_how_early(engine: Engine) -> None:
    data = encode(photo(42, (800, 600)), "JPEG", quality=80)
    planned = datetime(2027, 2, 27, 9, 0, tzinfo=UTC)  # two days before the lift
    [f] = run(engine, data, publish_at=planned).findings
    assert f.rule_id == "PG801"
    assert "the post is scheduled for 27 February 2027" in f.message and "too early" in f.message
    assert "It matches a picture in the rule pack" in f.message


def test_a_hash_written_in_the_pack_matches(engine: Engine) -> None:
    assert ids(run(engine, encode(photo(43, (800, 600)), "JPEG"))) == ["PG801"]


def test_after_the_lift_and_other_pictures_nothing(engine: Engine) -> None:
    assert ids(run(engine, encode(photo(42, (800, 600)), "JPEG"), now=AFTER)) == []
    assert ids(run(engine, encode(photo(44, (800, 600)), "JPEG"))) == []


def test_a_missing_pack_image_is_a_pack_error(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('[[embargo]]\nname = "X"\nuntil = 2027-01-01\nimages = ["nope.jpg"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"embargo\[0\]\.images\[0\]: cannot read image 'nope.jpg'"):
        Engine(Config(packs=(pack,)), use_cache=False)


def test_a_bad_hash_is_a_pack_error(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('[[embargo]]\nname = "X"\nuntil = 2027-01-01\nimage_hashes = ["abc"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"image_hashes\[0\]: 'abc' is not an image hash"):
        Engine(Config(packs=(pack,)), use_cache=False)


# -- PG802/PG803 GPS -----------------------------------------------------------------


def test_gps_is_a_warning_on_business_channels_and_info_elsewhere(engine: Engine) -> None:
    data = encode(photo(50), "JPEG", exif=exif_bytes(gps=(52.52, 13.405)))
    [private] = run(engine, data).findings
    [business] = run(engine, data, channel="linkedin-company").findings
    assert (private.rule_id, private.severity.value) == ("PG802", "info")
    assert (business.rule_id, business.severity.value) == ("PG802", "warning")
    assert "exiftool -all=" in business.message and business.box is None


def test_gps_near_a_confidential_site_is_an_error_that_does_not_name_it(engine: Engine) -> None:
    near = (WORKSHOP[0] + 0.002, WORKSHOP[1])  # about 220 m north
    [f] = run(engine, encode(photo(51), "JPEG", exif=exif_bytes(gps=near))).findings
    assert (f.rule_id, f.severity.value) == ("PG803", "error")
    assert "radius 400 m" in f.message and "Prototype" not in f.message
    far = (WORKSHOP[0] + 0.01, WORKSHOP[1])  # 1.1 km
    assert ids(run(engine, encode(photo(51), "JPEG", exif=exif_bytes(gps=far)))) == ["PG802"]


def test_sites_are_validated(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('[[sites]]\nname = "Lab"\nlatitude = 123.0\nlongitude = 1.0\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sites\[0\]\.latitude: must be between -90 and 90"):
        Engine(Config(packs=(pack,)), use_cache=False)


# -- PG804 credit, PG805 internal tools ------------------------------------------------


def test_someone_elses_credit_needs_credit_but_our_own_does_not(engine: Engine) -> None:
    theirs = run(
        engine, encode(photo(52), "JPEG", exif=exif_bytes(artist="Jane Roe", copyright="© Getty Images"))
    )
    assert ids(theirs) == ["PG804", "PG804"]
    assert any(
        "“Getty Images”" in f.message or "„© Getty Images“" in f.message or "© Getty Images" in f.message
        for f in theirs.findings
    )
    ours = run(engine, encode(photo(52), "JPEG", exif=exif_bytes(copyright="© Nordkap Outdoor GmbH 2026")))
    assert ids(ours) == []


def test_internal_tools_paths_and_codenames_in_metadata(engine: Engine) -> None:
    data = encode(
        photo(53),
        "JPEG",
        exif=exif_bytes(software="PLM-Suite 12.1", document=r"\\fs01\Projekte\Sturmvogel\front.psd"),
    )
    report = run(engine, data)
    assert ids(report) == ["PG101", "PG805", "PG805"]
    [codename] = [f for f in report.findings if f.rule_id == "PG101"]
    assert codename.message.startswith("EXIF DocumentName: ") and codename.box is None
    everyday = encode(photo(53), "JPEG", exif=exif_bytes(software="Adobe Photoshop 25.0 (Windows)"))
    assert ids(run(engine, everyday)) == []


def test_iptc_credits_and_object_name_are_judged(engine: Engine) -> None:
    data = with_iptc(
        encode(photo(55), "JPEG"),
        {"Byline": "Jane Roe", "Credit": "Nordkap Outdoor", "ObjectName": "Sturmvogel Launch"},
    )
    report = run(engine, data)
    assert ids(report) == ["PG101", "PG804"]
    by_rule = {f.rule_id: f for f in report.findings}
    assert "Jane Roe" in by_rule["PG804"].message and "Nordkap Outdoor" not in by_rule["PG804"].message
    assert by_rule["PG101"].message.startswith("IPTC ObjectName: ")
    ours = with_iptc(encode(photo(55), "JPEG"), {"Byline": "Nordkap Outdoor", "Source": "Nordkap Outdoor"})
    assert ids(run(engine, ours)) == []


# -- OCR text through the normal checks ------------------------------------------------


def test_a_screenshot_of_an_internal_slide(engine: Engine) -> None:
    img, boxes = screenshot(["VERTRAULICH", "Roadmap Sturmvogel: Launch mit Fjellsport AS"], size=20)
    report = run(engine, encode(img, "JPEG", quality=70))
    assert ids(report) == ["PG101", "PG102", "PG104"]
    for f in report.findings:
        assert f.image == "photo.jpg" and f.box is not None and f.replacements == ()
        assert report.source[f.start : f.end] == f.match
    [marking] = [f for f in report.findings if f.rule_id == "PG104"]
    x, _, w, _ = marking.box  # type: ignore[misc]
    assert abs(x - boxes[0][0]) <= 3 and abs(w - boxes[0][2]) <= 6


def test_a_tlp_label_in_a_monospaced_font_is_found(engine: Engine) -> None:
    # Tesseract reads "TLP:AMBER" in Liberation Mono as "TLP: AMBER"; the default pack allows the space
    mono = Path("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf")
    img, _ = screenshot(["Lagebild KW 48", "TLP:AMBER"], size=20, path=mono)
    report = lint_image(
        engine, encode(img, "JPEG", quality=70), name="shot.jpg", options=ImageOptions(now=BEFORE)
    )
    assert [(f.rule_id, f.match) for f in report.findings] == [("PG104", "TLP: AMBER")]


def test_an_everyday_photo_and_screenshot_are_left_alone(engine: Engine) -> None:
    assert ids(run(engine, encode(photo(60), "JPEG"))) == []
    img, _ = screenshot(["Unser Team beim Sommerfest", "Danke an alle, die dabei waren!"], size=18, dark=True)
    assert ids(run(engine, encode(img, "PNG"))) == []


def test_disabled_rules_and_severity_overrides_apply_to_images(engine: Engine) -> None:
    data = encode(photo(54), "JPEG", exif=exif_bytes(gps=(52.52, 13.405), artist="Jane Roe"))
    sel = engine.selection(["PG804"], {"PG802": __import__("postguard.model").model.Severity.ERROR})
    [f] = run(engine, data, selection=sel).findings
    assert (f.rule_id, f.severity.value) == ("PG802", "error")


def test_an_unreadable_image_is_a_report_error(engine: Engine) -> None:
    report = run(engine, b"GIF89a but not really")
    assert report.error is not None and "not an image" in report.error and report.findings == ()


def test_a_grey_png_with_alpha_is_read(engine: Engine) -> None:
    img = Image.new("LA", (300, 200), (200, 128))
    assert run(engine, encode(img, "PNG")).error is None


def test_image_hash_prints_what_a_pack_can_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from postguard.cli import main

    (tmp_path / "look.jpg").write_bytes(encode(photo(90, (800, 600)), "JPEG"))
    assert main(["image-hash", str(tmp_path / "look.jpg")]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('image_hashes = ["p:') and line.count('"p:') > 20
    pack = tmp_path / "p.toml"
    pack.write_text(f'[[embargo]]\nname = "Look 7"\nuntil = 2099-01-01\n{line}\n', encoding="utf-8")
    engine = Engine(Config(packs=(pack,)), use_cache=False)
    cropped = photo(90, (800, 600)).crop((0, 0, 640, 600)).resize((320, 300))
    assert ids(run(engine, encode(cropped, "JPEG", quality=50))) == ["PG801"]
    assert ids(run(engine, encode(photo(91, (800, 600)), "JPEG"))) == []
