//! From a verdict to a score: what `moderato serve` answers where Perspective answered a
//! probability.
//!
//! Clients such as Coral act on a threshold (Coral withholds a comment for a moderator when
//! `TOXICITY` is above 0.8). So that the threshold means what the lexicon means, an attribute's
//! score is placed in a band by the strongest action among the flags it counts, and within the
//! band by the text's negativity (VADER compound below zero; none when its tone is not
//! scored), so comments with the same action still sort by how hostile they read:
//!
//! | strongest action | band |
//! |---|---|
//! | no flag | 0.02 – 0.30 |
//! | `note` | 0.40 – 0.60 |
//! | `review` | 0.85 – 0.93 |
//! | `remove` | 0.95 – 0.99 |
//!
//! Every band lies wholly on one side of 0.8 (and of 0.5, Perspective's usual "likely"), so a
//! score above 0.8 is exactly a `review` or `remove`. `TOXICITY` counts every flag
//! (`categories = ["*"]` in the built-in lexicon), so it is above 0.8 exactly when `audit`'s
//! verdict is `review` or `remove`.

use crate::lexicon::{Action, Attribute, Flag, Verdict};

/// The score above which Coral (by default) withholds a comment for a moderator.
pub const CORAL_THRESHOLD: f64 = 0.8;

/// The band of scores for a strongest action (`None`: no flag counted).
pub fn band(action: Option<Action>) -> (f64, f64) {
    match action {
        None => (0.02, 0.30),
        Some(Action::Note) => (0.40, 0.60),
        Some(Action::Review) => (0.85, 0.93),
        Some(Action::Remove) => (0.95, 0.99),
    }
}

/// The score of a text whose strongest counted action is `action` and whose VADER compound
/// score is `compound` (`None` when its tone is not scored). Rounded to four places.
pub fn score(action: Option<Action>, compound: Option<f64>) -> f64 {
    let (lo, hi) = band(action);
    let negativity = compound.map_or(0.0, |c| (-c).clamp(0.0, 1.0));
    ((lo + (hi - lo) * negativity) * 10_000.0).round() / 10_000.0
}

/// `TOXICITY` where the toxicity model scored the text: its calibrated toxicity, raised into
/// the band of the comment's verdict (rules and model, as `audit` gives it) when that is
/// higher, so that a score above 0.8 still means `review` or `remove` as long as the lexicon's
/// `[model] review` is at most 0.8 (the built-in lexicon's is 0.7).
pub fn toxicity_score(toxicity: f64, verdict: Verdict, compound: Option<f64>) -> f64 {
    let action = match verdict {
        Verdict::Ok => None,
        Verdict::Note => Some(Action::Note),
        Verdict::Review => Some(Action::Review),
        Verdict::Remove => Some(Action::Remove),
    };
    let floor = if action.is_some() { score(action, compound) } else { 0.0 };
    ((toxicity.max(floor)) * 10_000.0).round() / 10_000.0
}

/// The strongest action among the flags `attribute` counts.
pub fn strongest(attribute: &Attribute, flags: &[Flag]) -> Option<Action> {
    flags.iter().filter(|f| attribute.counts(&f.category, f.severity)).map(|f| f.action).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Severity;

    #[test]
    fn bands_are_on_one_side_of_coral_s_threshold() {
        for compound in [-1.0, -0.5, 0.0, 0.7, 1.0] {
            for action in [None, Some(Action::Note), Some(Action::Review), Some(Action::Remove)] {
                let s = score(action, Some(compound));
                let acts = action >= Some(Action::Review);
                assert_eq!(s > CORAL_THRESHOLD, acts, "{action:?} {compound} -> {s}");
                assert!((0.0..=1.0).contains(&s));
            }
        }
    }

    #[test]
    fn toxicity_is_the_model_s_unless_the_verdict_says_more() {
        assert_eq!(toxicity_score(0.1234, Verdict::Ok, Some(-0.9)), 0.1234);
        assert_eq!(toxicity_score(0.97, Verdict::Review, None), 0.97);
        let raised = toxicity_score(0.1, Verdict::Review, None);
        assert!(raised > CORAL_THRESHOLD, "{raised}");
        assert!(toxicity_score(0.1, Verdict::Remove, None) > raised);
    }

    #[test]
    fn negativity_orders_within_a_band() {
        let calm = score(Some(Action::Review), Some(0.4));
        let hostile = score(Some(Action::Review), Some(-0.8));
        assert_eq!(calm, 0.85);
        assert!(hostile > calm && hostile < 0.93, "{hostile}");
        assert_eq!(score(None, None), 0.02);
        assert!(score(Some(Action::Remove), None) > score(Some(Action::Review), Some(-1.0)));
    }

    #[test]
    fn strongest_counts_only_the_attribute_s_flags() {
        let flag = |category: &str, action| Flag {
            rule: "r".into(),
            category: category.into(),
            severity: Severity::Medium,
            action,
            matched: "x".into(),
            start: 0,
            end: 1,
        };
        let insult = Attribute {
            name: "INSULT".into(),
            categories: Some(vec!["insult".into()]),
            min_severity: Severity::Low,
            note: None,
        };
        let flags = [flag("profanity", Action::Remove), flag("insult", Action::Review)];
        assert_eq!(strongest(&insult, &flags), Some(Action::Review));
        assert_eq!(strongest(&insult, &flags[..1]), None);
    }
}
