//! The archive file: captures in, one row per comment out.
//!
//! Every capture is one `BEGIN IMMEDIATE` transaction: a run killed mid-capture leaves the
//! archive as it was before it (SQLite's write-ahead log), and two processes adding at once
//! take turns (the busy timeout) rather than fail. The same content added again is found by
//! its SHA-256 and not counted twice, so rerunning an interrupted `archive add` finishes the
//! job without duplicates.
//!
//! Within a capture each record is looked up by its key ([`identity`]): a comment seen before
//! gets its first/last seen times widened, its time narrowed when this capture dates it more
//! narrowly, a new revision when its text changed and its status history when its status
//! did. A record found under no key, without a platform id, may still be a comment seen
//! before whose author edited it: it is paired with a comment the thread's previous capture
//! held and this one lacks when both have the same author and parent and share most of
//! their words (at least half of the shorter text's distinct words), and, when both carry an
//! exact time, the same time.
//!
//! Nothing about "gone" is stored: a comment is gone when a later capture of its thread
//! lacks it, which [`schema`]'s `gone` view reads from `last_seen` and the thread's capture
//! times, whatever order captures were added in.

use super::fold::Item;
use super::identity::{self, fold_text};
use super::schema::{APPLICATION_ID, MIGRATIONS, VERSION};
use crate::aggregate::Scored;
use crate::records::{CommentRecord, SourceRef, Status, TimeBasis};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What can go wrong with an archive file.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The file does not exist (and the command does not create one).
    #[error("{path}: no such archive (create one with `moderato archive add --db {path} INPUT`)")]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The file is not an SQLite database.
    #[error("{path}: not an SQLite database, so not a moderato archive; left untouched")]
    NotSqlite {
        /// The file.
        path: PathBuf,
    },
    /// An SQLite database of another application.
    #[error("{path}: an SQLite database of another application ({why}); left untouched")]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        why: String,
    },
    /// An archive of a newer schema than this build knows.
    #[error(
        "{path}: archive schema version {found}, newer than this moderato's {VERSION}; \
         use a newer moderato"
    )]
    Newer {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: i32,
    },
    /// SQLite reports the file damaged.
    #[error("{path}: the archive is damaged ({why}); left untouched")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// SQLite's words.
        why: String,
    },
    /// Any other SQLite or file error.
    #[error("{path}: {why}")]
    Other {
        /// The file.
        path: PathBuf,
        /// What happened.
        why: String,
    },
}

/// An open archive.
pub struct Archive {
    conn: Connection,
    path: PathBuf,
}

/// How a capture's time was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureBasis {
    /// `--now`.
    Now,
    /// The time a URL was fetched.
    Fetched,
    /// The file's modification time.
    FileMtime,
    /// The clock when it was archived (stdin).
    Clock,
}

impl CaptureBasis {
    fn name(self) -> &'static str {
        match self {
            CaptureBasis::Now => "now",
            CaptureBasis::Fetched => "fetched",
            CaptureBasis::FileMtime => "file_mtime",
            CaptureBasis::Clock => "clock",
        }
    }
}

/// What is known about a capture besides its records.
#[derive(Debug, Clone)]
pub struct CaptureMeta {
    /// The path or URL as given.
    pub input: String,
    /// The kind read (`page`, `html`, `disqus`, …).
    pub kind: String,
    /// SHA-256 of the decoded text, in hex.
    pub sha256: String,
    /// When the content was captured.
    pub captured_at: DateTime<Utc>,
    /// How that time was obtained.
    pub basis: CaptureBasis,
    /// When it is being archived.
    pub added_at: DateTime<Utc>,
}

/// What adding one capture did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Added {
    /// The input.
    pub input: String,
    /// The capture's id in the archive.
    pub capture: i64,
    /// True when the same content was archived before (nothing changed).
    pub already: bool,
    /// When it was captured (RFC 3339).
    pub captured_at: String,
    /// Threads it held.
    pub threads: u64,
    /// Records read.
    pub records: u64,
    /// Comments not seen before.
    pub new: u64,
    /// Comments seen before with the same text.
    pub unchanged: u64,
    /// Comments seen before whose text changed.
    pub edited: u64,
    /// Comments seen before whose status changed.
    pub status_changed: u64,
    /// Records repeating a comment earlier in the same capture.
    pub repeats: u64,
    /// Comments the thread's previous capture held and this one lacks.
    pub gone: u64,
}

/// A change between captures, for `archive changes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The thread.
    pub thread: String,
    /// `new`, `edited`, `gone` or `status`.
    pub change: &'static str,
    /// The comment: its platform id, else `#` and its row in the archive.
    pub comment: String,
    /// Its author.
    pub author: Option<String>,
    /// The change happened after this capture time (None: no earlier capture).
    pub after: Option<String>,
    /// … and before this one.
    pub before: String,
    /// When it was posted.
    pub posted_at: Option<String>,
    /// Its text (the latest; for `gone`, the last seen).
    pub text: String,
    /// The text before an edit, or the statuses before and after.
    pub detail: Option<String>,
}

/// A comment the weekly report counts, with the changes it went through.
pub type ChangeTimes = (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>);

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

fn basis_name(b: TimeBasis) -> &'static str {
    match b {
        TimeBasis::Stamped => "stamped",
        TimeBasis::AbsoluteAssumedUtc => "absolute_assumed_utc",
        TimeBasis::AbsoluteInTz => "absolute_in_tz",
        TimeBasis::Now => "now",
        TimeBasis::Captured => "captured",
        TimeBasis::FileMtime => "file_mtime",
    }
}

fn basis_of(s: &str) -> Option<TimeBasis> {
    Some(match s {
        "stamped" => TimeBasis::Stamped,
        "absolute_assumed_utc" => TimeBasis::AbsoluteAssumedUtc,
        "absolute_in_tz" => TimeBasis::AbsoluteInTz,
        "now" => TimeBasis::Now,
        "captured" => TimeBasis::Captured,
        "file_mtime" => TimeBasis::FileMtime,
        _ => return None,
    })
}

fn status_of(s: &str) -> Status {
    Status::ALL.into_iter().find(|st| st.name() == s).unwrap_or(Status::Approved)
}

/// A record's time window: `(earliest, latest)`; equal for an exact time; `None` undated.
fn window(r: &CommentRecord) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let at = r.posted_at?;
    Some(r.posted_window.unwrap_or((at, at)))
}

/// The first 16 bytes of every SQLite 3 database.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Archive {
    /// Opens an archive, creating it (and its schema) when `create` and the file is missing
    /// or empty. Waits up to `busy` for another process's transaction.
    pub fn open(path: &Path, create: bool, busy: Duration) -> Result<Archive, ArchiveError> {
        let p = path.to_path_buf();
        match std::fs::File::open(path) {
            Ok(mut f) => {
                let mut head = [0u8; 16];
                let n = read_up_to(&mut f, &mut head)
                    .map_err(|e| ArchiveError::Other { path: p.clone(), why: e.to_string() })?;
                if n > 0 && (n < 16 || &head != SQLITE_MAGIC) {
                    return Err(ArchiveError::NotSqlite { path: p });
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ArchiveError::Missing { path: p })
            }
            Err(e) => return Err(ArchiveError::Other { path: p, why: e.to_string() }),
        }
        let flags = if create {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(&p, e))?;
        let mut archive = Archive { conn, path: p };
        archive.conn.busy_timeout(busy).map_err(|e| archive.error(e))?;
        archive.check_identity()?;
        archive
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))
            .map_err(|e| archive.error(e))?;
        // In WAL mode NORMAL loses no committed transaction when the process dies (only on
        // power loss may the last ones be lost), and never corrupts the file.
        archive.conn.pragma_update(None, "synchronous", "NORMAL").map_err(|e| archive.error(e))?;
        archive.migrate(create)?;
        Ok(archive)
    }

    /// Checks the whole file (`PRAGMA quick_check`) before anything is written to it: a
    /// damaged archive is refused, not added to. It reads every page once.
    pub fn check(&self) -> Result<(), ArchiveError> {
        let mut st = self.conn.prepare("PRAGMA quick_check").map_err(|e| self.error(e))?;
        let lines: Vec<String> = st
            .query_map([], |r| r.get(0))
            .map_err(|e| self.error(e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.error(e))?;
        if lines.len() == 1 && lines[0] == "ok" {
            return Ok(());
        }
        let why = lines.into_iter().take(3).collect::<Vec<_>>().join("; ");
        Err(ArchiveError::Corrupt { path: self.path.clone(), why })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, e: rusqlite::Error) -> ArchiveError {
        sql_error(&self.path, e)
    }

    /// Refuses files of other applications and of newer schemas.
    fn check_identity(&self) -> Result<(), ArchiveError> {
        let app: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| self.error(e))?;
        let version: i32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.error(e))?;
        if app != 0 && app != APPLICATION_ID {
            let why = format!("application_id {app:#010x}");
            return Err(ArchiveError::Foreign { path: self.path.clone(), why });
        }
        if app == 0 {
            let tables: i64 = self
                .conn
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(|e| self.error(e))?;
            if tables > 0 {
                let why = format!("{tables} schema objects and no moderato application_id");
                return Err(ArchiveError::Foreign { path: self.path.clone(), why });
            }
        }
        if version > VERSION {
            return Err(ArchiveError::Newer { path: self.path.clone(), found: version });
        }
        Ok(())
    }

    /// Brings the schema to [`VERSION`] in one transaction (another process may be doing the
    /// same: the version is read again inside it).
    fn migrate(&mut self, create: bool) -> Result<(), ArchiveError> {
        let path = self.path.clone();
        let err = |e| sql_error(&path, e);
        let version: i32 =
            self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(err)?;
        if version == VERSION {
            return Ok(());
        }
        if version == 0 && !create {
            return Err(ArchiveError::Missing { path });
        }
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let version: i32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(err)?;
        for m in MIGRATIONS.iter().skip(version.max(0) as usize) {
            tx.execute_batch(m).map_err(err)?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(err)?;
        tx.pragma_update(None, "user_version", VERSION).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(())
    }

    /// Adds one capture in one transaction. `progress(n)` is called after every 100th
    /// record looked up (inside the transaction).
    pub fn add(
        &mut self,
        meta: &CaptureMeta,
        items: &[Item],
        progress: &mut dyn FnMut(usize),
    ) -> Result<Added, ArchiveError> {
        let path = self.path.clone();
        let err = |e| sql_error(&path, e);
        let t = stamp(meta.captured_at);
        let mut added = Added {
            input: meta.input.clone(),
            captured_at: t.clone(),
            records: items.len() as u64,
            ..Added::default()
        };
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let before: Option<i64> = tx
            .query_row("SELECT id FROM captures WHERE sha256 = ?1", [&meta.sha256], |r| r.get(0))
            .optional()
            .map_err(err)?;
        if let Some(id) = before {
            added.capture = id;
            added.already = true;
            return Ok(added);
        }
        tx.execute(
            "INSERT INTO captures (input, kind, sha256, captured_at, captured_basis, added_at, \
             records, moderato) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                meta.input,
                meta.kind,
                meta.sha256,
                t,
                meta.basis.name(),
                stamp(meta.added_at),
                items.len() as i64,
                env!("CARGO_PKG_VERSION")
            ],
        )
        .map_err(err)?;
        let capture = tx.last_insert_rowid();
        added.capture = capture;
        let records: Vec<CommentRecord> = items.iter().map(|(r, _)| r.clone()).collect();
        let keys = identity::keys(&records);
        drop(records);
        let mut writer = Writer { tx: &tx, capture, t: &t, threads: HashMap::new() };
        // Per thread: comments seen in this capture, and records found under no key.
        let mut seen: HashMap<i64, HashSet<i64>> = HashMap::new();
        let mut unmatched: Vec<usize> = Vec::new();
        for (i, ((r, s), (key, _))) in items.iter().zip(&keys).enumerate() {
            let thread = writer.thread(r.thread.as_deref().unwrap_or("")).map_err(err)?;
            let found = writer.find(thread, key).map_err(err)?;
            match found {
                Some(id) => {
                    if !seen.entry(thread).or_default().insert(id) {
                        added.repeats += 1;
                        continue;
                    }
                    added.tally(writer.update(id, r, s.as_ref()).map_err(err)?);
                }
                None => {
                    seen.entry(thread).or_default();
                    unmatched.push(i);
                }
            }
            if (i + 1) % 100 == 0 {
                progress(i + 1);
            }
        }
        // Records under no key: an edit of a comment the previous capture held, or new.
        let mut by_thread: HashMap<i64, Vec<usize>> = HashMap::new();
        for &i in &unmatched {
            let thread = writer.thread(items[i].0.thread.as_deref().unwrap_or("")).map_err(err)?;
            by_thread.entry(thread).or_default().push(i);
        }
        let mut threads: Vec<i64> = by_thread.keys().copied().collect();
        threads.sort_unstable();
        for thread in threads {
            let mine = &by_thread[&thread];
            let pairs = if mine.iter().any(|&i| !items[i].0.native_id) {
                writer.pair_edits(thread, mine, items, &keys).map_err(err)?
            } else {
                HashMap::new()
            };
            for &i in mine {
                let (r, s) = &items[i];
                let (key, parent) = &keys[i];
                match pairs.get(&i) {
                    Some(&id) => {
                        writer.alias(thread, key, id).map_err(err)?;
                        added.tally(writer.update(id, r, s.as_ref()).map_err(err)?);
                        seen.entry(thread).or_default().insert(id);
                    }
                    None => {
                        // Two records under one new key in one capture: the second repeats.
                        if let Some(id) = writer.find(thread, key).map_err(err)? {
                            if seen.entry(thread).or_default().insert(id) {
                                writer.update(id, r, s.as_ref()).map_err(err)?;
                            } else {
                                added.repeats += 1;
                            }
                            continue;
                        }
                        let id = writer
                            .insert(thread, key, parent.as_deref(), r, s.as_ref())
                            .map_err(err)?;
                        seen.entry(thread).or_default().insert(id);
                        added.new += 1;
                    }
                }
            }
        }
        added.threads = seen.len() as u64;
        for (&thread, ids) in &seen {
            let prev: Option<String> = tx
                .query_row(
                    "SELECT max(captured_at) FROM capture_threads \
                     WHERE thread_id = ?1 AND captured_at < ?2",
                    params![thread, t],
                    |r| r.get(0),
                )
                .map_err(err)?;
            if let Some(prev) = prev {
                let gone: i64 = tx
                    .query_row(
                        "SELECT count(*) FROM comments WHERE thread_id = ?1 \
                         AND last_seen >= ?2 AND last_seen < ?3",
                        params![thread, prev, t],
                        |r| r.get(0),
                    )
                    .map_err(err)?;
                added.gone += gone as u64;
            }
            tx.execute(
                "INSERT INTO capture_threads (thread_id, captured_at, capture_id, comments) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![thread, t, capture, ids.len() as i64],
            )
            .map_err(err)?;
        }
        drop(writer);
        tx.commit().map_err(err)?;
        Ok(added)
    }

    /// Every comment once, as a record with its archived score (`None`: not moderated), in
    /// the order they were first archived.
    pub fn for_each_comment(
        &self,
        mut f: impl FnMut(CommentRecord, Option<Scored>),
    ) -> Result<u64, ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let mut names: HashMap<i64, String> = HashMap::new();
        {
            let mut st = self.conn.prepare("SELECT id, name FROM threads").map_err(err)?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?;
            for row in rows {
                let (id, name) = row.map_err(err)?;
                names.insert(id, name);
            }
        }
        let source = self.path.display().to_string();
        let mut st = self
            .conn
            .prepare(
                "SELECT id, thread_id, native_id, author, posted_at, posted_earliest, \
                 posted_latest, posted_text, time_basis, is_reply, parent_key, status, body, \
                 language, compound, verdict, categories, toxicity FROM comments ORDER BY id",
            )
            .map_err(err)?;
        let mut rows = st.query([]).map_err(err)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(err)? {
            let get_time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
                Ok(row.get::<_, Option<String>>(i)?.as_deref().and_then(parse_stamp))
            };
            let id: i64 = row.get(0).map_err(err)?;
            let thread: i64 = row.get(1).map_err(err)?;
            let native: Option<String> = row.get(2).map_err(err)?;
            let posted_at = get_time(4).map_err(err)?;
            let earliest = get_time(5).map_err(err)?;
            let latest = get_time(6).map_err(err)?;
            let status = status_of(&row.get::<_, String>(11).map_err(err)?);
            let record = CommentRecord {
                id: native.clone().unwrap_or_else(|| format!("#{id}")),
                native_id: native.is_some(),
                thread: names.get(&thread).cloned(),
                author: row.get(3).map_err(err)?,
                posted_at,
                posted_text: row.get(7).map_err(err)?,
                time_basis: row
                    .get::<_, Option<String>>(8)
                    .map_err(err)?
                    .as_deref()
                    .and_then(basis_of),
                posted_window: earliest.zip(latest).filter(|(a, b)| a != b),
                parent_id: row.get(10).map_err(err)?,
                is_reply: row.get::<_, Option<bool>>(9).map_err(err)?,
                body: row.get(12).map_err(err)?,
                status,
                source: SourceRef {
                    input: source.clone(),
                    line: 0,
                    element: Some(format!("comment {id}")),
                },
            };
            let verdict: Option<String> = row.get(15).map_err(err)?;
            let scored = match verdict {
                Some(verdict) => {
                    let cats: Option<String> = row.get(16).map_err(err)?;
                    Some(Scored {
                        language: row
                            .get::<_, Option<String>>(13)
                            .map_err(err)?
                            .unwrap_or_default(),
                        compound: row.get(14).map_err(err)?,
                        verdict,
                        categories: cats
                            .filter(|c| !c.is_empty())
                            .map(|c| c.split(',').map(str::to_string).collect())
                            .unwrap_or_default(),
                        toxicity: row.get(17).map_err(err)?,
                    })
                }
                None => None,
            };
            f(record, scored);
            n += 1;
        }
        Ok(n)
    }

    /// When comments were removed (gone from a later capture, or given a removing status)
    /// and edited: the end of each change's window.
    pub fn change_times(&self) -> Result<ChangeTimes, ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let collect = |sql: &str| -> Result<Vec<DateTime<Utc>>, ArchiveError> {
            let mut st = self.conn.prepare(sql).map_err(err)?;
            let rows = st.query_map([], |r| r.get::<_, String>(0)).map_err(err)?;
            let mut out = Vec::new();
            for row in rows {
                out.extend(parse_stamp(&row.map_err(err)?));
            }
            Ok(out)
        };
        let mut removed = collect("SELECT gone_before FROM gone")?;
        removed.extend(collect(
            "SELECT status_since FROM comments WHERE previous_status IS NOT NULL \
             AND status IN ('deleted', 'removed', 'spam', 'trash') \
             AND previous_status NOT IN ('deleted', 'removed', 'spam', 'trash')",
        )?);
        let mut edited = collect("SELECT body_since FROM comments WHERE revisions > 1")?;
        edited.extend(collect("SELECT first_seen FROM revisions WHERE n > 1")?);
        Ok((removed, edited))
    }

    /// The changes whose window ends at or after `since`: comments new since an earlier
    /// capture of their thread, edited, gone, or given another status.
    pub fn changes(&self, since: DateTime<Utc>) -> Result<Vec<Change>, ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let since = stamp(since);
        let prev_capture = "(SELECT max(ct.captured_at) FROM capture_threads ct \
                            WHERE ct.thread_id = c.thread_id AND ct.captured_at < {t})";
        let queries: [(&'static str, String); 4] = [
            (
                "new",
                format!(
                    "SELECT t.name, c.id, c.native_id, c.author, {} AS after, c.first_seen, \
                     c.posted_at, c.body, NULL FROM comments c JOIN threads t ON t.id = c.thread_id \
                     WHERE c.first_seen >= ?1 AND after IS NOT NULL",
                    prev_capture.replace("{t}", "c.first_seen")
                ),
            ),
            (
                "edited",
                "SELECT t.name, c.id, c.native_id, c.author, c.edited_after, c.body_since, \
                 c.posted_at, c.body, (SELECT r.body FROM revisions r WHERE r.comment_id = c.id \
                 ORDER BY r.n DESC LIMIT 1) FROM comments c JOIN threads t ON t.id = c.thread_id \
                 WHERE c.revisions > 1 AND c.body_since >= ?1"
                    .to_string(),
            ),
            (
                "gone",
                "SELECT t.name, c.id, c.native_id, c.author, g.gone_after, g.gone_before, \
                 c.posted_at, c.body, NULL FROM gone g JOIN comments c ON c.id = g.comment_id \
                 JOIN threads t ON t.id = c.thread_id WHERE g.gone_before >= ?1"
                    .to_string(),
            ),
            (
                "status",
                format!(
                    "SELECT t.name, c.id, c.native_id, c.author, {}, c.status_since, \
                     c.posted_at, c.body, c.previous_status || ' → ' || c.status \
                     FROM comments c JOIN threads t ON t.id = c.thread_id \
                     WHERE c.previous_status IS NOT NULL AND c.status_since >= ?1",
                    prev_capture.replace("{t}", "c.status_since")
                ),
            ),
        ];
        let mut out = Vec::new();
        for (change, sql) in &queries {
            let mut st = self.conn.prepare(sql).map_err(err)?;
            let rows = st
                .query_map([&since], |r| {
                    let id: i64 = r.get(1)?;
                    let native: Option<String> = r.get(2)?;
                    Ok(Change {
                        thread: r.get(0)?,
                        change,
                        comment: native.unwrap_or_else(|| format!("#{id}")),
                        author: r.get(3)?,
                        after: r.get(4)?,
                        before: r.get(5)?,
                        posted_at: r.get(6)?,
                        text: r.get(7)?,
                        detail: r.get(8)?,
                    })
                })
                .map_err(err)?;
            for row in rows {
                out.push(row.map_err(err)?);
            }
        }
        out.sort_by(|a, b| {
            (&a.thread, &a.before, a.change, &a.comment)
                .cmp(&(&b.thread, &b.before, b.change, &b.comment))
        });
        Ok(out)
    }

    /// Counts of what the archive holds: threads, captures, comments, revisions.
    pub fn counts(&self) -> Result<[i64; 4], ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let mut out = [0; 4];
        for (i, table) in ["threads", "captures", "comments", "revisions"].iter().enumerate() {
            out[i] = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(err)?;
        }
        Ok(out)
    }
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn sql_error(path: &Path, e: rusqlite::Error) -> ArchiveError {
    use rusqlite::ErrorCode;
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => ArchiveError::NotSqlite { path },
        Some(ErrorCode::DatabaseCorrupt) => ArchiveError::Corrupt { path, why: e.to_string() },
        _ => ArchiveError::Other { path, why: e.to_string() },
    }
}

/// What an update changed.
struct Updated {
    edited: bool,
    status: bool,
}

impl Added {
    /// Counts one comment seen again.
    fn tally(&mut self, u: Updated) {
        self.edited += u64::from(u.edited);
        self.status_changed += u64::from(u.status);
        self.unchanged += u64::from(!u.edited && !u.status);
    }
}

/// The writes of one capture.
struct Writer<'a> {
    tx: &'a Connection,
    capture: i64,
    t: &'a str,
    threads: HashMap<String, i64>,
}

/// The columns of a stored comment that an update reads.
struct Stored {
    first_seen: String,
    last_seen: String,
    earliest: Option<String>,
    latest: Option<String>,
    body: String,
    body_since: String,
    status: String,
    status_since: String,
    revisions: i64,
}

impl Writer<'_> {
    fn thread(&mut self, name: &str) -> rusqlite::Result<i64> {
        if let Some(&id) = self.threads.get(name) {
            return Ok(id);
        }
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO threads (name) VALUES (?1)")?
            .execute([name])?;
        let id: i64 = self
            .tx
            .prepare_cached("SELECT id FROM threads WHERE name = ?1")?
            .query_row([name], |r| r.get(0))?;
        self.threads.insert(name.to_string(), id);
        Ok(id)
    }

    fn find(&self, thread: i64, key: &str) -> rusqlite::Result<Option<i64>> {
        self.tx
            .prepare_cached(
                "SELECT comment_id FROM comment_keys WHERE thread_id = ?1 AND key = ?2",
            )?
            .query_row(params![thread, key], |r| r.get(0))
            .optional()
    }

    fn alias(&self, thread: i64, key: &str, id: i64) -> rusqlite::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO comment_keys (thread_id, key, comment_id) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![thread, key, id])?;
        Ok(())
    }

    fn insert(
        &self,
        thread: i64,
        key: &str,
        parent: Option<&str>,
        r: &CommentRecord,
        s: Option<&Scored>,
    ) -> rusqlite::Result<i64> {
        let w = window(r);
        self.tx
            .prepare_cached(
                "INSERT INTO comments (thread_id, native_id, parent_key, is_reply, author, \
                 posted_at, posted_earliest, posted_latest, posted_text, time_basis, status, \
                 status_since, body, body_since, revisions, language, compound, verdict, \
                 categories, toxicity, first_seen, last_seen, first_capture, last_capture) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12, 1, ?14, \
                 ?15, ?16, ?17, ?18, ?12, ?12, ?19, ?19)",
            )?
            .execute(params![
                thread,
                r.native_id.then_some(r.id.as_str()),
                parent,
                r.is_reply,
                r.author,
                r.posted_at.map(stamp),
                w.map(|w| stamp(w.0)),
                w.map(|w| stamp(w.1)),
                r.posted_text,
                r.time_basis.map(basis_name),
                r.status.name(),
                self.t,
                r.body,
                s.map(|s| s.language.as_str()),
                s.and_then(|s| s.compound),
                s.map(|s| s.verdict.as_str()),
                s.map(|s| s.categories.join(",")),
                s.and_then(|s| s.toxicity),
                self.capture,
            ])?;
        let id = self.tx.last_insert_rowid();
        self.alias(thread, key, id)?;
        Ok(id)
    }

    /// Folds this capture's sighting of `r` into comment `id`.
    fn update(&self, id: i64, r: &CommentRecord, s: Option<&Scored>) -> rusqlite::Result<Updated> {
        let old: Stored = self
            .tx
            .prepare_cached(
                "SELECT first_seen, last_seen, posted_earliest, posted_latest, body, body_since, \
                 status, status_since, revisions FROM comments WHERE id = ?1",
            )?
            .query_row([id], |row| {
                Ok(Stored {
                    first_seen: row.get(0)?,
                    last_seen: row.get(1)?,
                    earliest: row.get(2)?,
                    latest: row.get(3)?,
                    body: row.get(4)?,
                    body_since: row.get(5)?,
                    status: row.get(6)?,
                    status_since: row.get(7)?,
                    revisions: row.get(8)?,
                })
            })?;
        let t = self.t;
        let later = t >= old.last_seen.as_str();
        // Times: first/last seen widen; the posting time narrows.
        if t < old.first_seen.as_str() {
            self.tx
                .prepare_cached(
                    "UPDATE comments SET first_seen = ?2, first_capture = ?3 WHERE id = ?1",
                )?
                .execute(params![id, t, self.capture])?;
        }
        if later {
            self.tx
                .prepare_cached(
                    "UPDATE comments SET last_seen = ?2, last_capture = ?3 WHERE id = ?1",
                )?
                .execute(params![id, t, self.capture])?;
        }
        let old_width = match (
            old.earliest.as_deref().and_then(parse_stamp),
            old.latest.as_deref().and_then(parse_stamp),
        ) {
            (Some(a), Some(b)) => Some((b - a).num_seconds()),
            _ => None,
        };
        if let Some((a, b)) = window(r) {
            let width = (b - a).num_seconds();
            if old_width.is_none_or(|w| width < w) {
                self.tx
                    .prepare_cached(
                        "UPDATE comments SET posted_at = ?2, posted_earliest = ?3, \
                         posted_latest = ?4, posted_text = ?5, time_basis = ?6 WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        r.posted_at.map(stamp),
                        stamp(a),
                        stamp(b),
                        r.posted_text,
                        r.time_basis.map(basis_name)
                    ])?;
            }
        }
        // Text: a later capture with another text is an edit.
        let edited =
            later && t > old.body_since.as_str() && fold_text(&r.body) != fold_text(&old.body);
        if edited {
            self.tx
                .prepare_cached(
                    "INSERT INTO revisions (comment_id, n, body, first_seen, last_seen) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, old.revisions, old.body, old.body_since, old.last_seen])?;
            self.tx
                .prepare_cached(
                    "UPDATE comments SET body = ?2, body_since = ?3, edited_after = ?4, \
                     revisions = revisions + 1, language = ?5, compound = ?6, verdict = ?7, \
                     categories = ?8, toxicity = ?9 WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    r.body,
                    t,
                    old.last_seen,
                    s.map(|s| s.language.as_str()),
                    s.and_then(|s| s.compound),
                    s.map(|s| s.verdict.as_str()),
                    s.map(|s| s.categories.join(",")),
                    s.and_then(|s| s.toxicity),
                ])?;
        }
        let status_changed =
            later && t > old.status_since.as_str() && r.status.name() != old.status;
        if status_changed {
            self.tx
                .prepare_cached(
                    "UPDATE comments SET previous_status = status, status = ?2, status_since = ?3 \
                     WHERE id = ?1",
                )?
                .execute(params![id, r.status.name(), t])?;
            // A comment whose text is gone keeps the text it had.
            if !edited && s.is_none() {
                self.tx
                    .prepare_cached("UPDATE comments SET verdict = NULL WHERE id = ?1")?
                    .execute([id])?;
            }
        }
        Ok(Updated { edited, status: status_changed })
    }

    /// Pairs this capture's unknown records (without platform ids) in `thread` with comments
    /// the thread's previous capture held and this one has not matched: same author, same
    /// parent, most words shared, same exact time when both have one (see the module docs).
    fn pair_edits(
        &self,
        thread: i64,
        mine: &[usize],
        items: &[Item],
        keys: &[(String, Option<String>)],
    ) -> rusqlite::Result<HashMap<usize, i64>> {
        let prev: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT max(captured_at) FROM capture_threads WHERE thread_id = ?1 AND captured_at < ?2",
            )?
            .query_row(params![thread, self.t], |r| r.get(0))?;
        let Some(prev) = prev else { return Ok(HashMap::new()) };
        struct Candidate {
            id: i64,
            author: Option<String>,
            parent: Option<String>,
            words: HashSet<String>,
            exact: Option<String>,
        }
        let mut st = self.tx.prepare_cached(
            "SELECT id, author, parent_key, body, posted_earliest, posted_latest FROM comments \
             WHERE thread_id = ?1 AND native_id IS NULL AND last_seen >= ?2 AND last_seen < ?3",
        )?;
        let candidates: Vec<Candidate> = st
            .query_map(params![thread, prev, self.t], |r| {
                let body: String = r.get(3)?;
                let a: Option<String> = r.get(4)?;
                let b: Option<String> = r.get(5)?;
                Ok(Candidate {
                    id: r.get(0)?,
                    author: r.get::<_, Option<String>>(1)?.map(|a| fold_text(&a)),
                    parent: r.get(2)?,
                    words: words(&body),
                    exact: a.filter(|a| Some(a) == b.as_ref()),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if candidates.is_empty() {
            return Ok(HashMap::new());
        }
        let mut scored: Vec<(f64, usize, usize)> = Vec::new();
        for &i in mine {
            let r = &items[i].0;
            if r.native_id {
                continue;
            }
            let author = r.author.as_deref().map(fold_text);
            let exact = window(r).filter(|(a, b)| a == b).map(|(a, _)| stamp(a));
            let w = words(&r.body);
            for (k, c) in candidates.iter().enumerate() {
                if c.author != author || c.parent != keys[i].1 {
                    continue;
                }
                if let (Some(x), Some(y)) = (&exact, &c.exact) {
                    if x != y {
                        continue;
                    }
                }
                let shared = w.intersection(&c.words).count();
                let smaller = w.len().min(c.words.len()).max(1);
                let score = shared as f64 / smaller as f64;
                if score >= 0.5 {
                    scored.push((score, i, k));
                }
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut out = HashMap::new();
        let mut taken = HashSet::new();
        for (_, i, k) in scored {
            if out.contains_key(&i) || taken.contains(&k) {
                continue;
            }
            taken.insert(k);
            out.insert(i, candidates[k].id);
        }
        Ok(out)
    }
}

/// The distinct words of a text, folded.
fn words(s: &str) -> HashSet<String> {
    fold_text(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}
