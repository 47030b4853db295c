"""Time-to-live on writes: `put(..., ttl=...)` and `Batch.put(..., ttl=...)`."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

import scalodb


def wait_until_gone(db: scalodb.DB, key: bytes, limit: float = 5.0) -> float:
    start = time.monotonic()
    while db.get(key) is not None:
        assert time.monotonic() - start < limit, "the key did not expire"
        time.sleep(0.01)
    return time.monotonic() - start


def test_put_with_ttl_expires(mem: scalodb.DB) -> None:
    mem.put(b"short", b"v", ttl=0.2)
    mem.put(b"long", b"v", ttl=timedelta(hours=1))
    mem.put(b"forever", b"v")
    assert mem[b"short"] == b"v"
    assert wait_until_gone(mem, b"short") > 0.05
    assert b"short" not in mem
    assert list(mem) == [b"forever", b"long"]


def test_overwrite_without_ttl_clears_it(mem: scalodb.DB) -> None:
    mem.put(b"k", b"v", ttl=0.1)
    mem.put(b"k", b"v2")
    time.sleep(0.3)
    assert mem[b"k"] == b"v2"


def test_batch_ttl(mem: scalodb.DB) -> None:
    with mem.batch() as b:
        b.put(b"k", b"v", ttl=0.1)
        b.put(b"stay", b"v")
    wait_until_gone(mem, b"k")
    assert list(mem) == [b"stay"]


def test_ttl_survives_reopen(tmp_path: Path) -> None:
    with scalodb.open(tmp_path) as db:
        db.put(b"short", b"v", ttl=0.2)
        db.put(b"long", b"v", ttl=3600)
    time.sleep(0.3)
    with scalodb.open(tmp_path) as db:
        assert db.get(b"short") is None
        assert db[b"long"] == b"v"


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), timedelta(0)])
def test_bad_ttl_is_a_value_error(mem: scalodb.DB, bad: float | timedelta) -> None:
    with pytest.raises(ValueError, match="ttl"):
        mem.put(b"k", b"v", ttl=bad)
    assert b"k" not in mem


def test_ttl_of_the_wrong_type(mem: scalodb.DB) -> None:
    with pytest.raises(TypeError, match="ttl"):
        mem.put(b"k", b"v", ttl="10")  # type: ignore[arg-type]
