"""Memory stays bounded in long loops: scans and snapshots opened, read and closed, or dropped
(``del``) and left to the collector; batched writes, and single puts as their control. Each loop
runs in a child process (``rss_loops.py``), so its resident set size is its own, and reports VmRSS
samples taken after a warm-up part; the growth past the first sample must stay under a limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LOOPS = Path(__file__).with_name("rss_loops.py")

# Reads hold nothing once closed or collected: a tight limit, which the 200 000 iterations would
# pass by several times if each one left even 300 bytes behind.
READS_MIB = 16
# The bound for writes: the store is in memory, but its 1 000 keys take about 200 KB.
WRITES_MIB = 64


def assert_rss_bounded(scenario: str, limit: int) -> None:
    child = subprocess.run(
        [sys.executable, str(LOOPS), scenario, str(limit)], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 0, child.stderr
    samples: list[float] = json.loads(child.stdout)["samples"]
    assert len(samples) >= 2, f"{scenario}: too few samples"
    growth = max(samples) - samples[0]
    series = " ".join(f"{s:.1f}" for s in samples)
    assert growth < limit, f"{scenario}: RSS grew {growth:.1f} MiB (limit {limit}): {series} MiB"


@pytest.mark.parametrize("scenario", ["scan-close", "scan-drop", "snapshot-close", "snapshot-drop"])
def test_200k_reads_keep_rss_bounded(scenario: str) -> None:
    assert_rss_bounded(scenario, READS_MIB)


def test_2m_single_puts_keep_rss_bounded() -> None:
    assert_rss_bounded("single", WRITES_MIB)


def test_2m_puts_in_batches_of_16_keep_rss_bounded() -> None:
    assert_rss_bounded("batch", WRITES_MIB)
