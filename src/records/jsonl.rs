//! JSON lines: generic records named by a [`Mapping`], Reddit (Pushshift / Arctic Shift) and
//! Hacker News items. One record per line, read independently, so a bad line is named and
//! skipped and the reader can stream.

use super::time::{json_text, parse_json_time, TimeError};
use super::{html, Batch, CommentRecord, ReadOptions, SourceRef, Status};
use crate::parse::{Reference, TimeBasis as ParseBasis};
use serde_json::{Map, Value};

/// Which record fields come from which input fields (JSONL keys, dotted for nesting, or CSV
/// columns). Unmapped fields are looked for under common names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// `(field, source name)` pairs given with `--map`.
    pub pairs: Vec<(Field, String)>,
}

/// A record field that can be mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The comment id.
    Id,
    /// The thread (article, page, story).
    Thread,
    /// The author's name.
    Author,
    /// When it was posted.
    PostedAt,
    /// The id of the comment answered.
    ParentId,
    /// The text.
    Body,
    /// Moderation status.
    Status,
    /// When the record was captured (reference for relative times).
    CapturedAt,
}

impl Field {
    const ALL: [(Field, &'static str, &'static [&'static str]); 8] = [
        (Field::Id, "id", &["id", "comment_id", "cid"]),
        (Field::Thread, "thread", &["thread", "thread_id", "url", "page", "article", "link"]),
        (Field::Author, "author", &["author", "by", "user", "username", "name"]),
        (
            Field::PostedAt,
            "posted_at",
            &["posted_at", "created_at", "created", "time", "date", "timestamp"],
        ),
        (Field::ParentId, "parent_id", &["parent_id", "parent"]),
        (Field::Body, "body", &["body", "text", "comment", "message", "content"]),
        (Field::Status, "status", &["status"]),
        (Field::CapturedAt, "captured_at", &["captured_at", "retrieved_on", "fetched_at"]),
    ];

    fn name(self) -> &'static str {
        Field::ALL.iter().find(|f| f.0 == self).expect("listed").1
    }

    fn defaults(self) -> &'static [&'static str] {
        Field::ALL.iter().find(|f| f.0 == self).expect("listed").2
    }
}

impl Mapping {
    /// Parses `body=text,author=by,posted_at=time`.
    pub fn parse(spec: &str) -> Result<Mapping, String> {
        let mut pairs = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("--map {part:?}: expected FIELD=NAME"))?;
            let field =
                Field::ALL.iter().find(|f| f.1 == k.trim()).map(|f| f.0).ok_or_else(|| {
                    let names: Vec<_> = Field::ALL.iter().map(|f| f.1).collect();
                    format!("--map {part:?}: unknown field {k:?}; known: {}", names.join(", "))
                })?;
            pairs.push((field, v.trim().to_string()));
        }
        Ok(Mapping { pairs })
    }

    /// Merges several `--map` values, later ones winning.
    pub fn parse_all(specs: &[String]) -> Result<Mapping, String> {
        let mut m = Mapping::default();
        for s in specs {
            m.pairs.extend(Mapping::parse(s)?.pairs);
        }
        Ok(m)
    }

    /// The explicitly mapped name of a field.
    pub fn mapped(&self, field: Field) -> Option<&str> {
        self.pairs.iter().rev().find(|p| p.0 == field).map(|p| p.1.as_str())
    }

    /// The names to try for a field: the mapped one only, or the common names.
    pub fn candidates(&self, field: Field) -> Vec<&str> {
        match self.mapped(field) {
            Some(n) => vec![n],
            None => field.defaults().to_vec(),
        }
    }

    /// The name to use in messages.
    pub fn describe(&self, field: Field) -> String {
        match self.mapped(field) {
            Some(n) => format!("{n:?} (--map {}={n})", field.name()),
            None => format!(
                "{} (one of {}; or --map {}=NAME)",
                field.name(),
                field.defaults().join(", "),
                field.name()
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    Generic,
    Reddit,
    Hn,
}

type LineResult = Result<(CommentRecord, Option<String>), String>;

pub(super) fn read(name: &str, text: &str, opts: &ReadOptions, flavor: Flavor) -> Batch {
    let mut batch = Batch::default();
    for (i, line) in text.lines().enumerate() {
        match read_one(name, i + 1, line, opts, flavor) {
            None => {}
            Some((at, Ok((record, note)))) => {
                if let Some(n) = note {
                    batch.note(at, n);
                }
                batch.records.push(record);
            }
            Some((at, Err(message))) => batch.skip(at, message),
        }
    }
    batch
}

/// Reads one line (`None` when it is blank), independently of the others.
pub(super) fn read_one(
    name: &str,
    line_no: usize,
    line: &str,
    opts: &ReadOptions,
    flavor: Flavor,
) -> Option<(SourceRef, LineResult)> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let at = SourceRef { input: name.to_string(), line: line_no, element: None };
    let result = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => match flavor {
            Flavor::Generic => generic(&o, at.clone(), opts),
            Flavor::Reddit => reddit(&o, at.clone()),
            Flavor::Hn => hn(&o, at.clone()),
        },
        Ok(_) => Err("not a JSON object".to_string()),
        Err(e) => Err(format!("not JSON: {e}")),
    };
    Some((at, result))
}

/// A field by dotted path.
pub(super) fn get<'a>(o: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut v = o.get(parts.next()?)?;
    for p in parts {
        v = v.get(p)?;
    }
    Some(v).filter(|v| !v.is_null())
}

/// A string or number field as text.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn first<'a>(o: &'a Map<String, Value>, m: &Mapping, f: Field) -> Option<&'a Value> {
    m.candidates(f).into_iter().find_map(|n| get(o, n))
}

/// Reads a status word; unknown words are kept as approved with a note.
pub(super) fn status_word(s: &str) -> (Status, Option<String>) {
    let st = match s.trim().to_ascii_lowercase().as_str() {
        "" | "approved" | "approve" | "published" | "1" | "visible" | "ok" => Status::Approved,
        "unapproved" | "pending" | "hold" | "held" | "0" => Status::Unapproved,
        "spam" => Status::Spam,
        "trash" | "trashed" => Status::Trash,
        "deleted" => Status::Deleted,
        "removed" | "rejected" => Status::Removed,
        _ => return (Status::Approved, Some(format!("unknown status {s:?}; read as approved"))),
    };
    (st, None)
}

/// The reference for relative stamps in one record: `--now` wins, then a capture time the
/// record carries, then the file's modification time.
pub(super) fn reference_for(opts: &ReadOptions, captured: Option<Reference>) -> Option<Reference> {
    match (opts.reference, captured) {
        (Some(r), _) if r.basis == ParseBasis::Now => Some(r),
        (_, Some(c)) => Some(c),
        (r, None) => r,
    }
}

/// Generic records (JSONL and, through a JSON object per row, CSV).
pub(super) fn generic(o: &Map<String, Value>, at: SourceRef, opts: &ReadOptions) -> LineResult {
    let m = &opts.mapping;
    let body = first(o, m, Field::Body)
        .ok_or_else(|| format!("no body field {}", m.describe(Field::Body)))?;
    let body = text_of(body).ok_or_else(|| "the body is not text".to_string())?;
    let own = first(o, m, Field::Id).and_then(text_of).filter(|i| !i.is_empty());
    let native_id = own.is_some();
    let id = own.unwrap_or_else(|| format!("line {}", at.line));
    let mut notes = Vec::new();
    let captured = first(o, m, Field::CapturedAt).and_then(|v| {
        parse_json_time(v, opts, None)
            .ok()
            .map(|t| Reference { at: t.at, basis: ParseBasis::Captured })
    });
    let reference = reference_for(opts, captured);
    let raw_time = first(o, m, Field::PostedAt);
    let time = raw_time.and_then(|v| match parse_json_time(v, opts, reference) {
        Ok(t) => Some(t),
        Err(e) => {
            let why = match e {
                TimeError::Unreadable => "is not a time",
                TimeError::NoReference => "is relative and there is no reference time (--now)",
            };
            notes.push(format!("time {} {why}; counted as undated", json_text(v)));
            None
        }
    });
    let (status, note) = first(o, m, Field::Status)
        .and_then(text_of)
        .map_or((Status::Approved, None), |s| status_word(&s));
    notes.extend(note);
    let parent_id = first(o, m, Field::ParentId).and_then(text_of).filter(|p| !p.is_empty());
    let record = CommentRecord {
        id,
        native_id,
        thread: first(o, m, Field::Thread).and_then(text_of).filter(|t| !t.is_empty()),
        author: first(o, m, Field::Author).and_then(text_of).filter(|a| !a.is_empty()),
        posted_at: time.map(|t| t.at),
        posted_text: raw_time.map(json_text),
        time_basis: time.map(|t| t.basis),
        posted_window: time.and_then(|t| t.window),
        is_reply: parent_id.as_ref().map(|_| true),
        parent_id,
        body,
        truncated: false,
        status,
        source: at,
    };
    Ok((record, (!notes.is_empty()).then(|| notes.join("; "))))
}

fn reddit(o: &Map<String, Value>, at: SourceRef) -> LineResult {
    let id = get(o, "id")
        .and_then(text_of)
        .or_else(|| get(o, "name").and_then(text_of).map(|n| strip_kind(&n).to_string()))
        .ok_or("no id")?;
    let body = get(o, "body").and_then(text_of).ok_or("no body")?;
    let status = match body.as_str() {
        "[deleted]" => Status::Deleted,
        "[removed]" => Status::Removed,
        _ => Status::Approved,
    };
    let raw_time = get(o, "created_utc");
    let time = raw_time.and_then(|v| parse_json_time(v, &ReadOptions::default(), None).ok());
    let note = match (raw_time, time) {
        (Some(v), None) => Some(format!("created_utc {} is not a time; counted as undated", v)),
        _ => None,
    };
    let thread =
        get(o, "link_id").and_then(text_of).map(|l| match get(o, "subreddit").and_then(text_of) {
            Some(sub) => format!("r/{sub}/comments/{}", strip_kind(&l)),
            None => l,
        });
    let parent = get(o, "parent_id").and_then(text_of);
    let (parent_id, is_reply) = match parent.as_deref() {
        Some(p) if p.starts_with("t1_") => (Some(p[3..].to_string()), Some(true)),
        Some(p) if p.starts_with("t3_") => (None, Some(false)),
        Some(p) => (Some(p.to_string()), None),
        None => (None, Some(false)),
    };
    let author = get(o, "author").and_then(text_of).filter(|a| a != "[deleted]" && !a.is_empty());
    let record = CommentRecord {
        id,
        native_id: true,
        thread,
        author,
        posted_at: time.map(|t| t.at),
        posted_text: raw_time.map(json_text),
        time_basis: time.map(|t| t.basis),
        posted_window: None,
        parent_id,
        is_reply,
        body: if status.body_gone() { String::new() } else { body },
        truncated: false,
        status,
        source: at,
    };
    Ok((record, note))
}

fn strip_kind(s: &str) -> &str {
    match s.get(..3) {
        Some("t1_" | "t3_") => &s[3..],
        _ => s,
    }
}

fn hn(o: &Map<String, Value>, at: SourceRef) -> LineResult {
    let id = get(o, "id").and_then(text_of).ok_or("no id")?;
    if let Some(kind) = get(o, "type").and_then(text_of).filter(|t| t != "comment") {
        return Err(format!("a {kind}, not a comment"));
    }
    let truthy = |k: &str| {
        get(o, k).is_some_and(|v| v.as_bool() == Some(true) || v.as_str() == Some("true"))
    };
    let status = if truthy("deleted") {
        Status::Deleted
    } else if truthy("dead") {
        Status::Removed
    } else {
        Status::Approved
    };
    let body = match get(o, "text").and_then(text_of) {
        Some(t) => html::to_text(&t),
        None if status.body_gone() => String::new(),
        None => return Err("no text".into()),
    };
    let raw_time = get(o, "time");
    let time = raw_time.and_then(|v| parse_json_time(v, &ReadOptions::default(), None).ok());
    let note = match (raw_time, time) {
        (Some(v), None) => Some(format!("time {} is not a time; counted as undated", v)),
        _ => None,
    };
    let record = CommentRecord {
        id,
        native_id: true,
        thread: None,
        author: get(o, "by").and_then(text_of),
        posted_at: time.map(|t| t.at),
        posted_text: raw_time.map(json_text),
        time_basis: time.map(|t| t.basis),
        posted_window: None,
        // Whether the parent is the story or a comment shows only when the parent is in the
        // input; `resolve` settles it.
        parent_id: get(o, "parent").and_then(text_of),
        is_reply: None,
        body,
        truncated: false,
        status,
        source: at,
    };
    Ok((record, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_parses_and_rejects_unknown_fields() {
        let m = Mapping::parse("body=text, author=by,posted_at=time").unwrap();
        assert_eq!(m.mapped(Field::Body), Some("text"));
        assert_eq!(m.candidates(Field::Author), vec!["by"]);
        assert!(m.candidates(Field::Id).contains(&"id"));
        let e = Mapping::parse("bdy=text").unwrap_err();
        assert!(e.contains("unknown field \"bdy\""), "{e}");
        assert!(Mapping::parse("body").is_err());
    }

    #[test]
    fn bad_lines_are_named_and_the_rest_read() {
        let text = "{\"text\":\"a\"}\nnot json\n\n[1]\n{\"by\":\"x\"}\n{\"text\":\"b\",\"time\":\"soon\"}\n";
        let b = read("in.jsonl", text, &ReadOptions::default(), Flavor::Generic);
        assert_eq!(b.records.len(), 2);
        let msgs: Vec<String> = b.problems.iter().map(ToString::to_string).collect();
        assert!(msgs[0].starts_with("in.jsonl:2: not JSON"), "{msgs:?}");
        assert!(msgs[1].starts_with("in.jsonl:4: not a JSON object"), "{msgs:?}");
        assert!(msgs[2].starts_with("in.jsonl:5: no body field body"), "{msgs:?}");
        assert!(msgs[3].contains("in.jsonl:6: time soon is not a time"), "{msgs:?}");
        assert_eq!(b.skipped(), 3);
        assert_eq!(b.records[1].posted_at, None);
        assert_eq!(b.records[0].id, "line 1");
    }
}
