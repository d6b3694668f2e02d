"""The pack cache: validated, indexed packs pickled under a key of everything that shapes them.

The key covers the packs' bytes, postguard's version and every module of the
postguard package, each section parser (its module's source and its name) and
the plugins with their versions. So a new postguard, an edited or upgraded
plugin, or a changed copyright parser never gets yesterday's objects back.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

CACHE_FORMAT = 5


def cache_key(
    blobs: Sequence[tuple[Path, bytes]],
    sections: Mapping[str, Callable[..., Any]],
    plugins: Sequence[str] = (),
) -> str:
    """The fingerprint of a pack set: 16 hex digits, different whenever the loaded result may differ."""
    import postguard

    h = hashlib.sha256(f"postguard-packs-{CACHE_FORMAT}-{postguard.__version__}".encode())
    h.update(package_digest())
    for path, blob in blobs:
        h.update(str(path).encode() + b"\0" + hashlib.sha256(blob).digest())
    for name, parse in sorted(sections.items()):
        h.update(b"\0section\0" + name.encode() + b"\0" + callable_digest(parse))
    for plugin in sorted(plugins):
        h.update(b"\0plugin\0" + plugin.encode())
    return h.hexdigest()[:16]


@functools.cache
def package_digest() -> bytes:
    """A digest of every Python module of the postguard package (read once per process)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for module_file in sorted(root.rglob("*.py")):
        digest.update(str(module_file.relative_to(root)).encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(module_file.read_bytes())
    return digest.digest()


def callable_digest(func: Callable[..., Any]) -> bytes:
    """A function's module, name and source: its module's, and every module of the package it is in.

    So a parser whose helpers live in another module of its plugin (``acme_postguard.rules``
    calling ``acme_postguard.words``) gets another digest when either changes. postguard's own
    modules are in :func:`package_digest` already. Read on every call (parsers are few): a plugin
    edited or upgraded while a server runs is noticed.
    """
    module_name = getattr(func, "__module__", None) or ""
    qualname = getattr(func, "__qualname__", None) or type(func).__qualname__
    digest = hashlib.sha256(f"{module_name}:{qualname}".encode())
    module = sys.modules.get(module_name)
    module_file = getattr(module, "__file__", None)
    if not module_file:
        return digest.digest()
    files = [Path(module_file)]
    top = sys.modules.get(module_name.partition(".")[0])
    top_file = getattr(top, "__file__", None)
    if top is not None and top_file and hasattr(top, "__path__") and top.__name__ != "postguard":
        files += sorted(Path(top_file).parent.rglob("*.py"))  # the plugin's package
    for file in dict.fromkeys(files):
        try:
            digest.update(str(file).encode() + b"\0" + file.read_bytes())
        except OSError:
            digest.update(str(file).encode())
    return digest.digest()


def read_cache(cache_file: Path, fingerprint: str, kind: type) -> Any:
    """The cached object under ``cache_file``, or None when missing, broken or for another key."""
    if not cache_file.exists():
        return None
    try:
        with cache_file.open("rb") as f:
            cached = pickle.load(f)
    except Exception:
        return None
    if isinstance(cached, kind) and getattr(cached, "fingerprint", None) == fingerprint:
        return cached
    return None


def write_cache(cache_file: Path, obj: object) -> None:
    """Pickle ``obj`` atomically, mode 0600; an unwritable directory is not an error."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_file)
        with contextlib.suppress(OSError):
            cache_file.chmod(0o600)
    except OSError:
        pass  # caching is an optimisation
