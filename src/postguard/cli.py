"""The command line: ``postguard check | rules | explain | baseline | serve | init | audit | pack | report``.

This module holds only the click group and the one error boundary: a :class:`PostguardError`
anywhere below becomes one clear line on stderr and exit code 2. Exit codes (like Vale):
0 nothing reached ``--fail-on``, 1 something did, 2 usage, config or input error, 3 a bug: an
exception from a plugin or from postguard itself (the traceback, then one line naming where it
was raised), as pre-commit exits 3 for its own bugs.
Each command is a module of its own under ``postguard/commands/``.
"""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Sequence
from pathlib import Path

import click
import pluggy

from postguard import __version__
from postguard.commands.common import EXIT_BUG, EXIT_CLEAN, EXIT_ERROR
from postguard.errors import InternalError, PostguardError

#: Every command: (module under postguard.commands, the click command's attribute there).
#: A new command is one module and one line here.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("check", "check"),
    ("rules", "rules"),
    ("explain", "explain"),
    ("baseline", "baseline"),
    ("serve", "serve"),
    ("init", "init"),
    ("audit", "audit"),
    ("image_hash", "image_hash"),
    ("pack", "pack"),
    ("report", "report"),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="postguard")
def cli() -> None:
    """postguard: catch what must not be posted before it is posted.

    Checks drafts for internal codenames, embargoed products, confidentiality
    markings, missing imprints, copyright and advertising-disclosure problems,
    in German and English.
    """


def add_commands(group: click.Group) -> None:
    """Add every command of :data:`COMMANDS` to ``group``."""
    for module, name in COMMANDS:
        group.add_command(getattr(importlib.import_module(f"postguard.commands.{module}"), name))


add_commands(cli)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="postguard", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except PostguardError as exc:
        click.echo(f"postguard: error: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one boundary for bugs: never exit 1 ("findings")
        cause = exc.__cause__ if isinstance(exc, InternalError) and exc.__cause__ else exc
        traceback.print_exception(cause)
        what = f"{type(cause).__name__}: {cause}"
        if isinstance(exc, InternalError):  # a plugin failed: named with its package, then the cause
            what = f"{exc}: {cause}" if str(cause) else str(exc)
        click.echo(f"postguard: internal error: {what} ({_raised_in(cause)})", err=True)
        return EXIT_BUG
    return EXIT_CLEAN


def _raised_in(exc: BaseException) -> str:
    """Where ``exc`` was raised: the innermost frame outside postguard's core and pluggy (a plugin's
    file, usually), else the innermost frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    core = (str(Path(__file__).parent), str(Path(pluggy.__file__).parent))
    outside = [f for f in frames if not f.filename.startswith(core)]
    checks = str(Path(__file__).parent / "checks")
    builtin = [f for f in frames if f.filename.startswith(checks)]
    chosen = outside or builtin or list(frames)
    if not chosen:
        return "raised in postguard"
    frame = chosen[-1]
    return f"raised in {frame.filename}:{frame.lineno}; report it to that plugin's or postguard's authors"
