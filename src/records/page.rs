//! Pages (text or HTML) → records, through the parser: the page is the thread, replies are
//! what the page marks as replies (or, in HTML, nests).
//!
//! The thread is named so that captures of one page on different days name it alike: its
//! canonical URL (`<link rel=canonical>`, `og:url`), else the URL it was fetched from, else
//! its title (HTML `<title>`, the article's first line in text), else the file name. Comment
//! ids are the markup's own (`id="comment-123"`) when every comment has a distinct one, else
//! the parser's (`c1`, `c2`, …).

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
    let thread = thread_name(&page, opts.url.as_deref(), name);
    // The markup's own ids, when every comment has a distinct one.
    let mut own: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for c in &page.comments {
        if let Some(n) = &c.native_id {
            own.insert(c.id.as_str(), n.as_str());
        }
    }
    let distinct: std::collections::HashSet<&str> = own.values().copied().collect();
    let native = own.len() == page.comments.len() && distinct.len() == own.len();
    let own: std::collections::HashMap<String, String> = if native {
        own.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    } else {
        Default::default()
    };
    let rename = |id: String| own.get(&id).cloned().unwrap_or(id);
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
            id: rename(c.id),
            native_id: native,
            thread: Some(thread.clone()),
            author: c.author,
            posted_at: c.posted_at,
            posted_text: c.posted_text,
            time_basis: c.posted_basis.map(Into::into),
            posted_window: window,
            is_reply: Some(c.reply_to.is_some()),
            parent_id: c.parent_id.map(rename),
            body: c.body,
            truncated: c.truncated,
            status: Status::Approved,
            source: at,
        });
    }
    batch
}

/// The thread a page's comments belong to (see the module docs).
fn thread_name(page: &crate::parse::Page, url: Option<&str>, name: &str) -> String {
    page.canonical_url
        .as_deref()
        .or(url)
        .or(page.title.as_deref())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(name)
        .to_string()
}
