"""The one family of user-facing errors.

Everything a user can cause (a broken rule pack, a bad option, an unreadable
file) raises a subclass of :class:`PostguardError`. The CLI catches them once
and exits 2; the server maps them to HTTP 400 in one place.

A bug is not the user's doing: :class:`InternalError` (and :class:`PluginError`,
a plugin that failed to load or raised while checking) makes the CLI exit 3, as
pre-commit does, so that CI does not read a crash as "findings"; the server
answers 500 and keeps serving.
"""

from __future__ import annotations


class PostguardError(Exception):
    """An error caused by input or configuration, with a message for the user."""


class ConfigError(PostguardError):
    """The configuration or a rule pack is invalid.

    ``path`` names the file and ``key`` the key path inside it
    (for example ``embargo[2].until``).
    """

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        self.path = path
        self.key = key
        self.detail = message
        where = ""
        if path and key:
            where = f"{path}: {key}: "
        elif path:
            where = f"{path}: "
        elif key:
            where = f"{key}: "
        super().__init__(f"{where}{message}")


class InputError(PostguardError):
    """A draft could not be read (binary, undecodable, too large, missing)."""


class UsageError(PostguardError):
    """An option or argument has a value postguard cannot use."""


class InternalError(Exception):
    """A bug in postguard or in a plugin (exit 3; HTTP 500)."""


class PluginError(InternalError):
    """A plugin failed: ``plugin`` (its name or entry point) of ``package``, ``during`` what.

    The message names the exception's type, never its text (which could quote a draft).
    """

    def __init__(self, plugin: str, package: str | None, during: str, cause: BaseException) -> None:
        self.plugin = plugin
        self.package = package
        self.during = during
        self.cause_type = type(cause).__name__
        of = f" (package {package})" if package else ""
        super().__init__(f"the plugin {plugin!r}{of} failed {during}: {self.cause_type}")
