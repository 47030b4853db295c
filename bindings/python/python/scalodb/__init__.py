"""ScaloDB: an embedded, ordered key-value store with MVCC reads, a write-ahead log, checkpoints
and crash recovery.

>>> import scalodb
>>> with scalodb.open() as db:          # in memory; scalodb.open("path/to/dir") for a store on disk
...     db[b"user:1"] = b"alice"
...     db.get("user:1")
b'alice'
"""

from ._db import DB, open
from ._errors import (
    ClosedError,
    ConflictError,
    CorruptionError,
    Error,
    InvalidArgumentError,
    IoError,
    KeyTooLargeError,
    LockedError,
    OutOfMemoryError,
    ReadOnlyError,
    ValueTooLargeError,
    WrongTypeError,
)
from ._scalodb import Batch, ScanIterator, Server, Snapshot, Transaction, __version__
from ._stats import Stats

__all__ = [
    "DB",
    "Server",
    "open",
    "Batch",
    "ScanIterator",
    "Snapshot",
    "Transaction",
    "Stats",
    "Error",
    "ClosedError",
    "LockedError",
    "CorruptionError",
    "IoError",
    "InvalidArgumentError",
    "KeyTooLargeError",
    "ValueTooLargeError",
    "ConflictError",
    "OutOfMemoryError",
    "ReadOnlyError",
    "WrongTypeError",
    "__version__",
]
