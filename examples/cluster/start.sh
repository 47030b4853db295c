#!/usr/bin/env bash
# Starts a three-shard ScaloDB on this machine: `scalodb serve` on 127.0.0.1:7001, 7002 and 7003
# (data in examples/cluster/data/scalodbN, or under $DATA) and nutcracker on 127.0.0.1:22121 in
# front of them (configuration: nutcracker.yml beside this script). Runs until Ctrl-C, then stops
# every process it started; the servers stop gracefully, so every acknowledged write is on disk.
#
#   examples/cluster/start.sh              # then: redis-cli -p 22121 SET k v
#   SYNC=always examples/cluster/start.sh  # every write fsynced before its reply
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${DATA:-$HERE/data}
SYNC=${SYNC:-interval}

BIN=${SCALODB:-}
if [ -z "$BIN" ]; then
  for candidate in "${CARGO_TARGET_DIR:-$ROOT/target}/release/scalodb" "$(command -v scalodb || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then BIN=$candidate; break; fi
  done
fi
[ -n "$BIN" ] || { echo "no scalodb binary: run 'cargo build --release -p scalodb-cli' or set SCALODB"; exit 1; }
NUTCRACKER=$(command -v nutcracker || echo /usr/sbin/nutcracker)
[ -x "$NUTCRACKER" ] || { echo "nutcracker is missing: apt-get install nutcracker"; exit 1; }
"$NUTCRACKER" -t -c "$HERE/nutcracker.yml" >/dev/null 2>&1 || { "$NUTCRACKER" -t -c "$HERE/nutcracker.yml"; exit 1; }

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM

# listening PORT PID: waits until PORT accepts connections, or fails if PID died.
listening() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

mkdir -p "$DATA"
for i in 1 2 3; do
  "$BIN" serve --addr "127.0.0.1:700$i" --dir "$DATA/scalodb$i" --sync "$SYNC" >"$DATA/scalodb$i.log" 2>&1 &
  pids+=($!)
  listening "700$i" "$!" || { echo "scalodb$i did not start:"; cat "$DATA/scalodb$i.log"; exit 1; }
done
# The stats port (JSON counters per server) stays on loopback.
"$NUTCRACKER" -c "$HERE/nutcracker.yml" -s 22222 -a 127.0.0.1 -o "$DATA/nutcracker.log" &
pids+=($!)
listening 22121 "$!" || { echo "nutcracker did not start:"; cat "$DATA/nutcracker.log"; exit 1; }

echo "three ScaloDB shards on 127.0.0.1:7001-7003 (data in $DATA, --sync $SYNC)"
echo "nutcracker on 127.0.0.1:22121; stats: nc 127.0.0.1 22222"
echo "connect with: redis-cli -p 22121     stop with Ctrl-C"
wait
