//! How likely each line is to be part of the article.
//!
//! A boilerplate remover decides from the shape of text, not from where a site puts things:
//! article lines are long, made of sentences and full of function words ("the", "und");
//! navigation, teasers, tag lists and sidebars are short, capitalised like titles, link-like,
//! or come as headline / one-line teaser pairs. Context matters as much as the line itself: a
//! short line among paragraphs is a subheading, the same line among links is a link. The
//! densest run of paragraphs on the page (the old max-sum estimate) anchors position.
//!
//! [`features`] measures each line; [`probability`] weighs the measures with a logistic model
//! fitted on the development half of the Dragnet pages by `cargo run --release --example
//! parse_eval -- --dragnet DIR --fit-editorial`, which also reports how it holds on sites it
//! did not see.

use super::{headline_like, is_byline, sentence, separators};
use crate::parse::features::{Kind, Line};
use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

/// Names of the line features, in the order [`features`] gives them.
pub const FEATURES: &[&str] = &[
    "bias",
    "ln_words",
    "paragraph",
    "sentence",
    "ends_punct",
    "stop_ratio",
    "cap_ratio",
    "link_like",
    "end_marker",
    "chrome_like",
    "stamp",
    "byline",
    "headline",
    "teaser_end",
    "separators",
    "position",
    "para_window",
    "link_window",
    "prev_para",
    "next_para",
    "text_before",
    "in_core",
    "before_core",
    "after_core",
    "teaser_pair",
    "rel_length",
    "markers_before",
];

/// Weights of [`FEATURES`], fitted by `parse_eval --dragnet DIR --fit-editorial`.
pub const WEIGHTS: &[f64] = &[
    -1.428, 0.242, 0.088, 0.423, 0.807, 0.891, -0.972, 0.634, -0.841, 0.688, 0.912, -0.275, -0.513,
    -0.933, -1.431, -1.049, 2.505, 0.224, 0.115, 0.253, -0.800, 0.648, -1.514, -1.194, -0.631,
    0.017, -0.552,
];

const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "for", "with", "at", "by",
    "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these",
    "those", "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "not", "no",
    "have", "has", "had", "will", "would", "can", "could", "there", "which", "who", "what", "when",
    "if", "so", "than", "then", "also", "about", "into", "more", "one", "all", "do", "der", "die",
    "das", "und", "ist", "nicht", "ein", "eine", "zu", "den", "mit", "von", "sich", "des", "auf",
    "für", "im", "dem", "es", "auch", "als", "an", "wie", "er", "sie", "wir", "ich", "aber",
    "noch", "nach", "bei", "aus", "wenn", "nur", "oder", "so", "hat", "wird",
];

/// What one line is, measured once.
struct Shape {
    blank: bool,
    words: usize,
    caps: usize,
    para: bool,
    link: bool,
    marker: bool,
    chars: usize,
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn shape(l: &Line) -> Shape {
    let c = &l.clean;
    let words = l.words;
    let caps = if words > 60 {
        // Long paragraphs: capitals are counted on the first 60 words.
        c.split_whitespace().take(60).filter(|w| capitalised(w)).count() * words / 60
    } else {
        c.split_whitespace().filter(|w| capitalised(w)).count()
    };
    let link = words > 0
        && words <= 10
        && !c.ends_with(['.', '!', '?', ':', '"', '”'])
        && caps * 2 >= words;
    Shape {
        blank: l.is_blank(),
        words,
        caps,
        para: l.para,
        link,
        marker: l.end,
        chars: c.chars().count(),
    }
}

static STOP_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

fn stop_ratio(c: &str) -> f64 {
    let mut n = 0;
    let mut stop = 0;
    for w in c.split(|ch: char| !ch.is_alphanumeric()).filter(|w| !w.is_empty()) {
        n += 1;
        // Stop words are short: longer words, and capitalised ones outside ASCII, need no
        // lower-casing to be told apart.
        let hit = if w.len() > 8 {
            false
        } else if w.bytes().all(|b| b.is_ascii_lowercase()) {
            STOP_SET.contains(w)
        } else {
            STOP_SET.contains(w.to_lowercase().as_str())
        };
        stop += usize::from(hit);
    }
    if n == 0 {
        0.0
    } else {
        stop as f64 / n as f64
    }
}

fn teaser_end(c: &str) -> bool {
    let l = c.trim_end().to_lowercase();
    l.ends_with("...")
        || l.ends_with('…')
        || l.ends_with('»')
        || l.ends_with('→')
        || l.ends_with("read more")
        || l.ends_with("more »")
        || l.ends_with("weiterlesen")
}

/// How many features a line has.
pub const N: usize = 27;

/// The features of every line among the first `limit` (blank lines and lines at or after
/// `limit` get an empty vector). `core` is the densest paragraph run, 0-based inclusive.
pub fn features(
    lines: &[&str],
    f: &[Line],
    limit: usize,
    core: Option<(usize, usize)>,
) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(); limit.min(f.len())];
    each_line(lines, f, limit, core, |i, x| out[i] = x.to_vec());
    out
}

/// The probability of every line among the first `limit` (`None` for blank lines).
pub fn probabilities(
    lines: &[&str],
    f: &[Line],
    limit: usize,
    core: Option<(usize, usize)>,
) -> Vec<Option<f64>> {
    let mut out = vec![None; limit.min(f.len())];
    each_line(lines, f, limit, core, |i, x| out[i] = Some(probability(x)));
    out
}

/// Calls `visit` with each non-blank line's index and features.
fn each_line(
    lines: &[&str],
    f: &[Line],
    limit: usize,
    core: Option<(usize, usize)>,
    mut visit: impl FnMut(usize, &[f64; N]),
) {
    let limit = limit.min(f.len());
    let shapes: Vec<Shape> = f[..limit].iter().map(shape).collect();
    let text: Vec<usize> = (0..limit).filter(|&i| !shapes[i].blank).collect();
    let max_len = shapes.iter().filter(|s| s.para).map(|s| s.chars).max().unwrap_or(1).max(1);
    let para_total: usize = shapes.iter().filter(|s| s.para).map(|s| s.chars).sum();
    let mut para_before = 0usize;
    let mut markers = 0usize;
    let (cs, ce) = core.unwrap_or((limit, limit));
    for (k, &i) in text.iter().enumerate() {
        let s = &shapes[i];
        let l = &f[i];
        let c = &l.clean;
        let window = |p: &dyn Fn(&Shape) -> bool| {
            let lo = k.saturating_sub(3);
            let hi = (k + 4).min(text.len());
            let n = (lo..hi).filter(|&j| j != k).count().max(1);
            (lo..hi).filter(|&j| j != k && p(&shapes[text[j]])).count() as f64 / n as f64
        };
        let prev = k.checked_sub(1).map(|j| &shapes[text[j]]);
        let next = text.get(k + 1).map(|&j| &shapes[j]);
        let teaser_pair = s.para
            && prev.is_some_and(|p| p.link && !p.para)
            && next.is_some_and(|n| n.link && !n.para);
        let dist = |d: usize| (d as f64 / 20.0).min(1.0);
        let b = |x: bool| f64::from(u8::from(x));
        let x: [f64; N] = [
            1.0,
            (s.words as f64).ln_1p(),
            b(s.para),
            b(sentence(c)),
            b(c.ends_with(['.', '!', '?', '"', '”', '…', ')'])),
            stop_ratio(c),
            s.caps as f64 / s.words.max(1) as f64,
            b(s.link),
            b(s.marker),
            b(matches!(l.kind, Kind::Chrome | Kind::Action | Kind::Vote | Kind::Sep | Kind::Role)),
            b(matches!(l.kind, Kind::Stamp(_) | Kind::Edited)),
            b(is_byline(c)),
            b(headline_like(lines[i], l)),
            b(teaser_end(c)),
            b(separators(c) >= 2),
            i as f64 / limit.max(1) as f64,
            window(&|x| x.para),
            window(&|x| x.link),
            b(prev.is_some_and(|p| p.para)),
            b(next.is_some_and(|n| n.para)),
            para_before as f64 / para_total.max(1) as f64,
            b(i >= cs && i <= ce),
            if i < cs { dist(cs - i) } else { 0.0 },
            if i > ce && ce < limit { dist(i - ce) } else { 0.0 },
            b(teaser_pair),
            s.chars as f64 / max_len as f64,
            (markers as f64).min(3.0) / 3.0,
        ];
        visit(i, &x);
        if s.para {
            para_before += s.chars;
        }
        if s.marker && i > ce.min(limit) {
            markers += 1;
        }
    }
}

/// The model's probability that a line with these features belongs to the article.
pub fn probability(x: &[f64]) -> f64 {
    let z: f64 = x.iter().zip(WEIGHTS).map(|(a, w)| a * w).sum();
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_match_features() {
        assert_eq!(WEIGHTS.len(), FEATURES.len());
        assert_eq!(N, FEATURES.len());
    }
}
