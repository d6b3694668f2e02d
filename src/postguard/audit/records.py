"""Records: one post of a line, row or archive source, read on a worker; and post times.

A record carries its text, an id, a URL and a time as the source wrote them; a record that cannot
be read carries ``error`` instead, so that the audit lists it as a failed document and goes on.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from postguard.errors import InputError

if TYPE_CHECKING:
    from postguard.audit.sources import Partition

TimeValue = str | int | float | datetime | None

ID_COLUMNS = ("id", "id_str", "uuid", "guid")
URL_COLUMNS = ("url", "link", "permalink", "ShareLink")
TIME_COLUMNS = ("created_at", "published", "posted_at", "date", "Date", "time", "timestamp")


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """One post as its source has it; ``fmt`` is the extraction format (None: plain text)."""

    doc_id: str
    url: str | None = None
    time: TimeValue = None
    text: str | None = None
    fmt: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Columns:
    """Which columns (or JSON keys) hold the text, id, URL and time; ``None`` picks a usual name."""

    text: str = "text"
    id: str | None = None
    url: str | None = None
    time: str | None = None

    def require(self, names: tuple[str, ...], source: str) -> None:
        """Raise if a named column is missing from a header or schema."""
        for option, name in (("--text-column", self.text), ("--id-column", self.id),
                             ("--url-column", self.url), ("--time-column", self.time)):  # fmt: skip
            if name is not None and name not in names:
                shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
                raise InputError(f"{source}: no column {name!r} ({option}); columns: {shown}")

    def record(self, row: Mapping[str, object], fallback_id: str) -> Record:
        text = row.get(self.text)
        doc_id = _pick(row, self.id, ID_COLUMNS)
        url = _pick(row, self.url, URL_COLUMNS)
        time = row.get(self.time) if self.time else next((row[c] for c in TIME_COLUMNS if c in row), None)
        if not isinstance(text, str):
            what = "missing" if text is None else f"a {type(text).__name__}, not text"
            return Record(doc_id=doc_id or fallback_id, error=f"the {self.text!r} field is {what}")
        if time is not None and not isinstance(time, str | int | float | datetime):
            time = str(time)
        return Record(doc_id=doc_id or fallback_id, url=url, time=time, text=text)


def _pick(row: Mapping[str, object], name: str | None, usual: tuple[str, ...]) -> str | None:
    names = (name,) if name else usual
    for n in names:
        value = row.get(n)
        if value is not None and value != "":
            return str(value)
    return None


def parse_time(value: TimeValue) -> datetime | None:
    """A post time from ISO 8601, X's ``Wed Oct 10 20:19:24 +0000 2018``, RFC 2822, epoch
    seconds or milliseconds, or a datetime; naive means UTC. Raises ``ValueError``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        number = float(value)
        moment = datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=UTC)
    else:
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")
            except ValueError:
                try:
                    moment = parsedate_to_datetime(text)
                except (TypeError, ValueError):
                    raise ValueError(f"unreadable post time {text[:40]!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_records(part: Partition) -> Iterator[Record]:
    """The records of a jsonl, csv, parquet or archive partition (read on the worker)."""
    if part.kind == "jsonl":
        yield from _jsonl(part)
    elif part.kind == "csv":
        yield from _csv(part)
    elif part.kind == "parquet":
        yield from _parquet(part)
    else:
        yield from part.records


def _jsonl(part: Partition) -> Iterator[Record]:
    name = part.name
    with open(part.file(part.path), "rb") as fh:
        fh.seek(part.offset)
        for n in range(part.first, part.first + part.count):
            raw = fh.readline()
            where = f"{name}:{n}"
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except UnicodeDecodeError:
                yield Record(doc_id=where, error=f"line {n}: not UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield Record(doc_id=where, error=f"line {n}: not JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(row, dict):
                yield Record(doc_id=where, error=f"line {n}: a JSON {type(row).__name__}, not an object")
                continue
            yield part.columns.record(row, where)


def _csv(part: Partition) -> Iterator[Record]:
    name = part.name
    with open(part.file(part.path), "rb") as fh:
        fh.seek(part.offset)
        lines = (raw.decode("utf-8", errors="surrogateescape") for raw in fh)
        reader = csv.reader(lines)
        for n in range(part.first, part.first + part.count):
            where = f"{name}:row {n}"
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Record(doc_id=where, error=f"row {n}: broken CSV ({exc})")
                continue
            try:
                "".join(values).encode("utf-8")
            except UnicodeEncodeError:
                yield Record(doc_id=where, error=f"row {n}: not UTF-8")
                continue
            if len(values) != len(part.header):
                yield Record(
                    doc_id=where, error=f"row {n}: {len(values)} fields, the header has {len(part.header)}"
                )
                continue
            yield part.columns.record(dict(zip(part.header, values, strict=True)), where)


def _parquet(part: Partition) -> Iterator[Record]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(part.file(part.path))
    cols = part.columns
    names = set(pf.schema_arrow.names)
    wanted = [c for c in (cols.text, cols.id, cols.url, cols.time, *ID_COLUMNS, *URL_COLUMNS, *TIME_COLUMNS)
              if c and c in names]  # fmt: skip
    table = pf.read_row_group(part.offset, columns=list(dict.fromkeys(wanted)))
    name = part.name
    for n, row in enumerate(table.slice(part.first, part.count).to_pylist(), start=part.first):
        yield cols.record(row, f"{name}#{part.offset}.{n}")


def check_readable(path: Path, source: str) -> None:
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None
