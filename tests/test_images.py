"""The image core: decoding with limits, OCR with word boxes, perceptual hashes, metadata."""

from __future__ import annotations

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from imagefactory import encode, exif_bytes, photo, png_claiming, screenshot, with_iptc
from postguard.images import ImageError, ImageTooLarge, analyse
from postguard.images.decode import decode
from postguard.images.hashing import THRESHOLD, distance, format_hash, nearest, parse_hash
from postguard.images.metadata import read_metadata
from postguard.images.phash import phash, reference_hashes

# -- decoding and limits ----------------------------------------------------------


def test_not_an_image_is_a_clear_error() -> None:
    with pytest.raises(ImageError, match=r"notes\.jpg: not an image postguard can read"):
        decode(b"Just some text, not a JPEG at all.\n", "notes.jpg")


def test_a_truncated_image_is_a_clear_error() -> None:
    data = encode(photo(1), "JPEG", quality=90)
    with pytest.raises(ImageError, match=r"truncated or corrupt"):
        decode(data[: len(data) // 2], "half.jpg")


def test_huge_dimensions_are_refused_before_decoding() -> None:
    bomb = png_claiming(60_000, 60_000)  # 3.6 gigapixels in a file of under 100 bytes
    assert len(bomb) < 200
    with pytest.raises(ImageTooLarge, match=r"bomb\.png: image dimensions too large"):
        decode(bomb, "bomb.png")
    claims = png_claiming(8000, 8000)  # 64 megapixels: under Pillow's own limit, over ours
    with pytest.raises(ImageTooLarge, match=r"8000x8000 pixels"):
        decode(claims, "big.png")


def test_byte_limit() -> None:
    with pytest.raises(ImageTooLarge, match=r"too large"):
        decode(encode(photo(2)), "big.png", max_bytes=1000)


def test_exif_orientation_is_applied() -> None:
    img = photo(3, (300, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    data = encode(img, "JPEG", exif=exif)
    decoded = decode(data, "rotated.jpg")
    assert (decoded.width, decoded.height) == (100, 300)


# -- OCR --------------------------------------------------------------------------


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_ocr_finds_words_and_their_boxes(dark: bool) -> None:
    img, boxes = screenshot(["VERTRAULICH", "Projekt Sturmvogel startet im Mai"], size=16, dark=dark)
    facts = analyse(encode(img, "JPEG", quality=75), "shot.jpg")
    assert facts.ocr is not None
    text = facts.ocr.text
    assert text.splitlines()[0] == "VERTRAULICH"
    start = text.index("Sturmvogel")
    box = facts.ocr.box_of(start, start + len("Sturmvogel"))
    assert box is not None
    line = boxes[1]
    # inside the drawn line, and about a quarter of its width ("Sturmvogel" is one of five words)
    assert line[0] <= box.x and box.x + box.w <= line[0] + line[2] + 2
    assert abs(box.y - line[1]) <= 4 and 0.15 < box.w / line[2] < 0.45


def test_a_huge_picture_is_read_scaled_down_with_boxes_in_its_own_pixels() -> None:
    from postguard.images.ocr import MAX_SIDE, prepare

    img, boxes = screenshot(["VERTRAULICH", "Projekt Sturmvogel"], size=90, width=MAX_SIDE * 2)
    assert max(prepare(img)[0].size) == MAX_SIDE
    ocr = analyse(encode(img, "PNG"), "huge.png").ocr
    assert ocr is not None and ocr.text.split() == ["VERTRAULICH", "Projekt", "Sturmvogel"]
    first = ocr.words[0].box
    assert abs(first.x - boxes[0][0]) <= 6 and abs(first.w - boxes[0][2]) <= 12


def test_an_image_without_text_has_empty_ocr() -> None:
    facts = analyse(encode(Image.new("RGB", (400, 300), (240, 240, 240))), "blank.png")
    assert facts.ocr is not None and facts.ocr.text == ""


# -- perceptual hashes --------------------------------------------------------------


def _variants(img: Image.Image) -> dict[str, Image.Image]:
    w, h = img.size
    return {
        "half size": img.resize((w // 2, h // 2)),
        "jpeg q30": Image.open(__import__("io").BytesIO(encode(img, "JPEG", quality=30))),
        "crop 15%": img.crop((int(w * 0.15), int(h * 0.15), w, h)),
        "centre crop 80%": img.crop((int(w * 0.1), int(h * 0.1), int(w * 0.9), int(h * 0.9))),
        "brighter": ImageEnhance.Brightness(img).enhance(1.15),
        "warmer": Image.merge(
            "RGB",
            [
                c.point(lambda v, k=k: min(255, int(v * k)))
                for c, k in zip(img.split(), (1.1, 1.0, 0.9), strict=True)
            ],
        ),
        "blurred": img.filter(ImageFilter.GaussianBlur(1.5)),
        "greyscale": img.convert("L").convert("RGB"),
    }


def test_variants_of_a_picture_stay_within_the_threshold() -> None:
    img = photo(11)
    refs = reference_hashes(img)
    for label, variant in _variants(img).items():
        assert nearest(phash(variant), refs) <= THRESHOLD, label


def test_different_pictures_are_far_apart() -> None:
    refs = reference_hashes(photo(11))
    far = [nearest(phash(photo(seed)), refs) for seed in range(100, 130)]
    assert min(far) > THRESHOLD


def test_hash_text_form_round_trips_and_rejects_junk() -> None:
    value = phash(photo(5))
    assert parse_hash(format_hash(value)) == value
    assert distance(value, value) == 0
    for junk in ("", "p:123", "q:0123456789abcdef", "p:0123456789abcdeg"):
        with pytest.raises(ValueError, match="not an image hash"):
            parse_hash(junk)


# -- metadata -----------------------------------------------------------------------


def test_exif_fields_and_gps_are_read() -> None:
    exif = exif_bytes(
        artist="Jane Roe", copyright="© Agentur X", software="AcmeCAD 4", gps=(48.13743, -11.57549)
    )
    img = Image.open(__import__("io").BytesIO(encode(photo(7), "JPEG", exif=exif)))
    meta = read_metadata(img)
    got = {(f.standard, f.key, f.role, f.value) for f in meta.fields}
    assert ("EXIF", "Artist", "author", "Jane Roe") in got
    assert ("EXIF", "Copyright", "copyright", "© Agentur X") in got
    assert ("EXIF", "Software", "software", "AcmeCAD 4") in got
    assert meta.gps is not None
    assert meta.gps.latitude == pytest.approx(48.13743, abs=1e-5)
    assert meta.gps.longitude == pytest.approx(-11.57549, abs=1e-5)


IPTC = {
    "Byline": ["Jane Roe", "Max Muster"],  # two photographers: a repeated dataset
    "Copyright": "© Agentur Bildwerk",
    "Credit": "Bildwerk / Jane Roe",
    "Source": "Bildwerk",
    "ObjectName": "Sturmvogel Prototyp Nürnberg",
}


@pytest.mark.parametrize("fmt", ["JPEG", "TIFF", "PNG"])
def test_iptc_written_by_exiv2_is_read(fmt: str) -> None:
    data = with_iptc(encode(photo(11, (120, 90)), fmt), IPTC)
    meta = read_metadata(Image.open(__import__("io").BytesIO(data)))
    assert [(f.standard, f.key, f.role, f.value) for f in meta.fields] == [
        ("IPTC", "By-line", "author", "Jane Roe; Max Muster"),
        ("IPTC", "CopyrightNotice", "copyright", "© Agentur Bildwerk"),
        ("IPTC", "Credit", "credit", "Bildwerk / Jane Roe"),
        ("IPTC", "Source", "credit", "Bildwerk"),
        ("IPTC", "ObjectName", "document", "Sturmvogel Prototyp Nürnberg"),
    ]


def test_iptc_in_latin_1_without_a_character_set_is_read() -> None:
    # older tools write IPTC in Latin-1 and name no character set: the bytes are Latin-1 on disk
    data = with_iptc(encode(photo(12, (120, 90)), "JPEG"), {"Byline": "Jürgen Müller"}, latin_1=True)
    assert b"J\xfcrgen M\xfcller" in data
    meta = read_metadata(Image.open(__import__("io").BytesIO(data)))
    assert [f.value for f in meta.fields] == ["Jürgen Müller"]


def test_a_broken_png_iptc_chunk_is_skipped() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type iptc", "\niptc\n      26\nnot hex at all\n")
    data = encode(photo(13, (60, 40)), "PNG", pnginfo=info)
    assert read_metadata(Image.open(__import__("io").BytesIO(data))).fields == ()


def test_xmp_fields_and_gps_are_read() -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        b'xmlns:exif="http://ns.adobe.com/exif/1.0/" xmp:CreatorTool="PLM-Suite intern 7" '
        b'exif:GPSLatitude="52,31.2N" exif:GPSLongitude="13,24.0E">'
        b"<dc:creator><rdf:Seq><rdf:li>Max Mustermann</rdf:li></rdf:Seq></dc:creator>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    img = Image.open(__import__("io").BytesIO(encode(photo(8), "JPEG", xmp=xmp)))
    meta = read_metadata(img)
    got = {(f.standard, f.key, f.value) for f in meta.fields}
    assert ("XMP", "CreatorTool", "PLM-Suite intern 7") in got
    assert ("XMP", "creator", "Max Mustermann") in got
    assert meta.gps is not None and meta.gps.latitude == pytest.approx(52.52)


def test_xmp_with_a_dtd_is_ignored() -> None:
    xmp = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x:xmpmeta xmlns:x="adobe:ns:meta/">&a;</x:xmpmeta>'
    img = Image.open(__import__("io").BytesIO(encode(photo(9), "JPEG", xmp=xmp)))
    assert read_metadata(img).fields == ()


def test_a_clean_photo_has_no_metadata() -> None:
    img = Image.open(__import__("io").BytesIO(encode(photo(10), "JPEG")))
    assert not read_metadata(img).present
