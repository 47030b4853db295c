#!/usr/bin/env bash
# dist.sh: `make dist`. Builds every release artifact into dist/ (emptied first) and writes
# dist/SHA256SUMS. One cargo invocation links the C library and the Node addon against glibc 2.17
# (cargo-zigbuild), maturin builds the abi3 manylinux2014 wheel the same way (--zig) and the
# sdist; then the packaging scripts lay out each language's artifacts. Before the sums are written
# the shipped shared objects pass release/check-elf.sh, the wheel auditwheel show, and the Python
# files twine check --strict. The tools come from .tools/release (`make dist-tools`).
set -euo pipefail
source "$(dirname "$0")/common.sh"

tools=$REPO/.tools/release/bin
export PATH=$tools:$PATH
cd "$REPO"
rm -rf "$DIST"
mkdir -p "$DIST/python"
step() { echo "== dist: $* ($SECONDS s)"; }

step "cargo zigbuild --profile dist: libscalodb (.so, .a) and the Node addon, for glibc $GLIBC_FLOOR"
cargo zigbuild --profile dist --target "$TARGET.$GLIBC_FLOOR" -p scalodb-ffi -p scalodb-node
step "maturin: the abi3 manylinux2014 wheel and the sdist"
# Its own target folder: maturin's zig linker settings differ from cargo-zigbuild's, and in one
# folder each build would throw away the other's compiled dependencies.
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}/dist-python maturin build --quiet --profile dist --zig --compatibility manylinux2014 --target "$TARGET" \
    --manifest-path bindings/python/Cargo.toml --interpreter "$tools/python" --out "$DIST/python"
maturin sdist --manifest-path bindings/python/Cargo.toml --out "$DIST/python"
step "C tarball"
bash release/dist-c.sh
step "npm tarballs"
bash release/dist-node.sh
step "Go module proxy tree"
bash release/dist-go.sh

step "checks of the artifacts themselves"
bash release/check-elf.sh "$DIST"/c/*.tar.gz "$DIST"/python/*.whl "$DIST"/node/*.tgz
audit=$("$tools/auditwheel" show "$DIST"/python/*.whl)
echo "$audit"
echo "$audit" | tr -s ' \n' ' ' | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"' ||
    { echo "auditwheel: the wheel is not manylinux_2_17_x86_64"; exit 1; }
"$tools/twine" check --strict "$DIST"/python/*

(cd "$DIST" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
step "done: $(wc -l <"$DIST/SHA256SUMS") files in dist/SHA256SUMS"
