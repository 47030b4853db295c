"""Optimistic transactions: isolation, commit and rollback by `with`, conflicts and retries."""

from __future__ import annotations

import threading

import pytest

import scalodb


def test_commit_on_success(mem: scalodb.DB) -> None:
    mem[b"alice"] = b"100"
    with mem.transaction() as tx:
        a = int(tx[b"alice"])
        tx[b"alice"] = b"%d" % (a - 30)
        tx.put(b"bob", b"30")
        assert tx.get(b"bob") == b"30"  # its own writes are visible to it
        assert mem.get(b"bob") is None  # ...and to no one else before the commit
    assert (mem[b"alice"], mem[b"bob"]) == (b"70", b"30")
    assert mem.stats().transactions == 1


def test_rollback_on_exception(mem: scalodb.DB) -> None:
    with pytest.raises(RuntimeError):
        with mem.transaction() as tx:
            tx.put(b"k", b"v")
            raise RuntimeError("boom")
    assert b"k" not in mem


def test_conflict_writes_nothing(mem: scalodb.DB) -> None:
    mem[b"k"] = b"0"
    tx = mem.begin()
    assert tx[b"k"] == b"0"
    tx.put(b"other", b"x")
    mem[b"k"] = b"changed"  # a concurrent write to what the transaction read
    with pytest.raises(scalodb.ConflictError):
        tx.commit()
    assert b"other" not in mem
    with pytest.raises(scalodb.ClosedError):
        tx.put(b"again", b"x")


def test_scan_in_a_transaction(mem: scalodb.DB) -> None:
    mem.update({b"a:1": b"1", b"a:2": b"2", b"b": b"3"})
    with mem.transaction() as tx:
        tx.delete(b"a:1")
        tx.put(b"a:3", b"3")
        assert tx.scan(b"a:") == [(b"a:2", b"2"), (b"a:3", b"3")]
        assert tx.scan(start=b"a:3") == [(b"a:3", b"3"), (b"b", b"3")]
    assert list(mem.scan_keys()) == [b"a:2", b"a:3", b"b"]


def test_run_transaction_retries_conflicts(mem: scalodb.DB) -> None:
    # Threads increment one counter through read-modify-write transactions: conflicts happen, and
    # the retries make every increment count exactly once.
    mem[b"counter"] = b"0"
    per_thread, threads = 200, 4

    def bump(tx: scalodb.Transaction) -> None:
        tx[b"counter"] = b"%d" % (int(tx[b"counter"]) + 1)

    def work() -> None:
        for _ in range(per_thread):
            mem.run_transaction(bump, retries=1_000)

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert mem[b"counter"] == b"%d" % (per_thread * threads)


def test_run_transaction_gives_up_after_retries(mem: scalodb.DB) -> None:
    mem[b"k"] = b"0"
    calls = 0

    def always_conflicts(tx: scalodb.Transaction) -> int:
        nonlocal calls
        calls += 1
        tx[b"k"] = tx[b"k"] + b"!"
        mem[b"k"] = b"%d" % calls  # a write between the read and the commit
        return calls

    with pytest.raises(scalodb.ConflictError):
        mem.run_transaction(always_conflicts, retries=3)
    assert calls == 4


def test_run_transaction_returns_and_propagates(mem: scalodb.DB) -> None:
    assert mem.run_transaction(lambda tx: tx.get(b"x", b"default")) == b"default"

    def fails(tx: scalodb.Transaction) -> None:
        tx.put(b"k", b"v")
        raise ValueError("nope")

    with pytest.raises(ValueError):
        mem.run_transaction(fails)
    assert b"k" not in mem
