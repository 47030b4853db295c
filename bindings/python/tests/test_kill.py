"""Kill test: a child process writes and prints each acknowledged write, is killed with SIGKILL at
a random point, and the reopened store must hold every acknowledged write, each batch whole."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

import scalodb

# Step i puts a:i and b:i in one atomic batch; every 50th step also deletes both keys of step
# i - 25 in another batch. The child prints i once step i returned, so each printed step is an
# acknowledged write. Small log segments make the kills land across segment switches too.
CHILD = textwrap.dedent(
    """
    import sys
    import scalodb

    db = scalodb.open(sys.argv[1], sync=sys.argv[2], wal_segment_size=64 * 1024)
    for i in range(int(sys.argv[3]), 10**9):
        value = b"value-%d-" % i + b"x" * (i % 300)
        with db.batch() as b:
            b.put(b"a:%09d" % i, value)
            b.put(b"b:%09d" % i, value)
        if i % 50 == 0 and i >= 25:
            with db.batch() as b:
                b.delete(b"a:%09d" % (i - 25))
                b.delete(b"b:%09d" % (i - 25))
        print(i, flush=True)
    """
)

ROUNDS = 4


def value(i: int) -> bytes:
    return b"value-%d-" % i + b"x" * (i % 300)


def expected(i: int, acked: int) -> set[Optional[bytes]]:
    """What key a:i may hold after a kill, when steps up to `acked` were acknowledged."""
    deleted_by = i + 25 if (i + 25) % 50 == 0 else None
    if deleted_by is None:
        return {value(i)}
    if deleted_by <= acked:
        return {None}
    return {None, value(i)}  # the delete may have been logged before the kill, or not


def run_child_until_killed(store: Path, sync: str, start: int, kill_after: int) -> int:
    """Runs one child from step `start`, kills it after `kill_after` acknowledgements, and returns
    the last acknowledged step."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store), sync, str(start)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    acked = start - 1
    for line in child.stdout:
        acked = int(line)
        if acked - start + 1 >= kill_after:
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL, "the child stopped before it was killed"
    return acked


@pytest.mark.parametrize("sync", ["always", "interval"])
def test_acknowledged_writes_survive_sigkill(tmp_path: Path, sync: str) -> None:
    rng = random.Random(sync)
    store = tmp_path / "store"
    acked = -1
    for _ in range(ROUNDS):
        acked = run_child_until_killed(store, sync, acked + 1, rng.randint(20, 1500))
        with scalodb.open(store) as db:
            for i in range(acked + 1):
                assert db.get(b"a:%09d" % i) in expected(i, acked), (i, acked)
            # Batches are atomic: every step has both of its keys or neither.
            a = [k[2:] for k in db.scan_keys(b"a:")]
            assert a == [k[2:] for k in db.scan_keys(b"b:")]
            assert db.stats().torn_records_truncated <= 1
