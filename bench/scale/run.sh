#!/usr/bin/env bash
# End-to-end scale benchmark (see BENCHMARKS.md). Run from the repository root after
# `cargo build --release` (the real profile: lto = true, codegen-units = 1).
#
#   bench/scale/run.sh            # builds the corpora in /tmp if missing, then measures
#
# Every measurement runs under /usr/bin/time -v and prints wall time, CPU time (user+sys)
# and peak RSS; comments/s are computed from both, since other work on the machine makes
# wall time noisy.
set -euo pipefail
BIN=${BIN:-target/release/moderato}
DIR=${DIR:-/tmp}
[ -f "$DIR/c1m.ndjson" ] || python3 bench/scale/make_corpus.py 1000000 "$DIR/c1m.ndjson"
[ -f "$DIR/c2m.ndjson" ] || python3 bench/scale/make_corpus.py 2000000 "$DIR/c2m.ndjson"
[ -f "$DIR/c100k.ndjson" ] || head -n 100000 "$DIR/c1m.ndjson" > "$DIR/c100k.ndjson"
[ -f "$DIR/c20k.ndjson" ] || head -n 20000 "$DIR/c1m.ndjson" > "$DIR/c20k.ndjson"

measure() { # LABEL N CMD...
  local label=$1 n=$2; shift 2
  /usr/bin/time -v "$@" > /dev/null 2> "$DIR/bench.time" || { cat "$DIR/bench.time"; exit 1; }
  python3 - "$label" "$n" "$DIR/bench.time" <<'PY'
import re, sys
label, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t = open(path).read()
user = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1))
sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
el = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", t).group(1).split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(el)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
cpu = user + sys_
print(f"| {label} | {n:,} | {wall:.1f} | {cpu:.1f} | {n / wall:,.0f} | {n / cpu:,.0f} | {rss:.0f} |")
PY
}

echo "| run | comments | wall s | CPU s | comments/s (wall) | comments/s per CPU-second | peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for t in 1 2; do
  measure "audit jsonl, --threads $t, 1M" 1000000 \
    "$BIN" audit --input jsonl --format jsonl --threads "$t" "$DIR/c1m.ndjson"
done
measure "audit jsonl, --threads 2, 100k" 100000 \
  "$BIN" audit --input jsonl --format jsonl --threads 2 "$DIR/c100k.ndjson"
measure "audit jsonl, --threads 2, 2M" 2000000 \
  "$BIN" audit --input jsonl --format jsonl --threads 2 "$DIR/c2m.ndjson"
for n in 100k 1M 2M; do
  case $n in 100k) count=100000 ;; 1M) count=1000000 ;; 2M) count=2000000 ;; esac
  file="$DIR/c$(echo $n | tr 'M' 'm').ndjson"
  measure "report weekly, --threads 2, $n" $count \
    "$BIN" report weekly --format json --threads 2 "$file"
  measure "report weekly --partial, --threads 2, $n" $count \
    "$BIN" report weekly --partial --threads 2 "$file"
done
measure "Python vaderSentiment 3.3.2, 1 core, 20k" 20000 \
  python3 bench/scale/vader_peer.py "$DIR/c20k.ndjson"
# The peer's own count: CPU time of the whole script and of `polarity_scores` alone.
python3 bench/scale/vader_peer.py "$DIR/c20k.ndjson" 2>&1 >/dev/null
measure "audit jsonl, --threads 1, 20k" 20000 \
  "$BIN" audit --input jsonl --format jsonl --threads 1 "$DIR/c20k.ndjson"
