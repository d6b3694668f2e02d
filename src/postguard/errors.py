"""The one family of user-facing errors.

Everything a user can cause (a broken rule pack, a bad option, an unreadable
file) raises a subclass of :class:`PostguardError`. The CLI catches them once
and exits 2; the server maps them to HTTP 400 in one place.
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
