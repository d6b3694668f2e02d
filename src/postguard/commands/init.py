"""``postguard init``: start a repository with a commented config and a starter company pack.

Writes ``postguard.toml`` and ``postguard/company.toml`` (one example of every pack section, valid as
written) and, with ``--pre-commit``, ``.pre-commit-config.yaml``. A file that exists is never
overwritten: it is left alone and named, and for an existing ``.pre-commit-config.yaml`` the entry to
add is printed instead.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import click

from postguard.commands.common import EXIT_CLEAN, EXIT_ERROR

#: What init writes: (template under postguard/templates, path relative to the target directory).
FILES: tuple[tuple[str, str], ...] = (
    ("postguard.toml", "postguard.toml"),
    ("company.toml", "postguard/company.toml"),
)
PRE_COMMIT = ("pre-commit-config.yaml", ".pre-commit-config.yaml")


def template(name: str) -> str:
    """The text of template ``name`` shipped in postguard/templates."""
    return resources.files("postguard").joinpath("templates", name).read_text(encoding="utf-8")


def write_new(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it exists (checked and created in one step); True if written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--pre-commit", "pre_commit", is_flag=True, help="Also write .pre-commit-config.yaml.")
def init(directory: Path, pre_commit: bool) -> None:
    """Start using postguard in DIRECTORY (default: here): a commented postguard.toml and a starter
    company pack with one example of every section. Never overwrites a file: one that exists is
    named and left alone (exit code 2 when every file already existed).

    \b
    Examples:
      postguard init
      postguard init --pre-commit
    """
    wanted = [*FILES, PRE_COMMIT] if pre_commit else list(FILES)
    kept = 0
    for name, rel in wanted:
        target = directory / rel
        if write_new(target, template(name)):
            click.echo(f"wrote {target}")
            continue
        kept += 1
        click.echo(f"{target} exists: left alone", err=True)
        if (name, rel) == PRE_COMMIT:
            entry = template(name).split("\n", 1)[1]
            click.echo(f"add this entry to its `repos:` list:\n{entry}", err=True)
    if kept < len(wanted):
        click.echo(
            "Next: replace the examples in postguard/company.toml with your own, then run "
            "`postguard check` on a post"
            + (" and `pre-commit autoupdate --freeze && pre-commit install`." if pre_commit else ".")
        )
    sys.exit(EXIT_CLEAN if kept < len(wanted) else EXIT_ERROR)
