// Shared test helpers: temporary store directories (removed when the process exits), an
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

/** A seeded pseudo-random generator (mulberry32): `rnd()` in [0, 1), `rnd.int(n)` in [0, n),
 *  `rnd.pick(list)`; the same seed gives the same sequence, so a failure replays. */
export function seeded(seed) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  rnd.int = (n) => Math.floor(rnd() * n);
  rnd.pick = (list) => list[rnd.int(list.length)];
  return rnd;
}

/** Redis's `start..stop` (both included, negative from the end) as a slice of `len` items. */
export function clamp(len, start, stop) {
  let s = start < 0 ? len + start : start;
  let e = stop < 0 ? len + stop : stop;
  if (s < 0) s = 0;
  if (e >= len) e = len - 1;
  return s > e || s >= len ? [0, 0] : [s, e + 1];
}
