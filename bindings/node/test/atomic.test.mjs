// Time-to-live (put's ttl, expire, persist, ttl) and the single-key atomic writes
// (compareAndSwap, putIfAbsent, increment).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { open } from '../index.js';
import { tempDir, throwsCode } from './helpers.mjs';

test('ttl() tells a missing key (null), a key without TTL (Infinity) and the ms left', () => {
  const db = open();
  db.put('forever', 'v');
  db.put('brief', 'v', { ttl: 60_000 });
  assert.equal(db.ttl('missing'), null);
  assert.equal(db.ttl('forever'), Infinity);
  const left = db.ttl('brief');
  assert.ok(left > 59_000 && left <= 60_000, `ttl was ${left}`);
  db.close();
});

test('expire() gives a live key a TTL, persist() removes it, and the key expires', async () => {
  const db = open();
  db.put('k', 'v');
  assert.equal(db.expire('missing', 1000), false);
  assert.equal(db.ttl('missing'), null, 'expire on a missing key creates nothing');
  assert.equal(db.persist('k'), false, 'no TTL to remove yet');
  assert.equal(db.expire('k', 5000), true);
  assert.ok(db.ttl('k') <= 5000 && db.ttl('k') > 4000);
  assert.equal(db.persist('k'), true);
  assert.equal(db.ttl('k'), Infinity);
  assert.equal(db.getString('k'), 'v');

  assert.equal(db.expire('k', 40), true);
  assert.equal(db.getString('k'), 'v');
  await sleep(120);
  assert.equal(db.get('k'), null);
  assert.equal(db.has('k'), false);
  assert.equal(db.ttl('k'), null);
  assert.equal(db.expire('k', 1000), false, 'an expired key is absent');
  assert.equal(db.persist('k'), false);
  db.close();
});

test('a TTL set by expire() survives reopening the store', () => {
  const dir = tempDir();
  let db = open(dir);
  db.put('k', 'v');
  db.put('other', 'v');
  db.expire('k', 3_600_000);
  db.close();
  db = open(dir);
  const left = db.ttl('k');
  assert.ok(left > 3_500_000 && left <= 3_600_000, `ttl after reopen was ${left}`);
  assert.equal(db.ttl('other'), Infinity);
  db.close();
});

test('bad TTLs fail with ERR_SCALODB_INVALID_ARGUMENT', () => {
  const db = open();
  db.put('k', 'v');
  throwsCode(() => db.expire('k', -5), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.expire('k', NaN), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.expire('k', Infinity), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.put('k', 'v', { ttl: NaN }), 'ERR_SCALODB_INVALID_ARGUMENT');
  // Past what a duration holds: refused, not a crash of the process.
  throwsCode(() => db.put('k', 'v', { ttl: 1e300 }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.expire('k', 1e300), 'ERR_SCALODB_INVALID_ARGUMENT');
  assert.equal(db.ttl('k'), Infinity, 'a refused expire changes nothing');
  db.close();
});

test('compareAndSwap swaps only from the expected value; null means absent', () => {
  const db = open();
  // Absent -> 'a': expected null matches a missing key.
  assert.deepEqual(db.compareAndSwap('k', null, 'a'), { swapped: true, current: Buffer.from('a') });
  // Expected absent, but it is 'a' now: nothing written, the current value comes back.
  assert.deepEqual(db.compareAndSwap('k', null, 'b'), { swapped: false, current: Buffer.from('a') });
  assert.deepEqual(db.compareAndSwap('k', 'x', 'b'), { swapped: false, current: Buffer.from('a') });
  assert.equal(db.getString('k'), 'a');
  assert.deepEqual(db.compareAndSwap('k', Buffer.from('a'), new Uint8Array([98])), {
    swapped: true,
    current: Buffer.from('b'),
  });
  assert.equal(db.getString('k'), 'b');
  // A null new value deletes.
  assert.deepEqual(db.compareAndSwap('k', 'b', null), { swapped: true, current: null });
  assert.equal(db.has('k'), false);
  assert.deepEqual(db.compareAndSwap('k', 'b', 'c'), { swapped: false, current: null });
  assert.deepEqual(db.compareAndSwap('k', null, null), { swapped: true, current: null });
  assert.equal(db.has('k'), false);
  throwsCode(() => db.compareAndSwap('k', 42, 'v'), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.compareAndSwap('k', null, {}), 'ERR_SCALODB_INVALID_ARGUMENT');
  db.close();
});

test('compareAndSwap in a retry loop counts exactly', () => {
  const db = open();
  const bump = () => {
    for (;;) {
      const current = db.get('n');
      const next = String(Number(current?.toString() ?? '0') + 1);
      if (db.compareAndSwap('n', current, next).swapped) return;
    }
  };
  for (let i = 0; i < 500; i++) bump();
  assert.equal(db.getString('n'), '500');
  db.close();
});

test('putIfAbsent writes only a missing (or expired) key', async () => {
  const db = open();
  assert.equal(db.putIfAbsent('k', 'first'), true);
  assert.equal(db.putIfAbsent('k', 'second'), false);
  assert.equal(db.getString('k'), 'first');
  db.put('t', 'old', { ttl: 30 });
  assert.equal(db.putIfAbsent('t', 'new'), false);
  await sleep(100);
  assert.equal(db.putIfAbsent('t', 'new'), true);
  assert.equal(db.getString('t'), 'new');
  db.close();
});

test('increment adds to a decimal integer, keeps the TTL and refuses non-integers', () => {
  const db = open();
  assert.equal(db.increment('n'), 1, 'an absent key counts as 0');
  assert.equal(db.increment('n', 41), 42);
  assert.equal(db.increment('n', -50), -8);
  assert.equal(db.getString('n'), '-8');
  db.put('t', '10', { ttl: 60_000 });
  assert.equal(db.increment('t', 5), 15);
  assert.ok(db.ttl('t') <= 60_000 && db.ttl('t') > 50_000, 'the TTL is kept');
  db.put('word', 'ten');
  throwsCode(() => db.increment('word'), 'ERR_SCALODB_WRONG_TYPE');
  assert.equal(db.getString('word'), 'ten');
  throwsCode(() => db.increment('n', 1.5), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.increment('n', 2 ** 60), 'ERR_SCALODB_INVALID_ARGUMENT');
  db.put('big', '9223372036854775807');
  throwsCode(() => db.increment('big'), 'ERR_SCALODB_INVALID_ARGUMENT');
  assert.equal(db.getString('big'), '9223372036854775807');
  db.close();
});
