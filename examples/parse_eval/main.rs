//! Scores `parse` against hand-labeled pages and prints a table.
//!
//! ```sh
//! cargo run --example parse_eval -- ../shared/data/pages samples/layouts
//! cargo run --example parse_eval -- --html ../shared/data/pages
//! ```
//!
//! With `--html` it reads each page's `NNN.html` instead: replies visible only in the
//! nesting (`reply_evidence: structure`) count, and the editorial is judged by its text's
//! first and last lines.
//!
//! Every `NNN.txt` with a `NNN.expected.json` beside it (format in `shared/data/README.md`)
//! is parsed and compared with its labels; see `moderato::parse::eval` for the rules. Columns:
//! labeled and parsed comments, comment recall and precision, author, time-as-written and
//! reply-to accuracy (reply only where the text shows it; n in brackets), and whether the
//! editorial's first and last lines are right.
//!
//! With `--dragnet DIR` it scores the Dragnet pages instead (`NNN.txt` against `NNN.gold.txt`,
//! as `shared/data/dragnet/README.md` defines it): per-page editorial and comment token F1,
//! their means, the share of no-comment pages where comments were reported, and pages per
//! CPU-second of parsing.
//!
//! ```sh
//! cargo run --release --example parse_eval -- --dragnet ../shared/data/dragnet [--split dev|hold] [-v]
//! ```
//!
//! `--split` divides the pages by site (the host the page names most often, or its canonical
//! URL), about a third of the sites held back, so that a change can be checked on sites it
//! was not tuned on. `-v` prints one row per page.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod dragnet;
mod fit;
mod fit_editorial;

use moderato::parse::eval::{score_html, score_page, Score};
use serde_json::Value;

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "-".to_string()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

fn row(name: &str, t: &Score, ed_first: usize, ed_last: usize, pages: usize, extra: &str) {
    println!(
        "{:<18} {:>4} {:>4} {:>6} {:>6} {:>6} {:>6} {:>10} {:>5} {:>5}  {}",
        name,
        t.labeled,
        t.parsed,
        ratio(t.found, t.labeled),
        ratio(t.found, t.parsed),
        ratio(t.author, t.labeled),
        ratio(t.time, t.labeled),
        format!("{} ({})", ratio(t.reply, t.reply_n), t.reply_n),
        format!("{ed_first}/{pages}"),
        format!("{ed_last}/{pages}"),
        extra
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--dragnet") {
        std::process::exit(dragnet::main(&args[1..]));
    }
    if args.first().is_some_and(|a| a == "--candidates") {
        std::process::exit(fit::show_candidates(&args[1..]));
    }
    let html = args.first().is_some_and(|a| a == "--html");
    let dirs: Vec<String> = args.into_iter().filter(|a| a != "--html").collect();
    if dirs.is_empty() {
        eprintln!("usage: parse_eval DIR [DIR...]  (folders of NNN.txt + NNN.expected.json)");
        std::process::exit(2);
    }
    println!(
        "{:<18} {:>4} {:>4} {:>6} {:>6} {:>6} {:>6} {:>10} {:>5} {:>5}  layout; editorial first got/want, last got/want",
        "page", "lab", "got", "recall", "prec", "author", "time", "reply (n)", "edF", "edL"
    );
    let mut total = Score::default();
    let (mut ef, mut el, mut pages) = (0, 0, 0);
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
            let txt = p.with_file_name(format!("{stem}.{}", if html { "html" } else { "txt" }));
            let read = |p: &std::path::Path| -> std::io::Result<String> {
                let bytes = std::fs::read(p)?;
                Ok(if html {
                    moderato::input::decode_html(&bytes, None).0
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                })
            };
            if html && !txt.exists() {
                continue;
            }
            let (Ok(text), Some(expected)) = (
                read(&txt),
                std::fs::read_to_string(&p)
                    .ok()
                    .and_then(|s| serde_json::from_str::<Value>(&s).ok()),
            ) else {
                eprintln!("parse_eval: {}: unreadable page or labels", p.display());
                continue;
            };
            let t = if html { score_html(&text, &expected) } else { score_page(&text, &expected) };
            let (f, l) = (usize::from(t.ed_first), usize::from(t.ed_last));
            row(stem, &t, f, l, 1, &format!("{}; {}", t.layout, t.ed_note));
            total.add(&t);
            ef += f;
            el += l;
            pages += 1;
        }
    }
    row("ALL", &total, ef, el, pages, "");
}
