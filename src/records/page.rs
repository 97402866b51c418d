//! Pages (text or HTML) → records, through the parser: the page is the thread, comment ids
//! are the parser's (`c1`, `c2`, …), replies are what the page marks as replies (or, in
//! HTML, nests).

use super::{Batch, CommentRecord, ReadOptions, SourceRef, Status};
use crate::parse::html::parse_html;
use crate::parse::{parse_page, reltime, ParseOptions};

pub(super) fn read(name: &str, text: &str, opts: &ReadOptions, html: bool) -> Batch {
    let parse_opts = ParseOptions { reference: opts.reference, tz: opts.tz };
    let page = if html {
        parse_html(name, text, &parse_opts)
    } else {
        parse_page(name, text, &parse_opts)
    };
    let mut batch = Batch::default();
    for c in page.comments {
        let window = match (c.posted_text.as_deref(), opts.reference, c.posted_at) {
            (Some(t), Some(r), Some(_)) => reltime::parse(t).and_then(|rel| rel.interval(r.at)),
            _ => None,
        };
        let at = SourceRef { input: name.to_string(), line: c.lines.first, element: None };
        if c.posted_text.is_some() && c.posted_at.is_none() {
            let why = if opts.reference.is_none() { " (no reference time: use --now)" } else { "" };
            batch.note(
                at.clone(),
                format!(
                    "time {:?} not resolved{why}; counted as undated",
                    c.posted_text.as_deref().unwrap_or("")
                ),
            );
        }
        batch.records.push(CommentRecord {
            id: c.id,
            thread: Some(name.to_string()),
            author: c.author,
            posted_at: c.posted_at,
            posted_text: c.posted_text,
            time_basis: c.posted_basis.map(Into::into),
            posted_window: window,
            is_reply: Some(c.reply_to.is_some()),
            parent_id: c.parent_id,
            body: c.body,
            status: Status::Approved,
            source: at,
        });
    }
    batch
}
