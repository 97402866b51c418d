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
//! words. In a prototype before this was built (scikit-learn, 5 folds, the rules' flags and
//! tone beside the terms), it raised SFU news comments' held-out F1 from 0.34–0.37 to
//! 0.39–0.40 and kept Kaggle and Davidson within 0.016 of the plain sum.
//!
//! Words are read the same way by the fit and by the check ([`words`]): runs of letters and
//! digits, lower-cased, an apostrophe inside a word kept. No evasion folding: the vocabulary
//! scores how a site's comments are worded; evasions are the rules' business.

use rustc_hash::FxHashMap;

use serde::Serialize;

/// Lower-cased words: runs of letters, digits and inner apostrophes (`’` read as `'`).
pub fn words(text: &str) -> Vec<String> {
    WordIter::new(text)
        .map(|w| {
            let mut s = String::with_capacity(w.text.len());
            w.write_to(&mut s);
            s
        })
        .collect()
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
    scores: FxHashMap<String, f64>,
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
    pub fn new(scores: impl IntoIterator<Item = (String, f64)>) -> Vocabulary {
        Vocabulary { scores: scores.into_iter().collect() }
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
        // The words joined by single spaces, so that a pair is a slice of the same buffer.
        let mut joined = String::with_capacity(text.len());
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for w in WordIter::new(text) {
            if !joined.is_empty() {
                joined.push(' ');
            }
            let start = joined.len();
            w.write_to(&mut joined);
            spans.push((start, joined.len()));
        }
        let mut found: Vec<(&str, f64)> = Vec::new();
        for (i, &(start, end)) in spans.iter().enumerate() {
            let word = &joined[start..end];
            if let Some(&s) = self.scores.get(word) {
                found.push((word, s));
            }
            if let Some(&(_, next_end)) = spans.get(i + 1) {
                let pair = &joined[start..next_end];
                if let Some(&s) = self.scores.get(pair) {
                    found.push((pair, s));
                }
            }
        }
        found.sort_unstable_by(|a, b| a.0.cmp(b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        let sum: f64 = found.iter().map(|t| t.1).sum();
        found.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(b.0)));
        TermsPart {
            term: sum * length_weight(spans.len()),
            words: spans.len(),
            found: found.into_iter().map(|(t, s)| (t.to_owned(), s)).collect(),
        }
    }
}

/// A word of a text as [`words`] reads it, not yet lower-cased.
struct Word<'a> {
    text: &'a str,
}

impl Word<'_> {
    /// Appends the word as [`words`] gives it: lower case, `’` as `'`.
    fn write_to(&self, out: &mut String) {
        for c in self.text.chars() {
            if c.is_alphanumeric() {
                out.extend(c.to_lowercase());
            } else {
                out.push('\'');
            }
        }
    }
}

/// The words of a text, as slices (the reading of [`words`], without allocating).
struct WordIter<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> WordIter<'a> {
    fn new(text: &'a str) -> Self {
        WordIter { text, at: 0 }
    }
}

impl<'a> Iterator for WordIter<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let rest = &self.text[self.at..];
        let (skip, _) = rest.char_indices().find(|(_, c)| c.is_alphanumeric())?;
        let begin = self.at + skip;
        let mut end = begin;
        let mut chars = self.text[begin..].chars().peekable();
        while let Some(c) = chars.next() {
            let inner_apostrophe = matches!(c, '\'' | '’')
                && end > begin
                && chars.peek().is_some_and(|n| n.is_alphanumeric());
            if c.is_alphanumeric() || inner_apostrophe {
                end += c.len_utf8();
            } else {
                break;
            }
        }
        self.at = end;
        Some(Word { text: &self.text[begin..end] })
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
        let v = Vocabulary::new([
            ("fool".to_string(), 2.0),
            ("a fool".to_string(), 1.0),
            ("sir".to_string(), -0.5),
        ]);
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
