#!/usr/bin/env bash
# Installs ScaloDB into fresh virtual environments the two ways a user would, and uses it:
#   1. the wheel from `maturin build --release` (a manylinux abi3 wheel), from dist/;
#   2. `pip install ./bindings/python` from the source tree (pip runs maturin, which runs cargo).
# Run from the repository root. Leaves nothing behind but bindings/python/.venv-check.
set -euo pipefail

dir=bindings/python
venv=$dir/.venv-check
smoke='
import tempfile, scalodb
with scalodb.open(tempfile.mkdtemp()) as db:
    db["hello"] = b"world"
    assert db[b"hello"] == b"world" and len(db) == 1
print("ok:", scalodb.__version__, scalodb.__file__)
'

wheel=$(ls "$dir"/dist/scalodb-*-cp39-abi3-manylinux_*.whl)
echo "== the manylinux wheel in a clean venv: $(basename "$wheel")"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q "$wheel"
(cd /tmp && "$OLDPWD/$venv/bin/python" -c "$smoke")

echo "== pip install ./$dir in a clean venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q "./$dir"
(cd /tmp && "$OLDPWD/$venv/bin/python" -c "$smoke")
rm -rf "$venv"
