"""Shared fixtures: engines are expensive (about 0.2 s), so one per session per pack set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["conftest_server"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PACK = ROOT / "rules" / "example-company.toml"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def as_json(value: Any) -> Any:
    """A TOML value as JSON sees it (dates and times as ISO strings), to validate against a JSON schema."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A real Dask LocalCluster, one per test module: two workers in threads of this process
    (starting processes costs seconds; the audit CLI test does that)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Never touch the user's cache or data (the override log): every test session gets its own."""
    os.environ["POSTGUARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["POSTGUARD_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))


@pytest.fixture
def example_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory with a postguard.toml that loads the example pack, as the working directory."""
    (tmp_path / "postguard.toml").write_text(f'packs = ["{EXAMPLE_PACK.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def example_engine():  # type: ignore[no-untyped-def]
    from postguard.config import Config
    from postguard.engine import Engine

    return Engine(Config(packs=(EXAMPLE_PACK,)))


@pytest.fixture(scope="session")
def default_engine():  # type: ignore[no-untyped-def]
    from postguard.config import Config
    from postguard.engine import Engine

    return Engine(Config())


@pytest.fixture(scope="session")
def check(example_engine):  # type: ignore[no-untyped-def]
    """check(text, **kw) -> list of findings, judged at NOW with the example pack."""
    from postguard.pipeline import lint

    def run(text: str, **kw):  # type: ignore[no-untyped-def]
        kw.setdefault("now", NOW)
        return list(lint(example_engine, text, **kw).findings)

    return run


def spans(findings, text: str | None = None):  # type: ignore[no-untyped-def]
    """(rule_id, matched text) pairs, checking each match against the text."""
    out = []
    for f in findings:
        if text is not None:
            assert text[f.start : f.end] == f.match
        out.append((f.rule_id, f.match))
    return out
