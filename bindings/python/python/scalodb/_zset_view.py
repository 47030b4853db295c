"""``SortedSet``: one sorted set seen as a ``MutableMapping[bytes, float]`` from members to
scores, iterated by ascending score, with ranks, ranges and pops. Every call goes to the engine:
nothing is cached."""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, MutableMapping, ValuesView
from typing import TYPE_CHECKING, Any, Optional, Union, cast, overload

from ._coll import is_key, key_bytes, redis_range
from ._zsets import Scored, ZSetMethods

if TYPE_CHECKING:
    from _typeshed import SupportsKeysAndGetItem

    from ._scalodb import Key


class SortedSet(MutableMapping[bytes, float]):
    """The sorted set at one key, as a ``MutableMapping[bytes, float]`` (member → score):
    ``zs[member]`` (``KeyError`` if absent), ``zs[member] = score``, ``del zs[member]``, ``in``,
    ``len``, iteration by ascending score (then member), and the mixins (``get``, ``pop``,
    ``items``, ``==``...), plus ``add``, ``score``, ``rank``, ``range``, ``range_by_score``,
    ``range_by_lex``, ``count``, ``incrby``, ``pop_min``, ``pop_max`` and ``random``. Ranks and
    ``range`` take Python's indexes (the stop is excluded). Every operation goes to the engine;
    an absent key is empty, one holding another type raises ``WrongTypeError``. Get one with
    ``db.sorted_set(key)``.

    Iterating (``iter``, ``items``, ``values``) reads the whole sorted set at one version in one
    engine call."""

    __slots__ = ("_db", "_key")

    def __init__(self, db: ZSetMethods, key: Key) -> None:
        self._db = db
        self._key = key_bytes(key)

    @property
    def key(self) -> bytes:
        """The key of the sorted set."""
        return self._key

    def __getitem__(self, member: Key) -> float:
        score = self._db.zscore(self._key, member)
        if score is None:
            raise KeyError(member)
        return score

    def __setitem__(self, member: Key, score: float) -> None:
        self._db.zadd(self._key, ((member, score),))

    def __delitem__(self, member: Key) -> None:
        if not self._db.zrem(self._key, member):
            raise KeyError(member)

    def __contains__(self, member: object) -> bool:
        return is_key(member) and self._db.zscore(self._key, cast("Key", member)) is not None

    def __len__(self) -> int:
        return self._db.zcard(self._key)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._db.zrange(self._key))

    def items(self) -> ItemsView[bytes, float]:
        return _ScoredItems(self)

    def values(self) -> ValuesView[float]:
        return _ScoredValues(self)

    def update(
        self,
        other: Union[SupportsKeysAndGetItem[Any, Any], Iterable[tuple[Any, Any]]] = (),
        /,
        **kwargs: float,
    ) -> None:
        """Like ``dict.update`` (member → score), in one atomic ZADD."""
        if hasattr(other, "keys"):
            mapping = cast("SupportsKeysAndGetItem[Any, Any]", other)
            pairs = [(m, mapping[m]) for m in mapping.keys()]
        else:
            pairs = list(other)
        pairs.extend(kwargs.items())
        if pairs:
            self._db.zadd(self._key, pairs)

    def clear(self) -> None:
        """Removes every member (deleting the key)."""
        self._db.zremrange_by_rank(self._key, 0, -1)

    def add(
        self, member: Key, score: float, *, nx: bool = False, xx: bool = False, gt: bool = False, lt: bool = False
    ) -> bool:
        """Adds ``member`` or updates its score under ZADD's conditions (see ``DB.zadd``); returns
        whether it was added or its score changed."""
        return self._db.zadd(self._key, ((member, score),), nx=nx, xx=xx, gt=gt, lt=lt, ch=True) > 0

    def score(self, member: Key) -> Optional[float]:
        """The score of ``member``, None if absent."""
        return self._db.zscore(self._key, member)

    def incrby(self, member: Key, amount: float = 1.0) -> float:
        """Adds ``amount`` to the score of ``member`` (absent counts as 0); returns the new score."""
        return self._db.zincrby(self._key, amount, member)

    def rank(self, member: Key, *, reverse: bool = False) -> Optional[int]:
        """The 0-based rank of ``member`` by ascending score (descending with ``reverse``)."""
        return self._db.zrank(self._key, member, reverse=reverse)

    def range(self, start: Optional[int] = 0, stop: Optional[int] = None, *, reverse: bool = False) -> list[Scored]:
        """``(member, score)`` pairs of ranks ``start`` to ``stop`` (excluded, negative from the
        end: Python's slice bounds), by ascending score (descending with ``reverse``)."""
        span = redis_range(start, stop)
        if span is None:
            return []
        return self._db.zrange(self._key, *span, reverse=reverse, withscores=True)

    def range_by_score(
        self,
        min: Optional[float] = None,
        max: Optional[float] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
        reverse: bool = False,
        offset: int = 0,
        count: Optional[int] = None,
    ) -> list[Scored]:
        """``(member, score)`` pairs with a score between ``min`` and ``max`` (see
        ``DB.zrange_by_score``)."""
        return self._db.zrange_by_score(
            self._key,
            min,
            max,
            min_exclusive=min_exclusive,
            max_exclusive=max_exclusive,
            reverse=reverse,
            offset=offset,
            count=count,
            withscores=True,
        )

    def range_by_lex(
        self,
        min: Optional[Key] = None,
        max: Optional[Key] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
        reverse: bool = False,
        offset: int = 0,
        count: Optional[int] = None,
    ) -> list[bytes]:
        """Members between ``min`` and ``max`` in byte order (see ``DB.zrange_by_lex``)."""
        return self._db.zrange_by_lex(
            self._key,
            min,
            max,
            min_exclusive=min_exclusive,
            max_exclusive=max_exclusive,
            reverse=reverse,
            offset=offset,
            count=count,
        )

    def count(
        self,
        min: Optional[float] = None,
        max: Optional[float] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
    ) -> int:
        """How many members have a score between ``min`` and ``max``."""
        return self._db.zcount(self._key, min, max, min_exclusive=min_exclusive, max_exclusive=max_exclusive)

    @overload
    def pop_min(self, count: None = None) -> Optional[Scored]: ...
    @overload
    def pop_min(self, count: int) -> list[Scored]: ...
    def pop_min(self, count: Optional[int] = None) -> Union[Optional[Scored], list[Scored]]:
        """Removes and returns the lowest ``(member, score)`` (None if empty), or a list of up
        to ``count``."""
        if count is None:
            return self._db.zpopmin(self._key)
        return self._db.zpopmin(self._key, count)

    @overload
    def pop_max(self, count: None = None) -> Optional[Scored]: ...
    @overload
    def pop_max(self, count: int) -> list[Scored]: ...
    def pop_max(self, count: Optional[int] = None) -> Union[Optional[Scored], list[Scored]]:
        """Like ``pop_min`` from the highest scores."""
        if count is None:
            return self._db.zpopmax(self._key)
        return self._db.zpopmax(self._key, count)

    @overload
    def random(self, count: None = None) -> Optional[bytes]: ...
    @overload
    def random(self, count: int) -> list[bytes]: ...
    def random(self, count: Optional[int] = None) -> Union[Optional[bytes], list[bytes]]:
        """A random member, or a list as ``DB.zrandmember`` gives."""
        if count is None:
            return self._db.zrandmember(self._key)
        return self._db.zrandmember(self._key, count)

    def __repr__(self) -> str:
        return f"<scalodb.SortedSet {self._key!r}>"


class _ScoredItems(ItemsView[bytes, float]):
    """``(member, score)`` pairs read in one call, by ascending score."""

    _mapping: SortedSet

    def __iter__(self) -> Iterator[tuple[bytes, float]]:
        return iter(self._mapping.range())


class _ScoredValues(ValuesView[float]):
    _mapping: SortedSet

    def __iter__(self) -> Iterator[float]:
        return iter([s for _, s in self._mapping.range()])
