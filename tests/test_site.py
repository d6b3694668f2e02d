"""The site a file belongs to (postguard.site): its own hosts from the repository's configuration, its pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from postguard.site import NO_SITE, site_of


def _post(root: Path, rel: str = "content/blog/post.md") -> Path:
    post = root / rel
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text("Hallo.\n", encoding="utf-8")
    return post


@pytest.mark.parametrize(
    ("name", "body", "hosts"),
    [
        ("config.toml", 'baseURL = "https://correlaid.org/"\n', ("correlaid.org",)),
        ("hugo.toml", 'baseURL = "https://www.example.org/blog/"\n', ("example.org",)),
        ("hugo.yaml", "baseURL: https://docs.example.net/\n", ("docs.example.net",)),
        (
            "config.toml",
            'baseURL = "https://example.de/"\n[languages.en]\nbaseURL = "https://example.com/"\n',
            ("example.de", "example.com"),
        ),
        ("_config.yml", 'url: "https://ffmuc.net"\nbaseurl: # the subpath\n', ("ffmuc.net",)),
        ("mkdocs.yml", "site_name: Docs\nsite_url: https://docs.example.io/\n", ("docs.example.io",)),
        ("package.json", '{"name": "site", "homepage": "https://nodejs.org"}', ("nodejs.org",)),
        ("CNAME", "bremen.freifunk.net\n", ("bremen.freifunk.net",)),
        ("astro.config.mjs", "export default defineConfig({\n  site: 'https://astro.example.dev',\n})\n",
         ("astro.example.dev",)),
    ],
)  # fmt: skip
def test_the_site_hosts_come_from_its_configuration(
    tmp_path: Path, name: str, body: str, hosts: tuple[str, ...]
) -> None:
    (tmp_path / name).write_text(body, encoding="utf-8")
    site = site_of(str(_post(tmp_path)))
    assert site.root == str(tmp_path)
    assert site.hosts == hosts


def test_a_github_pages_repository_owns_its_name(tmp_path: Path) -> None:
    root = tmp_path / "freifunkmuc.github.io"
    root.mkdir()
    (root / "_config.yml").write_text("title: Blog\n", encoding="utf-8")
    assert site_of(str(_post(root, "_posts/a.md"))).hosts == ("freifunkmuc.github.io",)


def test_a_broken_or_silent_configuration_gives_no_host(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("baseURL = [unclosed\n", encoding="utf-8")
    (tmp_path / "package.json").write_text(
        '{"name": "x", "homepage": "http://localhost:3000"}', encoding="utf-8"
    )
    site = site_of(str(_post(tmp_path)))
    assert site.root == str(tmp_path) and site.hosts == ()


def test_a_site_owns_its_hosts_and_their_subdomains_only(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("url: http://bremen.freifunk.net\n", encoding="utf-8")
    site = site_of(str(_post(tmp_path)))
    assert site.owns("bremen.freifunk.net") and site.owns("www.bremen.freifunk.net")
    assert site.owns("grafana.bremen.freifunk.net")
    # the parent domain and look-alikes belong to others
    assert not site.owns("freifunk.net") and not site.owns("hamburg.freifunk.net")
    assert not site.owns("evilbremen.freifunk.net") and not site.owns("")


def test_no_path_or_no_root_marker_is_no_site(tmp_path: Path) -> None:
    assert site_of(None) is NO_SITE
    assert not NO_SITE.owns("example.org") and NO_SITE.home_pages() == ()


def test_home_pages_are_the_index_files_nearest_the_root(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('baseURL = "https://example.org/"\n', encoding="utf-8")
    for rel in ("content/de/_index.md", "content/en/_index.md", "content/de/blog/_index.md"):
        _post(tmp_path, rel)
    _post(tmp_path, "node_modules/pkg/index.md")  # never a page of the site
    site = site_of(str(_post(tmp_path, "content/de/blog/a.md")))
    assert sorted(Path(p).relative_to(tmp_path).as_posix() for p in site.home_pages()) == [
        "content/de/_index.md",
        "content/en/_index.md",
    ]
    assert site.pages_named(frozenset({"impressum"})) == ()
    _post(tmp_path, "content/de/impressum.md")
    (tmp_path / "touch").write_text("", encoding="utf-8")  # a change at the root refreshes the cached walk
    assert [Path(p).name for p in site.pages_named(frozenset({"impressum"}))] == ["impressum.md"]
