"""What ``/v1/health`` and ``postguard rules`` say about the loaded packs: name, version, source, age."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from postguard.rulepacks import PackSet
from postguard.rulepacks.remote import RemotePack, age_seconds

_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def pack_status(packs: PackSet, remotes: Sequence[RemotePack] = ()) -> list[dict[str, Any]]:
    """One dict per loaded pack: ``name``, ``version``, ``source`` (file or URL), ``age_seconds``.

    The age of a file is the time since it was last written; of a URL pack, the time since the
    server last confirmed the copy (``checked_at``), with ``changed_at`` and the last fetch ``error``.
    """
    by_path = {str(r.path): r for r in remotes}
    out: list[dict[str, Any]] = []
    for i, file in enumerate(packs.files):
        item: dict[str, Any] = {
            "name": packs.names[i] if i < len(packs.names) else "",
            "version": (packs.versions[i] if i < len(packs.versions) else "") or None,
        }
        remote = by_path.get(file)
        if remote is None:
            item["source"] = os.path.basename(file) if "site-packages" in file else file
            try:
                mtime = datetime.fromtimestamp(os.stat(file).st_mtime, UTC)
                item["age_seconds"] = round(max(0.0, (datetime.now(UTC) - mtime).total_seconds()))
            except OSError:
                item["age_seconds"] = None
        else:
            meta = remote.meta()
            age = age_seconds(meta.get("checked_at"))
            item.update(
                source=remote.url,
                age_seconds=round(age) if age is not None else None,
                checked_at=meta.get("checked_at"),
                changed_at=meta.get("changed_at"),
                # a quoted value in an error may be a pack term: never shown (as the server's redact)
                error=_QUOTED.sub("'…'", meta["error"]) if meta.get("error") else None,
            )
        out.append(item)
    return out


def describe_age(seconds: float | None) -> str:
    if seconds is None:
        return "age unknown"
    if seconds < 120:
        return f"{int(seconds)} s old"
    if seconds < 7200:
        return f"{int(seconds // 60)} min old"
    if seconds < 172800:
        return f"{int(seconds // 3600)} h old"
    return f"{int(seconds // 86400)} days old"
