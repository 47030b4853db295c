#!/usr/bin/env bash
# dist-node.sh: the two npm tarballs in dist/node, in napi-rs's layout. The platform package
# scalodb-linux-x64-gnu (bindings/node/npm/linux-x64-gnu) carries the addon that
# `cargo zigbuild --profile dist` built for glibc 2.17; the main package scalodb carries the
# JavaScript (the entry point, the generated loader, the typings) and no addon, and names the
# platform package as an exact-version optional dependency, added here as napi-rs's pre-publish
# step does (the checkout's package.json leaves it out: npm could not resolve it before it is
# published). Development-only fields are dropped from the published package.json.
set -euo pipefail
source "$(dirname "$0")/common.sh"

out=${CARGO_TARGET_DIR:-$REPO/target}/$TARGET/dist
node_dir=$REPO/bindings/node
stage=$(mktemp -d /tmp/rel-dist-node-XXXXXX)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$DIST/node" "$stage/main" "$stage/platform"

cp "$node_dir/npm/linux-x64-gnu/package.json" "$node_dir/npm/linux-x64-gnu/README.md" "$stage/platform/"
install -m 0755 "$out/libscalodb_node.so" "$stage/platform/scalodb.linux-x64-gnu.node"

cp "$node_dir/scalodb.js" "$node_dir/index.js" "$node_dir/index.d.ts" "$node_dir/README.md" "$stage/main/"
node -e '
const fs = require("fs");
const [src, dst, platform] = process.argv.slice(1);
const pkg = JSON.parse(fs.readFileSync(src, "utf8"));
const plat = JSON.parse(fs.readFileSync(platform, "utf8"));
delete pkg.devDependencies;
delete pkg.scripts;
pkg.optionalDependencies = { [plat.name]: plat.version };
fs.writeFileSync(dst, JSON.stringify(pkg, null, 2) + "\n");
' "$node_dir/package.json" "$stage/main/package.json" "$stage/platform/package.json"

for pkg in main platform; do
    (cd "$stage/$pkg" && npm pack --silent --pack-destination "$DIST/node" >/dev/null)
done
ls "$DIST/node"
