// A TypeScript program over the package's typings; `npm run typecheck` (part of the tests)
// compiles it with `tsc --noEmit`, so a change that breaks the declared API fails the tests.
import {
  open,
  WriteBatch,
  type CasResult,
  type DB,
  type Entry,
  type FieldValue,
  type HashScanPage,
  type OpenOptions,
  type ScanOptions,
  type ScoredMember,
  type Server,
  type SetScanPage,
  type Stats,
  type Transaction,
  type ZAddOptions,
  type ZRangeByOptions,
  type ZSetScanPage,
} from '../index.js';

const options: OpenOptions = { sync: 'interval', syncIntervalMs: 200, maxValueSize: 1 << 20 };

async function main(dir: string): Promise<void> {
  const db: DB = open(dir, options);
  db.put('user:1', 'alice');
  db.put(Buffer.from('user:2'), new TextEncoder().encode('bob'), { ttl: 60_000 });
  const value: Buffer | null = db.get('user:1');
  const text: string | null = db.getString('user:2');
  const present: boolean = db.has('user:3');
  const existed: boolean = db.delete('user:3');
  console.log(value?.length, text, present, existed);

  db.write(new WriteBatch().put('a', '1').delete('b'));
  await db.writeAsync(new WriteBatch().put('c', '3'));
  await db.putAsync('d', '4');
  const deleted: boolean = await db.deleteAsync('d');

  const range: ScanOptions = { gte: 'a', lt: 'z', reverse: true, limit: 10, keyEncoding: 'utf8' };
  for (const [key, val] of db.scan(range)) {
    console.log(String(key), val.length);
  }
  const entries: Entry[] = await db.scanAsync({ prefix: 'user:' });
  const snap = db.snapshot();
  const seq: number = snap.sequence;
  const firstKeys = [...snap.scan({ limit: 2 })].map(([key]) => key.toString());
  snap.close();

  const expired: boolean = db.expire('user:1', 5_000);
  const persisted: boolean = db.persist('user:1');
  const left: number | null = db.ttl('user:1');
  const cas: CasResult = db.compareAndSwap('n', null, '1');
  const current: Buffer | null = cas.current;
  const added: boolean = db.putIfAbsent('n', '2');
  const n: number = db.increment('n', 2);
  console.log(expired, persisted, left, cas.swapped, current, added, n);

  const total: number = db.transaction((tx: Transaction) => {
    const a = Number(tx.getString('a') ?? '0');
    tx.put('a', String(a + 1));
    tx.delete('b');
    return tx.scan({ prefix: 'a', valueEncoding: 'utf8' }).length + a;
  }, { retries: 3 });
  await db.backup(`${dir}-backup`);
  const server: Server = db.serve({ addr: '127.0.0.1:0', maxConns: 10, password: 'pw', idleTimeoutMs: 60_000 });
  console.log(total, server.address, server.port);
  await server.stop();
  await server.wait();

  const stats: Stats = db.stats();
  console.log(deleted, entries.length, seq, firstKeys, stats.keys, stats.walBytes);
  await db.checkpointAsync();
  await db.syncAsync();
  try {
    open(dir);
  } catch (e) {
    const code: unknown = (e as { code?: string }).code;
    console.log(code === 'ERR_SCALODB_LOCKED');
  }
  await db.closeAsync();
}

void main(process.argv[2] ?? 'example-data');

// Hashes, lists, sets and sorted sets: the result types follow the arguments (one element or
// null without a count, an array with one).
function collections(db: DB): void {
  const kind: 'string' | 'hash' | 'list' | 'set' | 'zset' | null = db.type('user:1');
  const added: number = db.hset('h', { name: 'ada', id: Buffer.from('1') });
  db.hset('h', [['a', '1'], [Buffer.from('b'), new Uint8Array([2])]]);
  db.hset('h', new Map([['c', '3']]));
  const field: Buffer | null = db.hget('h', 'name');
  const fields: Array<Buffer | null> = db.hmget('h', 'name', 'id');
  const all: Map<string, Buffer> = db.hgetall('h');
  const n: number = db.hincrby('h', 'visits', 1) + db.hdel('h', 'a', 'b');
  const one: FieldValue | null = db.hrandfield('h');
  const some: FieldValue[] = db.hrandfield('h', 2);
  const hpage: HashScanPage = db.hscan('h', null, 10);

  const len: number = db.lpush('l', 'a', 'b') + db.rpush('l', Buffer.from('c'));
  const head: Buffer | null = db.lpop('l');
  const tail: Buffer[] = db.rpop('l', 2);
  const range: Buffer[] = db.lrange('l', 0, -1);
  const at: number | null = db.lpos('l', 'a', { rank: -1 });
  const ats: number[] = db.lpos('l', 'a', { count: 0 });
  const moved: Buffer | null = db.lmove('l', 'l2', 'left', 'right');
  db.linsert('l', 'before', 'a', 'z');

  const isMember: boolean = db.sadd('s', 'x', 'y') > 0 && db.sismember('s', 'x');
  const members: Buffer[] = db.sinter('s', 's2');
  const popped: Buffer | null = db.spop('s');
  const stored: number = db.sunionstore('dst', 's', 's2') + db.sintercard(['s', 's2'], 10);
  const spage: SetScanPage = db.sscan('s');

  const flags: ZAddOptions = { gt: true, ch: true };
  const zn: number = db.zadd('z', [[1, 'a'], [2.5, 'b']], flags) + db.zadd('z', { c: 3 });
  const score: number | null = db.zscore('z', 'a');
  const byRank: ScoredMember[] = db.zrange('z', 0, -1, { reverse: true });
  const window: ZRangeByOptions = { minExclusive: true, reverse: true, offset: 0, count: 10 };
  const byScore: ScoredMember[] = db.zrangeByScore('z', 1, Infinity, window);
  const byLex: ScoredMember[] = db.zrangeByLex('z', 'a', null, { maxExclusive: true });
  const min: ScoredMember | null = db.zpopmin('z');
  const maxes: ScoredMember[] = db.zpopmax('z', 2);
  const union: ScoredMember[] = db.zunion(['z', 's'], { weights: [1, 2], aggregate: 'max' });
  const incr: number | null = db.zaddIncr('z', 1, 'a', { xx: true });
  const zpage: ZSetScanPage = db.zscan('z', null, 5);
  const [member, memberScore]: [Buffer, number] = byRank[0];
  console.log(kind, added, field, fields, all.get('name'), n, one, some, hpage.cursor, len, head, tail, range, at, ats);
  console.log(moved, isMember, members, popped, stored, spage.members, zn, score, byScore, byLex, min, maxes, union);
  console.log(incr, zpage.entries, member, memberScore);
}
void collections;

// The typings reject misuse (each line below must be a type error, or tsc fails on the unused
// directive): a number as a key, an unknown sync mode, a wrong encoding, a missing batch.
function misuse(db: DB): void {
  // @ts-expect-error keys are strings or byte arrays
  db.put(42, 'v');
  // @ts-expect-error sync is 'always' | 'interval' | 'never'
  open('x', { sync: 'sometimes' });
  // @ts-expect-error encodings are 'buffer' | 'utf8'
  db.scan({ keyEncoding: 'hex' });
  // @ts-expect-error write takes a WriteBatch
  db.write([]);
  // @ts-expect-error the transaction's result type is what the callback returns
  const s: string = db.transaction(() => 1);
  // @ts-expect-error ttl() may be null (absent key)
  const ms: number = db.ttl('k');
  // @ts-expect-error serve takes an options object
  db.serve('127.0.0.1:0');
  // @ts-expect-error values are strings or byte arrays, given one by one
  db.lpush('l', ['a', 'b']);
  // @ts-expect-error without a count, lpop returns one element
  const many: Buffer[] = db.lpop('l');
  // @ts-expect-error with a count, rpop returns an array
  const single: Buffer | null = db.rpop('l', 2);
  // @ts-expect-error hgetall returns a Map
  const obj: Record<string, Buffer> = db.hgetall('h');
  // @ts-expect-error zadd entries are [score, member]
  db.zadd('z', [['a', 1]]);
  // @ts-expect-error an unknown ZADD flag
  db.zadd('z', { a: 1 }, { incr: true });
  // @ts-expect-error list ends are 'left' | 'right'
  db.lmove('a', 'b', 'head', 'tail');
  // @ts-expect-error zrange takes rank options, not score windows
  db.zrange('z', 0, -1, { offset: 1 });
  // @ts-expect-error type() may be null
  const t: string = db.type('k');
  void s;
  void ms;
  void many;
  void single;
  void obj;
  void t;
}
void misuse;
