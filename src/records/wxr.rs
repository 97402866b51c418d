//! WordPress WXR export: `<item>` (link, title, `wp:post_id`) holding `<wp:comment>` elements.
//!
//! Times: `comment_date_gmt` when present and not the all-zero placeholder WordPress writes
//! for unsent drafts, else `comment_date` (site-local, zone unknown: read in `--tz`, or as
//! UTC). `comment_approved` 1/0/spam/trash become statuses, so held, spam and trashed
//! comments are kept and marked, never mixed in silently. Pingbacks and trackbacks are not
//! reader comments and are left out with a note.

use super::time::naive;
use super::xml::{self, Node};
use super::{html, Batch, CommentRecord, ReadOptions, SourceRef, Status, TimeBasis};
use chrono::NaiveDateTime;

const ZERO_DATE: &str = "0000-00-00 00:00:00";

pub(super) fn read(name: &str, text: &str, opts: &ReadOptions) -> Batch {
    let mut batch = Batch::default();
    let result = xml::for_each(text, &["item"], |item| {
        let thread = item
            .child_text("link")
            .or_else(|| item.child_text("title"))
            .map(str::to_string)
            .or_else(|| item.child_text("wp:post_id").map(|id| format!("wp post {id}")))
            .unwrap_or_else(|| format!("{name}:{} <item>", item.line));
        for c in item.children.iter().filter(|c| c.name == "wp:comment") {
            let tag = match c.child_text("wp:comment_id") {
                Some(id) => format!("<wp:comment> {id}"),
                None => "<wp:comment>".to_string(),
            };
            let at = SourceRef { input: name.to_string(), line: c.line, element: Some(tag) };
            match comment(c, &thread, at.clone(), opts) {
                Ok((record, note)) => {
                    if let Some(n) = note {
                        batch.note(at, n);
                    }
                    batch.records.push(record);
                }
                Err(message) => batch.skip(at, message),
            }
        }
    });
    if let Err((line, message)) = result {
        let at = SourceRef { input: name.to_string(), line, element: None };
        batch.skip(at, format!("{message}; the rest of the file was not read"));
    }
    batch
}

fn comment(
    c: &Node,
    thread: &str,
    at: SourceRef,
    opts: &ReadOptions,
) -> Result<(CommentRecord, Option<String>), String> {
    let id = c.child_text("wp:comment_id").ok_or("comment without a wp:comment_id")?.to_string();
    if let Some(kind @ ("pingback" | "trackback")) = c.child_text("wp:comment_type") {
        return Err(format!("a {kind}, not a reader comment"));
    }
    let gmt = c.child_text("wp:comment_date_gmt").filter(|d| *d != ZERO_DATE);
    let local = c.child_text("wp:comment_date").filter(|d| *d != ZERO_DATE);
    let read = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok();
    let mut note = None;
    let (posted_text, time) = match (gmt, local) {
        (Some(g), _) => (Some(g), read(g).map(|t| (t.and_utc(), TimeBasis::Stamped))),
        (None, Some(l)) => (Some(l), read(l).and_then(|t| naive(t, opts))),
        (None, None) => (None, None),
    };
    if let (Some(s), None) = (posted_text, time) {
        note = Some(format!("comment date {s:?} is not a time; counted as undated"));
    }
    let status = match c.child_text("wp:comment_approved").unwrap_or("1") {
        "1" | "approve" | "approved" => Status::Approved,
        "spam" => Status::Spam,
        "trash" | "post-trashed" => Status::Trash,
        _ => Status::Unapproved,
    };
    let parent_id = c.child_text("wp:comment_parent").filter(|p| *p != "0").map(str::to_string);
    let record = CommentRecord {
        native_id: true,
        id,
        thread: Some(thread.to_string()),
        author: c.child_text("wp:comment_author").map(str::to_string),
        posted_at: time.map(|t| t.0),
        posted_text: posted_text.map(str::to_string),
        time_basis: time.map(|t| t.1),
        posted_window: None,
        is_reply: Some(parent_id.is_some()),
        parent_id,
        body: html::to_text(c.child("wp:comment_content").map_or("", |n| n.text.as_str())),
        truncated: false,
        status,
        source: at,
    };
    Ok((record, note))
}
