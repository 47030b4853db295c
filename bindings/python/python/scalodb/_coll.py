"""What the collection views (``Hash``, ``List``, ``Set``, ``SortedSet``) share: key and
argument checks, the page size of their iterations, and Python slices as Redis ranges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from ._scalodb import Key

PAGE = 256
"""How many elements one engine call reads while a view is iterated."""

# Redis indexes are 64-bit: a larger Python index means "past the end" all the same.
_INDEX_LIMIT = 1 << 62


def key_bytes(key: Key) -> bytes:
    """A key, field or member as the engine stores it (a str is encoded as UTF-8)."""
    if isinstance(key, str):
        return key.encode()
    return bytes(key)


def is_key(obj: object) -> bool:
    """Whether ``obj`` can be a key, field or member (``in`` answers False for anything else)."""
    return isinstance(obj, (bytes, str, bytearray, memoryview))


def is_value(obj: object) -> bool:
    """Whether ``obj`` can be a hash value or a list element."""
    return isinstance(obj, (bytes, bytearray, memoryview))


def clamp(index: int) -> int:
    return max(-_INDEX_LIMIT, min(index, _INDEX_LIMIT))


def redis_range(start: Optional[int], stop: Optional[int]) -> Optional[tuple[int, int]]:
    """The Redis ``start..=stop`` (negative from the end) of the Python slice ``[start:stop]``,
    or None when the slice is empty whatever the length."""
    first = 0 if start is None else clamp(start)
    if stop is None:
        return first, -1
    if stop == 0:
        return None
    # A positive stop excludes its own index; a negative one (from the end) too.
    return first, clamp(stop) - 1
