"""`scan` and `scan_keys`: ranges, prefixes, direction, laziness and consistency."""

from __future__ import annotations

import pytest

import scalodb


@pytest.fixture
def filled(mem: scalodb.DB) -> scalodb.DB:
    for k in [b"a", b"b:1", b"b:2", b"b:3", b"c", b"d"]:
        mem[k] = k.upper()
    return mem


def keys(it: scalodb.ScanIterator[tuple[bytes, bytes]]) -> list[bytes]:
    return [k for k, _ in it]


def test_scan_everything(filled: scalodb.DB) -> None:
    assert list(filled.scan()) == [(k, k.upper()) for k in [b"a", b"b:1", b"b:2", b"b:3", b"c", b"d"]]


def test_scan_prefix(filled: scalodb.DB) -> None:
    assert keys(filled.scan(b"b:")) == [b"b:1", b"b:2", b"b:3"]
    assert keys(filled.scan(prefix="b:", reverse=True)) == [b"b:3", b"b:2", b"b:1"]
    assert keys(filled.scan(prefix=b"zz")) == []


def test_scan_range_start_included_end_excluded(filled: scalodb.DB) -> None:
    assert keys(filled.scan(start=b"b:2", end=b"c")) == [b"b:2", b"b:3"]
    assert keys(filled.scan(start=b"b:2")) == [b"b:2", b"b:3", b"c", b"d"]
    assert keys(filled.scan(end=b"b:2")) == [b"a", b"b:1"]
    assert keys(filled.scan(start=b"c", end=b"b")) == []


def test_scan_reverse(filled: scalodb.DB) -> None:
    assert keys(filled.scan(reverse=True)) == [b"d", b"c", b"b:3", b"b:2", b"b:1", b"a"]
    assert keys(filled.scan(start=b"b", end=b"c", reverse=True)) == [b"b:3", b"b:2", b"b:1"]


def test_scan_keys(filled: scalodb.DB) -> None:
    assert list(filled.scan_keys(b"b:", reverse=True)) == [b"b:3", b"b:2", b"b:1"]


def test_prefix_with_range_is_refused(filled: scalodb.DB) -> None:
    with pytest.raises(ValueError, match="not both"):
        filled.scan(b"b", start=b"b:2")


def test_scan_is_lazy_and_reads_one_version(mem: scalodb.DB) -> None:
    n = 5_000  # several engine chunks
    for i in range(n):
        mem[b"%05d" % i] = b"old"
    it = mem.scan()
    first = next(it)
    for i in range(n):
        mem[b"%05d" % i] = b"new"
    mem[b"99999"] = b"added later"
    rest = list(it)
    assert first == (b"00000", b"old")
    assert len(rest) == n - 1
    assert all(v == b"old" for _, v in rest)


def test_scan_streams_a_large_store(mem: scalodb.DB) -> None:
    n = 100_000
    with mem.batch() as b:
        for i in range(n):
            b.put(b"%06d" % i, b"%d" % i)
    count = 0
    for i, (k, v) in enumerate(mem.scan()):
        assert k == b"%06d" % i and v == b"%d" % i
        count += 1
    assert count == n


def test_close_ends_a_scan_early(mem: scalodb.DB) -> None:
    for i in range(1_000):  # more than one chunk, so the scan is still open after `next`
        mem[b"%04d" % i] = b"v"
    it = mem.scan()
    assert next(it) == (b"0000", b"v")
    assert mem.stats().open_views == 1
    it.close()
    assert mem.stats().open_views == 0
    assert list(it) == []


def test_exhausted_scan_releases_its_view(filled: scalodb.DB) -> None:
    it = filled.scan()
    assert len(list(it)) == 6
    assert filled.stats().open_views == 0


def test_scan_of_a_closed_store() -> None:
    db = scalodb.open()
    it = db.scan()
    db.close()
    with pytest.raises(scalodb.ClosedError):
        next(it)
    with pytest.raises(scalodb.ClosedError):
        db.scan()
