"""The exceptions of ScaloDB. The native module raises these (it looks them up here by name), so
each can also derive from the built-in exception a Python user would expect to catch."""

from __future__ import annotations

import pathlib
from typing import Optional


class Error(Exception):
    """Base class of every error ScaloDB raises."""


class ClosedError(Error):
    """The database (or a snapshot or batch) was closed; open it again to use it."""


class LockedError(Error):
    """Another handle, in this process or another, holds the directory's lock."""

    path: Optional[pathlib.Path] = None


class CorruptionError(Error):
    """Stored data failed a check (checksum, header, a gap in the log)."""

    path: Optional[pathlib.Path] = None
    offset: Optional[int] = None


class IoError(Error, OSError):
    """An operating-system call failed; ``errno`` is set when the OS gave one."""


class InvalidArgumentError(Error, ValueError):
    """An argument was refused by the engine (a bad option, for example)."""


class KeyTooLargeError(InvalidArgumentError):
    """A key is longer than ``max_key_size``; nothing was written."""

    length: Optional[int] = None
    limit: Optional[int] = None


class ValueTooLargeError(InvalidArgumentError):
    """A value is longer than ``max_value_size``; nothing was written."""

    length: Optional[int] = None
    limit: Optional[int] = None


class ConflictError(Error):
    """A transaction saw a concurrent change to what it read or wrote; retry it."""


class OutOfMemoryError(Error):
    """The memory limit is reached and the eviction policy may not free memory."""


class ReadOnlyError(Error):
    """An earlier disk write failed, so the store refuses writes until it is reopened."""


class WrongTypeError(Error, TypeError):
    """A stored value is not what the operation needs."""


__all__ = [
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
]
