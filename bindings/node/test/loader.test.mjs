// The entry point (scalodb.js) around the generated loader (index.js): it exports by name what
// the loader exports, and where no addon is installed (a source checkout before `npm run build`)
// requiring the package fails with one sentence saying what to do, not the loader's chain of
// load errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { tempDir } from './helpers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const exportsOf = (file, from) =>
  [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(new RegExp(`^module\\.exports\\.(\\w+) = ${from}\\.`, 'gm'))]
    .map((m) => m[1])
    .sort();

test('scalodb.js exports by name everything the generated loader exports', () => {
  const generated = exportsOf('index.js', 'nativeBinding');
  assert.ok(generated.includes('open') && generated.includes('version'), generated.join(','));
  assert.deepEqual(exportsOf('scalodb.js', 'binding').filter((n) => n !== '__napiBindingTarget'), generated);
});

test('without an addon, require fails with one sentence that says how to build it', () => {
  const dir = tempDir('scalodb-noaddon-');
  for (const f of ['scalodb.js', 'index.js', 'package.json']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  const run = spawnSync(process.execPath, ['-e', "require('./scalodb.js')"], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(run.status, 0);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('Error'));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], /^Error: scalodb: no native addon .* run `npm run build` in bindings\/node/);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(run.stderr, /Cannot find module|cause/, 'none of the load errors');
});
