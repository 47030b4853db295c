#!/usr/bin/env bash
# dist-c.sh: the C release tarball, dist/c/scalodb-VERSION-x86_64-linux-gnu.tar.gz, from the
# libraries `cargo zigbuild --profile dist` built (release/dist.sh runs it first): the shared
# library under its versioned name with the .so.0 and .so links, the static library, the header,
# a relocatable scalodb.pc and the CMake package files. The tar is made reproducible (sorted
# names, owner 0, the commit's time).
set -euo pipefail
source "$(dirname "$0")/common.sh"

out=${CARGO_TARGET_DIR:-$REPO/target}/$TARGET/dist
name=scalodb-$VERSION-x86_64-linux-gnu
stage=$(mktemp -d /tmp/rel-dist-c-XXXXXX)
trap 'rm -rf "$stage"' EXIT
root=$stage/$name
mkdir -p "$root/lib/pkgconfig" "$root/lib/cmake/scalodb" "$root/include" "$DIST/c"

install -m 0755 "$out/libscalodb_ffi.so" "$root/lib/libscalodb.so.$VERSION"
ln -s "libscalodb.so.$VERSION" "$root/lib/libscalodb.so.0"
ln -s libscalodb.so.0 "$root/lib/libscalodb.so"
install -m 0644 "$out/libscalodb_ffi.a" "$root/lib/libscalodb.a"
install -m 0644 "$REPO/include/scalodb.h" "$root/include/scalodb.h"
for f in pkgconfig/scalodb.pc:scalodb.pc.in cmake/scalodb/scalodbConfig.cmake:scalodbConfig.cmake.in \
    cmake/scalodb/scalodbConfigVersion.cmake:scalodbConfigVersion.cmake.in; do
    sed "s|@VERSION@|$VERSION|g" "$REPO/release/c/${f#*:}" >"$root/lib/${f%%:*}"
done

epoch=$(git -C "$REPO" log -1 --format=%ct)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$name" |
    gzip -n -9 >"$DIST/c/$name.tar.gz"
echo "dist/c/$name.tar.gz"
