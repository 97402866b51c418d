//! The archive's SQLite schema, how a file is recognised as an archive, and how an older
//! archive is brought forward.
//!
//! An archive is an SQLite file whose `application_id` is [`APPLICATION_ID`] (`MDRA`) and
//! whose `user_version` is the schema version. A file that is not SQLite, or is SQLite for
//! another application, is refused by name and never written to. Versions are brought
//! forward by [`MIGRATIONS`] in one transaction; a file from a newer moderato is refused.
//!
//! Times are whole seconds since 1970 UTC (`INTEGER`), and texts live in their own table
//! (`bodies`): a weekly report reads the scores of every comment and the text of almost none,
//! and over ten million comments the bytes it does not read are most of the time it saves.
//! The view `comment_list` shows comments with their thread, text and times as text, for
//! the `sqlite3` shell.

/// `PRAGMA application_id` of a moderato archive: "MDRA" in ASCII.
pub const APPLICATION_ID: i32 = 0x4D44_5241;

/// The schema version this build writes.
pub const VERSION: i32 = 2;

/// Migrations: `MIGRATIONS[v]` takes a file at version `v` to `v + 1`. Version 0 is an empty
/// file; a new archive is made by applying them all.
pub const MIGRATIONS: [&str; 2] = [V1, V2];

/// Version 1.
const V1: &str = r#"
-- One row per thread: a page (its canonical URL, the URL it was fetched from, or its
-- title) or an export's thread (its link, title or id).
CREATE TABLE threads (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- One row per input added: a capture. The same content added twice is one capture.
CREATE TABLE captures (
    id             INTEGER PRIMARY KEY,
    input          TEXT NOT NULL,          -- path or URL as given
    kind           TEXT NOT NULL,          -- page, html, disqus, wxr, jsonl, ...
    sha256         TEXT NOT NULL UNIQUE,   -- of the input's content
    captured_at    INTEGER NOT NULL,       -- when the content was captured
    captured_basis TEXT NOT NULL,          -- now | fetched | file_mtime | clock
    added_at       INTEGER NOT NULL,       -- when it was archived
    records        INTEGER NOT NULL,       -- comment records read from it
    moderato       TEXT NOT NULL           -- the version that archived it
);

-- Which threads each capture held, and when: a comment missing from a later capture of
-- its thread is gone.
CREATE TABLE capture_threads (
    thread_id   INTEGER NOT NULL REFERENCES threads(id),
    captured_at INTEGER NOT NULL,
    capture_id  INTEGER NOT NULL REFERENCES captures(id),
    comments    INTEGER NOT NULL,
    PRIMARY KEY (thread_id, captured_at, capture_id)
) WITHOUT ROWID;

-- One row per comment, however many captures held it.
CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    thread_id       INTEGER NOT NULL REFERENCES threads(id),
    native_id       TEXT,     -- the platform's id, when the source gives one
    parent_key      TEXT,     -- the key (comment_keys.key) of the comment it answers
    is_reply        INTEGER,  -- 1 reply, 0 top level, NULL unknown
    author          TEXT,
    posted_at       INTEGER,  -- from the capture that dates it most narrowly
    posted_earliest INTEGER,  -- the window the real time lies in (equal when exact)
    posted_latest   INTEGER,
    posted_text     TEXT,     -- as that capture wrote it ("1 hour ago")
    time_basis      TEXT,
    status          TEXT NOT NULL,     -- approved, deleted, removed, spam, ... (latest)
    status_since    INTEGER NOT NULL,  -- first capture with this status
    previous_status TEXT,              -- the status before it, when it changed
    body_since      INTEGER NOT NULL,  -- first capture with the latest text
    edited_after    INTEGER,           -- last capture with the text before it
    revisions       INTEGER NOT NULL,  -- texts seen: 1 = never edited
    truncated       INTEGER NOT NULL,  -- 1 when the latest text was cut short by the page
    language        TEXT,     -- scores of the latest text, as archived
    compound        REAL,
    verdict         TEXT,     -- NULL: not moderated (no text)
    categories      TEXT,     -- flag categories, comma-separated
    toxicity        REAL,
    first_seen      INTEGER NOT NULL,
    last_seen       INTEGER NOT NULL,
    first_capture   INTEGER NOT NULL REFERENCES captures(id),
    last_capture    INTEGER NOT NULL REFERENCES captures(id)
);
CREATE INDEX comments_by_thread ON comments(thread_id, last_seen);

-- The latest text of each comment.
CREATE TABLE bodies (
    comment_id INTEGER PRIMARY KEY REFERENCES comments(id),
    body       TEXT NOT NULL
);

-- The keys a comment is known by within its thread: `id:<platform id>`, or
-- `text:<digest>#<n>` (author and text), one per text it has had.
CREATE TABLE comment_keys (
    thread_id  INTEGER NOT NULL,
    key        TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    PRIMARY KEY (thread_id, key)
) WITHOUT ROWID;

-- Earlier texts of edited comments (the latest is in bodies).
CREATE TABLE revisions (
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    n          INTEGER NOT NULL,  -- 1 = the first text
    body       TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (comment_id, n)
) WITHOUT ROWID;

-- Comments that disappeared while their thread was still captured: gone after the last
-- capture that held them, before the first later capture of the thread. Only comments last
-- seen before their thread's latest capture can be gone: the index on (thread_id,
-- last_seen) finds them without reading the others.
CREATE VIEW gone AS
SELECT c.id AS comment_id, c.thread_id, c.last_seen AS gone_after,
       (SELECT min(ct.captured_at) FROM capture_threads ct
         WHERE ct.thread_id = c.thread_id AND ct.captured_at > c.last_seen) AS gone_before
  FROM (SELECT thread_id, max(captured_at) AS latest FROM capture_threads GROUP BY thread_id) m
  JOIN comments c ON c.thread_id = m.thread_id AND c.last_seen < m.latest;

-- Edited comments and status changes, for reports that count them without reading every
-- comment (partial indexes: they hold only those rows).
CREATE INDEX comments_edited ON comments(body_since) WHERE revisions > 1;
CREATE INDEX comments_restatused ON comments(status_since) WHERE previous_status IS NOT NULL;

-- Comments as text, for reading in the sqlite3 shell.
CREATE VIEW comment_list AS
SELECT c.id, t.name AS thread, c.native_id, c.author,
       datetime(c.posted_at, 'unixepoch') AS posted_at, c.posted_text, c.status,
       c.verdict, c.compound, c.toxicity, c.revisions,
       datetime(c.first_seen, 'unixepoch') AS first_seen,
       datetime(c.last_seen, 'unixepoch') AS last_seen, b.body
  FROM comments c JOIN threads t ON t.id = c.thread_id JOIN bodies b ON b.comment_id = c.id;
"#;

/// Version 2: authors get numbers in a table of their own, as threads have. A weekly report
/// over ten million comments counts authors per week; by number that is an array index,
/// by name it was a hash of the name and a string compare per comment, nearly half of the
/// report's time.
const V2: &str = r#"
-- One row per author name (as the source spells it).
CREATE TABLE authors (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
INSERT INTO authors (name)
    SELECT author FROM comments WHERE author IS NOT NULL GROUP BY author ORDER BY min(id);
ALTER TABLE comments ADD COLUMN author_id INTEGER REFERENCES authors(id);
UPDATE comments SET author_id = (SELECT a.id FROM authors a WHERE a.name = comments.author)
    WHERE author IS NOT NULL;
DROP VIEW comment_list;
ALTER TABLE comments DROP COLUMN author;

-- Comments as text, for reading in the sqlite3 shell.
CREATE VIEW comment_list AS
SELECT c.id, t.name AS thread, c.native_id, a.name AS author,
       datetime(c.posted_at, 'unixepoch') AS posted_at, c.posted_text, c.status,
       c.verdict, c.compound, c.toxicity, c.revisions,
       datetime(c.first_seen, 'unixepoch') AS first_seen,
       datetime(c.last_seen, 'unixepoch') AS last_seen, b.body
  FROM comments c JOIN threads t ON t.id = c.thread_id JOIN bodies b ON b.comment_id = c.id
  LEFT JOIN authors a ON a.id = c.author_id;
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_id_spells_mdra() {
        assert_eq!(&APPLICATION_ID.to_be_bytes(), b"MDRA");
    }

    #[test]
    fn version_2_numbers_the_authors_of_a_version_1_archive() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(V1).unwrap();
        conn.execute_batch(
            "INSERT INTO threads (id, name) VALUES (1, 't');
             INSERT INTO captures VALUES (1, 'i', 'page', 'x', 0, 'now', 0, 3, 'v');
             INSERT INTO comments (id, thread_id, author, status, status_since, body_since,
               revisions, truncated, first_seen, last_seen, first_capture, last_capture)
             VALUES (1, 1, 'zoe', 'approved', 0, 0, 1, 0, 0, 0, 1, 1),
                    (2, 1, NULL, 'approved', 0, 0, 1, 0, 0, 0, 1, 1),
                    (3, 1, 'al', 'approved', 0, 0, 1, 0, 0, 0, 1, 1),
                    (4, 1, 'zoe', 'approved', 0, 0, 1, 0, 0, 0, 1, 1);
             INSERT INTO bodies VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');",
        )
        .unwrap();
        conn.execute_batch(V2).unwrap();
        let authors: Vec<(i64, String)> = conn
            .prepare("SELECT id, name FROM authors ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(authors, [(1, "zoe".to_string()), (2, "al".to_string())]);
        let listed: Vec<Option<String>> = conn
            .prepare("SELECT author FROM comment_list ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(listed, [Some("zoe".into()), None, Some("al".into()), Some("zoe".into())]);
    }

    #[test]
    fn every_migration_applies_on_an_empty_database() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for m in MIGRATIONS {
            conn.execute_batch(m).unwrap();
        }
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 8);
    }
}
