# Helpers shared by run_tests.sh and the bench scripts: find the scalodb binary, start `scalodb serve` on
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

# bench_setup: for the comparisons against redis-server (bench.sh, bench_types.sh): installs
# Debian's redis-server if missing, and sets PIN_SERVER and PIN_CLIENT to pin the server to core
# 0 and the client to core 1 when there are two.
bench_setup() {
  if ! command -v redis-server >/dev/null; then
    apt-get install -y redis-server || { apt-get update && apt-get install -y redis-server; }
    # The package may start a system service: the benchmarks start their own on another port.
    if [ -f /run/redis/redis-server.pid ]; then service redis-server stop || true; fi
  fi
  if [ "$(nproc)" -ge 2 ]; then
    PIN_SERVER="taskset -c 0"; PIN_CLIENT="taskset -c 1"
  else
    PIN_SERVER=""; PIN_CLIENT=""
  fi
  export PIN_SERVER
}
