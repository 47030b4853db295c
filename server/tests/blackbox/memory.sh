#!/usr/bin/env bash
# Memory of `scalodb serve` under pipelined writes over a small key space, as the operating system
# sees it: redis-benchmark -P 16 SET, MSET and INCR, one million commands per round, three rounds
# each. After the first round the server's RSS may grow by less than 64 MiB (before the reclaimer,
# pipelined SETs grew it by about 130 bytes each: 400 MiB per round).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DATA="$WORK/memory-data"
rm -rf "$DATA"
start_scalodb "$DATA"
trap 'kill -KILL $SCALODB_PID 2>/dev/null || true' EXIT
failures=0
ROUND=${MEMORY_ROUND:-1000000}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SCALODB_PID/status"; }

for t in set mset incr; do
  first=""
  for round in 1 2 3; do
    if ! timeout 300 redis-benchmark -h 127.0.0.1 -p "$SCALODB_PORT" -t "$t" -n "$ROUND" -r 1000 -d 100 \
        -c 50 -P 16 -q >/dev/null 2>&1; then
      echo "FAIL: redis-benchmark -t $t round $round"; failures=$((failures + 1))
    fi
    rss=$(rss_kib)
    echo "memory: $t round $round: RSS $((rss / 1024)) MiB"
    [ -z "$first" ] && first=$rss
  done
  grown=$(( (rss - first) / 1024 ))
  if [ "$grown" -ge 64 ]; then
    echo "FAIL: pipelined $t grew the server's RSS by $grown MiB after the first round"
    failures=$((failures + 1))
  fi
done
used=$(redis-cli -h 127.0.0.1 -p "$SCALODB_PORT" INFO memory | tr -d '\r' | sed -n 's/^used_memory://p')
echo "memory: used_memory $used bytes, RSS $(( $(rss_kib) / 1024 )) MiB"
stop_scalodb
trap - EXIT

if [ "$failures" -ne 0 ]; then
  echo "memory.sh: $failures failure(s)"; exit 1
fi
echo "memory.sh: all passed"
