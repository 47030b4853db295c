#!/usr/bin/env bash
# Black-box compatibility tests of `scalodb serve`: redis-cli replies, a short redis-benchmark run
# (every command answered, no error), redis-py (test_redis_py.py beside this script), the RQ job
# queue (test_job_queue.py), and a graceful SIGTERM stop followed by a restart that still has every
# acknowledged write.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
PYTHON=${PYTHON:-python3}

DATA="$WORK/data"
rm -rf "$DATA" "$WORK/failpoints-data"
SOCK="$WORK/scalodb.sock"
start_scalodb "$DATA" --unixsocket "$SOCK"
trap 'kill -KILL $SCALODB_PID 2>/dev/null || true' EXIT
CLI=(redis-cli -h 127.0.0.1 -p "$SCALODB_PORT")
failures=0

# expect "EXPECTED OUTPUT" redis-cli args...
expect() {
  local want=$1; shift
  local got
  got=$("${CLI[@]}" "$@" 2>&1)
  if [ "$got" != "$want" ]; then
    echo "FAIL: redis-cli $*"; echo "  want: $want"; echo "  got:  $got"
    failures=$((failures + 1))
  fi
}

expect "PONG" PING
expect "OK" SET greeting hello
expect "hello" GET greeting
expect "" GET missing
expect "(nil)" --no-raw GET missing
expect "6" APPEND greeting "!"
expect "OK" SET counter 41
expect "42" INCR counter
expect "OK" SET session abc EX 100
expect "100" TTL session
expect "string" TYPE session
expect "ERR unknown command 'NOSUCH', with args beginning with: 'x' " NOSUCH x
expect "ERR wrong number of arguments for 'get' command" GET
expect "ERR DB index is out of range" SELECT 3
expect "$(printf 'counter\ngreeting\nsession')" KEYS '*'
expect "3" DBSIZE
got=$(redis-cli -s "$SOCK" GET greeting 2>&1)
[ "$got" = "hello!" ] || { echo "FAIL: redis-cli -s over the Unix socket: $got"; failures=$((failures + 1)); }
printf 'MULTI\nINCR c2\nINCR c2\nEXEC\n' | "${CLI[@]}" >"$WORK/multi.out"
if [ "$(cat "$WORK/multi.out")" != "$(printf 'OK\nQUEUED\nQUEUED\n1\n2')" ]; then
  echo "FAIL: MULTI/EXEC through redis-cli"; cat "$WORK/multi.out"; failures=$((failures + 1))
fi
"${CLI[@]}" INFO server | grep -q '^redis_version:' || { echo "FAIL: INFO server"; failures=$((failures + 1)); }
"${CLI[@]}" --no-raw HELLO 3 | grep -q 'proto' || { echo "FAIL: HELLO 3"; failures=$((failures + 1)); }

# redis-benchmark: a short run of each tested command must complete with every reply.
bench_out=$(timeout 120 redis-benchmark -h 127.0.0.1 -p "$SCALODB_PORT" -t set,get,incr,mset,ping \
  -n 20000 -r 10000 -d 100 -c 20 -P 8 -q 2>&1 | tr '\r' '\n' | grep 'requests per second' || true)
echo "$bench_out"
for t in SET GET INCR MSET PING_INLINE; do
  echo "$bench_out" | grep -q "^$t" || { echo "FAIL: redis-benchmark $t did not finish"; failures=$((failures + 1)); }
done

# redis-py.
SCALODB_PORT=$SCALODB_PORT timeout 300 "$PYTHON" "$HERE/test_redis_py.py" || failures=$((failures + 1))

# RQ, a job-queue library, unchanged (test_job_queue.py, its jobs in rq_jobs.py).
SCALODB_PORT=$SCALODB_PORT timeout 300 "$PYTHON" "$HERE/test_job_queue.py" || failures=$((failures + 1))

# Logs, SLOWLOG, LATENCY, INFO and /metrics with promtool and prometheus: a server of its own.
SCALODB_BIN=$BIN timeout 300 "$PYTHON" "$HERE/test_operations.py" || failures=$((failures + 1))

# Acknowledged writes survive a SIGTERM stop and a restart.
for i in $(seq 1 200); do echo "SET durable:$i v$i"; done | "${CLI[@]}" >/dev/null
stop_scalodb
start_scalodb "$DATA"
CLI=(redis-cli -h 127.0.0.1 -p "$SCALODB_PORT")
got=$("${CLI[@]}" GET durable:200)
[ "$got" = "v200" ] || { echo "FAIL: restart lost durable:200 (got '$got')"; failures=$((failures + 1)); }
n=$("${CLI[@]}" KEYS 'durable:*' | wc -l)
[ "$n" = "200" ] || { echo "FAIL: restart has $n of 200 durable keys"; failures=$((failures + 1)); }
stop_scalodb

# The release build has no fault injection: failpoints named in the environment, which would
# abort it at its first fsync or fail every write in a build with them, change nothing.
SCALODB_FAILPOINTS="wal.sync=abort,dir.sync=abort,wal.create=eio,checkpoint.create=abort" \
  start_scalodb "$WORK/failpoints-data" --sync always
CLI=(redis-cli -h 127.0.0.1 -p "$SCALODB_PORT")
for i in $(seq 1 50); do echo "SET fp:$i v$i"; done | "${CLI[@]}" >/dev/null
got=$("${CLI[@]}" GET fp:50)
[ "$got" = "v50" ] || { echo "FAIL: with SCALODB_FAILPOINTS set, GET fp:50 gave '$got'"; failures=$((failures + 1)); }
stop_scalodb || { echo "FAIL: scalodb serve with SCALODB_FAILPOINTS set did not stop cleanly"; failures=$((failures + 1)); }
trap - EXIT

if [ "$failures" -ne 0 ]; then
  echo "test-server: $failures failure(s)"; exit 1
fi
echo "test-server: all passed"
