"""One `DB` shared by Python threads: concurrent writers and readers, a shared scan, group commit
(which needs the GIL released while a write waits for fsync), and close racing with writes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import scalodb

THREADS = 4


def run_threads(target: Callable[[int], None], n: int = THREADS) -> None:
    errors: list[BaseException] = []

    def wrap(i: int) -> None:
        try:
            target(i)
        except BaseException as e:  # noqa: BLE001 - re-raised in the main thread below
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_concurrent_writers_and_readers(db: scalodb.DB) -> None:
    per_thread = 5_000

    def work(t: int) -> None:
        for i in range(per_thread):
            key = b"t%d:%05d" % (t, i)
            db.put(key, key)
            if i % 7 == 0:
                assert db[key] == key
                # Another thread's keys: absent or exactly what it wrote.
                other = b"t%d:%05d" % ((t + 1) % THREADS, i)
                assert db.get(other) in (None, other)

    run_threads(work)
    assert len(db) == THREADS * per_thread
    for t in range(THREADS):
        assert list(db.scan_keys(b"t%d:" % t)) == [b"t%d:%05d" % (t, i) for i in range(per_thread)]


def test_readers_see_monotonic_versions(mem: scalodb.DB) -> None:
    mem[b"counter"] = b"%08d" % 0
    done = threading.Event()

    def writer() -> None:
        for i in range(1, 20_000):
            mem[b"counter"] = b"%08d" % i
        done.set()

    def reader(_: int) -> None:
        last = -1
        while not done.is_set():
            value = int(mem[b"counter"])
            assert value >= last
            last = value

    w = threading.Thread(target=writer)
    w.start()
    run_threads(reader, 2)
    w.join()
    assert mem[b"counter"] == b"%08d" % 19_999


def test_a_shared_scan_hands_out_each_entry_once(mem: scalodb.DB) -> None:
    n = 50_000
    with mem.batch() as b:
        for i in range(n):
            b.put(b"%06d" % i, b"v")
    it = mem.scan_keys()
    seen: list[list[bytes]] = [[] for _ in range(THREADS)]

    def consume(t: int) -> None:
        for k in it:
            seen[t].append(k)

    run_threads(consume)
    everything = [k for part in seen for k in part]
    assert len(everything) == n
    assert sorted(everything) == [b"%06d" % i for i in range(n)]
    for part in seen:
        assert part == sorted(part)  # each thread got its entries in order


def test_durable_writers_share_fsyncs(tmp_path: Path) -> None:
    # With sync="always" every put waits for an fsync. Group commit lets writers that arrive
    # while one fsync runs share the next; that only happens if a waiting put releases the GIL,
    # since otherwise one Python thread at a time could be inside a write.
    per_thread = 300
    with scalodb.open(tmp_path, sync="always") as db:
        before = db.stats().fsyncs

        def work(t: int) -> None:
            for i in range(per_thread):
                db.put(b"%d:%d" % (t, i), b"v")

        run_threads(work, 8)
        fsyncs = db.stats().fsyncs - before
        assert len(db) == 8 * per_thread
    assert 0 < fsyncs < 0.8 * 8 * per_thread, fsyncs


def test_close_while_other_threads_write(tmp_path: Path) -> None:
    db = scalodb.open(tmp_path)
    started = threading.Barrier(THREADS + 1)
    written = [0] * THREADS

    def work(t: int) -> None:
        started.wait()
        try:
            for i in range(1_000_000):
                db.put(b"%d:%d" % (t, i), b"v")
                written[t] += 1
        except scalodb.ClosedError:
            return
        raise AssertionError("the writer never saw the store close")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    started.wait()
    while sum(written) < 1_000:
        threading.Event().wait(0.001)
    db.close()
    for t in threads:
        t.join()
    with scalodb.open(tmp_path) as again:
        # Every put that returned was logged before the close.
        assert len(again) >= sum(written)
