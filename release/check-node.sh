#!/usr/bin/env bash
# check-node.sh: the npm tarballs in dist/node as a Node user installs them. In an empty project
# with a fresh HOME, npm cache and user config, npm's global config cancelled and no cargo/rustc
# on PATH: the main tarball must carry no .node file and name the platform package at exactly
# this version; `npm install --offline` of the two tarballs (nothing can come from the registry);
# a CommonJS and an ES module script write, reopen and read, and check version(). Then the main
# package alone, without its platform package, must fail to load with one sentence.
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [ -z "${REL_INSIDE:-}" ]; then
    clean_workdir node
    p=$(clean_path node npm tar)
    in_clean_env "$p" REL_INSIDE=1 WORK="$WORK" DIST="$DIST" bash "$0"
    exit
fi

main=$DIST/node/scalodb-$VERSION.tgz
platform=$DIST/node/scalodb-linux-x64-gnu-$VERSION.tgz
mkdir -p "$WORK/app" && cd "$WORK/app"
check "no cargo or rustc on PATH" no_rust

no_addon() { tar tzf "$main" >"$WORK/main.list" && grep -q '^package/index.js$' "$WORK/main.list" && ! grep -q '\.node$' "$WORK/main.list"; }
check "the main tarball has the loader and no .node file" no_addon
addon() { tar tzf "$platform" | grep -qx 'package/scalodb.linux-x64-gnu.node'; }
check "the platform tarball carries scalodb.linux-x64-gnu.node" addon
manifest() {
    tar xzf "$main" -O package/package.json >"$WORK/main.json" && tar xzf "$platform" -O package/package.json >"$WORK/platform.json" &&
        node -e '
const [m, p, v] = [require(process.argv[1]), require(process.argv[2]), process.argv[3]];
const ok = m.name === "scalodb" && m.version === v && m.optionalDependencies &&
  m.optionalDependencies["scalodb-linux-x64-gnu"] === v && Object.keys(m.optionalDependencies).length === 1 &&
  p.name === "scalodb-linux-x64-gnu" && p.version === v && p.main === "scalodb.linux-x64-gnu.node" &&
  JSON.stringify([p.os, p.cpu, p.libc]) === JSON.stringify([["linux"], ["x64"], ["glibc"]]);
if (!ok) { console.error(JSON.stringify({ main: m, platform: p }, null, 1)); process.exit(1); }
' "$WORK/main.json" "$WORK/platform.json" "$VERSION"
}
check "optionalDependencies: exactly scalodb-linux-x64-gnu@$VERSION; platform package os/cpu/libc/main" manifest

install() {
    npm init -y >/dev/null && npm install --offline --no-audit --no-fund "$main" "$platform" >"$WORK/npm.log" 2>&1 &&
        [ "$(node -p 'require("scalodb-linux-x64-gnu/package.json").version')" = "$VERSION" ] || { cat "$WORK/npm.log"; return 1; }
}
check "npm install --offline of the two tarballs into a fresh project" install

cat >use.cjs <<'JS'
const assert = require('node:assert/strict');
const { open, version } = require('scalodb');
const [dir, want] = process.argv.slice(2);
assert.equal(version(), want);
let db = open(dir);
db.put('release', 'npm');
db.close();
db = open(dir);
assert.equal(db.getString('release'), 'npm');
db.close();
console.log(`scalodb ${version()} (CommonJS): wrote, reopened and read back`);
JS
cat >use.mjs <<'JS'
import assert from 'node:assert/strict';
import { open, version } from 'scalodb';
const [dir, want] = process.argv.slice(2);
assert.equal(version(), want);
let db = open(dir);
await db.putAsync('release', 'esm');
await db.closeAsync();
db = open(dir);
assert.equal(db.getString('release'), 'esm');
db.close();
console.log(`scalodb ${version()} (ES module): wrote, reopened and read back`);
JS
check "CommonJS: write, reopen, read, version()" node use.cjs "$WORK/db-cjs" "$VERSION"
check "ES module: write, reopen, read, version()" node use.mjs "$WORK/db-esm" "$VERSION"

alone() {
    mkdir -p "$WORK/alone" && cd "$WORK/alone" && npm init -y >/dev/null &&
        npm install --offline --no-audit --no-fund --omit=optional "$main" >/dev/null 2>&1 &&
        ! node -e 'require("scalodb")' 2>"$WORK/alone.err" && cd "$WORK/app" &&
        [ "$(grep -c '^Error' "$WORK/alone.err")" = 1 ] && grep -q '^Error: scalodb: no native addon' "$WORK/alone.err" &&
        ! grep -qE '^\s+at |Cannot find module' "$WORK/alone.err" || { cat "$WORK/alone.err"; return 1; }
}
check "the main package without its platform package: one sentence, no stack trace" alone

tally "dist-check Node"
