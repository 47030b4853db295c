"""Puts and gets from one Python thread: ScaloDB beside py-lmdb, rocksdict, sqlite3 and a dict,
in the same run, printed as ratios.

Every store gets the same keys in the same shuffled order. Each ScaloDB put is its own committed,
logged write (sync="interval": it survives a killed process), so the like-for-like py-lmdb row
commits one write transaction per put (sync=False: also survives a killed process, not a power
cut). For bulk loading, a second py-lmdb row puts everything in one transaction, beside ScaloDB
with all puts in one atomic batch. Gets run inside one read transaction for py-lmdb (its fastest
read path); a ScaloDB get needs none.

    python bench/bench.py [--n 1000000] [--value-size 100]
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

import scalodb

Op = Callable[[list[bytes], bytes], None]
Result = tuple[str, Optional[float], Optional[float], str]  # name, put s, get s, note


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_scalodb(d: Path, keys: list[bytes], value: bytes, **opts: object) -> tuple[float, float]:
    db = scalodb.open(d, **opts)  # type: ignore[arg-type]
    put, get = db.put, db.get

    def puts() -> None:
        for k in keys:
            put(k, value)

    def gets() -> None:
        for k in keys:
            if get(k) is None:
                raise AssertionError(k)

    tp, tg = timed(puts), timed(gets)
    db.close()
    return tp, tg


def bench_scalodb_batch(d: Path, keys: list[bytes], value: bytes) -> tuple[float, float]:
    db = scalodb.open(d)

    def puts() -> None:
        with db.batch() as b:
            put = b.put
            for k in keys:
                put(k, value)

    def gets() -> None:
        get = db.get
        for k in keys:
            if get(k) is None:
                raise AssertionError(k)

    tp, tg = timed(puts), timed(gets)
    db.close()
    return tp, tg


def bench_dict(keys: list[bytes], value: bytes) -> tuple[float, float]:
    d: dict[bytes, bytes] = {}

    def puts() -> None:
        for k in keys:
            d[k] = value

    def gets() -> None:
        get = d.get
        for k in keys:
            if get(k) is None:
                raise AssertionError(k)

    return timed(puts), timed(gets)


def bench_lmdb(d: Path, keys: list[bytes], value: bytes, one_txn: bool) -> tuple[float, float]:
    import lmdb

    size = len(keys) * (len(keys[0]) + len(value) + 64) * 3 + (64 << 20)
    env = lmdb.open(str(d), map_size=size, sync=False, metasync=False)

    def puts() -> None:
        if one_txn:
            with env.begin(write=True) as txn:
                put = txn.put
                for k in keys:
                    put(k, value)
        else:
            begin = env.begin
            for k in keys:
                with begin(write=True) as txn:
                    txn.put(k, value)

    def gets() -> None:
        with env.begin() as txn:
            get = txn.get
            for k in keys:
                if get(k) is None:
                    raise AssertionError(k)

    tp, tg = timed(puts), timed(gets)
    env.close()
    return tp, tg


def bench_rocksdict(d: Path, keys: list[bytes], value: bytes) -> tuple[float, float]:
    from rocksdict import Rdict

    db = Rdict(str(d))

    def puts() -> None:
        for k in keys:
            db[k] = value

    def gets() -> None:
        get = db.get
        for k in keys:
            if get(k) is None:
                raise AssertionError(k)

    tp, tg = timed(puts), timed(gets)
    db.close()
    return tp, tg


def bench_sqlite(d: Path, keys: list[bytes], value: bytes) -> tuple[float, float]:
    # Autocommit: one transaction per put, in WAL mode with synchronous=NORMAL (no fsync per
    # commit), the closest sqlite3 gets to ScaloDB's default durability.
    con = sqlite3.connect(str(d / "bench.sqlite"), isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID")

    def puts() -> None:
        ex = con.execute
        for k in keys:
            ex("INSERT OR REPLACE INTO kv VALUES (?, ?)", (k, value))

    def gets() -> None:
        ex = con.execute
        for k in keys:
            if ex("SELECT v FROM kv WHERE k = ?", (k,)).fetchone() is None:
                raise AssertionError(k)

    tp, tg = timed(puts), timed(gets)
    con.close()
    return tp, tg


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="puts, then gets, per store")
    ap.add_argument("--value-size", type=int, default=100)
    args = ap.parse_args()

    rng = random.Random(42)
    keys = [b"key:%012d" % i for i in range(args.n)]
    rng.shuffle(keys)
    value = bytes(rng.getrandbits(8) for _ in range(args.value_size))
    root = Path(tempfile.mkdtemp(prefix="scalodb-pybench-"))
    results: list[Result] = []

    def run(name: str, fn: Callable[[Path], tuple[float, float]], note: str = "") -> None:
        d = root / name.replace(" ", "_").replace("(", "").replace(")", "").replace(",", "")
        d.mkdir()
        try:
            tp, tg = fn(d)
            results.append((name, tp, tg, note))
        except ImportError as e:
            results.append((name, None, None, f"skipped: {e}"))
        finally:
            shutil.rmtree(d, ignore_errors=True)
        print(f"  done: {name}", flush=True)

    print(f"{args.n} puts then {args.n} gets, {len(keys[0])}-byte keys, {args.value_size}-byte values, shuffled")
    try:
        run("scalodb", lambda d: bench_scalodb(d, keys, value), "sync=interval, a logged commit per put")
        run("scalodb (one batch)", lambda d: bench_scalodb_batch(d, keys, value), "all puts in one atomic batch")
        run("scalodb (in memory)", lambda d: bench_scalodb(d, keys, value, wal=False), "no log")
        run("py-lmdb (txn per put)", lambda d: bench_lmdb(d, keys, value, False), "sync=False")
        run("py-lmdb (one txn)", lambda d: bench_lmdb(d, keys, value, True), "all puts in one txn")
        run("rocksdict", lambda d: bench_rocksdict(d, keys, value), "default options, WAL on")
        run("sqlite3", lambda d: bench_sqlite(d, keys, value), "WAL, synchronous=NORMAL, autocommit")
        run("dict", lambda d: bench_dict(keys, value), "no persistence")
    finally:
        shutil.rmtree(root, ignore_errors=True)

    base = results[0]
    assert base[1] is not None and base[2] is not None
    print()
    print(f"{'store':<24}{'put ops/s':>13}{'get ops/s':>13}{'put: scalodb x':>16}{'get: scalodb x':>16}  notes")
    for name, tp, tg, note in results:
        if tp is None or tg is None:
            print(f"{name:<24}{'-':>13}{'-':>13}{'-':>16}{'-':>16}  {note}")
            continue
        print(
            f"{name:<24}{args.n / tp:>13,.0f}{args.n / tg:>13,.0f}"
            f"{tp / base[1]:>15.2f}x{tg / base[2]:>15.2f}x  {note}"
        )
    print("\n'scalodb x' = the other store's time / ScaloDB's time: above 1 means ScaloDB is faster.")


if __name__ == "__main__":
    main()
