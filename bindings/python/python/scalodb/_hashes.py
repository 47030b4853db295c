"""Hashes: the ``DB`` methods named after Redis's H* commands, and ``Hash``, one hash seen as a
``MutableMapping[bytes, bytes]``. Fields are bytes or str (stored as UTF-8), values bytes-like;
reads return bytes. Every call goes to the engine: nothing is cached."""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, MutableMapping, ValuesView
from typing import TYPE_CHECKING, Any, Literal, Optional, Union, cast, overload

from . import _scalodb as _n
from ._coll import PAGE, is_key, key_bytes
from ._scalodb import NativeDB

if TYPE_CHECKING:
    from _typeshed import SupportsKeysAndGetItem

    from ._scalodb import FieldValues, Key, Value


class HashMethods(NativeDB):
    """The hash commands of ``DB`` (a mixin; ``scalodb.DB`` inherits it)."""

    __slots__ = ()

    def hset(self, key: Key, mapping: FieldValues) -> int:
        """Sets every field of ``mapping`` (a mapping, or ``(field, value)`` pairs) in the hash at
        ``key``, created if absent, in one atomic write. Returns how many fields were new."""
        return _n.hset(self, key, mapping)

    def hsetnx(self, key: Key, field: Key, value: Value) -> bool:
        """Sets ``field`` only if the hash lacks it; returns whether it was set."""
        return _n.hsetnx(self, key, field, value)

    def hget(self, key: Key, field: Key) -> Optional[bytes]:
        """The value of ``field``, None if the field (or the hash) is absent."""
        return _n.hget(self, key, field)

    def hmget(self, key: Key, *fields: Key) -> list[Optional[bytes]]:
        """The values of ``fields`` (None for each absent one), read at one version."""
        return _n.hmget(self, key, fields)

    def hdel(self, key: Key, *fields: Key) -> int:
        """Removes ``fields``; returns how many existed. A hash left empty is deleted."""
        return _n.hdel(self, key, fields)

    def hexists(self, key: Key, field: Key) -> bool:
        return _n.hexists(self, key, field)

    def hlen(self, key: Key) -> int:
        """The number of fields, 0 for an absent key."""
        return _n.hlen(self, key)

    def hstrlen(self, key: Key, field: Key) -> int:
        """The length of ``field``'s value, 0 if absent."""
        return _n.hstrlen(self, key, field)

    def hgetall(self, key: Key) -> dict[bytes, bytes]:
        """Every field and value, in field order, read at one version."""
        return _n.hgetall(self, key)

    def hkeys(self, key: Key) -> list[bytes]:
        return _n.hkeys(self, key)

    def hvals(self, key: Key) -> list[bytes]:
        return _n.hvals(self, key)

    def hincrby(self, key: Key, field: Key, amount: int = 1) -> int:
        """Adds ``amount`` to the integer in ``field`` (absent counts as 0); returns the result.
        A value that is not an integer raises ``WrongTypeError``."""
        return _n.hincrby(self, key, field, amount)

    def hincrbyfloat(self, key: Key, field: Key, amount: float = 1.0) -> float:
        """Adds ``amount`` to the number in ``field`` (absent counts as 0); returns the result."""
        return _n.hincrbyfloat(self, key, field, amount)

    @overload
    def hrandfield(self, key: Key, count: None = None, *, withvalues: Literal[False] = False) -> Optional[bytes]: ...
    @overload
    def hrandfield(self, key: Key, count: int, *, withvalues: Literal[False] = False) -> list[bytes]: ...
    @overload
    def hrandfield(self, key: Key, count: int, *, withvalues: Literal[True]) -> list[tuple[bytes, bytes]]: ...
    def hrandfield(
        self, key: Key, count: Optional[int] = None, *, withvalues: bool = False
    ) -> Union[Optional[bytes], list[bytes], list[tuple[bytes, bytes]]]:
        """A random field (None if the hash is empty); with ``count``, a list: ``count`` distinct
        fields if positive, ``-count`` possibly repeated ones if negative; ``withvalues`` gives
        ``(field, value)`` pairs."""
        if count is None:
            if withvalues:
                raise TypeError("withvalues needs a count")
            picked = _n.hrandfield(self, key, 1)
            return picked[0][0] if picked else None
        pairs = _n.hrandfield(self, key, count)
        return pairs if withvalues else [f for f, _ in pairs]

    def hscan(
        self, key: Key, cursor: Optional[Key] = None, count: int = 10
    ) -> tuple[Optional[bytes], dict[bytes, bytes]]:
        """One page of a walk over the fields, in field order: ``(next_cursor, {field: value})``.
        Start with ``cursor=None``; a ``next_cursor`` of None means the walk is done. Fields
        present for the whole walk are returned exactly once."""
        return _n.hscan(self, key, cursor, count)

    def hash(self, key: Key) -> Hash:
        """The hash at ``key`` as a ``MutableMapping`` (see :class:`Hash`)."""
        return Hash(self, key)


class Hash(MutableMapping[bytes, bytes]):
    """The hash at one key, as a ``MutableMapping[bytes, bytes]``: ``h[field]``, ``h[field] =
    value``, ``del h[field]``, ``in``, ``len``, iteration in field order, and the mixins
    (``get``, ``pop``, ``setdefault``, ``keys``, ``items``, ``==``...). Every operation goes to
    the engine, so the view always shows the stored hash; an absent key is an empty hash, and
    one holding another type raises ``WrongTypeError``. Get one with ``db.hash(key)``.

    Iteration reads pages of fields with HSCAN: a field present for the whole loop is seen
    exactly once, even if others are written meanwhile (deleting while iterating is allowed)."""

    __slots__ = ("_db", "_key")

    def __init__(self, db: HashMethods, key: Key) -> None:
        self._db = db
        self._key = key_bytes(key)

    @property
    def key(self) -> bytes:
        """The key of the hash."""
        return self._key

    def __getitem__(self, field: Key) -> bytes:
        value = self._db.hget(self._key, field)
        if value is None:
            raise KeyError(field)
        return value

    def __setitem__(self, field: Key, value: Value) -> None:
        self._db.hset(self._key, ((field, value),))

    def __delitem__(self, field: Key) -> None:
        if not self._db.hdel(self._key, field):
            raise KeyError(field)

    def __contains__(self, field: object) -> bool:
        return is_key(field) and self._db.hexists(self._key, cast("Key", field))

    def __len__(self) -> int:
        return self._db.hlen(self._key)

    def __iter__(self) -> Iterator[bytes]:
        for page in self._pages():
            yield from page

    def _pages(self) -> Iterator[dict[bytes, bytes]]:
        cursor: Optional[bytes] = None
        while True:
            cursor, page = self._db.hscan(self._key, cursor, PAGE)
            yield page
            if cursor is None:
                return

    def items(self) -> ItemsView[bytes, bytes]:
        return _HashItems(self)

    def values(self) -> ValuesView[bytes]:
        return _HashValues(self)

    def update(
        self,
        other: Union[SupportsKeysAndGetItem[Any, Any], Iterable[tuple[Any, Any]]] = (),
        /,
        **kwargs: Value,
    ) -> None:
        """Like ``dict.update``, in one atomic HSET."""
        if hasattr(other, "keys"):
            mapping = cast("SupportsKeysAndGetItem[Any, Any]", other)
            pairs = [(f, mapping[f]) for f in mapping.keys()]
        else:
            pairs = list(other)
        pairs.extend(kwargs.items())
        if pairs:
            self._db.hset(self._key, pairs)

    def clear(self) -> None:
        """Removes every field present now, in one write (deleting the key)."""
        fields = self._db.hkeys(self._key)
        if fields:
            self._db.hdel(self._key, *fields)

    def setnx(self, field: Key, value: Value) -> bool:
        """Sets ``field`` only if absent (HSETNX); returns whether it was set."""
        return self._db.hsetnx(self._key, field, value)

    def incrby(self, field: Key, amount: int = 1) -> int:
        """Adds ``amount`` to the integer in ``field`` (HINCRBY); returns the result."""
        return self._db.hincrby(self._key, field, amount)

    def incrbyfloat(self, field: Key, amount: float = 1.0) -> float:
        """Adds ``amount`` to the number in ``field`` (HINCRBYFLOAT); returns the result."""
        return self._db.hincrbyfloat(self._key, field, amount)

    @overload
    def random(self, count: None = None) -> Optional[bytes]: ...
    @overload
    def random(self, count: int) -> list[bytes]: ...
    def random(self, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """A random field, or a list of them as ``db.hrandfield`` gives."""
        if count is None:
            return self._db.hrandfield(self._key)
        return self._db.hrandfield(self._key, count)

    def __repr__(self) -> str:
        return f"<scalodb.Hash {self._key!r}>"


class _HashItems(ItemsView[bytes, bytes]):
    """Items read page by page (one engine call per page), not one lookup per field."""

    _mapping: Hash

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        for page in self._mapping._pages():
            yield from page.items()


class _HashValues(ValuesView[bytes]):
    _mapping: Hash

    def __iter__(self) -> Iterator[bytes]:
        for page in self._mapping._pages():
            yield from page.values()
