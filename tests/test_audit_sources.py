"""Audit sources without a cluster: partition planning, reading partitions back, post times."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import audit_samples as samples
from postguard.audit.records import Columns, parse_time, read_records
from postguard.audit.sources import detect, plan
from postguard.errors import InputError

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def read_all(sources: list[Path], size: int, columns: Columns | None = None) -> list[tuple[str, str | None]]:
    parts = plan([str(s) for s in sources], size=size, columns=columns or Columns(), root=sources[0].parent)
    assert all(p.count <= size for p in parts)
    return [(r.doc_id, r.text if r.error is None else "ERROR") for p in parts for r in read_records(p)]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=30), size=st.integers(1, 7))
def test_jsonl_partitions_cover_every_line_once(tmp_path: Path, texts: list[str], size: int) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    assert read_all([path], size) == [(f"p.jsonl:{n}", t) for n, t in enumerate(texts, start=1)]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=30), size=st.integers(1, 7))
def test_csv_partitions_cover_every_row_once_even_with_newlines_in_fields(
    tmp_path: Path, texts: list[str], size: int
) -> None:
    path = tmp_path / "p.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        for n, t in enumerate(texts):
            w.writerow([f"r{n}", t])
    # csv cannot tell "\r\n" inside a quoted field from "\n"; the csv module normalises nothing else
    expected = [(f"r{n}", t) for n, t in enumerate(texts)]
    assert read_all([path], size) == expected


def test_parquet_partitions_follow_row_groups(tmp_path: Path) -> None:
    path = samples.parquet_posts(tmp_path / "p.parquet")  # row groups of 2
    parts = plan([str(path)], size=1, columns=Columns(), root=tmp_path)
    assert [(p.offset, p.first) for p in parts] == [(0, 0), (0, 1), (1, 0)]
    assert read_all([path], 1) == [("q1", "Sturmvogel fliegt!"), ("q2", "Hallo Welt."),
                                   ("q3", "Der Nordkap Trekker T5 kommt.")]  # fmt: skip


def test_archives_are_detected_by_name_or_directory(tmp_path: Path) -> None:
    x = samples.twitter_archive(tmp_path / "x")
    assert detect(str(x)) == ("twitter", x / "data" / "tweets.js")
    assert detect(str(x / "data" / "tweets.js"))[0] == "twitter"
    assert detect(str(samples.mastodon_outbox(tmp_path / "outbox.json")))[0] == "mastodon"
    assert detect(str(samples.linkedin_shares(tmp_path / "Shares.csv")))[0] == "linkedin"
    assert detect(str(samples.content_dir(tmp_path / "site")))[0] == "files"


def test_twitter_archive_posts_are_unescaped_with_urls_and_times(tmp_path: Path) -> None:
    x = samples.twitter_archive(tmp_path / "x")
    (x / "data" / "tweets-part1.js").write_text(
        'window.YTD.tweets.part1 = [{"tweet": {"id_str": "9", "created_at": "Mon Jun 07 08:00:00 +0000 2027",'
        ' "full_text": "Teil &lt;zwei&gt;"}}]',
        encoding="utf-8",
    )
    [part] = plan([str(x)], size=10, columns=Columns(), root=tmp_path)
    records = list(read_records(part))
    assert [r.text for r in records] == [
        "Der Nordkap Trekker T5 kommt & wir sind bereit!",
        "Der Nordkap Trekker T5 ist da!",
        "Teil <zwei>",
    ]
    assert records[2].url == "https://x.com/nordkap/status/9"


def test_mastodon_boosts_are_not_the_accounts_posts(tmp_path: Path) -> None:
    [part] = plan(
        [str(samples.mastodon_outbox(tmp_path / "outbox.json"))], size=10, columns=Columns(), root=tmp_path
    )
    assert [(r.doc_id, r.fmt) for r in part.records] == [
        ("https://mastodon.social/users/nordkap/statuses/1", "html"),
        ("https://mastodon.social/users/nordkap/statuses/2", "html"),
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("a,b\n1,2\n", encoding="utf-8"),
            "no column 'text' (--text-column); columns: a, b",
        ),
        (lambda p: p.write_bytes(b""), "empty CSV file"),
    ],
)
def test_csv_without_the_text_column_is_a_clear_error(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.csv"
    make(path)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        plan([str(path)], size=10, columns=Columns(), root=tmp_path)


def test_a_file_that_is_not_parquet_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    path.write_text("not parquet", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        plan([str(path)], size=10, columns=Columns(), root=tmp_path)


def test_keys_are_stable_and_change_with_the_source(tmp_path: Path) -> None:
    path = samples.jsonl_posts(tmp_path / "p.jsonl")
    keys = [p.key for p in plan([str(path)], size=2, columns=Columns(), root=tmp_path)]
    assert keys == [p.key for p in plan([str(path)], size=2, columns=Columns(), root=tmp_path)]
    assert len(set(keys)) == 2
    path.write_text(path.read_text(encoding="utf-8") + '{"text": "neu"}\n', encoding="utf-8")
    assert keys != [p.key for p in plan([str(path)], size=2, columns=Columns(), root=tmp_path)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-09-01T10:00:00Z", datetime(2026, 9, 1, 10, tzinfo=UTC)),
        ("2026-11-02 09:12:33", datetime(2026, 11, 2, 9, 12, 33, tzinfo=UTC)),  # LinkedIn: naive is UTC
        ("Thu Feb 18 12:03:11 +0000 2027", datetime(2027, 2, 18, 12, 3, 11, tzinfo=UTC)),  # X
        ("Tue, 01 Dec 2026 10:00:00 +0100", datetime(2026, 12, 1, 9, tzinfo=UTC)),  # RSS
        (1790000000, datetime(2026, 9, 21, 14, 13, 20, tzinfo=UTC)),
        ("1790000000000", datetime(2026, 9, 21, 14, 13, 20, tzinfo=UTC)),  # milliseconds
        ("", None),
        (None, None),
    ],
)
def test_post_times(value: object, expected: datetime | None) -> None:
    assert parse_time(value) == expected  # type: ignore[arg-type]


def test_an_unreadable_post_time_says_what_it_was() -> None:
    with pytest.raises(ValueError, match="unreadable post time 'letzte Woche'"):
        parse_time("letzte Woche")


def test_without_dask_help_works_and_running_says_what_to_install(tmp_path: Path) -> None:
    import subprocess
    import sys

    blocked = "import sys; sys.modules['distributed'] = None; sys.modules['pyarrow'] = None; from postguard.cli import main; "
    helped = subprocess.run([sys.executable, "-c", blocked + "raise SystemExit(main(['audit', '--help']))"],
                            capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert helped.returncode == 0 and "--scheduler" in helped.stdout
    ran = subprocess.run([sys.executable, "-c", blocked + "raise SystemExit(main(['audit', 'p.jsonl', '--out', 'o']))"],
                         capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert ran.returncode == 2
    assert (
        ran.stderr.strip()
        == "postguard: error: postguard audit needs Dask and pyarrow: pip install 'postguard[audit]'"
    )
