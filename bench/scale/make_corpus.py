#!/usr/bin/env python3
"""Build N Reddit-shaped NDJSON comments (~360 characters of body each) for the scale benchmark.

Bodies are assembled from the sentences of the 1,000 real Hacker News comments in
shared/data/exports/hn-comments-1000-sample.jsonl (HTML stripped), deterministically
(seeded), so every run of the benchmark scores the same text. Fields follow Pushshift's
comment dumps: id, author, body, created_utc (int), parent_id (t1_/t3_), link_id, subreddit.

usage: make_corpus.py N OUT.ndjson [SOURCE.jsonl]
"""
import html
import json
import random
import re
import sys

def sentences(path):
    out = []
    for line in open(path, encoding="utf-8"):
        text = json.loads(line).get("text") or ""
        text = re.sub(r"<[^>]+>", " ", text)
        text = html.unescape(text)
        for s in re.split(r"(?<=[.!?])\s+", text):
            s = " ".join(s.split())
            if 20 <= len(s) <= 300:
                out.append(s)
    return out

def main():
    n = int(sys.argv[1])
    out_path = sys.argv[2]
    src = sys.argv[3] if len(sys.argv) > 3 else "../shared/data/exports/hn-comments-1000-sample.jsonl"
    pool = sentences(src)
    rng = random.Random(20241105)
    t0 = 1_700_000_000
    with open(out_path, "w", encoding="utf-8") as f:
        for i in range(n):
            body = ""
            while len(body) < 315:
                body = (body + " " + rng.choice(pool)).strip()
            body = body[:390]
            parent = f"t1_{i - 1 - rng.randrange(min(i, 50)):x}" if i and rng.random() < 0.6 else f"t3_{i // 200:x}"
            rec = {
                "id": f"{i:x}",
                "author": f"user{rng.randrange(50_000)}",
                "body": body,
                "created_utc": t0 + i * 7,
                "parent_id": parent,
                "link_id": f"t3_{i // 200:x}",
                "subreddit": "bench",
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

if __name__ == "__main__":
    main()
