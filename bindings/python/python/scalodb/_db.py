"""``DB`` (an open store, usable as a ``MutableMapping``) and ``open``. The commands of the
collection types come from the mixins in ``_hashes.py``, ``_lists.py``, ``_sets.py`` and
``_zsets.py``."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, ItemsView, Iterable, Iterator, MutableMapping, ValuesView
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal, Optional, TypeVar, Union, cast

from . import _scalodb as _n
from ._errors import ConflictError
from ._hashes import HashMethods
from ._lists import List, ListMethods
from ._scalodb import Transaction
from ._sets import SetMethods
from ._stats import Stats
from ._zset_view import SortedSet
from ._zsets import ZSetMethods

if TYPE_CHECKING:
    from _typeshed import SupportsKeysAndGetItem

    from ._scalodb import Key, KeyType, Value

_T = TypeVar("_T")


class _ItemsView(ItemsView[bytes, bytes]):
    """Items read by one scan (one consistent version), not one lookup per key."""

    _db: DB

    def __init__(self, db: DB) -> None:
        super().__init__(db)
        self._db = db

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        return self._db.scan()


class _ValuesView(ValuesView[bytes]):
    """Values read by one scan (one consistent version), not one lookup per key."""

    _db: DB

    def __init__(self, db: DB) -> None:
        super().__init__(db)
        self._db = db

    def __iter__(self) -> Iterator[bytes]:
        return map(itemgetter(1), self._db.scan())


class DB(HashMethods, ListMethods, SetMethods, ZSetMethods, MutableMapping[bytes, bytes]):
    """An open ScaloDB store. Create it with :func:`scalodb.open`.

    A ``DB`` is a ``MutableMapping`` from bytes to bytes, ordered by key (``str`` keys are stored
    as UTF-8), and a context manager that closes it. It is safe to share between threads.

    A key can also hold a hash, a list, a set or a sorted set: use the methods named after Redis's
    commands (``hset``, ``lpush``, ``sadd``, ``zadd``...) or the views ``hash(key)``,
    ``list(key)``, ``members(key)`` and ``sorted_set(key)``. ``db[key]`` on such a key raises
    ``WrongTypeError``; ``del db[key]``, ``expire`` and ``ttl`` work on any key.
    """

    __slots__ = ()

    def stats(self) -> Stats:
        """Counts and sizes of the store (see :class:`Stats`)."""
        return Stats._from_native(self._stats_dict())

    def items(self) -> ItemsView[bytes, bytes]:
        return _ItemsView(self)

    def values(self) -> ValuesView[bytes]:
        return _ValuesView(self)

    def update(
        self,
        other: Union[SupportsKeysAndGetItem[Any, Any], Iterable[tuple[Any, Any]]] = (),
        /,
        **kwargs: Value,
    ) -> None:
        """Like ``dict.update``, but applied atomically: readers and recovery see every write or
        none."""
        with self.batch() as b:
            if hasattr(other, "keys"):
                mapping = cast("SupportsKeysAndGetItem[Any, Any]", other)
                for k in mapping.keys():
                    b.put(k, mapping[k])
            else:
                for k, v in other:
                    b.put(k, v)
            for k, v in kwargs.items():
                b.put(k, v)

    def transaction(self) -> Transaction:
        """A transaction as a context manager: it commits when the block ends normally (raising
        :class:`ConflictError` if what it read or wrote changed meanwhile) and rolls back when
        the block raises. For automatic retries on conflicts use :meth:`run_transaction`."""
        return self.begin()

    def run_transaction(self, fn: Callable[[Transaction], _T], *, retries: int = 10) -> _T:
        """Runs ``fn(tx)`` in a transaction and commits it, running it again in a fresh
        transaction (up to ``retries`` times, with a growing pause) when the commit conflicts.
        An exception from ``fn`` rolls back and propagates. Returns what ``fn`` returned."""
        attempt = 0
        while True:
            tx = self.begin()
            try:
                out = fn(tx)
            except BaseException:
                tx.rollback()
                raise
            try:
                tx.commit()
                return out
            except ConflictError:
                if attempt >= retries:
                    raise
                attempt += 1
                # Contending writers spread out a little more after each conflict.
                time.sleep(50e-6 * (1 << min(attempt, 6)))

    # The views and TYPE come last: inside this class body `list` and `type` name these methods.

    def sorted_set(self, key: Key) -> SortedSet:
        """The sorted set at ``key`` as a ``MutableMapping`` of members to scores (see
        :class:`SortedSet`)."""
        return SortedSet(self, key)

    def list(self, key: Key) -> List:
        """The list at ``key`` as a ``Sequence`` (see :class:`List`)."""
        return List(self, key)

    def type(self, key: Key) -> Optional[KeyType]:
        """What ``key`` holds: ``"string"``, ``"hash"``, ``"list"``, ``"set"`` or ``"zset"``; None
        if it holds nothing (Redis's TYPE)."""
        return _n.kind_of(self, key)


SyncMode = Literal["always", "interval", "never"]
Eviction = Literal["noeviction", "allkeys-lru", "volatile-lru"]


def open(  # noqa: A001 - `scalodb.open` mirrors the built-in `open` on purpose
    path: Union[str, os.PathLike[str], None] = None,
    *,
    wal: bool = True,
    sync: SyncMode = "interval",
    sync_interval: Optional[float] = None,
    max_memory: Optional[int] = None,
    eviction: Eviction = "noeviction",
    max_key_size: Optional[int] = None,
    max_value_size: Optional[int] = None,
    wal_segment_size: Optional[int] = None,
    checkpoint_wal_bytes: Optional[int] = None,
    checkpoint_wal_ratio: Optional[float] = None,
    auto_checkpoint: bool = True,
) -> DB:
    """Opens (or creates) the store in directory ``path``; ``path=None`` gives a store that lives
    in memory only. ``wal=False`` with a path also keeps everything in memory.

    ``sync`` sets when a write reaches stable storage: ``"always"`` (fsynced before the call
    returns; concurrent writers share fsyncs), ``"interval"`` (the default: a killed process loses
    nothing, a power cut at most ``sync_interval`` seconds, default 1), or ``"never"``.
    ``max_memory`` caps the bytes held for data (as ``Stats.memory_bytes`` counts them); at the
    cap, ``eviction="noeviction"`` makes writes raise :class:`OutOfMemoryError`, and
    ``"allkeys-lru"`` / ``"volatile-lru"`` delete the least recently used keys (among all keys,
    or among keys with a TTL). Options left at None take the engine's defaults.
    """
    return DB(
        path,
        wal=wal,
        sync=sync,
        sync_interval=sync_interval,
        max_key_size=max_key_size,
        max_value_size=max_value_size,
        wal_segment_size=wal_segment_size,
        checkpoint_wal_bytes=checkpoint_wal_bytes,
        checkpoint_wal_ratio=checkpoint_wal_ratio,
        auto_checkpoint=auto_checkpoint,
        max_memory=max_memory,
        eviction=eviction,
    )


