// Concurrency with worker_threads: the addon loads in several threads at once, each worker
// hammers its own store while the main thread reads and writes its own, and a directory already
// open in this process cannot be opened again from another thread (ERR_SCALODB_LOCKED).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { open } from '../index.js';
import { tempDir } from './helpers.mjs';

const WORKERS = 4;
const COUNT = 5000;

test('workers each write their own store while the main thread reads its own', async () => {
  const root = tempDir();
  const mainDir = path.join(root, 'main');
  const db = open(mainDir);
  for (let i = 0; i < 1000; i++) db.put(`m${i}`, `v${i}`);
  const snap = db.snapshot();

  const results = Array.from({ length: WORKERS }, (_, id) => {
    const worker = new Worker(new URL('./fixtures/worker-store.mjs', import.meta.url), {
      workerData: { dir: path.join(root, `w${id}`), lockedDir: mainDir, id, count: COUNT },
    });
    return new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => code !== 0 && reject(new Error(`worker ${id} exited with ${code}`)));
    });
  });

  // The main thread keeps working while the workers run: reads of its store stay correct, and
  // its own writes do not disturb the snapshot it holds.
  let rounds = 0;
  let settled = false;
  const all = Promise.all(results).finally(() => (settled = true));
  while (!settled) {
    for (let i = 0; i < 1000; i++) assert.equal(db.getString(`m${i}`), `v${i}`);
    db.put(`round${rounds}`, 'x');
    assert.equal(snap.has(`round${rounds}`), false);
    rounds++;
    await new Promise((r) => setImmediate(r));
  }
  const reports = await all;
  assert.ok(rounds > 0);
  for (const r of reports) {
    assert.equal(r.readBack, COUNT, `worker ${r.id} read back its keys`);
    assert.equal(r.scanned, COUNT);
    assert.equal(r.keys, COUNT);
    assert.equal(r.lockedCode, 'ERR_SCALODB_LOCKED');
  }
  assert.equal(db.stats().keys, 1000 + rounds);
  snap.close();
  db.close();

  // Each worker's store was closed by its worker, so this thread can open and check it.
  for (let id = 0; id < WORKERS; id++) {
    const w = open(path.join(root, `w${id}`));
    assert.equal(w.stats().keys, COUNT);
    assert.equal(w.getString(`w${id}:${String(COUNT - 1).padStart(6, '0')}`), `v${COUNT - 1}`);
    w.close();
  }
});
