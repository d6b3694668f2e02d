"""Builds the plugin manager: hook specs, the built-in checks, then entry-point plugins."""

from __future__ import annotations

import importlib
import importlib.metadata
import traceback
from collections.abc import Iterable

import pluggy

from postguard import hookspecs
from postguard.errors import PluginError

#: Built-in checks: plain modules registered exactly like third-party plugins.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "postguard.checks.confidential",
    "postguard.checks.embargo",
    "postguard.checks.imprint",
    "postguard.checks.disclosure",
    "postguard.checks.copyright",
    "postguard.checks.secret",
    "postguard.checks.personal",
    "postguard.checks.image_embargo",
    "postguard.checks.image_metadata",
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
        _load_entry_points(pm)
    for plugin in extra:
        pm.register(plugin)
    return pm


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    """Load the ``postguard`` entry points one by one, sorted, naming one that fails to load.

    pluggy's ``load_setuptools_entrypoints`` loads them all in one call; one at a
    time, the failing entry point and its package are known, as flake8's
    ``FailedToLoadPlugin`` names them.
    """
    found = [
        (ep, dist)
        for dist in importlib.metadata.distributions()
        for ep in dist.entry_points
        if ep.group == hookspecs.PROJECT
    ]
    for ep, dist in sorted(found, key=lambda pair: (pair[0].name, pair[1].metadata["Name"] or "")):
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            pm.load_setuptools_entrypoints(hookspecs.PROJECT, name=ep.name)
        except Exception as exc:
            raise PluginError(f"{ep.name} = {ep.value}", dist.metadata["Name"], "to load", exc) from exc


def failing_plugin(pm: pluggy.PluginManager, hook: str, exc: BaseException) -> tuple[str, str | None]:
    """Which plugin's ``hook`` implementation raised ``exc``: its name and its package.

    The innermost frame of the traceback that runs one of the hook's implementations
    names it; the package is its distribution (``postguard`` for the built-ins).
    """
    impls = {impl.function.__code__: impl for impl in getattr(pm.hook, hook).get_hookimpls()}
    found = None
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        impl = impls.get(frame.f_code)
        if impl is not None:
            found = impl
    if found is None:
        return "unknown", None
    packages = {id(plugin): dist.project_name for plugin, dist in pm.list_plugin_distinfo()}
    name = found.plugin_name
    package = packages.get(id(found.plugin))
    if package is None and name.startswith("postguard."):
        package = "postguard"
    return name, package


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
