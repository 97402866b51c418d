#!/usr/bin/env bash
# `moderato lexicon fit` on 25,000 labeled comments (issue 24: within 30 s on 2 cores).
#
#   bench/fit/run.sh [LABELS_DIR=../shared/data/labels] [RUNS=3]
#
# The corpus is the development sets (Kaggle insults, SFU ≥ 2, Davidson, Jigsaw) concatenated
# and cut to 25,000 lines, as for `lexicon eval`'s figure in lexicons/README.md; they are read
# by path and never copied into the repository. Prints wall-clock and CPU seconds per run, for
# the fit with the defaults (which cross-validates the rules alone, proposed terms and the
# learned vocabulary) and with `--vocabulary 0 --learn-terms 0` (the rules alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-../shared/data/labels}
runs=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$dir/kaggle-insults.dev.jsonl" "$dir/sfu-toxicity-ge2.dev.jsonl" \
    "$dir/davidson-offensive.dev.jsonl" "$dir/jigsaw-toxic.dev.jsonl" | awk 'NR <= 25000' > "$tmp/labels.jsonl"
cargo build --release --quiet
echo "$(wc -l < "$tmp/labels.jsonl") labeled comments, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
for opts in "" "--vocabulary 0 --learn-terms 0"; do
  for i in $(seq "$runs"); do
    /usr/bin/time -f "fit ${opts:-(defaults)}: %e s wall, %U s user, %S s sys, %M KB" \
      target/release/moderato lexicon fit --labels "$tmp/labels.jsonl" $opts \
      -o "$tmp/fitted.toml" > /dev/null
  done
done
