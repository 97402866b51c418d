//! Two lexicons over the same comments: which comments change verdict, grouped by the rules
//! responsible, and (with labels) how precision, recall and F1 move.
//!
//! Input: the flags each lexicon gives each comment (computed by the caller, e.g. with
//! [`super::report::flag_all`]). Output: a [`Diff`] listing exactly the comments whose
//! verdict differs, in input order.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::report::{Sample, Scores};
use super::{Confusion, Threshold};
use crate::lexicon::{Flag, Verdict};
use crate::moderate::Moderation;

/// One comment whose verdict changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// Index of the comment among the inputs.
    pub index: usize,
    /// Its line in its file.
    pub line: usize,
    /// Its id, if any.
    pub id: Option<String>,
    /// The verdict under the old lexicon.
    pub old: Verdict,
    /// The verdict under the new lexicon.
    pub new: Verdict,
    /// The rules responsible: for a stronger verdict, the new lexicon's rules that the old
    /// one did not raise (or all of the new ones when the same rules changed action); for a
    /// weaker one, the old lexicon's rules that are gone.
    pub rules: Vec<String>,
    /// The label, if the input has one.
    pub label: Option<bool>,
    /// The flags under the new lexicon (old ones for a released comment).
    pub flags: Vec<Flag>,
    /// The text.
    pub text: String,
}

impl Change {
    /// True when the new verdict is stronger.
    pub fn flagged(&self) -> bool {
        self.new > self.old
    }
}

/// Per rule: how many comments it newly flags and how many it releases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    /// The rule id.
    pub rule: String,
    /// Comments with a stronger verdict because of this rule.
    pub flagged: u64,
    /// Comments with a weaker verdict because this rule no longer raises them.
    pub released: u64,
}

/// What `lexicon diff` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    /// Comments compared.
    pub comments: u64,
    /// Comments whose verdict got stronger.
    pub flagged: u64,
    /// Comments whose verdict got weaker.
    pub released: u64,
    /// Per rule, most changes first.
    pub by_rule: Vec<RuleChange>,
    /// Every comment whose verdict changes, in input order.
    pub changes: Vec<Change>,
    /// Scores of the old and new lexicon at the threshold over the labeled comments, if any.
    pub scores: Option<ScoreChange>,
}

/// Precision, recall and F1 before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreChange {
    /// The weakest verdict counted as flagged.
    pub threshold: Threshold,
    /// The old lexicon.
    pub old: Scores,
    /// The new lexicon.
    pub new: Scores,
}

fn rule_set(flags: &[Flag]) -> BTreeSet<&str> {
    flags.iter().map(|f| f.rule.as_str()).collect()
}

/// Compares `old[i]` and `new[i]`, the flags and verdicts of `samples[i]` under each lexicon.
pub fn diff(
    samples: &[Sample],
    old: &[Moderation],
    new: &[Moderation],
    threshold: Threshold,
) -> Diff {
    let mut changes = Vec::new();
    let mut by_rule: BTreeMap<String, RuleChange> = BTreeMap::new();
    let (mut c_old, mut c_new) = (Confusion::default(), Confusion::default());
    let labeled = samples.iter().any(|s| s.label.is_some());
    for (i, s) in samples.iter().enumerate() {
        let (vo, vn) = (old[i].verdict, new[i].verdict);
        if let Some(l) = s.label {
            c_old.add(threshold.reached_by(vo), l);
            c_new.add(threshold.reached_by(vn), l);
        }
        if vo == vn {
            continue;
        }
        let up = vn > vo;
        let (mine, theirs) =
            if up { (&new[i].flags, &old[i].flags) } else { (&old[i].flags, &new[i].flags) };
        let (rm, rt) = (rule_set(mine), rule_set(theirs));
        let mut rules: Vec<String> = rm.difference(&rt).map(|r| (*r).to_owned()).collect();
        if rules.is_empty() {
            // Same rules, different action (or score): the rules at the stronger action are
            // responsible.
            let strong = crate::lexicon::verdict(mine);
            rules = mine
                .iter()
                .filter(|f| Verdict::from(f.action) == strong)
                .map(|f| f.rule.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
        }
        for r in &rules {
            let e = by_rule
                .entry(r.clone())
                .or_insert_with(|| RuleChange { rule: r.clone(), ..Default::default() });
            if up {
                e.flagged += 1;
            } else {
                e.released += 1;
            }
        }
        changes.push(Change {
            index: i,
            line: s.line,
            id: s.id.clone(),
            old: vo,
            new: vn,
            rules,
            label: s.label,
            flags: mine.to_vec(),
            text: s.text.clone(),
        });
    }
    let mut by_rule: Vec<RuleChange> = by_rule.into_values().collect();
    by_rule.sort_by_key(|r| std::cmp::Reverse(r.flagged + r.released));
    let flagged = changes.iter().filter(|c| c.flagged()).count() as u64;
    Diff {
        comments: samples.len() as u64,
        flagged,
        released: changes.len() as u64 - flagged,
        by_rule,
        scores: labeled.then(|| ScoreChange { threshold, old: c_old.into(), new: c_new.into() }),
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::moderate::moderate;

    #[test]
    fn lists_exactly_the_changed_comments() {
        let cats = "[categories.insult]\naction = \"review\"\n";
        let old = Lexicon::from_str(
            "old.toml",
            &format!("{cats}[[rule]]\nid = \"a\"\ncategory = \"insult\"\nwords = [\"idiot\"]\n"),
        )
        .unwrap();
        let new = Lexicon::from_str(
            "new.toml",
            &format!("{cats}[[rule]]\nid = \"b\"\ncategory = \"insult\"\nwords = [\"moron\"]\n"),
        )
        .unwrap();
        let texts = ["you idiot", "you moron", "idiot and moron", "fine"];
        let samples: Vec<Sample> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Sample { line: i + 1, id: None, text: (*t).into(), label: Some(i != 3) })
            .collect();
        let fo: Vec<_> =
            texts.iter().map(|t| moderate(&old, t, crate::lang::Language::UND, || 0.0)).collect();
        let fnew: Vec<_> =
            texts.iter().map(|t| moderate(&new, t, crate::lang::Language::UND, || 0.0)).collect();
        let d = diff(&samples, &fo, &fnew, Threshold::Review);
        let idx: Vec<_> = d.changes.iter().map(|c| (c.index, c.flagged())).collect();
        assert_eq!(idx, [(0, false), (1, true)]);
        assert_eq!(
            d.by_rule,
            [
                RuleChange { rule: "a".into(), flagged: 0, released: 1 },
                RuleChange { rule: "b".into(), flagged: 1, released: 0 }
            ]
        );
        let s = d.scores.unwrap();
        assert_eq!((s.old.tp, s.new.tp, s.old.fn_, s.new.fn_), (2, 2, 1, 1));
    }
}
