"""Opening, options, closing, persistence across reopen, and the exception hierarchy."""

from __future__ import annotations

import os
import pathlib
from pathlib import Path
from typing import Literal

import pytest

import scalodb


def test_persists_across_reopen(tmp_path: Path) -> None:
    with scalodb.open(tmp_path) as db:
        db[b"k"] = b"v"
        db[b"gone"] = b"x"
        del db[b"gone"]
    with scalodb.open(str(tmp_path)) as db:
        assert dict(db) == {b"k": b"v"}


@pytest.mark.parametrize("sync", ["always", "interval", "never"])
def test_sync_modes(tmp_path: Path, sync: Literal["always", "interval", "never"]) -> None:
    with scalodb.open(tmp_path, sync=sync) as db:
        db[b"k"] = b"v"
        db.sync()
    with scalodb.open(tmp_path) as db:
        assert db[b"k"] == b"v"


def test_sync_always_fsyncs_each_write(tmp_path: Path) -> None:
    with scalodb.open(tmp_path, sync="always") as db:
        before = db.stats().fsyncs
        for i in range(5):
            db[b"%d" % i] = b"v"
        assert db.stats().fsyncs >= before + 5


def test_bad_options(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sync must be"):
        scalodb.open(tmp_path, sync="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sync_interval"):
        scalodb.open(tmp_path, sync_interval=0)
    with pytest.raises(ValueError, match="only to sync=\"interval\""):
        scalodb.open(tmp_path, sync="always", sync_interval=1.0)
    with pytest.raises(scalodb.InvalidArgumentError, match="wal_segment_size"):
        scalodb.open(tmp_path, wal_segment_size=100)
    with pytest.raises(ValueError, match="eviction must be"):
        scalodb.open(tmp_path, eviction="random")  # type: ignore[arg-type]


def test_wal_false_keeps_nothing_on_disk(tmp_path: Path) -> None:
    target = tmp_path / "never-created"
    with scalodb.open(target, wal=False) as db:
        db[b"k"] = b"v"
        assert db[b"k"] == b"v"
    assert not target.exists()


def test_in_memory_store(mem: scalodb.DB) -> None:
    assert mem.path is None
    mem.checkpoint()  # a no-op in memory, not an error
    assert "in memory" in repr(mem)


def test_path_and_repr(tmp_path: Path) -> None:
    with scalodb.open(tmp_path) as db:
        assert db.path == tmp_path
        assert isinstance(db.path, pathlib.Path)
        assert str(tmp_path) in repr(db)
    assert "closed" in repr(db)


def test_close_is_idempotent_and_later_calls_raise(tmp_path: Path) -> None:
    db = scalodb.open(tmp_path)
    db[b"k"] = b"v"
    assert not db.closed
    db.close()
    db.close()
    assert db.closed
    for call in (lambda: db.get(b"k"), lambda: db.put(b"k", b"v"), lambda: len(db), db.snapshot):
        with pytest.raises(scalodb.ClosedError):
            call()


def test_context_manager_closes_even_on_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        with scalodb.open(tmp_path) as db:
            db[b"k"] = b"v"
            raise RuntimeError("boom")
    assert db.closed
    with scalodb.open(tmp_path) as again:  # the lock was released
        assert again[b"k"] == b"v"


def test_second_open_is_locked(tmp_path: Path) -> None:
    with scalodb.open(tmp_path):
        with pytest.raises(scalodb.LockedError) as info:
            scalodb.open(tmp_path)
    assert info.value.path == tmp_path
    assert isinstance(info.value, scalodb.Error)


def test_limits_raise_value_errors(tmp_path: Path) -> None:
    with scalodb.open(tmp_path, max_key_size=8, max_value_size=16) as db:
        with pytest.raises(scalodb.KeyTooLargeError) as key_info:
            db[b"123456789"] = b"v"
        assert (key_info.value.length, key_info.value.limit) == (9, 8)
        with pytest.raises(scalodb.ValueTooLargeError) as value_info:
            db[b"k"] = b"x" * 17
        assert (value_info.value.length, value_info.value.limit) == (17, 16)
        assert isinstance(value_info.value, ValueError)
        assert len(db) == 0


def test_io_error_is_an_oserror(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_bytes(b"not a directory")
    with pytest.raises(scalodb.IoError) as info:
        scalodb.open(a_file)
    assert isinstance(info.value, OSError)
    assert info.value.errno is not None


def test_corruption_is_reported_with_file_and_offset(tmp_path: Path) -> None:
    with scalodb.open(tmp_path) as db:
        for i in range(1000):
            db[b"key%04d" % i] = b"v" * 50
        db.checkpoint()
    (ckpt,) = tmp_path.glob("checkpoint-*")
    data = bytearray(ckpt.read_bytes())
    data[len(data) // 2] ^= 0xFF
    ckpt.write_bytes(bytes(data))
    with pytest.raises(scalodb.CorruptionError) as info:
        scalodb.open(tmp_path)
    assert info.value.path is not None and info.value.path.name == ckpt.name
    assert isinstance(info.value.offset, int)


def test_exception_hierarchy() -> None:
    for cls in (
        scalodb.ClosedError,
        scalodb.LockedError,
        scalodb.CorruptionError,
        scalodb.IoError,
        scalodb.InvalidArgumentError,
        scalodb.KeyTooLargeError,
        scalodb.ValueTooLargeError,
        scalodb.ConflictError,
        scalodb.OutOfMemoryError,
        scalodb.ReadOnlyError,
        scalodb.WrongTypeError,
    ):
        assert issubclass(cls, scalodb.Error)
    assert issubclass(scalodb.IoError, OSError)
    assert issubclass(scalodb.KeyTooLargeError, ValueError)
    assert issubclass(scalodb.WrongTypeError, TypeError)


def test_max_memory_without_eviction_refuses_writes() -> None:
    with scalodb.open(max_memory=64 * 1024) as db:
        with pytest.raises(scalodb.OutOfMemoryError):
            for i in range(100_000):
                db[b"%06d" % i] = b"x" * 100
        assert 0 < len(db) < 100_000
        del db[b"000000"]  # deletes still work at the limit


def test_max_memory_with_lru_eviction_keeps_writing() -> None:
    with scalodb.open(max_memory=64 * 1024, eviction="allkeys-lru") as db:
        for i in range(5_000):
            db[b"%06d" % i] = b"x" * 100
        s = db.stats()
        assert s.evictions > 0
        assert len(db) < 5_000
        assert db[b"004999"] == b"x" * 100  # the newest key is kept


def test_backup_opens_on_its_own(tmp_path: Path) -> None:
    with scalodb.open(tmp_path / "src") as db:
        db.update({b"a": b"1", b"b": b"2"})
        db.backup(tmp_path / "copy")
        db[b"c"] = b"after the backup"
    with scalodb.open(tmp_path / "copy") as copy:
        assert dict(copy) == {b"a": b"1", b"b": b"2"}


def test_checkpoint_is_recorded(tmp_path: Path) -> None:
    with scalodb.open(tmp_path) as db:
        for i in range(100):
            db[b"%d" % i] = b"v"
        db.checkpoint()
        s = db.stats()
        assert s.last_checkpoint_keys == 100
        assert s.last_checkpoint_seq == s.sequence
    assert any(name.startswith("checkpoint-") for name in os.listdir(tmp_path))
