"""postguard: a compliance linter for what employees are about to post.

The public API for plugins and embedding::

    from postguard import hookimpl, Finding, Severity, RuleInfo, RuleDoc, lint
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from postguard.hookspecs import hookimpl
from postguard.model import Draft, Finding, Report, RuleDoc, RuleInfo, Severity

try:
    __version__ = version("postguard")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = ["Draft", "Finding", "Report", "RuleDoc", "RuleInfo", "Severity", "__version__", "hookimpl", "lint"]


def __getattr__(name: str) -> object:
    if name == "lint":
        from postguard.pipeline import lint

        return lint
    raise AttributeError(name)
