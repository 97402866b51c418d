//! Records: page text and platform exports → one [`CommentRecord`] per comment.
//!
//! Input is a decoded [`Source`](crate::input::Source) and an [`InputKind`] (detected from
//! the content by [`detect`], or forced); output is a [`Batch`]: the records in input order
//! plus one [`Problem`] per record that could not be read, naming its line or element. A bad
//! record never stops the others.
//!
//! Every kind fills the same model, and [`resolve`] then settles threads and parents the same
//! way for all of them: a record keeps the thread its source names (Reddit `link_id`, Disqus
//! `<thread>`, WXR `<item>`, the page); one without a thread takes its parent's, followed up
//! the chain inside the input; a chain that leaves the input ends in a thread named after the
//! missing parent (a Hacker News item URL, else `file#parent`). Parent ids are looked up within the record's thread when the source names
//! one (WordPress comment ids repeat across items in real exports), else across the input.
//!
//! Times keep what the source says (`posted_text`) and how it was read ([`TimeBasis`]).
//! Relative stamps ("2 hours ago") are resolved against the [`ReadOptions`] reference and
//! keep the window the real time lies in, so weekly reports can say when a week is uncertain.
//!
//! The line readers (`jsonl`, `reddit`, `hn`) read one line at a time, and the XML readers
//! hold one `<post>`/`<item>` at a time, so readers can stream; only [`resolve`] looks at the
//! whole input, and it needs ids and threads only.

mod csv;
mod disqus;
pub mod html;
mod jsonl;
mod livefyre;
mod page;
mod time;
mod wxr;
mod xml;

pub use jsonl::Mapping;
pub use time::parse_time;

use crate::parse::Reference;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;

/// How a record's `posted_at` was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// A timestamp the export stores with its zone (epoch seconds, RFC 3339 with offset,
    /// WordPress `comment_date_gmt`).
    Stamped,
    /// An absolute time without a zone, read as UTC (the source's zone is unknown).
    AbsoluteAssumedUtc,
    /// An absolute time without a zone, read in the zone given by `--tz`.
    AbsoluteInTz,
    /// A relative time resolved against `--now`.
    Now,
    /// A relative time resolved against a capture time the input carries.
    Captured,
    /// A relative time resolved against the input file's modification time.
    FileMtime,
}

impl TimeBasis {
    /// True for relative stamps resolved against a reference time.
    pub fn is_relative(self) -> bool {
        matches!(self, TimeBasis::Now | TimeBasis::Captured | TimeBasis::FileMtime)
    }

    /// A phrase for reports.
    pub fn describe(self) -> &'static str {
        match self {
            TimeBasis::Stamped => "timestamps stored with their zone",
            TimeBasis::AbsoluteAssumedUtc => "times without a zone, read as UTC",
            TimeBasis::AbsoluteInTz => "times without a zone, read in --tz",
            TimeBasis::Now => "relative times resolved against --now",
            TimeBasis::Captured => "relative times resolved against the input's capture time",
            TimeBasis::FileMtime => "relative times resolved against the file's modification time",
        }
    }
}

impl From<crate::parse::TimeBasis> for TimeBasis {
    fn from(b: crate::parse::TimeBasis) -> Self {
        use crate::parse::TimeBasis as P;
        match b {
            P::Now => TimeBasis::Now,
            P::FileMtime => TimeBasis::FileMtime,
            P::Captured => TimeBasis::Captured,
            P::AbsoluteAssumedUtc => TimeBasis::AbsoluteAssumedUtc,
            P::AbsoluteInTz => TimeBasis::AbsoluteInTz,
            P::Markup => TimeBasis::Stamped,
        }
    }
}

/// Moderation state as the source records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Published.
    Approved,
    /// Held for moderation (WordPress `comment_approved` 0).
    Unapproved,
    /// Marked as spam.
    Spam,
    /// In the trash.
    Trash,
    /// Deleted by its author or the platform (`[deleted]`, Disqus `isDeleted`, HN `deleted`).
    Deleted,
    /// Removed by moderators (`[removed]`, HN `dead`).
    Removed,
}

impl Status {
    /// Every status, in display order.
    pub const ALL: [Status; 6] = [
        Status::Approved,
        Status::Unapproved,
        Status::Spam,
        Status::Trash,
        Status::Deleted,
        Status::Removed,
    ];

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Approved => "approved",
            Status::Unapproved => "unapproved",
            Status::Spam => "spam",
            Status::Trash => "trash",
            Status::Deleted => "deleted",
            Status::Removed => "removed",
        }
    }

    /// True when the body is gone (nothing to score).
    pub fn body_gone(self) -> bool {
        matches!(self, Status::Deleted | Status::Removed)
    }
}

/// Where a record came from: the input and a line, or an element at a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// The input as named on the command line.
    pub input: String,
    /// 1-based line (of the record, or of the element's start tag).
    pub line: usize,
    /// The element, for XML exports (e.g. `<post dsq:id="5">`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.input, self.line)?;
        if let Some(e) = &self.element {
            write!(f, ": {e}")?;
        }
        Ok(())
    }
}

/// One comment, whatever it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentRecord {
    /// The id the source gives (without Reddit's `t1_`), or one made from its position.
    pub id: String,
    /// True when `id` is the platform's own (an export's id, a comment element's id in
    /// HTML), false when it was made from the position (`c3`, `line 7`): an archive knows a
    /// comment by its own id across captures, and by author and text otherwise.
    #[serde(skip)]
    pub native_id: bool,
    /// The thread (article, post, story) it belongs to; set for every record by [`resolve`].
    pub thread: Option<String>,
    /// Display name; `None` when absent or deleted.
    pub author: Option<String>,
    /// When it was posted (UTC).
    #[serde(serialize_with = "rfc3339_opt")]
    pub posted_at: Option<DateTime<Utc>>,
    /// The time exactly as the source wrote it.
    pub posted_text: Option<String>,
    /// How `posted_at` was obtained.
    pub time_basis: Option<TimeBasis>,
    /// For relative stamps, the window `(earliest, latest)` the real time lies in.
    #[serde(skip)]
    pub posted_window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The id of the comment it answers.
    pub parent_id: Option<String>,
    /// True for a reply to a comment, false for a top-level comment, `None` when the source
    /// cannot tell (a Hacker News parent outside the input may be the story or a comment).
    pub is_reply: Option<bool>,
    /// The text (HTML bodies converted to text).
    pub body: String,
    /// True when the page cut the text short ("Read more »"): a later capture showing more
    /// of it is the same text, not an edit.
    #[serde(skip)]
    pub truncated: bool,
    /// Moderation state.
    pub status: Status,
    /// Where it came from.
    pub source: SourceRef,
}

fn rfc3339_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => s.serialize_none(),
    }
}

/// A record that could not be read, or a note about one that was read with a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub at: SourceRef,
    /// What went wrong.
    pub message: String,
    /// True when the record was skipped; false when it was kept (e.g. an unreadable time,
    /// which sends it to the undated row).
    pub skipped: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)?;
        if self.skipped {
            write!(f, " (record skipped)")?;
        }
        Ok(())
    }
}

/// What one input yielded.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// The records, in input order.
    pub records: Vec<CommentRecord>,
    /// Records skipped or read with a gap.
    pub problems: Vec<Problem>,
    /// A reference time the input itself carries, if any (used for relative stamps).
    pub captured_at: Option<DateTime<Utc>>,
}

impl Batch {
    fn skip(&mut self, at: SourceRef, message: impl Into<String>) {
        self.problems.push(Problem { at, message: message.into(), skipped: true });
    }

    fn note(&mut self, at: SourceRef, message: impl Into<String>) {
        self.problems.push(Problem { at, message: message.into(), skipped: false });
    }

    /// Number of records skipped.
    pub fn skipped(&self) -> usize {
        self.problems.iter().filter(|p| p.skipped).count()
    }
}

/// The kinds of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Page text (copied from a browser).
    Page,
    /// An HTML page (saved from a browser, fetched).
    Html,
    /// JSON lines, one comment per line, fields named by `--map`.
    Jsonl,
    /// CSV with a header row, columns named by `--map`.
    Csv,
    /// Disqus XML export.
    Disqus,
    /// WordPress WXR export.
    Wxr,
    /// Reddit comments as Pushshift / Arctic Shift write them (NDJSON).
    Reddit,
    /// Hacker News items (JSON lines, BigQuery or Firebase field names).
    Hn,
    /// Coral's Livefyre import format (one article per line with its comments).
    Livefyre,
}

impl InputKind {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Page => "page",
            InputKind::Html => "html",
            InputKind::Jsonl => "jsonl",
            InputKind::Csv => "csv",
            InputKind::Disqus => "disqus",
            InputKind::Wxr => "wxr",
            InputKind::Reddit => "reddit",
            InputKind::Hn => "hn",
            InputKind::Livefyre => "livefyre",
        }
    }
}

/// What the readers need besides the text.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Reference for relative stamps (`--now`, else the file's modification time); a capture
    /// time the input carries wins over the file time but not over `--now`.
    pub reference: Option<Reference>,
    /// The zone for times written without one; `None` reads them as UTC.
    pub tz: Option<chrono_tz::Tz>,
    /// Field mapping for JSONL and CSV.
    pub mapping: Mapping,
    /// The URL a page was fetched from (after redirects): its thread when the page declares
    /// no canonical URL.
    pub url: Option<String>,
}

/// Guesses the kind of an input from its content.
///
/// XML is a Disqus export when its root is `<disqus>`, WXR when it uses the WordPress export
/// namespace. JSON lines are read by the fields of the first record: `created_utc` or
/// `link_id` → Reddit; `by` + `parent` + `time` → Hacker News; `comments` holding
/// `body_html` → Livefyre; anything else → generic JSONL. A first line naming a body column
/// among comma- or tab-separated fields → CSV. Everything else is page text.
pub fn detect(text: &str, mapping: &Mapping) -> InputKind {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    let prefix: String = head.chars().take(4096).collect();
    if prefix.starts_with('<') {
        if prefix.contains("<disqus") {
            return InputKind::Disqus;
        }
        if prefix.contains("wordpress.org/export") || prefix.contains("<wp:") {
            return InputKind::Wxr;
        }
        if crate::parse::html::looks_like_html(&prefix) {
            return InputKind::Html;
        }
        return InputKind::Page;
    }
    if prefix.starts_with('{') {
        let first = head.lines().next().unwrap_or("");
        if let Ok(serde_json::Value::Object(o)) = serde_json::from_str(first) {
            if !mapping.pairs.is_empty() {
                return InputKind::Jsonl;
            }
            if o.contains_key("created_utc") || o.contains_key("link_id") {
                return InputKind::Reddit;
            }
            let has = |k: &str| o.contains_key(k);
            if has("by") && has("time") && has("id") && (has("parent") || has("type")) {
                return InputKind::Hn;
            }
            if let Some(serde_json::Value::Array(cs)) = o.get("comments") {
                if cs.iter().any(|c| c.get("body_html").is_some()) {
                    return InputKind::Livefyre;
                }
            }
            return InputKind::Jsonl;
        }
        return InputKind::Page;
    }
    if csv::looks_like_csv(head, mapping) {
        return InputKind::Csv;
    }
    InputKind::Page
}

/// Reads one input of the given kind. Records come back unresolved; call [`resolve`].
pub fn read(name: &str, text: &str, kind: InputKind, opts: &ReadOptions) -> Batch {
    match kind {
        InputKind::Page => page::read(name, text, opts, false),
        InputKind::Html => page::read(name, text, opts, true),
        InputKind::Jsonl => jsonl::read(name, text, opts, jsonl::Flavor::Generic),
        InputKind::Reddit => jsonl::read(name, text, opts, jsonl::Flavor::Reddit),
        InputKind::Hn => jsonl::read(name, text, opts, jsonl::Flavor::Hn),
        InputKind::Livefyre => livefyre::read(name, text, opts),
        InputKind::Csv => csv::read(name, text, opts),
        InputKind::Disqus => disqus::read(name, text),
        InputKind::Wxr => wxr::read(name, text, opts),
    }
}

/// Detects (unless forced), reads and resolves one input.
pub fn load(
    name: &str,
    text: &str,
    kind: Option<InputKind>,
    opts: &ReadOptions,
) -> (InputKind, Batch) {
    let kind = kind.unwrap_or_else(|| detect(text, &opts.mapping));
    let mut batch = read(name, text, kind, opts);
    if kind == InputKind::Hn {
        resolve_with(&mut batch.records, |_, pid| {
            format!("https://news.ycombinator.com/item?id={pid}")
        });
    } else {
        resolve(&mut batch.records);
    }
    (kind, batch)
}

/// True for the kinds [`read_line`] reads: one record per line, each read on its own.
pub fn line_based(kind: InputKind) -> bool {
    matches!(kind, InputKind::Jsonl | InputKind::Reddit | InputKind::Hn)
}

/// Reads one line of a line-based input ([`line_based`]) on its own: the record, or the
/// problem that skipped it, and a note about a record read with a gap. Blank lines give
/// `(None, None)`. The record comes back unresolved: call [`resolve_alone`] (or [`resolve`]
/// over the whole input); `line_no` is 1-based.
pub fn read_line(
    name: &str,
    line_no: usize,
    line: &str,
    kind: InputKind,
    opts: &ReadOptions,
) -> (Option<CommentRecord>, Option<Problem>) {
    let flavor = match kind {
        InputKind::Reddit => jsonl::Flavor::Reddit,
        InputKind::Hn => jsonl::Flavor::Hn,
        _ => jsonl::Flavor::Generic,
    };
    match jsonl::read_one(name, line_no, line, opts, flavor) {
        None => (None, None),
        Some((at, Ok((record, note)))) => {
            let note = note.map(|message| Problem { at, message, skipped: false });
            (Some(record), note)
        }
        Some((at, Err(message))) => (None, Some(Problem { at, message, skipped: true })),
    }
}

/// [`load`]'s resolution for a record read without the rest of its input: a record that
/// names its thread gets exactly what [`resolve`] gives it (unless its source leaves
/// `is_reply` open and its parent is elsewhere in the input, which Reddit and generic
/// records never do when they carry a `t1_`/`t3_` parent or none); a record without one gets
/// the thread of a chain that leaves the input at once (`file#parent`). Streaming readers use
/// it only for inputs whose records name their threads.
pub fn resolve_alone(record: &mut CommentRecord, kind: InputKind) {
    let one = std::slice::from_mut(record);
    if kind == InputKind::Hn {
        resolve_with(one, |_, pid| format!("https://news.ycombinator.com/item?id={pid}"));
    } else {
        resolve(one);
    }
}

/// Settles threads and replies for the records of one input (see the module docs); a chain
/// that leaves the input ends in the thread `file#parent`.
pub fn resolve(records: &mut [CommentRecord]) {
    resolve_with(records, |input, pid| {
        let file =
            std::path::Path::new(input).file_name().map_or(input.into(), |f| f.to_string_lossy());
        format!("{file}#{pid}")
    });
}

/// [`resolve`], naming the thread of a chain that leaves the input by `dangling(input, id)`,
/// where `id` is the missing parent (or the record itself when it has no parent).
pub fn resolve_with(records: &mut [CommentRecord], dangling: impl Fn(&str, &str) -> String) {
    // First occurrence wins for duplicate keys.
    let mut scoped: HashMap<(String, String), usize> = HashMap::new();
    let mut global: HashMap<String, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(t) = &r.thread {
            scoped.entry((t.clone(), r.id.clone())).or_insert(i);
        }
        global.entry(r.id.clone()).or_insert(i);
    }
    let parent_of = |records: &[CommentRecord], i: usize| -> Option<usize> {
        let r = &records[i];
        let pid = r.parent_id.as_ref()?;
        let found = match &r.thread {
            Some(t) => scoped.get(&(t.clone(), pid.clone())).copied(),
            None => global.get(pid).copied(),
        };
        found.filter(|&p| p != i)
    };
    let parents: Vec<Option<usize>> = (0..records.len()).map(|i| parent_of(records, i)).collect();
    for i in 0..records.len() {
        if records[i].is_reply.is_none() && parents[i].is_some() {
            records[i].is_reply = Some(true);
        }
        if records[i].parent_id.is_none() && records[i].is_reply.is_none() {
            records[i].is_reply = Some(false);
        }
        if records[i].thread.is_some() {
            continue;
        }
        // Follow the chain up, guarding against cycles.
        let mut at = i;
        let mut steps = 0;
        let thread = loop {
            if let Some(t) = &records[at].thread {
                break t.clone();
            }
            match parents[at] {
                Some(p) if steps < records.len() => {
                    at = p;
                    steps += 1;
                }
                _ => {
                    let top = &records[at];
                    break dangling(&top.source.input, top.parent_id.as_deref().unwrap_or(&top.id));
                }
            }
        };
        records[i].thread = Some(thread);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, thread: Option<&str>, parent: Option<&str>) -> CommentRecord {
        CommentRecord {
            id: id.into(),
            native_id: true,
            thread: thread.map(str::to_string),
            author: None,
            posted_at: None,
            posted_text: None,
            time_basis: None,
            posted_window: None,
            parent_id: parent.map(str::to_string),
            is_reply: None,
            body: "x".into(),
            truncated: false,
            status: Status::Approved,
            source: SourceRef { input: "in".into(), line: 1, element: None },
        }
    }

    #[test]
    fn threads_follow_the_parent_chain_and_dangling_parents_name_the_thread() {
        let mut rs = vec![
            rec("3", None, Some("2")),
            rec("2", None, Some("1")),
            rec("1", Some("story"), None),
            rec("9", None, Some("77")),
            rec("8", None, Some("9")),
        ];
        resolve(&mut rs);
        let threads: Vec<_> = rs.iter().map(|r| r.thread.clone().unwrap()).collect();
        assert_eq!(threads, ["story", "story", "story", "in#77", "in#77"]);
        let replies: Vec<_> = rs.iter().map(|r| r.is_reply).collect();
        assert_eq!(replies, [Some(true), Some(true), Some(false), None, Some(true)]);
    }

    #[test]
    fn parents_are_looked_up_within_their_thread() {
        let mut rs = vec![
            rec("11", Some("a"), None),
            rec("11", Some("b"), None),
            rec("12", Some("b"), Some("11")),
        ];
        rs[2].is_reply = None;
        resolve(&mut rs);
        assert_eq!(rs[2].is_reply, Some(true));
        assert_eq!(rs[2].thread.as_deref(), Some("b"));
    }

    #[test]
    fn cycles_end() {
        let mut rs = vec![rec("1", None, Some("2")), rec("2", None, Some("1"))];
        resolve(&mut rs);
        assert!(rs.iter().all(|r| r.thread.is_some()));
    }

    #[test]
    fn detection_by_content() {
        let m = Mapping::default();
        assert_eq!(detect("<?xml version=\"1.0\"?>\n<disqus xmlns=\"x\">", &m), InputKind::Disqus);
        assert_eq!(
            detect("<rss xmlns:wp=\"http://wordpress.org/export/1.0/\">", &m),
            InputKind::Wxr
        );
        assert_eq!(detect("{\"created_utc\": 1, \"body\": \"x\"}\n", &m), InputKind::Reddit);
        assert_eq!(
            detect(
                "{\"id\":\"1\",\"by\":\"a\",\"time\":\"1\",\"text\":\"x\",\"parent\":\"2\"}",
                &m
            ),
            InputKind::Hn
        );
        assert_eq!(detect("{\"text\": \"hi\"}\n", &m), InputKind::Jsonl);
        let hn_like = "{\"id\":\"1\",\"by\":\"a\",\"time\":\"1\",\"text\":\"x\",\"parent\":\"2\"}";
        assert_eq!(detect(hn_like, &Mapping::parse("body=text").unwrap()), InputKind::Jsonl);
        assert_eq!(detect("author,body,date\na,b,c\n", &m), InputKind::Csv);
        assert_eq!(detect("Hello world.\nIt is a page.\n", &m), InputKind::Page);
        assert_eq!(
            detect(r#"{"comments": [{"body_html": "x"}], "id": "a"}"#, &m),
            InputKind::Livefyre
        );
    }
}
