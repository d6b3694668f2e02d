"""Builds the plugin manager: hook specs, the built-in checks, then entry-point plugins."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import pluggy

from postguard import hookspecs
from postguard.errors import ConfigError

#: Built-in checks: plain modules registered exactly like third-party plugins.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "postguard.checks.confidential",
    "postguard.checks.embargo",
    "postguard.checks.imprint",
    "postguard.checks.disclosure",
    "postguard.checks.copyright",
    "postguard.checks.secret",
    "postguard.checks.personal",
)


def build_plugin_manager(
    *, entry_points: bool = True, extra: Iterable[object] = (), blocked: Iterable[str] = ()
) -> pluggy.PluginManager:
    """A fresh manager: specs, :data:`DEFAULT_PLUGINS`, ``postguard`` entry points, then ``extra``.

    ``blocked`` names plugins (module or entry-point names) not to load.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    blocked = set(blocked)
    for name in blocked:
        pm.set_blocked(name)
    for name in DEFAULT_PLUGINS:
        if name not in blocked:
            pm.register(importlib.import_module(name), name=name)
    if entry_points:
        try:
            pm.load_setuptools_entrypoints(hookspecs.PROJECT)
        except Exception as exc:
            raise ConfigError(f"a postguard plugin failed to load: {exc!r}") from None
    for plugin in extra:
        pm.register(plugin)
    return pm


def plugin_versions(pm: pluggy.PluginManager) -> tuple[str, ...]:
    """The loaded plugins as ``name`` or ``distribution==version`` (sorted), for cache keys.

    Plugins registered without a name (throwaway classes in tests) count by their class, never by
    the process-specific id pluggy gives them.
    """
    out = {f"{dist.project_name}=={dist.version}" for _, dist in pm.list_plugin_distinfo()}
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        module = getattr(plugin, "__name__", None)
        out.add(module if isinstance(module, str) and module == name else type(plugin).__qualname__)
    return tuple(sorted(out))
