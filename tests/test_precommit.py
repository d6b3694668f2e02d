"""The pre-commit hook, run by the real ``pre-commit`` tool in temporary git repositories.

Two paths, both through pre-commit itself:

* the ``.pre-commit-config.yaml`` of docs/content-repos.md, as written but pointing at a snapshot of
  this working tree: ``pre-commit autoupdate --freeze`` pins its commit, then pre-commit reads
  ``.pre-commit-hooks.yaml``, builds a virtualenv, ``pip install``-s postguard with its dependencies
  into it and runs the hook. This is what a user's ``repo: <url>`` does, and it is slow (about 40 s
  on a 2-core machine), so it runs once.
* ``pre-commit install`` and real ``git commit`` runs with a ``repo: local`` hook built from the same
  manifest entry (id, entry arguments, ``types_or``, ``require_serial``) but ``language: system``,
  calling the postguard installed in this interpreter. These cover a refused and an accepted commit
  in a few seconds each.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
PACK = ROOT / "rules" / "example-company.toml"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs git and a git checkout of postguard",
)

LEAK = """\
---
title: Ein Jahr voller Touren
tags: [outdoor, team]
---

# Rückblick

Stolz auf das Sturmvogel-Team, das in diesem Jahr Unglaubliches geleistet hat.
"""

CLEAN = """\
---
title: Packliste für den Herbst
---

Was in den Rucksack gehört: Regenjacke, Stirnlampe, Thermoskanne.

```sh
echo "Sturmvogel"   # code is not prose
```
"""

PAGE = """\
<!doctype html>
<html><body>
<p>Danke an unseren Partner Bergwerk Logistik!</p>
</body></html>
"""

# Would be findings if checked: the hook must leave them alone.
NOT_A_POST = ("notes.py", 'CODENAME = "Sturmvogel"  # not a post: types_or skips Python files\n')
EXCLUDED = ("drafts/wip.md", "Sturmvogel, noch nicht fertig.\n")


def _env(pre_commit_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(pre_commit_home)  # keep the user's ~/.cache/pre-commit out of it
    env["PRE_COMMIT_COLOR"] = "never"
    env["NO_COLOR"] = "1"
    return env


def _run(
    args: Sequence[str], cwd: Path, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _git(repo: Path, *args: str, env: dict[str, str]) -> str:
    done = _run(["git", *args], repo, env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _pre_commit(*args: str) -> list[str]:
    return [sys.executable, "-m", "pre_commit", *args]


def _write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _content_repo(path: Path, env: dict[str, str]) -> Path:
    """A blog repository using the example pack, with drafts/ excluded in its postguard.toml."""
    path.mkdir()
    _git(path, "init", "-q", "-b", "main", env=env)
    _git(path, "config", "user.email", "editor@nordkap.example", env=env)
    _git(path, "config", "user.name", "Editor", env=env)
    _git(path, "config", "commit.gpgsign", "false", env=env)
    _write(path, "postguard.toml", f'packs = ["{PACK.as_posix()}"]\nexclude = ["drafts/"]\n')
    return path


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    (hook,) = (h for h in hooks if h["id"] == "postguard")
    return hook


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory, pre_commit_home: Path) -> Path:
    """This working tree as one commit of a fresh repository.

    pre-commit clones a repository at a commit. A snapshot of every file that is tracked or
    untracked-but-not-ignored makes it install exactly the code under test.
    """
    env = _env(pre_commit_home)
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", env=env)
    snap = tmp_path_factory.mktemp("postguard-snapshot")
    for rel in filter(None, listed.split("\0")):
        src, dst = ROOT / rel, snap / rel
        if not src.is_symlink() and not src.is_file():
            continue  # deleted in the working tree, or a directory-like entry (e.g. a submodule)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, dst)
    _git(snap, "init", "-q", "-b", "main", env=env)
    _git(snap, "add", "-A", env=env)
    _git(
        snap,
        "-c",
        "user.email=t@t",
        "-c",
        "user.name=t",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-m",
        "snapshot",
        env=env,
    )
    return snap


def test_manifest_is_valid_and_checks_posts_only(pre_commit_home: Path) -> None:
    done = _run(_pre_commit("validate-manifest", str(MANIFEST)), ROOT, _env(pre_commit_home))
    assert done.returncode == 0, done.stdout + done.stderr
    hook = _hook()
    assert hook["language"] == "python"
    assert str(hook["entry"]).split() == ["postguard", "check", "--force-exclude"]
    assert set(hook["types_or"]) == {"markdown", "mdx", "html", "plain-text"}  # not every text file


def _documented_config(repo_url: str) -> str:
    """The .pre-commit-config.yaml of docs/content-repos.md, exactly as written but for the URL."""
    doc = (ROOT / "docs" / "content-repos.md").read_text(encoding="utf-8")
    section = doc[doc.index("## pre-commit") :]
    block = section[section.index("```yaml\n") + len("```yaml\n") : section.index("```\n\n")]
    url = "https://github.com/postguard/postguard"
    assert url in block and "rev: main" in block
    return block.replace(url, repo_url)


def test_documented_config_pins_a_commit_installs_the_hook_and_fails_on_a_leaking_post(
    tmp_path: Path, snapshot: Path, pre_commit_home: Path
) -> None:
    env = _env(pre_commit_home)
    repo = _content_repo(tmp_path / "blog", env)
    _write(repo, ".pre-commit-config.yaml", _documented_config(str(snapshot)))
    done = _run(_pre_commit("autoupdate", "--freeze"), repo, env)  # the documented way to pin a commit
    assert done.returncode == 0, done.stdout + done.stderr
    head = _git(snapshot, "rev-parse", "HEAD", env=env).strip()
    assert (
        yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["rev"]
        == head
    )
    _write(repo, "posts/jahresrueckblick.md", LEAK)
    _write(repo, "posts/packliste.md", CLEAN)
    _write(repo, "posts/_index.md", "")  # a Hugo section page: empty, skipped, not an error
    _write(repo, "pages/partner.html", PAGE)
    _write(repo, *NOT_A_POST)
    _write(repo, *EXCLUDED)
    _git(repo, "add", "-A", env=env)

    done = _run(_pre_commit("run", "postguard", "--all-files"), repo, env, timeout=600)
    out = done.stdout + done.stderr

    assert done.returncode == 1, out
    assert "Installing environment" in out  # the real install path, not a shortcut
    assert re.search(r"^postguard\.+Failed$", out, re.MULTILINE), out
    assert "posts/jahresrueckblick.md:8:15: PG101" in out
    assert "pages/partner.html:3:29: PG102" in out
    assert "packliste.md" not in out
    assert "_index.md" not in out and "input error" not in out
    assert "notes.py" not in out  # types_or
    assert "drafts/wip.md" not in out  # --force-exclude with the config's exclude


@pytest.fixture
def hooked_repo(tmp_path: Path, pre_commit_home: Path) -> tuple[Path, dict[str, str]]:
    """A content repository with the manifest's hook installed as a git pre-commit hook."""
    env = _env(pre_commit_home)
    repo = _content_repo(tmp_path / "blog", env)
    hook = _hook()
    entry = str(hook["entry"]).split()
    assert entry[0] == "postguard"
    local = {
        **{k: v for k, v in hook.items() if k not in ("language", "entry", "minimum_pre_commit_version")},
        "language": "system",
        "entry": shlex.join([sys.executable, "-m", "postguard", *entry[1:]]),
    }
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    _write(repo, ".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
    done = _run(_pre_commit("install"), repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-q", "-m", "set up postguard", env=env)
    return repo, env


def _commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", "-A", env=env)
    return _run(["git", "commit", "-m", message], repo, env)


def _commits(repo: Path, env: dict[str, str]) -> int:
    return int(_git(repo, "rev-list", "--count", "HEAD", env=env))


def test_git_commit_of_a_leaking_post_is_refused(hooked_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked_repo
    _write(repo, "posts/jahresrueckblick.md", LEAK)

    done = _commit(repo, env, "Jahresrückblick")
    out = done.stdout + done.stderr

    assert done.returncode != 0, out
    assert "posts/jahresrueckblick.md:8:15: PG101" in out
    assert "Sturmvogel" in out  # the author sees what to change
    assert _commits(repo, env) == 1  # nothing was committed


def test_git_commit_of_a_clean_post_passes(hooked_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked_repo
    _write(repo, "posts/packliste.md", CLEAN)

    done = _commit(repo, env, "Packliste")
    out = done.stdout + done.stderr

    assert done.returncode == 0, out
    assert re.search(r"^postguard\.+Passed$", out, re.MULTILINE), out  # ran on the post, not skipped
    assert _commits(repo, env) == 2


def test_git_commit_leaves_code_and_excluded_drafts_alone(hooked_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked_repo
    _write(repo, *NOT_A_POST)
    _write(repo, *EXCLUDED)

    done = _commit(repo, env, "notes and a draft")
    out = done.stdout + done.stderr

    assert done.returncode == 0, out
    assert "PG101" not in out
    assert _commits(repo, env) == 2


def test_git_commit_with_a_misspelt_suppression_is_refused(hooked_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked_repo
    _write(repo, "posts/gruss.md", "<!-- postguard-disabel PG101 -->\nHallo zusammen, schönes Wochenende!\n")

    done = _commit(repo, env, "Gruß")  # the config says nothing about fail_on: the default, error
    out = done.stdout + done.stderr

    assert done.returncode != 0, out
    assert "posts/gruss.md:1:1: PG002 [error] unknown directive 'postguard-disabel'" in out
    assert _commits(repo, env) == 1


def test_git_commit_of_an_empty_page_passes(hooked_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked_repo
    _write(repo, "posts/_index.md", "")

    done = _commit(repo, env, "section page")
    out = done.stdout + done.stderr

    assert done.returncode == 0, out
    assert "input error" not in out
    assert _commits(repo, env) == 2


def test_git_commit_honours_an_inline_suppression(hooked_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = hooked_repo
    approved = LEAK.replace(
        "Stolz auf", "<!-- postguard-disable-next-line PG101 -- freigegeben, Ticket 4711 -->\nStolz auf"
    )
    _write(repo, "posts/jahresrueckblick.md", approved)

    done = _commit(repo, env, "Jahresrückblick, freigegeben")

    assert done.returncode == 0, done.stdout + done.stderr
    assert _commits(repo, env) == 2
