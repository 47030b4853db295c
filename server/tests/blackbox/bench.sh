#!/usr/bin/env bash
# redis-benchmark against `scalodb serve --sync interval` and against Debian's redis-server with
# the same durability (appendonly yes, appendfsync everysec), in the same run, server and client
# pinned to different cores; prints requests per second and the ScaloDB / Redis ratio.
# BENCH_N (default 1000000) sets the requests per test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${BENCH_N:-1000000}
REDIS_PORT=${REDIS_BENCH_PORT:-6390}

bench_setup

run_bench() { # port pipeline -> "TEST rps" lines
  timeout 1800 $PIN_CLIENT redis-benchmark -h 127.0.0.1 -p "$1" -t set,get,incr,mset -n "$N" -r 1000000 \
    -d 100 -c 50 -P "$2" -q 2>&1 | tr '\r' '\n' | sed -n 's/^\([A-Z]*\)[^:]*: \([0-9.]*\) requests per second.*/\1 \2/p'
}

rm -rf "$WORK/bench-data" "$WORK/redis"
mkdir -p "$WORK/redis"
start_scalodb "$WORK/bench-data" --sync interval
$PIN_SERVER redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --appendonly yes \
  --appendfsync everysec --save '' --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill -KILL $SCALODB_PID $REDIS_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

for P in 1 16; do
  echo "== redis-benchmark -n $N -r 1000000 -d 100 -c 50 -P $P"
  run_bench "$SCALODB_PORT" "$P" >"$WORK/scalo.txt"
  run_bench "$REDIS_PORT" "$P" >"$WORK/redis.txt"
  printf '%-6s %14s %14s %7s\n' test scalodb redis-server ratio
  paste "$WORK/scalo.txt" "$WORK/redis.txt" |
    awk '{ printf "%-6s %14.0f %14.0f %6.2fx\n", $1, $2, $4, ($4 > 0 ? $2 / $4 : 0) }'
done

redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null || true
stop_scalodb
trap - EXIT
