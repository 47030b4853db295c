"""Snapshots (a fixed, consistent view) and batches (atomic groups of writes)."""

from __future__ import annotations

import pytest

import scalodb


def test_snapshot_sees_a_fixed_version(mem: scalodb.DB) -> None:
    mem[b"a"] = b"old"
    mem[b"b"] = b"kept"
    with mem.snapshot() as snap:
        mem[b"a"] = b"new"
        del mem[b"b"]
        mem[b"c"] = b"later"
        assert snap[b"a"] == b"old"
        assert snap.get(b"b") == b"kept"
        assert snap.get(b"c") is None
        assert snap.get(b"c", b"dflt") == b"dflt"
        assert b"c" not in snap and 3 not in snap
        assert list(snap) == [b"a", b"b"]
        assert list(snap.scan(reverse=True)) == [(b"b", b"kept"), (b"a", b"old")]
        assert list(snap.scan_keys(start=b"b")) == [b"b"]
        with pytest.raises(KeyError):
            snap[b"c"]
        assert mem[b"a"] == b"new"


def test_snapshot_sequence(mem: scalodb.DB) -> None:
    mem[b"a"] = b"1"
    s1 = mem.snapshot()
    mem[b"a"] = b"2"
    s2 = mem.snapshot()
    assert s2.sequence == s1.sequence + 1
    s1.release()
    s2.release()


def test_released_snapshot_raises_and_frees_its_view(mem: scalodb.DB) -> None:
    snap = mem.snapshot()
    assert mem.stats().open_views == 1
    with snap:
        pass
    assert snap.released
    assert mem.stats().open_views == 0
    with pytest.raises(scalodb.ClosedError):
        snap.get(b"a")
    snap.release()  # twice is fine


def test_scan_outlives_its_snapshot(mem: scalodb.DB) -> None:
    mem[b"a"] = b"1"
    with mem.snapshot() as snap:
        it = snap.scan()
    mem[b"a"] = b"2"
    assert list(it) == [(b"a", b"1")]


def test_batch_commits_at_the_end_of_the_block(mem: scalodb.DB) -> None:
    mem[b"gone"] = b"x"
    with mem.batch() as b:
        b.put(b"a", b"1")
        b.put("b", b"2")
        b.delete(b"gone")
        assert len(b) == 3
        assert b"a" not in mem  # nothing is visible before the commit
    assert dict(mem) == {b"a": b"1", b"b": b"2"}
    assert len(b) == 0
    assert mem.stats().batches == 1


def test_batch_is_discarded_when_the_block_raises(mem: scalodb.DB) -> None:
    with pytest.raises(RuntimeError):
        with mem.batch() as b:
            b.put(b"a", b"1")
            raise RuntimeError("boom")
    assert b"a" not in mem


def test_batch_is_used_once(mem: scalodb.DB) -> None:
    b = mem.batch()
    b.put(b"a", b"1")
    b.commit()
    with pytest.raises(scalodb.ClosedError):
        b.put(b"b", b"2")
    with pytest.raises(scalodb.ClosedError):
        b.commit()
    d = mem.batch()
    d.put(b"c", b"3")
    d.discard()
    d.discard()
    assert dict(mem) == {b"a": b"1"}


def test_batch_committed_by_hand_inside_the_block(mem: scalodb.DB) -> None:
    with mem.batch() as b:
        b.put(b"a", b"1")
        b.commit()
    assert mem[b"a"] == b"1"


def test_batch_over_a_limit_writes_nothing() -> None:
    with scalodb.open(max_value_size=4) as db:
        with pytest.raises(scalodb.ValueTooLargeError):
            with db.batch() as b:
                b.put(b"ok", b"1")
                b.put(b"big", b"12345")
        assert len(db) == 0
