"""Find the files to check: explicit files, and directories walked recursively.

Rules (like ruff's):

* Walking a directory picks files whose extension an input format reads
  (:data:`READ_EXTENSIONS` for the built-in ones; the caller passes the engine's, so a
  plugin's format is walked too, :func:`postguard.extract.read_extensions`), skips
  :data:`SKIPPED_DIRS`, and leaves out what ``.gitignore`` files ignore
  (every ``.gitignore`` from the repository top, or from ``root`` outside a git
  repository, down to the file's directory, deeper files winning, plus
  ``.git/info/exclude``) and what the configured ``exclude`` patterns match.
  ``exclude`` uses ``.gitignore`` syntax, relative to ``root`` (the config's directory).
* A file named on the command line is always checked, whatever its extension
  and even if ignored or excluded, unless ``force_exclude`` is set (useful for
  pre-commit, which passes every changed file). A directory named on the command
  line is walked by the same rules as any other (naming an ignored directory
  finds nothing in it; name its files to check them).
* A path that does not exist is returned as given, so that reading it reports
  the error next to the other results.

The result is sorted by path and has no duplicates.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pathspec

from postguard.extract import read_extensions

READ_EXTENSIONS: tuple[str, ...] = read_extensions()
SKIPPED_DIRS: frozenset[str] = frozenset({".git", ".hg", ".svn"})


class _Ignores:
    def __init__(self, root: Path, exclude: Sequence[str]) -> None:
        self.root = root
        self.exclude = pathspec.GitIgnoreSpec.from_lines(exclude) if exclude else None
        self.top = _repository_top(root) or root
        self.specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _spec(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self.specs:
            lines: list[str] = []
            if directory == self.top:
                lines += _read_lines(directory / ".git" / "info" / "exclude")
            lines += _read_lines(directory / ".gitignore")
            self.specs[directory] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self.specs[directory]

    def ignored(self, path: Path, *, is_dir: bool) -> bool:
        """Whether ``path`` itself (not its parents) is excluded or ignored."""
        suffix = "/" if is_dir else ""
        if (
            self.exclude is not None
            and _is_under(path, self.root)
            and self.exclude.match_file(path.relative_to(self.root).as_posix() + suffix)
        ):
            return True
        if not _is_under(path, self.top):
            return False
        directory = path.parent
        while True:
            spec = self._spec(directory)
            if spec is not None:
                result = spec.check_file(path.relative_to(directory).as_posix() + suffix)
                if result.include is not None:
                    return bool(result.include)
            if directory == self.top or directory.parent == directory:
                return False
            directory = directory.parent

    def ignored_with_parents(self, path: Path, *, is_dir: bool) -> bool:
        base = self.top if _is_under(path, self.top) else self.root
        if _is_under(path, base):
            parts = path.relative_to(base).parts
            current = base
            for part in parts[:-1]:
                current = current / part
                if part in SKIPPED_DIRS or self.ignored(current, is_dir=True):
                    return True
        return self.ignored(path, is_dir=is_dir)


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _is_under(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _repository_top(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def discover(
    paths: Sequence[str],
    *,
    root: Path,
    exclude: Sequence[str] = (),
    force_exclude: bool = False,
    extensions: tuple[str, ...] = READ_EXTENSIONS,
) -> list[Path]:
    """The files to check for ``paths`` (files or directories), sorted; see the module docstring."""
    ignores = _Ignores(_absolute(root), exclude)
    found: dict[Path, Path] = {}  # absolute -> as shown

    def add(shown: Path) -> None:
        found.setdefault(_absolute(shown), shown)

    for given in paths:
        shown = Path(given)
        absolute = _absolute(shown)
        if absolute.is_dir():
            _walk(shown, absolute, ignores, add, extensions)
        elif not (
            force_exclude and absolute.exists() and ignores.ignored_with_parents(absolute, is_dir=False)
        ):
            add(shown)
    return sorted(found.values(), key=lambda p: p.as_posix())


def _walk(
    shown: Path, absolute: Path, ignores: _Ignores, add: Callable[[Path], None], extensions: tuple[str, ...]
) -> None:
    for directory, dirnames, filenames in os.walk(absolute):
        here = Path(directory)
        relative = here.relative_to(absolute)
        dirnames[:] = sorted(
            name
            for name in dirnames
            if name not in SKIPPED_DIRS and not ignores.ignored(here / name, is_dir=True)
        )
        for name in sorted(filenames):
            if not name.lower().endswith(extensions):
                continue
            if ignores.ignored(here / name, is_dir=False):
                continue
            add(shown / relative / name)
