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


def test_section_index_pages_side_by_side_are_one_home_page(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "docs"}', encoding="utf-8")
    for rel in ("docs/concepts/index.md", "docs/alerting/index.md", "docs/guides/index.md"):
        _post(tmp_path, rel)
    site = site_of(str(_post(tmp_path, "docs/guides/a.md")))
    assert [Path(p).relative_to(tmp_path).as_posix() for p in site.home_pages()] == ["docs/alerting/index.md"]


@pytest.mark.parametrize(
    ("name", "body", "accounts"),
    [
        (
            "package.json",
            '{"repository": {"type": "git", "url": "git+https://github.com/nodejs/nodejs.org.git"}}',
            ("github.com/nodejs",),
        ),
        ("package.json", '{"repository": "git@gitlab.com:Acme/site.git"}', ("gitlab.com/acme",)),
        ("package.json", '{"repository": "github:octo/site"}', ("github.com/octo",)),
        ("package.json", '{"repository": "octo/site"}', ("github.com/octo",)),
        ("_config.yml", 'repository: "freifunkMUC/freifunkmuc.github.io"\n', ("github.com/freifunkmuc",)),
        ("package.json", '{"repository": "not a repository"}', ()),
        ("_config.yml", "repository: [1, 2]\n", ()),
    ],
)
def test_the_sites_accounts_come_from_its_repository(
    tmp_path: Path, name: str, body: str, accounts: tuple[str, ...]
) -> None:
    (tmp_path / name).write_text(body, encoding="utf-8")
    site = site_of(str(_post(tmp_path)))
    assert site.accounts == accounts
    for account in accounts:
        host, _, owner = account.partition("/")
        assert site.has_account(host, owner.upper())
    assert not site.has_account("github.com", "someone-else")


def test_a_github_pages_directory_is_an_account(tmp_path: Path) -> None:
    root = tmp_path / "octo.github.io"
    (root / ".git").mkdir(parents=True)
    assert site_of(str(_post(root))).accounts == ("github.com/octo",)


def _workspace(root: Path, site_package: str, root_marker: str = "pnpm-workspace.yaml") -> Path:
    root.mkdir()
    (root / root_marker).write_text("packages:\n  - apps/*\n", encoding="utf-8")
    (root / "package.json").write_text('{"repository": "github:nodejs/nodejs.org"}', encoding="utf-8")
    site = root / "apps" / "site"
    site.mkdir(parents=True)
    (site / "package.json").write_text(site_package, encoding="utf-8")
    return _post(site, "pages/en/about.md")


def test_a_workspace_site_takes_its_monorepos_account(tmp_path: Path) -> None:
    page = _workspace(tmp_path / "a", '{"name": "@node-core/website"}')
    assert site_of(str(page)).accounts == ("github.com/nodejs",)
    # a site that names its own repository keeps it; above a directory that is no monorepo root, none
    page = _workspace(tmp_path / "b", '{"repository": "github:acme/web"}')
    assert site_of(str(page)).accounts == ("github.com/acme",)
    page = _workspace(tmp_path / "c", '{"name": "web"}', root_marker="notes.yaml")
    assert site_of(str(page)).accounts == ()
