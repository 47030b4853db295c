#!/usr/bin/env bash
# dist-check.sh: `make dist-check`. Checks what dist/ holds: the sums, the ELF rules (and that
# the ELF check rejects a library linked here against this machine's newer glibc, so a pass means
# something), then each language's clean-room install and use (check-c.sh, check-python.sh,
# check-node.sh, check-go.sh). Each prints "N passed, N failed"; this exits non-zero if any failed.
set -euo pipefail
source "$(dirname "$0")/common.sh"

[ -f "$DIST/SHA256SUMS" ] || { echo "dist-check: no $DIST/SHA256SUMS: run 'make dist' first"; exit 1; }
sums() { (cd "$DIST" && sha256sum --quiet -c SHA256SUMS) && [ "$(wc -l <"$DIST/SHA256SUMS")" = "$(cd "$DIST" && find . -type f ! -name SHA256SUMS | wc -l)" ]; }
check "dist/SHA256SUMS matches every file in dist/" sums
check "ELF rules hold for every shipped shared object" bash "$REPO/release/check-elf.sh" "$DIST"/c/*.tar.gz "$DIST"/python/*.whl "$DIST"/node/*.tgz
rejects() {
    local d
    d=$(mktemp -d /tmp/rel-elf-neg-XXXXXX)
    printf '#include <sys/random.h>\nint f(void) { char b[4]; return (int)getrandom(b, 4, 0); }\n' >"$d/new.c"
    gcc -shared -fPIC -o "$d/libnew.so" "$d/new.c" && ! bash "$REPO/release/check-elf.sh" "$d/libnew.so" >"$d/log"
    local rc=$?
    grep -q 'requires GLIBC_2.25' "$d/log" || rc=1
    rm -rf "$d"
    return $rc
}
check "the ELF check rejects a library that needs GLIBC_2.25 (getrandom)" rejects
tally "dist-check artifacts" || true
status=$([ "$FAILED" -eq 0 ] && echo 0 || echo 1)

for lang in c python node go; do
    echo
    bash "$REPO/release/check-$lang.sh" || status=1
done
echo
[ "$status" -eq 0 ] && echo "dist-check: every check passed" || echo "dist-check: FAILED (see above)"
exit "$status"
