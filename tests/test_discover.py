"""File discovery: extensions, .gitignore (nested), excludes, explicit paths, order."""

from __future__ import annotations

from pathlib import Path

import pytest

from postguard.discover import READ_EXTENSIONS, discover


def make(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make(
        tmp_path,
        {
            "README.md": "",
            "posts/b.md": "",
            "posts/a.markdown": "",
            "posts/c.mdx": "",
            "posts/page.HTML": "",
            "posts/old.htm": "",
            "posts/notes.txt": "",
            "posts/image.png": "",
            "posts/script.py": "",
            "posts/drafts/private.md": "",
            "posts/drafts/keep.md": "",
            "posts/drafts/.gitignore": "*.md\n!keep.md\n",
            "build/out.html": "",
            "node_modules/pkg/readme.md": "",
            "vendor/lib.md": "",
            "debug.log.md": "",
            ".git/HEAD.md": "",
            ".gitignore": "build/\nnode_modules/\n*.log.md\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def names(paths: list[Path]) -> list[str]:
    return [p.as_posix() for p in paths]


def test_walks_directories_honouring_gitignore_and_extensions(tree: Path) -> None:
    assert names(discover(["."], root=tree, exclude=[])) == [
        "README.md",
        "posts/a.markdown",
        "posts/b.md",
        "posts/c.mdx",
        "posts/drafts/keep.md",
        "posts/notes.txt",
        "posts/old.htm",
        "posts/page.HTML",
        "vendor/lib.md",
    ]
    assert set(READ_EXTENSIONS) == {".md", ".markdown", ".mdx", ".html", ".htm", ".txt"}


def test_configured_excludes_use_gitignore_syntax_relative_to_root(tree: Path) -> None:
    found = names(discover(["."], root=tree, exclude=["vendor/", "posts/*.txt", "/README.md"]))
    assert "vendor/lib.md" not in found
    assert "posts/notes.txt" not in found
    assert "README.md" not in found
    assert "posts/b.md" in found


def test_explicit_files_are_checked_unless_force_exclude(tree: Path) -> None:
    given = ["build/out.html", "posts/script.py", "posts/drafts/private.md", "vendor/lib.md"]
    assert names(discover(given, root=tree, exclude=["vendor/"])) == sorted(given)
    forced = discover(given, root=tree, exclude=["vendor/"], force_exclude=True)
    assert names(forced) == ["posts/script.py"]


def test_a_named_directory_is_walked_by_the_same_rules(tree: Path) -> None:
    assert discover(["build"], root=tree, exclude=[]) == []
    assert names(discover(["posts/drafts"], root=tree, exclude=[])) == ["posts/drafts/keep.md"]
    assert names(discover(["vendor"], root=tree, exclude=["vendor"])) == []


def test_paths_keep_the_form_they_were_given_in_and_duplicates_go(tree: Path) -> None:
    found = discover(
        ["posts/drafts", "posts/drafts/keep.md", str(tree / "posts" / "drafts")], root=tree, exclude=[]
    )
    assert names(found) == ["posts/drafts/keep.md"]


def test_missing_paths_are_returned_for_the_reader_to_report(tree: Path) -> None:
    assert names(discover(["nope.md", "posts/b.md"], root=tree, exclude=[])) == ["nope.md", "posts/b.md"]


def test_git_info_exclude_and_repository_top_above_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(
        tmp_path,
        {
            ".git/info/exclude": "secret.md\n",
            ".gitignore": "generated/\n",
            "site/secret.md": "",
            "site/ok.md": "",
            "site/generated/x.md": "",
        },
    )
    monkeypatch.chdir(tmp_path / "site")
    assert names(discover(["."], root=tmp_path / "site", exclude=[])) == ["ok.md"]


def test_order_is_deterministic(tree: Path) -> None:
    first = discover(["posts", "."], root=tree, exclude=[])
    second = discover([".", "posts"], root=tree, exclude=[])
    assert first == second
