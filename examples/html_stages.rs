//! Times the HTML front's stages over a folder of pages (`NNN.html`), in CPU time per page:
//! tree building, rendering, the comment finder, the article finder, and the whole parse.
//!
//! ```sh
//! cargo run --release --example html_stages -- ../shared/data/dragnet [STAGE]
//! ```
//!
//! With STAGE (a prefix of a stage's label), only the stages it names run, e.g. under perf.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use moderato::parse::html::{article, comments, dom, embeds, parse_html, render};
use moderato::parse::ParseOptions;
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: html_stages DIR");
        std::process::exit(2);
    };
    let mut pages = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    for p in names {
        if p.extension().is_some_and(|e| e == "html") {
            if let Ok(b) = std::fs::read(&p) {
                pages.push(moderato::input::decode_html(&b, None).0);
            }
        }
    }
    let only = std::env::args().nth(2);
    let n = pages.len() as f64;
    let time = |label: &str, f: &dyn Fn(&str)| {
        if only.as_deref().is_some_and(|o| !label.starts_with(o)) {
            return;
        }
        let t = Instant::now();
        for p in &pages {
            f(p);
        }
        let s = t.elapsed().as_secs_f64();
        println!("{label:<28} {:>8.3} ms/page {:>8.0} pages/s", s * 1000.0 / n, n / s);
    };
    time("scraper alone (reference)", &|p| {
        let _ = scraper::Html::parse_document(p);
    });
    time("tree (html5ever)", &|p| {
        let _ = dom::build(p);
    });
    time("tree + render", &|p| {
        if let dom::Built::Tree(d) = dom::build(p) {
            let _ = render::render(&d, None);
        }
    });
    time("tree + render + comments", &|p| {
        if let dom::Built::Tree(d) = dom::build(p) {
            let r = render::render(&d, None);
            let _ = comments::find(&d, &r);
        }
    });
    time("tree + render + embeds", &|p| {
        if let dom::Built::Tree(d) = dom::build(p) {
            let _ = render::render(&d, None);
            let _ = embeds::script_comments(&d);
        }
    });
    time("tree + render + article", &|p| {
        if let dom::Built::Tree(d) = dom::build(p) {
            let r = render::render(&d, None);
            let _ = article::find(&d, &r, &[], &[]);
        }
    });
    time("parse_html (all of it)", &|p| {
        let _ = parse_html("x", p, &ParseOptions::default());
    });
}
