"""Sorted sets: the ``DB`` methods named after Redis's Z* commands. Members are bytes or str
(stored as UTF-8) and come back as bytes; scores are floats. A bound of None is unbounded, and
``min_exclusive`` / ``max_exclusive`` make a bound exclusive (Redis's ``(1.5``). Ranges give
members, or ``(member, score)`` pairs with ``withscores=True``. The view is in ``_zset_view.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Optional, Union, overload

from . import _scalodb as _n
from ._coll import clamp
from ._scalodb import NativeDB

if TYPE_CHECKING:
    from ._scalodb import Aggregate, Key, MemberScores

Scored = tuple[bytes, float]


def _members(pairs: list[Scored], withscores: bool) -> Union[list[bytes], list[Scored]]:
    return pairs if withscores else [m for m, _ in pairs]


class ZSetMethods(NativeDB):
    """The sorted-set commands of ``DB`` (a mixin; ``scalodb.DB`` inherits it)."""

    __slots__ = ()

    def zadd(
        self,
        key: Key,
        mapping: MemberScores,
        *,
        nx: bool = False,
        xx: bool = False,
        gt: bool = False,
        lt: bool = False,
        ch: bool = False,
    ) -> int:
        """Adds or updates every ``member: score`` of ``mapping`` (or ``(member, score)`` pairs) in
        one write: ``nx`` only adds, ``xx`` only updates, ``gt`` / ``lt`` only update to a greater
        / lesser score. Returns how many members were added (or added and changed, with ``ch``)."""
        return _n.zadd(self, key, mapping, nx, xx, gt, lt, ch)

    def zadd_incr(
        self, key: Key, amount: float, member: Key, *, nx: bool = False, xx: bool = False, gt: bool = False, lt: bool = False
    ) -> Optional[float]:
        """ZADD INCR: adds ``amount`` to the score of ``member`` under the same conditions as
        ``zadd``; returns the new score, None if a condition refused the update."""
        return _n.zadd_incr(self, key, amount, member, nx, xx, gt, lt)

    def zincrby(self, key: Key, amount: float, member: Key) -> float:
        """Adds ``amount`` to the score of ``member`` (absent counts as 0); returns the new score."""
        return _n.zincrby(self, key, amount, member)

    def zrem(self, key: Key, *members: Key) -> int:
        """Removes ``members``; returns how many were there. A sorted set left empty is deleted."""
        return _n.zrem(self, key, members)

    def zscore(self, key: Key, member: Key) -> Optional[float]:
        return _n.zscore(self, key, member)

    def zmscore(self, key: Key, *members: Key) -> list[Optional[float]]:
        return _n.zmscore(self, key, members)

    def zcard(self, key: Key) -> int:
        """The number of members, 0 for an absent key."""
        return _n.zcard(self, key)

    def zcount(
        self,
        key: Key,
        min: Optional[float] = None,
        max: Optional[float] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
    ) -> int:
        """How many members have a score between ``min`` and ``max``."""
        return _n.zcount(self, key, min, max, min_exclusive, max_exclusive)

    def zlexcount(
        self,
        key: Key,
        min: Optional[Key] = None,
        max: Optional[Key] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
    ) -> int:
        """How many members are between ``min`` and ``max`` in byte order (ZLEXCOUNT)."""
        return _n.zlexcount(self, key, min, max, min_exclusive, max_exclusive)

    def zrank(self, key: Key, member: Key, *, reverse: bool = False) -> Optional[int]:
        """The rank of ``member`` by ascending score (descending with ``reverse``), None if absent."""
        found = _n.zrank(self, key, member, reverse)
        return None if found is None else found[0]

    @overload
    def zrange(
        self, key: Key, start: int = 0, stop: int = -1, *, reverse: bool = False, withscores: Literal[False] = False
    ) -> list[bytes]: ...
    @overload
    def zrange(
        self, key: Key, start: int = 0, stop: int = -1, *, reverse: bool = False, withscores: Literal[True]
    ) -> list[Scored]: ...
    def zrange(
        self, key: Key, start: int = 0, stop: int = -1, *, reverse: bool = False, withscores: bool = False
    ) -> Union[list[bytes], list[Scored]]:
        """The members from rank ``start`` to ``stop`` *included* (negative from the end), by
        ascending score (descending with ``reverse``), as ZRANGE."""
        return _members(_n.zrange(self, key, clamp(start), clamp(stop), reverse), withscores)

    @overload
    def zrange_by_score(
        self,
        key: Key,
        min: Optional[float] = None,
        max: Optional[float] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
        reverse: bool = False,
        offset: int = 0,
        count: Optional[int] = None,
        withscores: Literal[False] = False,
    ) -> list[bytes]: ...
    @overload
    def zrange_by_score(
        self,
        key: Key,
        min: Optional[float] = None,
        max: Optional[float] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
        reverse: bool = False,
        offset: int = 0,
        count: Optional[int] = None,
        withscores: Literal[True],
    ) -> list[Scored]: ...
    def zrange_by_score(
        self,
        key: Key,
        min: Optional[float] = None,
        max: Optional[float] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
        reverse: bool = False,
        offset: int = 0,
        count: Optional[int] = None,
        withscores: bool = False,
    ) -> Union[list[bytes], list[Scored]]:
        """The members with a score between ``min`` and ``max``, ascending (descending with
        ``reverse``; ``min`` stays the low bound), skipping ``offset`` and keeping at most
        ``count`` of them (ZRANGEBYSCORE ... LIMIT)."""
        pairs = _n.zrange_by_score(self, key, min, max, min_exclusive, max_exclusive, reverse, offset, count)
        return _members(pairs, withscores)

    def zrange_by_lex(
        self,
        key: Key,
        min: Optional[Key] = None,
        max: Optional[Key] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
        reverse: bool = False,
        offset: int = 0,
        count: Optional[int] = None,
    ) -> list[bytes]:
        """The members between ``min`` and ``max`` in byte order (ZRANGEBYLEX ... LIMIT; meant
        for members that share one score)."""
        pairs = _n.zrange_by_lex(self, key, min, max, min_exclusive, max_exclusive, reverse, offset, count)
        return [m for m, _ in pairs]

    @overload
    def zpopmin(self, key: Key, count: None = None) -> Optional[Scored]: ...
    @overload
    def zpopmin(self, key: Key, count: int) -> list[Scored]: ...
    def zpopmin(self, key: Key, count: Optional[int] = None) -> Union[Optional[Scored], list[Scored]]:
        """Removes and returns the member with the lowest score as ``(member, score)`` (None if
        empty), or a list of up to ``count``, lowest first."""
        return _zpop(self, key, False, count)

    @overload
    def zpopmax(self, key: Key, count: None = None) -> Optional[Scored]: ...
    @overload
    def zpopmax(self, key: Key, count: int) -> list[Scored]: ...
    def zpopmax(self, key: Key, count: Optional[int] = None) -> Union[Optional[Scored], list[Scored]]:
        """Like ``zpopmin`` from the highest scores."""
        return _zpop(self, key, True, count)

    def zremrange_by_rank(self, key: Key, start: int, stop: int) -> int:
        """Removes the members from rank ``start`` to ``stop`` *included*; returns how many."""
        return _n.zremrange_by_rank(self, key, clamp(start), clamp(stop))

    def zremrange_by_score(
        self,
        key: Key,
        min: Optional[float] = None,
        max: Optional[float] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
    ) -> int:
        return _n.zremrange_by_score(self, key, min, max, min_exclusive, max_exclusive)

    def zremrange_by_lex(
        self,
        key: Key,
        min: Optional[Key] = None,
        max: Optional[Key] = None,
        *,
        min_exclusive: bool = False,
        max_exclusive: bool = False,
    ) -> int:
        return _n.zremrange_by_lex(self, key, min, max, min_exclusive, max_exclusive)

    @overload
    def zrandmember(self, key: Key, count: None = None, *, withscores: Literal[False] = False) -> Optional[bytes]: ...
    @overload
    def zrandmember(self, key: Key, count: int, *, withscores: Literal[False] = False) -> list[bytes]: ...
    @overload
    def zrandmember(self, key: Key, count: int, *, withscores: Literal[True]) -> list[Scored]: ...
    def zrandmember(
        self, key: Key, count: Optional[int] = None, *, withscores: bool = False
    ) -> Union[Optional[bytes], list[bytes], list[Scored]]:
        """A random member (None if empty); with ``count``, ``count`` distinct ones if positive,
        ``-count`` possibly repeated ones if negative."""
        if count is None:
            if withscores:
                raise TypeError("withscores needs a count")
            got = _n.zrandmember(self, key, 1)
            return got[0][0] if got else None
        return _members(_n.zrandmember(self, key, count), withscores)

    def zscan(self, key: Key, cursor: Optional[Key] = None, count: int = 10) -> tuple[Optional[bytes], list[Scored]]:
        """One page of a walk in member order: ``(next_cursor, [(member, score)...])``; start with
        None, a ``next_cursor`` of None means done."""
        return _n.zscan(self, key, cursor, count)

    @overload
    def zunion(
        self,
        *keys: Key,
        weights: Optional[list[float]] = None,
        aggregate: Aggregate = "sum",
        withscores: Literal[False] = False,
    ) -> list[bytes]: ...
    @overload
    def zunion(
        self, *keys: Key, weights: Optional[list[float]] = None, aggregate: Aggregate = "sum", withscores: Literal[True]
    ) -> list[Scored]: ...
    def zunion(
        self, *keys: Key, weights: Optional[list[float]] = None, aggregate: Aggregate = "sum", withscores: bool = False
    ) -> Union[list[bytes], list[Scored]]:
        """The union of the sorted sets (or sets, whose members score 1) at ``keys``, scores
        multiplied by ``weights`` (one per key) and combined by ``aggregate``; sorted by score."""
        return _members(_n.zcombine(self, "union", keys, weights, aggregate), withscores)

    @overload
    def zinter(
        self,
        *keys: Key,
        weights: Optional[list[float]] = None,
        aggregate: Aggregate = "sum",
        withscores: Literal[False] = False,
    ) -> list[bytes]: ...
    @overload
    def zinter(
        self, *keys: Key, weights: Optional[list[float]] = None, aggregate: Aggregate = "sum", withscores: Literal[True]
    ) -> list[Scored]: ...
    def zinter(
        self, *keys: Key, weights: Optional[list[float]] = None, aggregate: Aggregate = "sum", withscores: bool = False
    ) -> Union[list[bytes], list[Scored]]:
        """Like ``zunion``, keeping the members in every key."""
        return _members(_n.zcombine(self, "inter", keys, weights, aggregate), withscores)

    @overload
    def zdiff(self, *keys: Key, withscores: Literal[False] = False) -> list[bytes]: ...
    @overload
    def zdiff(self, *keys: Key, withscores: Literal[True]) -> list[Scored]: ...
    def zdiff(self, *keys: Key, withscores: bool = False) -> Union[list[bytes], list[Scored]]:
        """The members of the first key in none of the others, with their scores there."""
        return _members(_n.zcombine(self, "diff", keys, None, "sum"), withscores)

    def zunionstore(
        self, dst: Key, *keys: Key, weights: Optional[list[float]] = None, aggregate: Aggregate = "sum"
    ) -> int:
        """Stores ``zunion(*keys)`` at ``dst`` (replacing whatever it held) in one commit;
        returns its size."""
        return _n.zcombine_store(self, "union", dst, keys, weights, aggregate)

    def zinterstore(
        self, dst: Key, *keys: Key, weights: Optional[list[float]] = None, aggregate: Aggregate = "sum"
    ) -> int:
        return _n.zcombine_store(self, "inter", dst, keys, weights, aggregate)

    def zdiffstore(self, dst: Key, *keys: Key) -> int:
        return _n.zcombine_store(self, "diff", dst, keys, None, "sum")


def _zpop(db: NativeDB, key: Key, highest: bool, count: Optional[int]) -> Union[Optional[Scored], list[Scored]]:
    if count is None:
        got = _n.zpop(db, key, highest, 1)
        return got[0] if got else None
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    return _n.zpop(db, key, highest, count)
