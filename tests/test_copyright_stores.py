"""PG408 and the site's own image stores: a storage space on the web (a host and its first directory)
that the site embeds ``asset_images`` (default 3) or more images from is the team's own store, like a
file of the repository; a one-off hot-linked image, a public media library, a forge account of
someone else and people photos still need a credit (issue 11). All hosts here are made up."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK, NOW
from postguard.site import image_space, site_of
from test_check_copyright import copyright_, rules

STORE = "https://media.widgetco-assets.example/docs-store"


def _steps(*srcs: str) -> str:
    body = "".join(f"{i}. Klicke auf Weiter.\n\n   ![img]({src})\n\n" for i, src in enumerate(srcs, 1))
    return f"So richtest du das Konto ein:\n\n{body}Fertig.\n"


@pytest.mark.parametrize(
    ("url", "space"),
    [
        (
            "https://s3.eu-west-1.amazonaws.com/our-bucket/docs/a/step.png",
            "s3.eu-west-1.amazonaws.com/our-bucket",
        ),
        ("https://www.cdn.example.org/Uploads/x.png?w=300", "cdn.example.org/uploads"),
        ("https://i.example.net/abc.png", "i.example.net"),
        ("https://i.example.net/abc.png#frag", "i.example.net"),
        ("http://example.com", "example.com"),
    ],
)
def test_an_image_space_is_its_host_and_first_directory(url: str, space: str) -> None:
    assert image_space(url) == space


def test_screenshots_from_one_store_in_a_draft_need_no_credit(check) -> None:  # type: ignore[no-untyped-def]
    text = _steps(*(f"{STORE}/setup/step-{i}.png" for i in range(1, 4)))
    assert copyright_(check(text, channel="blog", kind="article", path="guide.md")) == []


@pytest.mark.parametrize(
    "srcs",
    [
        # two pictures from one place are not yet a store
        (f"{STORE}/a.png", f"{STORE}/b.png"),
        # the same shared host, three unrelated buckets: three owners
        (
            "https://s3.storage.example/bucket-one/a.png",
            "https://s3.storage.example/bucket-two/b.png",
            "https://s3.storage.example/bucket-three/c.png",
        ),
        # files at a host's root each lie in the host's space, but a public media library is never a store
        (
            "https://upload.wikimedia.org/wikipedia/commons/a/a1/Peak.jpg",
            "https://upload.wikimedia.org/wikipedia/commons/b/b2/Valley.jpg",
            "https://upload.wikimedia.org/wikipedia/commons/c/c3/River.jpg",
        ),
        # a forge under an account that is not the site's
        (
            "https://raw.githubusercontent.com/someone/repo/main/a.png",
            "https://raw.githubusercontent.com/someone/repo/main/b.png",
            "https://raw.githubusercontent.com/someone/repo/main/c.png",
        ),
    ],
)
def test_one_off_hotlinks_libraries_and_foreign_accounts_still_need_a_credit(
    check, srcs: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    found = rules(check(_steps(*srcs), channel="blog", kind="article", path="guide.md"))
    assert found == ["PG408"] * len(srcs)


def test_people_photos_from_the_store_still_need_a_credit(check) -> None:  # type: ignore[no-untyped-def]
    text = _steps(f"{STORE}/a.png", f"{STORE}/b.png", f"{STORE}/team-offsite-2026.jpg")
    assert rules(check(text, channel="blog", kind="article", path="guide.md")) == ["PG408"]


def _site(root: Path, pages: dict[str, str]) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text('url: "https://widgetco.example"\n', encoding="utf-8")
    out = {}
    for name, body in pages.items():
        path = root / "_posts" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(body, encoding="utf-8")
        out[name] = path
    return out


def test_a_store_the_site_uses_across_its_pages_is_its_own(check, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pages = _site(
        tmp_path,
        {
            "2026-01-01-a.md": f"Eins:\n\n![img]({STORE}/a.png)\n",
            "2026-02-01-b.md": f'Zwei:\n\n![img]({STORE}/b.png)\n\n<img src="{STORE}/c.png" alt="">\n',
            "2026-03-01-c.md": "Drei:\n\n![img](https://elsewhere.example/photos/d.png)\n",
        },
    )
    assert site_of(str(pages["2026-01-01-a.md"])).images_from(f"{STORE}/z.png") == 3
    one = pages["2026-01-01-a.md"]
    assert (
        copyright_(check(one.read_text(encoding="utf-8"), channel="blog", kind="article", path=str(one)))
        == []
    )
    other = pages["2026-03-01-c.md"]
    found = check(other.read_text(encoding="utf-8"), channel="blog", kind="article", path=str(other))
    assert rules(found) == ["PG408"]


def test_a_pack_sets_how_many_images_make_a_store(tmp_path: Path) -> None:
    from postguard.config import Config
    from postguard.engine import Engine
    from postguard.pipeline import lint

    text = _steps(*(f"{STORE}/step-{i}.png" for i in range(1, 4)))
    four = tmp_path / "four.toml"
    four.write_text("[copyright]\nasset_images = 4\n", encoding="utf-8")
    library = tmp_path / "library.toml"
    library.write_text('[copyright]\nmedia_hosts = ["widgetco-assets.example"]\n', encoding="utf-8")
    for packs, expected in (((EXAMPLE_PACK,), 0), ((EXAMPLE_PACK, four), 3), ((EXAMPLE_PACK, library), 3)):
        engine = Engine(Config(packs=packs), use_cache=False)
        result = lint(engine, text, channel="blog", kind="article", path="guide.md", now=NOW)
        assert len(copyright_(result.findings)) == expected
    bad = tmp_path / "bad.toml"
    bad.write_text("[copyright]\nasset_images = 0\n", encoding="utf-8")
    from postguard.errors import ConfigError

    with pytest.raises(ConfigError, match="asset_images"):
        Engine(Config(packs=(EXAMPLE_PACK, bad)), use_cache=False)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("/images/meetings/meet-event-settings.png", []),  # a screenshot named after the screen it shows
        ("/images/events/venue-anfahrt.png", []),  # a map of the way there, in the events folder
        ("/images/events/lageplan-halle-3.svg", []),
        ("/images/events/event-2026-crowd.jpg", ["PG408"]),  # a photo of the event
    ],
)
def test_screens_and_maps_of_the_site_are_artwork(check, src: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    text = f'Vor Ort:\n\n<img width="300px" src="{src}" />\n\nWeiter.\n'
    assert rules(check(text, channel="blog", kind="article", path="meetup.md")) == expected
