//! The moderation stage: a comment's text (and, lazily, its tone) in, flags and a verdict out.
//!
//! A thin layer over [`crate::lexicon::Lexicon`] so the CLI and the aggregate stage share one
//! definition of "what a comment gets": the flags, the verdict (the strongest action, or the
//! score against the lexicon's `[verdict]` thresholds, see [`crate::lexicon::Scoring`]), and
//! per-category counts for page summaries.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::lang::Language;
use crate::lexicon::{Flag, Lexicon, Verdict};

/// What moderation says about one comment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Moderation {
    /// The strongest action among the flags, or what the score reaches in a scored lexicon.
    pub verdict: Verdict,
    /// The comment's score, when the lexicon is scored (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The toxicity model's calibrated score (0–1), null when there is no model or it does not
    /// apply to the comment's language.
    pub toxicity: Option<f64>,
    /// Every flag, in text order.
    pub flags: Vec<Flag>,
}

/// Moderate one comment in `language` (rules for other languages do not apply, see
/// [`crate::lexicon::Rule::applies_to`]; nor does the toxicity model, see
/// [`Lexicon::model_logit`]). `compound` is its VADER compound score;
/// it is only called (at most once) when a tone-conditioned rule matched or the lexicon weighs
/// tone in its score, so callers can pass `|| tone::polarity_scores(text).compound`.
pub fn moderate(
    lexicon: &Lexicon,
    text: &str,
    language: Language,
    compound: impl FnOnce() -> f64,
) -> Moderation {
    moderate_scored(lexicon, text, language, compound, lexicon.model_logit(text, language))
}

/// [`moderate`] with the toxicity model's raw log-odds already computed (`None`: the model
/// does not apply), for callers that need them too (`lexicon fit` keeps them as a feature).
pub fn moderate_scored(
    lexicon: &Lexicon,
    text: &str,
    language: Language,
    compound: impl FnOnce() -> f64,
    logit: Option<f64>,
) -> Moderation {
    let mut compound = Some(compound);
    let mut cached: Option<f64> = None;
    let mut tone = || *cached.get_or_insert_with(|| compound.take().map_or(0.0, |f| f()));
    let flags = if text.len() <= WINDOW {
        lexicon.check_in(text, language.code, &mut tone)
    } else {
        check_in_windows(lexicon, text, language.code, &mut tone)
    };
    let j = lexicon.judge(text, &flags, tone, logit);
    // Four decimals: finer than any threshold worth setting, and stable in outputs.
    let toxicity = j.toxicity.map(|t| (t * 1e4).round() / 1e4);
    Moderation { verdict: j.verdict, score: j.score, toxicity, flags }
}

/// Texts longer than this are checked window by window: matching keeps per-byte maps of the
/// whole text (measured: 845 MB for one 10 MB comment, 8.3 GB for 100 MB), so a huge
/// comment would otherwise take memory in proportion. See: #9
const WINDOW: usize = 256 * 1024;
/// Text on each side of a window that is matched but not reported from, so that a match or
/// a nearness condition across a window's edge is seen whole by the window it starts in.
const CONTEXT: usize = 4 * 1024;

fn check_in_windows(
    lexicon: &Lexicon,
    text: &str,
    language: &str,
    compound: impl FnMut() -> f64,
) -> Vec<Flag> {
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let mut compound = Some(compound);
    let mut tone: Option<f64> = None;
    let mut flags = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = ceil((start + WINDOW).min(text.len()));
        let lo = floor(start.saturating_sub(CONTEXT));
        let hi = ceil((end + CONTEXT).min(text.len()));
        let found = lexicon.check_in(&text[lo..hi], language, || {
            *tone.get_or_insert_with(|| compound.take().map_or(0.0, |mut f| f()))
        });
        for mut f in found {
            f.start += lo;
            f.end += lo;
            if (start..end).contains(&f.start) {
                flags.push(f);
            }
        }
        start = end;
    }
    flags
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

    const EN: Language = Language { code: "en", confidence: 0.9 };

    #[test]
    fn moderates_with_lazy_tone() {
        let lex = Lexicon::builtin();
        let m =
            moderate(&lex, "Thanks for the thoughtful article.", EN, || panic!("tone not needed"));
        assert_eq!(m.verdict, Verdict::Ok);
        let m = moderate(&lex, "You are an idiot.", EN, || -0.6);
        assert!(m.verdict >= Verdict::Review, "{m:?}");
        assert!(category_counts(&m.flags).contains_key("insult"));
    }

    #[test]
    fn long_texts_are_checked_in_windows_with_the_same_flags() {
        let lex = Lexicon::builtin();
        let unit = "Some calm words about the troops and the weather. ";
        let mut text = unit.repeat(WINDOW / unit.len() - 1);
        // Insults before, across and after the first window's edge, and one far away.
        text.push_str("You are an idiot. ");
        while text.len() < WINDOW - 3 {
            text.push('x');
        }
        text.push_str(" you idiot ");
        text.push_str(&"é calm ".repeat(WINDOW / 6));
        text.push_str("You are a complete idiot, moron.");
        let whole = lex.check(&text, -0.5);
        let windowed = moderate(&lex, &text, Language::UND, || -0.5).flags;
        assert!(windowed.len() >= 3, "{windowed:?}");
        assert_eq!(windowed, whole);
        for f in &windowed {
            assert_eq!(&text[f.start..f.end], f.matched);
        }
    }
}
