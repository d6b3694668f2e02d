"""PG408 once per site, logos of linked sites, section folders, one licence finding per image (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLE_PACK
from postguard.cli import main

NOW = ["--now", "2026-11-28T12:00:00+01:00", "--channel", "blog", "--kind", "article"]
GROUP_PHOTO = (
    "Wir waren dabei:\n\n![Gruppenfoto vom Treffen](/news/images/{n}-gruppenfoto.jpg)\n\nBis bald.\n"
)


def _site(root: Path, posts: int, body: str = GROUP_PHOTO) -> list[Path]:
    """A Hugo site with ``posts`` event reports, each showing one of the site's own group photos."""
    (root / "config.toml").write_text('baseURL = "https://www.verein.example/"\n', encoding="utf-8")
    (root / "postguard.toml").write_text(f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8")
    news = root / "content" / "news"
    news.mkdir(parents=True)
    paths = []
    for n in range(posts):
        path = news / f"2026-0{n + 1}-treffen.md"
        path.write_text(body.format(n=n), encoding="utf-8")
        paths.append(path)
    return paths


def _check(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, str]]:
    main(["check", *args, "--format", "json", *NOW])
    data = json.loads(capsys.readouterr().out)
    return [
        (Path(r["path"]).name, f["rule_id"], f["message"])
        for r in data["results"]
        for f in r["findings"]
        if f["rule_id"].startswith("PG4")
    ]


def test_the_sites_own_uncredited_event_photos_are_reported_once_for_a_run_over_the_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _site(tmp_path, 4)
    monkeypatch.chdir(tmp_path)
    found = _check(["content"], capsys)
    assert [(name, rule) for name, rule, _ in found] == [("2026-01-treffen.md", "PG408")]
    message = found[0][2]
    assert message.startswith("Einmal für die Website gemeldet: 4 Stellen in 4 Dateien")
    assert "2026-02-treffen.md:3" in message and "0-gruppenfoto.jpg" in message


def test_one_post_checked_alone_still_gets_its_photo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _site(tmp_path, 4)
    monkeypatch.chdir(tmp_path)
    found = _check([str(paths[2])], capsys)
    assert [(name, rule) for name, rule, _ in found] == [("2026-03-treffen.md", "PG408")]
    assert not found[0][2].startswith("Einmal")
    # two files are one commit's slip, not the site's habit: each keeps its finding
    assert len(_check([str(paths[0]), str(paths[1])], capsys)) == 2


def test_each_image_keeps_one_finding_per_photo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _site(tmp_path, 3)
    pack = tmp_path / "each.toml"
    pack.write_text('[pack]\nname = "each"\n\n[copyright]\neach_image = true\n', encoding="utf-8")
    (tmp_path / "postguard.toml").write_text(
        f'packs = ["{EXAMPLE_PACK.as_posix()}", "{pack.as_posix()}"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert len(_check(["content"], capsys)) == 3


def test_hot_linked_photos_of_others_stay_one_finding_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Vom Treffen:\n\n![Gruppenfoto](https://fotos.anderer-verein.example/{n}/gruppe.jpg)\n"
    _site(tmp_path, 3, body)
    monkeypatch.chdir(tmp_path)
    found = _check(["content"], capsys)
    assert len(found) == 3 and not any(m.startswith("Einmal") for _, _, m in found)


def rules(findings) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule_id for f in findings if f.rule_id.startswith("PG4")]


@pytest.mark.parametrize(
    "text",
    [
        # a project's logo from its own site, on the page that links it
        '<img src="https://josm.openstreetmap.de/logo.png">\n\nJOSM ist ein Editor: https://josm.openstreetmap.de/\n',
        '<p><img alt="Logo FOSS4G 2009" src="https://2009.foss4g.org/images/logo.gif" /></p>\n'
        '<p>Die <a href="https://2009.foss4g.org/">FOSS4G</a> ist eröffnet.</p>\n',
        # a conference's banner that is the link to the conference
        '<a href="https://www.tagung.example/2017/"><img src="https://tagung.example/2017/img/tagung-2017.png"'
        ' alt="Tagung 2017"></a>\n\nDie Tagung ist die führende Konferenz.\n',
    ],
)
def test_a_logo_served_by_the_site_the_draft_links_needs_no_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert rules(check(text, channel="blog", kind="article", path="post.md")) == []


@pytest.mark.parametrize(
    "text",
    [
        # a logo from a CDN the draft does not link
        "Partner:\n\n![Logo](https://cdn.example.com/logo.png)\n",
        # a photo that links the page it comes from
        '<a href="https://zeitung.example/artikel"><img src="https://zeitung.example/img/buergermeisterin.jpg"></a>\n',
        # a graphic linking its own host, but a photo of people by its name
        '<a href="https://tagung.example/"><img src="https://tagung.example/gruppenfoto.png"></a>\n',
        # a public media library's file linking its file page
        '<a href="https://commons.wikimedia.org/wiki/File:Logo.png">'
        '<img src="https://upload.wikimedia.org/wikipedia/commons/a/ab/Logo.png"></a>\n',
    ],
)
def test_other_hot_linked_images_still_need_a_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert rules(check(text, channel="blog", kind="article", path="post.md")) == ["PG408"]


def test_the_pages_own_section_folder_does_not_make_a_chart_an_event_photo(check, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "config.toml").write_text('baseURL = "https://www.verein.example/"\n', encoding="utf-8")
    page = tmp_path / "content" / "konferenz" / "2020" / "bericht.md"
    page.parent.mkdir(parents=True)
    chart = "Die Stimmen:\n\n![Stimmenverteilung](/konferenz/2020/stimmenverteilung.png)\n"
    assert rules(check(chart, channel="blog", kind="article", path=str(page))) == []
    # a photo named as one there, and a folder the page does not stand in, still ask for a credit
    photo = "Die Stimmen:\n\n![Gruppenfoto](/konferenz/2020/gruppenfoto.png)\n"
    assert rules(check(photo, channel="blog", kind="article", path=str(page))) == ["PG408"]
    other = "Die Stimmen:\n\n![Stimmen](/konferenz/2021/stimmen.png)\n"
    assert rules(check(other, channel="blog", kind="article", path=str(tmp_path / "content" / "x.md"))) == [
        "PG408"
    ]
    # an index page's own directory names what it shows: the team page's photos
    team = tmp_path / "content" / "team" / "index.md"
    team.parent.mkdir(parents=True)
    anna = "Wir:\n\n![Anna Berg](/team/anna.jpg)\n"
    assert rules(check(anna, channel="blog", kind="article", path=str(team))) == ["PG408"]


def test_a_licence_in_the_alt_text_and_the_caption_of_one_image_is_one_finding(check) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Das Bild:\n\n![xkcd “Dependency” CC BY-NC 2.5](https://imgs.example/comics/dependency.png)\n"
        "*Die Relevanz soll mit diesem Bild ausgedrückt werden, xkcd “Dependency” CC BY-NC 2.5*\n"
    )
    assert sorted(rules(check(text, channel="blog", kind="article", path="post.md"))) == ["PG403", "PG405"]
    # two images, each with its licence: one finding each
    two = (
        text
        + "\nNoch eins:\n\n![Karte](https://imgs.example/karte.png)\n\n*Karte von Anna Berg, CC BY-NC 4.0*\n"
    )
    assert sorted(rules(check(two, channel="blog", kind="article", path="post.md"))) == [
        "PG403",
        "PG403",
        "PG405",
        "PG405",
    ]


def test_a_complete_caption_completes_the_alt_texts_bare_licence(check) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Das Bild:\n\n![Brücke, CC BY 4.0](https://upload.wikimedia.org/b/bruecke.jpg)\n"
        "*Foto: Anna Berg, Wikimedia Commons, CC BY 4.0*\n"
    )
    assert rules(check(text, channel="blog", kind="article", path="post.md")) == []


HTML_ENTRIES = "<ul>\n<li>Foto: Max Muster, Bergsteiger</li>\n<li>Unsere Alben auf Flickr</li>\n</ul>\n"


def test_a_credit_stays_in_its_html_list_item(check) -> None:  # type: ignore[no-untyped-def]
    # an author named in the neighbouring entry credits nothing here
    assert "PG405" not in rules(check(HTML_ENTRIES, channel="linkedin-company", path="page.html"))
    # a credit within one item is still judged: it names a Flickr photographer and no licence
    caught = "<ul>\n<li>gallery - Photos by Max Muster from Flickr.</li>\n<li>other - a tool.</li>\n</ul>\n"
    assert "PG405" in rules(check(caught, channel="linkedin-company", path="page.html"))


@pytest.mark.parametrize(
    "text",
    [
        # a graphic named after the site that serves it, which the draft links
        '<p><img alt="GeoForAll" src="http://www.geoforall.org/resources/images/geoforallC.png" /></p>\n'
        "<p>Mehr: http://geoforall.org</p>\n",
        # the site's own name is no event word ("konferenz" of fossgis-konferenz.de)
        '<a href="https://www.fossgis-konferenz.de/2017/"><img src="https://fossgis-konferenz.de/2017/img/'
        'fossgis-konferenz-2017.png" alt="FOSSGIS Konferenz 2017"></a>\n',
    ],
)
def test_a_graphic_named_after_the_linked_site_serving_it_needs_no_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert rules(check(text, channel="blog", kind="article", path="post.md")) == []


@pytest.mark.parametrize(
    "text",
    [
        # named after the site and more: the code sprint's members
        "Wir waren dabei: [GeoStyler](https://geostyler.org)\n\n"
        "![Sprint](https://geostyler.org/images/geostyler-codesprint-2025-members.png)\n",
        # named after the site, but the draft does not link it
        "Partner:\n\n![GeoForAll](http://www.geoforall.org/resources/images/geoforallC.png)\n",
        # a JPEG named after the site: a photo
        "Mehr: https://geoforall.org\n\n![GeoForAll](https://geoforall.org/images/geoforall.jpg)\n",
    ],
)
def test_other_graphics_of_linked_sites_still_need_a_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert rules(check(text, channel="blog", kind="article", path="post.md")) == ["PG408"]


EDITION_BANNER = (
    '<p><a href="https://2031.confx.example/"> <img alt="ConfX Conference" '
    'src="https://confx2031.example/files/media/banners/confx2031-banner-lrg-05.png" /> </a></p>\n'
)


def test_an_editions_banner_from_its_own_domain_linked_as_the_series_subdomain_needs_no_credit(check) -> None:  # type: ignore[no-untyped-def]
    # served from confx2031.example, linked as 2031.confx.example: one name in another order
    assert rules(check(EDITION_BANNER, channel="blog", kind="article", path="post.md")) == []


@pytest.mark.parametrize(
    "text",
    [
        EDITION_BANNER.replace("2031.confx.example", "2030.confx.example"),  # another edition
        EDITION_BANNER.replace("banners/confx2031-banner-lrg-05.png", "photos/confx2031-crowd.png").replace(
            "ConfX Conference", "ConfX crowd"
        ),  # not named a banner or logo: a photo of people
    ],
)
def test_another_editions_banner_or_a_photo_from_that_domain_still_needs_a_credit(check, text: str) -> None:  # type: ignore[no-untyped-def]
    assert rules(check(text, channel="blog", kind="article", path="post.md")) == ["PG408"]
