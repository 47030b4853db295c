"""`stats()`: a typed, frozen `Stats` whose counters follow what the store did."""

from __future__ import annotations

import dataclasses

import pytest

import scalodb


def test_stats_is_typed_and_frozen(mem: scalodb.DB) -> None:
    s = mem.stats()
    assert isinstance(s, scalodb.Stats)
    assert all(isinstance(getattr(s, f.name), int) for f in dataclasses.fields(s))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.keys = 5  # type: ignore[misc]


def test_counters_follow_operations(mem: scalodb.DB) -> None:
    mem[b"a"] = b"12345"
    mem[b"bb"] = b"1"
    mem.get(b"a")
    mem.get(b"missing")
    del mem[b"bb"]
    list(mem.scan())
    with mem.batch() as b:
        b.put(b"c", b"1")
    s = mem.stats()
    assert (s.keys, s.key_bytes, s.value_bytes) == (2, 2, 6)
    assert (s.puts, s.gets, s.deletes, s.scans, s.batches) == (2, 2, 1, 1, 1)
    assert s.sequence == 4
    assert s.memory_bytes > 0
    assert s.open_views == 0


def test_stats_has_a_field_for_every_engine_counter() -> None:
    from scalodb import _scalodb

    assert [f.name for f in dataclasses.fields(scalodb.Stats)] == list(_scalodb.STATS_FIELDS)
