// db.backup(dest): a consistent copy written off the main thread, which opens on its own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { open } from '../index.js';
import { tempDir, rejectsCode, texts } from './helpers.mjs';

test('backup() copies the store as of the call into a new directory', async () => {
  const db = open(tempDir());
  for (let i = 0; i < 2000; i++) db.put(`k:${String(i).padStart(4, '0')}`, `v${i}`);
  db.delete('k:0007');
  db.put('ttl', 'v', { ttl: 3_600_000 });
  const dest = path.join(tempDir(), 'copy');
  const pending = db.backup(dest);
  assert.ok(pending instanceof Promise);
  // The store stays usable while the backup runs.
  db.put('during', 'x');
  await pending;
  db.put('after', 'y');

  const copy = open(dest);
  assert.equal(copy.stats().keys >= 2000, true);
  assert.deepEqual(texts(copy.scan({ prefix: 'k:' })), texts(db.scan({ prefix: 'k:' })));
  assert.equal(copy.get('k:0007'), null);
  assert.equal(copy.get('after'), null, 'later writes are not in the copy');
  const left = copy.ttl('ttl');
  assert.ok(left > 3_500_000 && left <= 3_600_000, 'TTLs are copied');
  copy.put('only-in-copy', '1');
  copy.close();
  assert.equal(db.get('only-in-copy'), null, 'the copy is independent');
  db.close();
});

test('an in-memory store can be backed up to disk', async () => {
  const db = open();
  db.put('a', '1');
  const dest = tempDir();
  await db.backup(dest);
  db.close();
  const copy = open(dest);
  assert.equal(copy.getString('a'), '1');
  copy.close();
});

test('backup() rejects a non-empty destination and a closed store', async () => {
  const db = open();
  db.put('a', '1');
  const dest = tempDir();
  fs.writeFileSync(path.join(dest, 'something'), 'x');
  await rejectsCode(db.backup(dest), 'ERR_SCALODB_INVALID_ARGUMENT');
  assert.deepEqual(fs.readdirSync(dest), ['something'], 'the destination is left alone');
  db.close();
  await rejectsCode(db.backup(path.join(tempDir(), 'new')), 'ERR_SCALODB_CLOSED');
});
