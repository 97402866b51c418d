#!/usr/bin/env bash
# Throughput of moderato::tone vs the vader_sentiment 0.1.1 crate vs Python
# vaderSentiment 3.3.2 on the same sentences, one thread each.
#
#   bench/tone/compare.sh [CPU_SECONDS=3]
#
# Rust: the CPU-time mode of benches/tone.rs (TONE_CPU_SECS); `cargo bench --bench tone`
# alone gives divan's wall-clock table. Python: skipped unless vaderSentiment 3.3.2 is
# importable (pip install vaderSentiment==3.3.2).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-3}"
echo "== machine: $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Rust (cargo bench --bench tone, TONE_CPU_SECS=$secs)"
TONE_CPU_SECS="$secs" cargo bench --quiet --bench tone 2>/dev/null
if python3 -c 'import vaderSentiment.vaderSentiment' 2>/dev/null; then
    echo "== Python ($(python3 -c 'import sys; print(sys.version.split()[0])'))"
    python3 bench/tone/compare_python.py "$secs"
else
    echo "== Python vaderSentiment not installed: skipped"
fi
