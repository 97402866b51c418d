//! The lexicon file format as serde reads it (documented in `lexicons/README.md`).
//!
//! Unknown fields are rejected everywhere so a typo ("catgeory") is an error, not a silently
//! ignored setting. Values a diagnostic may point at are `Spanned`, so semantic errors found
//! after parsing still carry a file position.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Action, Severity};

/// A whole lexicon file.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disable: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<NormalizeSpec>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<String, CategorySpec>,
    #[serde(default, skip_serializing_if = "DetectorsSpec::is_empty")]
    pub detectors: DetectorsSpec,
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSpec>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttributeSpec>,
    /// `[scores]`: a score per rule or detector id, over what earlier layers (or the rule's own
    /// `score`) say.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scores: BTreeMap<String, Spanned<f64>>,
    /// `[terms]`: a learned vocabulary, a score per word or two-word phrase (see
    /// `lexicon::terms`), over what earlier layers say.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub terms: BTreeMap<String, Spanned<f64>>,
    /// `[verdict]`: how a comment's score becomes a verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<VerdictSpec>,
    /// `[model]`: what the toxicity model's score decides on its own, and its calibration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelSpec>,
}

/// A `[model]` threshold: a toxicity (0–1), or `"off"` to unset what an earlier layer set.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum Level {
    /// Toxicity at least this.
    At(f64),
    /// `"off"`: never by the model's score.
    Off(String),
}

/// `[model]`: the learned toxicity score's own verdicts and calibration, each field optional so
/// a layer changes only what it names.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelSpec {
    /// A toxicity at least this is at least `note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Spanned<Level>>,
    /// A toxicity at least this is at least `review`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Spanned<Level>>,
    /// A toxicity at least this is `remove`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<Spanned<Level>>,
    /// Calibration (Platt): toxicity = σ(scale × the model's log-odds + shift). Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Spanned<f64>>,
    /// Calibration shift. Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Spanned<f64>>,
    /// SHA-256 of the model file the calibration and `[verdict] model` were fitted with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Spanned<String>>,
}

/// `[verdict]`: thresholds on a comment's score (the sum of its flagged rules' scores plus the
/// tone term), each optional so a layer changes only what it names.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerdictSpec {
    /// A score at least this is `note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Spanned<f64>>,
    /// A score at least this is `review`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Spanned<f64>>,
    /// A score at least this is `remove`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove: Option<Spanned<f64>>,
    /// Added to the score times the comment's VADER compound (−1..1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<Spanned<f64>>,
    /// Whether a flag's own action (the rule's or its category's) still forces at least that
    /// verdict (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<bool>,
    /// Added to the score times the toxicity model's calibrated log-odds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<Spanned<f64>>,
}

/// `[attributes.NAME]`: which flags a score attribute of the moderation service (Perspective's
/// `TOXICITY`, `INSULT` …) is made of.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttributeSpec {
    /// Categories whose flags count; `"*"` is every category.
    pub categories: Vec<Spanned<String>>,
    /// Only flags of at least this severity count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `[normalize]`: every field optional so a file extending another changes only what it names.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NormalizeSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unicode: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confusables: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leet: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spaced: Option<bool>,
}

/// `[categories.NAME]`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CategorySpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Spanned<String>>,
}

/// `examples = { hit = [...], miss = [...] }`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExamplesSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hit: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub miss: Vec<Spanned<String>>,
}

/// `near = { words = [...], within = N }` and `unless = { ... }`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextSpec {
    pub words: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<usize>,
}

/// `tone = { below = -0.3 }`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ToneSpec {
    pub below: Spanned<f64>,
}

/// One `[[rule]]`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    pub id: Spanned<String>,
    pub category: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<ContextSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unless: Option<ContextSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<ToneSpec>,
    /// What a flag of this rule adds to the comment's score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Spanned<f64>>,
    /// The languages the rule applies to (ISO 639-1); none means every language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<ExamplesSpec>,
}

impl RuleSpec {
    pub(crate) fn all_words(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.word.iter().chain(&self.words)
    }

    pub(crate) fn all_phrases(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.phrase.iter().chain(&self.phrases)
    }

    pub(crate) fn all_patterns(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.pattern.iter().chain(&self.patterns)
    }
}

/// `[detectors]`: built-in detectors, each optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetectorsSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<DetectorSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<DetectorSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<DetectorSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shouting: Option<DetectorSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flooding: Option<DetectorSpec>,
}

impl DetectorsSpec {
    fn is_empty(&self) -> bool {
        self.links.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.shouting.is_none()
            && self.flooding.is_none()
    }
}

/// One detector's settings; which numeric settings apply depends on the detector.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetectorSpec {
    pub category: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What a flag of this detector adds to the comment's score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Spanned<f64>>,
    /// links: how many links make a comment spam.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Spanned<usize>>,
    /// shouting: letters a comment needs before shouting counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_letters: Option<Spanned<usize>>,
    /// shouting: share of capitals among cased letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Spanned<f64>>,
    /// flooding: how many times one character repeated counts as flooding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_run: Option<Spanned<usize>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<ExamplesSpec>,
}
