#!/usr/bin/env bash
# Hashes, lists, sets and sorted sets: `scalodb serve --sync interval` beside Debian's redis-server
# with the same durability (appendonly yes, appendfsync everysec), server pinned to core 0, client
# to core 1, each server started fresh on an empty data directory.
#
# (a) Throughput: redis-benchmark -t lpush,rpop,sadd,hset,zadd,lrange_100 -n BENCH_N -r 1000000
#     -c 50 -P 16, one run per server; prints requests per second and the ScaloDB / Redis ratio
#     (the issue's target: >= 1.2x). redis-benchmark runs its tests in its own fixed order, whatever
#     the order of -t: LPUSH, RPOP, SADD, HSET, ZADD, then an extra "LPUSH (needed to benchmark
#     LRANGE)" (not in the table) and LRANGE_100. Keys: `mylist` (LPUSH/RPOP/LRANGE mylist 0 99),
#     `myset` (SADD myset element:RAND), `myhash` (HSET myhash element:RAND xxx), `myzset` (ZADD
#     myzset RAND element:RAND); values are redis-benchmark's default 3 bytes.
# (b) Memory: three data sets, each loaded into a freshly started ScaloDB and a freshly started
#     redis-server as generated RESP piped through `redis-cli --pipe`:
#       hash:    one hash `hash` of MEM_FIELDS fields, field f000000000.. (10 bytes), value
#                v000000000.. (10 bytes), MEM_BATCH fields per HSET;
#       zset:    one sorted set `zset` of MEM_MEMBERS members m000000000.. (10 bytes), integer
#                scores (i * 48271) mod (2^31 - 1) (distinct, not in member order), MEM_BATCH
#                members per ZADD;
#       hashes:  MEM_HASHES hashes h:00000000.. (10 bytes) of MEM_HASH_FIELDS fields each,
#                fieldname0.. (10 bytes) -> v000000000.. (10 bytes), one HSET per hash.
#     After loading (and MEM_SETTLE seconds), prints INFO memory used_memory (on ScaloDB: the
#     engine's Stats::memory_bytes) and VmRSS of the server process, raw and less the value read on
#     the same server when empty, and the ScaloDB / Redis ratios (the issue's target: <= 1.5x).
#
# Sizes (defaults: the issue's): BENCH_N=1000000, MEM_FIELDS=1000000, MEM_MEMBERS=MEM_FIELDS,
# MEM_HASHES=100000, MEM_HASH_FIELDS=10, MEM_BATCH=1, MEM_SETTLE=2; BENCH_TYPES_PARTS=rps,memory
# picks the parts; REDIS_BENCH_PORT (6390) is redis-server's port.
# Exits non-zero only when something fails to run or a count check fails (HLEN/ZCARD/DBSIZE after
# loading, LLEN/SCARD/HLEN/ZCARD and error replies after redis-benchmark), never on timings or
# ratios.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${BENCH_N:-1000000}
MEM_FIELDS=${MEM_FIELDS:-1000000}
MEM_MEMBERS=${MEM_MEMBERS:-$MEM_FIELDS}
MEM_HASHES=${MEM_HASHES:-100000}
MEM_HASH_FIELDS=${MEM_HASH_FIELDS:-10}
MEM_BATCH=${MEM_BATCH:-1}
MEM_SETTLE=${MEM_SETTLE:-2}
PARTS=${BENCH_TYPES_PARTS:-rps,memory}
REDIS_PORT=${REDIS_BENCH_PORT:-6390}
PIPELINE=16
TESTS=lpush,rpop,sadd,hset,zadd,lrange_100
for v in N MEM_FIELDS MEM_MEMBERS MEM_HASHES MEM_HASH_FIELDS MEM_BATCH; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "bench_types.sh: $v must be a positive integer, not '${!v}'"; exit 2; }
done

bench_setup

SCALODB_PID=""; REDIS_PID=""
trap 'kill -KILL $SCALODB_PID $REDIS_PID 2>/dev/null || true' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cli() { redis-cli -h 127.0.0.1 -p "$@"; }  # cli PORT ARGS...
info_field() { cli "$1" INFO "$2" | tr -d '\r' | sed -n "s/^$3://p"; }  # PORT SECTION FIELD
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# start_redis DIR: a fresh redis-server on REDIS_PORT; sets REDIS_PID.
start_redis() {
  rm -rf "$1"; mkdir -p "$1"
  $PIN_SERVER redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$1" --appendonly yes \
    --appendfsync everysec --save '' --daemonize no >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do
    kill -0 "$REDIS_PID" 2>/dev/null || { cat "$WORK/redis.log"; return 1; }
    # The pid check: a server of someone else's on that port must not answer for ours.
    [ "$(info_field "$REDIS_PORT" server process_id 2>/dev/null)" = "$REDIS_PID" ] && return 0
    sleep 0.1
  done
  echo "redis-server did not start"; cat "$WORK/redis.log"; return 1
}

stop_redis() {
  cli "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$REDIS_PID"
  wait "$REDIS_PID" 2>/dev/null || true
  REDIS_PID=""
}

# start NAME DIR / stop NAME: one server, fresh; sets PORT and PID.
start() {
  rm -rf "$2"
  if [ "$1" = scalodb ]; then
    start_scalodb "$2" --sync interval; PORT=$SCALODB_PORT; PID=$SCALODB_PID
  else
    start_redis "$2"; PORT=$REDIS_PORT; PID=$REDIS_PID
  fi
}
stop() {
  if [ "$1" = scalodb ]; then stop_scalodb || fail "scalodb serve did not stop cleanly"; SCALODB_PID=""
  else stop_redis; fi
}

# ---- (a) redis-benchmark ----

# run_bench PORT -> "test rps" lines, in redis-benchmark's order, without the LRANGE prefill.
run_bench() {
  timeout 1800 $PIN_CLIENT redis-benchmark -h 127.0.0.1 -p "$1" -t "$TESTS" -n "$N" -r 1000000 \
    -c 50 -P "$PIPELINE" -q 2>&1 | tr '\r' '\n' |
    sed -n 's/^\([A-Z_0-9]*\)\( ([^)]*)\)\{0,1\}: \([0-9.]*\) requests per second.*/\1\2|\3/p' |
    awk -F'|' '$1 !~ /needed/ { sub(/ .*/, "", $1); print tolower($1), $2 }'
}

# check_bench NAME PORT: the commands did what they say (redis-benchmark counts error replies as
# requests served).
check_bench() {
  local errors llen n
  errors=$(info_field "$2" stats total_error_replies)
  [ "$errors" = 0 ] || fail "$1: $errors error replies during redis-benchmark"
  # LPUSH N, RPOP N, then N more LPUSHes before LRANGE: N rounded up to whole pipelines.
  llen=$(cli "$2" LLEN mylist)
  { [ "$llen" -ge "$N" ] 2>/dev/null && [ "$llen" -lt $((N + PIPELINE)) ]; } ||
    fail "$1: LLEN mylist is $llen, expected $N (up to $((PIPELINE - 1)) more)"
  for c in "SCARD myset" "HLEN myhash" "ZCARD myzset"; do
    n=$(cli "$2" $c)
    { [ "$n" -gt 0 ] 2>/dev/null && [ "$n" -lt $((N + PIPELINE)) ]; } || fail "$1: $c is $n, expected 1..$N"
  done
}

if [[ ",$PARTS," == *,rps,* ]]; then
  for s in scalodb redis; do
    start "$s" "$WORK/bench-types-$s"
    if ! run_bench "$PORT" >"$WORK/bench-types-$s.txt"; then fail "$s: redis-benchmark"; fi
    [ "$(wc -l <"$WORK/bench-types-$s.txt")" -eq 6 ] ||
      { fail "$s: redis-benchmark did not report the 6 tests"; cat "$WORK/bench-types-$s.txt"; }
    check_bench "$s" "$PORT"
    stop "$s"
  done
  echo "== redis-benchmark -t $TESTS -n $N -r 1000000 -c 50 -P $PIPELINE"
  printf '%-10s %14s %14s %7s  %s\n' test scalodb redis-server ratio '>=1.2x'
  paste "$WORK/bench-types-scalodb.txt" "$WORK/bench-types-redis.txt" |
    awk '{ r = ($4 > 0 ? $2 / $4 : 0)
           printf "%-10s %14.0f %14.0f %6.2fx  %s\n", $1, $2, $4, r, (r >= 1.2 ? "yes" : "no") }'
fi

# ---- (b) memory ----

# gen_DATASET: its RESP on stdout.
gen_hash() {
  awk -v n="$MEM_FIELDS" -v b="$MEM_BATCH" 'function a(s) { printf "$%d\r\n%s\r\n", length(s), s }
    BEGIN { for (i = 0; i < n; i += b) { m = (n - i < b ? n - i : b); printf "*%d\r\n", 2 + 2 * m
      a("HSET"); a("hash"); for (j = i; j < i + m; j++) { a(sprintf("f%09d", j)); a(sprintf("v%09d", j)) } } }'
}
gen_zset() {
  awk -v n="$MEM_MEMBERS" -v b="$MEM_BATCH" 'function a(s) { printf "$%d\r\n%s\r\n", length(s), s }
    BEGIN { for (i = 0; i < n; i += b) { m = (n - i < b ? n - i : b); printf "*%d\r\n", 2 + 2 * m
      a("ZADD"); a("zset")
      for (j = i; j < i + m; j++) { a(sprintf("%d", (j * 48271) % 2147483647)); a(sprintf("m%09d", j)) } } }'
}
gen_hashes() {
  awk -v n="$MEM_HASHES" -v f="$MEM_HASH_FIELDS" 'function a(s) { printf "$%d\r\n%s\r\n", length(s), s }
    BEGIN { for (i = 0; i < n; i++) { printf "*%d\r\n", 2 + 2 * f; a("HSET"); a(sprintf("h:%08d", i))
      for (k = 0; k < f; k++) { a(sprintf("fieldname%d", k)); a(sprintf("v%09d", i * f + k)) } } }'
}

# check NAME PORT COMMAND EXPECTED
check() {
  local got
  got=$(cli "$2" $3)
  [ "$got" = "$4" ] || fail "$1: $3 is '$got', expected $4"
}

# measure SERVER DATASET: loads it into a fresh server; writes "used0 used rss0 rss" (bytes) to
# $WORK/mem-SERVER-DATASET.txt.
measure() {
  local s=$1 d=$2 used0 rss0 out
  start "$s" "$WORK/mem-$s-data"
  cli "$PORT" ping >/dev/null
  used0=$(info_field "$PORT" memory used_memory); rss0=$(rss_kib "$PID")
  out="$WORK/mem-$s-$d.pipe"
  if ! timeout 1800 $PIN_CLIENT bash -c "$(declare -f gen_$d); gen_$d" |
      timeout 1800 $PIN_CLIENT redis-cli -h 127.0.0.1 -p "$PORT" --pipe >"$out" 2>&1 ||
      ! grep -q '^errors: 0,' "$out"; then
    fail "$s: loading $d"; cat "$out"
  fi
  case $d in
    hash) check "$s" "$PORT" "HLEN hash" "$MEM_FIELDS"; check "$s" "$PORT" DBSIZE 1 ;;
    zset) check "$s" "$PORT" "ZCARD zset" "$MEM_MEMBERS"; check "$s" "$PORT" DBSIZE 1 ;;
    hashes)
      check "$s" "$PORT" DBSIZE "$MEM_HASHES"
      check "$s" "$PORT" "HLEN h:00000000" "$MEM_HASH_FIELDS"
      check "$s" "$PORT" "HLEN $(printf 'h:%08d' $((MEM_HASHES - 1)))" "$MEM_HASH_FIELDS" ;;
  esac
  sleep "$MEM_SETTLE"
  echo "$used0 $(info_field "$PORT" memory used_memory) $((rss0 * 1024)) $(($(rss_kib "$PID") * 1024))" \
    >"$WORK/mem-$s-$d.txt"
  stop "$s"
}

if [[ ",$PARTS," == *,memory,* ]]; then
  export MEM_FIELDS MEM_MEMBERS MEM_HASHES MEM_HASH_FIELDS MEM_BATCH
  for d in hash zset hashes; do
    case $d in
      hash) desc="1 hash of $MEM_FIELDS fields (10-byte fields and values, $MEM_BATCH per HSET)" ;;
      zset) desc="1 sorted set of $MEM_MEMBERS members (10-byte members, integer scores, $MEM_BATCH per ZADD)" ;;
      hashes) desc="$MEM_HASHES hashes of $MEM_HASH_FIELDS fields (10-byte keys, fields and values)" ;;
    esac
    measure scalodb "$d"
    measure redis "$d"
    echo "== memory: $d: $desc"
    printf '%-22s %12s %12s %7s  %s\n' MiB scalodb redis-server ratio '<=1.5x'
    paste -d' ' "$WORK/mem-scalodb-$d.txt" "$WORK/mem-redis-$d.txt" | awk '
      function row(name, a, b,   r) {
        r = (b > 0 && a >= 0 ? a / b : -1)
        if (r < 0) printf "%-22s %12.2f %12.2f %7s  %s\n", name, a / 1048576, b / 1048576, "n/a", "n/a"
        else printf "%-22s %12.2f %12.2f %6.2fx  %s\n", name, a / 1048576, b / 1048576, r, (r <= 1.5 ? "yes" : "no")
      }
      { row("used_memory", $2, $6); row("used_memory - empty", $2 - $1, $6 - $5)
        row("RSS", $4, $8); row("RSS - empty", $4 - $3, $8 - $7) }'
  done
fi

trap - EXIT
if [ "$failures" -ne 0 ]; then
  echo "bench_types.sh: $failures failure(s)"; exit 1
fi
