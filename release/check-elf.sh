#!/usr/bin/env bash
# check-elf.sh FILE...: the rules every shipped shared object must keep, so that it loads on any
# x86-64 Linux with glibc 2.17 or later (the oldest Rust's std supports on x86_64-unknown-linux-
# gnu, so the oldest any Rust binary can reach). For each ELF shared object: the GLIBC_x.y
# versions it requires (readelf --version-info, its version needs) are at most $GLIBC_FLOOR, it
# needs (DT_NEEDED) only libc, libm, libdl, libpthread, librt, libgcc_s and the dynamic loader,
# and it needs no GLIBCXX/CXXABI. A file named libscalodb.so.* must have the SONAME
# libscalodb.so.0. Archives (.tar.gz, .whl, .tgz, .zip) are unpacked and their shared objects
# checked. Prints "N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/common.sh"

ALLOWED_NEEDED='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libgcc_s\.so\.1|ld-linux-x86-64\.so\.2)$'
unpack=$(mktemp -d /tmp/rel-elf-XXXXXX)
trap 'rm -rf "$unpack"' EXIT

check_one() {
    local f=$1 shown=$2 bad=0 newest needed soname
    newest=$(readelf -V --wide "$f" | sed -n 's/.*Name: GLIBC_\([0-9][0-9.]*\).*/\1/p' | sort -uV | tail -n 1)
    if [ -z "$newest" ]; then echo "   $shown: requires no GLIBC symbol version (not a glibc build?)"; bad=1
    elif [ "$(printf '%s\n%s\n' "$newest" "$GLIBC_FLOOR" | sort -V | tail -n 1)" != "$GLIBC_FLOOR" ]; then
        echo "   $shown: requires GLIBC_$newest, above $GLIBC_FLOOR:"
        objdump -T "$f" | grep "GLIBC_$newest" | head -n 5 | sed 's/^/      /'
        bad=1
    fi
    if readelf -V --wide "$f" | grep -qE 'Name: (GLIBCXX|CXXABI)_'; then echo "   $shown: needs libstdc++"; bad=1; fi
    needed=$(readelf -d --wide "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    for lib in $needed; do
        if ! [[ $lib =~ $ALLOWED_NEEDED ]]; then echo "   $shown: needs $lib, outside the allowed system libraries"; bad=1; fi
    done
    case $(basename "$f") in
    libscalodb.so.*)
        soname=$(readelf -d --wide "$f" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
        if [ "$soname" != libscalodb.so.0 ]; then echo "   $shown: SONAME '$soname', not libscalodb.so.0"; bad=1; fi
        ;;
    esac
    echo "   $shown: glibc <= ${newest:-?}; needs: $(echo $needed)"
    return $bad
}

is_shared_object() { [ -f "$1" ] && [ ! -L "$1" ] && readelf -h "$1" 2>/dev/null | grep -q 'Type: *DYN'; }

n=0
for input in "$@"; do
    case $input in
    *.tar.gz | *.tgz | *.whl | *.zip)
        dir=$unpack/$n && mkdir -p "$dir" && n=$((n + 1))
        case $input in *.whl | *.zip) python3 -m zipfile -e "$input" "$dir" ;; *) tar xzf "$input" -C "$dir" ;; esac
        while IFS= read -r f; do
            if is_shared_object "$f"; then check "$(basename "$input"): ${f#"$dir"/}" check_one "$f" "${f#"$dir"/}"; fi
        done < <(find "$dir" -type f | sort)
        ;;
    *)
        if is_shared_object "$input"; then check "$input" check_one "$input" "$(basename "$input")"
        else echo "$input: not an ELF shared object"; FAILED=$((FAILED + 1)); fi
        ;;
    esac
done
tally "ELF check"
