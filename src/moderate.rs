//! The moderation stage: a comment's text (and, lazily, its tone) in, flags and a verdict out.
//!
//! A thin layer over [`crate::lexicon::Lexicon`] so the CLI and the aggregate stage share one
//! definition of "what a comment gets": the flags, the verdict (strongest action), and
//! per-category counts for page summaries.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lexicon::{verdict, Flag, Lexicon, Verdict};

/// What moderation says about one comment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Moderation {
    /// The strongest action among the flags.
    pub verdict: Verdict,
    /// Every flag, in text order.
    pub flags: Vec<Flag>,
}

/// Moderate one comment. `compound` is its VADER compound score; it is only called when a
/// tone-conditioned rule matched, so callers can pass `|| tone::polarity_scores(text).compound`.
pub fn moderate(lexicon: &Lexicon, text: &str, compound: impl FnOnce() -> f64) -> Moderation {
    let flags = lexicon.check_with(text, compound);
    Moderation { verdict: verdict(&flags), flags }
}

/// How many flags of each category there are among `flags` (e.g. over a page's comments).
pub fn category_counts<'a>(flags: impl IntoIterator<Item = &'a Flag>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in flags {
        *out.entry(f.category.clone()).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderates_with_lazy_tone() {
        let lex = Lexicon::builtin();
        let m = moderate(&lex, "Thanks for the thoughtful article.", || panic!("tone not needed"));
        assert_eq!(m.verdict, Verdict::Ok);
        let m = moderate(&lex, "You are an idiot.", || -0.6);
        assert!(m.verdict >= Verdict::Review, "{m:?}");
        assert!(category_counts(&m.flags).contains_key("insult"));
    }
}
