"""README's "Using it" commands run as written from the repository's root (#13)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _using_it_commands() -> list[str]:
    section = README[README.index("## Using it") :]
    block = section[
        section.index("```sh\n") + len("```sh\n") : section.index("```\n", section.index("```sh\n") + 6)
    ]
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


COMMANDS = _using_it_commands()


def test_the_section_is_found() -> None:
    assert len(COMMANDS) >= 6 and all("postguard" in c for c in COMMANDS)


@pytest.mark.parametrize("command", [c for c in COMMANDS if "postguard serve" not in c])
def test_readme_command_runs_as_written(command: str, tmp_path: Path) -> None:
    """Exit 0 or 1 (findings), never 2 (a missing file, an unknown channel, a bad option).

    An output directory under /tmp is given a fresh one, so that an earlier run's results (which
    `audit` resumes, or refuses when its options differ) do not decide this one.
    """
    for word in shlex.split(command.split("|")[-1]):
        if word.startswith("examples/"):
            assert (ROOT / word).exists(), f"{word} is not shipped"
    python = shlex.quote(sys.executable)
    shell = command.replace("postguard ", f"{python} -m postguard ")
    shell = re.sub(r"/tmp/[\w.-]+", lambda m: str(tmp_path / m.group(0).rsplit("/", 1)[1]), shell)
    env = dict(os.environ)
    done = subprocess.run(shell, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "error:" not in done.stderr and "input error" not in done.stdout, done.stderr


def test_readme_serve_command_is_a_real_command() -> None:
    (serve,) = [c for c in COMMANDS if "postguard serve" in c]  # tests/test_server.py runs the server itself
    done = subprocess.run(
        [sys.executable, "-m", "postguard", *shlex.split(serve)[1:], "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_readme_points_to_check_help_and_lists_every_option() -> None:
    from postguard.commands.check import check

    assert "postguard check --help" in README
    for param in check.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt != "--help":
                assert opt in README, f"README does not list {opt}"
