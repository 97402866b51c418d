//! `parse_eval --dragnet DIR --fit`: fits the comment-list judge (`parse::layout::judge`).
//!
//! Every candidate comment list of every page is labeled by its text against the page's gold
//! comments (a candidate is right when at least half of its tokens are comment tokens), then
//! an L2-regularised logistic regression over the judge's features is fitted by Newton's
//! method on the development sites only. It prints the weights to paste into `judge.rs`, and
//! for a range of acceptance thresholds the comment F1 and the share of no-comment pages given
//! comments, on the development sites and on the held-back ones.

// Matrix code reads best with indices.
#![allow(clippy::needless_range_loop)]

use crate::dragnet::DragnetPage;
use moderato::parse::eval::{records_text, token_prf, tokens};
use moderato::parse::features::classify;
use moderato::parse::layout::{candidates, judge, CommentParts};
use moderato::parse::split_lines;

struct Cand {
    x: Vec<f64>,
    y: f64,
    f1: f64,
    trimmed: bool,
}

struct PageCands {
    held: bool,
    has_comments: bool,
    no_comments: bool,
    cands: Vec<Cand>,
}

fn parts_text(parts: &[CommentParts]) -> String {
    records_text(
        parts.iter().map(|c| [c.author.as_deref(), c.posted_text.as_deref(), Some(&c.body)]),
    )
}

fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).unwrap_or(c);
        a.swap(c, p);
        b.swap(c, p);
        let d = a[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        for r in 0..n {
            if r != c {
                let m = a[r][c] / d;
                for k in c..n {
                    a[r][k] -= m * a[c][k];
                }
                b[r] -= m * b[c];
            }
        }
    }
    (0..n).map(|i| if a[i][i].abs() < 1e-12 { 0.0 } else { b[i] / a[i][i] }).collect()
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// L2-regularised logistic regression (the bias, first, is not penalised) by Newton's
/// method, with a weight per sample.
pub fn fit_logistic(xs: &[&[f64]], ys: &[f64], ws: &[f64], lambda: f64) -> Vec<f64> {
    let d = xs.first().map_or(0, |x| x.len());
    let mut w = vec![0.0; d];
    for _ in 0..50 {
        let mut g = vec![0.0; d];
        let mut h = vec![vec![0.0; d]; d];
        for ((x, &y), &sw) in xs.iter().zip(ys).zip(ws) {
            let p = sigmoid(x.iter().zip(&w).map(|(a, b)| a * b).sum());
            let r = sw * p * (1.0 - p);
            for i in 0..d {
                g[i] += sw * (p - y) * x[i];
                if x[i] != 0.0 {
                    for j in i..d {
                        h[i][j] += r * x[i] * x[j];
                    }
                }
            }
        }
        for i in 0..d {
            for j in 0..i {
                h[i][j] = h[j][i];
            }
        }
        for i in 1..d {
            g[i] += lambda * w[i];
            h[i][i] += lambda;
        }
        h[0][0] += 1e-6;
        let step = solve(h, g);
        let mut moved = 0.0f64;
        for i in 0..d {
            w[i] -= step[i];
            moved = moved.max(step[i].abs());
        }
        if moved < 1e-7 {
            break;
        }
    }
    w
}

fn report(pages: &[&PageCands], w: &[f64], t: f64) -> (f64, f64) {
    let (mut f1, mut nf, mut fal, mut ne) = (0.0, 0, 0, 0);
    for p in pages {
        let best = p
            .cands
            .iter()
            .map(|c| (sigmoid(c.x.iter().zip(w).map(|(a, b)| a * b).sum()), c))
            .filter(|(q, _)| *q >= t)
            .max_by(|a, b| {
                let rank =
                    |(q, c): &(f64, &Cand)| q - if c.trimmed { judge::TRIM_MARGIN } else { 0.0 };
                rank(a).total_cmp(&rank(b))
            });
        if p.has_comments {
            nf += 1;
            f1 += best.map_or(0.0, |(_, c)| c.f1);
        }
        if p.no_comments {
            ne += 1;
            fal += usize::from(best.is_some());
        }
    }
    (f1 / nf.max(1) as f64, fal as f64 / ne.max(1) as f64)
}

pub fn main(all: &[DragnetPage]) -> i32 {
    let mut pages = Vec::new();
    for pg in all {
        let lines = split_lines(&pg.text);
        let feats = classify(&lines);
        let gold = tokens(&pg.gold.comments);
        let cands = candidates(&lines, &feats)
            .into_iter()
            .map(|j| {
                let (p, _, f1) = token_prf(&gold, &tokens(&parts_text(&j.extraction.comments)));
                let y = f64::from(u8::from(!pg.gold.has_no_comments() && p >= 0.5));
                Cand { x: j.features, y, f1, trimmed: j.trimmed }
            })
            .collect();
        pages.push(PageCands {
            held: pg.held,
            has_comments: pg.gold.has_comments(),
            no_comments: pg.gold.has_no_comments(),
            cands,
        });
    }
    let dev: Vec<&PageCands> = pages.iter().filter(|p| !p.held).collect();
    let oracle = |ps: &[&PageCands]| {
        let v: Vec<f64> = ps
            .iter()
            .filter(|p| p.has_comments)
            .map(|p| p.cands.iter().map(|c| c.f1).fold(0.0, f64::max))
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let hold: Vec<&PageCands> = pages.iter().filter(|p| p.held).collect();
    let train: Vec<&Cand> = dev.iter().flat_map(|p| &p.cands).collect();
    let pos = train.iter().filter(|c| c.y > 0.5).count();
    println!("candidates: {} on development sites ({pos} right)", train.len());
    println!(
        "best candidate on every page: dev F1 {:.3}, hold F1 {:.3}",
        oracle(&dev),
        oracle(&hold)
    );
    let xs: Vec<&[f64]> = train.iter().map(|c| c.x.as_slice()).collect();
    let ys: Vec<f64> = train.iter().map(|c| c.y).collect();
    let ws = vec![1.0; xs.len()];
    for lambda in [0.3, 1.0, 3.0] {
        let w = fit_logistic(&xs, &ys, &ws, lambda);
        println!("\nlambda {lambda}:");
        for (name, x) in judge::FEATURES.iter().zip(&w) {
            println!("  {name:<18} {x:>8.3}");
        }
        println!("  threshold  dev F1  dev false  hold F1  hold false");
        for t in [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5] {
            let (a, b) = report(&dev, &w, t);
            let (c, d) = report(&hold, &w, t);
            println!("  {t:>9.1}  {a:>6.3}  {:>8.1}%  {c:>7.3}  {:>9.1}%", b * 100.0, d * 100.0);
        }
        let rounded: Vec<String> = w.iter().map(|x| format!("{x:.3}")).collect();
        println!("  pub const WEIGHTS: &[f64] = &[{}];", rounded.join(", "));
    }
    let (a, b) = report(&dev, judge::WEIGHTS, judge::ACCEPT);
    let (c, d) = report(&hold, judge::WEIGHTS, judge::ACCEPT);
    println!(
        "\nweights in judge.rs at {}: dev F1 {a:.3} false {:.1}%  hold F1 {c:.3} false {:.1}%",
        judge::ACCEPT,
        b * 100.0,
        d * 100.0
    );
    0
}

/// `parse_eval --candidates FILE...`: every candidate comment list of each page, with the
/// judge's probability and features (for looking at what the judge sees).
pub fn show_candidates(files: &[String]) -> i32 {
    for file in files {
        let Ok(text) = std::fs::read(file).map(|b| String::from_utf8_lossy(&b).into_owned()) else {
            eprintln!("parse_eval: {file}: unreadable");
            return 2;
        };
        let lines = split_lines(&text);
        let feats = classify(&lines);
        println!("{file}");
        for j in candidates(&lines, &feats) {
            let c = &j.extraction.comments;
            println!(
                "  p {:.3}{}  {} records from line {}  {}  first: {:?} / {:?}",
                j.probability,
                if j.trimmed { " (trimmed)" } else { "" },
                c.len(),
                c.first().map_or(0, |r| r.header_line),
                j.extraction.layout,
                c.first().and_then(|r| r.author.as_deref()),
                c.first().map(|r| r.body.chars().take(50).collect::<String>()),
            );
            let f: Vec<String> = judge::FEATURES
                .iter()
                .zip(&j.features)
                .filter(|(_, x)| **x != 0.0)
                .map(|(n, x)| format!("{n}={x:.2}"))
                .collect();
            println!("      {}", f.join(" "));
        }
    }
    0
}
