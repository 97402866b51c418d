//! `parse_eval --dragnet DIR --fit-editorial`: fits the editorial line model
//! (`parse::editorial::model`).
//!
//! Each line before the comment area is labeled from the page's gold main text: a line of
//! three or more tokens is main when at least half of its token trigrams occur in the gold
//! main text, a shorter line when its tokens occur there in a row. An L2-regularised logistic
//! regression over the line features is fitted (Newton's method) on the development sites;
//! for a range of cuts it prints the mean editorial token F1 the model's run gives, on the
//! development sites and on the held-back ones, and the weights to paste into `model.rs`.

// Matrix code reads best with indices.
#![allow(clippy::needless_range_loop)]

use crate::dragnet::DragnetPage;
use crate::fit::{fit_logistic, sigmoid};
use moderato::parse::editorial::{self, model};
use moderato::parse::eval::{token_prf, tokens};
use moderato::parse::features::classify;
use moderato::parse::layout::{article_limit, find_comments};
use moderato::parse::{split_lines, LineClass};
use std::collections::HashSet;

fn seq(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

struct PageLines {
    held: bool,
    gold: std::collections::HashMap<String, u32>,
    /// Per line: features (empty for lines the model does not see), label, words, text, class.
    x: Vec<Vec<f64>>,
    y: Vec<f64>,
    words: Vec<usize>,
    text: Vec<String>,
    editorial: Vec<bool>,
    core: Option<(usize, usize)>,
}

fn label(line: &[String], tri: &HashSet<[&str; 3]>, joined: &str) -> bool {
    if line.len() >= 3 {
        let n = line.len() - 2;
        let hit = (0..n)
            .filter(|&i| {
                tri.contains(&[line[i].as_str(), line[i + 1].as_str(), line[i + 2].as_str()])
            })
            .count();
        hit * 2 >= n
    } else {
        let s = format!(" {} ", line.join(" "));
        joined.contains(&s)
    }
}

fn prepare(pg: &DragnetPage) -> PageLines {
    let lines = split_lines(&pg.text);
    let feats = classify(&lines);
    let ex = find_comments(&lines, &feats);
    let limit = article_limit(&lines, &feats, &ex.classes);
    let bounded = limit < lines.len();
    let core = editorial::prior(&lines, &feats, limit, bounded);
    let x = model::features(&lines, &feats, limit, core);
    let gold = seq(&pg.gold.main);
    let tri: HashSet<[&str; 3]> =
        gold.windows(3).map(|w| [w[0].as_str(), w[1].as_str(), w[2].as_str()]).collect();
    let joined = format!(" {} ", gold.join(" "));
    let mut y = Vec::with_capacity(x.len());
    let mut words = Vec::with_capacity(x.len());
    for l in lines.iter().take(x.len()) {
        let t = seq(l);
        words.push(t.len());
        y.push(f64::from(u8::from(!t.is_empty() && label(&t, &tri, &joined))));
    }
    PageLines {
        held: pg.held,
        gold: tokens(&pg.gold.main),
        x,
        y,
        words,
        text: lines.iter().take(limit).map(|s| s.to_string()).collect(),
        editorial: ex.classes.iter().take(limit).map(|c| *c == LineClass::Editorial).collect(),
        core,
    }
}

/// The article the model picks with weights `w` and cut `t`: the best run of
/// (p − t) × words, as `editorial::bounds` does.
fn pick(p: &PageLines, w: &[f64], t: f64) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    let (mut cur, mut start) = (0.0, 0);
    for (i, xi) in p.x.iter().enumerate() {
        if xi.is_empty() {
            continue;
        }
        let q = sigmoid(xi.iter().zip(w).map(|(a, b)| a * b).sum());
        let v = (q - t) * p.words[i].max(1) as f64;
        if cur <= 0.0 {
            if v <= 0.0 {
                continue;
            }
            cur = 0.0;
            start = i;
        }
        cur += v;
        if v > 0.0 && best.is_none_or(|(b, _, _)| cur > b) {
            best = Some((cur, start, i));
        }
    }
    best.map(|(_, s, e)| (s, e)).or(p.core)
}

fn f1(p: &PageLines, range: Option<(usize, usize)>) -> f64 {
    let text: String = match range {
        Some((s, e)) => (s..=e.min(p.text.len().saturating_sub(1)))
            .filter(|&i| p.editorial.get(i).copied().unwrap_or(false))
            .map(|i| p.text[i].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        None => String::new(),
    };
    token_prf(&p.gold, &tokens(&text)).2
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

pub fn main(all: &[DragnetPage]) -> i32 {
    let pages: Vec<PageLines> = all.iter().map(prepare).collect();
    let dev: Vec<&PageLines> = pages.iter().filter(|p| !p.held).collect();
    let hold: Vec<&PageLines> = pages.iter().filter(|p| p.held).collect();
    println!(
        "prior alone: dev {:.3}  hold {:.3}",
        mean(dev.iter().map(|p| f1(p, p.core))),
        mean(hold.iter().map(|p| f1(p, p.core)))
    );
    let mut xs: Vec<&[f64]> = Vec::new();
    let mut ys = Vec::new();
    let mut ws = Vec::new();
    for p in &dev {
        for (i, x) in p.x.iter().enumerate() {
            if !x.is_empty() && p.words[i] > 0 {
                xs.push(x);
                ys.push(p.y[i]);
                ws.push((p.words[i] as f64).sqrt());
            }
        }
    }
    println!("lines: {} ({} main)", xs.len(), ys.iter().filter(|&&y| y > 0.5).count());
    for lambda in [1.0, 10.0] {
        let w = fit_logistic(&xs, &ys, &ws, lambda);
        println!("\nlambda {lambda}:");
        for (name, x) in model::FEATURES.iter().zip(&w) {
            println!("  {name:<16} {x:>8.3}");
        }
        for t in [0.3, 0.4, 0.5, 0.6, 0.7] {
            println!(
                "  cut {t:.1}: dev {:.3}  hold {:.3}",
                mean(dev.iter().map(|p| f1(p, pick(p, &w, t)))),
                mean(hold.iter().map(|p| f1(p, pick(p, &w, t))))
            );
        }
        let rounded: Vec<String> = w.iter().map(|x| format!("{x:.3}")).collect();
        println!("  pub const WEIGHTS: &[f64] = &[{}];", rounded.join(", "));
    }
    0
}
