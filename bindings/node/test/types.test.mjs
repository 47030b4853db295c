// Hashes, lists and sets on DB (the H*, L* and S* methods): each family driven by random
// operations from a seeded generator and checked against a plain JavaScript model (a Map, an
// Array, a Set), plus `type()`. Sorted sets are in types.zset.test.mjs; wrong types, bad
// arguments and persistence across a reopen in types.persist.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { open } from '../scalodb.js';
import { clamp, seeded, throwsCode } from './helpers.mjs';

const strs = (list) => list.map(String);
const sorted = (list) => [...list].sort();

test('hashes follow a Map model under random operations', () => {
  const rnd = seeded(11);
  const db = open();
  const model = new Map(); // key -> Map(field -> string value)
  const keys = ['h0', 'h1', 'h2'];
  const fields = ['a', 'b', 'c', 'd', 'e', 'f'];
  const value = () => `v${rnd.int(5)}`.repeat(1 + rnd.int(3));
  for (let i = 0; i < 2000; i++) {
    const key = rnd.pick(keys);
    const m = new Map(model.get(key) ?? []);
    switch (rnd.int(11)) {
      case 0: { // hset with an object (distinct fields)
        const obj = {};
        for (let n = 1 + rnd.int(3); n > 0; n--) obj[rnd.pick(fields)] = value();
        let added = 0;
        for (const [f, v] of Object.entries(obj)) {
          if (!m.has(f)) added++;
          m.set(f, v);
        }
        assert.equal(db.hset(key, obj), added);
        break;
      }
      case 1: { // hset with pairs (a field may repeat: the last value wins) or a Map, values as Buffers
        const pairs = [];
        for (let n = 1 + rnd.int(3); n > 0; n--) pairs.push([rnd.pick(fields), value()]);
        let added = 0;
        for (const [f, v] of pairs) {
          if (!m.has(f)) added++;
          m.set(f, v);
        }
        const arg = rnd.int(2) ? new Map(pairs.map(([f, v]) => [f, Buffer.from(v)])) : pairs.map(([f, v]) => [f, Buffer.from(v)]);
        assert.equal(db.hset(key, arg), added);
        break;
      }
      case 2: { // hsetnx
        const f = rnd.pick(fields);
        const v = value();
        assert.equal(db.hsetnx(key, f, v), !m.has(f));
        if (!m.has(f)) m.set(f, v);
        break;
      }
      case 3: { // hdel, several fields
        const del = [rnd.pick(fields), rnd.pick(fields)];
        const gone = new Set(del.filter((f) => m.has(f))).size;
        for (const f of del) m.delete(f);
        assert.equal(db.hdel(key, ...del), gone);
        break;
      }
      case 4: { // point reads
        const f = rnd.pick(fields);
        assert.equal(db.hget(key, f)?.toString() ?? null, m.get(f) ?? null);
        assert.equal(db.hexists(key, f), m.has(f));
        assert.equal(db.hstrlen(key, f), (m.get(f) ?? '').length);
        const many = [rnd.pick(fields), 'nope', rnd.pick(fields)];
        assert.deepEqual(db.hmget(key, ...many).map((v) => v?.toString() ?? null), many.map((f) => m.get(f) ?? null));
        break;
      }
      case 5: { // hincrby on the integer field 'n'
        const delta = rnd.int(201) - 100;
        const next = Number(m.get('n') ?? 0) + delta;
        assert.equal(db.hincrby(key, 'n', delta), next);
        m.set('n', String(next));
        break;
      }
      case 6: { // hincrbyfloat on the field 'x', by halves (exact in binary)
        const delta = (rnd.int(21) - 10) / 2;
        const next = Number(m.get('x') ?? 0) + delta;
        assert.equal(db.hincrbyfloat(key, 'x', delta), next);
        m.set('x', String(next));
        break;
      }
      case 7: { // hrandfield: one, distinct, repeated
        const one = db.hrandfield(key);
        if (m.size === 0) assert.equal(one, null);
        else assert.equal(m.get(String(one[0])), String(one[1]));
        const n = rnd.int(m.size + 3);
        const some = db.hrandfield(key, n);
        assert.equal(some.length, Math.min(n, m.size));
        assert.equal(new Set(some.map(([f]) => String(f))).size, some.length, 'distinct fields');
        for (const [f, v] of some) assert.equal(m.get(String(f)), String(v));
        const rep = db.hrandfield(key, -3);
        assert.equal(rep.length, m.size ? 3 : 0);
        for (const [f, v] of rep) assert.equal(m.get(String(f)), String(v));
        break;
      }
      case 8: { // hscan: a whole walk in pages
        const seen = [];
        let cursor = null;
        const count = 1 + rnd.int(4);
        do {
          const page = db.hscan(key, cursor, count);
          assert.ok(page.entries.length <= count);
          seen.push(...page.entries.map(([f, v]) => [String(f), String(v)]));
          cursor = page.cursor;
        } while (cursor !== null);
        assert.deepEqual(seen, sorted(m.keys()).map((f) => [f, m.get(f)]));
        break;
      }
      default: { // whole-hash reads
        const all = db.hgetall(key);
        assert.ok(all instanceof Map);
        assert.deepEqual([...all].map(([f, v]) => [f, String(v)]), sorted(m.keys()).map((f) => [f, m.get(f)]));
        assert.deepEqual(strs(db.hkeys(key)), sorted(m.keys()));
        assert.deepEqual(strs(db.hvals(key)), sorted(m.keys()).map((f) => m.get(f)));
        assert.equal(db.hlen(key), m.size);
      }
    }
    if (m.size) model.set(key, m);
    else model.delete(key);
    assert.equal(db.type(key), model.has(key) ? 'hash' : null, 'an emptied hash is deleted');
  }
  db.close();
});

test('lists follow an Array model under random operations', () => {
  const rnd = seeded(22);
  const db = open();
  const model = new Map(); // key -> Array of strings
  const keys = ['l0', 'l1'];
  const values = ['a', 'b', 'c', 'd'];
  const index = (len) => rnd.int(2 * len + 5) - len - 2;
  const ends = ['left', 'right'];
  for (let i = 0; i < 3000; i++) {
    const key = rnd.pick(keys);
    const had = model.has(key);
    const l = [...(model.get(key) ?? [])];
    switch (rnd.int(13)) {
      case 0:
      case 1: { // lpush / rpush / their x forms
        const vs = Array.from({ length: 1 + rnd.int(3) }, () => rnd.pick(values));
        const left = rnd.int(2) === 0;
        const onlyExisting = rnd.int(4) === 0;
        const method = (left ? 'l' : 'r') + (onlyExisting ? 'pushx' : 'push');
        if (!onlyExisting || had) for (const v of vs) left ? l.unshift(v) : l.push(v);
        assert.equal(db[method](key, ...vs), onlyExisting && !had ? 0 : l.length, method);
        break;
      }
      case 2: { // lpop / rpop, with and without a count
        const left = rnd.int(2) === 0;
        if (rnd.int(2)) {
          const got = left ? db.lpop(key) : db.rpop(key);
          const want = (left ? l.shift() : l.pop()) ?? null;
          assert.equal(got?.toString() ?? null, want);
        } else {
          const n = rnd.int(4);
          const want = left ? l.splice(0, n) : l.splice(Math.max(0, l.length - n)).reverse();
          assert.deepEqual(strs(left ? db.lpop(key, n) : db.rpop(key, n)), want);
        }
        break;
      }
      case 3: { // lindex
        const at = index(l.length);
        const r = at < 0 ? l.length + at : at;
        assert.equal(db.lindex(key, at)?.toString() ?? null, l[r] ?? null);
        break;
      }
      case 4: { // lrange
        const [start, stop] = [index(l.length), index(l.length)];
        const [s, e] = clamp(l.length, start, stop);
        assert.deepEqual(strs(db.lrange(key, start, stop)), l.slice(s, e));
        break;
      }
      case 5: { // lset, in and out of range
        const at = index(l.length);
        const r = at < 0 ? l.length + at : at;
        const v = rnd.pick(values);
        if (r >= 0 && r < l.length) {
          db.lset(key, at, v);
          l[r] = v;
        } else {
          throwsCode(() => db.lset(key, at, v), 'ERR_SCALODB_INVALID_ARGUMENT');
        }
        break;
      }
      case 6: { // linsert
        const where = rnd.pick(['before', 'after']);
        const pivot = rnd.pick([...values, 'z']);
        const v = rnd.pick(values);
        const at = l.indexOf(pivot);
        let want = 0;
        if (had) {
          want = at < 0 ? -1 : l.length + 1;
          if (at >= 0) l.splice(where === 'before' ? at : at + 1, 0, v);
        }
        assert.equal(db.linsert(key, where, pivot, v), want);
        break;
      }
      case 7: { // lrem
        const count = rnd.int(7) - 3;
        const v = rnd.pick(values);
        const hits = l.flatMap((x, j) => (x === v ? [j] : []));
        const chosen = count >= 0 ? hits.slice(0, count || hits.length) : hits.slice(-Math.min(-count, hits.length));
        for (const j of [...chosen].reverse()) l.splice(j, 1);
        assert.equal(db.lrem(key, count, v), chosen.length);
        break;
      }
      case 8: { // ltrim
        const [start, stop] = [index(l.length), index(l.length)];
        const [s, e] = clamp(l.length, start, stop);
        db.ltrim(key, start, stop);
        l.splice(0, l.length, ...l.slice(s, e));
        break;
      }
      case 9: { // lpos with rank, count and maxlen
        const v = rnd.pick(values);
        const rank = rnd.pick([1, 2, 3, -1, -2, -3]);
        const maxlen = rnd.int(l.length + 2);
        const count = rnd.int(3) ? rnd.int(4) : undefined;
        const scan = maxlen === 0 ? l.length : Math.min(maxlen, l.length);
        const order = Array.from({ length: scan }, (_, j) => (rank > 0 ? j : l.length - 1 - j));
        const matches = order.filter((j) => l[j] === v).slice(Math.abs(rank) - 1);
        if (count === undefined) {
          assert.equal(db.lpos(key, v, { rank, maxlen }), matches[0] ?? null);
        } else {
          assert.deepEqual(db.lpos(key, v, { rank, count, maxlen }), count === 0 ? matches : matches.slice(0, count));
        }
        break;
      }
      case 10: { // lmove between the keys (or within one)
        const dst = rnd.pick(keys);
        const [from, to] = [rnd.pick(ends), rnd.pick(ends)];
        const got = db.lmove(key, dst, from, to);
        const v = (from === 'left' ? l.shift() : l.pop()) ?? null;
        assert.equal(got?.toString() ?? null, v);
        if (v !== null) {
          const d = dst === key ? l : [...(model.get(dst) ?? [])];
          to === 'left' ? d.unshift(v) : d.push(v);
          if (dst !== key) model.set(dst, d);
        }
        break;
      }
      default: // the whole list
        assert.deepEqual(strs(db.lrange(key, 0, -1)), l);
        assert.equal(db.llen(key), l.length);
    }
    if (l.length) model.set(key, l);
    else model.delete(key);
    for (const k of keys) assert.equal(db.type(k), model.has(k) ? 'list' : null);
  }
  for (const k of keys) assert.deepEqual(strs(db.lrange(k, 0, -1)), model.get(k) ?? []);
  db.close();
});

test('sets follow a Set model under random operations, algebra included', () => {
  const rnd = seeded(33);
  const db = open();
  const model = new Map(); // key -> Set of strings
  const keys = ['s0', 's1', 's2', 's3'];
  const members = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const of = (k) => model.get(k) ?? new Set();
  const keep = (k, s) => (s.size ? model.set(k, s) : model.delete(k));
  const someKeys = () => Array.from({ length: 1 + rnd.int(3) }, () => rnd.pick(keys));
  const inter = (ks) => [...of(ks[0])].filter((m) => ks.every((k) => of(k).has(m)));
  const union = (ks) => [...new Set(ks.flatMap((k) => [...of(k)]))];
  const diff = (ks) => [...of(ks[0])].filter((m) => !ks.slice(1).some((k) => of(k).has(m)));
  for (let i = 0; i < 2500; i++) {
    const key = rnd.pick(keys);
    const s = new Set(of(key));
    switch (rnd.int(11)) {
      case 0:
      case 1: { // sadd
        const add = Array.from({ length: 1 + rnd.int(3) }, () => rnd.pick(members));
        const fresh = new Set(add.filter((m) => !s.has(m))).size;
        for (const m of add) s.add(m);
        assert.equal(db.sadd(key, ...add), fresh);
        break;
      }
      case 2: { // srem
        const rem = [rnd.pick(members), rnd.pick(members)];
        const gone = new Set(rem.filter((m) => s.has(m))).size;
        for (const m of rem) s.delete(m);
        assert.equal(db.srem(key, ...rem), gone);
        break;
      }
      case 3: { // membership
        const m = rnd.pick(members);
        assert.equal(db.sismember(key, m), s.has(m));
        const ms = [rnd.pick(members), 'zz', rnd.pick(members)];
        assert.deepEqual(db.smismember(key, ...ms), ms.map((x) => s.has(x)));
        break;
      }
      case 4: { // spop, one or several
        if (rnd.int(2)) {
          const got = db.spop(key);
          if (s.size === 0) assert.equal(got, null);
          else assert.ok(s.delete(String(got)), 'spop returns a member');
        } else {
          const n = rnd.int(4);
          const got = strs(db.spop(key, n));
          assert.equal(got.length, Math.min(n, s.size));
          for (const m of got) assert.ok(s.delete(m), 'distinct members of the set');
        }
        break;
      }
      case 5: { // srandmember: nothing changes
        const one = db.srandmember(key);
        assert.ok(s.size ? s.has(String(one)) : one === null);
        const n = rnd.int(s.size + 3);
        const got = strs(db.srandmember(key, n));
        assert.equal(got.length, Math.min(n, s.size));
        assert.equal(new Set(got).size, got.length);
        const rep = strs(db.srandmember(key, -5));
        assert.equal(rep.length, s.size ? 5 : 0);
        for (const m of [...got, ...rep]) assert.ok(s.has(m));
        break;
      }
      case 6: { // smove
        const dst = rnd.pick(keys);
        const m = rnd.pick(members);
        assert.equal(db.smove(key, dst, m), s.has(m));
        if (s.has(m) && dst !== key) {
          s.delete(m);
          keep(dst, new Set([...of(dst), m]));
        }
        break;
      }
      case 7: { // sinter / sunion / sdiff
        const ks = someKeys();
        assert.deepEqual(strs(db.sinter(...ks)), sorted(inter(ks)));
        assert.deepEqual(strs(db.sunion(...ks)), sorted(union(ks)));
        assert.deepEqual(strs(db.sdiff(...ks)), sorted(diff(ks)));
        const limit = rnd.int(3);
        assert.equal(db.sintercard(ks, limit), limit ? Math.min(limit, inter(ks).length) : inter(ks).length);
        break;
      }
      case 8: { // the store forms, into any key (the current one included)
        const ks = someKeys();
        const [name, fn] = rnd.pick([['sinterstore', inter], ['sunionstore', union], ['sdiffstore', diff]]);
        const result = new Set(fn(ks));
        assert.equal(db[name](key, ...ks), result.size);
        s.clear();
        for (const m of result) s.add(m);
        break;
      }
      case 9: { // sscan
        const count = 1 + rnd.int(3);
        const seen = [];
        let page = { cursor: null };
        do {
          page = db.sscan(key, page.cursor, count);
          seen.push(...strs(page.members));
        } while (page.cursor !== null);
        assert.deepEqual(seen, sorted(s));
        break;
      }
      default:
        assert.deepEqual(strs(db.smembers(key)), sorted(s));
        assert.equal(db.scard(key), s.size);
    }
    keep(key, s);
    for (const k of keys) assert.equal(db.type(k), model.has(k) ? 'set' : null);
  }
  db.close();
});
