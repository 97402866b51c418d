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
//!
//! The toxicity model (`crate::model`) comes in two ways, both set by the lexicon. `[model]`
//! calibrates it (toxicity = σ(scale × log-odds + shift)) and gives it verdicts of its own
//! (`note`, `review`, `remove` thresholds on toxicity); `[verdict] model` adds its weight times
//! the calibrated log-odds to the score. The one formula:
//!
//! ```text
//! verdict = max(rules, model)
//!   rules = strongest action                         (no [verdict] thresholds)
//!         | max(thresholds(score), strongest action)  (actions = true, the default)
//!         | thresholds(score)                         (actions = false)
//!   score = Σ scores of the distinct flagged rules + tone × compound + model × log-odds
//!         + terms (the learned vocabulary, see `lexicon::terms`)
//!   model = [model] thresholds(toxicity), ok when the model does not apply
//! ```
//!
//! So a threshold can only add verdicts to what the rules give: nothing the rules flag is lost.

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

/// `[model]`: the toxicity model's calibration and the verdicts its score reaches on its own.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ModelSettings {
    /// Least (calibrated) toxicity for each verdict.
    pub thresholds: Thresholds,
    /// Calibration: toxicity = σ(scale × log-odds + shift).
    pub scale: f64,
    /// Calibration shift.
    pub shift: f64,
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings { thresholds: Thresholds::default(), scale: 1.0, shift: 0.0 }
    }
}

impl ModelSettings {
    /// The calibrated log-odds of the model's raw log-odds.
    pub fn calibrate(&self, logit: f64) -> f64 {
        self.scale * logit + self.shift
    }

    /// The calibrated toxicity (0–1) of the model's raw log-odds.
    pub fn toxicity(&self, logit: f64) -> f64 {
        1.0 / (1.0 + (-self.calibrate(logit)).exp())
    }
}

/// What the model added to a verdict, for `explain` and for records.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ModelTerm {
    /// The calibrated toxicity.
    pub toxicity: f64,
    /// The calibrated log-odds.
    pub logit: f64,
    /// What it added to the score (`[verdict] model` × log-odds), if the lexicon weighs it.
    pub term: Option<f64>,
    /// The verdict its toxicity reached against the `[model]` thresholds.
    pub by_model: Verdict,
}

/// A comment's verdict, its score (when the lexicon is scored) and its toxicity (when the
/// model applies).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judgement {
    /// The verdict.
    pub verdict: Verdict,
    /// The score, when the lexicon is scored.
    pub score: Option<f64>,
    /// The calibrated toxicity, when the model scored the comment.
    pub toxicity: Option<f64>,
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
    /// `[verdict] model`: the weight of the model's calibrated log-odds in the score.
    pub model_weight: Option<f64>,
    /// `[model]`.
    pub model: ModelSettings,
    /// `[model] sha256`: the SHA-256 (lower-case hex) of the model file the calibration and
    /// `model_weight` were fitted with.
    pub model_sha256: Option<String>,
    /// `[terms]`: the learned vocabulary.
    pub terms: super::terms::Vocabulary,
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
    /// The model's part, when it scored the comment.
    pub model: Option<ModelTerm>,
    /// The learned vocabulary's part, when the lexicon has `[terms]`.
    pub terms: Option<super::terms::TermsPart>,
    /// The thresholds it was held against.
    pub thresholds: Thresholds,
    /// The verdict the score reached on its own.
    pub by_score: Verdict,
    /// The strongest action among the flags (what forced the verdict, if it is stronger).
    pub by_actions: Verdict,
    /// The verdict: the score's, or the flags' actions when those force more, or the model's
    /// when that is stronger.
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
        self.decides()
            || self.tone.is_some()
            || self.model_weight.is_some()
            || !self.scores.is_empty()
            || !self.terms.is_empty()
    }

    /// The score of one rule or detector id (0 when it has none).
    pub fn score_of(&self, id: &str) -> f64 {
        self.scores.get(id).copied().unwrap_or(0.0)
    }

    /// The verdict of `flags` (raised on `text`), the score when the lexicon is scored, and
    /// the toxicity when the model scored the comment (`logit`: its raw log-odds). `compound`
    /// is called only when the lexicon weighs tone.
    pub fn judge(
        &self,
        text: &str,
        flags: &[Flag],
        compound: impl FnOnce() -> f64,
        logit: Option<f64>,
    ) -> Judgement {
        if !self.is_scored() {
            let toxicity = logit.map(|l| self.model.toxicity(l));
            let by_model = toxicity.map_or(Verdict::Ok, |t| self.model.thresholds.verdict_of(t));
            return Judgement { verdict: verdict(flags).max(by_model), score: None, toxicity };
        }
        let b = self.breakdown(text, flags, compound, logit);
        Judgement {
            verdict: b.verdict,
            score: Some(b.total),
            toxicity: b.model.map(|m| m.toxicity),
        }
    }

    /// The whole computation, step by step.
    pub fn breakdown(
        &self,
        text: &str,
        flags: &[Flag],
        compound: impl FnOnce() -> f64,
        logit: Option<f64>,
    ) -> ScoreBreakdown {
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
        let model = logit.map(|l| {
            let toxicity = self.model.toxicity(l);
            let logit = self.model.calibrate(l);
            ModelTerm {
                toxicity,
                logit,
                term: self.model_weight.map(|w| w * logit),
                by_model: self.model.thresholds.verdict_of(toxicity),
            }
        });
        let terms = (!self.terms.is_empty()).then(|| self.terms.part(text));
        let total = rules.iter().map(|(_, s)| s).sum::<f64>()
            + tone.map_or(0.0, |t| t.1)
            + model.and_then(|m| m.term).unwrap_or(0.0)
            + terms.as_ref().map_or(0.0, |t| t.term);
        let by_actions = verdict(flags);
        let by_score = self.thresholds.verdict_of(total);
        let by_rules = if !self.decides() {
            by_actions
        } else if self.actions {
            by_score.max(by_actions)
        } else {
            by_score
        };
        let verdict = by_rules.max(model.map_or(Verdict::Ok, |m| m.by_model));
        ScoreBreakdown {
            total,
            rules,
            tone,
            model,
            terms,
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
    let mut terms = Vec::with_capacity(m.terms.len());
    for (term, (score, src)) in &m.terms {
        if !super::terms::is_term(term) {
            diags.push(
                m.sources[*src].diag(
                    Some(score.span()),
                    None,
                    format!(
                        "[terms] names \"{term}\", which is not one word or two as text is read"
                    ),
                    Some(
                        "write lower-case words of letters and digits, two separated by one space"
                            .into(),
                    ),
                ),
            );
        } else if finite(&format!("score of term \"{term}\""), score, *src, diags) {
            terms.push((term.clone(), *score.get_ref()));
        }
    }
    scoring.terms = super::terms::Vocabulary::new(terms);
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
    scoring.model_weight = get("verdict.model", &v.model);
    (scoring.model, scoring.model_sha256) = compile_model(m, diags);
    let at = |x: &Option<(toml::Spanned<f64>, usize)>| x.as_ref().map(|(v, src)| (v.span(), *src));
    check_rising(m, "verdict", scoring.thresholds, [at(&v.review), at(&v.remove)], diags);
    scoring
}

/// Thresholds must rise from note to review to remove; `at` is where `review` and `remove`
/// were set (span, source), for the message.
fn check_rising(
    m: &Merged,
    table: &str,
    t: Thresholds,
    at: [Option<(std::ops::Range<usize>, usize)>; 2],
    diags: &mut Vec<Diagnostic>,
) {
    let [review_at, remove_at] = at;
    let pairs = [
        ("note", t.note, "review", t.review, &review_at),
        ("review", t.review, "remove", t.remove, &remove_at),
        ("note", t.note, "remove", t.remove, &remove_at),
    ];
    for (lo_name, lo, hi_name, hi, at) in pairs {
        if let (Some(lo), Some(hi), Some((span, src))) = (lo, hi, at) {
            if hi < lo {
                diags.push(m.sources[*src].diag(
                    Some(span.clone()),
                    None,
                    format!("{table}.{hi_name} = {hi} is below {table}.{lo_name} = {lo}"),
                    Some("thresholds rise from note to review to remove".into()),
                ));
            }
        }
    }
}

/// `[model]`: thresholds are toxicities (0–1, or "off"), rising; scale and shift are numbers.
/// `[model]` as the lexicon reads it, and the SHA-256 (lower-case hex) of the model file it was
/// fitted with, when it names one.
fn compile_model(m: &Merged, diags: &mut Vec<Diagnostic>) -> (ModelSettings, Option<String>) {
    use super::schema::Level;
    let f = &m.model;
    let mut level = |name: &str, x: &Option<(toml::Spanned<Level>, usize)>| -> Option<f64> {
        let (v, src) = x.as_ref()?;
        let bad = |msg: String, diags: &mut Vec<Diagnostic>| {
            diags.push(m.sources[*src].diag(
                Some(v.span()),
                None,
                msg,
                Some("a toxicity between 0 and 1, e.g. 0.9, or \"off\"".into()),
            ));
        };
        match v.get_ref() {
            Level::At(t) if (0.0..=1.0).contains(t) => Some(*t),
            Level::At(t) => {
                bad(format!("model.{name} = {t} is not between 0 and 1"), diags);
                None
            }
            Level::Off(s) if s == "off" => None,
            Level::Off(s) => {
                bad(format!("model.{name} = {s:?}: not a number or \"off\""), diags);
                None
            }
        }
    };
    let thresholds = Thresholds {
        note: level("note", &f.note),
        review: level("review", &f.review),
        remove: level("remove", &f.remove),
    };
    let at =
        |x: &Option<(toml::Spanned<Level>, usize)>| x.as_ref().map(|(v, src)| (v.span(), *src));
    check_rising(m, "model", thresholds, [at(&f.review), at(&f.remove)], diags);
    let mut number = |name: &str, x: &Option<(toml::Spanned<f64>, usize)>, default: f64| {
        let Some((v, src)) = x else { return default };
        if v.get_ref().is_finite() {
            *v.get_ref()
        } else {
            diags.push(m.sources[*src].diag(
                Some(v.span()),
                None,
                format!("model.{name} = {} is not a number", v.get_ref()),
                Some("write a finite number, e.g. 1.5".into()),
            ));
            default
        }
    };
    let scale = number("scale", &f.scale, 1.0);
    let shift = number("shift", &f.shift, 0.0);
    let sha256 = f.sha256.as_ref().and_then(|(v, src)| {
        let s = v.get_ref().to_ascii_lowercase();
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Some(s)
        } else {
            diags.push(m.sources[*src].diag(
                Some(v.span()),
                None,
                format!("model.sha256 = {:?} is not a SHA-256 (64 hex digits)", v.get_ref()),
                Some("write what `sha256sum MODEL.bin` prints, or leave the field out".into()),
            ));
            None
        }
    });
    (ModelSettings { thresholds, scale, shift }, sha256)
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
        assert_eq!(s.judge("", &flags, || panic!("no tone"), None).verdict, Verdict::Review);
        assert_eq!(s.judge("", &flags, || panic!("no tone"), None).score, None);
        assert_eq!(s.judge("", &[], || panic!("no tone"), None).verdict, Verdict::Ok);
    }

    #[test]
    fn scores_add_once_per_rule_with_the_tone_term() {
        let s = Scoring {
            scores: [("a".to_string(), 1.0), ("b".to_string(), 0.5)].into(),
            thresholds: Thresholds { note: Some(0.5), review: Some(1.5), remove: Some(3.0) },
            tone: Some(-2.0),
            actions: false,
            ..Scoring::default()
        };
        let flags = [flag("a", Action::Remove), flag("a", Action::Remove), flag("b", Action::Note)];
        let b = s.breakdown("", &flags, || -0.5, None);
        assert_eq!(b.rules, vec![("a".into(), 1.0), ("b".into(), 0.5)]);
        assert_eq!(b.tone, Some((-0.5, 1.0)));
        assert_eq!(b.total, 2.5);
        assert_eq!(b.verdict, Verdict::Review, "actions do not force: {b:?}");
        let forced = Scoring { actions: true, ..s.clone() };
        let j = forced.judge("", &flags, || -0.5, None);
        assert_eq!((j.verdict, j.score), (Verdict::Remove, Some(2.5)));
        // A friendly comment with a mild flag falls below every threshold.
        assert_eq!(s.judge("", &[flag("b", Action::Review)], || 0.9, None).verdict, Verdict::Ok);
    }

    #[test]
    fn the_vocabulary_adds_its_terms_over_the_length_and_never_flags() {
        let base = "[categories.c]\naction = \"note\"\n\
                    [[rule]]\nid = \"c/a\"\ncategory = \"c\"\nwords = [\"idiot\"]\n\
                    [verdict]\nreview = 1.0\n";
        let lex = Lexicon::from_str(
            "t.toml",
            &format!("{base}[terms]\n\"muppet\" = 3.0\n\"you muppet\" = 1.0\n\"sir\" = -3.0\n"),
        )
        .unwrap();
        let text = "you muppet";
        let flags = lex.check(text, 0.0);
        assert!(flags.is_empty(), "terms are not flags: {flags:?}");
        let b = lex.scoring().breakdown(text, &flags, || 0.0, None);
        let t = b.terms.as_ref().unwrap();
        assert_eq!(t.words, 2);
        assert!((t.term - 4.0 / 3f64.sqrt()).abs() < 1e-12, "{t:?}");
        assert_eq!(b.total, t.term);
        assert_eq!(b.verdict, Verdict::Review);
        // A negative term lowers the score; without terms a lexicon's breakdown has none.
        assert_eq!(lex.judge("muppet, sir", &[], || 0.0, None).verdict, Verdict::Ok);
        let plain = Lexicon::from_str("t.toml", base).unwrap();
        assert_eq!(plain.scoring().breakdown(text, &[], || 0.0, None).terms, None);
        // A score that is not a number is refused by name.
        let bad = Lexicon::from_str("t.toml", &format!("{base}[terms]\n\"muppet\" = nan\n"));
        assert!(bad.unwrap_err().to_string().contains("score of term \"muppet\""));
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
        let j = lex.judge("you idiot", &lex.check("you idiot", 0.0), || 0.0, None);
        assert_eq!((j.verdict, j.score), (Verdict::Review, Some(2.0)));
        let j = lex.judge("dumb", &lex.check("dumb", 0.0), || 0.0, None);
        assert_eq!(j.verdict, Verdict::Note, "0.75 is below review; the note action forces note");

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

    #[test]
    fn the_model_adds_verdicts_by_its_thresholds_and_never_takes_one_away() {
        let s = Scoring {
            actions: true,
            model: ModelSettings {
                thresholds: Thresholds { note: Some(0.2), review: Some(0.7), remove: None },
                scale: 1.0,
                shift: 0.0,
            },
            ..Scoring::default()
        };
        let logit = |p: f64| (p / (1.0 - p)).ln();
        let j = s.judge("", &[], || panic!("no tone"), Some(logit(0.8)));
        assert_eq!(j.verdict, Verdict::Review);
        assert!((j.toxicity.unwrap() - 0.8).abs() < 1e-9);
        assert_eq!(j.score, None, "no scores: no score");
        assert_eq!(s.judge("", &[], || 0.0, Some(logit(0.3))).verdict, Verdict::Note);
        assert_eq!(s.judge("", &[], || 0.0, Some(logit(0.1))).verdict, Verdict::Ok);
        // a low toxicity never lowers what the rules say; no model, no toxicity
        let flags = [flag("a", Action::Remove)];
        assert_eq!(s.judge("", &flags, || 0.0, Some(logit(0.01))).verdict, Verdict::Remove);
        assert_eq!(s.judge("", &flags, || 0.0, None).toxicity, None);
        // calibration moves the toxicity the thresholds see
        let cal = Scoring { model: ModelSettings { shift: -3.0, ..s.model }, ..s.clone() };
        let j = cal.judge("", &[], || 0.0, Some(logit(0.8)));
        assert!((j.toxicity.unwrap() - 0.1661).abs() < 1e-3, "{j:?}");
        assert_eq!(j.verdict, Verdict::Ok);
    }

    #[test]
    fn a_weighted_model_enters_the_score() {
        let s = Scoring {
            thresholds: Thresholds { note: None, review: Some(1.0), remove: None },
            model_weight: Some(0.5),
            actions: true,
            ..Scoring::default()
        };
        let b = s.breakdown("", &[], || 0.0, Some(3.0));
        let m = b.model.unwrap();
        assert_eq!((m.logit, m.term), (3.0, Some(1.5)));
        assert_eq!((b.total, b.verdict), (1.5, Verdict::Review));
        assert_eq!(s.judge("", &[], || 0.0, Some(1.0)).verdict, Verdict::Ok);
    }

    #[test]
    fn the_lexicon_reads_model_settings_and_checks_them() {
        let base = "[categories.c]\naction = \"note\"\n";
        let lex = Lexicon::from_str(
            "t.toml",
            &format!("{base}[model]\nnote = 0.3\nreview = 0.8\nremove = \"off\"\nscale = 2.0\n"),
        )
        .unwrap();
        let m = lex.scoring().model;
        assert_eq!(
            (m.thresholds.note, m.thresholds.review, m.thresholds.remove),
            (Some(0.3), Some(0.8), None)
        );
        assert_eq!((m.scale, m.shift), (2.0, 0.0));
        let bad = Lexicon::from_str(
            "t.toml",
            &format!("{base}[model]\nreview = 1.5\nnote = \"sometimes\"\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(bad.contains("model.review = 1.5 is not between 0 and 1"), "{bad}");
        assert!(bad.contains("model.note = \"sometimes\""), "{bad}");
        let bad =
            Lexicon::from_str("t.toml", &format!("{base}[model]\nreview = 0.9\nremove = 0.5\n"))
                .unwrap_err()
                .to_string();
        assert!(bad.contains("model.remove = 0.5 is below model.review = 0.9"), "{bad}");
        // the built-in lexicon sets the model's thresholds
        let m = Lexicon::builtin().scoring().model;
        assert_eq!(
            (m.thresholds.note, m.thresholds.review, m.thresholds.remove),
            (Some(0.2), Some(0.7), None)
        );
    }
}
