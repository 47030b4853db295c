"""Shared fixtures: a store on disk in a fresh directory, and one in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import scalodb


@pytest.fixture
def db(tmp_path: Path) -> Iterator[scalodb.DB]:
    with scalodb.open(tmp_path / "db") as handle:
        yield handle


@pytest.fixture
def mem() -> Iterator[scalodb.DB]:
    with scalodb.open() as handle:
        yield handle
