//! The fit's learned vocabulary (`[terms]`, see `crate::lexicon::terms`): every word and
//! two-word phrase of the labeled comments, numbered once, and the ones a training set keeps.
//!
//! Which terms become features is decided on the comments being trained on (each fold's
//! training comments in the cross-validation, all of them for the final fit), so the estimate
//! counts what choosing them costs: a term needs [`MIN_COMMENTS`] comments, and the
//! `vocabulary` most frequent are kept (ties by the term, so the choice is deterministic).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::lexicon::terms::{is_term, terms_of};

/// Comments a term must appear in (among those trained on) to become a feature: rarer terms
/// are noise that the regularisation would have to hold down one by one.
pub const MIN_COMMENTS: u32 = 3;

/// Every term of the labeled comments, numbered in order of first appearance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Terms {
    /// The terms, by number.
    pub names: Vec<String>,
    /// Each comment's terms (numbers, sorted, each once).
    pub rows: Vec<Vec<u32>>,
    /// Each comment's number of words.
    pub words: Vec<u32>,
}

impl Terms {
    /// Reads the terms of every text (in parallel; numbered in text order, so the same texts
    /// give the same numbers), leaving out terms in fewer than [`MIN_COMMENTS`] of them.
    pub fn read(texts: &[&str]) -> Terms {
        let read: Vec<(Vec<String>, usize)> =
            texts.par_iter().with_min_len(64).map(|t| terms_of(t)).collect();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut names = Vec::new();
        let mut rows = Vec::with_capacity(read.len());
        let mut words = Vec::with_capacity(read.len());
        for (terms, n) in read {
            // A word whose lower case reads as more than one word (İ → i + a combining dot)
            // cannot be a `[terms]` key: it is left out rather than written and refused.
            let mut row: Vec<u32> = terms
                .into_iter()
                .filter(|t| t.is_ascii() || is_term(t))
                .map(|t| {
                    let next = names.len() as u32;
                    *index.entry(t).or_insert_with_key(|t| {
                        names.push(t.clone());
                        next
                    })
                })
                .collect();
            row.sort_unstable();
            words.push(n.min(u32::MAX as usize) as u32);
            rows.push(row);
        }
        // A term in fewer than MIN_COMMENTS comments is in fewer in any subset of them, so it
        // can never be kept: renumber without such terms (most two-word phrases occur once),
        // keeping the order of first appearance.
        let mut count = vec![0u32; names.len()];
        for row in &rows {
            for &t in row {
                count[t as usize] += 1;
            }
        }
        let mut renumber = vec![u32::MAX; names.len()];
        let mut kept_names = Vec::new();
        for (t, name) in names.into_iter().enumerate() {
            if count[t] >= MIN_COMMENTS {
                renumber[t] = kept_names.len() as u32;
                kept_names.push(name);
            }
        }
        for row in &mut rows {
            row.retain_mut(|t| {
                *t = renumber[*t as usize];
                *t != u32::MAX
            });
        }
        Terms { names: kept_names, rows, words }
    }
}

/// The terms kept when training on `rows` (each a comment's term numbers into `names`): in at
/// least [`MIN_COMMENTS`] of them, the `max` most frequent. Returns each kept term's number
/// with its comment count, sorted by number.
pub fn keep<'a>(
    names: &[String],
    rows: impl Iterator<Item = &'a [u32]>,
    max: usize,
) -> Vec<(u32, u32)> {
    if max == 0 {
        return Vec::new();
    }
    let mut count = vec![0u32; names.len()];
    for row in rows {
        for &t in row {
            count[t as usize] += 1;
        }
    }
    let mut kept: Vec<(u32, u32)> = count
        .iter()
        .enumerate()
        .filter(|(_, &c)| c >= MIN_COMMENTS)
        .map(|(t, &c)| (t as u32, c))
        .collect();
    if kept.len() > max {
        kept.sort_by(|a, b| {
            b.1.cmp(&a.1).then_with(|| names[a.0 as usize].cmp(&names[b.0 as usize]))
        });
        kept.truncate(max);
    }
    kept.sort_unstable();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_numbered_once_and_kept_by_frequency() {
        let texts = ["you fool", "you fool again", "you again", "you", "fool you"];
        let t = Terms::read(&texts);
        assert_eq!(t.words, [2, 3, 2, 1, 2]);
        let id = |s: &str| t.names.iter().position(|n| n == s).unwrap() as u32;
        assert_eq!(t.names, ["fool", "you"], "terms in fewer than 3 comments are not read");
        assert_eq!(t.rows[0], [id("fool"), id("you")]);
        assert_eq!(t.rows[2], [id("you")]);
        // "you" is in 5 comments, "fool" in 3.
        let rows = |n: usize| t.rows.iter().take(n).map(Vec::as_slice);
        let all = keep(&t.names, rows(5), 10);
        let named: Vec<(&str, u32)> =
            all.iter().map(|&(i, c)| (t.names[i as usize].as_str(), c)).collect();
        assert_eq!(named, [("fool", 3), ("you", 5)], "by number: \"fool\" was read first");
        assert_eq!(keep(&t.names, rows(5), 1), [(id("you"), 5)], "the most frequent first");
        assert_eq!(keep(&t.names, rows(2), 10), [], "two comments are below the floor");
        assert_eq!(keep(&t.names, rows(5), 0), []);
    }

    proptest::proptest! {
        /// Whatever the text, every term read is a key `[terms]` accepts, so a fitted layer
        /// always loads.
        #[test]
        fn every_term_read_is_a_valid_key(
            text in "[İıIiSsßǅΣς’'a-z0-9 ,.]{0,30}|\\PC{0,40}"
        ) {
            let texts = [text.as_str(), text.as_str(), text.as_str()];
            let t = Terms::read(&texts);
            for n in &t.names {
                proptest::prop_assert!(is_term(n), "{n:?} from {text:?}");
            }
        }
    }

    #[test]
    fn a_word_whose_lower_case_splits_is_not_a_term() {
        let texts = ["İstanbul trip", "İstanbul trip", "İstanbul trip"];
        let t = Terms::read(&texts);
        assert_eq!(t.names, ["trip"], "{:?}", t.names);
        assert!(t.names.iter().all(|n| is_term(n)));
    }
}
