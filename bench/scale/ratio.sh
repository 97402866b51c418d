#!/usr/bin/env bash
# moderato against Python vaderSentiment 3.3.2, per core, in alternating short runs.
#
#   bench/scale/ratio.sh [ROUNDS=15]
#
# This machine's speed swings by half within minutes (other tenants), and Python and moderato
# swing with it, so two long runs minutes apart give ratios from 22x to 43x. Here each round
# runs `audit --input jsonl --format jsonl --threads 1` over 300k Reddit-shaped comments
# (~3 s) and then the Python peer over the first 10k of them (~3 s), so both see the same
# load; every round gives one ratio, and the median of the rounds is the figure.
#
# Rates are comments per CPU-second (user + system, whole process for moderato, start-up
# included; the peer counts from after loading its lexicon). Two ratios: against the peer script
# (read JSON, score, write JSON) and against Python's `polarity_scores` alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-15}
BIN=${BIN:-target/release/moderato}
DIR=${DIR:-/tmp}
[ -f "$DIR/c1m.ndjson" ] || python3 bench/scale/make_corpus.py 1000000 "$DIR/c1m.ndjson"
[ -f "$DIR/c300k.ndjson" ] || head -n 300000 "$DIR/c1m.ndjson" > "$DIR/c300k.ndjson"
for _ in $(seq "$ROUNDS"); do
  ours=$( { /usr/bin/time -f '%U %S' "$BIN" audit --input jsonl --format jsonl --threads 1 \
      "$DIR/c300k.ndjson" > /dev/null; } 2>&1 | tail -n 1)
  peer=$(python3 bench/scale/vader_peer.py "$DIR/c300k.ndjson" 10000 2>&1 > /dev/null | tail -n 1)
  echo "$ours|$peer"
done | python3 -c '
import re, statistics, sys
rows = []
for line in sys.stdin:
    ours, peer = line.split("|")
    user, sys_ = map(float, ours.split())
    rate = 300000 / (user + sys_)
    script = float(re.search(r"\(([\d.]+)/s per core\), scoring", peer).group(1))
    alone = float(re.search(r"alone [\d.]+ CPU s \(([\d.]+)/s per core\)", peer).group(1))
    rows.append((rate, script, alone))
    print(f"moderato {rate:8,.0f}/CPU-s   Python script {script:6,.0f}  alone {alone:6,.0f}"
          f"   ratio {rate / script:5.1f}x / {rate / alone:5.1f}x")
med = lambda xs: statistics.median(xs)
print(f"median of {len(rows)} rounds: moderato {med([r[0] for r in rows]):,.0f}/CPU-s; "
      f"ratio against the script {med([r[0] / r[1] for r in rows]):.1f}x, "
      f"against polarity_scores alone {med([r[0] / r[2] for r in rows]):.1f}x")
'
