"""The serving engine: built warm, and rebuilt when its config or pack files change (hot reload)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread

from postguard.config import Config, load_config
from postguard.engine import Engine
from postguard.errors import PostguardError
from postguard.server.logs import log, log_internal_error

if TYPE_CHECKING:
    from postguard.server.state import ServerState


def build_engine(config: Config, previous: Engine | None = None) -> Engine:
    """A warmed-up engine; reuses the previous one's language pipelines when it can."""
    nlp = previous.nlp if previous and previous.config.spacy_models == config.spacy_models else None
    return Engine(config, nlp=nlp).warm_up()


Stamp = tuple[tuple[int, int, int] | None, ...]


def stamp(paths: Sequence[Path]) -> Stamp:
    """What identifies the files' current versions: mtime, size and inode (None: missing)."""
    out: list[tuple[int, int, int] | None] = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            out.append(None)
        else:
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


def watched_paths(config: Config) -> tuple[Path, ...]:
    """The files a reload reads: the config file (if any) and every pack."""
    return ((config.path,) if config.path else ()) + tuple(config.pack_paths)


def reload(state: ServerState) -> bool:
    """Rebuild the engine from the files (call in a worker thread). True if a new engine serves."""
    current = stamp(state.paths)
    try:
        config = load_config(state.config.path) if state.config.path else state.config
        engine = build_engine(config, state.engine)
        if stamp(state.paths) != current:
            return False  # written to while being read: the watcher tries again once it settles
    except PostguardError as exc:
        if stamp(state.paths) != current:
            return False
        state.stamp = current
        state.last_reload_error = str(exc)
        log.error("reload failed, still serving the previous rules: %s", exc)
        return False
    except Exception as exc:  # a plugin bug must not take the server down either
        state.stamp = current
        state.last_reload_error = f"{type(exc).__name__} while loading the rules (see the server log)"
        log_internal_error(exc, "RELOAD", str(state.config.path or "packs"))
        return False
    state.config = config
    state.engine = engine
    state.paths = watched_paths(config)
    state.stamp = current if len(current) == len(state.paths) else stamp(state.paths)
    state.last_reload_error = None
    state.reloads += 1
    log.info("reloaded the rules (pack fingerprint %s)", engine.fingerprint)
    return True


def settled(before: Stamp, seen: Stamp | None, now: Stamp) -> bool:
    """Is a change from ``before`` to ``now`` complete enough to load?

    Yes when the files are as they were at the previous poll (``seen``: unchanged
    for an interval, so an editor or a script writing in steps has finished), or
    when every changed file is a new file put in place by a rename (a new inode,
    written completely before it appeared).
    """
    if now == seen:
        return True
    changed = [(a, b) for a, b in zip(before, now, strict=True) if a != b]
    return all(a is not None and b is not None and a[2] != b[2] for a, b in changed)


async def watch(state: ServerState, interval: float) -> None:
    """Poll the watched files' stat every ``interval`` seconds; reload a change once it has settled."""
    seen: Stamp | None = None
    while True:
        await anyio.sleep(interval)
        now = stamp(state.paths)
        if now == state.stamp:
            seen = None
            continue
        if not settled(state.stamp, seen, now):
            seen = now
            continue
        seen = None
        if await anyio.to_thread.run_sync(reload, state) and state.pool is not None:
            state.pool.renew()  # the workers fork again, from the new engine
