// Memory stays bounded in long loops that never yield to the event loop: scans and snapshots
// opened, read and closed, or dropped and left to the garbage collector; transactions and
// WriteBatch objects; batched and single writes; and servers dropped without stop(). Each loop
// runs in a child process with --expose-gc (fixtures/rss-loop.mjs, fixtures/server-drop.mjs), so
// its resident set size is its own, and reports VmRSS samples taken after a warm-up part; the
// growth past the first sample must stay under a limit. Before the addon let the garbage collector
// run its finalizers (src/finalizers.rs), every object collected in such a loop left its native
// memory behind until the loop yielded: from 300 bytes per snapshot to a whole read-ahead chunk
// per unclosed scan.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Runs `fixture` in a child node with --expose-gc and returns the JSON it printed. */
function runChild(name, ...args) {
  const out = execFileSync(process.execPath, ['--expose-gc', fixture(name), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

/** Runs one scenario of rss-loop.mjs and checks that RSS grew less than `limit` MiB. */
function rssBounded(scenario, limit) {
  const { samples } = runChild('rss-loop.mjs', scenario, String(limit));
  assert.ok(samples.length >= 2, `${scenario}: too few samples`);
  const growth = Math.max(...samples) - samples[0];
  const series = samples.map((s) => s.toFixed(1)).join(' ');
  assert.ok(growth < limit, `${scenario}: RSS grew ${growth.toFixed(1)} MiB (limit ${limit}): ${series} MiB`);
}

// Reads and the binding's own objects hold nothing once collected: a tight limit, which the
// 200 000 iterations would pass by several times if each one left even 300 bytes behind.
const READS_MIB = 16;
// The bound for writes: the store is in memory, but its 1 000 keys take about 200 KB.
const WRITES_MIB = 64;

test('200 000 scans opened, read and closed: RSS stays bounded', () => rssBounded('scan-close', READS_MIB));

test('200 000 scans read and dropped unclosed, then collected: RSS stays bounded', () =>
  rssBounded('scan-drop', READS_MIB));

test('200 000 snapshots opened, read and closed: RSS stays bounded', () =>
  rssBounded('snapshot-close', READS_MIB));

test('200 000 snapshots read and dropped unclosed, then collected: RSS stays bounded', () =>
  rssBounded('snapshot-drop', READS_MIB));

test('200 000 read-only transactions: RSS stays bounded', () => rssBounded('transaction', READS_MIB));

test('120 000 WriteBatch objects of 16 puts dropped unwritten: RSS stays bounded', () =>
  rssBounded('batch-drop', READS_MIB));

test('2 000 000 single puts over 1 000 keys: RSS stays bounded', () => rssBounded('single', WRITES_MIB));

test('2 000 000 puts over 1 000 keys in WriteBatches of 16: RSS stays bounded', () =>
  rssBounded('batch', WRITES_MIB));

test('servers dropped without stop() are stopped by the garbage collection, a kept one serves on', () => {
  const { perRound, threads, keptAnswers } = runChild('server-drop.mjs');
  // Every server has at least one thread of its own: had the dropped ones stayed up until the
  // event loop turned, each round would have added `perRound` threads.
  assert.ok(threads.at(-1) - threads[0] < perRound, `threads after each round: ${threads.join(' ')}`);
  assert.equal(keptAnswers, true);
});
