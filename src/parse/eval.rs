//! Scoring a parse against hand labels (`shared/data/README.md` format), for
//! `examples/parse_eval.rs` and the layout tests.
//!
//! A labeled comment is found when a parsed comment's body begins with its
//! `body_first_words` (whitespace-normalised; each parsed comment counts once). Author, time
//! (as written) and reply-to are right when the found comment has the labeled value; they are
//! counted over all labeled comments, so a missed comment counts as wrong. Reply-to is scored
//! only where `reply_evidence` starts with `text:`. The editorial is right at its first line
//! (first line of the first range) and its last line (last line of the last range).

use super::{parse_page, Page, ParseOptions};
use serde_json::Value;
use std::collections::HashMap;

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
    score_parsed(&page, expected, false)
}

/// Parses an HTML page and scores it against `expected`: replies visible only in the
/// nesting (`reply_evidence: structure`) count too, and the editorial is right at its first
/// and last line when its text begins and ends with the labeled lines (its line numbers are
/// the HTML's, not the rendered text's).
pub fn score_html(html: &str, expected: &Value) -> Score {
    let page = super::html::parse_html("eval", html, &ParseOptions::default());
    let mut t = score_parsed(&page, expected, true);
    let ed = norm(&page.editorial.text);
    let want = |k: &str| expected[k].as_str().map(norm).filter(|s| !s.is_empty());
    t.ed_first = want("editorial_first_line").is_some_and(|w| ed.starts_with(&w));
    t.ed_last = want("editorial_last_line").is_some_and(|w| ed.ends_with(&w));
    let show = |s: &str| s.chars().take(30).collect::<String>();
    t.ed_note = format!(
        "starts {:?} ends {:?}",
        show(&ed),
        show(&ed.chars().rev().take(30).collect::<String>().chars().rev().collect::<String>())
    );
    t
}

/// Scores a parsed page against `expected`; `structure` counts replies visible only in the
/// markup's nesting.
pub fn score_parsed(page: &Page, expected: &Value, structure: bool) -> Score {
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
        let text_reply = l["reply_evidence"]
            .as_str()
            .is_some_and(|e| e.starts_with("text:") || (structure && e.starts_with("structure")));
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

/// Bag-of-words tokens as the Dragnet scoring defines them: the text lower-cased, then every
/// run of `[a-z0-9]`, counted.
pub fn tokens(text: &str) -> HashMap<String, u32> {
    let lower = text.to_lowercase();
    let mut out: HashMap<String, u32> = HashMap::new();
    for t in lower.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit())) {
        if !t.is_empty() {
            *out.entry(t.to_string()).or_insert(0) += 1;
        }
    }
    out
}

/// Precision, recall and F1 of the multiset intersection of two token bags. Both empty is a
/// perfect match; one empty scores 0.
pub fn token_prf(gold: &HashMap<String, u32>, got: &HashMap<String, u32>) -> (f64, f64, f64) {
    let n_gold: u32 = gold.values().sum();
    let n_got: u32 = got.values().sum();
    if n_gold == 0 && n_got == 0 {
        return (1.0, 1.0, 1.0);
    }
    if n_gold == 0 || n_got == 0 {
        return (0.0, 0.0, 0.0);
    }
    let common: u32 = got.iter().map(|(t, &n)| n.min(gold.get(t).copied().unwrap_or(0))).sum();
    let (p, r) = (f64::from(common) / f64::from(n_got), f64::from(common) / f64::from(n_gold));
    let f = if common == 0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (p, r, f)
}

/// The marker that separates main text from comments in a Dragnet gold file.
pub const DRAGNET_MARKER: &str = "!@#$%^&*()  COMMENTS";

/// A Dragnet gold file: the main text, and the comments' text (empty when the page has none;
/// a file without the marker has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DragnetGold {
    /// Main text.
    pub main: String,
    /// Comment text (bodies, and on many pages author and date lines).
    pub comments: String,
}

impl DragnetGold {
    /// Splits a gold file at its marker line. The labelers typed the marker by hand, and 7 of
    /// the 187 development files that have one typed it otherwise (`!@#$%^&*() COMMENTS`,
    /// `!@#$%^&*   COMMENTS`, `!!@#$%^&*()  COMMENTS`, …): a line of those symbols and
    /// spaces ending in `COMMENTS` is the marker. Read strictly, those pages' comments would
    /// count as main text.
    pub fn parse(gold: &str) -> DragnetGold {
        let mut at = 0;
        for line in gold.split_inclusive('\n') {
            if let Some(before) = line.trim_end().strip_suffix("COMMENTS") {
                // The run of marker symbols (and spaces) just before "COMMENTS".
                let start = before
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| "!@#$%^&*() ".contains(*c))
                    .last()
                    .map_or(before.len(), |(i, _)| i);
                let symbols = before[start..].trim_start();
                if symbols.starts_with('!') && symbols.contains("@#$%^&") {
                    return DragnetGold {
                        main: gold[..at + start].to_string(),
                        comments: gold[at + line.len()..].to_string(),
                    };
                }
            }
            at += line.len();
        }
        DragnetGold { main: gold.to_string(), comments: String::new() }
    }

    /// Pages scored for comments: more than 300 characters after the marker.
    pub fn has_comments(&self) -> bool {
        self.comments.chars().count() > 300
    }

    /// Pages counted for "comments found where there are none": nothing after the marker.
    pub fn has_no_comments(&self) -> bool {
        self.comments.trim().is_empty()
    }
}

/// The text a parse predicts for the comments: each comment's author, time as written and
/// body.
pub fn comment_text(page: &Page) -> String {
    records_text(
        page.comments
            .iter()
            .map(|c| [c.author.as_deref(), c.posted_text.as_deref(), Some(&c.body)]),
    )
}

/// The parts of many records (author, time, body, any of them absent), one per line.
pub fn records_text<'a>(records: impl Iterator<Item = [Option<&'a str>; 3]>) -> String {
    let mut s = String::new();
    for part in records.flatten().flatten() {
        s.push_str(part);
        s.push('\n');
    }
    s
}

/// One page scored the Dragnet way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DragnetScore {
    /// Editorial token precision, recall, F1.
    pub editorial: (f64, f64, f64),
    /// Comment token precision, recall, F1, when the page is scored for comments.
    pub comments: Option<(f64, f64, f64)>,
    /// `Some(reported)` on pages with no comments: whether any comment was reported.
    pub false_comments: Option<bool>,
}

/// Scores a parsed page against its Dragnet gold.
pub fn score_dragnet(page: &Page, gold: &DragnetGold) -> DragnetScore {
    let editorial = token_prf(&tokens(&gold.main), &tokens(&page.editorial.text));
    let comments = gold
        .has_comments()
        .then(|| token_prf(&tokens(&gold.comments), &tokens(&comment_text(page))));
    let false_comments = gold.has_no_comments().then_some(!page.comments.is_empty());
    DragnetScore { editorial, comments, false_comments }
}

/// Means over many pages, as the Dragnet README reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DragnetSummary {
    /// Pages scored.
    pub pages: usize,
    /// Mean editorial F1 over all pages.
    pub editorial_f1: f64,
    /// Pages scored for comments.
    pub comment_pages: usize,
    /// Mean comment F1 over those.
    pub comments_f1: f64,
    /// Pages without comments.
    pub empty_pages: usize,
    /// Share of those where comments were reported.
    pub false_share: f64,
}

impl DragnetSummary {
    /// Summarises per-page scores.
    pub fn of(scores: &[DragnetScore]) -> DragnetSummary {
        let mean =
            |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
        let ed: Vec<f64> = scores.iter().map(|s| s.editorial.2).collect();
        let cm: Vec<f64> = scores.iter().filter_map(|s| s.comments.map(|c| c.2)).collect();
        let empty: Vec<bool> = scores.iter().filter_map(|s| s.false_comments).collect();
        DragnetSummary {
            pages: scores.len(),
            editorial_f1: mean(&ed),
            comment_pages: cm.len(),
            comments_f1: mean(&cm),
            empty_pages: empty.len(),
            false_share: if empty.is_empty() {
                0.0
            } else {
                empty.iter().filter(|&&b| b).count() as f64 / empty.len() as f64
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lower_case_ascii_runs() {
        let t = tokens("Über-Cool café, 2 Cafés! It's 2:30.");
        // Lower-cased, then `[a-z0-9]+`: "Über" keeps "ber", "café" and "Cafés" split at é.
        let mut got: Vec<(&str, u32)> = t.iter().map(|(k, &v)| (k.as_str(), v)).collect();
        got.sort();
        let want = [("2", 2), ("30", 1), ("ber", 1), ("caf", 2), ("cool", 1), ("it", 1), ("s", 2)];
        assert_eq!(got, want);
    }

    #[test]
    fn token_f1_is_a_multiset_intersection() {
        let gold = tokens("the cat sat on the mat");
        assert_eq!(token_prf(&gold, &tokens("the cat sat on the mat")), (1.0, 1.0, 1.0));
        // "the the the": 2 of 3 predicted tokens match (gold has two "the"), recall 2/6.
        let (p, r, f) = token_prf(&gold, &tokens("the the the"));
        assert!((p - 2.0 / 3.0).abs() < 1e-12 && (r - 1.0 / 3.0).abs() < 1e-12);
        assert!((f - 2.0 * p * r / (p + r)).abs() < 1e-12);
        assert_eq!(token_prf(&gold, &tokens("")), (0.0, 0.0, 0.0));
        assert_eq!(token_prf(&tokens(""), &tokens("")), (1.0, 1.0, 1.0));
        assert_eq!(token_prf(&gold, &tokens("dog")), (0.0, 0.0, 0.0));
    }

    #[test]
    fn gold_files_split_at_the_marker() {
        let g =
            DragnetGold::parse(&format!("Main text.\r\n{DRAGNET_MARKER}\r\n{}", "x ".repeat(200)));
        assert_eq!(g.main, "Main text.\r\n");
        assert!(g.has_comments() && !g.has_no_comments());
        let g = DragnetGold::parse("Only main text, no marker.");
        assert!(g.has_no_comments() && !g.has_comments());
        let g = DragnetGold::parse(&format!("Main.{DRAGNET_MARKER}\nshort comment"));
        assert!(!g.has_comments() && !g.has_no_comments());
        assert_eq!((g.main.as_str(), g.comments.as_str()), ("Main.", "short comment"));
        // Markers as the labelers mistyped them in the development files.
        for marker in ["!@#$%^&*() COMMENTS", "!@#$%^&*   COMMENTS", "!!@#$%^&*()  COMMENTS  "] {
            let g = DragnetGold::parse(&format!("Main text.\n{marker}\nA comment."));
            assert_eq!((g.main.as_str(), g.comments.as_str()), ("Main text.\n", "A comment."));
        }
        // "COMMENTS" alone, or after other symbols, is text.
        let g = DragnetGold::parse("Main.\nCOMMENTS\n*** COMMENTS\nmore");
        assert!(g.has_no_comments(), "{g:?}");
    }

    #[test]
    fn summary_means_over_the_right_pages() {
        let s = |e: f64, c: Option<f64>, fal: Option<bool>| DragnetScore {
            editorial: (e, e, e),
            comments: c.map(|x| (x, x, x)),
            false_comments: fal,
        };
        let sum = DragnetSummary::of(&[
            s(1.0, Some(0.5), None),
            s(0.5, None, Some(true)),
            s(0.0, None, Some(false)),
        ]);
        assert_eq!((sum.pages, sum.comment_pages, sum.empty_pages), (3, 1, 2));
        assert!((sum.editorial_f1 - 0.5).abs() < 1e-12);
        assert!((sum.comments_f1 - 0.5).abs() < 1e-12);
        assert!((sum.false_share - 0.5).abs() < 1e-12);
    }
}
