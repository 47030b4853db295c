"""ScaloDB: an embedded, ordered key-value store with MVCC reads, a write-ahead log, checkpoints
and crash recovery.

>>> import scalodb
>>> with scalodb.open() as db:          # in memory; scalodb.open("path/to/dir") for a store on disk
...     db[b"user:1"] = b"alice"
...     db.get("user:1")
...     db.hash("user:2").update({b"name": b"bob"})   # hashes, lists, sets and sorted sets too
b'alice'
"""

from ._db import DB, open
from ._hashes import Hash
from ._lists import List
from ._sets import Set
from ._zset_view import SortedSet
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
    "Hash",
    "List",
    "Set",
    "SortedSet",
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
