//! Scoring a parse against hand labels (`shared/data/README.md` format), for
//! `examples/parse_eval.rs` and the layout tests.
//!
//! A labeled comment is found when a parsed comment's body begins with its
//! `body_first_words` (whitespace-normalised; each parsed comment counts once). Author, time
//! (as written) and reply-to are right when the found comment has the labeled value; they are
//! counted over all labeled comments, so a missed comment counts as wrong. Reply-to is scored
//! only where `reply_evidence` starts with `text:`. The editorial is right at its first line
//! (first line of the first range) and its last line (last line of the last range).

use super::{parse_page, ParseOptions};
use serde_json::Value;

/// The score of one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    /// Layout the parser reported.
    pub layout: String,
    /// Labeled comments.
    pub labeled: usize,
    /// Parsed comments.
    pub parsed: usize,
    /// Labeled comments found.
    pub found: usize,
    /// Found with the right author.
    pub author: usize,
    /// Found with the right time as written.
    pub time: usize,
    /// Labeled comments whose reply is visible in the text.
    pub reply_n: usize,
    /// Of those, found with the right `reply_to`.
    pub reply: usize,
    /// Editorial first line right.
    pub ed_first: bool,
    /// Editorial last line right.
    pub ed_last: bool,
    /// Editorial first and last line, got and wanted: "got/want got/want".
    pub ed_note: String,
}

impl Score {
    /// Adds another page's counts (layout and note are not merged).
    pub fn add(&mut self, o: &Score) {
        self.labeled += o.labeled;
        self.parsed += o.parsed;
        self.found += o.found;
        self.author += o.author;
        self.time += o.time;
        self.reply_n += o.reply_n;
        self.reply += o.reply;
    }
}

fn norm(s: &str) -> String {
    s.replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses `text` and scores it against `expected` (one `NNN.expected.json`).
pub fn score_page(text: &str, expected: &Value) -> Score {
    let page = parse_page("eval", text, &ParseOptions::default());
    let labels = expected["comments"].as_array().cloned().unwrap_or_default();
    let mut t = Score {
        layout: page.layout.clone(),
        labeled: labels.len(),
        parsed: page.comments.len(),
        ..Score::default()
    };
    let want = |v: &Value| v.as_str().map(norm);
    let mut used = vec![false; page.comments.len()];
    for l in &labels {
        let first = norm(l["body_first_words"].as_str().unwrap_or(""));
        let text_reply = l["reply_evidence"].as_str().is_some_and(|e| e.starts_with("text:"));
        t.reply_n += usize::from(text_reply);
        let hit = (0..page.comments.len())
            .find(|&k| !used[k] && norm(&page.comments[k].body).starts_with(&first));
        let Some(k) = hit else { continue };
        used[k] = true;
        let c = &page.comments[k];
        t.found += 1;
        t.author += usize::from(c.author.as_deref().map(norm) == want(&l["author"]));
        t.time += usize::from(c.posted_text.as_deref().map(norm) == want(&l["time"]));
        if text_reply && c.reply_to.as_deref().map(norm) == want(&l["reply_to"]) {
            t.reply += 1;
        }
    }
    let first = page.editorial.lines.first().map(|r| r.first as u64);
    let last = page.editorial.lines.last().map(|r| r.last as u64);
    let (wf, wl) =
        (expected["editorial_first_line_no"].as_u64(), expected["editorial_last_line_no"].as_u64());
    t.ed_first = first == wf;
    t.ed_last = last == wl;
    let show = |v: Option<u64>| v.map_or("-".to_string(), |x| x.to_string());
    t.ed_note = format!("{}/{} {}/{}", show(first), show(wf), show(last), show(wl));
    t
}
