#!/usr/bin/env python3
"""Time the reference Python vaderSentiment 3.3.2 on the same sentences as benches/tone.rs
(the 19,995 ground-truth sentences, "all", and the 80..=120-char subset, "len100").

Usage: python3 bench/tone/compare_python.py [SECONDS=3]
Prints sentences per CPU-second (time.thread_time) and per wall-second, one thread.
"""
import json
import os
import sys
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

secs = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
fixtures = os.path.join(root, "tests", "fixtures", "vader")
all_ = []
for f in ["tweets.jsonl", "nytEditorialSnippets.jsonl", "movieReviewSnippets.jsonl"]:
    with open(os.path.join(fixtures, f), encoding="utf-8") as fh:
        all_ += [json.loads(line)["text"] for line in fh if line.strip()]
len100 = [s for s in all_ if 80 <= len(s) <= 120]

analyzer = SentimentIntensityAnalyzer()
for name, sentences in [("all", all_), ("len100", len100)]:
    for s in sentences[:500]:
        analyzer.polarity_scores(s)  # warm up
    n = 0
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    while time.thread_time() - cpu0 < secs:
        for s in sentences:
            analyzer.polarity_scores(s)
        n += len(sentences)
    cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
    mean = sum(len(s) for s in sentences) / len(sentences)
    print(f"{name:7} {len(sentences):6} sentences, mean {mean:.0f} chars | python vaderSentiment "
          f"3.3.2 {n / cpu:8.0f}/CPU-s ({n / wall:8.0f}/wall-s)")
