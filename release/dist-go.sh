#!/usr/bin/env bash
# dist-go.sh: the Go module as the Go module proxy would serve it, in dist/goproxy (a tree that
# GOPROXY=file://... reads). In a temporary clone of the committed HEAD it makes a release commit
# that adds the prebuilt static library (glibc 2.17, `cargo zigbuild --profile dist`) to
# bindings/go/lib/linux_amd64, tags it bindings/go/vVERSION, and zips the module from that tag
# with golang.org/x/mod/zip (release/gomodzip). The main branch never carries the binary. The
# module's dependencies are downloaded from the configured proxy (`go mod download -json`) and
# copied beside it in the same layout, so the tree is complete on its own.
set -euo pipefail
source "$(dirname "$0")/common.sh"

out=${CARGO_TARGET_DIR:-$REPO/target}/$TARGET/dist
proxy=$DIST/goproxy
tag=bindings/go/v$VERSION
work=$(mktemp -d /tmp/rel-dist-go-XXXXXX)
trap 'rm -rf "$work"' EXIT
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

if [ -n "$(git -C "$REPO" status --porcelain -- bindings/go include)" ]; then
    echo "dist-go: note: bindings/go or include has uncommitted changes; the module is made from HEAD"
fi
git clone -q --no-hardlinks "$REPO" "$work/repo"
cd "$work/repo"
git checkout -q -B "go-module-v$VERSION"
mkdir -p bindings/go/lib/linux_amd64
install -m 0644 "$out/libscalodb_ffi.a" bindings/go/lib/linux_amd64/libscalodb.a
cmp -s include/scalodb.h bindings/go/include/scalodb.h
git add -f bindings/go/lib/linux_amd64/libscalodb.a
# The release commit takes HEAD's time, so the same HEAD gives the same module.
when=$(git log -1 --format=%cI)
GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when git -c user.name="ScaloDB release" -c user.email=release@scalodb.invalid \
    commit -q -m "Release the Go module v$VERSION: add the prebuilt libscalodb.a for linux/amd64"
git tag "$tag"

(cd "$REPO/release/gomodzip" && go build -o "$work/gomodzip" .)
mod=$proxy/$GO_MODULE/@v
mkdir -p "$mod"
"$work/gomodzip" -repo "$work/repo" -rev "$tag" -subdir bindings/go -module "$GO_MODULE" -version "v$VERSION" \
    -out "$mod/v$VERSION.zip"
git show "$tag:bindings/go/go.mod" >"$mod/v$VERSION.mod"
time=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ "$tag")
printf '{"Version":"v%s","Time":"%s"}\n' "$VERSION" "$time" >"$mod/v$VERSION.info"
echo "v$VERSION" >"$mod/list"

# The dependencies, from the configured proxy into a private module cache, then copied over.
export GOMODCACHE=$work/modcache GOPATH=$work/gopath GOCACHE=$work/gocache
(cd bindings/go && go mod download -json all) >"$work/deps.json"
cache=$GOMODCACHE/cache/download
python3 - "$work/deps.json" "$cache" "$proxy" <<'PY'
import json, os, shutil, sys
deps, cache, proxy = sys.argv[1:]
text = open(deps).read()
decoder, pos, seen = json.JSONDecoder(), 0, 0
while pos < len(text):
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    m, pos = decoder.raw_decode(text, pos)
    if not m.get("Version"):
        continue
    if m.get("Error"):
        sys.exit(f"go mod download {m['Path']}@{m['Version']}: {m['Error']}")
    for key in ("Info", "GoMod", "Zip"):
        if m.get(key):
            rel = os.path.relpath(m[key], cache)
            os.makedirs(os.path.join(proxy, os.path.dirname(rel)), exist_ok=True)
            shutil.copyfile(m[key], os.path.join(proxy, rel))
    listing = os.path.join(proxy, os.path.relpath(os.path.dirname(m["GoMod"]), cache), "list")
    versions = set(open(listing).read().split()) if os.path.exists(listing) else set()
    versions.add(m["Version"])
    open(listing, "w").write("".join(v + "\n" for v in sorted(versions)))
    seen += 1
print(f"dist/goproxy: {seen} dependencies of the module")
PY
echo "dist/goproxy: $GO_MODULE@v$VERSION"
