//! Is a candidate comment list really one?
//!
//! The record finders find repeated records anywhere: reader comments, but also the dated
//! lists pages are full of (related articles, headlines with video lengths, event listings,
//! tweets from the newsroom) and the article's own byline ("by NAME on DATE") heading the
//! article. What tells them apart is not one rule but many weak signs, read from the
//! candidate as a whole: do its authors look like people or like headlines, do its bodies
//! read like conversation (sentences, "I" and "you") or like titles and teasers, does a
//! comment heading ("12 Comments", "Leave a Reply") stand above or below it, does it come
//! after the article's text, do names repeat as people answer each other.
//!
//! [`features`] measures those signs; [`probability`] weighs them with a logistic model. The
//! weights were fitted on the development half of the Dragnet pages (690 real pages, 2012;
//! the data stays outside the repository) by `cargo run --release --example parse_eval --
//! --dragnet DIR --fit`, which also prints how the fit holds on sites it did not see.

use super::Extraction;
use crate::parse::chrome;
use crate::parse::features::{name_like, Kind, Line};
use crate::parse::LineClass;
use std::collections::HashSet;

/// The names of the features, in the order [`features`] returns them.
pub const FEATURES: &[&str] = &[
    "bias",
    "ln_records",
    "single",
    "person_authors",
    "headline_authors",
    "no_author",
    "sentence_bodies",
    "empty_bodies",
    "ln_body_words",
    "pronoun_bodies",
    "teaser_bodies",
    "title_bodies",
    "heading_above",
    "related_above",
    "form_below",
    "precise_times",
    "repeat_authors",
    "reply_markers",
    "max_body_share",
    "text_before",
    "footer",
    "says",
    "single_at_top",
    "owns_text",
    "untimed",
];

/// Weights of [`FEATURES`], fitted by `parse_eval --dragnet DIR --fit`.
pub const WEIGHTS: &[f64] = &[
    -2.005, 0.584, 0.143, 0.490, -0.670, 0.426, -0.025, -0.931, -0.393, 2.040, -1.117, -0.891,
    1.067, -0.571, 1.048, 2.012, -0.441, -0.074, -1.056, -1.140, -1.621, 1.116, -2.107, -0.045,
    0.275,
];

/// A candidate is taken for the page's comments at this probability or above.
pub const ACCEPT: f64 = 0.3;

/// How much more probable a list offered without its first record must be than the whole.
pub const TRIM_MARGIN: f64 = 0.1;

const PRONOUNS: &[&str] = &[
    "i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll", "me", "my", "you", "your",
    "you're", "you’re", "we", "our", "us", "ich", "mir", "mich", "mein", "meine", "du", "dir",
    "dich", "dein", "deine", "wir", "uns", "euch", "thanks", "thank", "danke", "lol", "agree",
];

const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "of", "in", "on", "for", "to", "and", "with", "from", "about", "by", "at",
    "is", "are", "der", "die", "das", "und", "im", "zum", "zur", "mit", "von", "für", "auf",
];

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// An author that reads like a person's name (or a blog's), not a headline or a label.
fn person(author: &str) -> bool {
    let w = words(author);
    if w.is_empty() || w.len() > 6 || !name_like(author.split(" @ ").next().unwrap_or(author)) {
        return false;
    }
    let decorated = author.contains(" @ ") || author.contains('(');
    decorated
        || (w.len() <= 4
            && !w.iter().any(|x| FUNCTION_WORDS.contains(&x.to_lowercase().as_str()))
            && !chrome::is_section_chrome(author))
}

/// An author that reads like a headline: four or more words, capitalised, or with the
/// function words headlines have.
fn headline(author: &str) -> bool {
    let w = words(author);
    if author.contains(" @ ") || author.contains('(') {
        return false;
    }
    (w.len() >= 4 && w.iter().filter(|x| capitalised(x)).count() * 4 >= w.len() * 3)
        || (w.len() >= 3 && w.iter().any(|x| FUNCTION_WORDS.contains(&x.to_lowercase().as_str())))
}

pub(super) fn sentence_body(body: &str) -> bool {
    body.lines().any(|l| {
        let l = l.trim();
        let n = l.split_whitespace().count();
        n >= 8 || (n >= 3 && l.ends_with(['.', '!', '?', ')', '…']) && !teaser(l))
    })
}

fn teaser(body: &str) -> bool {
    let t = body.trim_end();
    let tail = &t[t.char_indices().rev().nth(11).map_or(0, |(i, _)| i)..];
    let b = tail.to_lowercase();
    b.ends_with("...")
        || b.ends_with('…')
        || b.ends_with('→')
        || b.ends_with('»')
        || b.ends_with("read more")
        || b.ends_with("more")
        || b.ends_with("weiterlesen")
}

pub(super) fn title_body(body: &str) -> bool {
    let first = body.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let w = words(first);
    !w.is_empty()
        && w.len() <= 14
        && !first.ends_with(['.', '!', '?'])
        && w.iter().filter(|x| capitalised(x)).count() * 2 >= w.len()
}

fn pronoun_body(body: &str) -> bool {
    body.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .any(|w| PRONOUNS.contains(&w.to_lowercase().as_str()))
}

fn frac(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// The nearest non-blank lines above `start` (at most `reach` of them).
fn above(f: &[Line], start: usize, reach: usize) -> impl Iterator<Item = &Line> {
    f[..start].iter().rev().filter(|l| !l.is_blank()).take(reach)
}

/// Measures the signs of one candidate, in the order of [`FEATURES`].
pub fn features(f: &[Line], ex: &Extraction) -> Vec<f64> {
    let recs = &ex.comments;
    let n = recs.len();
    let first = ex.classes.iter().position(|c| matches!(c, LineClass::Comment(_))).unwrap_or(0);
    let last = ex.classes.iter().rposition(|c| matches!(c, LineClass::Comment(_))).unwrap_or(0);
    let count = |p: &dyn Fn(&super::CommentParts) -> bool| recs.iter().filter(|r| p(r)).count();
    let person_n = count(&|r| r.author.as_deref().is_some_and(person));
    let headline_n = count(&|r| r.author.as_deref().is_some_and(headline));
    let no_author = count(&|r| r.author.is_none());
    let sentence_n = count(&|r| sentence_body(&r.body));
    let empty_n = count(&|r| r.body.trim().is_empty());
    let pronoun_n = count(&|r| pronoun_body(&r.body));
    let teaser_n = count(&|r| !r.body.trim().is_empty() && teaser(&r.body));
    let title_n = count(&|r| title_body(&r.body));
    let body_words: Vec<usize> = recs.iter().map(|r| r.body.split_whitespace().count()).collect();
    let total_words: usize = body_words.iter().sum();
    let mean_words = frac(total_words, n);
    // The nearest heading above decides: a comment heading, or a "Related"/"Recent" one.
    let nearest = above(f, first, 12).find_map(|l| {
        if l.heading {
            Some(true)
        } else if l.related {
            Some(false)
        } else {
            None
        }
    });
    let heading = nearest == Some(true) || (first..=last.min(first + 3)).any(|i| f[i].heading);
    let related = nearest == Some(false);
    let from = (last + 1).min(f.len());
    let form = f[from..f.len().min(last + 40).max(from)]
        .iter()
        .any(|l| l.kind == Kind::Chrome || chrome::is_section_chrome(&l.clean) || l.heading);
    let precise_n = count(&|r| {
        r.posted_text.as_deref().and_then(crate::parse::stamp::find).is_some_and(|s| s.is_precise())
    });
    let authors: Vec<&str> = recs.iter().filter_map(|r| r.author.as_deref()).collect();
    let distinct: HashSet<&str> = authors.iter().copied().collect();
    let repeat = frac(authors.len() - distinct.len(), authors.len());
    let reply_n = count(&|r| r.reply_to.is_some());
    let max_share = frac(body_words.iter().copied().max().unwrap_or(0), total_words.max(1));
    // Paragraph text before the list, against all paragraph text outside it.
    let para = |l: &Line| if l.para { l.clean.len() } else { 0 };
    let before: usize = f[..first].iter().map(para).sum();
    let after: usize = f[(last + 1).min(f.len())..].iter().map(para).sum();
    let inside: usize = f[first..from].iter().map(para).sum();
    let text_before = frac(before, before + after);
    let footer = matches!(ex.layout, "wpdiscuz5" | "facebook" | "footer");
    vec![
        1.0,
        (n as f64).ln_1p(),
        f64::from(u8::from(n == 1)),
        frac(person_n, n),
        frac(headline_n, n),
        frac(no_author, n),
        frac(sentence_n, n),
        frac(empty_n, n),
        mean_words.ln_1p(),
        frac(pronoun_n, n),
        frac(teaser_n, n),
        frac(title_n, n),
        f64::from(u8::from(heading)),
        f64::from(u8::from(related)),
        f64::from(u8::from(form)),
        frac(precise_n, n),
        repeat,
        frac(reply_n, n),
        max_share,
        text_before,
        f64::from(u8::from(footer)),
        f64::from(u8::from(ex.layout == "blogger-classic")),
        f64::from(u8::from(n == 1 && text_before < 0.25)),
        frac(inside, before + after + inside),
        f64::from(u8::from(ex.layout == "untimed")),
    ]
}

/// The model's probability that a candidate with these features is the page's comments.
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
    }

    #[test]
    fn people_and_headlines() {
        for a in ["Maggie Dodson", "dy/dan", "Nate @ House of Annie", "Dr. Joan McGettigan"] {
            assert!(person(a), "{a:?}");
        }
        for a in [
            "Poker Sites Reach Settlement",
            "Last Update of the Day",
            "World Economy: Rough Road Ahead",
        ] {
            assert!(!person(a) || headline(a), "{a:?}");
        }
    }

    #[test]
    fn headings() {
        for h in [
            "53 Responses to “1,400 Rectangles”",
            "Comments",
            "4 comments:",
            "Leave a Reply",
            "{ 56 comments… read them below or add one }",
            "Kommentare (3)",
        ] {
            assert!(chrome::is_comment_heading(h), "{h:?}");
        }
        for h in ["Related Articles", "The comments were made on Monday by the minister"] {
            assert!(!chrome::is_comment_heading(h), "{h:?}");
        }
    }
}
