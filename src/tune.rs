//! Measuring a lexicon against labeled comments: precision, recall and F1 of "a moderator
//! should act", overall, per category and per rule.
//!
//! Pure functions over samples the caller has read; the `lexicon eval/diff/suggest` commands
//! (issue #6) and `examples/lexicon_eval.rs` build on them. A comment counts as flagged when
//! its verdict reaches the [`Threshold`]; a category or rule counts as flagging a comment when
//! one of its flags has an action at the threshold or above.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::lexicon::{Action, Lexicon, Verdict};

pub mod diff;
pub mod fit;
pub mod labels;
pub mod report;
pub mod suggest;

/// A confusion matrix of flagged vs labeled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// Flagged and labeled positive.
    pub tp: u64,
    /// Flagged but labeled negative.
    pub fp: u64,
    /// Not flagged but labeled positive.
    pub fn_: u64,
    /// Not flagged and labeled negative.
    pub tn: u64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Confusion {
    /// Count one sample.
    pub fn add(&mut self, flagged: bool, label: bool) {
        match (flagged, label) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    /// Samples counted.
    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }

    /// tp / (tp + fp); 0 when nothing was flagged.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn); 0 when there are no positives.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// Harmonic mean of precision and recall; 0 when both are 0.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

impl fmt::Display for Confusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {} tn {})",
            self.precision(),
            self.recall(),
            self.f1(),
            self.tp,
            self.fp,
            self.fn_,
            self.tn
        )
    }
}

/// The weakest verdict that counts as "flagged".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Threshold {
    /// Note, review or remove.
    Note,
    /// Review or remove.
    Review,
    /// Remove only.
    Remove,
}

impl Threshold {
    /// The weakest action that reaches this threshold.
    pub fn action(self) -> Action {
        match self {
            Threshold::Note => Action::Note,
            Threshold::Review => Action::Review,
            Threshold::Remove => Action::Remove,
        }
    }

    /// Does `v` reach the threshold?
    pub fn reached_by(self, v: Verdict) -> bool {
        v >= Verdict::from(self.action())
    }
}

impl FromStr for Threshold {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "note" => Ok(Threshold::Note),
            "review" => Ok(Threshold::Review),
            "remove" => Ok(Threshold::Remove),
            _ => Err(format!("unknown threshold {s:?}: use note, review or remove")),
        }
    }
}

/// The result of evaluating a lexicon on labeled samples.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Comment verdicts vs labels.
    pub overall: Confusion,
    /// Per category: did the category flag the comment at the threshold?
    pub per_category: BTreeMap<String, Confusion>,
    /// Per rule: did the rule flag the comment at the threshold?
    pub per_rule: BTreeMap<String, Confusion>,
    /// Indices of samples flagged but labeled negative.
    pub false_positives: Vec<usize>,
    /// Indices of samples labeled positive but not flagged.
    pub false_negatives: Vec<usize>,
}

/// Evaluate `lexicon` on `(text, label)` samples. `compound` gives a text's VADER compound
/// score; it is called only for texts where a tone-conditioned rule matched.
pub fn evaluate<'a>(
    lexicon: &Lexicon,
    samples: impl IntoIterator<Item = (&'a str, bool)>,
    threshold: Threshold,
    compound: &dyn Fn(&str) -> f64,
) -> Evaluation {
    let mut ev = Evaluation::default();
    for r in lexicon.rules() {
        ev.per_rule.insert(r.id.clone(), Confusion::default());
    }
    for c in lexicon.categories() {
        ev.per_category.insert(c.name.clone(), Confusion::default());
    }
    let min = threshold.action();
    for (i, (text, label)) in samples.into_iter().enumerate() {
        let flags = lexicon.check_in(text, crate::lang::identify(text).code, || compound(text));
        let flagged = threshold.reached_by(crate::lexicon::verdict(&flags));
        ev.overall.add(flagged, label);
        if flagged && !label {
            ev.false_positives.push(i);
        } else if !flagged && label {
            ev.false_negatives.push(i);
        }
        for (name, c) in ev.per_category.iter_mut() {
            c.add(flags.iter().any(|f| f.action >= min && f.category == *name), label);
        }
        for (id, c) in ev.per_rule.iter_mut() {
            c.add(flags.iter().any(|f| f.action >= min && f.rule == *id), label);
        }
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_math() {
        let c = Confusion { tp: 6, fp: 2, fn_: 4, tn: 8 };
        assert_eq!(c.precision(), 0.75);
        assert_eq!(c.recall(), 0.6);
        assert!((c.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(Confusion::default().f1(), 0.0);
    }

    #[test]
    fn evaluates_lexicon() {
        let lex = Lexicon::from_str(
            "t.toml",
            "[categories.insult]\naction = \"review\"\n[categories.profanity]\naction = \"note\"\n\
             [[rule]]\nid = \"i\"\ncategory = \"insult\"\nwords = [\"idiot\"]\n\
             [[rule]]\nid = \"p\"\ncategory = \"profanity\"\nwords = [\"damn\"]\n",
        )
        .unwrap();
        let samples = [("you idiot", true), ("damn", true), ("idiot!", false), ("fine", false)];
        let ev = evaluate(&lex, samples, Threshold::Review, &|_| 0.0);
        assert_eq!(ev.overall, Confusion { tp: 1, fp: 1, fn_: 1, tn: 1 });
        assert_eq!(ev.per_rule["p"], Confusion { tp: 0, fp: 0, fn_: 2, tn: 2 });
        assert_eq!(
            (ev.false_positives.as_slice(), ev.false_negatives.as_slice()),
            (&[2][..], &[1][..])
        );
        let ev = evaluate(&lex, samples, Threshold::Note, &|_| 0.0);
        assert_eq!(ev.overall.tp, 2);
    }
}
