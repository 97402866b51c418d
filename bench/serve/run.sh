#!/usr/bin/env bash
# Service benchmark (see BENCHMARKS.md, "moderato serve"). Run from the repository root after
# `cargo build --release`; needs wrk (Debian: `apt-get install wrk`).
#
#   bench/serve/run.sh
#
# Starts `moderato serve` on loopback, warms it up, then runs wrk (one thread, 64 keep-alive
# connections) posting real comment bodies to comments:analyze, in rounds until at least
# 1,000,000 requests have been served, printing requests/s, latency percentiles and the
# server's RSS after each round. Then `audit --input jsonl` on the same bodies for comparison.
# wrk runs on the same 2 cores as the server and takes about one of them, so the server gets
# one worker thread by default (SERVE_THREADS=2 to give it both and let the two fight).
set -euo pipefail
BIN=${BIN:-target/release/moderato}
DIR=${DIR:-/tmp/moderato-serve-bench}
ROUND=${ROUND:-15s}
TOTAL=${TOTAL:-1000000}
mkdir -p "$DIR"
python3 bench/serve/make_requests.py "$DIR/requests"
PORT=${PORT:-18181}
# SERVE_THREADS: the server's worker threads (default 1: wrk needs the other core).
"$BIN" serve --listen 127.0.0.1:$PORT --threads "${SERVE_THREADS:-1}" 2> "$DIR/serve.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$DIR/serve.log" && break; sleep 0.05; done
rss() { awk '/VmRSS/ {print $2 / 1024}' /proc/$PID/status; }
echo "RSS at start: $(rss) MB"
wrk -t1 -c64 -d3s -s "$DIR/requests.lua" http://127.0.0.1:$PORT > /dev/null
echo "RSS after warm-up: $(rss) MB"
echo
echo "| round | requests | requests/s | p50 ms | p90 ms | p99 ms | errors | server RSS MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
served=0
round=0
while [ "$served" -lt "$TOTAL" ]; do
  round=$((round + 1))
  out=$(wrk -t1 -c64 -d"$ROUND" --latency -s "$DIR/requests.lua" http://127.0.0.1:$PORT)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  pct() { echo "$out" | awk -v p="$1" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}'; }
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  served=$((served + n))
  echo "| $round | $n | $rps | $(pct 50%) | $(pct 90%) | $(pct 99%) | ${errs:-0} | $(rss) |"
done
echo
echo "served $served requests in $round rounds"
kill -TERM $PID
wait $PID || true
trap - EXIT

# audit on the same bodies: 200 copies of the file, two threads.
for _ in $(seq 200); do cat "$DIR/requests.jsonl"; done > "$DIR/audit.jsonl"
n=$(wc -l < "$DIR/audit.jsonl")
/usr/bin/time -f "%e %U %S" "$BIN" audit --input jsonl --threads 2 "$DIR/audit.jsonl" > /dev/null 2> "$DIR/audit.time"
read -r wall user sys < <(tail -1 "$DIR/audit.time")
python3 -c "
n, wall, cpu = $n, $wall, $user + $sys
print(f'audit --input jsonl --threads 2 on the same bodies: {n:,} comments, {wall:.1f} s wall, {cpu:.1f} s CPU, {n / wall:,.0f} comments/s, {n / cpu:,.0f} per CPU-second')
"
