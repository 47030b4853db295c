// The collection types on DB beyond their models (types.test.mjs, types.zset.test.mjs): every
// family refuses a key of another type with ERR_SCALODB_WRONG_TYPE and changes nothing, bad
// arguments fail with ERR_SCALODB_INVALID_ARGUMENT, the shapes of the results, and collections
// survive a close and reopen (from the log, and from a checkpoint).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { open } from '../scalodb.js';
import { tempDir, throwsCode } from './helpers.mjs';

const strs = (list) => list.map(String);

/** One key of each type. */
function fill(db) {
  db.put('str', 'text');
  db.hset('hash', { f: 'v' });
  db.rpush('list', 'a', 'b');
  db.sadd('set', 'm');
  db.zadd('zset', [[1, 'm']]);
}

/** Every key of `fill`, as one comparable value. */
function contents(db) {
  return {
    types: ['str', 'hash', 'list', 'set', 'zset'].map((k) => db.type(k)),
    str: db.getString('str'),
    hash: [...db.hgetall('hash')].map(([f, v]) => [f, String(v)]),
    list: strs(db.lrange('list', 0, -1)),
    set: strs(db.smembers('set')),
    zset: db.zrange('zset', 0, -1).map(([m, s]) => [String(m), s]),
  };
}

test('type() names what each key holds', () => {
  const db = open();
  fill(db);
  assert.deepEqual(contents(db).types, ['string', 'hash', 'list', 'set', 'zset']);
  assert.equal(db.type('absent'), null);
  assert.equal(db.delete('hash'), true, 'delete removes a collection key like any other');
  assert.equal(db.type('hash'), null);
  assert.equal(db.expire('list', 60_000), true, 'a TTL on a collection key');
  assert.ok(db.ttl('list') > 0);
  db.put('set', 'now a string');
  assert.equal(db.type('set'), 'string', 'put replaces a collection');
  db.close();
});

test('every family refuses a key of another type with ERR_SCALODB_WRONG_TYPE', () => {
  const db = open();
  fill(db);
  const before = contents(db);
  const wrong = (fn) => throwsCode(fn, 'ERR_SCALODB_WRONG_TYPE');
  for (const key of ['str', 'list', 'set', 'zset']) {
    wrong(() => db.hset(key, { f: 'x' }));
    wrong(() => db.hget(key, 'f'));
    wrong(() => db.hgetall(key));
    wrong(() => db.hincrby(key, 'n', 1));
    wrong(() => db.hscan(key));
  }
  for (const key of ['str', 'hash', 'set', 'zset']) {
    wrong(() => db.lpush(key, 'x'));
    wrong(() => db.rpop(key));
    wrong(() => db.lrange(key, 0, -1));
    wrong(() => db.llen(key));
    wrong(() => db.lmove('list', key, 'left', 'right'));
  }
  for (const key of ['str', 'hash', 'list', 'zset']) {
    wrong(() => db.sadd(key, 'x'));
    wrong(() => db.smembers(key));
    wrong(() => db.sismember(key, 'm'));
    wrong(() => db.sinter('set', key));
    wrong(() => db.smove('set', key, 'm'));
    wrong(() => db.sunionstore('dst', 'set', key));
  }
  for (const key of ['str', 'hash', 'list', 'set']) {
    wrong(() => db.zadd(key, [[1, 'x']]));
    wrong(() => db.zscore(key, 'm'));
    wrong(() => db.zrangeByScore(key, -Infinity, Infinity));
    wrong(() => db.zpopmin(key));
  }
  // Combinations of sorted sets accept plain sets, but no other type.
  for (const key of ['str', 'hash', 'list']) wrong(() => db.zunion(['zset', key]));
  // A hash field that is not a number.
  wrong(() => db.hincrby('hash', 'f', 1));
  wrong(() => db.hincrbyfloat('hash', 'f', 1));
  // The string API refuses a collection key.
  wrong(() => db.get('hash'));
  assert.deepEqual(contents(db), before, 'nothing changed');
  db.close();
});

test('bad arguments fail with ERR_SCALODB_INVALID_ARGUMENT', () => {
  const db = open();
  const bad = (fn) => throwsCode(fn, 'ERR_SCALODB_INVALID_ARGUMENT');
  bad(() => db.hset('h', 'not fields'));
  bad(() => db.hset('h', Buffer.from('x')));
  bad(() => db.hset('h', [['only-a-field']]));
  bad(() => db.hset('h', { f: 42 }));
  bad(() => db.sadd('s', 42));
  bad(() => db.sadd('s', ['nested']));
  bad(() => db.lpush(7, 'v'));
  bad(() => db.lrange('l', 0.5, 1));
  bad(() => db.lpop('l', -1));
  bad(() => db.linsert('l', 'beside', 'a', 'b'));
  bad(() => db.lmove('l', 'm', 'up', 'left'));
  bad(() => db.lpos('l', 'a', { rank: 0 }));
  bad(() => db.zadd('z', [['1', 'm']]));
  bad(() => db.zadd('z', { m: 1 }, { nx: true, xx: true }));
  bad(() => db.zadd('z', { m: 1 }, { gt: true, lt: true }));
  bad(() => db.hscan('h', null, 0));
  bad(() => db.hincrby('h', 'n', 1.5));
  assert.equal(db.type('h') ?? db.type('s') ?? db.type('l') ?? db.type('z'), null, 'nothing was written');
  db.close();
});

test('results: one element or null without a count, an array with one', () => {
  const db = open();
  assert.equal(db.lpop('l'), null);
  assert.deepEqual(db.lpop('l', 2), []);
  assert.equal(db.spop('s'), null);
  assert.equal(db.srandmember('s'), null);
  assert.equal(db.zpopmin('z'), null);
  assert.equal(db.hrandfield('h'), null);
  assert.equal(db.lpos('l', 'a'), null);
  assert.deepEqual(db.lpos('l', 'a', { count: 0 }), []);
  db.rpush('l', 'a', 'b', 'a');
  assert.ok(Buffer.isBuffer(db.lindex('l', 0)));
  assert.deepEqual(db.lpos('l', 'a', { count: 0 }), [0, 2]);
  db.zadd('z', { m: 2.5 });
  assert.deepEqual(db.zpopmax('z'), [Buffer.from('m'), 2.5]);
  db.hset('h', [['f', 'v']]);
  assert.deepEqual(db.hrandfield('h'), [Buffer.from('f'), Buffer.from('v')]);
  assert.equal(db.zaddIncr('z', 1, 'new', { xx: true }), null, 'XX refuses a new member');
  assert.equal(db.zscore('z', 'new'), null);
  db.close();
});

test('binary members, fields and values round-trip as Buffers', () => {
  const db = open();
  const bin = Buffer.from([0, 255, 10, 0]);
  db.hset('h', [[bin, bin]]);
  assert.deepEqual(db.hkeys('h'), [bin]);
  assert.deepEqual(db.hget('h', bin), bin);
  db.sadd('s', bin, new Uint8Array([1, 2]));
  assert.deepEqual(db.smembers('s'), [bin, Buffer.from([1, 2])]);
  assert.equal(db.sismember('s', Buffer.from([1, 2])), true);
  db.zadd('z', [[1, bin]]);
  assert.deepEqual(db.zrangeByLex('z', null, null), [[bin, 1]]);
  // hgetall's Map is keyed by the field decoded as UTF-8, whatever the name.
  db.hset('p', { __proto__x: '1', constructor: '2' });
  db.hset('p', [['__proto__', '3']]);
  assert.deepEqual([...db.hgetall('p').keys()], ['__proto__', '__proto__x', 'constructor']);
  db.close();
});

test('collections survive a close and reopen, from the log and from a checkpoint', () => {
  const dir = tempDir();
  let db = open(dir);
  fill(db);
  const bin = Buffer.from([0, 1, 2, 255]);
  db.zadd('zset', [[-2.5, bin], [Infinity, 'top']]);
  db.hincrbyfloat('hash', 'x', 0.25);
  db.lpush('list', bin);
  db.sinterstore('set2', 'set');
  const written = contents(db);
  db.close();

  db = open(dir);
  assert.deepEqual(contents(db), written, 'replayed from the log');
  assert.deepEqual(db.zrange('zset', 0, 1), [[bin, -2.5], [Buffer.from('m'), 1]]);
  assert.equal(db.zscore('zset', 'top'), Infinity);
  assert.equal(db.hget('hash', 'x').toString(), '0.25');
  assert.deepEqual(db.lindex('list', 0), bin);
  assert.deepEqual(strs(db.smembers('set2')), ['m']);
  db.checkpoint();
  db.rpush('list', 'after');
  db.srem('set2', 'm');
  db.close();

  db = open(dir);
  assert.deepEqual(strs(db.lrange('list', -1, -1)), ['after'], 'the checkpoint plus the log after it');
  assert.equal(db.type('set2'), null, 'an emptied set stays deleted');
  assert.deepEqual(contents(db).zset, written.zset);
  db.close();
});
