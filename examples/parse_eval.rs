//! Scores `parse` against hand-labeled pages.
//!
//! ```sh
//! cargo run --example parse_eval -- ../shared/data/pages [MORE_DIRS...]
//! ```
//!
//! Every `NNN.txt` with a `NNN.expected.json` beside it (format in `shared/data/README.md`)
//! is parsed and compared with its labels. A labeled comment is found when a parsed comment's
//! body begins with its `body_first_words` (whitespace-normalised; each parsed comment counts
//! once). Author, time (as written) and reply-to are right when the found comment has the
//! labeled value; they are scored over all labeled comments, so a missed comment counts as
//! wrong. Reply-to is scored only where `reply_evidence` starts with `text:` (the reply is
//! visible in the text). Editorial first/last: the first line of the first editorial range
//! and the last line of the last one equal the labeled line numbers.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use moderato::parse::{parse_page, ParseOptions};
use serde_json::Value;
use std::path::Path;

fn norm(s: &str) -> String {
    s.replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn opt_norm(v: &Value) -> Option<String> {
    v.as_str().map(norm)
}

#[derive(Default, Clone, Copy)]
struct Tally {
    labeled: usize,
    parsed: usize,
    found: usize,
    author: usize,
    time: usize,
    reply_n: usize,
    reply: usize,
    ed_first: usize,
    ed_last: usize,
    pages: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.labeled += o.labeled;
        self.parsed += o.parsed;
        self.found += o.found;
        self.author += o.author;
        self.time += o.time;
        self.reply_n += o.reply_n;
        self.reply += o.reply;
        self.ed_first += o.ed_first;
        self.ed_last += o.ed_last;
        self.pages += o.pages;
    }
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "  -  ".to_string()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

fn score(txt: &Path, expected: &Value) -> (Tally, String) {
    let text = std::fs::read_to_string(txt).unwrap_or_default();
    let page = parse_page(&txt.display().to_string(), &text, &ParseOptions::default());
    let labels = expected["comments"].as_array().cloned().unwrap_or_default();
    let mut t =
        Tally { labeled: labels.len(), parsed: page.comments.len(), pages: 1, ..Tally::default() };
    let mut used = vec![false; page.comments.len()];
    for l in &labels {
        let first = norm(l["body_first_words"].as_str().unwrap_or(""));
        let hit = page
            .comments
            .iter()
            .enumerate()
            .find(|(k, c)| !used[*k] && norm(&c.body).starts_with(&first));
        let text_reply = l["reply_evidence"].as_str().is_some_and(|e| e.starts_with("text:"));
        if text_reply {
            t.reply_n += 1;
        }
        let Some((k, c)) = hit else { continue };
        used[k] = true;
        t.found += 1;
        if c.author.as_deref().map(norm) == opt_norm(&l["author"]) {
            t.author += 1;
        }
        if c.posted_text.as_deref().map(norm) == opt_norm(&l["time"]) {
            t.time += 1;
        }
        if text_reply && c.reply_to.as_deref().map(norm) == opt_norm(&l["reply_to"]) {
            t.reply += 1;
        }
    }
    let ed = &page.editorial.lines;
    let first = ed.first().map(|r| r.first as u64);
    let last = ed.last().map(|r| r.last as u64);
    t.ed_first = usize::from(first == expected["editorial_first_line_no"].as_u64());
    t.ed_last = usize::from(last == expected["editorial_last_line_no"].as_u64());
    let show = |v: Option<u64>| v.map_or("-".to_string(), |x| x.to_string());
    let ed_note = format!(
        "{}/{} {}/{}",
        show(first),
        show(expected["editorial_first_line_no"].as_u64()),
        show(last),
        show(expected["editorial_last_line_no"].as_u64())
    );
    (t, format!("{:<12} {ed_note}", page.layout))
}

fn row(name: &str, t: &Tally, extra: &str) {
    println!(
        "{:<12} {:>4} {:>4} {:>6} {:>6} {:>6} {:>6} {:>9} {:>5} {:>5}  {}",
        name,
        t.labeled,
        t.parsed,
        ratio(t.found, t.labeled),
        ratio(t.found, t.parsed),
        ratio(t.author, t.labeled),
        ratio(t.time, t.labeled),
        format!("{} ({})", ratio(t.reply, t.reply_n), t.reply_n),
        format!("{}/{}", t.ed_first, t.pages),
        format!("{}/{}", t.ed_last, t.pages),
        extra
    );
}

fn main() {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    if dirs.is_empty() {
        eprintln!("usage: parse_eval DIR [DIR...]  (folders of NNN.txt + NNN.expected.json)");
        std::process::exit(2);
    }
    println!(
        "{:<12} {:>4} {:>4} {:>6} {:>6} {:>6} {:>6} {:>9} {:>5} {:>5}  layout / editorial first got/want last got/want",
        "page", "lab", "got", "recall", "prec", "author", "time", "reply(n)", "edF", "edL"
    );
    let mut total = Tally::default();
    for dir in &dirs {
        let mut entries: Vec<_> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
            Err(e) => {
                eprintln!("parse_eval: {dir}: {e}");
                continue;
            }
        };
        entries.sort();
        for p in entries {
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else { continue };
            let Some(stem) = name.strip_suffix(".expected.json") else { continue };
            let txt = p.with_file_name(format!("{stem}.txt"));
            if !txt.exists() {
                continue;
            }
            let expected: Value = match std::fs::read_to_string(&p)
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
            {
                Some(v) => v,
                None => {
                    eprintln!("parse_eval: {}: not JSON", p.display());
                    continue;
                }
            };
            let (t, extra) = score(&txt, &expected);
            row(stem, &t, &extra);
            total.add(&t);
        }
    }
    row("ALL", &total, "");
}
