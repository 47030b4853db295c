"""Conditional writes (`put_if_absent`, `compare_and_swap`, `increment`), `clear`, and TTLs on
existing keys (`expire`, `persist`, `ttl`)."""

from __future__ import annotations

import time

import pytest

import scalodb


def test_put_if_absent(mem: scalodb.DB) -> None:
    assert mem.put_if_absent(b"k", b"first") is True
    assert mem.put_if_absent(b"k", b"second") is False
    assert mem[b"k"] == b"first"


def test_compare_and_swap(mem: scalodb.DB) -> None:
    assert mem.compare_and_swap(b"k", None, b"1") == (True, b"1")  # absent -> create
    assert mem.compare_and_swap(b"k", None, b"2") == (False, b"1")
    assert mem.compare_and_swap(b"k", b"0", b"2") == (False, b"1")
    assert mem.compare_and_swap(b"k", b"1", b"2") == (True, b"2")
    assert mem.compare_and_swap(b"k", b"2", None) == (True, None)  # None deletes
    assert b"k" not in mem
    assert mem.compare_and_swap(b"k", b"2", b"3") == (False, None)


def test_increment(mem: scalodb.DB) -> None:
    assert mem.increment(b"n") == 1
    assert mem.increment(b"n", 41) == 42
    assert mem.increment(b"n", -50) == -8
    assert mem[b"n"] == b"-8"
    mem[b"text"] = b"abc"
    with pytest.raises(scalodb.WrongTypeError):
        mem.increment(b"text")
    assert issubclass(scalodb.WrongTypeError, TypeError)


def test_clear_is_one_atomic_write(mem: scalodb.DB) -> None:
    for i in range(10_000):
        mem[b"%05d" % i] = b"v"
    with mem.snapshot() as before:
        mem.clear()
        assert len(mem) == 0 and list(mem) == []
        assert before[b"00042"] == b"v"
    mem[b"after"] = b"1"
    assert dict(mem) == {b"after": b"1"}


def test_expire_persist_ttl(mem: scalodb.DB) -> None:
    mem[b"k"] = b"v"
    assert mem.ttl(b"k") is None
    assert mem.expire(b"k", 100) is True
    remaining = mem.ttl(b"k")
    assert remaining is not None and 99 < remaining <= 100
    assert mem.persist(b"k") is True
    assert mem.persist(b"k") is False
    assert mem.ttl(b"k") is None
    assert mem.expire(b"missing", 10) is False
    with pytest.raises(KeyError):
        mem.ttl(b"missing")
    mem.expire(b"k", 0.1)
    time.sleep(0.3)
    assert b"k" not in mem
    with pytest.raises(KeyError):
        mem.ttl(b"k")
