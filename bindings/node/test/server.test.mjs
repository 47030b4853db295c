// db.serve(): the Redis-protocol server started from Node, driven by a real Redis client
// (ioredis) over TCP, then stopped gracefully.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createRequire } from 'node:module';

import { open, Server } from '../index.js';
import { tempDir, throwsCode } from './helpers.mjs';

const require = createRequire(import.meta.url);
const Redis = require('ioredis');

/** A client that fails fast instead of reconnecting, so a test never hangs on a dead server. */
function client(port, options = {}) {
  return new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...options,
  });
}

/** Whether a TCP connection to `port` on loopback is accepted. */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('ioredis reads and writes the store through db.serve() until stop()', async () => {
  const db = open(tempDir());
  const server = db.serve({ addr: '127.0.0.1:0' });
  assert.ok(server instanceof Server);
  assert.ok(server.port > 0);
  assert.equal(server.address, `127.0.0.1:${server.port}`);

  const redis = client(server.port);
  await redis.connect();
  assert.equal(await redis.set('greeting', 'hello'), 'OK');
  assert.equal(await redis.get('greeting'), 'hello');
  assert.equal(db.getString('greeting'), 'hello', 'the server writes the same store');
  db.put('from-node', 'native');
  assert.equal(await redis.get('from-node'), 'native');
  assert.equal(await redis.get('missing'), null);

  assert.equal(await redis.incr('hits'), 1);
  assert.equal(await redis.incrby('hits', 41), 42);
  assert.equal(db.increment('hits'), 43, 'the counter is shared with db.increment');

  assert.equal(await redis.ttl('greeting'), -1, 'no TTL');
  assert.equal(await redis.ttl('missing'), -2, 'no key');
  assert.equal(await redis.expire('greeting', 100), 1);
  const ttl = await redis.ttl('greeting');
  assert.ok(ttl > 90 && ttl <= 100, `TTL was ${ttl}`);
  const ms = db.ttl('greeting');
  assert.ok(ms > 90_000 && ms <= 100_000, 'db.ttl sees the TTL set over the protocol');

  const replies = await redis.multi().set('a', '1').incr('a').get('a').exec();
  assert.deepEqual(replies, [
    [null, 'OK'],
    [null, 2],
    [null, '2'],
  ]);
  assert.equal(db.getString('a'), '2');

  // A stop waits for connected clients to be closed, then nothing is accepted any more.
  await server.stop();
  await server.wait();
  await server.stop();
  assert.equal(await accepts(server.port), false);
  await assert.rejects(redis.get('a'));
  redis.disconnect();
  assert.equal(db.getString('a'), '2', 'the store stays open after the server stops');
  db.close();
});

test('a password is required when set', async () => {
  const db = open();
  const server = db.serve({ addr: '127.0.0.1:0', password: 's3cret', maxConns: 4 });
  // Without the password (or with a wrong one) the handshake is refused and ioredis gives up.
  for (const [password, refusal] of [
    [undefined, /NOAUTH/],
    ['nope', /WRONGPASS/],
  ]) {
    const errors = [];
    const redis = client(server.port, { password });
    redis.on('error', (e) => errors.push(e));
    await assert.rejects(async () => {
      await redis.connect();
      await redis.set('k', 'v');
    });
    redis.disconnect();
    assert.ok(
      errors.some((e) => refusal.test(e.message)),
      `expected ${refusal}, got ${errors.map((e) => e.message)}`,
    );
  }
  assert.equal(db.get('k'), null);
  const authed = client(server.port, { password: 's3cret' });
  await authed.connect();
  assert.equal(await authed.set('k', 'v'), 'OK');
  assert.equal(db.getString('k'), 'v');
  authed.disconnect();
  await server.stop();
  db.close();
});

test('wait() resolves only after stop()', async () => {
  const db = open();
  const server = db.serve({ addr: '127.0.0.1:0', threads: 1 });
  let stopped = false;
  const waiting = server.wait().then(() => {
    assert.equal(stopped, true, 'wait() resolved before stop()');
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await accepts(server.port), true);
  stopped = true;
  await server.stop();
  await waiting;
  db.close();
});

test('bad options and a busy port fail with codes', async () => {
  const db = open();
  throwsCode(() => db.serve({ addr: '127.0.0.1:0', maxConns: 0 }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.serve({ addr: '127.0.0.1:0', idleTimeoutMs: -1 }), 'ERR_SCALODB_INVALID_ARGUMENT');
  throwsCode(() => db.serve({ addr: 'not an address' }), 'ERR_SCALODB_IO');
  const server = db.serve({ addr: '127.0.0.1:0' });
  throwsCode(() => db.serve({ addr: server.address }), 'ERR_SCALODB_IO');
  await server.stop();
  db.close();
});

test('db.serve({ metricsAddr }) answers Prometheus scrapes at /metrics', async () => {
  const db = open(tempDir());
  db.put('a', '1');
  const server = db.serve({ addr: '127.0.0.1:0', metricsAddr: '127.0.0.1:0' });
  try {
    const addr = server.metricsAddress;
    assert.ok(addr && !addr.endsWith(':0'), `metricsAddress ${addr}`);
    const resp = await fetch(`http://${addr}/metrics`);
    assert.equal(resp.status, 200);
    assert.match(await resp.text(), /^redis_db_keys\{db="db0"\} 1$/m);
  } finally {
    await server.stop();
  }
  const plain = db.serve({ addr: '127.0.0.1:0' });
  assert.equal(plain.metricsAddress, null);
  await plain.stop();
  db.close();
});
