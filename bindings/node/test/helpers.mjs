// Shared test helpers: temporary store directories (removed when the process exits) and an
// assertion that a call fails with a given ScaloDB error code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = [];
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh empty directory under the system temp dir. */
export function tempDir(label = 'scalodb-node-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), label));
  made.push(dir);
  return dir;
}

/** Asserts that `fn()` throws an Error whose `code` is `code`. */
export function throwsCode(fn, code) {
  assert.throws(fn, (e) => e instanceof Error && e.code === code, `expected ${code}`);
}

/** Asserts that `promise` rejects with an Error whose `code` is `code`. */
export async function rejectsCode(promise, code) {
  await assert.rejects(promise, (e) => e instanceof Error && e.code === code, `expected ${code}`);
}

/** The entries of a scan as `[key, value]` strings. */
export function texts(scan) {
  return [...scan].map(([k, v]) => [k.toString(), v.toString()]);
}
