// Crash safety through the binding: a child process writing as fast as it can is killed with
// SIGKILL; the store is reopened and every write the child saw acknowledged must be there.
// Rounds alternate the default durability (a returned write has reached the OS) and
// `sync: 'always'` with `putAsync`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { open } from '../index.js';
import { tempDir } from './helpers.mjs';

const WRITER = fileURLToPath(new URL('./fixtures/kill-writer.cjs', import.meta.url));
const ROUNDS = Number(process.env.KILL_ROUNDS_NODE ?? 6);

/** Runs the writer from `start` until it has acknowledged `atLeast` more writes, then kills it. */
function runAndKill(dir, mode, start, atLeast) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, mode, String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = start - 1;
    let pending = '';
    let killed = false;
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) last = Number(line);
      if (!killed && last - start + 1 >= atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      // Lines that arrived between the kill and the exit are acknowledgements too.
      for (const line of pending.split('\n')) if (line) last = Number(line);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code} before it was killed`));
      else resolve(last);
    });
  });
}

test('every acknowledged write survives a SIGKILL of the writer', async () => {
  const dir = tempDir();
  let next = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const mode = round % 2 === 0 ? 'interval' : 'always';
    // A varying amount of work so the kill lands at different points of the log.
    const last = await runAndKill(dir, mode, next, mode === 'always' ? 50 + round * 20 : 2000 + round * 1500);
    assert.ok(last >= next, `round ${round} acknowledged writes`);
    const db = open(dir);
    for (let i = 0; i <= last; i++) {
      const key = `key:${String(i).padStart(8, '0')}`;
      assert.equal(db.getString(key), `value-${i}`, `round ${round} (${mode}): acknowledged ${key} is missing`);
    }
    db.close();
    next = last + 1;
  }
  assert.ok(next > ROUNDS);
});
