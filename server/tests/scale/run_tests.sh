#!/usr/bin/env bash
# Scale-out tests: ScaloDB sharded behind nutcracker (test_sharding.py) and the emulated
# single-node cluster mode with redis-py's RedisCluster (test_cluster_mode.py). Every process they
# start is recorded in $SCALE_WORK/pids; the trap kills whatever is left when this script ends,
# however it ends.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PYTHON=${PYTHON:-python3}
export SCALODB_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/scalodb"
export NUTCRACKER=${NUTCRACKER:-$(command -v nutcracker || echo /usr/sbin/nutcracker)}
export SCALE_WORK="$HERE/.work"
[ -x "$SCALODB_BIN" ] || { echo "no scalodb binary at $SCALODB_BIN (cargo build --release -p scalodb-cli)"; exit 1; }
[ -x "$NUTCRACKER" ] || { echo "nutcracker is missing (apt-get install nutcracker)"; exit 1; }

runner=""
cleanup() {
  [ -z "$runner" ] || kill -TERM "$runner" 2>/dev/null || true
  if [ -f "$SCALE_WORK/pids" ]; then
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$SCALE_WORK/pids"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$SCALE_WORK"
mkdir -p "$SCALE_WORK"

# run SECONDS SCRIPT: runs a test in the background and waits for it, so that a signal to this
# script runs the trap at once instead of after the test.
run() {
  timeout "$1" "$PYTHON" "$HERE/$2" &
  runner=$!
  local rc=0
  wait "$runner" || rc=$?
  runner=""
  return "$rc"
}

failures=0
run 300 test_sharding.py || { echo "FAIL: test_sharding.py (logs in $SCALE_WORK)"; failures=$((failures + 1)); }
run 120 test_cluster_mode.py || { echo "FAIL: test_cluster_mode.py (logs in $SCALE_WORK)"; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then
  echo "test-scale: $failures failure(s)"; exit 1
fi
echo "test-scale: all passed"
