//! wpDiscuz 7 as copied text (seed 004, UK Defence Journal):
//!
//! ```text
//! PaulW                      avatar alt text (optional)
//! PaulW (@guest_865201)      name + handle added by the site
//! 1 hour ago                 relative (or absolute) time
//! Reply to  PaulW            optional; "Reply to" + no-break space + space
//!
//! body …  Read more »        optional read-more marker: the body was cut short
//! ```
//!
//! Before the list come the author box and the widget's phrases (`Subscribe`, `Notify of`,
//! `guest`, `3 Comments`, sort tabs, `Inline Feedbacks`, `View all comments`): chrome.

use super::{mark_chrome_run_before, CommentParts, Extraction};
use crate::parse::{chrome, reltime, LineClass};
use regex::Regex;
use std::sync::LazyLock;

static HANDLE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<name>\S.*?)\s*\((?P<handle>@[^()\s]+)\)$").expect("valid"));
static REPLY_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:reply to|antwort auf|antwort an)\s+(?P<name>\S.*)$").expect("valid")
});
static READ_MORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?i:read more)\s*(»|&raquo;)?\s*$").expect("valid"));

struct Header {
    start: usize,
    body_start: usize,
    author: String,
    handle: String,
    posted_text: String,
    reply_to: Option<String>,
}

/// Recognises wpDiscuz 7 comment records; `None` when the page has none.
pub(super) fn parse(lines: &[&str], feats: &[crate::parse::features::Line]) -> Option<Extraction> {
    let headers = find_headers(lines);
    let first = headers.first()?.start;
    let mut classes = vec![LineClass::Editorial; lines.len()];
    let flags: Vec<bool> = feats[..first].iter().map(|l| l.rules).collect();
    for &(a, b) in &chrome::house_rules_blocks_with(&lines[..first], &flags) {
        classes[a..=b].fill(LineClass::Chrome);
    }
    mark_chrome_run_before(lines, &mut classes, first);

    let mut comments = Vec::with_capacity(headers.len());
    for (k, h) in headers.iter().enumerate() {
        let mut end = headers.get(k + 1).map_or(lines.len(), |next| next.start);
        if k + 1 == headers.len() {
            // After the last comment: trailing widget phrases are chrome.
            while end > h.body_start
                && (lines[end - 1].trim().is_empty() || chrome::is_section_chrome(lines[end - 1]))
            {
                end -= 1;
            }
            classes[end..].fill(LineClass::Chrome);
        }
        classes[h.start..end].fill(LineClass::Comment(k));
        let (body, truncated) = body_text(&lines[h.body_start.min(end)..end]);
        comments.push(CommentParts {
            header_line: h.start + 1,
            author: Some(h.author.clone()),
            handle: Some(h.handle.clone()),
            posted_text: Some(h.posted_text.clone()),
            reply_to: h.reply_to.clone(),
            body,
            truncated,
            level: None,
            posted_exact: None,
            native_id: None,
        });
    }
    Some(Extraction { layout: "wpdiscuz", confidence: 0.95, classes, comments })
}

fn next_nonblank(lines: &[&str], from: usize, within: usize) -> Option<usize> {
    (from..lines.len().min(from + within)).find(|&j| !lines[j].trim().is_empty())
}

fn find_headers(lines: &[&str]) -> Vec<Header> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // A header line ends in "(@handle)".
        if !line.trim_end().ends_with(')') || !line.contains("(@") {
            continue;
        }
        let c = chrome::clean(line);
        let Some(caps) = HANDLE_LINE.captures(&c) else { continue };
        let Some(t) = next_nonblank(lines, i + 1, 2) else { continue };
        let posted_text = chrome::clean(lines[t]);
        if reltime::parse(&posted_text).is_none() {
            continue;
        }
        let author = caps["name"].to_string();
        let start = if i > 0 && chrome::clean(lines[i - 1]) == author { i - 1 } else { i };
        let mut body_start = t + 1;
        let mut reply_to = None;
        if let Some(r) = next_nonblank(lines, t + 1, 2) {
            if let Some(rc) = REPLY_TO.captures(&chrome::clean(lines[r])) {
                reply_to = Some(rc["name"].trim().to_string());
                body_start = r + 1;
            }
        }
        out.push(Header {
            start,
            body_start,
            author,
            handle: caps["handle"].to_string(),
            posted_text,
            reply_to,
        });
    }
    out
}

/// Joins body lines (blank edges dropped) and strips a trailing "Read more »".
fn body_text(lines: &[&str]) -> (String, bool) {
    let text = lines.join("\n");
    let text = text.trim();
    match READ_MORE.find(text) {
        Some(m) if m.end() == text.len() && m.as_str().contains('»') => {
            (text[..m.start()].trim_end().to_string(), true)
        }
        _ => (text.to_string(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_more_marker_is_removed_and_marks_truncation() {
        assert_eq!(body_text(&["", "Body text… Read more »", ""]), ("Body text…".into(), true));
        assert_eq!(body_text(&["Read more about it"]), ("Read more about it".into(), false));
    }

    #[test]
    fn header_needs_a_time_line() {
        assert!(find_headers(&["Bob (@bob)", "hello"]).is_empty());
        let h = find_headers(&["Bob", "Bob (@bob)", "2h", "Reply to\u{a0} Al", "", "hi"]);
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].start, h[0].body_start), (0, 4));
        assert_eq!(h[0].reply_to.as_deref(), Some("Al"));
    }
}
