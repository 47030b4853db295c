# Helpers shared by run_tests.sh and bench.sh: find the scalodb binary, start `scalodb serve` on
# a free port and stop it.

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/scalodb"
WORK="$HERE/.work"
mkdir -p "$WORK"

# start_scalodb DIR [extra serve args...]: sets SCALODB_PID and SCALODB_PORT.
start_scalodb() {
  local dir=$1; shift
  local log="$WORK/serve.log"
  # Created here, before the server starts, so the first read below cannot race its creation.
  : >"$log"
  ${PIN_SERVER:-} "$BIN" serve --addr 127.0.0.1:0 --dir "$dir" "$@" >"$log" 2>&1 &
  SCALODB_PID=$!
  SCALODB_PORT=""
  for _ in $(seq 1 100); do
    SCALODB_PORT=$(sed -n 's/.*redis-cli -h 127.0.0.1 -p \([0-9]*\).*/\1/p' "$log")
    [ -n "$SCALODB_PORT" ] && return 0
    kill -0 "$SCALODB_PID" 2>/dev/null || { cat "$log"; return 1; }
    sleep 0.1
  done
  echo "scalodb serve did not start"; cat "$log"; return 1
}

# stop_scalodb: SIGTERM, then wait (bounded) for a clean exit; fails if it does not exit 0.
stop_scalodb() {
  kill -TERM "$SCALODB_PID"
  for _ in $(seq 1 100); do
    kill -0 "$SCALODB_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SCALODB_PID" 2>/dev/null; then
    echo "scalodb serve did not stop within 10 s"; kill -KILL "$SCALODB_PID"; return 1
  fi
  wait "$SCALODB_PID"
}
