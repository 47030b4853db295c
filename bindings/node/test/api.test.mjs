// The JavaScript API of the package: reads and writes, key and value types, batches, TTL, scans,
// snapshots, stats, durability calls, the Promise variants and the error codes.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import path from 'node:path';

import { open, WriteBatch, DB, Snapshot } from '../index.js';
import { tempDir, throwsCode, rejectsCode, texts } from './helpers.mjs';

test('put, get, has and delete with string and binary keys', () => {
  const db = open(tempDir());
  assert.ok(db instanceof DB);
  db.put('user:1', 'alice');
  db.put(Buffer.from([0, 255, 1]), Buffer.from([9, 8, 7]));
  db.put(new Uint8Array([1, 2]), new Uint8Array([3, 4]));
  assert.deepEqual(db.get('user:1'), Buffer.from('alice'));
  assert.equal(db.getString('user:1'), 'alice');
  assert.deepEqual(db.get(Buffer.from([0, 255, 1])), Buffer.from([9, 8, 7]));
  // A Uint8Array key and a Buffer with the same bytes are the same key.
  assert.deepEqual(db.get(Buffer.from([1, 2])), Buffer.from([3, 4]));
  // A view into a larger buffer reads only its own bytes.
  const backing = Buffer.from('xxuser:1yy');
  assert.equal(db.getString(backing.subarray(2, 8)), 'alice');
  assert.equal(db.get('missing'), null);
  assert.equal(db.getString('missing'), null);
  assert.equal(db.has('user:1'), true);
  assert.equal(db.has('missing'), false);
  assert.equal(db.delete('user:1'), true);
  assert.equal(db.delete('user:1'), false);
  assert.equal(db.get('user:1'), null);
  db.close();
});

test('strings are stored as UTF-8, long ones too', () => {
  const db = open();
  const long = 'é'.repeat(200) + '日本'.repeat(100); // past the inline conversion buffer
  db.put(long, 'ünïcødé ✓');
  assert.equal(db.getString(long), 'ünïcødé ✓');
  assert.deepEqual(db.get('k') ?? null, null);
  db.put('k', '€');
  assert.deepEqual(db.get('k'), Buffer.from([0xe2, 0x82, 0xac]));
  // Every length around the inline buffer boundary (256 bytes) with a 3-byte char at the end.
  for (let n = 245; n < 262; n++) {
    const key = 'a'.repeat(n) + '€';
    db.put(key, String(n));
    assert.equal(db.getString(key), String(n));
    assert.equal([...db.scan({ prefix: key, keyEncoding: 'utf8' })][0][0], key);
  }
  db.close();
});

test('wrong argument types fail with ERR_SCALODB_INVALID_ARGUMENT', () => {
  const db = open();
  throwsCode(() => db.put(42, 'v'), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.put('k', { a: 1 }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.get(new Uint16Array(2)), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.scan({ prefix: 'a', gt: 'b' }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.scan({ gt: 'a', gte: 'b' }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.scan({ keyEncoding: 'hex' }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.put('k', 'v', { ttl: -1 }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => open(tempDir(), { sync: 'sometimes' }), 'ERR_SCALODB_INVALID_ARGUMENT');
  db.close();
});

test('size limits fail with their own codes', () => {
  const db = open(null, { maxKeySize: 8, maxValueSize: 16 });
  throwsCode(() => db.put('123456789', 'v'), 'ERR_SCALODB_KEY_TOO_LARGE');
  throwsCode(() => db.put('k', Buffer.alloc(17)), 'ERR_SCALODB_VALUE_TOO_LARGE');
  db.put('12345678', Buffer.alloc(16));
  assert.equal(db.get('12345678').length, 16);
  db.close();
});

test('a directory is opened once: a second open is ERR_SCALODB_LOCKED until close', () => {
  const dir = tempDir();
  const db = open(dir);
  throwsCode(() => open(dir), 'ERR_SCALODB_LOCKED');
  db.close();
  const again = open(dir);
  assert.equal(again.path, dir);
  again.close();
});

test('after close every call is ERR_SCALODB_CLOSED, close included', async () => {
  const db = open(tempDir());
  db.put('k', 'v');
  db.close();
  throwsCode(() => db.close(), 'ERR_SCALODB_CLOSED');
  await rejectsCode(db.closeAsync(), 'ERR_SCALODB_CLOSED');
  throwsCode(() => db.get('k'), 'ERR_SCALODB_CLOSED');
  throwsCode(() => db.put('k', 'v'), 'ERR_SCALODB_CLOSED');
  throwsCode(() => db.scan(), 'ERR_SCALODB_CLOSED');
  throwsCode(() => db.snapshot(), 'ERR_SCALODB_CLOSED');
  throwsCode(() => db.stats(), 'ERR_SCALODB_CLOSED');
  await rejectsCode(db.putAsync('k', 'v'), 'ERR_SCALODB_CLOSED');
  await rejectsCode(db.scanAsync(), 'ERR_SCALODB_CLOSED');
});

test('data survives close and reopen', () => {
  const dir = tempDir();
  const db = open(dir);
  for (let i = 0; i < 1000; i++) db.put(`k${i}`, `v${i}`);
  db.delete('k500');
  db.close();
  const again = open(dir);
  assert.equal(again.getString('k999'), 'v999');
  assert.equal(again.get('k500'), null);
  assert.equal(again.stats().keys, 999);
  again.close();
});

test('a write batch applies atomically and can be reused', () => {
  const db = open(null, { maxKeySize: 16 });
  db.put('pending', 'x');
  const batch = new WriteBatch().put('from', '90').put('to', '110').delete('pending');
  assert.equal(batch.length, 3);
  const snap = db.snapshot();
  db.write(batch);
  assert.equal(db.getString('to'), '110');
  assert.equal(db.get('pending'), null);
  // The snapshot taken before sees none of the batch.
  assert.equal(snap.get('to'), null);
  assert.equal(snap.getString('pending'), 'x');
  // A failing batch applies nothing.
  const bad = new WriteBatch().put('ok', '1').put('a key over sixteen bytes', '2');
  throwsCode(() => db.write(bad), 'ERR_SCALODB_KEY_TOO_LARGE');
  assert.equal(db.get('ok'), null);
  batch.clear();
  assert.equal(batch.length, 0);
  db.close();
});

test('TTL: a key put with a ttl disappears once it passes', async () => {
  const db = open();
  db.put('short', 'v', { ttl: 40 });
  db.put('long', 'v', { ttl: 60_000 });
  db.write(new WriteBatch().put('batched', 'v', { ttl: 40 }));
  assert.equal(db.has('short'), true);
  assert.equal(db.has('batched'), true);
  await sleep(120);
  assert.equal(db.get('short'), null);
  assert.equal(db.get('batched'), null);
  assert.equal(db.getString('long'), 'v');
  assert.deepEqual(texts(db.scan()), [['long', 'v']]);
  db.close();
});

test('scans by prefix and range, forward and reverse, with limit and encodings', async () => {
  const db = open();
  for (const k of ['a', 'b:1', 'b:2', 'b:3', 'c', 'd']) db.put(k, k.toUpperCase());
  const keys = (opts) => [...db.scan({ ...opts, keyEncoding: 'utf8' })].map(([k]) => k);
  assert.deepEqual(keys({}), ['a', 'b:1', 'b:2', 'b:3', 'c', 'd']);
  assert.deepEqual(keys({ prefix: 'b:' }), ['b:1', 'b:2', 'b:3']);
  assert.deepEqual(keys({ prefix: Buffer.from('b:'), reverse: true }), ['b:3', 'b:2', 'b:1']);
  assert.deepEqual(keys({ gte: 'b:2', lt: 'd' }), ['b:2', 'b:3', 'c']);
  assert.deepEqual(keys({ gt: 'b:2', lte: 'd' }), ['b:3', 'c', 'd']);
  assert.deepEqual(keys({ gt: 'a', reverse: true, limit: 2 }), ['d', 'c']);
  assert.deepEqual(keys({ limit: 0 }), []);
  const [[k, v]] = db.scan({ prefix: 'c' });
  assert.ok(Buffer.isBuffer(k) && Buffer.isBuffer(v));
  assert.deepEqual([k, v], [Buffer.from('c'), Buffer.from('C')]);
  const [[ks, vs]] = db.scan({ prefix: 'c', keyEncoding: 'utf8', valueEncoding: 'utf8' });
  assert.deepEqual([ks, vs], ['c', 'C']);
  // `for await` works over the same iterator.
  const seen = [];
  for await (const [key] of db.scan({ prefix: 'b:', keyEncoding: 'utf8' })) seen.push(key);
  assert.deepEqual(seen, ['b:1', 'b:2', 'b:3']);
  // The off-thread variant returns the same entries.
  const all = await db.scanAsync({ gte: 'b', keyEncoding: 'utf8', valueEncoding: 'utf8', reverse: true, limit: 3 });
  assert.deepEqual(all, [['d', 'D'], ['c', 'C'], ['b:3', 'B:3']]);
  db.close();
});

test('a scan reads one version and releases it when left early or closed', () => {
  const db = open();
  for (let i = 0; i < 500; i++) db.put(`k${String(i).padStart(3, '0')}`, 'old');
  const scan = db.scan({ valueEncoding: 'utf8' });
  assert.equal(db.stats().openViews, 1);
  const first = scan.next();
  assert.equal(first.done, false);
  for (let i = 0; i < 500; i++) db.put(`k${String(i).padStart(3, '0')}`, 'new');
  db.put('k999', 'new');
  const rest = [...scan];
  assert.equal(rest.length, 499);
  assert.ok(rest.every(([, v]) => v === 'old'));
  assert.equal(scan.next().done, true);
  assert.equal(db.stats().openViews, 0);
  for (const _ of db.scan()) break; // leaving the loop calls return()
  assert.equal(db.stats().openViews, 0);
  const open2 = db.scan();
  open2.close();
  assert.equal(open2.next().done, true);
  assert.equal(db.stats().openViews, 0);
  db.close();
});

test('a scan whose store is closed throws ERR_SCALODB_CLOSED from next()', () => {
  const db = open(tempDir());
  for (let i = 0; i < 300; i++) db.put(`k${i}`, 'v');
  const scan = db.scan();
  scan.next();
  db.close();
  throwsCode(() => {
    for (const _ of scan);
  }, 'ERR_SCALODB_CLOSED');
});

test('snapshots are isolated from later writes and can be closed', () => {
  const db = open();
  db.put('k', 'old');
  db.put('gone', 'x');
  const snap = db.snapshot();
  assert.ok(snap instanceof Snapshot);
  db.put('k', 'new');
  db.delete('gone');
  db.put('added', 'y');
  assert.equal(snap.getString('k'), 'old');
  assert.equal(snap.has('gone'), true);
  assert.equal(snap.has('added'), false);
  assert.deepEqual(texts(snap.scan()), [['gone', 'x'], ['k', 'old']]);
  assert.deepEqual(texts(snap.scan({ reverse: true, limit: 1 })), [['k', 'old']]);
  assert.ok(snap.sequence < db.stats().sequence);
  assert.equal(db.getString('k'), 'new');
  const scan = snap.scan();
  snap.close();
  snap.close();
  throwsCode(() => snap.get('k'), 'ERR_SCALODB_CLOSED');
  // A scan opened before the snapshot was closed keeps its own view.
  assert.equal([...scan].length, 2);
  db.close();
});

test('stats count operations and live data', () => {
  const db = open(tempDir());
  db.put('a', '123');
  db.put('b', '45');
  db.delete('b');
  db.get('a');
  db.write(new WriteBatch().put('c', '6'));
  [...db.scan()];
  const s = db.stats();
  assert.equal(s.keys, 2);
  assert.equal(s.keyBytes, 2);
  assert.equal(s.valueBytes, 4);
  assert.equal(s.puts, 2);
  assert.equal(s.deletes, 1);
  assert.equal(s.batches, 1);
  assert.ok(s.gets >= 1);
  assert.ok(s.scans >= 1);
  assert.ok(s.walBytes > 0);
  assert.ok(s.sequence >= 4);
  db.close();
});

test('checkpoint, sync and their Promise variants', async () => {
  const dir = tempDir();
  const db = open(dir, { sync: 'always', autoCheckpoint: false });
  for (let i = 0; i < 100; i++) await db.putAsync(`k${i}`, `v${i}`);
  assert.equal(await db.deleteAsync('k0'), true);
  assert.equal(await db.deleteAsync('k0'), false);
  await db.writeAsync(new WriteBatch().put('b1', '1').put('b2', '2'));
  await db.putAsync('t', 'v', { ttl: 60_000 });
  assert.ok(db.stats().fsyncs > 0);
  db.checkpoint();
  const first = db.stats();
  assert.equal(first.lastCheckpointKeys, 102);
  assert.ok(first.lastCheckpointSeq > 0);
  db.put('after', 'x');
  await db.checkpointAsync();
  assert.ok(db.stats().lastCheckpointSeq > first.lastCheckpointSeq);
  db.sync();
  await db.syncAsync();
  await db.closeAsync();
  throwsCode(() => db.get('k1'), 'ERR_SCALODB_CLOSED');
  const again = open(dir);
  assert.equal(again.getString('k99'), 'v99');
  assert.equal(again.getString('b2'), '2');
  assert.equal(again.getString('after'), 'x');
  assert.equal(again.get('k0'), null);
  again.close();
});

test('an in-memory store keeps nothing on disk', () => {
  const db = open();
  assert.equal(db.path, null);
  db.put('k', 'v');
  db.checkpoint(); // a no-op in memory
  assert.equal(db.stats().walBytes, 0);
  db.close();
});

test('open options reach the engine', () => {
  const dir = path.join(tempDir(), 'nested');
  const db = open(dir, { sync: 'interval', syncIntervalMs: 50, walSegmentSize: 4096, checkpointWalBytes: 1 << 20, checkpointWalRatio: 1.5 });
  for (let i = 0; i < 200; i++) db.put(`k${i}`, 'x'.repeat(100));
  // 200 records of ~110 bytes do not fit one 4 KiB segment.
  assert.ok(db.stats().walSegments > 1);
  db.close();
  throwsCode(() => open(tempDir(), { walSegmentSize: 100 }), 'ERR_SCALODB_INVALID_ARGUMENT');
});

test('Buffers returned for small values stay intact while later reads share their slab', () => {
  const db = open();
  const values = [];
  for (let i = 0; i < 3000; i++) {
    const value = Buffer.alloc(1 + (i % 200), i % 251);
    db.put(`k${i}`, value);
    values.push(value);
  }
  // Enough reads to fill many 8 KiB slabs; every Buffer keeps its own bytes.
  const got = values.map((_, i) => db.get(`k${i}`));
  got.forEach((buf, i) => {
    assert.ok(Buffer.isBuffer(buf));
    assert.deepEqual(buf, values[i]);
  });
  // Writing into one returned Buffer changes neither the store nor the others.
  got[0].fill(7);
  assert.deepEqual(db.get('k0'), values[0]);
  assert.deepEqual(got[1], values[1]);
  // A value past the shared size gets a Buffer of its own.
  const big = Buffer.alloc(5000, 3);
  db.put('big', big);
  assert.deepEqual(db.get('big'), big);
  db.close();
});

test('reads go on correctly after a returned Buffer\'s memory is transferred away', () => {
  const db = open();
  db.put('a', 'first');
  db.put('b', 'second');
  const a = db.get('a');
  // Transferring the ArrayBuffer behind `a` detaches it (and the slab it is part of).
  const moved = structuredClone(a.buffer, { transfer: [a.buffer] });
  assert.equal(a.length, 0);
  assert.ok(moved.byteLength >= 5);
  assert.equal(db.get('b').toString(), 'second');
  assert.equal(db.get('a').toString(), 'first');
  for (const [k, v] of db.scan({ keyEncoding: 'utf8' })) assert.equal(v.toString(), k === 'a' ? 'first' : 'second');
  db.close();
});
