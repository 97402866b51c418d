#!/usr/bin/env bash
# Toxicity model benchmarks (issue 29; figures in BENCHMARKS.md, "Toxicity model").
# Run from the repository root after `cargo build --release`.
#
#   bench/model/run.sh
#
# 1. The model alone, one core: `cargo bench --bench model` on the scale benchmark's corpus.
# 2. `audit --input jsonl --threads 1` over 100k comments with the model and with
#    `--model none`, three times each, CPU seconds (user+sys) from /usr/bin/time.
set -euo pipefail
BIN=${BIN:-target/release/moderato}
DIR=${DIR:-/tmp}
[ -f "$DIR/c1m.ndjson" ] || python3 bench/scale/make_corpus.py 1000000 "$DIR/c1m.ndjson"
[ -f "$DIR/c100k.ndjson" ] || head -n 100000 "$DIR/c1m.ndjson" > "$DIR/c100k.ndjson"

MODERATO_BENCH_CORPUS="$DIR/c100k.ndjson" cargo bench --bench model

cpu() { # CMD... -> CPU seconds
  /usr/bin/time -f "%U %S" "$@" > /dev/null 2> "$DIR/model.time"
  awk 'END { print $1 + $2 }' "$DIR/model.time"
}
for run in 1 2 3; do
  without=$(cpu "$BIN" --model none audit --input jsonl --format jsonl --threads 1 "$DIR/c100k.ndjson")
  with=$(cpu "$BIN" audit --input jsonl --format jsonl --threads 1 "$DIR/c100k.ndjson")
  python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'run $run: audit 100k, 1 thread: without the model {a:.2f} s CPU ({1e5/a:,.0f}/s), with {b:.2f} s ({1e5/b:,.0f}/s): {a/b:.0%} of the throughput')" "$without" "$with"
done
