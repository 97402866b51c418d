//! Disqus XML export: `<thread dsq:id>` elements (link, title) and `<post dsq:id>` elements
//! (message HTML, createdAt, isDeleted, isSpam, author, `<thread dsq:id>`, `<parent dsq:id>`).
//!
//! A post names its thread by id; the thread's link (else title) becomes the record's thread
//! once the whole file is read, since threads may come after their posts. A post whose
//! thread is missing from the export keeps `disqus thread <id>`.

use super::time::parse_time;
use super::xml::{self, Node};
use super::{html, Batch, CommentRecord, ReadOptions, SourceRef, Status};
use std::collections::HashMap;

const ID: &str = "dsq:id";

pub(super) fn read(name: &str, text: &str) -> Batch {
    let mut batch = Batch::default();
    let mut threads: HashMap<String, String> = HashMap::new();
    // Timestamps in Disqus exports carry their zone, so no options are needed.
    let opts = ReadOptions::default();
    let result = xml::for_each(text, &["thread", "post"], |node| {
        let at = SourceRef { input: name.to_string(), line: node.line, element: Some(node.tag()) };
        if node.name == "thread" {
            if let Some(id) = node.attr(ID) {
                let label = node
                    .child_text("link")
                    .or_else(|| node.child_text("title"))
                    .map_or_else(|| format!("disqus thread {id}"), str::to_string);
                threads.insert(id.to_string(), label);
            }
            return;
        }
        match post(&node, at.clone(), &opts) {
            Ok((record, note)) => {
                if let Some(n) = note {
                    batch.note(at, n);
                }
                batch.records.push(record);
            }
            Err(message) => batch.skip(at, message),
        }
    });
    if let Err((line, message)) = result {
        let at = SourceRef { input: name.to_string(), line, element: None };
        batch.skip(at, format!("{message}; the rest of the file was not read"));
    }
    for r in &mut batch.records {
        if let Some(t) = r.thread.take() {
            r.thread =
                Some(threads.get(&t).cloned().unwrap_or_else(|| format!("disqus thread {t}")));
        }
    }
    batch
}

fn flag(node: &Node, name: &str) -> bool {
    node.child_text(name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

fn post(
    node: &Node,
    at: SourceRef,
    opts: &ReadOptions,
) -> Result<(CommentRecord, Option<String>), String> {
    let id = node.attr(ID).ok_or("post without a dsq:id attribute")?.to_string();
    let thread = node
        .child("thread")
        .and_then(|t| t.attr(ID))
        .ok_or("post without a <thread dsq:id> reference")?
        .to_string();
    let author = node.child("author").and_then(|a| {
        a.child_text("name").or_else(|| a.child_text("username")).map(str::to_string)
    });
    let posted_text = node.child_text("createdAt").map(str::to_string);
    let mut note = None;
    let time = match posted_text.as_deref() {
        Some(s) => match parse_time(s, opts, None) {
            Ok(t) => Some(t),
            Err(_) => {
                note = Some(format!("createdAt {s:?} is not a time; counted as undated"));
                None
            }
        },
        None => None,
    };
    let parent_id = node.child("parent").and_then(|p| p.attr(ID)).map(str::to_string);
    let status = if flag(node, "isDeleted") {
        Status::Deleted
    } else if flag(node, "isSpam") {
        Status::Spam
    } else {
        Status::Approved
    };
    let record = CommentRecord {
        native_id: true,
        id,
        thread: Some(thread),
        author,
        posted_at: time.map(|t| t.at),
        posted_text,
        time_basis: time.map(|t| t.basis),
        posted_window: None,
        is_reply: Some(parent_id.is_some()),
        parent_id,
        body: html::to_text(node.child("message").map_or("", |m| m.text.as_str())),
        truncated: false,
        status,
        source: at,
    };
    Ok((record, note))
}
