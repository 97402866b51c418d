//! Scores and verdicts: how a comment's flags (and, if the lexicon says so, its tone) become
//! `ok`, `note`, `review` or `remove`.
//!
//! Two ways, chosen by the lexicon. Without `[verdict]` thresholds the verdict is the strongest
//! action among the flags, as it always was. With them, the lexicon works the way SpamAssassin
//! does: every rule (or detector) that flagged the comment adds its `score` once, `[verdict]
//! tone` adds its weight times the comment's VADER compound, and the sum is held against the
//! thresholds; a flag's own action still forces at least that verdict unless `[verdict]
//! actions = false`. Scores are read and merged by `load`, checked here, and fitted by
//! `crate::tune::fit`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::error::Diagnostic;
use super::load::Merged;
use super::{verdict, Flag, Verdict};

/// The thresholds of `[verdict]`: the least score for each verdict (absent: never by score).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Thresholds {
    /// Least score for `note`.
    pub note: Option<f64>,
    /// Least score for `review`.
    pub review: Option<f64>,
    /// Least score for `remove`.
    pub remove: Option<f64>,
}

impl Thresholds {
    /// The verdict a score reaches on its own.
    pub fn verdict_of(&self, score: f64) -> Verdict {
        let at = |t: Option<f64>| t.is_some_and(|t| score >= t);
        if at(self.remove) {
            Verdict::Remove
        } else if at(self.review) {
            Verdict::Review
        } else if at(self.note) {
            Verdict::Note
        } else {
            Verdict::Ok
        }
    }

    fn any(&self) -> bool {
        self.note.is_some() || self.review.is_some() || self.remove.is_some()
    }
}

/// A lexicon's scores and how they turn into a verdict.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scoring {
    /// Score by rule or detector id (rules without one score 0).
    pub scores: HashMap<String, f64>,
    /// The `[verdict]` thresholds.
    pub thresholds: Thresholds,
    /// `[verdict] tone`: the weight of the comment's compound tone in its score.
    pub tone: Option<f64>,
    /// Whether a flag's own action forces at least that verdict (`[verdict] actions`).
    pub actions: bool,
}

/// How a comment's score was made, for `explain` and for records.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreBreakdown {
    /// The sum.
    pub total: f64,
    /// Each rule that flagged the comment, once, with its score, in text order.
    pub rules: Vec<(String, f64)>,
    /// The comment's compound tone and the term it added (`tone` × compound), if the lexicon
    /// weighs tone.
    pub tone: Option<(f64, f64)>,
    /// The thresholds it was held against.
    pub thresholds: Thresholds,
    /// The verdict the score reached on its own.
    pub by_score: Verdict,
    /// The strongest action among the flags (what forced the verdict, if it is stronger).
    pub by_actions: Verdict,
    /// The verdict: the score's, or the flags' actions when those force more.
    pub verdict: Verdict,
}

impl Scoring {
    /// Whether verdicts come from scores (some `[verdict]` threshold is set). Otherwise they
    /// are the strongest action among the flags, as in a lexicon without scores.
    pub fn decides(&self) -> bool {
        self.thresholds.any()
    }

    /// Whether the lexicon has anything to score with: a threshold, a rule score or a tone weight.
    pub fn is_scored(&self) -> bool {
        self.decides() || self.tone.is_some() || !self.scores.is_empty()
    }

    /// The score of one rule or detector id (0 when it has none).
    pub fn score_of(&self, id: &str) -> f64 {
        self.scores.get(id).copied().unwrap_or(0.0)
    }

    /// The verdict of `flags`, and the score when the lexicon is scored. `compound` is called
    /// only when the lexicon weighs tone.
    pub fn judge(&self, flags: &[Flag], compound: impl FnOnce() -> f64) -> (Verdict, Option<f64>) {
        if !self.is_scored() {
            return (verdict(flags), None);
        }
        let b = self.breakdown(flags, compound);
        (b.verdict, Some(b.total))
    }

    /// The whole computation, step by step.
    pub fn breakdown(&self, flags: &[Flag], compound: impl FnOnce() -> f64) -> ScoreBreakdown {
        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        for f in flags {
            if seen.insert(f.rule.as_str()) {
                rules.push((f.rule.clone(), self.score_of(&f.rule)));
            }
        }
        let tone = self.tone.map(|w| {
            let c = compound();
            (c, w * c)
        });
        let total = rules.iter().map(|(_, s)| s).sum::<f64>() + tone.map_or(0.0, |t| t.1);
        let by_actions = verdict(flags);
        let by_score = self.thresholds.verdict_of(total);
        let verdict = if !self.decides() {
            by_actions
        } else if self.actions {
            by_score.max(by_actions)
        } else {
            by_score
        };
        ScoreBreakdown {
            total,
            rules,
            tone,
            thresholds: self.thresholds,
            by_score,
            by_actions,
            verdict,
        }
    }
}

/// Check the merged scores and `[verdict]` against the rules (`ids`: every enabled rule and
/// detector id) and build the [`Scoring`].
pub(crate) fn compile(m: &Merged, ids: &HashSet<String>, diags: &mut Vec<Diagnostic>) -> Scoring {
    let mut scoring = Scoring { actions: m.verdict.actions.unwrap_or(true), ..Scoring::default() };
    let finite = |what: &str, v: &toml::Spanned<f64>, src: usize, diags: &mut Vec<Diagnostic>| {
        let ok = v.get_ref().is_finite();
        if !ok {
            diags.push(m.sources[src].diag(
                Some(v.span()),
                None,
                format!("{what} = {} is not a number", v.get_ref()),
                Some("write a finite number, e.g. 1.5".into()),
            ));
        }
        ok
    };
    let defined = |id: &str| {
        m.rules.iter().any(|(r, _)| r.id.get_ref() == id)
            || m.detectors.iter().any(|(name, _, _)| id.strip_prefix("detector/") == Some(*name))
    };
    let mut by_id: BTreeMap<&str, f64> = BTreeMap::new();
    for (id, (score, src)) in &m.scores {
        if !defined(id) {
            let mut known: Vec<&str> = ids.iter().map(String::as_str).collect();
            known.sort_unstable();
            let near = known.iter().find(|k| k.ends_with(id.rsplit('/').next().unwrap_or(id)));
            diags.push(m.sources[*src].diag(
                Some(score.span()),
                None,
                format!("[scores] names \"{id}\", which is no rule or detector"),
                Some(match near {
                    Some(k) => format!("did you mean \"{k}\"? `moderato lexicon show` lists ids"),
                    None => "check the id against `moderato lexicon show`".into(),
                }),
            ));
        } else if finite(&format!("score of \"{id}\""), score, *src, diags) && ids.contains(id) {
            by_id.insert(id, *score.get_ref());
        }
    }
    scoring.scores = by_id.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let v = &m.verdict;
    let mut get = |name: &str, f: &Option<(toml::Spanned<f64>, usize)>| {
        f.as_ref().and_then(|(x, src)| finite(name, x, *src, diags).then(|| *x.get_ref()))
    };
    scoring.thresholds = Thresholds {
        note: get("verdict.note", &v.note),
        review: get("verdict.review", &v.review),
        remove: get("verdict.remove", &v.remove),
    };
    scoring.tone = get("verdict.tone", &v.tone);
    let t = scoring.thresholds;
    let pairs = [
        ("note", t.note, "review", t.review, &v.review),
        ("review", t.review, "remove", t.remove, &v.remove),
        ("note", t.note, "remove", t.remove, &v.remove),
    ];
    for (lo_name, lo, hi_name, hi, at) in pairs {
        if let (Some(lo), Some(hi), Some((span, src))) = (lo, hi, at) {
            if hi < lo {
                diags.push(m.sources[*src].diag(
                    Some(span.span()),
                    None,
                    format!("verdict.{hi_name} = {hi} is below verdict.{lo_name} = {lo}"),
                    Some("thresholds rise from note to review to remove".into()),
                ));
            }
        }
    }
    scoring
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::{Action, Lexicon, Severity};

    fn flag(rule: &str, action: Action) -> Flag {
        Flag {
            rule: rule.into(),
            category: "c".into(),
            severity: Severity::Medium,
            action,
            matched: "x".into(),
            start: 0,
            end: 1,
        }
    }

    #[test]
    fn without_thresholds_the_strongest_action_decides() {
        let s = Scoring::default();
        let flags = [flag("a", Action::Note), flag("b", Action::Review)];
        assert_eq!(s.judge(&flags, || panic!("no tone")), (Verdict::Review, None));
        assert_eq!(s.judge(&[], || panic!("no tone")), (Verdict::Ok, None));
    }

    #[test]
    fn scores_add_once_per_rule_with_the_tone_term() {
        let s = Scoring {
            scores: [("a".to_string(), 1.0), ("b".to_string(), 0.5)].into(),
            thresholds: Thresholds { note: Some(0.5), review: Some(1.5), remove: Some(3.0) },
            tone: Some(-2.0),
            actions: false,
        };
        let flags = [flag("a", Action::Remove), flag("a", Action::Remove), flag("b", Action::Note)];
        let b = s.breakdown(&flags, || -0.5);
        assert_eq!(b.rules, vec![("a".into(), 1.0), ("b".into(), 0.5)]);
        assert_eq!(b.tone, Some((-0.5, 1.0)));
        assert_eq!(b.total, 2.5);
        assert_eq!(b.verdict, Verdict::Review, "actions do not force: {b:?}");
        let forced = Scoring { actions: true, ..s.clone() };
        assert_eq!(forced.judge(&flags, || -0.5), (Verdict::Remove, Some(2.5)));
        // A friendly comment with a mild flag falls below every threshold.
        assert_eq!(s.judge(&[flag("b", Action::Review)], || 0.9).0, Verdict::Ok);
    }

    #[test]
    fn the_lexicon_reads_scores_and_checks_them() {
        let base = "[categories.c]\naction = \"note\"\n\
                    [[rule]]\nid = \"c/a\"\ncategory = \"c\"\nwords = [\"idiot\"]\nscore = 2.0\n\
                    [[rule]]\nid = \"c/b\"\ncategory = \"c\"\nwords = [\"dumb\"]\n";
        let lex = Lexicon::from_str(
            "t.toml",
            &format!("{base}[scores]\n\"c/b\" = 0.75\n[verdict]\nreview = 1.0\nremove = 2.5\n"),
        )
        .unwrap();
        let s = lex.scoring();
        assert_eq!((s.score_of("c/a"), s.score_of("c/b")), (2.0, 0.75));
        let (v, score) = lex.judge(&lex.check("you idiot", 0.0), || 0.0);
        assert_eq!((v, score), (Verdict::Review, Some(2.0)));
        let (v, _) = lex.judge(&lex.check("dumb", 0.0), || 0.0);
        assert_eq!(v, Verdict::Note, "0.75 is below review; the note action forces note");

        let bad = Lexicon::from_str(
            "t.toml",
            &format!("{base}[scores]\n\"c/zz\" = 1.0\n[verdict]\nreview = 2.0\nremove = 1.0\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(bad.contains("[scores] names \"c/zz\""), "{bad}");
        assert!(bad.contains("verdict.remove = 1 is below verdict.review = 2"), "{bad}");
        assert!(bad.contains("t.toml:"), "{bad}");

        // A disabled rule takes its score with it; a detector is named `detector/NAME`.
        let lex = Lexicon::from_str(
            "t.toml",
            &format!(
                "disable = [\"c/a\"]\n{base}[detectors.links]\ncategory = \"c\"\n\
                 [scores]\n\"detector/links\" = 0.5\n"
            ),
        )
        .unwrap();
        assert_eq!(lex.scoring().scores.len(), 1, "{:?}", lex.scoring());
        assert_eq!(lex.scoring().score_of("detector/links"), 0.5);
    }
}
