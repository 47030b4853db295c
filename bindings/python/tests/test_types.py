"""Hashes, lists, sets and sorted sets: each type's ``DB`` methods and its view against a plain
Python model (dict, list, set, dict of scores) under random operations with fixed seeds, plus
type errors, persistence across reopen, expiry of a whole collection and the collection ABCs."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, MutableMapping, MutableSet, Sequence
from pathlib import Path
from typing import Optional

import pytest

import scalodb

SEEDS = [1, 2, 3]


def elem(rng: random.Random, n: int = 12) -> bytes:
    return b"e%d" % rng.randrange(n)


# --- hashes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_hash_against_a_dict(mem: scalodb.DB, seed: int) -> None:
    rng = random.Random(seed)
    h, model = mem.hash(b"h"), dict[bytes, bytes]()
    for _ in range(400):
        op = rng.randrange(9)
        f, v = elem(rng), b"v%d" % rng.randrange(100)
        if op == 0:
            pairs = {elem(rng): b"%d" % rng.randrange(9) for _ in range(rng.randrange(1, 4))}
            assert mem.hset(b"h", pairs) == len(pairs.keys() - model.keys())
            model.update(pairs)
        elif op == 1:
            assert mem.hsetnx(b"h", f, v) == (f not in model)
            model.setdefault(f, v)
        elif op == 2:
            fs = [elem(rng) for _ in range(rng.randrange(1, 4))]
            assert mem.hdel(b"h", *fs) == len(set(fs) & model.keys())
            for x in fs:
                model.pop(x, None)
        elif op == 3:
            h[f] = v
            model[f] = v
        elif op == 4 and f in model:
            del h[f]
            del model[f]
        elif op == 5:
            assert h.pop(f, None) == model.pop(f, None)
        elif op == 6:
            assert h.setdefault(f, v) == model.setdefault(f, v)
        elif op == 7:
            g = b"n%d" % rng.randrange(3)
            delta = rng.randrange(-5, 6)
            model[g] = b"%d" % (int(model.get(g, b"0")) + delta)
            assert h.incrby(g, delta) == int(model[g])
        else:
            assert mem.hmget(b"h", f, b"zz") == [model.get(f), None]
        assert mem.hget(b"h", f) == model.get(f)
        assert mem.hexists(b"h", f) == (f in h) == (f in model)
        assert mem.hstrlen(b"h", f) == len(model.get(f, b""))
        assert mem.hlen(b"h") == len(h) == len(model)
        assert mem.hgetall(b"h") == dict(h) == model
        assert list(h) == mem.hkeys(b"h") == sorted(model)
        assert mem.hvals(b"h") == list(h.values()) == [model[k] for k in sorted(model)]
        assert mem.type(b"h") == ("hash" if model else None)


def test_hash_is_a_mutable_mapping(mem: scalodb.DB) -> None:
    h = mem.hash("user:1")
    assert isinstance(h, MutableMapping) and isinstance(h, scalodb.Hash)
    assert h.key == b"user:1" and len(h) == 0 and dict(h) == {}
    h.update({b"name": b"ann"}, age=b"41")
    h.update([(b"city", b"Oslo")])
    assert dict(h) == {b"name": b"ann", b"age": b"41", b"city": b"Oslo"}
    assert h == {b"name": b"ann", b"age": b"41", b"city": b"Oslo"}
    assert sorted(h.items()) == sorted(dict(h).items()) and set(h.keys()) == {b"name", b"age", b"city"}
    assert h.get(b"name") == b"ann" and h.get(b"nope") is None and h.get(b"nope", b"d") == b"d"
    assert h["name"] == b"ann"  # str fields are stored as UTF-8
    assert h.pop(b"age") == b"41" and h.pop(b"age", b"gone") == b"gone"
    with pytest.raises(KeyError):
        h.pop(b"age")
    with pytest.raises(KeyError):
        h[b"age"]
    with pytest.raises(KeyError):
        del h[b"age"]
    assert h.setdefault(b"name", b"bob") == b"ann" and h.setdefault(b"pet", b"cat") == b"cat"
    field, value = h.popitem()
    assert field not in h and value
    # Not a field type: False, as dict does for unhashables.
    assert 42 not in h and None not in h  # type: ignore[comparison-overlap]
    assert h.setnx(b"name", b"x") is False and h.setnx(b"n2", b"x") is True
    assert h.incrby(b"count") == 1 and h.incrby(b"count", 9) == 10
    assert h.incrbyfloat(b"f", 0.5) == 0.5 and h[b"f"] == b"0.5"
    assert h.random() in h and set(h.random(100)) == set(h)
    h.clear()
    assert len(h) == 0 and mem.type("user:1") is None
    assert h.random() is None and h.random(3) == []


def test_hash_commands(mem: scalodb.DB) -> None:
    assert mem.hset(b"h", [(b"a", b"1"), ("b", bytearray(b"2")), (b"c", memoryview(b"3"))]) == 3
    assert mem.hset(b"h", {b"a": b"1"}) == 0
    with pytest.raises(TypeError):
        mem.hset(b"h", {b"a": "text"})  # type: ignore[arg-type]  # values are bytes, as for put
    mem.hset(b"h", {b"a": b"x"})
    with pytest.raises(scalodb.WrongTypeError):
        mem.hincrby(b"h", b"a", 1)  # not an integer
    assert mem.hincrbyfloat(b"h", b"z", 2.5) == 2.5
    assert mem.hrandfield(b"h") in mem.hkeys(b"h")
    assert sorted(mem.hrandfield(b"h", 10, withvalues=True)) == sorted(mem.hgetall(b"h").items())
    assert len(mem.hrandfield(b"h", -7)) == 7
    mem.hset(b"big", {b"f%03d" % i: b"%d" % i for i in range(50)})
    seen: dict[bytes, bytes] = {}
    cursor: Optional[bytes] = None
    while True:
        cursor, page = mem.hscan(b"big", cursor, 7)
        assert len(page) <= 7
        seen.update(page)
        if cursor is None:
            break
    assert seen == mem.hgetall(b"big")
    # Iterating a view while deleting every field it yields (pages come from HSCAN).
    h = mem.hash(b"big")
    for f in h:
        del h[f]
    assert len(h) == 0


def test_concurrent_hincrby_is_atomic(db: scalodb.DB) -> None:
    def work() -> None:
        for _ in range(300):
            db.hincrby(b"counters", b"n")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert db.hget(b"counters", b"n") == b"1200"


# --- lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_list_against_a_list(mem: scalodb.DB, seed: int) -> None:
    rng = random.Random(seed)
    lst: list[bytes] = []
    view = mem.list(b"l")
    for _ in range(400):
        op = rng.randrange(10)
        vs = [elem(rng, 6) for _ in range(rng.randrange(1, 4))]
        if op == 0:
            assert mem.lpush(b"l", *vs) == len(lst) + len(vs)
            lst[:0] = reversed(vs)
        elif op == 1:
            assert view.rpush(*vs) == len(lst) + len(vs)
            lst.extend(vs)
        elif op == 2:
            assert mem.lpop(b"l") == (lst.pop(0) if lst else None)
        elif op == 3:
            n = rng.randrange(4)
            expect = [lst.pop() for _ in range(min(n, len(lst)))]
            assert view.rpop(n) == expect
        elif op == 4 and lst:
            i = rng.randrange(-len(lst), len(lst))
            view[i] = vs[0]
            lst[i] = vs[0]
        elif op == 5:
            after = rng.random() < 0.5
            got = view.insert(vs[0], vs[-1], after=after)
            if vs[0] in lst:
                lst.insert(lst.index(vs[0]) + after, vs[-1])
                assert got == len(lst)
            else:
                assert got == (-1 if lst else 0)
        elif op == 6:
            count = rng.randrange(-2, 3)
            hits = [i for i, x in enumerate(lst) if x == vs[0]]
            gone = hits if count == 0 else hits[:count] if count > 0 else hits[count:]
            assert mem.lrem(b"l", count, vs[0]) == len(gone)
            lst = [x for i, x in enumerate(lst) if i not in gone]
        elif op == 7:
            a, b = rng.randrange(-8, 8), rng.randrange(-8, 8)
            if rng.random() < 0.5:
                view.trim(a, b)
                lst = lst[a:b]
            else:
                mem.ltrim(b"l", a, b)
                lst = lst[a : (b + 1) or None]  # Redis's stop is included
        elif op == 8:
            mem.lmove(b"l", b"l", "left", "right")  # a rotation
            lst = lst[1:] + lst[:1]
        else:
            assert mem.lpos(b"l", vs[0]) == (lst.index(vs[0]) if vs[0] in lst else None)
            assert mem.lpos(b"l", vs[0], count=0) == [i for i, x in enumerate(lst) if x == vs[0]]
            assert view.count(vs[0]) == lst.count(vs[0]) and (vs[0] in view) == (vs[0] in lst)
        assert mem.llen(b"l") == len(view) == len(lst)
        assert list(view) == mem.lrange(b"l", 0, -1) == lst
        i = rng.randrange(-10, 10)
        assert mem.lindex(b"l", i) == (lst[i] if -len(lst) <= i < len(lst) else None)
        a, b = rng.choice([None, *range(-8, 8)]), rng.choice([None, *range(-8, 8)])
        step = rng.choice([None, None, 1, 2, -1, -2])
        assert view[a:b:step] == lst[a:b:step]
        assert mem.type(b"l") == ("list" if lst else None)


def test_list_is_a_sequence(mem: scalodb.DB) -> None:
    view = mem.list("q")
    assert isinstance(view, Sequence) and isinstance(view, scalodb.List) and view.key == b"q"
    assert len(view) == 0 and list(view) == [] and view[:] == []
    with pytest.raises(IndexError):
        view[0]
    with pytest.raises(IndexError):
        view[0] = b"x"
    view.extend([b"a", b"b", b"c", b"b"])
    view.append(b"d")
    assert view[0] == b"a" and view[-1] == b"d" and view[1:3] == [b"b", b"c"] and view[::-1] == list(view)[::-1]
    assert list(reversed(view)) == [b"d", b"b", b"c", b"b", b"a"]
    assert view.index(b"b") == 1 and view.index(b"b", 2) == 3 and view.count(b"b") == 2
    with pytest.raises(ValueError):
        view.index(b"zz")
    assert "a" not in view and 3 not in view  # type: ignore[comparison-overlap]  # bytes only
    with pytest.raises(IndexError):
        view[5] = b"x"
    with pytest.raises(IndexError):
        view[-6]
    with pytest.raises(TypeError):
        view.rpush("text")  # type: ignore[arg-type]  # elements are bytes, as values of put are
    assert view.remove(b"b") == 1 and list(view) == [b"a", b"c", b"b", b"d"]
    assert view.remove(b"zz") == 0
    assert view.lpop() == b"a" and view.lpop(2) == [b"c", b"b"] and view.rpop() == b"d"
    assert view.lpop() is None and view.rpop(3) == []
    assert mem.lpushx(b"q", b"x") == 0 and mem.rpush(b"q", b"x") == 1 and mem.rpushx(b"q", b"y") == 2
    with pytest.raises(scalodb.InvalidArgumentError):
        mem.lset(b"absent", 0, b"x")
    assert mem.linsert(b"q", "before", b"y", b"m") == 3 and mem.lrange(b"q", 0, -1) == [b"x", b"m", b"y"]
    assert mem.lmove(b"q", b"q2", "right", "left") == b"y" and mem.lrange(b"q2", 0, -1) == [b"y"]
    assert mem.lmove(b"empty", b"q2") is None
    mem.rpush(b"big", *[b"%d" % i for i in range(1000)])
    assert list(mem.list(b"big")) == [b"%d" % i for i in range(1000)]  # more than one page
    mem.list(b"big").clear()
    assert mem.type(b"big") is None


# --- sets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_set_against_a_set(mem: scalodb.DB, seed: int) -> None:
    rng = random.Random(seed)
    keys = [b"s0", b"s1", b"s2"]
    models: dict[bytes, set[bytes]] = {k: set() for k in keys}
    for _ in range(400):
        op = rng.randrange(8)
        k, other = rng.choice(keys), rng.choice(keys)
        ms = [elem(rng) for _ in range(rng.randrange(1, 4))]
        view = mem.members(k)
        if op == 0:
            assert mem.sadd(k, *ms) == len(set(ms) - models[k])
            models[k].update(ms)
        elif op == 1:
            assert mem.srem(k, *ms) == len(set(ms) & models[k])
            models[k].difference_update(ms)
        elif op == 2:
            view.add(ms[0])
            view.discard(ms[-1])
            models[k].add(ms[0])
            models[k].discard(ms[-1])
        elif op == 3:
            popped = mem.spop(k, 2)
            assert len(popped) == min(2, len(models[k])) and set(popped) <= models[k]
            models[k].difference_update(popped)
        elif op == 4:
            assert mem.smove(k, other, ms[0]) == (ms[0] in models[k])
            if ms[0] in models[k]:
                models[k].discard(ms[0])
                models[other].add(ms[0])
        elif op == 5:
            dst = rng.choice(keys)
            kind = rng.choice(["inter", "union", "diff"])
            store = {"inter": mem.sinterstore, "union": mem.sunionstore, "diff": mem.sdiffstore}[kind]
            expect = {
                "inter": models[k] & models[other],
                "union": models[k] | models[other],
                "diff": models[k] - models[other],
            }[kind]
            assert store(dst, k, other) == len(expect)
            models[dst] = set(expect)
        elif op == 6:
            view.update(ms, [b"u"])
            models[k].update([*ms, b"u"])
        else:
            assert mem.smismember(k, *ms) == [m in models[k] for m in ms]
        for key in keys:
            m = models[key]
            assert mem.smembers(key) == set(mem.members(key)) == m
            assert mem.scard(key) == len(mem.members(key)) == len(m)
            assert list(mem.members(key)) == sorted(m)
            assert mem.type(key) == ("set" if m else None)
        a, b, c = (models[x] for x in keys)
        assert mem.sinter(*keys) == a & b & c and mem.sunion(*keys) == a | b | c
        assert mem.sdiff(*keys) == a - b - c and mem.sintercard(b"s0", b"s1") == len(a & b)
        assert mem.sismember(k, ms[0]) == (ms[0] in mem.members(k)) == (ms[0] in models[k])


def test_set_is_a_mutable_set(mem: scalodb.DB) -> None:
    s = mem.members("tags")
    assert isinstance(s, MutableSet) and isinstance(s, scalodb.Set) and s.key == b"tags"
    s |= {b"a", b"b"}
    s.add("c")
    assert s == {b"a", b"b", b"c"} and s <= {b"a", b"b", b"c", b"d"} and not s.isdisjoint({b"c"})
    assert s & {b"a", b"z"} == {b"a"} and type(s & {b"a"}) is set
    assert s | {b"z"} == {b"a", b"b", b"c", b"z"} and s - {b"a"} == {b"b", b"c"} and s ^ {b"a", b"z"} == {b"b", b"c", b"z"}
    s -= {b"c"}
    assert sorted(s) == [b"a", b"b"] and 3 not in s and "a" in s  # type: ignore[comparison-overlap]
    s.remove(b"a")
    with pytest.raises(KeyError):
        s.remove(b"a")
    assert s.random() == b"b" and s.random(-3) == [b"b"] * 3
    assert s.pop() == b"b"
    with pytest.raises(KeyError):
        s.pop()
    assert mem.spop(b"tags") is None and mem.srandmember(b"tags") is None and mem.type(b"tags") is None
    mem.sadd(b"big", *[b"m%04d" % i for i in range(700)])
    assert len(list(mem.members(b"big"))) == 700  # more than one page
    cursor, page = mem.sscan(b"big", None, 5)
    assert page == [b"m%04d" % i for i in range(5)] and cursor == b"m0004"
    mem.members(b"big").clear()
    assert len(mem.members(b"big")) == 0


# --- sorted sets ----------------------------------------------------------------------------


def ordered(model: dict[bytes, float]) -> list[tuple[bytes, float]]:
    return sorted(model.items(), key=lambda kv: (kv[1], kv[0]))


@pytest.mark.parametrize("seed", SEEDS)
def test_sorted_set_against_a_dict(mem: scalodb.DB, seed: int) -> None:
    rng = random.Random(seed)
    z, model = mem.sorted_set(b"z"), dict[bytes, float]()
    for _ in range(400):
        op = rng.randrange(8)
        m, score = elem(rng), float(rng.randrange(-4, 5))
        if op == 0:
            flags = rng.choice([{}, {"nx": True}, {"xx": True}, {"gt": True}, {"lt": True}, {"ch": True}])
            added = changed = 0
            old = model.get(m)
            if old is None and not flags.get("xx"):
                model[m], added = score, 1
            elif old is not None and not flags.get("nx"):
                if not (flags.get("gt") and score <= old) and not (flags.get("lt") and score >= old):
                    model[m], changed = score, int(old != score)
            assert mem.zadd(b"z", {m: score}, **flags) == added + (changed if flags.get("ch") else 0)
        elif op == 1:
            model[m] = model.get(m, 0.0) + score
            assert z.incrby(m, score) == model[m]
        elif op == 2:
            assert mem.zrem(b"z", m) == int(model.pop(m, None) is not None)
        elif op == 3:
            n = rng.randrange(3)
            o = ordered(model)
            expect = o[:n] if rng.random() < 0.5 else o[::-1][:n]
            got = z.pop_min(n) if expect == o[:n] else z.pop_max(n)
            assert got == expect
            for mm, _ in got:
                del model[mm]
        elif op == 4:
            lo, hi = sorted(rng.randrange(-5, 6) for _ in range(2))
            ex = rng.random() < 0.5
            gone = [k for k, s in model.items() if (lo < s if ex else lo <= s) and s <= hi]
            assert mem.zremrange_by_score(b"z", lo, hi, min_exclusive=ex) == len(gone)
            for k in gone:
                del model[k]
        elif op == 5:
            z[m] = score
            model[m] = score
        elif op == 6:
            a, b = rng.randrange(-6, 6), rng.randrange(-6, 6)
            gone = [k for k, _ in ordered(model)[a : (b + 1) or None]]  # Redis's stop is included
            assert mem.zremrange_by_rank(b"z", a, b) == len(gone)
            for k in gone:
                del model[k]
        else:
            z.update({m: score}, extra=1.5)
            model[m], model[b"extra"] = score, 1.5
        o = ordered(model)
        assert z.range() == mem.zrange(b"z", withscores=True) == o
        assert list(z) == mem.zrange(b"z") == [k for k, _ in o] and dict(z) == model
        assert mem.zrange(b"z", reverse=True, withscores=True) == o[::-1]
        assert mem.zcard(b"z") == len(z) == len(model)
        assert mem.zscore(b"z", m) == z.score(m) == model.get(m)
        assert z.rank(m) == ([k for k, _ in o].index(m) if m in model else None)
        assert mem.zrank(b"z", m, reverse=True) == ([k for k, _ in o[::-1]].index(m) if m in model else None)
        a, b = rng.randrange(-6, 6), rng.choice([None, *range(-6, 6)])
        assert z.range(a, b) == o[a:b]
        lo, hi = sorted(rng.randrange(-5, 6) for _ in range(2))
        lx, hx, rev = rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.5
        inside = [(k, s) for k, s in o if (lo < s if lx else lo <= s) and (s < hi if hx else s <= hi)]
        if rev:
            inside.reverse()
        off, cnt = rng.randrange(3), rng.choice([None, 0, 1, 2])
        got = z.range_by_score(lo, hi, min_exclusive=lx, max_exclusive=hx, reverse=rev, offset=off, count=cnt)
        assert got == inside[off : None if cnt is None else off + cnt]
        assert z.count(lo, hi, min_exclusive=lx, max_exclusive=hx) == len(inside)
        assert mem.zmscore(b"z", m, b"zz") == [model.get(m), None]
        assert mem.type(b"z") == ("zset" if model else None)


def test_sorted_set_lex_combine_and_mapping(mem: scalodb.DB) -> None:
    mem.zadd(b"lex", dict.fromkeys([b"a", b"b", b"c", b"d", b"e"], 0.0))
    assert mem.zrange_by_lex(b"lex", b"b", b"d") == [b"b", b"c", b"d"]
    assert mem.zrange_by_lex(b"lex", b"b", b"d", min_exclusive=True, max_exclusive=True) == [b"c"]
    assert mem.zrange_by_lex(b"lex", None, b"c", reverse=True) == [b"c", b"b", b"a"]
    assert mem.zrange_by_lex(b"lex", offset=1, count=2) == [b"b", b"c"]
    assert mem.zlexcount(b"lex", b"b") == 4 and mem.zremrange_by_lex(b"lex", max=b"b") == 2
    mem.zadd(b"z1", {b"a": 1, b"b": 2})
    mem.zadd(b"z2", [(b"b", 10), (b"c", 20)])
    mem.sadd(b"plain", b"c")  # a set counts as scores of 1
    assert mem.zunion(b"z1", b"z2", withscores=True) == [(b"a", 1.0), (b"b", 12.0), (b"c", 20.0)]
    assert mem.zunion(b"z1", b"z2", b"plain", weights=[1, 2, 3], aggregate="max", withscores=True) == [
        (b"a", 1.0),
        (b"b", 20.0),
        (b"c", 40.0),
    ]
    assert mem.zinter(b"z1", b"z2", aggregate="min", withscores=True) == [(b"b", 2.0)]
    assert mem.zdiff(b"z1", b"z2") == [b"a"]
    assert mem.zunionstore(b"dst", b"z1", b"z2") == 3 and mem.zrange(b"dst") == [b"a", b"b", b"c"]
    assert mem.zinterstore(b"dst", b"z1", b"z2") == 1 and mem.zdiffstore(b"dst", b"z1", b"z1") == 0
    assert mem.type(b"dst") is None
    with pytest.raises(scalodb.InvalidArgumentError):
        mem.zunion(b"z1", b"z2", weights=[1])
    with pytest.raises(scalodb.InvalidArgumentError):
        mem.zadd(b"z1", {b"a": 1}, nx=True, xx=True)
    with pytest.raises(scalodb.InvalidArgumentError):
        mem.zadd(b"z1", {b"a": float("nan")})
    with pytest.raises(ValueError):
        mem.zcount(b"z1", float("nan"))
    assert mem.zadd_incr(b"z1", 5, b"a") == 6.0 and mem.zadd_incr(b"z1", 5, b"new", xx=True) is None
    assert mem.zadd_incr(b"z1", -1, b"a", gt=True) is None and mem.zincrby(b"z1", 1, b"a") == 7.0
    assert mem.zrandmember(b"z1") in (b"a", b"b") and sorted(mem.zrandmember(b"z1", 5)) == [b"a", b"b"]
    assert sorted(mem.zrandmember(b"z1", 2, withscores=True)) == [(b"a", 7.0), (b"b", 2.0)]
    assert mem.zscan(b"z1") == (None, [(b"a", 7.0), (b"b", 2.0)])
    assert mem.zpopmax(b"z1") == (b"a", 7.0) and mem.zpopmin(b"z1", 5) == [(b"b", 2.0)]
    assert mem.zpopmin(b"z1") is None and mem.zcard(b"z1") == 0
    z = mem.sorted_set("board")
    assert isinstance(z, MutableMapping) and isinstance(z, scalodb.SortedSet) and z.key == b"board"
    assert z.add(b"ann", 10) and not z.add(b"ann", 10) and z.add(b"ann", 12)
    assert not z.add(b"ann", 11, gt=True) and z[b"ann"] == 12.0
    z["bob"] = 3
    assert list(z.items()) == [(b"bob", 3.0), (b"ann", 12.0)] and list(z.values()) == [3.0, 12.0]
    assert z.get(b"cat") is None and b"cat" not in z and z.pop(b"bob") == 3.0
    assert 5 not in z  # type: ignore[comparison-overlap]  # not a member type: False
    with pytest.raises(KeyError):
        z[b"bob"]
    with pytest.raises(KeyError):
        del z[b"bob"]
    assert z.random() == b"ann" and z.random(2) == [b"ann"]
    assert z.range_by_lex() == [b"ann"] and z.pop_max() == (b"ann", 12.0) and z.pop_min() is None
    z.update([(b"x", 1.0)])
    z.clear()
    assert len(z) == 0 and mem.type(b"board") is None


# --- across types ---------------------------------------------------------------------------


def fill(db: scalodb.DB) -> None:
    db[b"str"] = b"plain"
    db.hset(b"hash", {b"f": b"v", b"g": b"w"})
    db.rpush(b"list", b"a", b"b", b"a")
    db.sadd(b"set", b"x", b"y")
    db.zadd(b"zset", {b"m": 1.5, b"n": -2})


def check(db: scalodb.DB) -> None:
    assert [db.type(k) for k in (b"str", b"hash", b"list", b"set", b"zset", b"none")] == [
        "string",
        "hash",
        "list",
        "set",
        "zset",
        None,
    ]
    assert db[b"str"] == b"plain" and db.hgetall(b"hash") == {b"f": b"v", b"g": b"w"}
    assert db.lrange(b"list", 0, -1) == [b"a", b"b", b"a"] and db.smembers(b"set") == {b"x", b"y"}
    assert db.zrange(b"zset", withscores=True) == [(b"n", -2.0), (b"m", 1.5)]


def test_wrong_type_errors(mem: scalodb.DB) -> None:
    fill(mem)
    calls: dict[str, Callable[[bytes], object]] = {
        "hash": lambda k: mem.hget(k, b"f"),
        "list": lambda k: mem.lrange(k, 0, -1),
        "set": lambda k: mem.sismember(k, b"x"),
        "zset": lambda k: mem.zscore(k, b"m"),
        "write": lambda k: (mem.hset(k, {b"f": b"v"}), mem.rpush(k, b"v"), mem.sadd(k, b"v"), mem.zadd(k, {b"v": 1})),
    }
    for key in (b"str", b"hash", b"list", b"set", b"zset"):
        for kind, call in calls.items():
            if kind == mem.type(key):
                continue
            with pytest.raises(scalodb.WrongTypeError) as info:
                call(key)
            assert isinstance(info.value, TypeError)
    for key in (b"hash", b"list", b"set", b"zset"):
        with pytest.raises(scalodb.WrongTypeError):
            mem[key]
    with pytest.raises(scalodb.WrongTypeError):
        len(mem.hash(b"list"))
    with pytest.raises(scalodb.WrongTypeError):
        list(mem.members(b"zset"))
    with pytest.raises(scalodb.WrongTypeError):
        mem.list(b"hash")[0]
    with pytest.raises(scalodb.WrongTypeError):
        b"m" in mem.sorted_set(b"set")
    with pytest.raises(scalodb.WrongTypeError):
        mem.sinter(b"set", b"list")
    with pytest.raises(scalodb.WrongTypeError):
        mem.smove(b"set", b"hash", b"x")
    check(mem)  # a refused write changed nothing
    mem[b"hash"] = b"now a string"  # put replaces a collection, as Redis's SET does
    assert mem.type(b"hash") == "string" and mem.delete(b"list") and mem.type(b"list") is None


def test_collections_survive_reopen(tmp_path: Path) -> None:
    with scalodb.open(tmp_path / "db") as db:
        fill(db)
    with scalodb.open(tmp_path / "db") as db:
        check(db)
        db.hash(b"hash")[b"h"] = b"after reopen"
        db.checkpoint()
        db.lpop(b"list")
    with scalodb.open(tmp_path / "db") as db:
        assert db.hget(b"hash", b"h") == b"after reopen" and db.lrange(b"list", 0, -1) == [b"b", b"a"]


def test_a_collection_key_expires_whole(mem: scalodb.DB) -> None:
    fill(mem)
    for key in (b"hash", b"list", b"set", b"zset"):
        assert mem.expire(key, 0.2)
        ttl = mem.ttl(key)
        assert ttl is not None and 0 < ttl <= 0.2
    mem.hset(b"hash", {b"more": b"x"})  # a write to the collection keeps its TTL
    deadline = time.monotonic() + 5
    while any(mem.type(k) for k in (b"hash", b"list", b"set", b"zset")):
        assert time.monotonic() < deadline, "the collections did not expire"
        time.sleep(0.02)
    assert mem.hlen(b"hash") == 0 and mem.llen(b"list") == 0 and mem.scard(b"set") == 0 and mem.zcard(b"zset") == 0
    assert mem.sadd(b"set", b"fresh") == 1 and mem.ttl(b"set") is None  # a new set, without the TTL
    assert mem[b"str"] == b"plain"
