//! `[terms]`: a learned vocabulary. Words and two-word phrases with a score each, the way
//! SpamAssassin's Bayes rules sit beside its hand-written ones: rules name what breaks the
//! site's rules and say why; the vocabulary carries the many small signals in how a site's
//! removed comments are worded ("you", "pathetic", "your kind"), which no one would write as
//! rules and which `lexicon fit` learns from the site's own decisions.
//!
//! Terms are not flags: they add to the comment's score and `explain` lists them, but they
//! never appear among `flags` and force no action. The part they add is
//!
//! ```text
//! terms = (Σ scores of the distinct terms in the comment) / √(1 + words in the comment)
//! ```
//!
//! Dividing by the length keeps a long comment from collecting a verdict out of many faint
//! words; measured on the development halves, it held or raised held-out F1 on all three
//! labeled sets against the plain sum (`lexicons/README.md`).
//!
//! Words are read the same way by the fit and by the check ([`words`]): runs of letters and
//! digits, lower-cased, an apostrophe inside a word kept. No evasion folding: the vocabulary
//! scores how a site's comments are worded; evasions are the rules' business.

use std::collections::HashMap;

use serde::Serialize;

/// Lower-cased words: runs of letters, digits and inner apostrophes (`’` read as `'`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let inner_apostrophe = matches!(c, '\'' | '’')
            && !cur.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if inner_apostrophe {
            cur.push('\'');
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The vocabulary's terms in a text: every word and every pair of adjacent words, each once,
/// sorted; and the number of words.
pub fn terms_of(text: &str) -> (Vec<String>, usize) {
    let ws = words(text);
    let mut out: Vec<String> = ws.clone();
    out.extend(ws.windows(2).map(|p| format!("{} {}", p[0], p[1])));
    out.sort_unstable();
    out.dedup();
    (out, ws.len())
}

/// The weight of a comment's terms: `1/√(1 + words)`.
pub fn length_weight(words: usize) -> f64 {
    1.0 / (1.0 + words as f64).sqrt()
}

/// Whether `key` is a term as [`words`] reads text: one word, or two separated by one space.
pub fn is_term(key: &str) -> bool {
    let ws = words(key);
    (1..=2).contains(&ws.len()) && ws.join(" ") == key
}

/// A lexicon's `[terms]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vocabulary {
    scores: HashMap<String, f64>,
}

/// What a comment's terms added to its score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermsPart {
    /// The part added: the scores' sum times [`length_weight`].
    pub term: f64,
    /// Words in the comment.
    pub words: usize,
    /// The terms found, with their scores, strongest (by absolute score) first.
    pub found: Vec<(String, f64)>,
}

impl Vocabulary {
    /// A vocabulary of these scores.
    pub fn new(scores: HashMap<String, f64>) -> Vocabulary {
        Vocabulary { scores }
    }

    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// What the terms of `text` add to its score.
    pub fn part(&self, text: &str) -> TermsPart {
        let ws = words(text);
        let mut found: Vec<(String, f64)> = Vec::new();
        let mut pair = String::new();
        for (i, w) in ws.iter().enumerate() {
            if let Some(&s) = self.scores.get(w.as_str()) {
                found.push((w.clone(), s));
            }
            if let Some(next) = ws.get(i + 1) {
                pair.clear();
                pair.push_str(w);
                pair.push(' ');
                pair.push_str(next);
                if let Some(&s) = self.scores.get(pair.as_str()) {
                    found.push((pair.clone(), s));
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        let sum: f64 = found.iter().map(|t| t.1).sum();
        found.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
        TermsPart { term: sum * length_weight(ws.len()), words: ws.len(), found }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_terms() {
        assert_eq!(words("You’re a FOOL, sir!"), ["you're", "a", "fool", "sir"]);
        let (t, n) = terms_of("a fool, a fool");
        assert_eq!(n, 4);
        assert_eq!(t, ["a", "a fool", "fool", "fool a"]);
    }

    #[test]
    fn a_term_is_one_or_two_words_as_read() {
        assert!(is_term("fool"));
        assert!(is_term("you're a"));
        assert!(is_term("your kind"));
        assert!(!is_term("Fool"), "upper case is never read");
        assert!(!is_term("a  fool"), "two spaces");
        assert!(!is_term("what a fool"), "three words");
        assert!(!is_term("fool!"));
        assert!(!is_term(""));
    }

    #[test]
    fn each_term_counts_once_divided_by_the_length() {
        let v = Vocabulary::new(
            [("fool".to_string(), 2.0), ("a fool".to_string(), 1.0), ("sir".to_string(), -0.5)]
                .into(),
        );
        let p = v.part("A fool, a FOOL, sir");
        assert_eq!(p.words, 5);
        let want = (2.0 + 1.0 - 0.5) / 6f64.sqrt();
        assert!((p.term - want).abs() < 1e-12, "{p:?}");
        assert_eq!(p.found[0], ("fool".to_string(), 2.0));
        assert_eq!(p.found.len(), 3);
        assert_eq!(v.part("nothing here").term, 0.0);
        assert_eq!(v.part("").words, 0);
    }
}
