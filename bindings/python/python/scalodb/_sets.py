"""Sets: the ``DB`` methods named after Redis's S* commands, and ``Set``, one set seen as a
``MutableSet[bytes]``. Members are bytes or str (stored as UTF-8) and come back as bytes. Every
call goes to the engine: nothing is cached."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet
from typing import TYPE_CHECKING, Optional, TypeVar, Union, cast, overload

from . import _scalodb as _n
from ._coll import PAGE, is_key, key_bytes
from ._scalodb import NativeDB

if TYPE_CHECKING:
    from ._scalodb import Key

_S = TypeVar("_S")


class SetMethods(NativeDB):
    """The set commands of ``DB`` (a mixin; ``scalodb.DB`` inherits it)."""

    __slots__ = ()

    def sadd(self, key: Key, *members: Key) -> int:
        """Adds ``members`` to the set at ``key`` (created if absent); returns how many were new."""
        return _n.sadd(self, key, members)

    def srem(self, key: Key, *members: Key) -> int:
        """Removes ``members``; returns how many were there. A set left empty is deleted."""
        return _n.srem(self, key, members)

    def sismember(self, key: Key, member: Key) -> bool:
        return _n.sismember(self, key, member)

    def smismember(self, key: Key, *members: Key) -> list[bool]:
        """Whether each of ``members`` is in the set, read at one version."""
        return _n.smismember(self, key, members)

    def scard(self, key: Key) -> int:
        """The number of members, 0 for an absent key."""
        return _n.scard(self, key)

    def smembers(self, key: Key) -> set[bytes]:
        """Every member, read at one version."""
        return _n.smembers(self, key)

    @overload
    def spop(self, key: Key, count: None = None) -> Optional[bytes]: ...
    @overload
    def spop(self, key: Key, count: int) -> list[bytes]: ...
    def spop(self, key: Key, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """Removes and returns a random member (None if empty), or a list of up to ``count``."""
        if count is None:
            got = _n.spop(self, key, 1)
            return got[0] if got else None
        if count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        return _n.spop(self, key, count)

    @overload
    def srandmember(self, key: Key, count: None = None) -> Optional[bytes]: ...
    @overload
    def srandmember(self, key: Key, count: int) -> list[bytes]: ...
    def srandmember(self, key: Key, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """A random member (None if empty); with ``count``, a list of ``count`` distinct members if
        positive, ``-count`` possibly repeated ones if negative."""
        if count is None:
            got = _n.srandmember(self, key, 1)
            return got[0] if got else None
        return _n.srandmember(self, key, count)

    def smove(self, src: Key, dst: Key, member: Key) -> bool:
        """Moves ``member`` from ``src`` to ``dst`` atomically; False if ``src`` lacks it."""
        return _n.smove(self, src, dst, member)

    def sinter(self, *keys: Key) -> set[bytes]:
        """The members in every one of ``keys`` (an absent key is empty), read at one version."""
        return _n.set_algebra(self, "inter", keys)

    def sunion(self, *keys: Key) -> set[bytes]:
        return _n.set_algebra(self, "union", keys)

    def sdiff(self, *keys: Key) -> set[bytes]:
        """The members of the first key in none of the others."""
        return _n.set_algebra(self, "diff", keys)

    def sinterstore(self, dst: Key, *keys: Key) -> int:
        """Stores ``sinter(*keys)`` at ``dst`` (replacing whatever it held) in one commit; returns
        its size."""
        return _n.set_algebra_store(self, "inter", dst, keys)

    def sunionstore(self, dst: Key, *keys: Key) -> int:
        return _n.set_algebra_store(self, "union", dst, keys)

    def sdiffstore(self, dst: Key, *keys: Key) -> int:
        return _n.set_algebra_store(self, "diff", dst, keys)

    def sintercard(self, *keys: Key, limit: int = 0) -> int:
        """The size of ``sinter(*keys)``, counting at most ``limit`` (0: no limit)."""
        return _n.sintercard(self, keys, limit)

    def sscan(self, key: Key, cursor: Optional[Key] = None, count: int = 10) -> tuple[Optional[bytes], list[bytes]]:
        """One page of a walk over the members in byte order: ``(next_cursor, members)``; start
        with None, a ``next_cursor`` of None means done. Members present for the whole walk come
        exactly once."""
        return _n.sscan(self, key, cursor, count)

    def members(self, key: Key) -> Set:
        """The set at ``key`` as a ``MutableSet`` (see :class:`Set`)."""
        return Set(self, key)


class Set(MutableSet[bytes]):
    """The set at one key, as a ``MutableSet[bytes]``: ``in``, ``len``, iteration (in byte order),
    ``add``, ``discard``, ``remove``, ``pop`` (a random member), the comparisons and the
    operators (``&``, ``|``, ``-``, ``^`` give a builtin ``set``), plus ``random`` and ``update``.
    Every operation goes to the engine; an absent key is an empty set, one holding another type
    raises ``WrongTypeError``. Get one with ``db.members(key)``.

    Iteration reads pages of members with SSCAN: a member present for the whole loop is seen
    exactly once, even if others are added or removed meanwhile."""

    __slots__ = ("_db", "_key")

    def __init__(self, db: SetMethods, key: Key) -> None:
        self._db = db
        self._key = key_bytes(key)

    @property
    def key(self) -> bytes:
        """The key of the set."""
        return self._key

    @classmethod
    def _from_iterable(cls, it: Iterable[_S]) -> set[_S]:
        # What the operators of `collections.abc.Set` build: a plain set.
        return set(it)

    def __eq__(self, other: object) -> bool:
        # `collections.abc.Set`'s, declared here so that type checkers allow `view == {b"a"}`.
        return super().__eq__(other)

    def __contains__(self, member: object) -> bool:
        return is_key(member) and self._db.sismember(self._key, cast("Key", member))

    def __len__(self) -> int:
        return self._db.scard(self._key)

    def __iter__(self) -> Iterator[bytes]:
        cursor: Optional[bytes] = None
        while True:
            cursor, page = self._db.sscan(self._key, cursor, PAGE)
            yield from page
            if cursor is None:
                return

    def add(self, member: Key) -> None:
        self._db.sadd(self._key, member)

    def discard(self, member: Key) -> None:
        self._db.srem(self._key, member)

    def remove(self, member: Key) -> None:
        """Removes ``member``; ``KeyError`` if it is not there."""
        if not self._db.srem(self._key, member):
            raise KeyError(member)

    def pop(self) -> bytes:
        """Removes and returns a random member (SPOP); ``KeyError`` if the set is empty."""
        member = self._db.spop(self._key)
        if member is None:
            raise KeyError("pop from an empty set")
        return member

    def update(self, *others: Iterable[Key]) -> None:
        """Adds every member of ``others``, in one atomic SADD."""
        members = tuple(m for other in others for m in other)
        if members:
            self._db.sadd(self._key, *members)

    def clear(self) -> None:
        """Removes every member present now, in one write (deleting the key)."""
        members = self._db.smembers(self._key)
        if members:
            self._db.srem(self._key, *members)

    @overload
    def random(self, count: None = None) -> Optional[bytes]: ...
    @overload
    def random(self, count: int) -> list[bytes]: ...
    def random(self, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """A random member without removing it, or a list as ``db.srandmember`` gives."""
        if count is None:
            return self._db.srandmember(self._key)
        return self._db.srandmember(self._key, count)

    def __repr__(self) -> str:
        return f"<scalodb.Set {self._key!r}>"
