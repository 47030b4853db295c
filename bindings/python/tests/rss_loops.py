"""One memory loop, run by test_memory.py in a process of its own (so that no other test's memory
is in the numbers): it runs SCENARIO, samples its own resident set size (VmRSS of
/proc/self/status) right after ``gc.collect()``, and prints one JSON line with the samples in MiB.

    python rss_loops.py SCENARIO LIMIT_MIB

The first sample is taken after a warm-up part of the loop (allocator pools and the store's tables
have reached their working size by then). A loop stops early once it has grown more than LIMIT_MIB
past that sample, so that a leak fails fast instead of filling the machine."""

from __future__ import annotations

import gc
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import scalodb

KEYS = [b"key:%04d" % i for i in range(1000)]
VALUE = b"a" * 100
BATCH = 16
# The prefix of ten keys: each scan reads ahead ten entries.
PREFIX = b"key:000"


def rss_mib() -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB$", status, re.MULTILINE)
    assert match is not None
    return int(match.group(1)) / 1024


def loop(
    step: Callable[[int], None], *, total: int, warmup: int, sample_every: int, limit: float, gc_every: int = 0
) -> list[float]:
    """Runs ``step(i)`` for i in range(total), with ``gc.collect()`` every ``gc_every`` steps (if
    not 0) and before each RSS sample, taken every ``sample_every`` steps from ``warmup`` on."""
    samples: list[float] = []
    for i in range(total):
        step(i)
        done = i + 1
        if gc_every and done % gc_every == 0:
            gc.collect()
        if done >= warmup and (done - warmup) % sample_every == 0:
            gc.collect()
            samples.append(rss_mib())
            if samples[-1] - samples[0] > limit:
                break
    return samples


def filled() -> scalodb.DB:
    """A store in memory with every key of the key space written once."""
    db = scalodb.open()
    for key in KEYS:
        db.put(key, VALUE)
    return db


def reads(step: Callable[[int], None], limit: float) -> list[float]:
    # A collection every 500 iterations, as the "left to the garbage collector" loops need.
    return loop(step, total=200_000, warmup=50_000, sample_every=10_000, gc_every=500, limit=limit)


def scan_close(limit: float) -> list[float]:
    db = filled()

    def step(i: int) -> None:
        scan = db.scan(PREFIX)
        assert next(scan)[0] == KEYS[0]
        scan.close()

    return reads(step, limit)


def scan_drop(limit: float) -> list[float]:
    db = filled()

    def step(i: int) -> None:
        scan = db.scan(PREFIX)
        assert next(scan)[0] == KEYS[0]
        del scan

    return reads(step, limit)


def snapshot_close(limit: float) -> list[float]:
    db = filled()

    def step(i: int) -> None:
        with db.snapshot() as snap:
            assert snap.get(KEYS[i % len(KEYS)]) == VALUE

    return reads(step, limit)


def snapshot_drop(limit: float) -> list[float]:
    db = filled()

    def step(i: int) -> None:
        snap = db.snapshot()
        assert snap.get(KEYS[i % len(KEYS)]) == VALUE
        del snap

    return reads(step, limit)


def batch(limit: float) -> list[float]:
    """2 000 000 puts over the 1 000 keys, 16 to a batch."""
    db = scalodb.open()

    def step(i: int) -> None:
        with db.batch() as b:
            for j in range(BATCH):
                b.put(KEYS[(i * BATCH + j) % len(KEYS)], VALUE)

    return loop(step, total=2_000_000 // BATCH, warmup=12_500, sample_every=6_250, limit=limit)


def single(limit: float) -> list[float]:
    """The same 2 000 000 puts one by one: the control for ``batch``."""
    db = scalodb.open()

    def step(i: int) -> None:
        db.put(KEYS[i % len(KEYS)], VALUE)

    return loop(step, total=2_000_000, warmup=200_000, sample_every=100_000, limit=limit)


SCENARIOS: dict[str, Callable[[float], list[float]]] = {
    "scan-close": scan_close,
    "scan-drop": scan_drop,
    "snapshot-close": snapshot_close,
    "snapshot-drop": snapshot_drop,
    "batch": batch,
    "single": single,
}

if __name__ == "__main__":
    scenario, limit = sys.argv[1], float(sys.argv[2])
    print(json.dumps({"scenario": scenario, "samples": SCENARIOS[scenario](limit)}))
