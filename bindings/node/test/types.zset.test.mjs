// Sorted sets on DB (the Z* methods), driven by random operations from a seeded generator and
// checked against a model: a Map of member to score, viewed as an array sorted by (score,
// member). Scores are halves and small weights, so every sum is exact in binary.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { open } from '../scalodb.js';
import { clamp, seeded, throwsCode } from './helpers.mjs';

const byScore = (m) => [...m].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const byMember = (m) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const plain = (entries) => entries.map(([m, s]) => [String(m), s]);
/** LIMIT offset count over a range already in the result's order (a negative count: all). */
const limited = (list, offset, count) =>
  offset === undefined && count === undefined ? list : list.slice(offset ?? 0, count === undefined || count < 0 ? undefined : (offset ?? 0) + count);

test('sorted sets follow a sorted-array model under random operations', () => {
  const rnd = seeded(44);
  const db = open();
  const model = new Map(); // key -> Map(member -> score)
  const keys = ['z0', 'z1', 'z2'];
  const members = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const score = () => (rnd.int(13) - 6) / 2;
  const of = (k) => model.get(k) ?? new Map();
  const bound = () => (rnd.int(8) === 0 ? rnd.pick([-Infinity, Infinity]) : score());
  const lexEnd = () => (rnd.int(5) === 0 ? null : rnd.pick(members) + (rnd.int(3) === 0 ? '0' : ''));
  const inScore = (s, min, max, o) => (o.minExclusive ? s > min : s >= min) && (o.maxExclusive ? s < max : s <= max);
  const inLex = (m, min, max, o) =>
    (min === null || (o.minExclusive ? m > min : m >= min)) && (max === null || (o.maxExclusive ? m < max : m <= max));
  const flags = () => {
    const o = {};
    for (const f of ['nx', 'xx', 'gt', 'lt', 'ch']) if (rnd.int(5) === 0) o[f] = true;
    return o;
  };
  const invalid = (o) => (o.nx && o.xx) || (o.gt && o.lt) || (o.nx && (o.gt || o.lt));
  /** ZADD of one member on the model; returns whether it counted (added, or changed with ch). */
  const zaddOne = (m, member, s, o) => {
    const old = m.get(member);
    if (old === undefined) {
      if (o.xx) return [false, false];
      m.set(member, s);
      return [true, true];
    }
    if (o.nx || (o.gt && s <= old) || (o.lt && s >= old)) return [false, false];
    m.set(member, s);
    return [Boolean(o.ch) && old !== s, true];
  };
  for (let i = 0; i < 3000; i++) {
    const key = rnd.pick(keys);
    const m = new Map(of(key));
    switch (rnd.int(16)) {
      case 0:
      case 1: { // zadd with flags, as pairs or a record
        const o = flags();
        const entries = Array.from({ length: 1 + rnd.int(3) }, () => [score(), rnd.pick(members)]);
        const asRecord = rnd.int(2) === 0;
        const arg = asRecord ? Object.fromEntries(entries.map(([s, mem]) => [mem, s])) : entries;
        if (invalid(o)) {
          throwsCode(() => db.zadd(key, arg, o), 'ERR_SCALODB_INVALID_ARGUMENT');
          break;
        }
        const list = asRecord ? Object.entries(arg).map(([mem, s]) => [s, mem]) : entries;
        let counted = 0;
        for (const [s, mem] of list) {
          const [added] = zaddOne(m, mem, s, o);
          if (added) counted++;
        }
        assert.equal(db.zadd(key, arg, o), counted);
        break;
      }
      case 2: { // zaddIncr with flags, zincrby
        const mem = rnd.pick(members);
        const delta = score();
        if (rnd.int(2)) {
          const next = (m.get(mem) ?? 0) + delta;
          assert.equal(db.zincrby(key, delta, mem), next);
          m.set(mem, next);
          break;
        }
        const o = flags();
        delete o.ch;
        if (invalid(o)) {
          throwsCode(() => db.zaddIncr(key, delta, mem, o), 'ERR_SCALODB_INVALID_ARGUMENT');
          break;
        }
        const next = (m.get(mem) ?? 0) + delta;
        const [, applied] = zaddOne(m, mem, next, o);
        assert.equal(db.zaddIncr(key, delta, mem, o), applied ? next : null);
        break;
      }
      case 3: { // zrem
        const rem = [rnd.pick(members), rnd.pick(members)];
        const gone = new Set(rem.filter((x) => m.has(x))).size;
        for (const x of rem) m.delete(x);
        assert.equal(db.zrem(key, ...rem), gone);
        break;
      }
      case 4: { // point reads: zscore, zmscore, zrank, zrevrank
        const mem = rnd.pick(members);
        assert.equal(db.zscore(key, mem), m.get(mem) ?? null);
        const ms = [rnd.pick(members), 'zz', rnd.pick(members)];
        assert.deepEqual(db.zmscore(key, ...ms), ms.map((x) => m.get(x) ?? null));
        const order = byScore(m).map(([x]) => x);
        const r = order.indexOf(mem);
        assert.equal(db.zrank(key, mem), r < 0 ? null : r);
        assert.equal(db.zrevrank(key, mem), r < 0 ? null : order.length - 1 - r);
        break;
      }
      case 5: { // zrange by rank, both directions
        const [start, stop] = [rnd.int(12) - 6, rnd.int(12) - 6];
        const reverse = rnd.int(2) === 0;
        const list = reverse ? byScore(m).reverse() : byScore(m);
        const [s, e] = clamp(list.length, start, stop);
        assert.deepEqual(plain(db.zrange(key, start, stop, { reverse })), list.slice(s, e));
        break;
      }
      case 6: { // zrangeByScore with exclusive ends, reverse and LIMIT; zcount
        const [min, max] = [bound(), bound()];
        const o = { minExclusive: rnd.int(2) === 0, maxExclusive: rnd.int(2) === 0, reverse: rnd.int(2) === 0 };
        if (rnd.int(2)) [o.offset, o.count] = [rnd.int(4), rnd.int(5) - 1];
        let list = byScore(m).filter(([, s]) => inScore(s, min, max, o));
        assert.equal(db.zcount(key, min, max, { minExclusive: o.minExclusive, maxExclusive: o.maxExclusive }), list.length);
        if (o.reverse) list = list.reverse();
        assert.deepEqual(plain(db.zrangeByScore(key, min, max, o)), limited(list, o.offset, o.count));
        break;
      }
      case 7: { // zrangeByLex (member order) with exclusive ends, reverse and LIMIT; zlexcount
        const [min, max] = [lexEnd(), lexEnd()];
        const o = { minExclusive: rnd.int(2) === 0, maxExclusive: rnd.int(2) === 0, reverse: rnd.int(2) === 0 };
        if (rnd.int(2)) o.offset = rnd.int(3);
        if (rnd.int(2)) o.count = rnd.int(4);
        let list = byMember(m).filter(([x]) => inLex(x, min, max, o));
        assert.equal(db.zlexcount(key, min, max, { minExclusive: o.minExclusive, maxExclusive: o.maxExclusive }), list.length);
        if (o.reverse) list = list.reverse();
        assert.deepEqual(plain(db.zrangeByLex(key, min, max, o)), limited(list, o.offset, o.count));
        break;
      }
      case 8: { // the three removals by range
        const kind = rnd.int(3);
        let gone;
        if (kind === 0) {
          const [start, stop] = [rnd.int(10) - 5, rnd.int(10) - 5];
          const [s, e] = clamp(m.size, start, stop);
          gone = byScore(m).slice(s, e);
          assert.equal(db.zremRangeByRank(key, start, stop), gone.length);
        } else if (kind === 1) {
          const [min, max] = [bound(), bound()];
          const o = { minExclusive: rnd.int(2) === 0, maxExclusive: rnd.int(2) === 0 };
          gone = byScore(m).filter(([, s]) => inScore(s, min, max, o));
          assert.equal(db.zremRangeByScore(key, min, max, o), gone.length);
        } else {
          const [min, max] = [lexEnd(), lexEnd()];
          const o = { minExclusive: rnd.int(2) === 0, maxExclusive: rnd.int(2) === 0 };
          gone = byMember(m).filter(([x]) => inLex(x, min, max, o));
          assert.equal(db.zremRangeByLex(key, min, max, o), gone.length);
        }
        for (const [x] of gone) m.delete(x);
        break;
      }
      case 9: { // zpopmin / zpopmax
        const max = rnd.int(2) === 0;
        const list = max ? byScore(m).reverse() : byScore(m);
        if (rnd.int(2)) {
          const got = max ? db.zpopmax(key) : db.zpopmin(key);
          assert.deepEqual(got === null ? null : plain([got])[0], list[0] ?? null);
          if (list.length) m.delete(list[0][0]);
        } else {
          const n = rnd.int(4);
          assert.deepEqual(plain(max ? db.zpopmax(key, n) : db.zpopmin(key, n)), list.slice(0, n));
          for (const [x] of list.slice(0, n)) m.delete(x);
        }
        break;
      }
      case 10: { // zrandmember: nothing changes
        const one = db.zrandmember(key);
        if (m.size === 0) assert.equal(one, null);
        else assert.equal(m.get(String(one[0])), one[1]);
        const n = rnd.int(m.size + 3) - 1;
        const got = plain(db.zrandmember(key, n));
        assert.equal(got.length, n < 0 ? (m.size ? -n : 0) : Math.min(n, m.size));
        if (n > 0) assert.equal(new Set(got.map(([x]) => x)).size, got.length, 'distinct');
        for (const [x, s] of got) assert.equal(m.get(x), s);
        break;
      }
      case 11:
      case 12: { // zunion / zinter / zdiff with weights and aggregates, and their store forms
        const ks = Array.from({ length: 1 + rnd.int(3) }, () => rnd.pick(keys));
        const op = rnd.pick(['zunion', 'zinter', 'zdiff']);
        const o = {};
        if (op !== 'zdiff' && rnd.int(2)) o.weights = ks.map(() => 1 + rnd.int(3));
        if (op !== 'zdiff' && rnd.int(2)) o.aggregate = rnd.pick(['sum', 'min', 'max']);
        const w = (j) => (o.weights ? o.weights[j] : 1);
        const fold = (a, b) => (o.aggregate === 'min' ? Math.min(a, b) : o.aggregate === 'max' ? Math.max(a, b) : a + b);
        const acc = new Map();
        if (op === 'zunion') {
          ks.forEach((k, j) => {
            for (const [x, s] of of(k)) acc.set(x, acc.has(x) ? fold(acc.get(x), s * w(j)) : s * w(j));
          });
        } else if (op === 'zinter') {
          for (const [x, s] of of(ks[0])) {
            if (!ks.every((k) => of(k).has(x))) continue;
            acc.set(x, ks.slice(1).reduce((a, k, j) => fold(a, of(k).get(x) * w(j + 1)), s * w(0)));
          }
        } else {
          for (const [x, s] of of(ks[0])) if (!ks.slice(1).some((k) => of(k).has(x))) acc.set(x, s);
        }
        // Positive weights only: a negative one would make scores of -0, which the engine
        // orders before 0 (Redis treats them as equal).
        const want = byScore(acc);
        if (rnd.int(2)) {
          assert.deepEqual(plain(op === 'zdiff' ? db.zdiff(ks) : db[op](ks, o)), want);
        } else {
          const n = op === 'zdiff' ? db.zdiffstore(key, ks) : db[`${op}store`](key, ks, o);
          assert.equal(n, want.length);
          m.clear();
          for (const [x, s] of want) m.set(x, s);
        }
        break;
      }
      case 13: { // zscan
        const count = 1 + rnd.int(3);
        const seen = [];
        let cursor = null;
        do {
          const page = db.zscan(key, cursor, count);
          seen.push(...plain(page.entries));
          cursor = page.cursor;
        } while (cursor !== null);
        assert.deepEqual(seen, byMember(m));
        break;
      }
      default:
        assert.deepEqual(plain(db.zrange(key, 0, -1)), byScore(m));
        assert.equal(db.zcard(key), m.size);
    }
    if (m.size) model.set(key, m);
    else model.delete(key);
    for (const k of keys) assert.equal(db.type(k), model.has(k) ? 'zset' : null);
  }
  db.close();
});

test('sorted-set combinations take plain sets as scores of 1, and a Map of member to score', () => {
  const db = open();
  db.sadd('s', 'a', 'b');
  assert.equal(db.zadd('z', new Map([['b', 2], [Buffer.from('c'), 3]])), 2);
  assert.deepEqual(plain(db.zunion(['s', 'z'])), [['a', 1], ['b', 3], ['c', 3]]);
  assert.deepEqual(plain(db.zinter(['s', 'z'], { weights: [10, 1], aggregate: 'max' })), [['b', 10]]);
  assert.equal(db.zinterstore('dst', ['s', 'z']), 1);
  assert.equal(db.type('dst'), 'zset');
  assert.deepEqual(plain(db.zrange('dst', 0, -1)), [['b', 3]]);
  throwsCode(() => db.zunion(['s', 'z'], { weights: [1] }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.zunion(['s'], { aggregate: 'avg' }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.zadd('z', [[NaN, 'x']]), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.zrangeByScore('z', NaN, 1), 'ERR_SCALODB_INVALID_ARGUMENT');
  db.close();
});
