//! Candidate words and two-word phrases for a lexicon: terms over-represented in the positive
//! comments the lexicon misses, compared with the negative comments.
//!
//! Scoring is the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
//! Quinn 2008, "Fightin' Words", §3.5): with `y` a term's count in the missed positives,
//! `z` its count in the negatives, `n`/`m` those groups' token totals and `a = a0·p` its prior
//! (`p` its share of the whole corpus, `a0` the prior's weight),
//! `δ = ln((y+a)/(n+a0−y−a)) − ln((z+a)/(m+a0−z−a))`, `var ≈ 1/(y+a) + 1/(z+a)`, and terms
//! are ranked by `δ/√var`. Candidates only: nothing is added to a lexicon.

use std::collections::HashMap;

use serde::Serialize;

/// Words too common to be a candidate on their own; a two-word phrase needs at least one word
/// outside this list.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "don't",
    "for", "from", "had", "has", "have", "he", "her", "here", "him", "his", "how", "i", "i'm",
    "if", "in", "into", "is", "it", "it's", "its", "just", "me", "more", "my", "no", "not", "now",
    "of", "on", "one", "only", "or", "other", "our", "out", "over", "rt", "said", "she", "so",
    "some", "than", "that", "that's", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "to", "too", "up", "us", "very", "was", "we", "were", "what", "when", "where",
    "which", "who", "why", "will", "with", "would", "you", "your",
];

fn is_stopword(w: &str) -> bool {
    STOPWORDS.binary_search(&w).is_ok()
}

pub use crate::lexicon::terms::words;

/// The candidate terms of a text: words of two or more letters that are not stopwords or
/// numbers, and adjacent
/// word pairs with at least one such word. Each term once per text.
fn terms(text: &str) -> Vec<String> {
    let ws = words(text);
    let content = |w: &str| {
        w.chars().nth(1).is_some() && !is_stopword(w) && !w.chars().all(|c| c.is_ascii_digit())
    };
    let mut out: Vec<String> = ws.iter().filter(|w| content(w)).cloned().collect();
    for pair in ws.windows(2) {
        if content(&pair[0]) || content(&pair[1]) {
            out.push(format!("{} {}", pair[0], pair[1]));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A suggested term.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The word or two-word phrase (lower case).
    pub term: String,
    /// The z-score of its log-odds ratio (missed positives vs negatives).
    pub z: f64,
    /// Missed positive comments containing it.
    pub missed_positives: u64,
    /// Negative comments containing it.
    pub negatives: u64,
    /// Up to three missed positives containing it.
    pub examples: Vec<String>,
}

/// Settings of [`suggest`].
#[derive(Clone, Copy, Debug)]
pub struct SuggestOptions {
    /// Keep terms in at least this many missed positives.
    pub min_count: u64,
    /// How many candidates to return.
    pub top: usize,
    /// The prior's weight `a0`, as a multiple of the corpus size in terms.
    pub prior_weight: f64,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions { min_count: 3, top: 30, prior_weight: 0.1 }
    }
}

/// Ranks terms of `missed` (positive comments the lexicon does not flag) against `negatives`
/// (comments labeled negative). Counts are of comments containing the term, so one comment
/// repeating a word does not dominate.
pub fn suggest(missed: &[&str], negatives: &[&str], opt: SuggestOptions) -> Vec<Candidate> {
    let count = |texts: &[&str]| {
        let mut m: HashMap<String, u64> = HashMap::new();
        for t in texts {
            for term in terms(t) {
                *m.entry(term).or_default() += 1;
            }
        }
        m
    };
    let (pos, neg) = (count(missed), count(negatives));
    let n: f64 = pos.values().sum::<u64>() as f64;
    let m: f64 = neg.values().sum::<u64>() as f64;
    let total = n + m;
    if n == 0.0 || total == 0.0 {
        return Vec::new();
    }
    let a0 = (opt.prior_weight * total).max(1.0);
    let mut out: Vec<Candidate> = pos
        .iter()
        .filter(|(_, &y)| y >= opt.min_count)
        .map(|(term, &y)| {
            let z_neg = neg.get(term).copied().unwrap_or(0);
            let a = a0 * (y + z_neg) as f64 / total;
            let (y, zn) = (y as f64, z_neg as f64);
            let delta = ((y + a) / (n + a0 - y - a)).ln() - ((zn + a) / (m + a0 - zn - a)).ln();
            let var = 1.0 / (y + a) + 1.0 / (zn + a);
            Candidate {
                term: term.clone(),
                z: delta / var.sqrt(),
                missed_positives: y as u64,
                negatives: z_neg,
                examples: Vec::new(),
            }
        })
        .filter(|c| c.z > 0.0)
        .collect();
    out.sort_by(|a, b| b.z.total_cmp(&a.z).then_with(|| a.term.cmp(&b.term)));
    out.truncate(opt.top);
    for c in &mut out {
        c.examples = missed
            .iter()
            .filter(|t| terms(t).binary_search(&c.term).is_ok())
            .take(3)
            .map(|t| (*t).to_owned())
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn words_and_terms() {
        assert_eq!(words("You’re a FOOL, sir!"), ["you're", "a", "fool", "sir"]);
        assert_eq!(terms("of the fool"), ["fool", "the fool"]);
    }

    #[test]
    fn ranks_the_term_that_separates_the_groups() {
        let missed = ["what a clown", "total clown show", "clown", "you are wrong", "so wrong"];
        let negs = ["you are wrong about the rates", "wrong turn", "a circus", "fine", "ok"];
        let c = suggest(&missed, &negs, SuggestOptions { min_count: 2, ..Default::default() });
        assert_eq!(c[0].term, "clown");
        assert_eq!((c[0].missed_positives, c[0].negatives), (3, 0));
        assert_eq!(c[0].examples.len(), 3);
        if let Some(w) = c.iter().find(|c| c.term == "wrong") {
            assert!(w.z < c[0].z);
        }
    }
}
