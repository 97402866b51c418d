#!/usr/bin/env python3
"""The Python peer: vaderSentiment 3.3.2 over the bodies of a Reddit-shaped NDJSON file.

Reads and parses every line (json), scores the body, writes one JSON line per comment
(id + the four scores) to stdout, like `moderato audit --input jsonl --format jsonl` does
minus the lexicon. Prints comments/s (wall and CPU, one core) on stderr, and the rate of the
scoring alone (CPU time inside `polarity_scores`, without reading, parsing and writing).
Both rates move with the machine's load (1,931–4,031 per CPU-second within two hours here),
so compare them with moderato in alternating runs: bench/scale/ratio.sh.

usage: vader_peer.py IN.ndjson [N] > /dev/null
"""
import json
import sys
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

def main():
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    analyzer = SentimentIntensityAnalyzer()
    out = sys.stdout
    n = 0
    scoring = 0.0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if limit is not None and n >= limit:
                break
            rec = json.loads(line)
            body = rec.get("body") or ""
            t0 = time.process_time()
            scores = analyzer.polarity_scores(body)
            scoring += time.process_time() - t0
            out.write(json.dumps({"id": rec.get("id"), **scores}) + "\n")
            n += 1
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(f"{n} comments: wall {wall:.2f} s ({n / wall:.0f}/s), cpu {cpu:.2f} s ({n / cpu:.0f}/s per core), "
          f"scoring alone {scoring:.2f} CPU s ({n / scoring:.0f}/s per core)",
          file=sys.stderr)

if __name__ == "__main__":
    main()
