// db.transaction(fn): commit when fn returns, roll back when it throws, run again after a
// conflicting commit, ERR_SCALODB_CONFLICT when the retries run out, and the Transaction object.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { open, Transaction } from '../index.js';
import { tempDir, throwsCode } from './helpers.mjs';

test('writes commit together when fn returns, and transaction() returns its result', () => {
  const dir = tempDir();
  let db = open(dir);
  db.put('alice', '100');
  const result = db.transaction((tx) => {
    assert.ok(tx instanceof Transaction);
    const a = Number(tx.getString('alice'));
    tx.put('alice', String(a - 30));
    tx.put('bob', '30');
    // The transaction reads its own writes; the store does not see them before the commit.
    assert.equal(tx.getString('bob'), '30');
    assert.equal(tx.has('bob'), true);
    assert.equal(db.get('bob'), null);
    return { moved: 30 };
  });
  assert.deepEqual(result, { moved: 30 });
  assert.equal(db.getString('alice'), '70');
  assert.equal(db.getString('bob'), '30');
  db.close();
  db = open(dir);
  assert.equal(db.getString('bob'), '30', 'the commit is durable like any write');
  db.close();
});

test('a throw rolls back and propagates the same error', () => {
  const db = open();
  db.put('k', 'before');
  const boom = new Error('boom');
  assert.throws(
    () =>
      db.transaction((tx) => {
        tx.put('k', 'after');
        tx.delete('other');
        tx.put('new', 'x');
        throw boom;
      }),
    (e) => e === boom,
  );
  assert.equal(db.getString('k'), 'before');
  assert.equal(db.get('new'), null);
  db.close();
});

test('a conflicting commit runs fn again on a fresh snapshot', () => {
  const db = open();
  db.put('counter', '0');
  let calls = 0;
  const out = db.transaction((tx) => {
    calls++;
    const n = Number(tx.getString('counter'));
    // Another writer changes what this transaction read, on the first attempt only.
    if (calls === 1) db.put('counter', '10');
    tx.put('counter', String(n + 1));
    return n;
  });
  assert.equal(calls, 2);
  assert.equal(out, 10, 'the second attempt read the other write');
  assert.equal(db.getString('counter'), '11', 'no update was lost');
  const stats = db.stats();
  assert.equal(stats.conflicts, 1);
  assert.equal(stats.transactions, 1);
  db.close();
});

test('a key inserted into a scanned range is a conflict', () => {
  const db = open();
  db.put('item:1', 'a');
  let calls = 0;
  const count = db.transaction((tx) => {
    calls++;
    const items = tx.scan({ prefix: 'item:' });
    if (calls === 1) db.put('item:2', 'b');
    tx.put('count', String(items.length));
    return items.length;
  });
  assert.equal(calls, 2);
  assert.equal(count, 2);
  assert.equal(db.getString('count'), '2');
  db.close();
});

test('when the retries run out transaction() throws ERR_SCALODB_CONFLICT and writes nothing', () => {
  const db = open();
  let calls = 0;
  throwsCode(
    () =>
      db.transaction(
        (tx) => {
          calls++;
          tx.get('hot');
          db.put('hot', String(calls));
          tx.put('mine', 'x');
        },
        { retries: 2 },
      ),
    'ERR_SCALODB_CONFLICT',
  );
  assert.equal(calls, 3, 'one attempt and two retries');
  assert.equal(db.get('mine'), null);
  calls = 0;
  throwsCode(
    () =>
      db.transaction(
        (tx) => {
          calls++;
          tx.get('hot');
          db.put('hot', 'again');
          tx.put('mine', 'x');
        },
        { retries: 0 },
      ),
    'ERR_SCALODB_CONFLICT',
  );
  assert.equal(calls, 1);
  db.close();
});

test('a read-only transaction never conflicts', () => {
  const db = open();
  db.put('k', '1');
  let calls = 0;
  const seen = db.transaction((tx) => {
    calls++;
    const v = tx.getString('k');
    db.put('k', '2');
    return v;
  });
  assert.equal(calls, 1);
  assert.equal(seen, '1');
  db.close();
});

test('tx.scan merges buffered writes and takes the scan options', () => {
  const db = open();
  for (const k of ['a:1', 'a:2', 'a:3', 'b:1']) db.put(k, k.toUpperCase());
  const seen = db.transaction((tx) => {
    tx.delete('a:2');
    tx.put('a:4', 'NEW');
    tx.put('a:1', 'CHANGED');
    return {
      all: tx.scan({ prefix: 'a:', keyEncoding: 'utf8', valueEncoding: 'utf8' }),
      backwards: tx.scan({ gte: 'a:', lt: 'b:', reverse: true, limit: 2, keyEncoding: 'utf8' }),
      buffers: tx.scan({ gt: 'a:4' }),
    };
  });
  assert.deepEqual(seen.all, [
    ['a:1', 'CHANGED'],
    ['a:3', 'A:3'],
    ['a:4', 'NEW'],
  ]);
  assert.deepEqual(
    seen.backwards.map(([k]) => k),
    ['a:4', 'a:3'],
  );
  assert.deepEqual(seen.buffers, [[Buffer.from('b:1'), Buffer.from('B:1')]]);
  assert.equal(db.get('a:2'), null);
  assert.equal(db.getString('a:4'), 'NEW');
  db.close();
});

test('an async callback is refused and rolled back; a kept tx is closed', async () => {
  const db = open();
  let kept;
  throwsCode(
    () =>
      db.transaction(async (tx) => {
        tx.put('k', 'v');
      }),
    'ERR_SCALODB_INVALID_ARGUMENT',
  );
  assert.equal(db.get('k'), null);
  db.transaction((tx) => {
    kept = tx;
    assert.equal(typeof tx.sequence, 'number');
  });
  throwsCode(() => kept.get('k'), 'ERR_SCALODB_CLOSED');
  throwsCode(() => kept.put('k', 'v'), 'ERR_SCALODB_CLOSED');
  throwsCode(() => kept.sequence, 'ERR_SCALODB_CLOSED');
  assert.equal(db.get('k'), null);
  db.close();
});

test('bad arguments and a closed store fail with their codes', () => {
  const db = open();
  db.transaction((tx) => {
    throwsCode(() => tx.put(1, 'v'), 'ERR_SCALODB_INVALID_ARGUMENT');
    throwsCode(() => tx.scan({ prefix: 'a', gt: 'b' }), 'ERR_SCALODB_INVALID_ARGUMENT');
  });
  throwsCode(() => db.transaction('not a function'), 'ERR_SCALODB_INVALID_ARGUMENT');
  db.close();
  throwsCode(() => db.transaction(() => {}), 'ERR_SCALODB_CLOSED');
});
