#!/usr/bin/env bash
# The archive at scale (issue 26): `archive add` of 1M comment records, `report weekly --db`
# over archives of 1M and 10M comments, and the file's size per comment.
#
#   bench/archive/run.sh [DIR=/tmp] [RUNS=2]
#
# The 1M records are the scale benchmark's Reddit-shaped corpus (bench/scale/make_corpus.py,
# ~360 characters of body each). The 10M archive is the 1M archive copied ten times with the
# `sqlite3` shell (new ids, threads and authors per copy, posting times moved 26 weeks per
# copy), because adding 10M records takes minutes and measures nothing new; the report reads
# it exactly as it reads an archive built by `archive add`. Needs `sqlite3` on the PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-/tmp}
RUNS=${2:-2}
BIN=target/release/moderato
cargo build --release --quiet
[ -f "$DIR/c1m.ndjson" ] || python3 bench/scale/make_corpus.py 1000000 "$DIR/c1m.ndjson"
echo "$(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
for i in $(seq "$RUNS"); do
  rm -f "$DIR/a1m.db" "$DIR/a1m.db-wal" "$DIR/a1m.db-shm"
  /usr/bin/time -f "archive add 1M: %e s wall, %U s user, %S s sys, %M KB peak" \
    "$BIN" archive add --db "$DIR/a1m.db" "$DIR/c1m.ndjson" > /dev/null
done
bytes=$(stat -c %s "$DIR/a1m.db")
echo "archive of 1M comments: $bytes bytes, $((bytes / 1000000)) bytes per comment"
sqlite3 "$DIR/a1m.db" "SELECT 'bodies ' || sum(length(body)) || ' bytes of text' FROM bodies"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "report weekly --db (1M): %e s wall, %U s user, %S s sys, %M KB peak" \
    "$BIN" report weekly --db "$DIR/a1m.db" -f json > /dev/null
done
rm -f "$DIR/a10m.db" "$DIR/a10m.db-wal" "$DIR/a10m.db-shm"
cp "$DIR/a1m.db" "$DIR/a10m.db"
sqlite3 "$DIR/a10m.db" <<'SQL'
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE base_threads AS SELECT * FROM threads;
CREATE TEMP TABLE base_authors AS SELECT * FROM authors;
CREATE TEMP TABLE base_comments AS SELECT * FROM comments;
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 9)
INSERT INTO threads (id, name) SELECT t.id + k.n * 1000000, t.name || ' #' || k.n FROM base_threads t, k;
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 9)
INSERT INTO authors (id, name) SELECT a.id + k.n * (SELECT max(id) FROM base_authors),
  a.name || '-' || k.n FROM base_authors a, k;
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 9)
INSERT INTO comments (id, thread_id, native_id, parent_key, is_reply, author_id, posted_at,
  posted_earliest, posted_latest, posted_text, time_basis, status, status_since,
  previous_status, body_since, edited_after, revisions, truncated, language, compound, verdict,
  categories, toxicity, first_seen, last_seen, first_capture, last_capture)
SELECT c.id + k.n * 1000000, c.thread_id + k.n * 1000000, c.native_id || '-' || k.n, c.parent_key,
  c.is_reply, c.author_id + k.n * (SELECT max(id) FROM base_authors), c.posted_at + k.n * 26 * 604800,
  c.posted_earliest + k.n * 26 * 604800, c.posted_latest + k.n * 26 * 604800, c.posted_text,
  c.time_basis, c.status, c.status_since, c.previous_status, c.body_since, c.edited_after,
  c.revisions, c.truncated, c.language, c.compound, c.verdict, c.categories, c.toxicity, c.first_seen,
  c.last_seen, c.first_capture, c.last_capture
FROM base_comments c, k;
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 9)
INSERT INTO bodies (comment_id, body) SELECT b.comment_id + k.n * 1000000, b.body FROM bodies b, k
  WHERE b.comment_id <= 1000000;
PRAGMA journal_mode = WAL;
SQL
echo "archive of $(sqlite3 "$DIR/a10m.db" 'SELECT count(*) FROM comments') comments: $(stat -c %s "$DIR/a10m.db") bytes"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "report weekly --db (10M): %e s wall, %U s user, %S s sys, %M KB peak" \
    "$BIN" report weekly --db "$DIR/a10m.db" -f json > /dev/null
done
/usr/bin/time -f "report weekly --db (10M, --threads 1): %e s wall, %U s user, %S s sys, %M KB peak" \
  "$BIN" report weekly --db "$DIR/a10m.db" -f json --threads 1 > /dev/null
