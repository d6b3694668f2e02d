"""What an audit reads: each SOURCE becomes partitions, small addresses of up to N documents.

Kinds of source (chosen by name, then by content):

* a directory: the files ``postguard check`` would find in it (:func:`postguard.discover.discover`),
  unless it is an unpacked archive of a network (below);
* ``*.jsonl`` / ``*.ndjson``, ``*.csv``, ``*.parquet``: one document per line, row or record, the
  text in a column (``--text-column``, default ``text``), with optional id, URL and time columns;
* an X/Twitter archive: ``data/tweets.js`` (and ``tweets-part1.js``...) or the archive's directory;
* a LinkedIn export: ``Shares.csv`` (columns ``Date``, ``ShareLink``, ``ShareCommentary``...) or its
  directory;
* a Mastodon export: ``outbox.json`` (ActivityStreams ``Create`` activities of ``Note`` objects) or
  its directory;
* an archive (``.zip``, ``.tar``, ``.tar.gz``...): unpacked member by member into ``--out``, then
  its members are these kinds (:mod:`postguard.audit.archives`);
* any other file: checked as one document, like ``postguard check FILE``.

Line and row sources are partitioned by byte offset or row group, so a worker reads only its part
and the client never holds the documents; the networks' archives are one JSON document (or a small
CSV) per account, so the client reads them and the partitions carry the posts themselves. Workers
read paths as given: on a cluster of several machines the sources must be on a path every worker
can read (a shared file system), as for any Dask reader.

Partition keys are derived from the source's path, size, modification time and the partition's
range, so an unchanged source gives the same keys on a rerun (that is what resuming relies on).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from postguard.audit.records import Columns, Record, parse_time
from postguard.errors import InputError

if TYPE_CHECKING:
    from postguard.audit.archives import Unpacked

#: Kinds whose partitions a worker reads from the file itself.
FILE_KINDS = ("files", "jsonl", "csv", "parquet")
#: Kinds the client reads whole; their partitions carry the records.
ARCHIVE_KINDS = ("twitter", "linkedin", "mastodon")


@dataclass(frozen=True, slots=True, kw_only=True)
class Partition:
    """Up to ``count`` documents of one source, and how to find them.

    ``offset`` is a byte offset (jsonl, csv) or the row group (parquet); ``first`` is the number
    of the first line (jsonl), row (csv) or row within the group (parquet). ``files`` are the
    paths of a ``files`` partition; ``records`` the posts of an archive's partition.
    """

    key: str
    source: str
    kind: str
    path: str = ""
    offset: int = 0
    first: int = 0
    count: int = 0
    files: tuple[str, ...] = ()
    records: tuple[Record, ...] = ()
    columns: Columns = field(default_factory=Columns)
    header: tuple[str, ...] = ()
    member_root: str = ""  # an archive's unpacked directory: documents are named inside the archive
    cwd: str = ""  # the client's working directory: relative paths are read from there

    def file(self, path: str) -> str:
        """Where a worker reads ``path`` (a worker's own working directory is not the client's)."""
        return os.path.join(self.cwd, path)

    def show(self, path: str) -> str:
        """How a document's path is shown: a member's path inside its archive, else as given."""
        if self.member_root and path.startswith(self.member_root):
            return path[len(self.member_root) :]
        return path

    @property
    def name(self) -> str:
        """The file's name in documents ids (``posts.jsonl:3``; in an archive, its member path)."""
        return self.show(self.path) if self.member_root else Path(self.path).name

    @property
    def where(self) -> str:
        """A human description of the partition, for a failure of the whole partition."""
        if self.kind == "files":
            return f"{len(self.files)} files from {self.show(self.files[0])}" if self.files else self.source
        if self.kind == "jsonl":
            return f"{self.path}: lines {self.first}-{self.first + self.count - 1}"
        if self.kind == "csv":
            return f"{self.path}: rows {self.first}-{self.first + self.count - 1}"
        if self.kind == "parquet":
            return f"{self.path}: row group {self.offset}, rows {self.first}-{self.first + self.count - 1}"
        return f"{self.source}: posts {self.first + 1}-{self.first + self.count}"


def plan(
    sources: Sequence[str | Unpacked],
    *,
    size: int,
    columns: Columns,
    root: Path,
    exclude: Sequence[str] = (),
) -> list[Partition]:
    """Every source's partitions, in order; an unreadable source is an :class:`InputError`.

    An archive comes as its :class:`~postguard.audit.archives.Unpacked` members (a path string of
    an archive is an error here: :func:`postguard.audit.run.audit` unpacks it first).
    """
    parts: list[Partition] = []
    for source in sources:
        if not isinstance(source, str):
            parts += _plan_unpacked(source, size, columns)
            continue
        kind, path = detect(source)
        if kind == "archive":
            raise InputError(f"{source}: an archive must be unpacked before it is planned")
        if kind == "files":
            parts += _plan_files(source, path, size, root, exclude)
        elif (plan_rows := _ROW_PLANNERS.get(kind)) is not None:
            parts += plan_rows(source, path, size, columns)
        else:
            parts += _plan_archive(kind, source, path, size)
    cwd = os.getcwd()
    return [replace(p, cwd=cwd) for p in parts]


def detect(source: str) -> tuple[str, Path]:
    """The kind of a source and the file to read (for an archive's directory: its main file)."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    if path.is_dir():
        for kind, inner in (
            ("twitter", path / "data" / "tweets.js"),
            ("twitter", path / "tweets.js"),
            ("mastodon", path / "outbox.json"),
            ("linkedin", path / "Shares.csv"),
        ):
            if inner.is_file():
                return kind, inner
        return "files", path
    if not os.access(path, os.R_OK):
        raise InputError(f"{source}: permission denied")
    name = path.name.lower()
    from postguard.audit.archives import SUFFIXES

    if name.endswith(SUFFIXES):
        return "archive", path
    if name == "tweets.js" or re.fullmatch(r"tweets-part\d+\.js", name):
        return "twitter", path
    if name == "outbox.json":
        return "mastodon", path
    if name == "shares.csv":
        return "linkedin", path
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl", path
    if suffix == ".csv":
        return "csv", path
    if suffix in (".parquet", ".pq"):
        return "parquet", path
    return "files", path


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def archive_key(source: str) -> str:
    """The name of an archive's unpacked directory: changes when the archive does."""
    return _key("archive", _stamp(Path(source)))


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _plan_files(source: str, path: Path, size: int, root: Path, exclude: Sequence[str]) -> list[Partition]:
    from postguard.discover import discover

    found = [str(f) for f in discover([source], root=root, exclude=exclude)]
    stamps = [_stamp(Path(f)) if Path(f).exists() else f for f in found]
    parts = []
    for first in range(0, len(found), size):
        files = tuple(found[first : first + size])
        key = _key("files", *stamps[first : first + size])
        parts.append(
            Partition(key=key, source=source, kind="files", path=str(path), first=first,
                      count=len(files), files=files)
        )  # fmt: skip
    return parts


def _plan_unpacked(unpacked: Unpacked, size: int, columns: Columns) -> list[Partition]:
    """An archive's members: a network's export, line and row files, and files to check."""
    root = str(unpacked.root) + os.sep
    source = unpacked.label
    parts: list[Partition] = []
    files: list[str] = []
    for target in unpacked.targets:
        kind, path = detect(str(target))
        if (plan_rows := _ROW_PLANNERS.get(kind)) is not None:
            parts += plan_rows(source, path, size, columns)
        elif kind in ARCHIVE_KINDS:
            parts += _plan_archive(kind, source, path, size)
        else:
            files.append(str(path))
    for first in range(0, len(files), size):
        chunk = tuple(files[first : first + size])
        parts.append(
            Partition(key=_key("files", *map(_stamp, map(Path, chunk))), source=source, kind="files",
                      path=root, first=first, count=len(chunk), files=chunk)
        )  # fmt: skip
    return [replace(p, member_root=root) for p in parts]


def _plan_archive(kind: str, source: str, path: Path, size: int) -> list[Partition]:
    records = read_archive(kind, source, path)
    stamp = _stamp(path)
    parts = []
    for first in range(0, len(records), size):
        chunk = tuple(records[first : first + size])
        parts.append(
            Partition(key=_key(kind, stamp, first, len(chunk)), source=source, kind=kind, path=str(path),
                      first=first, count=len(chunk), records=chunk)
        )  # fmt: skip
    return parts


def _plan_jsonl(source: str, path: Path, size: int, columns: Columns) -> list[Partition]:
    stamp = _stamp(path)
    parts = []
    try:
        with path.open("rb") as fh:
            offset = line = start_offset = start_line = 0
            for raw in fh:
                if line - start_line == size:
                    parts.append(
                        _line_part("jsonl", source, path, stamp, start_offset, start_line, size, columns)
                    )
                    start_offset, start_line = offset, line
                offset += len(raw)
                line += 1
            if line > start_line:
                parts.append(
                    _line_part(
                        "jsonl", source, path, stamp, start_offset, start_line, line - start_line, columns
                    )
                )
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None
    return parts


def _line_part(
    kind: str, source: str, path: Path, stamp: str, offset: int, first: int, count: int, columns: Columns,
    header: tuple[str, ...] = (),
) -> Partition:  # fmt: skip
    # jsonl lines are numbered from 1, like an editor; csv rows from 1 after the header
    return Partition(
        key=_key(kind, stamp, offset, count, columns), source=source, kind=kind, path=str(path),
        offset=offset, first=first + 1, count=count, columns=columns, header=header,
    )  # fmt: skip


class _CountingLines:
    """Decoded lines of a binary file, counting the bytes consumed (for csv record offsets)."""

    def __init__(self, fh: object) -> None:
        self.fh = fh
        self.offset = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:  # type: ignore[attr-defined]
            self.offset += len(raw)
            yield raw.decode("utf-8", errors="surrogateescape")


def _plan_csv(source: str, path: Path, size: int, columns: Columns) -> list[Partition]:
    stamp = _stamp(path)
    parts = []
    try:
        with path.open("rb") as fh:
            if fh.read(3) != b"\xef\xbb\xbf":
                fh.seek(0)
            lines = _CountingLines(fh)
            lines.offset = fh.tell()
            reader = csv.reader(iter(lines))
            try:
                header = tuple(h.strip() for h in next(reader))
            except StopIteration:
                raise InputError(f"{source}: empty CSV file (no header row)") from None
            except csv.Error as exc:
                raise InputError(f"{source}: not a CSV file ({exc})") from None
            columns.require(header, source)
            start_offset, row, start_row = lines.offset, 0, 0
            while True:
                try:
                    next(reader)
                except StopIteration:
                    break
                except csv.Error:
                    pass  # the worker reports the row
                row += 1
                if row - start_row == size:
                    parts.append(
                        _line_part("csv", source, path, stamp, start_offset, start_row, size, columns, header)
                    )
                    start_offset, start_row = lines.offset, row
            if row > start_row:
                parts.append(
                    _line_part(
                        "csv", source, path, stamp, start_offset, start_row, row - start_row, columns, header
                    )
                )
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None
    return parts


def _plan_parquet(source: str, path: Path, size: int, columns: Columns) -> list[Partition]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError...: all mean "not readable"
        raise InputError(f"{source}: not a readable Parquet file ({exc})") from None
    columns.require(tuple(meta.schema.names), source)
    stamp = _stamp(path)
    parts = []
    for group in range(meta.num_row_groups):
        rows = meta.row_group(group).num_rows
        for first in range(0, rows, size):
            count = min(size, rows - first)
            parts.append(
                Partition(key=_key("parquet", stamp, group, first, count, columns), source=source,
                          kind="parquet", path=str(path), offset=group, first=first, count=count,
                          columns=columns)
            )  # fmt: skip
    return parts


# -- the networks' archives (read whole, on the client) ---------------------------------------------


def read_archive(kind: str, source: str, path: Path) -> list[Record]:
    try:
        if kind == "twitter":
            return _read_twitter(source, path)
        if kind == "mastodon":
            return _read_mastodon(source, path)
        return _read_linkedin(source, path)
    except UnicodeDecodeError:
        raise InputError(f"{source}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None


_YTD = re.compile(r"\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*")


def _ytd_json(path: Path, source: str) -> object:
    text = path.read_text(encoding="utf-8-sig")
    m = _YTD.match(text)
    try:
        return json.loads(text[m.end() :] if m else text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source}: {path.name} is not an X archive file ({exc.msg} at line {exc.lineno})"
        ) from None


def _read_twitter(source: str, path: Path) -> list[Record]:
    import html

    files = [path, *sorted(path.parent.glob("tweets-part*.js"))] if path.name == "tweets.js" else [path]
    username = "i/web"
    account = path.parent / "account.js"
    if account.is_file():
        data = _ytd_json(account, source)
        if isinstance(data, list) and data and isinstance(data[0], dict):
            username = str(data[0].get("account", {}).get("username") or username)
    records = []
    for file in files:
        data = _ytd_json(file, source)
        if not isinstance(data, list):
            raise InputError(f"{source}: {file.name} holds no list of tweets")
        for n, item in enumerate(data, start=1):
            tweet = item.get("tweet", item) if isinstance(item, dict) else None
            if not isinstance(tweet, dict):
                records.append(Record(doc_id=f"{file.name}[{n}]", error="not a tweet object"))
                continue
            tid = str(tweet.get("id_str") or tweet.get("id") or f"{file.name}[{n}]")
            text = tweet.get("full_text", tweet.get("text"))
            records.append(
                Record(
                    doc_id=tid,
                    url=f"https://x.com/{username}/status/{tid}",
                    time=str(tweet.get("created_at") or ""),
                    # the archive escapes &, < and > as HTML entities
                    text=html.unescape(text) if isinstance(text, str) else None,
                    error=None if isinstance(text, str) else "tweet without full_text",
                )
            )
    return records


def _read_mastodon(source: str, path: Path) -> list[Record]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not a Mastodon outbox ({exc.msg} at line {exc.lineno})") from None
    items = data.get("orderedItems") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InputError(f"{source}: not a Mastodon outbox (no orderedItems)")
    records = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("type") != "Create":
            continue  # boosts (Announce) point at other people's posts
        obj = item.get("object")
        if not isinstance(obj, dict):
            continue
        content = obj.get("content")
        records.append(
            Record(
                doc_id=str(obj.get("id") or item.get("id") or f"orderedItems[{n}]"),
                url=str(obj.get("url") or obj.get("id") or "") or None,
                time=str(obj.get("published") or item.get("published") or ""),
                text=content if isinstance(content, str) else None,
                fmt="html",
                error=None if isinstance(content, str) else "post without content",
            )
        )
    return records


def _read_linkedin(source: str, path: Path) -> list[Record]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "ShareCommentary" not in reader.fieldnames:
            raise InputError(f"{source}: not a LinkedIn Shares.csv (no ShareCommentary column)")
        records = []
        try:
            for n, row in enumerate(reader, start=1):
                link = (row.get("ShareLink") or "").strip()
                records.append(
                    Record(
                        doc_id=link or f"{path.name}:row {n}",
                        url=link or None,
                        time=(row.get("Date") or "").strip(),
                        text=row.get("ShareCommentary") or "",
                    )
                )
        except csv.Error as exc:
            raise InputError(f"{source}: broken CSV at line {reader.line_num} ({exc})") from None
    return records


def in_window(moment: datetime | None, since: datetime | None, until: datetime | None) -> bool:
    """Whether a post time is inside ``[since, until)``; with a bound, an unknown time is not."""
    if since is None and until is None:
        return True
    if moment is None:
        return False
    return (since is None or moment >= since) and (until is None or moment < until)


#: The planners of files of rows (posts with a text column), by the kind :func:`detect` gives; both
#: :func:`plan` and an archive's members use them.
_ROW_PLANNERS: dict[str, Callable[[str, Path, int, Columns], list[Partition]]] = {
    "jsonl": _plan_jsonl,
    "csv": _plan_csv,
    "parquet": _plan_parquet,
}


__all__ = ["ARCHIVE_KINDS", "FILE_KINDS", "Partition", "detect", "in_window", "parse_time", "plan"]
