// The published shape of the package: `npm pack` of this folder (the main package, which carries
// no addon) and of the platform package (npm/linux-x64-gnu with the addon built here copied in),
// then `npm install` of both tarballs in a fresh project outside the repository, and a CommonJS
// and an ES module script use it from there. release/check-node.sh does the same with dist/node.
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
  for (const f of ['scalodb.js', 'index.js', 'index.d.ts', 'package.json', 'README.md']) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  assert.ok(!files.some((f) => f.endsWith('.node')), 'the main package carries no addon');
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'sources stay out of the package');

  const platformDir = path.join(work, 'linux-x64-gnu');
  fs.cpSync(path.join(root, 'npm', 'linux-x64-gnu'), platformDir, { recursive: true });
  fs.copyFileSync(path.join(root, 'scalodb.linux-x64-gnu.node'), path.join(platformDir, 'scalodb.linux-x64-gnu.node'));
  const platformPacked = JSON.parse(npm(['pack', '--json', '--pack-destination', work], platformDir));
  const platformTarball = path.join(work, platformPacked[0].filename);
  assert.ok(platformPacked[0].files.some((f) => f.path === 'scalodb.linux-x64-gnu.node'), 'the platform package carries the addon');

  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  npm(['init', '-y'], app);
  npm(['install', '--no-audit', '--no-fund', '--offline', tarball, platformTarball], app);
  fs.writeFileSync(path.join(app, 'use.cjs'), CJS);
  fs.writeFileSync(path.join(app, 'use.mjs'), ESM);

  const run = (script, dir) => execFileSync(process.execPath, [script, dir], { cwd: app, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(run('use.cjs', path.join(work, 'db-cjs'))), [['lang', 'cjs']]);
  assert.deepEqual(JSON.parse(run('use.mjs', path.join(work, 'db-esm'))), {
    lang: 'esm',
    exports: 'DB,Database,Scan,Server,Snapshot,Transaction,WriteBatch,open,version',
  });
});
