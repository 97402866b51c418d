//! Where the article is: its first and last lines.
//!
//! Copied pages put navigation above the article and bios, tag lists, share bars, related
//! links and the comment section below it. The article is found in three steps, all linear:
//!
//! 1. **Body**: the densest run of paragraph lines (long lines with sentences) before the
//!    comment area, by maximum-sum subarray over per-line weights (paragraphs count by their
//!    length, other non-blank lines count against).
//! 2. **Title**: walking up from the body's first paragraph over bylines, dates, captions and
//!    tag lines, the topmost headline-like line before navigation (a breadcrumb, or two short
//!    lines in a row) is the title.
//! 3. **End**: the first end marker (share bar, "Tags:", "Posted by", "About the author",
//!    "©", "Related", a comment-section phrase) after which little paragraph text is left
//!    before the comment area ends the article.

pub mod model;

use super::chrome;
use super::features::{word_count, Kind, Line};
use crate::parse::stamp;
use regex::Regex;
use std::sync::LazyLock;

static END_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?:tags?|labels?|schlagworte|schlagwörter|kategorien?|categories|filed\ under|posted\ in|themen)\s*:.*
          | (?:eingestellt\ von|posted\ by|written\ by|geschrieben\ von|veröffentlicht\ von)(?-u:\b).*
          | (?:über\ den\ autor|über\ die\ autorin|about\ the\ author|about\ me|über\ mich|über\ \S+)
          | (?:©|\(c\)\ |copyright(?-u:\b)).*
          | \d[\d,.]*\ (?:comments?|kommentare?)(?-u:\b).*
          | (?:explore\ more\ on\ these\ topics|more\ on\ this\ story|topics|themen)
          | (?:related|related\ (?:posts|articles|stories)|ähnliche\ (?:beiträge|artikel)|das\ könnte\ dich\ auch\ interessieren|you\ may\ also\ like|more\ from\ .+|mehr\ zum\ thema|weitere\ artikel|lesen\ sie\ auch|auch\ interessant|share\ this(?:\ story|\ article|:)?|like\ this:?|gefällt\ mir:?|teilen\ mit:?)
          | .*(?-u:\b)(?:folge|follow)(?-u:\b).*(?-u:\b)(?:instagram|twitter|facebook|pinterest|youtube|tiktok)(?-u:\b).*
          | .*(?:pinterest|facebook|whatsapp|twitter)\d.*
        )$",
    )
    .expect("valid")
});

const SHARE_WORDS: &[&str] = &[
    "tweet",
    "share",
    "teilen",
    "twitter",
    "facebook",
    "pinterest",
    "whatsapp",
    "email",
    "e-mail",
    "mail",
    "print",
    "drucken",
    "linkedin",
    "reddit",
    "tumblr",
    "xing",
    "pin",
    "pinnen",
    "telegram",
    "flipboard",
    "pocket",
    "save",
    "copy",
    "link",
    "kopieren",
    "x",
];

/// A line made only of share-button words ("Tweet", "Share Facebook Twitter Email").
fn share_bar(c: &str) -> bool {
    if c.len() > 120 {
        return false;
    }
    let mut words =
        c.split(|ch: char| ch.is_whitespace() || "|·•/,".contains(ch)).filter(|w| !w.is_empty());
    let mut n = 0;
    words.all(|w| {
        n += 1;
        n <= 10 && SHARE_WORDS.iter().any(|s| s.eq_ignore_ascii_case(w))
    }) && n > 0
}

/// True for lines that mark the end of an article.
pub fn end_marker(l: &Line) -> bool {
    l.end
}

/// [`end_marker`] from a line's clean text and kind (computed once per line, by
/// [`crate::parse::features::classify`], which also counts house-rules lines as markers).
pub fn end_marker_of(c: &str, kind: &Kind) -> bool {
    !c.is_empty()
        && c.chars().count() <= 200
        && (*kind == Kind::Chrome
            || (*kind != Kind::Text && chrome::is_section_chrome(c))
            || share_bar(c)
            || END_MARKER.is_match(c))
}

pub(crate) fn separators(c: &str) -> usize {
    c.matches(['»', '›', '|', '>']).count()
}

/// A paragraph of running text, given the line's word count.
pub(crate) fn paragraph_of(c: &str, words: usize) -> bool {
    let len = c.chars().count();
    len >= 60
        && separators(c) < 2
        && (c.contains(". ")
            || c.ends_with(['.', '!', '?', ':', '…', '"', '”', '“', ')'])
            || words >= 12)
}

fn sentence(c: &str) -> bool {
    c.ends_with(['.', '!', '?', '…']) && word_count(c) >= 3
}

fn weight(l: &Line) -> f64 {
    let c = &l.clean;
    if c.is_empty() {
        0.0
    } else if l.para {
        c.chars().count().min(500) as f64 / 100.0
    } else if sentence(c) {
        0.3
    } else {
        -0.5
    }
}

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:posted\s*by|submitted|by|von|written\s+by|geschrieben\s+von|eingestellt\s+von|autor(?:in)?|author|foto|photo|bild|image|credit|quelle|source|updated|aktualisiert|published|veröffentlicht)(?:(?-u:\b)|\d)")
        .expect("valid")
});

/// True for bylines and datelines ("By Jane Doe", "Von:", "Posted by", "Updated:").
pub fn is_byline(clean: &str) -> bool {
    BYLINE.is_match(clean)
}

fn short(l: &Line) -> bool {
    !l.is_blank() && l.words <= 4 && !l.clean.ends_with(['.', '!', '?'])
}

fn headline_like(raw: &str, l: &Line) -> bool {
    let c = &l.clean;
    // Headlines start with a capital, a digit or an opening quote or bracket.
    if l.kind != Kind::Text || l.para && c.len() > 300 || c.ends_with(':') {
        return false;
    }
    if c.chars().next().is_none_or(char::is_lowercase) {
        return false;
    }
    let words: Vec<&str> = c.split_whitespace().collect();
    if words.len() < 3 || words.len() > 30 || c.chars().count() < 15 {
        return false;
    }
    let lower_word = words.iter().any(|w| w.chars().next().is_some_and(char::is_lowercase));
    if !(lower_word || words.len() >= 6) {
        return false;
    }
    if raw.trim().matches("  ").count() >= 2 || separators(c) >= 2 || BYLINE.is_match(c) {
        return false;
    }
    if chrome::is_section_chrome(c) {
        return false;
    }
    stamp::find(c).is_none_or(|s| (s.end - s.start) * 2 <= c.len())
}

/// Walks up from the first paragraph to the title; returns the first editorial line.
fn title_above(lines: &[&str], f: &[Line], s: usize) -> usize {
    let mut cand = s;
    let mut j = s;
    let mut steps = 0;
    while j > 0 && steps < 30 {
        j -= 1;
        let l = &f[j];
        if l.is_blank() {
            continue;
        }
        steps += 1;
        if l.clean.matches(['»', '›', '>']).count() >= 2 {
            break;
        }
        if headline_like(lines[j], l) {
            cand = j;
            continue;
        }
        let byline = |k: usize| BYLINE.is_match(&f[k].clean);
        if short(l) && j > 0 && short(&f[j - 1]) && !byline(j) && !byline(j - 1) {
            break;
        }
    }
    cand
}

/// First and last editorial line (0-based, inclusive) among `lines[..limit]`, or `None` when
/// there is no text there. `bounded` says the limit is a real boundary (comment area or
/// rules block) rather than the end of the page.
///
/// The [`prior`] estimate anchors the line model ([`model`]); the article is the run of lines
/// whose probabilities, weighted by their words, add up to the most above [`THRESHOLD`].
pub fn bounds(lines: &[&str], f: &[Line], limit: usize, bounded: bool) -> Option<(usize, usize)> {
    let limit = limit.min(f.len());
    let core = prior(lines, f, limit, bounded)?;
    let probs = model::probabilities(lines, f, limit, Some(core));
    let mut best: Option<(f64, usize, usize)> = None;
    let (mut cur, mut cur_start) = (0.0, 0);
    for (i, p) in probs.iter().enumerate() {
        let Some(p) = p else { continue };
        let words = f[i].words.max(1) as f64;
        let w = (p - THRESHOLD) * words;
        if cur <= 0.0 {
            if w <= 0.0 {
                continue;
            }
            cur = 0.0;
            cur_start = i;
        }
        cur += w;
        if w > 0.0 && best.is_none_or(|(b, _, _)| cur > b) {
            best = Some((cur, cur_start, i));
        }
    }
    let Some((_, s, e)) = best else { return Some(core) };
    // The title and byline above the body, and a short closing sentence after it, are the
    // article's too, though they weigh little by their words.
    // Where the first estimate starts inside the model's run, its walk up to the title has
    // already passed over the lines above (navigation, a lower-case menu).
    let s = if core.0 > s && core.0 <= e { core.0 } else { s };
    let first = title_above(lines, f, s).min(s);
    let mut last = e;
    let mut k = e + 1;
    while k < limit && k <= last + 3 {
        let l = &f[k];
        if !l.is_blank() {
            if end_marker(l) || !sentence(&l.clean) && !l.clean.ends_with(['.', '!', '?', '…']) {
                break;
            }
            last = k;
        }
        k += 1;
    }
    // Where the first estimate ends at a boundary it recognised, with no end marker between,
    // the lines up to it are the article's (dialogue labels, lists, footnotes).
    if core.1 > last && !(last + 1..=core.1).any(|i| end_marker(&f[i])) {
        last = core.1;
    }
    Some((first, last))
}

/// The line model's cut: a line adds its words times (probability − this) to the run.
pub const THRESHOLD: f64 = 0.6;

/// The first estimate of the article, from the text's shape alone: the densest run of
/// paragraphs, extended up to its title and cut at the first end marker after which little
/// paragraph text is left.
pub fn prior(lines: &[&str], f: &[Line], limit: usize, bounded: bool) -> Option<(usize, usize)> {
    let limit = limit.min(f.len());
    // 1. Body: maximum-sum run.
    let mut best: Option<(f64, usize, usize)> = None;
    let mut cur = 0.0;
    let mut cur_start = 0;
    for (i, line) in f.iter().enumerate().take(limit) {
        let w = weight(line);
        if cur <= 0.0 {
            if w <= 0.0 {
                continue;
            }
            cur = 0.0;
            cur_start = i;
        }
        cur += w;
        if w > 0.0 && best.is_none_or(|(b, _, _)| cur > b) {
            best = Some((cur, cur_start, i));
        }
    }
    let usable = |i: usize| !f[i].is_blank() && !end_marker(&f[i]);
    let (s, e) = match best {
        Some((_, s, e)) => (s, e),
        None => {
            let s = (0..limit).find(|&i| usable(i))?;
            let e = (s..limit).rev().find(|&i| usable(i))?;
            (s, e)
        }
    };
    // 2. Title.
    let first = title_above(lines, f, s);
    // 3. End.
    let upper = if bounded { limit } else { e + 1 };
    let mut para = vec![0usize; upper + 1];
    for i in 0..upper {
        let c = &f[i].clean;
        para[i + 1] = para[i] + if f[i].para { c.chars().count() } else { 0 };
    }
    let mut end = upper;
    for m in s + 1..upper {
        if end_marker(&f[m]) {
            let before = para[m] - para[s];
            let after = para[upper] - para[m + 1];
            if after * 4 <= before {
                end = m;
                break;
            }
        }
    }
    let last = (first..end).rev().find(|&i| usable(i)).unwrap_or(first);
    Some((first, last.max(first)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::features::classify;

    fn run(lines: &[&str], limit: usize, bounded: bool) -> Option<(usize, usize)> {
        bounds(lines, &classify(lines), limit, bounded)
    }

    const PARA: &str =
        "This is a long paragraph of running text that goes on for a while. It has sentences.";

    #[test]
    fn title_above_byline_and_nav_below_it() {
        let lines = [
            "HOME",
            "NEWS",
            "SPORT",
            "A headline about the things that happened",
            "By Jane Doe",
            "",
            "July 11, 2011",
            "",
            PARA,
            "",
            PARA,
            PARA,
            PARA,
            "Short end.",
            "Tweet",
            "TAGS: one, two",
            PARA,
        ];
        assert_eq!(run(&lines, lines.len(), true), Some((3, 13)));
    }

    #[test]
    fn short_pages_without_paragraphs() {
        let lines = ["Para one.", "", "Para two.", "Comments: Our rules", "Be nice."];
        assert_eq!(run(&lines, 3, true), Some((0, 2)));
        assert_eq!(run(&[], 0, false), None);
    }

    #[test]
    fn markers() {
        for s in [
            "Tweet",
            "TAGS: a, b",
            "Labels: x",
            "Eingestellt von Unknown",
            "© Thomson Reuters 2020",
            "Über Kathrin",
            "Share Facebook Twitter",
            " Folge mir auf Instagram! Alle Rezepte",
            "Avatar photo",
        ] {
            let l = &classify(&[s])[0];
            assert!(end_marker(l), "{s:?}");
        }
    }
}
