"""Lists: the ``DB`` methods named after Redis's L* commands, and ``List``, one list seen as a
``Sequence[bytes]`` (with ``lst[i] = v``, pushes and pops). Elements are bytes-like and come back
as bytes. The ``DB`` methods take Redis's indexes (``lrange(key, 0, -1)``: the stop is
included); the view takes Python's (``lst[1:3]``: the stop is excluded). Every call goes to the
engine: nothing is cached."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from operator import index as as_index
from typing import TYPE_CHECKING, Any, Literal, Optional, Union, cast, overload

from . import _scalodb as _n
from ._coll import PAGE, clamp, is_value, key_bytes, redis_range
from ._errors import InvalidArgumentError, ValueTooLargeError
from ._scalodb import NativeDB

if TYPE_CHECKING:
    from ._scalodb import Key, ListEnd, Value


class ListMethods(NativeDB):
    """The list commands of ``DB`` (a mixin; ``scalodb.DB`` inherits it)."""

    __slots__ = ()

    def lpush(self, key: Key, *values: Value) -> int:
        """Pushes ``values`` one by one at the head (``lpush(k, a, b)`` leaves ``b`` first), creating
        the list if absent; returns the new length."""
        return _n.push(self, key, "left", values, False)

    def rpush(self, key: Key, *values: Value) -> int:
        """Appends ``values`` at the tail; returns the new length."""
        return _n.push(self, key, "right", values, False)

    def lpushx(self, key: Key, *values: Value) -> int:
        """``lpush`` only if the list exists; returns the length (0 if absent)."""
        return _n.push(self, key, "left", values, True)

    def rpushx(self, key: Key, *values: Value) -> int:
        """``rpush`` only if the list exists; returns the length (0 if absent)."""
        return _n.push(self, key, "right", values, True)

    @overload
    def lpop(self, key: Key, count: None = None) -> Optional[bytes]: ...
    @overload
    def lpop(self, key: Key, count: int) -> list[bytes]: ...
    def lpop(self, key: Key, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """Removes and returns the first element (None if empty), or a list of up to ``count``."""
        return _pop(self, key, "left", count)

    @overload
    def rpop(self, key: Key, count: None = None) -> Optional[bytes]: ...
    @overload
    def rpop(self, key: Key, count: int) -> list[bytes]: ...
    def rpop(self, key: Key, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """Removes and returns the last element (None if empty), or a list of up to ``count``,
        last first."""
        return _pop(self, key, "right", count)

    def llen(self, key: Key) -> int:
        """The length, 0 for an absent key."""
        return _n.llen(self, key)

    def lindex(self, key: Key, index: int) -> Optional[bytes]:
        """The element at ``index`` (negative counts from the end), None outside the list."""
        return _n.lindex(self, key, clamp(index))

    def lrange(self, key: Key, start: int, stop: int) -> list[bytes]:
        """The elements from ``start`` to ``stop`` *included* (negative from the end), as LRANGE."""
        return _n.lrange(self, key, clamp(start), clamp(stop))

    def lset(self, key: Key, index: int, value: Value) -> None:
        """Replaces the element at ``index``; ``InvalidArgumentError`` if the list is absent or
        the index outside it."""
        _n.lset(self, key, clamp(index), value)

    def linsert(self, key: Key, where: Literal["before", "after"], pivot: Value, value: Value) -> int:
        """Inserts ``value`` before or after the first element equal to ``pivot``. Returns the new
        length, -1 if there is no such element, 0 if the list is absent."""
        side = where.lower()
        if side not in ("before", "after"):
            raise ValueError(f'where must be "before" or "after", not {where!r}')
        return _n.linsert(self, key, side == "before", pivot, value)

    def lrem(self, key: Key, count: int, value: Value) -> int:
        """Removes elements equal to ``value``: the first ``count`` if positive, the last
        ``-count`` if negative, all if 0. Returns how many went."""
        return _n.lrem(self, key, clamp(count), value)

    def ltrim(self, key: Key, start: int, stop: int) -> None:
        """Keeps only the elements from ``start`` to ``stop`` *included*, as LTRIM."""
        _n.ltrim(self, key, clamp(start), clamp(stop))

    @overload
    def lpos(
        self, key: Key, value: Value, *, rank: int = 1, count: None = None, maxlen: int = 0
    ) -> Optional[int]: ...
    @overload
    def lpos(self, key: Key, value: Value, *, rank: int = 1, count: int, maxlen: int = 0) -> list[int]: ...
    def lpos(
        self, key: Key, value: Value, *, rank: int = 1, count: Optional[int] = None, maxlen: int = 0
    ) -> Union[Optional[int], list[int]]:
        """The index of the first element equal to ``value`` (None if none); ``rank`` picks the
        n-th match (negative: from the end), ``count`` asks for a list of up to that many matches
        (0: all), ``maxlen`` limits how many elements are compared (0: all)."""
        found = _n.lpos(self, key, value, clamp(rank), 1 if count is None else count, maxlen)
        if count is None:
            return found[0] if found else None
        return found

    def lmove(self, src: Key, dst: Key, src_end: ListEnd = "left", dst_end: ListEnd = "right") -> Optional[bytes]:
        """Pops from ``src_end`` of ``src`` and pushes at ``dst_end`` of ``dst``, atomically.
        Returns the element, None if ``src`` is empty."""
        return _n.lmove(self, src, dst, src_end, dst_end)


def _pop(db: NativeDB, key: Key, end: ListEnd, count: Optional[int]) -> Union[Optional[bytes], list[bytes]]:
    if count is None:
        got = _n.pop(db, key, end, 1)
        return got[0] if got else None
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    return _n.pop(db, key, end, count)


class List(Sequence[bytes]):
    """The list at one key, as a ``Sequence[bytes]``: ``len``, ``lst[i]`` (negative from the
    end; ``IndexError`` outside), ``lst[a:b]`` (a list, read in one call), ``lst[i] = v``,
    ``in``, ``index``, ``count``, iteration, plus pushes and pops at both ends. Indexes and
    slices are Python's. Every operation goes to the engine; an absent key is an empty list, one
    holding another type raises ``WrongTypeError``. Get one with ``db.list(key)``.

    Iteration reads pages of elements by position, so a push or pop at the head while iterating
    shifts what comes next (as with a Python list)."""

    __slots__ = ("_db", "_key")

    def __init__(self, db: ListMethods, key: Key) -> None:
        self._db = db
        self._key = key_bytes(key)

    @property
    def key(self) -> bytes:
        """The key of the list."""
        return self._key

    def __len__(self) -> int:
        return self._db.llen(self._key)

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...
    def __getitem__(self, index: Union[int, slice]) -> Union[bytes, list[bytes]]:
        if isinstance(index, slice):
            if index.step not in (None, 1):
                # Any other step: one read of the whole list, sliced by Python.
                return self._db.lrange(self._key, 0, -1)[index]
            span = redis_range(_opt_index(index.start), _opt_index(index.stop))
            return [] if span is None else self._db.lrange(self._key, *span)
        value = self._db.lindex(self._key, as_index(index))
        if value is None:
            raise IndexError("list index out of range")
        return value

    def __setitem__(self, index: int, value: Value) -> None:
        if isinstance(index, slice):
            raise TypeError("a List view cannot assign to a slice")
        try:
            self._db.lset(self._key, as_index(index), value)
        except ValueTooLargeError:
            raise
        except InvalidArgumentError as e:
            raise IndexError("list assignment index out of range") from e

    def __iter__(self) -> Iterator[bytes]:
        start = 0
        while True:
            page = self._db.lrange(self._key, start, start + PAGE - 1)
            yield from page
            if len(page) < PAGE:
                return
            start += PAGE

    def __reversed__(self) -> Iterator[bytes]:
        return reversed(self._db.lrange(self._key, 0, -1))

    def __contains__(self, value: object) -> bool:
        return is_value(value) and self._db.lpos(self._key, cast("Value", value)) is not None

    def index(self, value: Any, start: int = 0, stop: int = sys.maxsize) -> int:
        """The index of the first element equal to ``value`` (``ValueError`` if none)."""
        if start == 0 and stop == sys.maxsize and is_value(value):
            found = self._db.lpos(self._key, value)
            if found is None:
                raise ValueError(f"{value!r} is not in the list")
            return found
        return super().index(value, start, stop)

    def count(self, value: Any) -> int:
        """How many elements equal ``value``."""
        return len(self._db.lpos(self._key, value, count=0)) if is_value(value) else 0

    def lpush(self, *values: Value) -> int:
        """Pushes at the head, one by one; returns the new length."""
        return self._db.lpush(self._key, *values)

    def rpush(self, *values: Value) -> int:
        """Appends at the tail; returns the new length."""
        return self._db.rpush(self._key, *values)

    def append(self, value: Value) -> None:
        self._db.rpush(self._key, value)

    def extend(self, values: Iterable[Value]) -> None:
        """Appends every value, in one atomic write."""
        items = tuple(values)
        if items:
            self._db.rpush(self._key, *items)

    @overload
    def lpop(self, count: None = None) -> Optional[bytes]: ...
    @overload
    def lpop(self, count: int) -> list[bytes]: ...
    def lpop(self, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """Removes and returns the first element (None if empty), or a list of up to ``count``."""
        return _pop(self._db, self._key, "left", count)

    @overload
    def rpop(self, count: None = None) -> Optional[bytes]: ...
    @overload
    def rpop(self, count: int) -> list[bytes]: ...
    def rpop(self, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """Removes and returns the last element (None if empty), or a list of up to ``count``."""
        return _pop(self._db, self._key, "right", count)

    def insert(self, pivot: Value, value: Value, *, after: bool = False) -> int:
        """Inserts ``value`` before (or ``after``) the first element equal to ``pivot`` (LINSERT;
        not ``list.insert``'s index). Returns the new length, -1 without such an element."""
        return self._db.linsert(self._key, "after" if after else "before", pivot, value)

    def remove(self, value: Value, count: int = 1) -> int:
        """Removes the first ``count`` elements equal to ``value`` (the last ``-count`` if
        negative, all if 0), as LREM; returns how many went (0 is not an error)."""
        return self._db.lrem(self._key, count, value)

    def trim(self, start: Optional[int] = 0, stop: Optional[int] = None) -> None:
        """Keeps only ``self[start:stop]`` (Python's slice bounds), as LTRIM."""
        span = redis_range(start, stop)
        self._db.ltrim(self._key, *(span if span is not None else (1, 0)))

    def clear(self) -> None:
        """Removes every element (deleting the key)."""
        self._db.ltrim(self._key, 1, 0)

    def __repr__(self) -> str:
        return f"<scalodb.List {self._key!r}>"


def _opt_index(i: Optional[Any]) -> Optional[int]:
    return None if i is None else as_index(i)
