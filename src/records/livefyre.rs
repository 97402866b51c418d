//! Coral's Livefyre import format: one article per line (`id`, `source` URL, `title`) with
//! its `comments[]` (`id`, `author_id`, `imported_display_name`, `created` without a zone,
//! `body_html`, optional `parent_id`). The article is the thread.

use super::jsonl::get;
use super::time::parse_json_time;
use super::{html, Batch, CommentRecord, ReadOptions, SourceRef, Status};
use serde_json::Value;

pub(super) fn read(name: &str, text: &str, opts: &ReadOptions) -> Batch {
    let mut batch = Batch::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = SourceRef { input: name.to_string(), line: i + 1, element: None };
        let article = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                batch.skip(at, "not a JSON object");
                continue;
            }
            Err(e) => {
                batch.skip(at, format!("not JSON: {e}"));
                continue;
            }
        };
        let thread = ["source", "url", "title", "id"]
            .iter()
            .find_map(|k| get(&article, k).and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| format!("{name}:{}", i + 1));
        let Some(comments) = get(&article, "comments").and_then(Value::as_array) else {
            batch.skip(at, "article without a comments array");
            continue;
        };
        for (j, c) in comments.iter().enumerate() {
            let at = SourceRef {
                input: name.to_string(),
                line: i + 1,
                element: Some(format!("comments[{j}]")),
            };
            let text_of = |k: &str| {
                c.get(k).and_then(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
            };
            let (Some(id), Some(body)) = (text_of("id"), text_of("body_html")) else {
                batch.skip(at, "comment without id or body_html");
                continue;
            };
            let raw = c.get("created");
            let time = raw.and_then(|v| parse_json_time(v, opts, None).ok());
            if let (Some(v), None) = (raw, time) {
                batch.note(at.clone(), format!("created {v} is not a time; counted as undated"));
            }
            let parent_id = text_of("parent_id");
            batch.records.push(CommentRecord {
                native_id: true,
                id,
                thread: Some(thread.clone()),
                author: text_of("imported_display_name").or_else(|| text_of("author_id")),
                posted_at: time.map(|t| t.at),
                posted_text: raw.and_then(Value::as_str).map(str::to_string),
                time_basis: time.map(|t| t.basis),
                posted_window: None,
                is_reply: Some(parent_id.is_some()),
                parent_id,
                body: html::to_text(&body),
                truncated: false,
                status: Status::Approved,
                source: at,
            });
        }
    }
    batch
}
