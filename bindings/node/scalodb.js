// scalodb.js: the package's entry point (package.json "main"). It runs the loader that napi-rs
// generates (index.js), which finds the native addon: scalodb.linux-x64-gnu.node beside it in a
// source checkout after `npm run build`, or the platform package scalodb-linux-x64-gnu that npm
// installs from the published package's optionalDependencies. When neither is there, that loader
// throws an error carrying every path it tried; a user needs one sentence saying what to do, so
// this file replaces it. The exports are listed one by one so that Node's ES module import sees
// them by name (test/loader.test.mjs holds this list equal to index.js's).
'use strict';

let binding;
try {
  binding = require('./index.js');
} catch (err) {
  if (!(err instanceof Error) || !err.message.startsWith('Cannot find native binding')) throw err;
  const target = `${process.platform}-${process.arch}`;
  const sentence =
    `scalodb: no native addon for ${target} is installed: in a source checkout run \`npm run build\` ` +
    `in bindings/node (it needs Rust), otherwise run \`npm install scalodb\` again so that npm adds ` +
    `the platform package (prebuilt for linux-x64 with glibc 2.17 or later only).`;
  const missing = new Error(sentence);
  missing.code = 'ERR_SCALODB_NO_ADDON';
  missing.stack = `Error: ${sentence}`;
  throw missing;
}

// The collection methods that take a rest parameter (`db.lpush(key, ...values)`,
// `db.sinter(...keys)`): napi-rs reads a fixed number of arguments, so the addon takes those
// values as one array, and each method is wrapped here to gather them. The typings (index.d.ts)
// declare the rest form. Requiring index.js on its own leaves the array form, which refuses
// anything but an array, so a value is never dropped silently.
const proto = binding.DB.prototype;
const restAfterKey = ['hmget', 'hdel', 'lpush', 'rpush', 'lpushx', 'rpushx', 'sadd', 'srem', 'smismember',
  'zrem', 'zmscore', 'sinterstore', 'sunionstore', 'sdiffstore'];
for (const name of restAfterKey) {
  const native = proto[name];
  proto[name] = { [name](key, ...rest) { return native.call(this, key, rest); } }[name];
}
for (const name of ['sinter', 'sunion', 'sdiff']) {
  const native = proto[name];
  proto[name] = { [name](...keys) { return native.call(this, keys); } }[name];
}

module.exports = binding;
module.exports.__napiBindingTarget = binding.__napiBindingTarget;
module.exports.DB = binding.DB;
module.exports.Database = binding.Database;
module.exports.Scan = binding.Scan;
module.exports.Server = binding.Server;
module.exports.Snapshot = binding.Snapshot;
module.exports.Transaction = binding.Transaction;
module.exports.WriteBatch = binding.WriteBatch;
module.exports.open = binding.open;
module.exports.version = binding.version;
