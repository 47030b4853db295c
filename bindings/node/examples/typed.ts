// A TypeScript program over the package's typings; `npm run typecheck` (part of the tests)
// compiles it with `tsc --noEmit`, so a change that breaks the declared API fails the tests.
import { open, WriteBatch, type DB, type Entry, type OpenOptions, type ScanOptions, type Stats } from '../index.js';

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
}
void misuse;
