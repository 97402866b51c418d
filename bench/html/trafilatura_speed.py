"""Pages per CPU-second of trafilatura over a folder of saved pages (NNN.html), the way the
Dragnet data README measures it: `trafilatura.extract(html, include_comments=True)` in one
process, CPU time from `time.process_time()`. A peer-tool comparison for issue 23's speed
figure; never a dependency of moderato or its tests.

    python3 -m venv /tmp/trafvenv && /tmp/trafvenv/bin/pip install trafilatura==2.3.1 lxml_html_clean
    /tmp/trafvenv/bin/python bench/html/trafilatura_speed.py ../shared/data/dragnet [ROUNDS]
"""
import glob
import sys
import time

import trafilatura

folder = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
files = sorted(glob.glob(f"{folder}/*.html"))
pages = [open(f, "rb").read() for f in files]
for kind, inputs in (("bytes", pages), ("text", [p.decode("utf-8", "replace") for p in pages])):
    for r in range(rounds):
        t = time.process_time()
        for p in inputs:
            trafilatura.extract(p, include_comments=True)
        dt = time.process_time() - t
        print(f"trafilatura {trafilatura.__version__}, {kind} input, round {r + 1}: "
              f"{len(inputs) / dt:.1f} pages per CPU-second ({len(inputs)} pages, {dt:.1f} s)")
