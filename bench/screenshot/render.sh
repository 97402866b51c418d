#!/usr/bin/env bash
# Renders the weekly HTML report in headless Chromium and saves a screenshot, so a person can
# look at the page as a reader's browser shows it (charts, tables, escaped comment text).
#
# Usage: bench/screenshot/render.sh [OUT_DIR]        (default: target/screenshot)
# Needs: cargo, and Chromium (Debian: apt-get install chromium).
# Inputs: the 1,000 HN comments from ../shared/data/exports when present (else the 20-line
# excerpt), the Disqus and WXR fixtures, and one hostile record whose author, thread and
# body hold markup: the page must show it as text.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/screenshot}
mkdir -p "$out"

hn=tests/fixtures/exports/hn-comments-excerpt-20.jsonl
[ -f ../shared/data/exports/hn-comments-1000-sample.jsonl ] && hn=../shared/data/exports/hn-comments-1000-sample.jsonl

cat > "$out/hostile.jsonl" <<'JSONL'
{"id":"x1","author":"<b>mallory</b>","thread":"https://example.org/<script>alert(1)</script>","posted_at":"2022-10-19T10:00:00Z","body":"<script>alert('owned')</script> This is awful, stupid and wrong."}
{"id":"x2","author":"=HYPERLINK(\"http://evil\")","thread":"https://example.org/<script>alert(1)</script>","parent_id":"x1","posted_at":"3 days ago","body":"Great point, thanks!"}
JSONL

cargo run -q -- report weekly "$hn" \
  tests/fixtures/exports/isso-disqus.xml tests/fixtures/exports/isso-wordpress-wxr.xml \
  "$out/hostile.jsonl" --now 2022-10-25T00:00:00Z --format html -o "$out/weekly.html"

chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
  echo "render.sh: Chromium not found (Debian: apt-get install chromium)" >&2
  exit 2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --screenshot="$out/weekly.png" --window-size=1200,1600 \
  "file://$(realpath "$out/weekly.html")" 2>"$out/chromium.log"
echo "wrote $out/weekly.html and $out/weekly.png"
