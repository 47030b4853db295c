// A TypeScript program over the package's typings; `npm run typecheck` (part of the tests)
// compiles it with `tsc --noEmit`, so a change that breaks the declared API fails the tests.
import {
  open,
  WriteBatch,
  type CasResult,
  type DB,
  type Entry,
  type OpenOptions,
  type ScanOptions,
  type Server,
  type Stats,
  type Transaction,
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
  void s;
  void ms;
}
void misuse;
