#!/usr/bin/env bash
# check-python.sh: the wheel and the sdist in dist/python as a Python user installs them. For each
# CPython from 3.9 to 3.13 this machine has (pyenv's, or pythonX.Y on PATH; an absent one is
# named as skipped, never passed over in silence): a fresh venv in an empty folder with a fresh
# HOME, no cargo/rustc on PATH and pip's configuration cancelled, `pip install --no-index
# --find-links dist/python scalodb`, a script that writes, reopens and reads, `pip check`. Then
# once with Rust on PATH: the sdist built from source by pip, its build backend (maturin, pinned
# in release/requirements-tools.txt) taken from the wheels that `make dist-tools` downloaded.
set -euo pipefail
source "$(dirname "$0")/common.sh"

SMOKE='
import sys, tempfile, scalodb
want = sys.argv[1]
assert scalodb.__version__ == want, (scalodb.__version__, want)
d = tempfile.mkdtemp()
with scalodb.open(d) as db:
    db["release"] = b"wheel"
with scalodb.open(d) as db:
    assert db[b"release"] == b"wheel" and len(db) == 1
print("scalodb", scalodb.__version__, "on Python", sys.version.split()[0], "from", scalodb.__file__)
'

if [ -z "${REL_INSIDE:-}" ]; then
    pythons=""
    skipped=""
    root=${PYENV_ROOT:-$HOME/.pyenv}
    for minor in 9 10 11 12 13; do
        found=$(ls -d "$root"/versions/3."$minor".*/bin/python3."$minor" 2>/dev/null | sort -V | tail -n 1 || true)
        [ -n "$found" ] || found=$(command -v python3."$minor" || true)
        if [ -n "$found" ]; then pythons="$pythons $found"; else skipped="$skipped 3.$minor"; fi
    done
    [ -z "$skipped" ] || echo "skipped, no interpreter on this machine (pyenv or PATH):$skipped"
    [ -n "$pythons" ] || { echo "dist-check Python: no CPython 3.9 to 3.13 found"; exit 1; }
    echo "CPython interpreters:$pythons"
    clean_workdir python
    p=$(clean_path)
    status=0
    in_clean_env "$p" REL_INSIDE=wheels WORK="$WORK" DIST="$DIST" PYTHONS="$pythons" bash "$0" || status=1
    if [ -z "${REL_NO_SDIST:-}" ]; then
        cargo_dir=$(dirname "$(command -v cargo)")
        tools=$REPO/.tools/release/bin
        in_clean_env "$p:$cargo_dir" REL_INSIDE=sdist WORK="$WORK" DIST="$DIST" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
            CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}" \
            TOOLS_PY="$tools/python" BUILD_WHEELS="$REPO/.tools/release/wheels" bash "$0" || status=1
    fi
    exit $status
fi

cd "$WORK"
if [ "$REL_INSIDE" = wheels ]; then
    check "no cargo or rustc on PATH" no_rust
    for py in $PYTHONS; do
        v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        venv=$WORK/venv-$v
        install() {
            "$py" -m venv "$venv" && "$venv/bin/python" -m pip install -q --no-index --find-links "$DIST/python" scalodb &&
                grep -qx 'Tag: cp39-abi3-manylinux_2_17_x86_64' "$venv"/lib/python*/site-packages/scalodb-"$VERSION".dist-info/WHEEL
        }
        check "CPython $v: pip install --no-index --find-links dist/python scalodb (got the abi3 manylinux wheel)" install
        check "CPython $v: write, reopen, read; version $VERSION" "$venv/bin/python" -c "$SMOKE" "$VERSION"
        check "CPython $v: pip check" "$venv/bin/python" -m pip check
    done
    tally "dist-check Python wheels"
else
    sdist=$DIST/python/scalodb-$VERSION.tar.gz
    venv=$WORK/venv-sdist
    # pip's isolated build environment takes the build backend (maturin) from the release tools'
    # wheel folder; --no-index keeps the registry out of the install.
    from_sdist() {
        command -v cargo >/dev/null && command -v rustc >/dev/null && "$TOOLS_PY" -m venv "$venv" &&
            "$venv/bin/python" -m pip install -q --no-index --find-links "$DIST/python" \
                --find-links "$BUILD_WHEELS" "$sdist"
    }
    check "with Rust on PATH: pip install --no-index $(basename "$sdist") (pip builds it from source)" from_sdist
    check "from the sdist: write, reopen, read; version $VERSION" "$venv/bin/python" -c "$SMOKE" "$VERSION"
    check "from the sdist: pip check" "$venv/bin/python" -m pip check
    tally "dist-check Python sdist"
fi
