//! Fitting a lexicon's scores to a site's own moderation decisions, the SpamAssassin way: the
//! rules stay as written, each gets a score, a comment's score is the sum of its flagged rules'
//! scores plus a weight times its tone, and thresholds turn the score into a verdict.
//!
//! The scores are an L2-regularised logistic regression over "rule flagged the comment" (one
//! 0/1 feature per rule or detector that flags some labeled comment) and the VADER compound,
//! fitted by Newton's method (the features are few, so the exact Hessian is cheap and the fit
//! converges in a handful of steps, deterministically). The intercept is folded into the
//! thresholds: `review` is the score that maximises F1 on the comments it was fitted on, `note`
//! the one that maximises F2 (recall weighs more) if lower, `remove` the lowest score at which
//! at least 90% of the comments were positive.
//!
//! A lexicon's rules see what their authors named. A site's removed comments also differ in
//! many small ways no one writes rules for, so the fit can also learn a vocabulary
//! ([`vocabulary`]; `[terms]` in the lexicon, see `crate::lexicon::terms`): every word and
//! two-word phrase common enough in the labels becomes a feature. With thousands of features
//! the exact Hessian is too big, and Newton's steps are solved by conjugate gradients
//! ([`solve`]).
//!
//! How well that will do on new comments is estimated by stratified k-fold cross-validation
//! with a seeded shuffle: every candidate setting (the regularisation strength, and whether the
//! rules' own actions still force a verdict) is fitted on k−1 folds, its threshold chosen there,
//! and counted on the fold left out; the setting with the best mean F1 is fitted on everything.
//! Nothing here reads the clock or depends on thread scheduling, so the same labels give the
//! same file.

mod solve;
pub mod vocabulary;

use rayon::prelude::*;
use serde::Serialize;

use solve::sigmoid;

use super::report::Scores;
use super::Confusion;
use crate::lexicon::{Action, Lexicon, Thresholds, Verdict};

/// How `fit` works.
#[derive(Clone, Debug, PartialEq)]
pub struct FitOptions {
    /// Folds of the cross-validation (at least 2).
    pub folds: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Regularisation strengths tried (L2 penalty `λ/2·‖w‖²` on the summed log-loss).
    pub lambdas: Vec<f64>,
    /// How many new words and two-word phrases to propose (the way `lexicon suggest` finds
    /// them: over-represented in the positives the lexicon misses) and score as rules of a
    /// `learned` category; 0 for none. In the cross-validation each fold proposes its own from
    /// its training comments, so the estimate counts what proposing costs.
    pub learn_terms: usize,
    /// At most this many words and two-word phrases of the labeled comments (those in at least
    /// [`vocabulary::MIN_COMMENTS`] comments, the most frequent first) are scored as the
    /// lexicon's learned vocabulary (`[terms]`); 0 for none. Chosen per fold like the terms.
    pub vocabulary: usize,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            folds: 5,
            seed: 1,
            lambdas: vec![0.1, 0.3, 1.0, 3.0, 10.0, 30.0],
            learn_terms: 0,
            vocabulary: 20_000,
        }
    }
}

/// The category learned terms are rules of.
pub const LEARNED_CATEGORY: &str = "learned";

/// A learned term's rule id: `learned/` and the term, spaces as dashes.
fn term_id(term: &str) -> String {
    format!("{LEARNED_CATEGORY}/{}", term.replace(' ', "-"))
}

/// Terms proposed from the rows `train` selects: over-represented in their positives the
/// lexicon misses, against their negatives. Terms with an apostrophe are left out (the
/// lexicon reads an apostrophe as a word break).
fn propose(
    texts: &[&str],
    rows: &[Observation],
    train: impl Fn(usize) -> bool,
    n: usize,
) -> Vec<String> {
    let mut missed = Vec::new();
    let mut negatives = Vec::new();
    for (i, r) in rows.iter().enumerate().filter(|(i, _)| train(*i)) {
        if r.label && r.unfitted < Verdict::Review {
            missed.push(texts[i]);
        } else if !r.label {
            negatives.push(texts[i]);
        }
    }
    let opt = super::suggest::SuggestOptions { top: n * 2, ..Default::default() };
    super::suggest::suggest(&missed, &negatives, opt)
        .into_iter()
        .map(|c| c.term)
        .filter(|t| !t.contains(['\'', '’']))
        .take(n)
        .collect()
}

/// The learned terms as lexicon TOML: a `learned` category (action note, so a term alone
/// forces nothing) and one rule per term, carrying its score when given.
pub fn terms_toml(terms: &[(String, Option<f64>)]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "[categories.{LEARNED_CATEGORY}]");
    let _ = writeln!(s, "severity = \"low\"\naction = \"note\"");
    let _ = writeln!(s, "note = \"terms learned by `moderato lexicon fit` from labeled comments\"");
    for (term, score) in terms {
        let key = if term.contains(' ') { "phrases" } else { "words" };
        let _ = write!(
            s,
            "\n[[rule]]\nid = {}\ncategory = \"{LEARNED_CATEGORY}\"\n{key} = [{}]\n",
            quoted(&term_id(term)),
            quoted(term)
        );
        if let Some(v) = score {
            let _ = writeln!(s, "score = {}", num(*v));
        }
    }
    s
}

/// Adds the candidate terms as features: matched with the lexicon's own machinery (a lexicon
/// of the terms, under `normalize` settings of the lexicon fitted), appended to `obs.rules`.
fn add_terms(obs: &mut Observations, texts: &[&str], terms: &[String], lexicon: &Lexicon) {
    if terms.is_empty() {
        return;
    }
    let n = lexicon.normalize_options();
    let toml = format!(
        "[normalize]\ncase = {}\nunicode = {}\nconfusables = {}\nleet = {}\nrepeated = {}\nspaced = {}\n{}",
        n.case,
        n.unicode,
        n.confusables,
        n.leet,
        n.repeated,
        n.spaced,
        terms_toml(&terms.iter().map(|t| (t.clone(), None)).collect::<Vec<_>>())
    );
    let Ok(lex) = Lexicon::from_str("<learned terms>", &toml) else {
        return;
    };
    let base = obs.rules.len() as u32;
    let index: std::collections::HashMap<String, u32> =
        terms.iter().enumerate().map(|(i, t)| (term_id(t), base + i as u32)).collect();
    obs.rules.extend(terms.iter().map(|t| term_id(t)));
    let hits: Vec<Vec<u32>> = texts
        .par_iter()
        .with_min_len(64)
        .map(|t| {
            let mut v: Vec<u32> =
                lex.check(t, 0.0).iter().filter_map(|f| index.get(&f.rule).copied()).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    for (row, h) in obs.rows.iter_mut().zip(hits) {
        row.rules.extend(h);
    }
}

/// What the unfitted lexicon says about one labeled comment: the input of the fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Indices (into [`Observations::rules`]) of the rules that flagged it, each once.
    pub rules: Vec<u32>,
    /// The strongest action among its flags (what forces a verdict).
    pub forced: Verdict,
    /// The unfitted lexicon's verdict.
    pub unfitted: Verdict,
    /// Its VADER compound.
    pub compound: f64,
    /// The toxicity model's raw log-odds, when the lexicon has a model that applies.
    pub model: Option<f64>,
    /// Its label.
    pub label: bool,
    /// Its vocabulary terms (numbers into [`Observations::terms`]; empty unless the fit reads a
    /// vocabulary).
    pub terms: Vec<u32>,
    /// Its number of words (see `crate::lexicon::terms`).
    pub words: u32,
}

/// Every labeled comment as the lexicon sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Observations {
    /// Every rule and detector id of the lexicon, in lexicon order.
    pub rules: Vec<String>,
    /// One per labeled comment.
    pub rows: Vec<Observation>,
    /// Every vocabulary term of the comments, by number (empty unless the fit reads one).
    pub terms: Vec<String>,
}

/// Check every text with the (unfitted) lexicon, in parallel; `compound` gives a text's VADER
/// compound score (needed for every text: it is a feature).
pub fn observe<F>(lexicon: &Lexicon, samples: &[(&str, bool)], compound: F) -> Observations
where
    F: Fn(&str) -> f64 + Sync,
{
    let rules: Vec<String> = lexicon.rules().iter().map(|r| r.id.clone()).collect();
    let index: std::collections::HashMap<&str, u32> =
        rules.iter().enumerate().map(|(i, r)| (r.as_str(), i as u32)).collect();
    let rows = samples
        .par_iter()
        .with_min_len(64)
        .map(|&(text, label)| {
            let c = compound(text);
            let lang = crate::lang::identify(text);
            let model = lexicon.model_logit(text, lang);
            let m = crate::moderate::moderate_scored(lexicon, text, lang, || c, model);
            let mut hit: Vec<u32> =
                m.flags.iter().filter_map(|f| index.get(f.rule.as_str()).copied()).collect();
            hit.sort_unstable();
            hit.dedup();
            Observation {
                rules: hit,
                forced: crate::lexicon::verdict(&m.flags),
                unfitted: m.verdict,
                compound: c,
                model,
                label,
                terms: Vec::new(),
                words: 0,
            }
        })
        .collect();
    Observations { rules, rows, terms: Vec::new() }
}

/// The cross-validated estimate of how the fitted lexicon will do on new comments.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CvEstimate {
    /// Precision over all folds' held-out comments.
    pub precision: f64,
    /// Recall over all folds' held-out comments.
    pub recall: f64,
    /// Mean of the folds' F1.
    pub f1: f64,
    /// Standard deviation of the folds' F1.
    pub f1_sd: f64,
    /// Number of folds.
    pub folds: usize,
    /// Each fold's F1.
    pub fold_f1: Vec<f64>,
    /// Whether the estimate is nested: each fold's comments were left out of the whole fit,
    /// the choice of settings and terms included (see [`NESTED_UP_TO`]).
    pub nested: bool,
}

impl CvEstimate {
    /// The estimate from each fold's confusion counts on its held-out comments.
    fn of(per_fold: &[Confusion], nested: bool) -> CvEstimate {
        let k = per_fold.len();
        let fold_f1: Vec<f64> = per_fold.iter().map(Confusion::f1).collect();
        let mean = fold_f1.iter().sum::<f64>() / k.max(1) as f64;
        let sd = (fold_f1.iter().map(|f| (f - mean).powi(2)).sum::<f64>()
            / k.saturating_sub(1).max(1) as f64)
            .sqrt();
        let pooled = per_fold.iter().fold(Confusion::default(), |mut a, c| {
            a.tp += c.tp;
            a.fp += c.fp;
            a.fn_ += c.fn_;
            a.tn += c.tn;
            a
        });
        CvEstimate {
            precision: pooled.precision(),
            recall: pooled.recall(),
            f1: mean,
            f1_sd: sd,
            folds: k,
            fold_f1,
            nested,
        }
    }
}

/// The share of labeled comments among the model's training texts from which the fit leaves
/// the model out (see `crate::model::seen`). Below it, a few public comments a site's labels
/// happen to share with the training data do not matter.
pub const MODEL_SEEN_SHARE: f64 = 0.1;

/// Whether a model trained on `seen` of `of` labeled comments was trained on them, as far as
/// measuring or fitting it goes (about 1% of texts it never saw read as seen).
pub fn trained_on_them(seen: usize, of: usize) -> bool {
    seen > 0 && seen as f64 >= MODEL_SEEN_SHARE * of as f64
}

/// Labeled comments up to which the estimate is nested. Choosing among settings and terms by
/// their cross-validated F1 and reporting that same F1 overrates the winner when the labels
/// are few (on SFU halves of about 280 comments: by 0.035 on average over 8 splits, and by up
/// to 0.15); nesting costs `folds` more fits, which is little at this size. Above it the
/// choice has enough comments that its own cross-validation is the estimate (Kaggle halves of
/// 2,000: within 0.002 on average).
pub const NESTED_UP_TO: usize = 5_000;

/// One rule's learned score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedRule {
    /// The rule's or detector's id.
    pub id: String,
    /// Its score.
    pub score: f64,
    /// Labeled comments it flagged.
    pub hits: u64,
    /// Of those, the positive ones.
    pub positives: u64,
    /// False when no labeled comment had it: its score keeps its action (see [`Fit`]).
    pub learned: bool,
    /// For a term the fit proposed (a rule of the `learned` category), the term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
}

/// One vocabulary term's learned score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedTerm {
    /// The word or two-word phrase.
    pub term: String,
    /// Its score (before the comment's length weight).
    pub score: f64,
    /// Labeled comments it is in.
    pub hits: u64,
    /// Of those, the positive ones.
    pub positives: u64,
}

/// A fitted lexicon layer, with the estimate of how it will do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fit {
    /// Cross-validated precision, recall and F1 (verdict review or remove = act).
    pub cv: CvEstimate,
    /// The unfitted lexicon on the same comments.
    pub unfitted: Scores,
    /// The fitted lexicon on the comments it was fitted on (optimistic; for comparison only).
    pub fitted_in_sample: Scores,
    /// The regularisation strength chosen.
    pub lambda: f64,
    /// Whether the rules' own actions still force a verdict (`[verdict] actions`).
    pub actions: bool,
    /// The weight of the compound tone (`[verdict] tone`).
    pub tone: f64,
    /// The toxicity model's part, when the lexicon has a model that scored some comment.
    pub model: Option<ModelFit>,
    /// How many of the labeled comments the toxicity model was trained on, when that is at
    /// least [`MODEL_SEEN_SHARE`] of them: the fit then leaves the model out (its scores on
    /// its own training texts say nothing about new comments) and the layer turns its
    /// verdicts off.
    pub model_seen: Option<u64>,
    /// The thresholds (`[verdict]`).
    pub thresholds: Thresholds,
    /// Every rule or detector that has a score, in lexicon order.
    pub rules: Vec<FittedRule>,
    /// The learned vocabulary (`[terms]`), by term; empty when the fit without one did better.
    pub terms: Vec<FittedTerm>,
    /// Labeled comments, and the positive ones among them.
    pub comments: u64,
    /// Positive labeled comments.
    pub positives: u64,
}

/// The toxicity model in a fitted lexicon: its calibration on the labels (`[model] scale`,
/// `shift`) and the weight of its calibrated log-odds in the score (`[verdict] model`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ModelFit {
    /// `[verdict] model`.
    pub weight: f64,
    /// `[model] scale`.
    pub scale: f64,
    /// `[model] shift`.
    pub shift: f64,
}

/// Why a fit cannot be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FitError {
    /// Too few labeled comments of one kind for the folds.
    #[error(
        "{positives} positive and {negatives} negative labeled comments: cross-validation over \
         {folds} folds needs at least {folds} of each"
    )]
    TooFew {
        /// Positive comments.
        positives: usize,
        /// Negative comments.
        negatives: usize,
        /// Folds asked for.
        folds: usize,
    },
}

/// The fold (0..k) of each row: positives and negatives each shuffled with the seed and dealt
/// out in turn, so every fold holds the same share of each.
pub fn stratified_folds(labels: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let mut out = vec![0; labels.len()];
    let mut rng = SplitMix64(seed);
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        for i in (1..idx.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            idx.swap(i, j);
        }
        for (n, i) in idx.into_iter().enumerate() {
            out[i] = n % k;
        }
    }
    out
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fully specified generator, so a seed means
/// the same folds on every platform and version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Logistic regression weights: one per feature column, then the tone weight, the toxicity
/// model's weight, and the bias.
#[derive(Clone, Debug, PartialEq)]
struct Model {
    w: Vec<f64>,
    /// Platt calibration of the toxicity model (`scale`, `shift`): the feature is the
    /// calibrated log-odds, as the lexicon computes it.
    platt: (f64, f64),
}

impl Model {
    fn tone(&self) -> f64 {
        self.w[self.w.len() - 3]
    }

    fn model(&self) -> f64 {
        self.w[self.w.len() - 2]
    }

    /// The comment's score without the bias (what the lexicon computes).
    fn score(&self, cols: &Columns, row: &Observation) -> f64 {
        row.rules.iter().filter_map(|&r| cols.rules[r as usize]).map(|c| self.w[c]).sum::<f64>()
            + self.terms(cols, row)
            + self.tone() * row.compound
            + self.model() * calibrated(row, self.platt)
    }

    /// The score the layer gives the term in column `c`: its weight times the scale its
    /// feature had.
    fn term_score(&self, c: usize) -> f64 {
        self.w[c] * TERM_SCALE
    }

    /// The vocabulary's part of the score, as `crate::lexicon::terms` computes it.
    fn terms(&self, cols: &Columns, row: &Observation) -> f64 {
        if cols.terms.is_empty() || row.terms.is_empty() {
            return 0.0;
        }
        let sum: f64 =
            row.terms.iter().filter_map(|&t| cols.term(t)).map(|c| self.term_score(c)).sum();
        sum * crate::lexicon::terms::length_weight(row.words as usize)
    }
}

/// How much looser the vocabulary's terms are held than the rules: a term's feature is its
/// value times this, so the one penalty `λ/2·‖w‖²` weighs its score (the weight times this)
/// as `λ/(2·TERM_SCALE²)`, a sixteenth of a rule's. A rule is one hand-written signal; the
/// vocabulary is thousands of faint ones, each in a few comments, whose scores the rules'
/// penalty held near zero. Chosen by held-out F1 (fitted on 4/5 of a set, evaluated on the
/// other fifth; mean of 8 shuffles of SFU ≥ 2, 4 of Kaggle): SFU 0.393 at 1, 0.409 at 2,
/// 0.421 at 4, 0.391 at 8; Kaggle 0.741 at 1, 0.745 at 2, 0.746 at 4. On the shuffles of
/// `bench/fit/holdout.sh`, SFU 0.405 at 1 and 0.415 at 4, Kaggle 0.744 and 0.742
/// (lexicons/README.md, "Fitted on most of a set").
const TERM_SCALE: f64 = 4.0;

/// The features of one fit: a column for each rule seen in the labels and each vocabulary
/// term kept, then the tone, the model and the bias.
#[derive(Clone, Debug, Default)]
struct Columns {
    /// By rule index (into [`Observations::rules`]).
    rules: Vec<Option<usize>>,
    /// By term number: the column, or `u32::MAX` (empty when no vocabulary is read).
    terms: Vec<u32>,
    /// Columns before the tone, the model and the bias.
    m: usize,
}

impl Columns {
    fn term(&self, t: u32) -> Option<usize> {
        self.terms.get(t as usize).filter(|&&c| c != u32::MAX).map(|&c| c as usize)
    }

    /// A row's features: (column, value), rules first, then terms, tone, model and bias.
    fn features(&self, row: &Observation, platt: (f64, f64), out: &mut Vec<(usize, f64)>) {
        let m = self.m;
        out.clear();
        out.extend(row.rules.iter().filter_map(|&r| self.rules[r as usize]).map(|c| (c, 1.0)));
        if !self.terms.is_empty() && !row.terms.is_empty() {
            let v = TERM_SCALE * crate::lexicon::terms::length_weight(row.words as usize);
            out.extend(row.terms.iter().filter_map(|&t| self.term(t)).map(|c| (c, v)));
        }
        out.push((m, row.compound));
        out.push((m + 1, calibrated(row, platt)));
        out.push((m + 2, 1.0));
    }
}

/// A row's calibrated model log-odds (0 when the model did not score it: no term).
fn calibrated(row: &Observation, (scale, shift): (f64, f64)) -> f64 {
    row.model.map_or(0.0, |l| scale * l + shift)
}

/// Platt scaling: the `scale` and `shift` for which σ(scale × log-odds + shift) best predicts
/// the labels, by Newton's method with a halving line search. As Platt (1999) advises, the
/// targets are smoothed (positives (N₊+1)/(N₊+2), negatives 1/(N₋+2)), so separable labels
/// give a finite scale. Rows the model did not score are left out; without both labels among
/// the rest, the identity.
pub fn platt(rows: &[Observation]) -> (f64, f64) {
    let xs: Vec<(f64, bool)> = rows.iter().filter_map(|r| r.model.map(|l| (l, r.label))).collect();
    let pos = xs.iter().filter(|x| x.1).count();
    if pos == 0 || pos == xs.len() {
        return (1.0, 0.0);
    }
    let n = xs.len() as f64;
    let (np, nn) = (pos as f64, n - pos as f64);
    let (hi, lo) = ((np + 1.0) / (np + 2.0), 1.0 / (nn + 2.0));
    let target = |y: bool| if y { hi } else { lo };
    // Mean cross-entropy against the smoothed targets.
    let loss = |a: f64, b: f64| {
        xs.iter()
            .map(|&(l, y)| {
                let z = a * l + b;
                let t = target(y);
                // −t·ln σ(z) − (1−t)·ln(1−σ(z)), stably
                let softplus =
                    |x: f64| if x > 0.0 { x + (-x).exp().ln_1p() } else { x.exp().ln_1p() };
                t * softplus(-z) + (1.0 - t) * softplus(z)
            })
            .sum::<f64>()
            / n
    };
    let (mut a, mut b) = (1.0, 0.0);
    let mut f = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(l, y) in &xs {
            let p = sigmoid(a * l + b);
            let r = p - target(y);
            let w = (p * (1.0 - p)).max(1e-12);
            ga += r * l;
            gb += r;
            haa += w * l * l;
            hab += w * l;
            hbb += w;
        }
        let (ga, gb) = (ga / n, gb / n);
        let (haa, hab, hbb) = (haa / n + 1e-12, hab / n, hbb / n + 1e-12);
        let det = haa * hbb - hab * hab;
        if !(det > 0.0 && det.is_finite()) {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        // Newton's step, halved until the loss does not rise.
        let mut t = 1.0;
        while t > 1e-8 && loss(a - t * da, b - t * db) > f {
            t *= 0.5;
        }
        let (na, nb) = (a - t * da, b - t * db);
        let nf = loss(na, nb);
        if nf > f {
            break;
        }
        let moved = (na - a).abs().max((nb - b).abs());
        (a, b, f) = (na, nb, nf);
        if moved < 1e-10 {
            break;
        }
    }
    (a, b)
}

/// Features up to which [`train`] solves Newton's steps exactly (Cholesky); beyond, a
/// vocabulary is in and the steps are solved by conjugate gradients ([`solve::newton_cg`]).
const EXACT_UP_TO: usize = 400;

/// Minimises the summed log-loss plus `λ/2·‖w‖²` (the bias is not penalised) by Newton's
/// method over the features `cols` gives.
fn train(rows: &[&Observation], cols: &Columns, lambda: f64, platt: (f64, f64)) -> Model {
    let m = cols.m;
    let d = m + 3;
    if d > EXACT_UP_TO {
        let mut x = Vec::with_capacity(rows.len());
        for r in rows {
            let mut f = Vec::new();
            cols.features(r, platt, &mut f);
            x.push((f, r.label));
        }
        return Model { w: solve::newton_cg(&x, d, lambda, m + 2), platt };
    }
    // Columns m and m + 1 are the tone and the model (see `Columns::features`).
    let bias = m + 2;
    let mut w = vec![0.0; d];
    let pos = rows.iter().filter(|r| r.label).count() as f64;
    let n = rows.len() as f64;
    // Start from the base rate, so the first step is small.
    w[bias] = ((pos + 0.5) / (n - pos + 0.5)).ln();
    let mut active: Vec<(usize, f64)> = Vec::with_capacity(16);
    for _ in 0..100 {
        let mut g: Vec<f64> = w.iter().map(|x| lambda * x).collect();
        g[bias] = 0.0;
        let mut h = vec![0.0; d * d];
        for i in 0..d {
            h[i * d + i] = if i == bias { 1e-9 } else { lambda };
        }
        for row in rows {
            cols.features(row, platt, &mut active);
            let z: f64 = active.iter().map(|&(c, v)| w[c] * v).sum();
            let p = sigmoid(z);
            let r = p - f64::from(u8::from(row.label));
            let s = (p * (1.0 - p)).max(1e-12);
            for &(a, va) in &active {
                g[a] += r * va;
                for &(b, vb) in &active {
                    h[a * d + b] += s * va * vb;
                }
            }
        }
        let Some(step) = solve_spd(&mut h, &g, d) else {
            break;
        };
        let mut largest = 0.0f64;
        for (x, s) in w.iter_mut().zip(&step) {
            *x -= s;
            largest = largest.max(s.abs());
        }
        if largest < 1e-9 {
            break;
        }
    }
    Model { w, platt }
}

/// Solves `h · x = g` for a symmetric positive definite `h` (d×d, row-major) by Cholesky
/// decomposition, in place; `None` if `h` is not positive definite.
fn solve_spd(h: &mut [f64], g: &[f64], d: usize) -> Option<Vec<f64>> {
    for j in 0..d {
        let mut s = h[j * d + j];
        for k in 0..j {
            s -= h[j * d + k] * h[j * d + k];
        }
        if s <= 0.0 || !s.is_finite() {
            return None;
        }
        let l = s.sqrt();
        h[j * d + j] = l;
        for i in j + 1..d {
            let mut s = h[i * d + j];
            for k in 0..j {
                s -= h[i * d + k] * h[j * d + k];
            }
            h[i * d + j] = s / l;
        }
    }
    let mut y = vec![0.0; d];
    for i in 0..d {
        let mut s = g[i];
        for k in 0..i {
            s -= h[i * d + k] * y[k];
        }
        y[i] = s / h[i * d + i];
    }
    let mut x = vec![0.0; d];
    for i in (0..d).rev() {
        let mut s = y[i];
        for k in i + 1..d {
            s -= h[k * d + i] * x[k];
        }
        x[i] = s / h[i * d + i];
    }
    Some(x)
}

/// The threshold on `scores` that maximises F-beta of "score ≥ threshold or forced" against
/// the labels; thresholds lie halfway between neighbouring distinct scores. Items are
/// `(score, forced, label)`.
fn best_threshold(items: &[(f64, bool, bool)], beta: f64) -> f64 {
    let b2 = beta * beta;
    let positives = items.iter().filter(|x| x.2).count() as f64;
    let (mut tp, mut fp) = (0.0, 0.0);
    for &(_, forced, label) in items {
        if forced {
            if label {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
        }
    }
    let mut free: Vec<(f64, bool)> =
        items.iter().filter(|x| !x.1).map(|&(s, _, l)| (s, l)).collect();
    free.sort_by(|a, b| b.0.total_cmp(&a.0));
    let f = |tp: f64, fp: f64| {
        if tp == 0.0 {
            0.0
        } else {
            (1.0 + b2) * tp / ((1.0 + b2) * tp + b2 * (positives - tp) + fp)
        }
    };
    // Flag nothing by score: above the highest score.
    let top = free.first().map_or(1.0, |x| x.0 + 1.0);
    let (mut best, mut best_t) = (f(tp, fp), top);
    let mut i = 0;
    while i < free.len() {
        let s = free[i].0;
        while i < free.len() && free[i].0 == s {
            if free[i].1 {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i += 1;
        }
        let t = if i < free.len() { (s + free[i].0) / 2.0 } else { s - 1.0 };
        let v = f(tp, fp);
        if v > best {
            (best, best_t) = (v, t);
        }
    }
    best_t
}

/// The lowest threshold at or above `floor` at which at least `precision` of the comments
/// scoring that much are positive (at least `min` of them); `None` when there is none.
fn precise_threshold(items: &[(f64, bool)], floor: f64, precision: f64, min: usize) -> Option<f64> {
    let mut v: Vec<(f64, bool)> = items.iter().copied().filter(|x| x.0 >= floor).collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut n) = (0usize, 0usize);
    let mut out = None;
    let mut i = 0;
    while i < v.len() {
        let s = v[i].0;
        while i < v.len() && v[i].0 == s {
            tp += usize::from(v[i].1);
            n += 1;
            i += 1;
        }
        if n >= min && tp as f64 >= precision * n as f64 {
            out = Some(s);
        }
    }
    out
}

fn confusion(rows: &[&Observation], flagged: impl Fn(&Observation) -> bool) -> Confusion {
    let mut c = Confusion::default();
    for r in rows {
        c.add(flagged(r), r.label);
    }
    c
}

/// Fit the lexicon's scores to labeled comments; `compound` gives a text's VADER compound.
/// With `learn_terms` and `vocabulary`, the fits without either, with proposed terms and with
/// the vocabulary are cross-validated on the same folds, and the one with the best mean F1 is
/// kept (ties go to the simpler: terms that do not help new comments are not worth keeping).
pub fn fit<F>(
    lexicon: &Lexicon,
    samples: &[(&str, bool)],
    compound: F,
    opt: &FitOptions,
) -> Result<Fit, FitError>
where
    F: Fn(&str) -> f64 + Sync,
{
    let k = opt.folds.max(2);
    let labels: Vec<bool> = samples.iter().map(|s| s.1).collect();
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives < k || negatives < k {
        return Err(FitError::TooFew { positives, negatives, folds: k });
    }
    let texts: Vec<&str> = samples.iter().map(|s| s.0).collect();
    // A model trained on these comments is left out: the fit goes on as with `--model none`.
    let seen = lexicon.model().and_then(|m| m.trained_on(&texts)).unwrap_or(0);
    let model_seen = trained_on_them(seen, labels.len()).then_some(seen as u64);
    let without_model;
    let lexicon = if model_seen.is_some() {
        without_model = lexicon.clone().with_model(None);
        &without_model
    } else {
        lexicon
    };
    // The lexicon checks every comment once; every fit starts from what it found.
    // With the vocabulary read too: a fit without one has no term columns and ignores it.
    let mut obs = observe(lexicon, samples, compound);
    if opt.vocabulary > 0 {
        let terms = vocabulary::Terms::read(&texts);
        for ((row, t), w) in obs.rows.iter_mut().zip(terms.rows).zip(terms.words) {
            row.terms = t;
            row.words = w;
        }
        obs.terms = terms.names;
    }
    let folds = stratified_folds(&labels, k, opt.seed);
    let mut best = select(lexicon, &obs, &texts, &folds, opt);
    if labels.len() <= NESTED_UP_TO {
        // Each fold is left out of the whole selection, which is made again on the others
        // (with their own folds), and the lexicon it chose is counted on the fold.
        let per_fold: Vec<Confusion> = (0..k)
            .map(|f| {
                let inner: Vec<usize> = (0..labels.len()).filter(|&i| folds[i] != f).collect();
                let held: Vec<usize> = (0..labels.len()).filter(|&i| folds[i] == f).collect();
                let sub = Observations {
                    rules: obs.rules.clone(),
                    rows: inner.iter().map(|&i| obs.rows[i].clone()).collect(),
                    terms: obs.terms.clone(),
                };
                let sub_texts: Vec<&str> = inner.iter().map(|&i| texts[i]).collect();
                let sub_labels: Vec<bool> = inner.iter().map(|&i| labels[i]).collect();
                let sub_folds = stratified_folds(&sub_labels, k, opt.seed);
                let chosen = select(lexicon, &sub, &sub_texts, &sub_folds, opt);
                let flagged = predict(&chosen, lexicon, &obs, &texts, &held);
                let mut c = Confusion::default();
                for (&i, f) in held.iter().zip(flagged) {
                    c.add(f, labels[i]);
                }
                c
            })
            .collect();
        best.cv = CvEstimate::of(&per_fold, true);
    }
    best.model_seen = model_seen;
    Ok(best)
}

/// The selection: the fits without terms, with proposed terms and with the vocabulary (as
/// `opt` allows), each cross-validated on `folds`; the simplest unless another has a higher
/// mean F1.
fn select(
    lexicon: &Lexicon,
    obs: &Observations,
    texts: &[&str],
    folds: &[usize],
    opt: &FitOptions,
) -> Fit {
    let mut variants = vec![FitOptions { learn_terms: 0, vocabulary: 0, ..opt.clone() }];
    if opt.learn_terms > 0 {
        variants.push(FitOptions { vocabulary: 0, ..opt.clone() });
    }
    if opt.vocabulary > 0 {
        // The vocabulary holds the proposed terms' words too: no need for both.
        variants.push(FitOptions { learn_terms: 0, ..opt.clone() });
    }
    let mut best: Option<Fit> = None;
    for v in &variants {
        let f = fit_one(lexicon, obs.clone(), texts, folds, v);
        if best.as_ref().is_none_or(|b| f.cv.f1 > b.cv.f1) {
            best = Some(f);
        }
    }
    best.expect("at least the bare fit")
}

/// Whether the fitted layer `fit` would act on (review or remove) each comment `rows` selects:
/// the layer's own formula over what the lexicon found (`obs`, with the vocabulary read when
/// the fit has one), the fit's proposed terms matched as `fit_one` matches them.
fn predict(
    fit: &Fit,
    lexicon: &Lexicon,
    obs: &Observations,
    texts: &[&str],
    rows: &[usize],
) -> Vec<bool> {
    let by_id: std::collections::HashMap<&str, f64> =
        fit.rules.iter().map(|r| (r.id.as_str(), r.score)).collect();
    let rule_score: Vec<f64> =
        obs.rules.iter().map(|id| by_id.get(id.as_str()).copied().unwrap_or(0.0)).collect();
    let by_term: std::collections::HashMap<&str, f64> =
        fit.terms.iter().map(|t| (t.term.as_str(), t.score)).collect();
    let term_score: Vec<f64> = if by_term.is_empty() {
        Vec::new()
    } else {
        obs.terms.iter().map(|t| by_term.get(t.as_str()).copied().unwrap_or(0.0)).collect()
    };
    // The proposed terms' hits on these comments.
    let proposed: Vec<(String, f64)> =
        fit.rules.iter().filter_map(|r| r.term.clone().map(|t| (t, r.score))).collect();
    let mut found = Observations {
        rules: Vec::new(),
        rows: rows
            .iter()
            .map(|&i| Observation { rules: Vec::new(), ..obs.rows[i].clone() })
            .collect(),
        terms: Vec::new(),
    };
    let held_texts: Vec<&str> = rows.iter().map(|&i| texts[i]).collect();
    let names: Vec<String> = proposed.iter().map(|p| p.0.clone()).collect();
    add_terms(&mut found, &held_texts, &names, lexicon);
    let calibration = fit.model.map(|m| (m.weight, (m.scale, m.shift)));
    rows.iter()
        .zip(&found.rows)
        .map(|(&i, extra)| {
            let row = &obs.rows[i];
            let mut score: f64 = row.rules.iter().map(|&r| rule_score[r as usize]).sum();
            score += extra.rules.iter().map(|&r| proposed[r as usize].1).sum::<f64>();
            if !term_score.is_empty() {
                let sum: f64 = row.terms.iter().map(|&t| term_score[t as usize]).sum();
                score += sum * crate::lexicon::terms::length_weight(row.words as usize);
            }
            score += fit.tone * row.compound;
            if let Some((weight, platt)) = calibration {
                score += weight * calibrated(row, platt);
            }
            let by_score = fit.thresholds.review.is_some_and(|t| score >= t);
            by_score || (fit.actions && row.forced >= Verdict::Review)
        })
        .collect()
}

/// One fit: `obs` as the lexicon saw the comments `texts`, `folds` their folds.
fn fit_one(
    lexicon: &Lexicon,
    mut obs: Observations,
    texts: &[&str],
    folds: &[usize],
    opt: &FitOptions,
) -> Fit {
    let k = opt.folds.max(2);
    let labels: Vec<bool> = obs.rows.iter().map(|r| r.label).collect();
    let positives = labels.iter().filter(|&&l| l).count();
    // Terms each fold proposes from its training comments, and those all comments propose.
    let n_base = obs.rules.len();
    let mut proposed: Vec<Vec<String>> = Vec::new();
    if opt.learn_terms > 0 {
        for f in (0..k).map(Some).chain([None]) {
            let train = |i: usize| f.is_none_or(|f| folds[i] != f);
            proposed.push(propose(texts, &obs.rows, train, opt.learn_terms));
        }
    }
    let mut union: Vec<String> = proposed.iter().flatten().cloned().collect();
    union.sort();
    union.dedup();
    add_terms(&mut obs, texts, &union, lexicon);
    let obs = obs;
    // Feature columns: the rules that flag some labeled comment, and the terms proposed (by
    // the fold, or by all comments for the final fit).
    let mut hits = vec![(0u64, 0u64); obs.rules.len()];
    for r in &obs.rows {
        for &i in &r.rules {
            hits[i as usize].0 += 1;
            hits[i as usize].1 += u64::from(r.label);
        }
    }
    // The vocabulary each fold keeps from its training comments, and all comments keep.
    let kept: Vec<Vec<(u32, u32)>> = (0..k)
        .map(Some)
        .chain([None])
        .map(|f| {
            let rows = obs
                .rows
                .iter()
                .zip(folds)
                .filter(move |(_, &g)| f.is_none_or(|f| g != f))
                .map(|(r, _)| r.terms.as_slice());
            vocabulary::keep(&obs.terms, rows, opt.vocabulary)
        })
        .collect();
    let columns = |fold: Option<usize>| {
        let mine: std::collections::HashSet<String> = match (opt.learn_terms, fold) {
            (0, _) => Default::default(),
            (_, Some(f)) => proposed[f].iter().map(|t| term_id(t)).collect(),
            (_, None) => proposed[k].iter().map(|t| term_id(t)).collect(),
        };
        let mut cols = vec![None; obs.rules.len()];
        let mut m = 0;
        for (i, h) in hits.iter().enumerate() {
            if h.0 > 0 && (i < n_base || mine.contains(&obs.rules[i])) {
                cols[i] = Some(m);
                m += 1;
            }
        }
        let mut terms = Vec::new();
        let vocab = &kept[fold.unwrap_or(k)];
        if !vocab.is_empty() {
            terms = vec![u32::MAX; obs.terms.len()];
            for &(t, _) in vocab {
                terms[t as usize] = m as u32;
                m += 1;
            }
        }
        Columns { rules: cols, terms, m }
    };
    let fold_cols: Vec<Columns> = (0..k).map(|f| columns(Some(f))).collect();
    let all: Vec<&Observation> = obs.rows.iter().collect();
    // The model's calibration, on every labeled comment: an affine map of its log-odds, which
    // the fitted weight and threshold would absorb anyway, so the folds can share it.
    let platt = platt(&obs.rows);
    let has_model = obs.rows.iter().any(|r| r.model.is_some());

    // Cross-validation: every setting on every fold. The model does not depend on `actions`,
    // so each (λ, fold) is trained once.
    let settings: Vec<(f64, usize)> =
        opt.lambdas.iter().flat_map(|&l| (0..k).map(move |f| (l, f))).collect();
    #[allow(clippy::type_complexity)]
    let trained: Vec<(f64, usize, [Confusion; 2], Vec<(usize, f64)>)> = settings
        .par_iter()
        .map(|&(lambda, f)| {
            let train_rows: Vec<&Observation> =
                all.iter().zip(folds).filter(|(_, &g)| g != f).map(|(r, _)| *r).collect();
            let test_rows: Vec<&Observation> =
                all.iter().zip(folds).filter(|(_, &g)| g == f).map(|(r, _)| *r).collect();
            let cols = &fold_cols[f];
            let model = train(&train_rows, cols, lambda, platt);
            let mut out = [Confusion::default(); 2];
            for (slot, actions) in [false, true].into_iter().enumerate() {
                let items: Vec<(f64, bool, bool)> = train_rows
                    .iter()
                    .map(|r| {
                        (model.score(cols, r), actions && r.forced >= Verdict::Review, r.label)
                    })
                    .collect();
                let t = best_threshold(&items, 1.0);
                out[slot] = confusion(&test_rows, |r| {
                    model.score(cols, r) >= t || (actions && r.forced >= Verdict::Review)
                });
            }
            let oof: Vec<(usize, f64)> = (0..all.len())
                .filter(|&i| folds[i] == f)
                .map(|i| (i, model.score(cols, all[i])))
                .collect();
            (lambda, f, out, oof)
        })
        .collect();
    let mut best: Option<(f64, f64, bool, Vec<Confusion>)> = None;
    for &lambda in &opt.lambdas {
        for (slot, actions) in [false, true].into_iter().enumerate() {
            let per_fold: Vec<Confusion> =
                trained.iter().filter(|t| t.0 == lambda).map(|t| t.2[slot]).collect();
            let mean = per_fold.iter().map(Confusion::f1).sum::<f64>() / k as f64;
            if best.as_ref().is_none_or(|b| mean > b.0 + 1e-12) {
                best = Some((mean, lambda, actions, per_fold));
            }
        }
    }
    let (_, lambda, actions, per_fold) = best.expect("at least one setting");
    let cv = CvEstimate::of(&per_fold, false);

    // The final fit on everything; its thresholds are chosen on the held-out scores of the
    // cross-validation (scores of comments no model saw), which in-sample scores overrate.
    let cols = columns(None);
    let model = train(&all, &cols, lambda, platt);
    let forced = |r: &Observation| actions && r.forced >= Verdict::Review;
    let mut oof = vec![0.0; all.len()];
    for t in trained.iter().filter(|t| t.0 == lambda) {
        for &(i, s) in &t.3 {
            oof[i] = s;
        }
    }
    let items: Vec<(f64, bool, bool)> =
        all.iter().zip(&oof).map(|(r, &s)| (s, forced(r), r.label)).collect();
    let review = best_threshold(&items, 1.0);
    let note = best_threshold(&items, 2.0).min(review);
    let scored: Vec<(f64, bool)> = items.iter().map(|x| (x.0, x.2)).collect();
    let remove = precise_threshold(&scored, review, 0.9, 5);
    let thresholds = Thresholds { note: Some(note), review: Some(review), remove };
    let in_sample = confusion(&all, |r| model.score(&cols, r) >= review || forced(r));
    let unfitted = confusion(&all, |r| r.unfitted >= Verdict::Review);

    // Rules no labeled comment had keep what their action says.
    let tone = model.tone();
    let keep = |a: Action| {
        let t = match a {
            Action::Note => thresholds.note,
            Action::Review => thresholds.review,
            Action::Remove => thresholds.remove.or(thresholds.review),
        };
        t.unwrap_or(0.0) + tone.abs()
    };
    // `observe` lists the lexicon's rules first, in lexicon order.
    let mut rules: Vec<FittedRule> = lexicon
        .rules()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (score, learned) = match cols.rules[i] {
                Some(c) => (model.w[c], true),
                None => (keep(r.action), false),
            };
            FittedRule {
                id: r.id.clone(),
                score,
                hits: hits[i].0,
                positives: hits[i].1,
                learned,
                term: None,
            }
        })
        .collect();
    if opt.learn_terms > 0 {
        for t in &proposed[k] {
            let id = term_id(t);
            let Some(i) = obs.rules.iter().position(|r| *r == id) else { continue };
            if let Some(c) = cols.rules[i] {
                rules.push(FittedRule {
                    id,
                    score: model.w[c],
                    hits: hits[i].0,
                    positives: hits[i].1,
                    learned: true,
                    term: Some(t.clone()),
                });
            }
        }
    }
    // The vocabulary as all comments keep it; scores that round to 0 are left out.
    let mut in_positives = vec![0u64; if kept[k].is_empty() { 0 } else { obs.terms.len() }];
    let counting = !in_positives.is_empty();
    for r in obs.rows.iter().filter(|r| r.label && counting) {
        for &t in &r.terms {
            in_positives[t as usize] += 1;
        }
    }
    let mut terms: Vec<FittedTerm> = kept[k]
        .iter()
        .filter_map(|&(t, hits)| {
            let score = model.term_score(cols.term(t)?);
            (num(score) != "0.0000").then(|| FittedTerm {
                term: obs.terms[t as usize].clone(),
                score,
                hits: u64::from(hits),
                positives: in_positives[t as usize],
            })
        })
        .collect();
    terms.sort_by(|a, b| a.term.cmp(&b.term));
    Fit {
        cv,
        unfitted: unfitted.into(),
        fitted_in_sample: in_sample.into(),
        lambda,
        actions,
        tone,
        model_seen: None,
        model: has_model.then(|| ModelFit {
            weight: model.model(),
            scale: platt.0,
            shift: platt.1,
        }),
        thresholds,
        rules,
        terms,
        comments: labels.len() as u64,
        positives: positives as u64,
    }
}

/// What the fitted layer's header says about where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    /// The lexicon's name.
    pub name: String,
    /// The `extends` entries of the layer (the fitted lexicon's files, or `builtin`).
    pub extends: Vec<String>,
    /// How the labels were named on the command line.
    pub labels: Vec<String>,
    /// The fold seed.
    pub seed: u64,
    /// The SHA-256 of the toxicity model's file, when the fit scored with one
    /// ([`crate::model::Model::sha256`]): written as `[model] sha256` when the model is in the
    /// fit, so a run with another model can say so.
    pub model_sha256: Option<String>,
}

/// A number as the layer writes it: four decimals, so fitting twice writes the same text.
fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    if s == "-0.0000" {
        "0.0000".into()
    } else {
        s
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The fitted layer as TOML that `extends` the input lexicon: `[verdict]` and `[scores]`, one
/// comment per learned number.
pub fn to_toml(fit: &Fit, p: &Provenance) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let cv = &fit.cv;
    let u = &fit.unfitted;
    let _ = writeln!(s, "# Scores fitted by `moderato lexicon fit` to labeled comments:");
    for l in &p.labels {
        let _ = writeln!(s, "#   {}", l.replace(['\n', '\r'], " "));
    }
    let _ = writeln!(
        s,
        "# {} comments, {} positive. Logistic regression over the rules' flags{} and the tone,",
        fit.comments,
        fit.positives,
        if fit.terms.is_empty() {
            String::new()
        } else {
            format!(", a vocabulary of {} terms", fit.terms.len())
        }
    );
    let _ = writeln!(
        s,
        "# lambda {} chosen by {}-fold stratified cross-validation (seed {}).",
        fit.lambda, cv.folds, p.seed
    );
    let _ = writeln!(
        s,
        "# Expected on new comments ({}cross-validated; review or remove = act):",
        if cv.nested { "nested, " } else { "" }
    );
    let _ = writeln!(
        s,
        "#   precision {:.3}, recall {:.3}, F1 {:.3} ± {:.3} over the folds",
        cv.precision, cv.recall, cv.f1, cv.f1_sd
    );
    let _ = writeln!(
        s,
        "# The lexicon without these scores on the same comments: precision {:.3}, recall {:.3}, \
         F1 {:.3}",
        u.precision, u.recall, u.f1
    );
    let _ = writeln!(s, "name = {}", quoted(&format!("{} (fitted)", p.name)));
    let ext: Vec<String> = p.extends.iter().map(|e| quoted(e)).collect();
    let _ = writeln!(s, "extends = [{}]\n", ext.join(", "));
    let _ = writeln!(s, "[verdict]");
    let t = &fit.thresholds;
    if let Some(v) = t.note {
        let _ = writeln!(s, "# learned: the score that best finds positives, recall weighed twice");
        let _ = writeln!(s, "note = {}", num(v));
    }
    if let Some(v) = t.review {
        let _ = writeln!(s, "# learned: the score with the best F1 on the labeled comments");
        let _ = writeln!(s, "review = {}", num(v));
    }
    match t.remove {
        Some(v) => {
            let _ =
                writeln!(s, "# learned: the lowest score at which 90% of comments were positive");
            let _ = writeln!(s, "remove = {}", num(v));
        }
        None => {
            let _ = writeln!(
                s,
                "# no score reached 90% positive comments, so no score alone removes a comment"
            );
        }
    }
    let _ =
        writeln!(s, "# learned: weight of the comment's VADER compound (-1 hostile .. 1 friendly)");
    let _ = writeln!(s, "tone = {}", num(fit.tone));
    match &fit.model {
        Some(mf) => {
            let _ = writeln!(s, "# learned: weight of the toxicity model's calibrated log-odds");
            let _ = writeln!(s, "model = {}", num(mf.weight));
        }
        None => {
            // A weight a lexicon below this layer gave the model would otherwise still count,
            // against thresholds fitted without it.
            let _ = writeln!(s, "# the toxicity model is not in this fit, so it adds nothing");
            let _ = writeln!(s, "model = 0");
        }
    }
    if fit.actions {
        let _ = writeln!(s, "# learned: the rules' own actions still force at least that verdict");
        let _ = writeln!(s, "actions = true");
    } else {
        let _ =
            writeln!(s, "# learned: the score alone decides; the rules' actions do not force one");
        let _ = writeln!(s, "actions = false");
    }
    if let Some(mf) = &fit.model {
        let _ = writeln!(s, "\n[model]");
        let _ = writeln!(
            s,
            "# learned: calibration (Platt) on these labels: toxicity = 1/(1+exp(-(scale * \
             log-odds + shift)))"
        );
        let _ = writeln!(s, "scale = {}", num(mf.scale));
        let _ = writeln!(s, "shift = {}", num(mf.shift));
        if let Some(sha) = &p.model_sha256 {
            let _ = writeln!(
                s,
                "# the model file these numbers were fitted with (sha256sum); a run with another \
                 model warns"
            );
            let _ = writeln!(s, "sha256 = {}", quoted(sha));
        }
        let _ = writeln!(
            s,
            "# the model counts through [verdict] model above, so its own thresholds are off"
        );
        let _ = writeln!(s, "note = \"off\"\nreview = \"off\"\nremove = \"off\"");
    }
    if let Some(n) = fit.model_seen {
        let _ = writeln!(s, "\n[model]");
        let _ = writeln!(
            s,
            "# the toxicity model was trained on {n} of these {} labeled comments, so the fit \
             could not\n# measure it on them: it is left out of the score and its own \
             verdicts are off",
            fit.comments
        );
        let _ = writeln!(s, "note = \"off\"\nreview = \"off\"\nremove = \"off\"");
    }
    let _ = writeln!(s, "\n[scores]");
    for r in fit.rules.iter().filter(|r| r.term.is_none()) {
        if r.learned {
            let share = r.positives as f64 / r.hits as f64 * 100.0;
            let _ = writeln!(
                s,
                "# learned: flagged {} labeled comment{}, {share:.0}% positive",
                r.hits,
                if r.hits == 1 { "" } else { "s" }
            );
        } else {
            let _ = writeln!(s, "# not in the labels: set to reach its action's threshold");
        }
        let _ = writeln!(s, "{} = {}", quoted(&r.id), num(r.score));
    }
    let terms: Vec<(String, Option<f64>)> =
        fit.rules.iter().filter_map(|r| r.term.clone().map(|t| (t, Some(r.score)))).collect();
    if !terms.is_empty() {
        let _ = writeln!(
            s,
            "\n# Terms the fit proposed (over-represented in the positives the lexicon missed),\n\
             # each scored like the rules above; delete or edit them freely."
        );
        s.push_str(&terms_toml(&terms));
    }
    if !fit.terms.is_empty() {
        let _ = writeln!(
            s,
            "\n# The learned vocabulary: words and two-word phrases of the labeled comments, each \
             with a\n# score. A comment's score gains the sum of its terms' scores divided by \
             the square root\n# of (1 + its number of words). Delete or edit them freely.\n[terms]"
        );
        for t in &fit.terms {
            let _ = writeln!(
                s,
                "{} = {}  # learned: in {} comment{}, {:.0}% positive",
                quoted(&t.term),
                num(t.score),
                t.hits,
                if t.hits == 1 { "" } else { "s" },
                t.positives as f64 / t.hits.max(1) as f64 * 100.0
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_seeded_and_stable() {
        let labels: Vec<bool> = (0..103).map(|i| i % 4 == 0).collect();
        let f = stratified_folds(&labels, 5, 7);
        assert_eq!(f, stratified_folds(&labels, 5, 7));
        assert_ne!(f, stratified_folds(&labels, 5, 8));
        for k in 0..5 {
            let pos = (0..103).filter(|&i| f[i] == k && labels[i]).count();
            assert!((5..=6).contains(&pos), "fold {k}: {pos} positives");
        }
    }

    /// Comments where a rule is right two times in three and a word no rule names ("muppet")
    /// decides the rest, with some noise.
    fn muppets() -> (Lexicon, Vec<(String, bool)>) {
        let lex = Lexicon::from_str(
            "t.toml",
            "[categories.insult]\naction = \"review\"\n[[rule]]\nid = \"insult/idiot\"\n\
             category = \"insult\"\nwords = [\"idiot\"]\n",
        )
        .unwrap();
        let topics = ["the vote", "the bridge", "the budget", "the match", "the train"];
        let mut samples = Vec::new();
        for i in 0..240 {
            let t = topics[i % topics.len()];
            let (text, label) = match i % 6 {
                0 => (format!("You idiot, {t} is fine ({i})"), true),
                1 => (format!("An idiot idea, {t} ({i})"), i % 12 == 1),
                2 => (format!("What a muppet, {t} again ({i})"), i % 24 != 2),
                _ => (format!("I read about {t} today ({i})"), i % 30 == 3),
            };
            samples.push((text, label));
        }
        (lex, samples)
    }

    #[test]
    fn the_layer_formula_scores_as_the_fit_did_and_small_sets_are_nested() {
        let (lex, samples) = muppets();
        let pairs: Vec<(&str, bool)> = samples.iter().map(|(t, l)| (t.as_str(), *l)).collect();
        let opt = FitOptions::default();
        let f = fit(&lex, &pairs, |_| 0.0, &opt).unwrap();
        assert!(f.cv.nested, "{} comments: a nested estimate", pairs.len());
        assert_eq!(f.cv.fold_f1.len(), 5);
        assert!(f.terms.iter().any(|t| t.term == "muppet" && t.score > 0.0), "{:?}", f.terms);
        // `predict` (the layer's formula, used for the nested estimate) and the fit's own
        // in-sample scoring agree comment for comment, counted together.
        let texts: Vec<&str> = pairs.iter().map(|p| p.0).collect();
        let mut read = observe(&lex, &pairs, |_| 0.0);
        let terms = vocabulary::Terms::read(&texts);
        for ((row, t), w) in read.rows.iter_mut().zip(terms.rows).zip(terms.words) {
            row.terms = t;
            row.words = w;
        }
        read.terms = terms.names;
        let all: Vec<usize> = (0..pairs.len()).collect();
        let flagged = predict(&f, &lex, &read, &texts, &all);
        let mut c = Confusion::default();
        for (&l, g) in pairs.iter().map(|p| &p.1).zip(flagged) {
            c.add(g, l);
        }
        let s = &f.fitted_in_sample;
        assert_eq!((c.tp, c.fp, c.fn_, c.tn), (s.tp, s.fp, s.fn_, s.tn));
        // Above the limit the selection's own cross-validation is the estimate.
        let many: Vec<(&str, bool)> =
            pairs.iter().cycle().take(NESTED_UP_TO + 1).copied().collect();
        let opt = FitOptions { vocabulary: 0, learn_terms: 0, ..FitOptions::default() };
        assert!(!fit(&lex, &many, |_| 0.0, &opt).unwrap().cv.nested);
    }

    #[test]
    fn terms_score_in_the_layer_as_in_the_fit() {
        // Two terms in columns 0 and 1; the tone, model and bias follow.
        let cols = Columns { rules: Vec::new(), terms: vec![0, 1], m: 2 };
        let model = Model { w: vec![0.5, -0.25, 0.0, 0.0, 0.0], platt: (1.0, 0.0) };
        let row = Observation {
            rules: Vec::new(),
            forced: Verdict::Ok,
            unfitted: Verdict::Ok,
            compound: 0.0,
            model: None,
            label: false,
            terms: vec![0, 1, 0],
            words: 9,
        };
        // What the layer adds for the row: each term's written score, summed, times the
        // length weight (crate::lexicon::terms).
        let written: f64 = row.terms.iter().map(|&t| model.term_score(t as usize)).sum();
        let layer = written * crate::lexicon::terms::length_weight(9);
        assert!((model.terms(&cols, &row) - layer).abs() < 1e-12);
        assert!((model.score(&cols, &row) - layer).abs() < 1e-12);
        // The features train saw give the same value against the weights.
        let mut f = Vec::new();
        cols.features(&row, model.platt, &mut f);
        let z: f64 = f.iter().map(|&(c, v)| model.w[c] * v).sum();
        assert!((z - layer).abs() < 1e-12, "{z} against {layer}");
    }

    #[test]
    fn newton_matches_a_closed_form_case() {
        // One feature present in 30 rows of which 24 positive, absent in 70 of which 7
        // positive; no tone. Unregularised, the fit reproduces the log odds exactly.
        let mut rows = Vec::new();
        for i in 0..100 {
            let has = i < 30;
            let label = if has { i < 24 } else { i < 37 };
            rows.push(Observation {
                rules: if has { vec![0] } else { vec![] },
                forced: Verdict::Ok,
                unfitted: Verdict::Ok,
                compound: 0.0,
                model: None,
                label,
                terms: Vec::new(),
                words: 0,
            });
        }
        let refs: Vec<&Observation> = rows.iter().collect();
        let m = train(
            &refs,
            &Columns { rules: vec![Some(0)], terms: Vec::new(), m: 1 },
            1e-9,
            (1.0, 0.0),
        );
        let bias = (7.0f64 / 63.0).ln();
        let with = (24.0f64 / 6.0).ln();
        assert!((m.w[3] - bias).abs() < 1e-5, "{:?}", m.w);
        assert!((m.w[0] - (with - bias)).abs() < 1e-5, "{:?}", m.w);
    }

    #[test]
    fn thresholds_maximise_f1_and_find_precise_scores() {
        let items = [
            (3.0, false, true),
            (2.5, false, true),
            (2.0, false, false),
            (1.0, false, true),
            (0.5, false, false),
            (0.1, false, false),
        ];
        // Flagging the top two gives F1 0.8; the top four 0.857 (tp 3, fp 1).
        let t = best_threshold(&items, 1.0);
        assert!(t < 1.0 && t > 0.5, "{t}");
        let scored: Vec<(f64, bool)> = items.iter().map(|x| (x.0, x.2)).collect();
        assert_eq!(precise_threshold(&scored, 0.0, 0.9, 2), Some(2.5));
        assert_eq!(precise_threshold(&scored, 0.0, 0.9, 3), None);
        // A forced positive counts without its score.
        let forced = [(0.0, true, true), (1.0, false, false)];
        assert!(best_threshold(&forced, 1.0) > 1.0);
    }

    #[test]
    fn platt_recovers_a_known_calibration() {
        // Labels drawn so that P(y | l) = σ(2l − 1) exactly, in expectation: for each l, the
        // share of positives is that probability (on a fine grid of counts).
        let mut rows = Vec::new();
        for i in -20..=20 {
            let l = f64::from(i) / 10.0;
            let p = sigmoid(2.0 * l - 1.0);
            let pos = (p * 1000.0).round() as usize;
            for j in 0..1000 {
                rows.push(Observation {
                    rules: vec![],
                    forced: Verdict::Ok,
                    unfitted: Verdict::Ok,
                    compound: 0.0,
                    model: Some(l),
                    label: j < pos,
                    terms: Vec::new(),
                    words: 0,
                });
            }
        }
        let (a, b) = platt(&rows);
        assert!((a - 2.0).abs() < 0.01 && (b + 1.0).abs() < 0.01, "{a} {b}");
        // no model, or one label only: the identity
        assert_eq!(platt(&rows[10..20]), (1.0, 0.0));
    }
}
