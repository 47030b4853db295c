// Puts and gets of N keys (default 1 000 000) with the scalodb package beside lmdb-js, classic-level
// and a plain Map, in one process, printed as operations per second and as ratios to scalodb.
// Each contender uses its fastest idiomatic API: scalodb and lmdb sync calls, lmdb's batched
// async put, classic-level's batch() and getMany() in chunks (its per-call API is async only).
// Every get returns a fresh Buffer the caller owns (lmdb's getBinary, not its getBinaryFast,
// whose Buffer the next read overwrites).
//
// Durability, so that puts compare like with like: scalodb runs with its default
// `sync: 'interval'` (each put is in the OS page cache when it returns, so it survives a killed
// process; a background fsync every second). lmdb-js runs with its defaults: puts are gathered
// into transactions committed on another thread, each written and then fsynced (overlappingSync),
// so it is at least as durable; the time counted ends when the last put's commit has resolved.
// classic-level writes each batch to its log without fsync (LevelDB's default sync: false).
//
// Usage: node bench.mjs [N]   (or BENCH_N=...). A contender that cannot be loaded is skipped,
// with the reason printed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 1_000_000);
const CHUNK = 1000;
const VALUE = Buffer.alloc(100, 'v');
const keys = Array.from({ length: N }, (_, i) => `key:${String(i).padStart(10, '0')}`);
// Gets visit the keys in a shuffled order (fixed seed), so no contender gains from sequential access.
const order = Array.from({ length: N }, (_, i) => i);
let seed = 42;
for (let i = N - 1; i > 0; i--) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  const j = seed % (i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scalodb-bench-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

async function time(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function check(got, i) {
  if (!got || got.length !== VALUE.length) throw new Error(`wrong value read back for key ${i}`);
}

const contenders = {
  async scalodb() {
    const { open } = require('..');
    const db = open(path.join(root, 'scalodb'));
    const put = await time(() => {
      for (let i = 0; i < N; i++) db.put(keys[i], VALUE);
    });
    const get = await time(() => {
      for (const i of order) check(db.get(keys[i]), i);
    });
    db.close();
    return { put, get, how: "put()/get() sync calls, sync: 'interval'" };
  },
  async lmdb() {
    const { open } = require('lmdb');
    const db = open({ path: path.join(root, 'lmdb'), encoding: 'binary', compression: false });
    const put = await time(async () => {
      let last;
      for (let i = 0; i < N; i++) last = db.put(keys[i], VALUE);
      await last;
    });
    const get = await time(() => {
      for (const i of order) check(db.getBinary(keys[i]), i);
    });
    await db.close();
    return { put, get, how: 'put() batched async transactions (fsynced), getBinary() sync' };
  },
  async 'classic-level'() {
    const { ClassicLevel } = require('classic-level');
    const db = new ClassicLevel(path.join(root, 'level'), { keyEncoding: 'utf8', valueEncoding: 'buffer' });
    await db.open();
    const put = await time(async () => {
      for (let i = 0; i < N; i += CHUNK) {
        await db.batch(keys.slice(i, i + CHUNK).map((key) => ({ type: 'put', key, value: VALUE })));
      }
    });
    const get = await time(async () => {
      for (let i = 0; i < N; i += CHUNK) {
        const values = await db.getMany(order.slice(i, i + CHUNK).map((j) => keys[j]));
        values.forEach((v, j) => check(v, i + j));
      }
    });
    await db.close();
    return { put, get, how: `batch()/getMany() in chunks of ${CHUNK}` };
  },
  async Map() {
    const map = new Map();
    const put = await time(() => {
      for (let i = 0; i < N; i++) map.set(keys[i], VALUE);
    });
    const get = await time(() => {
      for (const i of order) check(map.get(keys[i]), i);
    });
    return { put, get, how: 'in-process Map, no persistence' };
  },
};

const rate = (secs) => Math.round(N / secs);
const fmt = (n) => n.toLocaleString('en-US').padStart(12);
console.log(`node ${process.version}, ${N.toLocaleString('en-US')} keys of ${keys[0].length} bytes, values of ${VALUE.length} bytes`);
const results = {};
for (const [name, run] of Object.entries(contenders)) {
  try {
    results[name] = await run();
  } catch (e) {
    console.log(`${name}: skipped (${e.code ?? ''} ${e.message.split('\n')[0]})`);
  }
}
const base = results.scalodb;
console.log(`${'store'.padEnd(14)}${'puts/s'.padStart(12)}${'gets/s'.padStart(12)}  put ratio  get ratio  (scalodb / other; >1 means scalodb is faster)`);
for (const [name, r] of Object.entries(results)) {
  const pr = base ? (r.put / base.put).toFixed(2) : '-';
  const gr = base ? (r.get / base.get).toFixed(2) : '-';
  console.log(`${name.padEnd(14)}${fmt(rate(r.put))}${fmt(rate(r.get))}  ${pr.padStart(9)}  ${gr.padStart(9)}  ${r.how}`);
}
