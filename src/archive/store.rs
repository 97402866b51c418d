//! The archive file: captures in, one row per comment out.
//!
//! Every capture is one `BEGIN IMMEDIATE` transaction: a run killed mid-capture leaves the
//! archive as it was before it (SQLite's write-ahead log), and two processes adding at once
//! take turns (the busy timeout) rather than fail. The same content added again is found by
//! its SHA-256 and not counted twice, so rerunning an interrupted `archive add` finishes the
//! job without duplicates.
//!
//! Within a capture each record is looked up by its key ([`identity`](super::identity)): a
//! comment seen before gets its first/last seen times widened, its time narrowed when this
//! capture dates it more narrowly, a new revision when its text changed and its status
//! history when its status did. A record found under no key, without a platform id, may
//! still be a comment seen before whose author edited it: it is paired with a comment the
//! thread's previous capture held and this one lacks when both have the same author and
//! parent and share most of their words (at least half of the shorter text's distinct
//! words), and, when both carry an exact time, the same time.
//!
//! Nothing about "gone" is stored: a comment is gone when a later capture of its thread
//! lacks it, which [`schema`](super::schema)'s `gone` view reads from `last_seen` and the
//! thread's capture times, whatever order captures were added in.

use super::fold::Item;
use super::identity::{fold_text, Keyer};
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

/// When comments were removed, and when they were edited (see [`Archive::change_times`]).
pub type ChangeTimes = (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>);

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A time as the archive stores it: whole seconds since 1970 UTC.
fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn time_of(s: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(s, 0)
}

/// A stored time as RFC 3339.
fn shown(s: i64) -> String {
    time_of(s).map_or_else(|| s.to_string(), stamp)
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
        // 64 MiB of page cache: a capture of a million comments touches the tables' and
        // indexes' pages far more often than the default 2 MiB holds, and spills to the log.
        archive.conn.pragma_update(None, "cache_size", -65_536).map_err(|e| archive.error(e))?;
        // A capture runs some twenty statements per record; rusqlite keeps 16 prepared by
        // default, and a statement evicted is parsed again on its next use.
        archive.conn.set_prepared_statement_cache_capacity(64);
        archive.migrate(create)?;
        // Reports scan the file from end to end: mapped, its pages are read in place rather
        // than copied into the cache.
        archive.conn.pragma_update(None, "mmap_size", 1_i64 << 34).map_err(|e| archive.error(e))?;
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

    /// Opens the transaction of one capture; records go in with [`Capture::push`] and the
    /// capture ends with [`Capture::commit`]. A capture whose content is already archived
    /// (by `meta.sha256`; empty when not yet known) gives nothing to push to: its `Added`
    /// says `already`.
    pub fn begin(&mut self, meta: &CaptureMeta) -> Result<Capture<'_>, ArchiveError> {
        let path = self.path.clone();
        let err = |e| sql_error(&path, e);
        let t = secs(meta.captured_at);
        let added = Added {
            input: meta.input.clone(),
            captured_at: stamp(meta.captured_at),
            ..Added::default()
        };
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let mut capture = Capture {
            tx,
            path: path.clone(),
            capture: 0,
            t,
            threads: Default::default(),
            authors: Default::default(),
            keyer: Keyer::new(),
            text_ids: HashMap::new(),
            seen: HashMap::new(),
            held: Vec::new(),
            inserted: HashSet::new(),
            added,
        };
        if !meta.sha256.is_empty() {
            if let Some(id) = capture.already(&meta.sha256).map_err(err)? {
                capture.added.capture = id;
                capture.added.already = true;
                return Ok(capture);
            }
        }
        capture
            .tx
            .execute(
                "INSERT INTO captures (input, kind, sha256, captured_at, captured_basis, \
                 added_at, records, moderato) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)",
                params![
                    meta.input,
                    meta.kind,
                    // Unique until the content's digest is known (at commit).
                    if meta.sha256.is_empty() {
                        format!("pending {}", std::process::id())
                    } else {
                        meta.sha256.clone()
                    },
                    capture.t,
                    meta.basis.name(),
                    secs(meta.added_at),
                    env!("CARGO_PKG_VERSION")
                ],
            )
            .map_err(err)?;
        capture.capture = capture.tx.last_insert_rowid();
        capture.added.capture = capture.capture;
        Ok(capture)
    }

    /// How many threads or authors the archive names, and their lowest and highest numbers
    /// (`None` when it names none).
    pub fn name_span(&self, of: Named) -> Result<Option<(u64, i64, i64)>, ArchiveError> {
        let sql = format!("SELECT count(*), min(id), max(id) FROM {}", of.table());
        let (n, lo, hi): (i64, Option<i64>, Option<i64>) = self
            .conn
            .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| self.error(e))?;
        Ok(lo.zip(hi).map(|(lo, hi)| (n.max(0) as u64, lo, hi)))
    }

    /// Every thread's or author's number in the archive and name, in the order of their
    /// numbers.
    pub fn for_each_name(
        &self,
        of: Named,
        mut f: impl FnMut(i64, &str),
    ) -> Result<(), ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let sql = format!("SELECT id, name FROM {} ORDER BY id", of.table());
        let mut st = self.conn.prepare(&sql).map_err(err)?;
        let mut rows = st.query([]).map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            let name = row.get_ref(1).map_err(err)?;
            let name = name.as_str().map_err(|e| sql_error(&self.path, e.into()))?;
            f(row.get(0).map_err(err)?, name);
        }
        Ok(())
    }

    /// Every comment once, as a record with its archived score (`None`: not moderated,
    /// or not published when `all_statuses` is false), in the order they were first
    /// archived, handed to `f` [`ROW_BATCH`] at a time. Records come without their text
    /// (`body` is empty: see [`Archive::most_negative`]), id or toxicity, which a weekly
    /// report does not read, and name their thread and author by number ([`RowNames`]; see
    /// [`Archive::for_each_name`]): `record.thread` and `record.author` are `None`.
    pub fn for_each_comment(
        &self,
        ids: std::ops::RangeInclusive<i64>,
        all_statuses: bool,
        mut f: impl FnMut(&[ArchivedRow]),
    ) -> Result<u64, ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let mut st = self
            .conn
            .prepare(
                "SELECT thread_id, author_id, posted_at, posted_earliest, posted_latest, \
                 time_basis, is_reply, status, language, compound, verdict, categories \
                 FROM comments WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
            )
            .map_err(err)?;
        let mut rows = st.query([ids.start(), ids.end()]).map_err(err)?;
        // Rows refilled batch after batch, their strings keeping their buffers.
        let mut batch: Vec<ArchivedRow> = Vec::with_capacity(ROW_BATCH);
        let mut filled = 0;
        let input = self.path.display().to_string();
        let mut n = 0;
        while let Some(row) = rows.next().map_err(err)? {
            if filled == batch.len() {
                batch.push(ArchivedRow::new(&input));
            }
            let out = &mut batch[filled];
            let get = |i: usize| row.get_ref(i).map_err(err);
            let int = |i: usize| -> Result<Option<i64>, ArchiveError> {
                Ok(get(i)?.as_i64_or_null().ok().flatten())
            };
            out.names = RowNames { thread: row.get(0).map_err(err)?, author: int(1)? };
            let record = &mut out.record;
            record.posted_at = int(2)?.and_then(time_of);
            // Most windows are a single instant: compared as numbers, converted only when not.
            record.posted_window = match (int(3)?, int(4)?) {
                (Some(a), Some(b)) if a != b => time_of(a).zip(time_of(b)),
                _ => None,
            };
            record.time_basis = get(5)?.as_str_or_null().ok().flatten().and_then(basis_of);
            record.is_reply = int(6)?.map(|v| v != 0);
            record.status = status_of(get(7)?.as_str().unwrap_or("approved"));
            let verdict = get(10)?.as_str_or_null().ok().flatten();
            let counted =
                record.status == Status::Approved || (all_statuses && !record.status.body_gone());
            out.has_score = false;
            if let (Some(v), true) = (verdict, counted) {
                let scored = &mut out.scored;
                out.has_score = true;
                scored.verdict.clear();
                scored.verdict.push_str(v);
                scored.language.clear();
                scored.language.push_str(get(8)?.as_str_or_null().ok().flatten().unwrap_or(""));
                scored.compound = get(9)?.as_f64_or_null().ok().flatten();
                let mut k = 0;
                if let Some(c) = get(11)?.as_str_or_null().ok().flatten().filter(|c| !c.is_empty())
                {
                    for part in c.split(',') {
                        match scored.categories.get_mut(k) {
                            Some(buf) => {
                                buf.clear();
                                buf.push_str(part);
                            }
                            None => scored.categories.push(part.to_string()),
                        }
                        k += 1;
                    }
                }
                scored.categories.truncate(k);
            }
            filled += 1;
            n += 1;
            if filled == ROW_BATCH {
                f(&batch);
                filled = 0;
            }
        }
        if filled > 0 {
            f(&batch[..filled]);
        }
        Ok(n)
    }

    /// The lowest and highest comment ids (`None` when the archive holds no comment): a
    /// report may read ranges of them side by side.
    pub fn id_range(&self) -> Result<Option<(i64, i64)>, ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        // Apart, each is one step down the table's tree; together they read it whole.
        let lo: Option<i64> =
            self.conn.query_row("SELECT min(id) FROM comments", [], |r| r.get(0)).map_err(err)?;
        let hi: Option<i64> =
            self.conn.query_row("SELECT max(id) FROM comments", [], |r| r.get(0)).map_err(err)?;
        Ok(lo.zip(hi))
    }

    /// The text of the most negative counted comment of a thread (the lowest compound; among
    /// equals the first by its quoted text), as the weekly report quotes it.
    pub fn most_negative(
        &self,
        thread: &str,
        compound: f64,
        all_statuses: bool,
    ) -> Result<Option<String>, ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let statuses = if all_statuses {
            "c.status NOT IN ('deleted', 'removed')"
        } else {
            "c.status = 'approved'"
        };
        let sql = format!(
            "SELECT b.body FROM comments c JOIN bodies b ON b.comment_id = c.id \
             WHERE c.thread_id = (SELECT id FROM threads WHERE name = ?1) \
             AND c.verdict IS NOT NULL AND {statuses} AND abs(c.compound - ?2) < 0.00005"
        );
        let mut st = self.conn.prepare(&sql).map_err(err)?;
        let rows =
            st.query_map(params![thread, compound], |r| r.get::<_, String>(0)).map_err(err)?;
        let mut best: Option<String> = None;
        for row in rows {
            let quote =
                crate::report::escape::preview(&row.map_err(err)?, crate::aggregate::QUOTE_CHARS);
            if best.as_ref().is_none_or(|b| quote < *b) {
                best = Some(quote);
            }
        }
        Ok(best)
    }

    /// When comments were removed (gone from a later capture, or given a removing status)
    /// and edited: the end of each change's window.
    pub fn change_times(&self) -> Result<ChangeTimes, ArchiveError> {
        let err = |e| sql_error(&self.path, e);
        let collect = |sql: &str| -> Result<Vec<DateTime<Utc>>, ArchiveError> {
            let mut st = self.conn.prepare(sql).map_err(err)?;
            let rows = st.query_map([], |r| r.get::<_, i64>(0)).map_err(err)?;
            let mut out = Vec::new();
            for row in rows {
                out.extend(time_of(row.map_err(err)?));
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
        let since = secs(since);
        let prev_capture = "(SELECT max(ct.captured_at) FROM capture_threads ct \
                            WHERE ct.thread_id = c.thread_id AND ct.captured_at < {t})";
        let from = "FROM comments c JOIN threads t ON t.id = c.thread_id \
                    JOIN bodies b ON b.comment_id = c.id LEFT JOIN authors a ON a.id = c.author_id";
        let queries: [(&'static str, String); 4] = [
            (
                "new",
                format!(
                    "SELECT t.name, c.id, c.native_id, a.name, {} AS after, c.first_seen, \
                     c.posted_at, b.body, NULL {from} WHERE c.first_seen >= ?1 AND after IS NOT NULL",
                    prev_capture.replace("{t}", "c.first_seen")
                ),
            ),
            (
                "edited",
                format!(
                    "SELECT t.name, c.id, c.native_id, a.name, c.edited_after, c.body_since, \
                     c.posted_at, b.body, (SELECT r.body FROM revisions r WHERE r.comment_id = c.id \
                     ORDER BY r.n DESC LIMIT 1) {from} WHERE c.revisions > 1 AND c.body_since >= ?1"
                ),
            ),
            (
                "gone",
                format!(
                    "SELECT t.name, c.id, c.native_id, a.name, g.gone_after, g.gone_before, \
                     c.posted_at, b.body, NULL {from} JOIN gone g ON g.comment_id = c.id \
                     WHERE g.gone_before >= ?1"
                ),
            ),
            (
                "status",
                format!(
                    "SELECT t.name, c.id, c.native_id, a.name, {}, c.status_since, \
                     c.posted_at, b.body, c.previous_status || ' → ' || c.status {from} \
                     WHERE c.previous_status IS NOT NULL AND c.status_since >= ?1",
                    prev_capture.replace("{t}", "c.status_since")
                ),
            ),
        ];
        let mut out = Vec::new();
        for (change, sql) in &queries {
            let mut st = self.conn.prepare(sql).map_err(err)?;
            let rows = st
                .query_map([since], |r| {
                    let id: i64 = r.get(1)?;
                    let native: Option<String> = r.get(2)?;
                    Ok(Change {
                        thread: r.get(0)?,
                        change,
                        comment: native.unwrap_or_else(|| format!("#{id}")),
                        author: r.get(3)?,
                        after: r.get::<_, Option<i64>>(4)?.map(shown),
                        before: shown(r.get(5)?),
                        posted_at: r.get::<_, Option<i64>>(6)?.map(shown),
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

/// The tables that number names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `threads`.
    Threads,
    /// `authors`.
    Authors,
}

impl Named {
    fn table(self) -> &'static str {
        match self {
            Named::Threads => "threads",
            Named::Authors => "authors",
        }
    }
}

/// A comment's thread and author, by their numbers in the archive (see
/// [`Archive::for_each_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowNames {
    /// `threads.id`.
    pub thread: i64,
    /// `authors.id`; `None` when the comment has no author.
    pub author: Option<i64>,
}

/// How many rows [`Archive::for_each_comment`] hands over at a time: enough that a reader
/// can do one kind of work for all of them before the next (and so overlap its memory
/// accesses), few enough to stay in the cache.
pub const ROW_BATCH: usize = 256;

/// A comment as [`Archive::for_each_comment`] reads it.
#[derive(Debug, Clone)]
pub struct ArchivedRow {
    /// The record, without its text, ids, thread or author (see `names`).
    pub record: CommentRecord,
    /// Its score, when `has_score`.
    scored: Scored,
    has_score: bool,
    /// Its thread and author by number.
    pub names: RowNames,
}

impl ArchivedRow {
    fn new(input: &str) -> ArchivedRow {
        ArchivedRow {
            record: CommentRecord {
                id: String::new(),
                native_id: false,
                thread: None,
                author: None,
                posted_at: None,
                posted_text: None,
                time_basis: None,
                posted_window: None,
                parent_id: None,
                is_reply: None,
                body: String::new(),
                truncated: false,
                status: Status::Approved,
                source: SourceRef { input: input.to_string(), line: 0, element: None },
            },
            scored: Scored {
                language: String::new(),
                compound: None,
                verdict: String::new(),
                categories: Vec::new(),
                toxicity: None,
            },
            has_score: false,
            names: RowNames { thread: 0, author: None },
        }
    }

    /// Its archived score (`None`: not moderated, or not counted as published).
    pub fn score(&self) -> Option<&Scored> {
        self.has_score.then_some(&self.scored)
    }
}

/// One capture being added: an open transaction.
pub struct Capture<'a> {
    tx: rusqlite::Transaction<'a>,
    path: PathBuf,
    capture: i64,
    /// The capture's time.
    t: i64,
    /// Thread ids by name.
    threads: rustc_hash::FxHashMap<String, i64>,
    /// Author ids by name.
    authors: rustc_hash::FxHashMap<String, i64>,
    /// Keys of this capture's records.
    keyer: Keyer,
    /// Keys of this capture's records without platform ids, by (thread, id): their
    /// children's parent keys.
    text_ids: HashMap<i64, HashMap<String, String>>,
    /// Per thread: comments seen in this capture.
    seen: HashMap<i64, HashSet<i64>>,
    /// Records without platform ids found under no key: paired or inserted at commit.
    held: Vec<(Item, String, Option<String>)>,
    /// Keys inserted in this capture.
    inserted: HashSet<(i64, String)>,
    added: Added,
}

impl Capture<'_> {
    /// True when the same content was archived before: nothing to push, commit says so.
    pub fn is_already(&self) -> bool {
        self.added.already
    }

    fn already(&self, sha256: &str) -> rusqlite::Result<Option<i64>> {
        self.tx
            .query_row("SELECT id FROM captures WHERE sha256 = ?1", [sha256], |r| r.get(0))
            .optional()
    }

    /// Adds records, in input order.
    pub fn push(&mut self, items: Vec<Item>) -> Result<(), ArchiveError> {
        let path = self.path.clone();
        let err = |e| sql_error(&path, e);
        if self.added.already {
            return Ok(());
        }
        for (r, s) in items {
            self.added.records += 1;
            let key = self.keyer.key(&r);
            let thread = self.thread(r.thread.as_deref().unwrap_or("")).map_err(err)?;
            // A platform's parent id is a key as it stands; a parent without one is known by
            // the key its record got earlier in this capture.
            let parent = match &r.parent_id {
                Some(p) if r.native_id => Some(format!("id:{p}")),
                Some(p) => self.text_ids.get(&thread).and_then(|m| m.get(p.as_str())).cloned(),
                None => None,
            };
            if !r.native_id {
                self.text_ids
                    .entry(thread)
                    .or_default()
                    .entry(r.id.clone())
                    .or_insert_with(|| key.clone());
            }
            match self.find(thread, &key).map_err(err)? {
                Some(id) => {
                    if !self.seen.entry(thread).or_default().insert(id) {
                        self.added.repeats += 1;
                        continue;
                    }
                    let u = self.update(id, &r, s.as_ref()).map_err(err)?;
                    self.added.tally(u);
                }
                None if r.native_id => {
                    if !self.inserted.insert((thread, key.clone())) {
                        self.added.repeats += 1;
                        continue;
                    }
                    let id = self
                        .insert(thread, &key, parent.as_deref(), &r, s.as_ref())
                        .map_err(err)?;
                    self.seen.entry(thread).or_default().insert(id);
                    self.added.new += 1;
                }
                None => {
                    self.seen.entry(thread).or_default();
                    self.held.push(((r, s), key, parent));
                }
            }
        }
        Ok(())
    }

    /// Ends the capture: pairs edits, inserts what is new, records which threads it held,
    /// and commits. `sha256`, when the content's digest was not known at [`Archive::begin`]:
    /// a capture of content already archived is rolled back and says `already`.
    pub fn commit(mut self, sha256: Option<&str>) -> Result<Added, ArchiveError> {
        let path = self.path.clone();
        let err = |e| sql_error(&path, e);
        if self.added.already {
            return Ok(self.added);
        }
        if let Some(sha) = sha256 {
            if let Some(id) = self.already(sha).map_err(err)?.filter(|&id| id != self.capture) {
                let added = Added {
                    input: self.added.input.clone(),
                    captured_at: self.added.captured_at.clone(),
                    records: self.added.records,
                    capture: id,
                    already: true,
                    ..Added::default()
                };
                self.tx.rollback().map_err(err)?;
                return Ok(added);
            }
            self.tx
                .execute(
                    "UPDATE captures SET sha256 = ?2 WHERE id = ?1",
                    params![self.capture, sha],
                )
                .map_err(err)?;
        }
        // Records under no key: an edit of a comment the previous capture held, or new.
        let held = std::mem::take(&mut self.held);
        let mut by_thread: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
        for (i, ((r, _), _, _)) in held.iter().enumerate() {
            let thread = self.thread(r.thread.as_deref().unwrap_or("")).map_err(err)?;
            by_thread.entry(thread).or_default().push(i);
        }
        for (thread, mine) in by_thread {
            let pairs = self.pair_edits(thread, &mine, &held).map_err(err)?;
            for i in mine {
                let ((r, s), key, parent) = &held[i];
                if let Some(&id) = pairs.get(&i) {
                    self.alias(thread, key, id).map_err(err)?;
                    let u = self.update(id, r, s.as_ref()).map_err(err)?;
                    self.added.tally(u);
                    self.seen.entry(thread).or_default().insert(id);
                    continue;
                }
                if !self.inserted.insert((thread, key.clone())) {
                    self.added.repeats += 1;
                    continue;
                }
                let id = self.insert(thread, key, parent.as_deref(), r, s.as_ref()).map_err(err)?;
                self.seen.entry(thread).or_default().insert(id);
                self.added.new += 1;
            }
        }
        self.added.threads = self.seen.len() as u64;
        let seen = std::mem::take(&mut self.seen);
        for (thread, ids) in &seen {
            if let Some(prev) = self.previous_capture(*thread).map_err(err)? {
                let gone: i64 = self
                    .tx
                    .query_row(
                        "SELECT count(*) FROM comments WHERE thread_id = ?1 \
                         AND last_seen >= ?2 AND last_seen < ?3",
                        params![thread, prev, self.t],
                        |r| r.get(0),
                    )
                    .map_err(err)?;
                self.added.gone += gone as u64;
            }
            self.tx
                .execute(
                    "INSERT INTO capture_threads (thread_id, captured_at, capture_id, comments) \
                     VALUES (?1, ?2, ?3, ?4)",
                    params![thread, self.t, self.capture, ids.len() as i64],
                )
                .map_err(err)?;
        }
        self.tx
            .execute(
                "UPDATE captures SET records = ?2 WHERE id = ?1",
                params![self.capture, self.added.records as i64],
            )
            .map_err(err)?;
        let added = self.added.clone();
        self.tx.commit().map_err(err)?;
        Ok(added)
    }
}

/// The columns of a stored comment that an update reads.
struct Stored {
    first_seen: i64,
    last_seen: i64,
    earliest: Option<i64>,
    latest: Option<i64>,
    body: String,
    body_since: i64,
    status: String,
    status_since: i64,
    revisions: i64,
    truncated: bool,
}

impl Capture<'_> {
    fn thread(&mut self, name: &str) -> rusqlite::Result<i64> {
        self.number(Named::Threads, name)
    }

    fn author(&mut self, name: &str) -> rusqlite::Result<i64> {
        self.number(Named::Authors, name)
    }

    /// The number of `name` in the table `of`, given one when it is new.
    fn number(&mut self, of: Named, name: &str) -> rusqlite::Result<i64> {
        let cache = match of {
            Named::Threads => &mut self.threads,
            Named::Authors => &mut self.authors,
        };
        if let Some(&id) = cache.get(name) {
            return Ok(id);
        }
        let table = of.table();
        let insert = format!("INSERT OR IGNORE INTO {table} (name) VALUES (?1)");
        // A new name is the row just inserted; a name an earlier capture added is looked up.
        let id: i64 = if self.tx.prepare_cached(&insert)?.execute([name])? == 1 {
            self.tx.last_insert_rowid()
        } else {
            let select = format!("SELECT id FROM {table} WHERE name = ?1");
            self.tx.prepare_cached(&select)?.query_row([name], |r| r.get(0))?
        };
        cache.insert(name.to_string(), id);
        Ok(id)
    }

    /// When `thread` was last captured before this capture.
    fn previous_capture(&self, thread: i64) -> rusqlite::Result<Option<i64>> {
        self.tx
            .prepare_cached(
                "SELECT max(captured_at) FROM capture_threads \
                 WHERE thread_id = ?1 AND captured_at < ?2",
            )?
            .query_row(params![thread, self.t], |r| r.get(0))
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
        &mut self,
        thread: i64,
        key: &str,
        parent: Option<&str>,
        r: &CommentRecord,
        s: Option<&Scored>,
    ) -> rusqlite::Result<i64> {
        let w = window(r);
        let author = r.author.as_deref().map(|a| self.author(a)).transpose()?;
        self.tx
            .prepare_cached(
                "INSERT INTO comments (thread_id, native_id, parent_key, is_reply, author_id, \
                 posted_at, posted_earliest, posted_latest, posted_text, time_basis, status, \
                 status_since, body_since, revisions, language, compound, verdict, \
                 categories, toxicity, first_seen, last_seen, first_capture, last_capture, \
                 truncated) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, 1, ?13, \
                 ?14, ?15, ?16, ?17, ?12, ?12, ?18, ?18, ?19)",
            )?
            .execute(params![
                thread,
                r.native_id.then_some(r.id.as_str()),
                parent,
                r.is_reply,
                author,
                r.posted_at.map(secs),
                w.map(|w| secs(w.0)),
                w.map(|w| secs(w.1)),
                r.posted_text,
                r.time_basis.map(basis_name),
                r.status.name(),
                self.t,
                s.map(|s| s.language.as_str()),
                s.and_then(|s| s.compound),
                s.map(|s| s.verdict.as_str()),
                s.map(|s| s.categories.join(",")),
                s.and_then(|s| s.toxicity),
                self.capture,
                r.truncated,
            ])?;
        let id = self.tx.last_insert_rowid();
        self.tx
            .prepare_cached("INSERT INTO bodies (comment_id, body) VALUES (?1, ?2)")?
            .execute(params![id, r.body])?;
        self.alias(thread, key, id)?;
        Ok(id)
    }

    /// Folds this capture's sighting of `r` into comment `id`.
    fn update(&self, id: i64, r: &CommentRecord, s: Option<&Scored>) -> rusqlite::Result<Updated> {
        let old: Stored = self
            .tx
            .prepare_cached(
                "SELECT c.first_seen, c.last_seen, c.posted_earliest, c.posted_latest, b.body, \
                 c.body_since, c.status, c.status_since, c.revisions, c.truncated \
                 FROM comments c JOIN bodies b ON b.comment_id = c.id WHERE c.id = ?1",
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
                    truncated: row.get(9)?,
                })
            })?;
        let t = self.t;
        let later = t >= old.last_seen;
        // Times: first/last seen widen; the posting time narrows.
        if t < old.first_seen {
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
        let old_width = old.earliest.zip(old.latest).map(|(a, b)| b - a);
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
                        r.posted_at.map(secs),
                        secs(a),
                        secs(b),
                        r.posted_text,
                        r.time_basis.map(basis_name)
                    ])?;
            }
        }
        // Text: a later capture with another text is an edit; one showing more of a text the
        // page had cut short, or cutting short the same text, is not.
        let edited = match same_text(&old.body, old.truncated, &r.body, r.truncated) {
            Sameness::Same => false,
            Sameness::More => {
                self.tx
                    .prepare_cached("UPDATE bodies SET body = ?2 WHERE comment_id = ?1")?
                    .execute(params![id, r.body])?;
                self.tx
                    .prepare_cached("UPDATE comments SET truncated = ?2 WHERE id = ?1")?
                    .execute(params![id, r.truncated])?;
                false
            }
            Sameness::Other => later && t > old.body_since,
        };
        if edited {
            self.tx
                .prepare_cached(
                    "INSERT INTO revisions (comment_id, n, body, first_seen, last_seen) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, old.revisions, old.body, old.body_since, old.last_seen])?;
            self.tx
                .prepare_cached("UPDATE bodies SET body = ?2 WHERE comment_id = ?1")?
                .execute(params![id, r.body])?;
            self.tx
                .prepare_cached(
                    "UPDATE comments SET body_since = ?2, edited_after = ?3, \
                     revisions = revisions + 1, language = ?4, compound = ?5, verdict = ?6, \
                     categories = ?7, toxicity = ?8, truncated = ?9 WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    t,
                    old.last_seen,
                    s.map(|s| s.language.as_str()),
                    s.and_then(|s| s.compound),
                    s.map(|s| s.verdict.as_str()),
                    s.map(|s| s.categories.join(",")),
                    s.and_then(|s| s.toxicity),
                    r.truncated,
                ])?;
        }
        let status_changed = later && t > old.status_since && r.status.name() != old.status;
        if status_changed {
            self.tx
                .prepare_cached(
                    "UPDATE comments SET previous_status = status, status = ?2, status_since = ?3 \
                     WHERE id = ?1",
                )?
                .execute(params![id, r.status.name(), t])?;
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
        held: &[(Item, String, Option<String>)],
    ) -> rusqlite::Result<HashMap<usize, i64>> {
        let Some(prev) = self.previous_capture(thread)? else { return Ok(HashMap::new()) };
        struct Candidate {
            id: i64,
            author: Option<String>,
            parent: Option<String>,
            words: HashSet<String>,
            exact: Option<i64>,
        }
        let mut st = self.tx.prepare_cached(
            "SELECT c.id, a.name, c.parent_key, b.body, c.posted_earliest, c.posted_latest \
             FROM comments c JOIN bodies b ON b.comment_id = c.id \
             LEFT JOIN authors a ON a.id = c.author_id \
             WHERE c.thread_id = ?1 AND c.native_id IS NULL AND c.last_seen >= ?2 AND c.last_seen < ?3",
        )?;
        let candidates: Vec<Candidate> = st
            .query_map(params![thread, prev, self.t], |r| {
                let body: String = r.get(3)?;
                let a: Option<i64> = r.get(4)?;
                let b: Option<i64> = r.get(5)?;
                Ok(Candidate {
                    id: r.get(0)?,
                    author: r.get::<_, Option<String>>(1)?.map(|a| fold_text(&a)),
                    parent: r.get(2)?,
                    words: words(&body),
                    exact: a.filter(|a| Some(*a) == b),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        if candidates.is_empty() {
            return Ok(HashMap::new());
        }
        let mut scored: Vec<(f64, usize, usize)> = Vec::new();
        for &i in mine {
            let ((r, _), _, parent) = &held[i];
            let author = r.author.as_deref().map(fold_text);
            let exact = window(r).filter(|(a, b)| a == b).map(|(a, _)| secs(a));
            let w = words(&r.body);
            for (k, c) in candidates.iter().enumerate() {
                if c.author != author || c.parent != *parent {
                    continue;
                }
                if let (Some(x), Some(y)) = (exact, c.exact) {
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

/// How a capture's text stands to the stored one.
#[derive(Debug, PartialEq, Eq)]
enum Sameness {
    /// The same text (folded).
    Same,
    /// The same text, shown more fully: the stored one was cut short and the new one goes
    /// on from where it stopped. The new one is kept.
    More,
    /// Another text.
    Other,
}

/// Compares a stored text with a capture's, either of which the page may have cut short.
fn same_text(old: &str, old_cut: bool, new: &str, new_cut: bool) -> Sameness {
    let (old, new) = (fold_text(old), fold_text(new));
    if old == new {
        return Sameness::Same;
    }
    let stem = |s: &str| -> String {
        s.trim_end_matches(|c: char| c == '…' || c == '.' || c.is_whitespace()).to_string()
    };
    if old_cut && new.starts_with(&stem(&old)) {
        return Sameness::More;
    }
    if new_cut && old.starts_with(&stem(&new)) {
        return Sameness::Same;
    }
    Sameness::Other
}

/// The distinct words of a text, folded.
fn words(s: &str) -> HashSet<String> {
    fold_text(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_shown_more_fully_or_cut_short_is_not_an_edit() {
        let whole = "Unless he can wangle a result he is toast. The West might have big decisions.";
        let cut = "Unless he can wangle a result he is toast. The West…";
        assert_eq!(
            same_text(
                whole,
                false,
                "unless he can  WANGLE a result he is toast. The West might have big decisions.",
                false
            ),
            Sameness::Same
        );
        assert_eq!(same_text(cut, true, whole, false), Sameness::More);
        assert_eq!(same_text(whole, false, cut, true), Sameness::Same);
        // Only a text the page cut short may grow; a whole one that grows was edited.
        assert_eq!(same_text("I agree.", false, "I agree. EDIT: not now.", false), Sameness::Other);
        assert_eq!(same_text(cut, true, "Unless he can wangle nothing.", false), Sameness::Other);
    }

    #[test]
    fn words_are_folded_and_distinct() {
        let w = words("The, the THE cat's 2 cats");
        let mut v: Vec<&str> = w.iter().map(String::as_str).collect();
        v.sort_unstable();
        assert_eq!(v, ["2", "cat", "cats", "s", "the"]);
    }
}
