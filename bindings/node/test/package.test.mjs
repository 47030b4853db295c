// The published shape of the package: `npm pack` here, then `npm install <tarball>` in a fresh
// project outside the repository, and a CommonJS and an ES module script use it from there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { tempDir } from './helpers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const CJS = `
const { open, WriteBatch } = require('scalodb');
const db = open(process.argv[2]);
db.write(new WriteBatch().put('lang', 'cjs'));
const out = [...db.scan({ keyEncoding: 'utf8', valueEncoding: 'utf8' })];
db.close();
console.log(JSON.stringify(out));
`;

const ESM = `
import { open } from 'scalodb';
import * as all from 'scalodb';
const db = open(process.argv[2]);
db.put('lang', 'esm');
await db.putAsync('exports', Object.keys(all).filter((k) => k !== '__napiBindingTarget' && k !== 'default').sort().join(','));
console.log(JSON.stringify({ lang: db.getString('lang'), exports: db.getString('exports') }));
await db.closeAsync();
`;

test('npm pack, install in a fresh project, use from CommonJS and ESM', () => {
  const work = tempDir('scalodb-pack-');
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root));
  const tarball = path.join(work, packed[0].filename);
  const files = packed[0].files.map((f) => f.path);
  for (const f of ['index.js', 'index.d.ts', 'package.json', 'README.md', 'scalodb.linux-x64-gnu.node']) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'sources stay out of the package');

  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  npm(['init', '-y'], app);
  npm(['install', '--no-audit', '--no-fund', '--offline', tarball], app);
  fs.writeFileSync(path.join(app, 'use.cjs'), CJS);
  fs.writeFileSync(path.join(app, 'use.mjs'), ESM);

  const run = (script, dir) => execFileSync(process.execPath, [script, dir], { cwd: app, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(run('use.cjs', path.join(work, 'db-cjs'))), [['lang', 'cjs']]);
  assert.deepEqual(JSON.parse(run('use.mjs', path.join(work, 'db-esm'))), {
    lang: 'esm',
    exports: 'DB,Database,Scan,Server,Snapshot,Transaction,WriteBatch,open',
  });
});
