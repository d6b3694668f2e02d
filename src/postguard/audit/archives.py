"""Archives as audit sources: ``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``.

The networks hand out their exports packed: an X/Twitter archive and a LinkedIn export are zips, a
Mastodon export is a ``.tar.gz``. A content repository is often downloaded as a zip or tarball.

An archive is unpacked, member by member and streamed (never read whole into memory), into
``--out DIR/unpacked/KEY/``; only the members the audit reads are written (posts, not media):

* if it holds a network's export (``tweets.js``, ``outbox.json`` or ``Shares.csv``, at any depth),
  only that export's files: a LinkedIn export's other CSVs (messages, connections) are not posts,
  and an X archive's ``Your archive.html`` is its viewer;
* otherwise every JSON Lines, CSV and Parquet member and every file ``postguard check`` would read
  (:data:`postguard.discover.READ_EXTENSIONS`).

Those files are then planned like any other source (:func:`postguard.audit.sources.plan`), with the
archive as their source and the member's path inside it as the document. Workers read the unpacked
files, so on a cluster of several machines ``--out`` must be on a file system they all see.

A member that cannot be read (a bad CRC, an encrypted member, an unsupported compression, a path
that would leave the directory, a tarball cut short, an archive inside the archive) is a failed
document with its reason; the other
members are audited. An archive that is not one at all is an :class:`InputError` before anything
runs. ``KEY`` comes from the archive's path, size and modification time, and a marker written after
the last member keeps a rerun from unpacking it again (so its partitions keep their keys: resuming).
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from postguard.errors import InputError

SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
#: The main file of each network's export, by lower-case name.
NETWORK_FILES = ("tweets.js", "outbox.json", "shares.csv")
#: Files a network's reader opens next to its main file.
COMPANIONS = ("account.js",)
LINE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet", ".pq")
#: What reading a member can raise when the member (or the stream under it) is damaged.
DAMAGED = (
    zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
)  # fmt: skip
CHUNK = 1 << 20


def is_archive(source: str) -> bool:
    path = Path(source)
    return path.is_file() and path.name.lower().endswith(SUFFIXES)


@dataclass(frozen=True, slots=True)
class Unpacked:
    """An archive's members on disk: ``targets`` to plan, ``failures`` for the members that failed."""

    label: str
    root: Path
    targets: tuple[Path, ...]
    failures: tuple[dict[str, object], ...]


def check(source: str) -> None:
    """Raise :class:`InputError` unless ``source`` opens as an archive of its kind."""
    path = Path(source)
    try:
        if path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path):
                return
        with tarfile.open(path, mode="r|*") as tar:
            tar.next()
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError) as exc:
        raise InputError(f"{source}: not a readable {_kind(path)} archive ({exc})") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None


def unpack(source: str, into: Path, key: str) -> Unpacked:
    """Unpack the members an audit reads into ``into/key`` (once: a rerun reuses them)."""
    root, marker = into / key, into / f"{key}.json"
    if marker.is_file():
        saved = json.loads(marker.read_text(encoding="utf-8"))
        kept = tuple(root / t for t in saved["targets"])
        return Unpacked(source, root, kept, tuple(saved["failures"]))
    if root.exists():
        shutil.rmtree(root)  # an unpacking that was interrupted: start it again
    root.mkdir(parents=True)
    failures: list[dict[str, object]] = []

    def failed(member: str, reason: str) -> None:
        failures.append({"source": source, "document": member, "reason": reason})

    written: list[str] = []
    for name, opener in _members(Path(source), failed):
        dest = root / name
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with opener() as src, dest.open("wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
        except DAMAGED as exc:
            dest.unlink(missing_ok=True)
            reason = f"damaged archive member ({type(exc).__name__}: {str(exc)[:160]})"
            if getattr(opener, "stream", False):  # a tarball cannot be read past a broken member
                failed(name, reason + "; the archive cannot be read past it: the later members are missing")
                break
            failed(name, reason)
            continue
        written.append(name)
    targets = _targets(written)
    for name in set(written) - set(targets) - _companions(targets, written):
        (root / name).unlink()  # not posts (another CSV of a LinkedIn export, an archive viewer)
    body = {"targets": targets, "failures": failures}
    tmp = marker.with_name(f".{marker.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    os.replace(tmp, marker)
    return Unpacked(source, root, tuple(root / t for t in targets), tuple(failures))


def _kind(path: Path) -> str:
    return "zip" if path.name.lower().endswith(".zip") else "tar"


def _wanted(name: str) -> bool:
    from postguard.discover import READ_EXTENSIONS

    lower = PurePosixPath(name).name.lower()
    return (
        lower in NETWORK_FILES
        or lower in COMPANIONS
        or lower.startswith("tweets-part")
        or lower.endswith(LINE_SUFFIXES + READ_EXTENSIONS)
    )


def _nested(name: str, failed: Callable[[str, str], None]) -> bool:
    """An archive inside the archive is not opened (no unbounded nesting): it is listed instead."""
    if not name.lower().endswith(SUFFIXES):
        return False
    failed(name, "an archive inside the archive: not unpacked (unpack it and audit it as a source)")
    return True


def _safe(name: str) -> str | None:
    """The member's path inside the archive, or None when it would leave the directory."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        return None
    return path.as_posix()


Opener = Callable[[], AbstractContextManager[IO[bytes]]]


def _members(path: Path, failed: Callable[[str, str], None]) -> Iterator[tuple[str, Opener]]:
    """Each wanted member's safe name and a function that opens it as a stream."""
    if _kind(path) == "zip":
        yield from _zip_members(path, failed)
    else:
        yield from _tar_members(path, failed)


def _zip_members(path: Path, failed: Callable[[str, str], None]) -> Iterator[tuple[str, Opener]]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.is_dir() and _nested(info.filename, failed):
                continue
            if info.is_dir() or not _wanted(info.filename):
                continue
            name = _safe(info.filename)
            if name is None:
                failed(info.filename, "member path leaves the archive's directory: not unpacked")
            elif info.flag_bits & 0x1:
                failed(name, "encrypted archive member: not unpacked")
            else:
                yield name, (lambda info=info: archive.open(info))  # type: ignore[misc]


class _TarOpener:
    stream = True

    def __init__(self, tar: tarfile.TarFile, info: tarfile.TarInfo) -> None:
        self.tar, self.info = tar, info

    def __call__(self) -> AbstractContextManager[IO[bytes]]:
        member = self.tar.extractfile(self.info)
        if member is None:
            raise tarfile.ExtractError("not a regular file")
        return member


def _tar_members(path: Path, failed: Callable[[str, str], None]) -> Iterator[tuple[str, Opener]]:
    # "r|*": a stream, read once front to back (compressed tarballs cannot seek cheaply)
    with tarfile.open(path, mode="r|*") as tar:
        while True:
            try:
                info = tar.next()
            except DAMAGED as exc:
                reason = f"the archive is damaged after its last good member ({exc}): the rest is missing"
                failed(path.name, reason)
                return
            if info is None:
                return
            if info.isfile() and _nested(info.name, failed):
                continue
            if not info.isfile() or not _wanted(info.name):
                continue  # directories, links and devices are never followed
            name = _safe(info.name)
            if name is None:
                failed(info.name, "member path leaves the archive's directory: not unpacked")
                continue
            yield name, _TarOpener(tar, info)


def _base(name: str) -> str:
    return PurePosixPath(name).name.lower()


def _targets(written: list[str]) -> list[str]:
    """What to plan: a network's export main files if there are any, else every written member."""
    have = set(written)
    network = sorted(
        n for n in written
        if _base(n) in NETWORK_FILES
        or (_base(n).startswith("tweets-part") and str(PurePosixPath(n).with_name("tweets.js")) not in have)
    )  # fmt: skip
    if network:
        return network
    return sorted(n for n in written if _base(n) not in COMPANIONS)


def _companions(targets: list[str], written: list[str]) -> set[str]:
    """Files kept beside a network's main file: its account.js and tweets-part files."""
    dirs = {str(PurePosixPath(t).parent) for t in targets}
    return {
        n for n in written
        if str(PurePosixPath(n).parent) in dirs
        and (_base(n) in COMPANIONS or _base(n).startswith("tweets-part"))
    }  # fmt: skip
