# shellcheck shell=bash disable=SC2034  # sourced: the variables are used by the scripts that source it
# common.sh: what every release script shares, sourced (not run): the version, the paths, the
# pass/fail tally that each check prints as "N passed, N failed", and the clean environment in
# which the dist checks install and run the artifacts (no cargo or rustc, a fresh HOME, none of
# this machine's pip/npm/go settings), so that a check cannot pass because of something only a
# developer's machine has.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The one version: [workspace.package] version in the root Cargo.toml.
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml")
DIST=${DIST:-$REPO/dist}
GO_MODULE=github.com/scalodb/scalodb/bindings/go
TARGET=x86_64-unknown-linux-gnu
# The oldest glibc the shipped binaries may need: Rust's std for $TARGET requires 2.17.
GLIBC_FLOOR=2.17

PASSED=0
FAILED=0
# check NAME COMMAND...: runs one check, prints its outcome, and counts it.
check() {
    local name=$1
    shift
    echo "== $name"
    if "$@"; then
        PASSED=$((PASSED + 1))
        echo "   ok: $name"
    else
        FAILED=$((FAILED + 1))
        echo "   FAILED: $name"
    fi
}
# tally LABEL: the closing line; exits non-zero when anything failed (or nothing ran).
tally() {
    echo "$1: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}

# clean_workdir NAME: a new empty folder under /tmp for one check, removed at exit unless
# KEEP_CHECK_DIRS is set. Sets WORK, and FRESH_HOME inside it.
clean_workdir() {
    WORK=$(mktemp -d "/tmp/rel-check-$1-XXXXXX")
    FRESH_HOME=$WORK/home
    mkdir -p "$FRESH_HOME" "$WORK/tmp" "$WORK/bin"
    if [ -z "${KEEP_CHECK_DIRS:-}" ]; then trap 'rm -rf "$WORK"' EXIT; fi
}

# clean_path CMD...: a PATH of symlinks to exactly the named commands (found on the current
# PATH) plus the system folders that hold no cargo or rustc.
clean_path() {
    local cmd dir p=$WORK/bin
    for cmd in "$@"; do
        if command -v "$cmd" >/dev/null 2>&1; then ln -sf "$(command -v "$cmd")" "$WORK/bin/$cmd"; fi
    done
    for dir in /usr/local/bin /usr/bin /bin /usr/sbin /sbin; do
        [ -d "$dir" ] || continue
        if [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ]; then continue; fi
        p=$p:$dir
    done
    echo "$p"
}

# in_clean_env PATH CMD...: runs CMD with only the variables named here: every PIP_*, npm_config_*,
# GO* and CARGO_* setting of the caller is gone. pip's and npm's global config files are
# cancelled too; the checks set the Go variables they need themselves.
in_clean_env() {
    local path=$1
    shift
    env -i HOME="$FRESH_HOME" PATH="$path" TMPDIR="$WORK/tmp" LANG=C.UTF-8 TERM=dumb \
        PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 \
        npm_config_globalconfig=/dev/null npm_config_userconfig="$FRESH_HOME/.npmrc" \
        npm_config_cache="$WORK/npm-cache" npm_config_update_notifier=false \
        GOENV=off GOTOOLCHAIN=local \
        "$@"
}

# no_rust: the assertion each check starts with, run inside the clean environment.
no_rust() {
    ! command -v cargo >/dev/null 2>&1 && ! command -v rustc >/dev/null 2>&1
}
