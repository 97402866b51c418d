//! Moderation lexicons: rules moderators can read and change, checked when loaded, compiled
//! once, and matched in a way that survives common evasions and explains itself.
//!
//! Input: lexicon TOML (the format is documented in `lexicons/README.md`) and a comment's text
//! with its tone (VADER compound, supplied by the caller so this module does not depend on
//! `crate::tone`). Output: [`Flag`]s whose byte offsets point into the original text, and a
//! [`Verdict`].
//!
//! Pipeline: parse (serde, unknown fields rejected) → merge layers (`extends`, several files,
//! later overrides by rule id) → validate (every problem with file:line:col and a hint) →
//! compile (words and phrases into leftmost-longest Aho-Corasick automata over the normalised
//! text, regex patterns into one multi-pattern regex) → run every rule's examples.
//!
//! Matching is two-tier: a screen (a first-pass lazy DFA over the lower-cased text, then views
//! with an offset map per word, anchored searches at the few word starts a hashed filter lets
//! through, the pattern set, detector pre-checks) proves most comments clean; only comments
//! with a candidate get the full scan (boundary and run checks, allowlists and conditions), on
//! the views the screen built. Property tests check the screen never hides a flag and the
//! screened scan equals the unscreened one.
//!
//! Invariants: a [`Lexicon`] is immutable, `Send + Sync` and cheap to clone; `check` never
//! panics, and every flag satisfies `flag.matched == text[flag.start..flag.end]`.

mod attributes;
mod compile;
mod compiled;
mod detectors;
mod error;
mod examples;
mod literals;
mod load;
mod matcher;
pub mod normalize;
mod quick;
mod schema;
mod scoring;
pub mod terms;

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use attributes::Attribute;
pub use error::{Diagnostic, LexiconError};
pub use normalize::{Folding, NormalizeOptions};
pub use scoring::{Judgement, ModelSettings, ModelTerm, ScoreBreakdown, Scoring, Thresholds};

/// How sure the language identification must be that a text is in another language for the
/// toxicity model to leave it unscored.
pub const MODEL_SURE: f64 = 0.9;

/// The built-in lexicon's source, `lexicons/default.toml`.
pub const DEFAULT_TOML: &str = include_str!("../../lexicons/default.toml");

/// How serious a flag is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Low,
    /// Worth a look.
    #[default]
    Medium,
    /// Clearly harmful.
    High,
}

/// What a moderator should do about a flag. Ordered from weakest to strongest.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Record it; no moderator needed.
    Note,
    /// A moderator should look at it.
    #[default]
    Review,
    /// Take the comment down.
    Remove,
}

/// A comment's overall outcome: the strongest action among its flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No flag.
    Ok,
    /// Only `note` flags.
    Note,
    /// At least one `review` flag.
    Review,
    /// At least one `remove` flag.
    Remove,
}

impl From<Action> for Verdict {
    fn from(a: Action) -> Verdict {
        match a {
            Action::Note => Verdict::Note,
            Action::Review => Verdict::Review,
            Action::Remove => Verdict::Remove,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Ok => "ok",
            Verdict::Note => "note",
            Verdict::Review => "review",
            Verdict::Remove => "remove",
        })
    }
}

/// The strongest action among `flags` ([`Verdict::Ok`] when there are none).
pub fn verdict(flags: &[Flag]) -> Verdict {
    flags.iter().map(|f| Verdict::from(f.action)).max().unwrap_or(Verdict::Ok)
}

/// One rule matching one place of a comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The rule's id (`detector/NAME` for built-in detectors).
    pub rule: String,
    /// The rule's category.
    pub category: String,
    /// The rule's severity (its own, or its category's).
    pub severity: Severity,
    /// The rule's action (its own, or its category's).
    pub action: Action,
    /// The original text matched: `text[start..end]`.
    pub matched: String,
    /// Byte offset of the match in the original text.
    pub start: usize,
    /// Byte offset just past the match in the original text.
    pub end: usize,
}

/// A match, with what it matched and how.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The flag it produced.
    pub flag: Flag,
    /// The lexicon term or pattern that matched, as written in the lexicon.
    pub term: String,
    /// The foldings that were needed for the text to match.
    pub foldings: Vec<Folding>,
}

/// Why a rule that matched produced no flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Veto {
    /// The matched word is on the category's allowlist.
    Allowlist {
        /// The allowlist entry.
        entry: String,
    },
    /// The rule needs one of these words nearby and none was.
    NotNear {
        /// The rule's `near.words`.
        words: Vec<String>,
        /// The rule's `near.within`.
        within: Option<usize>,
    },
    /// One of the rule's `unless` words was nearby.
    Unless {
        /// The word found.
        word: String,
    },
    /// The rule is for other languages than the comment's.
    Language {
        /// The comment's language.
        language: String,
        /// The rule's `languages`.
        languages: Vec<String>,
    },
    /// The comment's tone was not hostile enough for the rule.
    Tone {
        /// The comment's compound score.
        compound: f64,
        /// The rule's threshold.
        below: f64,
    },
}

/// A rule that matched text but was vetoed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Vetoed {
    /// The rule's id.
    pub rule: String,
    /// The rule's category.
    pub category: String,
    /// The lexicon term or pattern that matched.
    pub term: String,
    /// The original text matched.
    pub matched: String,
    /// Byte offset of the match in the original text.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// Why no flag was raised.
    pub reason: Veto,
}

/// Everything `moderato explain` shows about one text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// The folded text regex patterns see.
    pub normalized: String,
    /// The collapsed text words and phrases are matched in.
    pub collapsed: String,
    /// The compound tone score, if a rule needed it.
    pub compound: Option<f64>,
    /// Matches that raised flags.
    pub matches: Vec<Match>,
    /// Matches vetoed by an allowlist or a condition.
    pub vetoed: Vec<Vetoed>,
    /// The verdict of the flags (and of the score, in a scored lexicon).
    pub verdict: Verdict,
    /// How the score was made, in a scored lexicon (see [`Scoring`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreBreakdown>,
    /// The toxicity model's score and the n-grams that moved it most, when it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelExplanation>,
}

/// What the toxicity model made of a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelExplanation {
    /// The calibrated toxicity (0–1).
    pub toxicity: f64,
    /// The verdict it reaches against the `[model]` thresholds.
    pub by_model: Verdict,
    /// The n-grams that raised it most, strongest first.
    pub raised: Vec<crate::model::Contribution>,
    /// The n-grams that lowered it most, strongest first.
    pub lowered: Vec<crate::model::Contribution>,
}

/// A category of rules (`[categories.NAME]`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Category {
    /// Its name.
    pub name: String,
    /// Default severity of its rules.
    pub severity: Severity,
    /// Default action of its rules.
    pub action: Action,
    /// What it is for.
    pub note: Option<String>,
    /// Words and phrases never flagged in this category.
    pub allow: Vec<String>,
}

/// What a rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Words, phrases and patterns.
    Lexical,
    /// Built-in detector: links.
    Links,
    /// Built-in detector: e-mail addresses.
    Email,
    /// Built-in detector: phone numbers.
    Phone,
    /// Built-in detector: shouting (share of capitals).
    Shouting,
    /// Built-in detector: one character flooded.
    Flooding,
}

/// A context condition: words or phrases within some words of the match.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Context {
    /// The words or phrases, as written.
    pub words: Vec<String>,
    /// How many words away they may be; `None` means anywhere in the comment.
    pub within: Option<usize>,
}

/// A rule's examples.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Examples {
    /// Texts the rule must flag.
    pub hit: Vec<String>,
    /// Texts the rule must not flag.
    pub miss: Vec<String>,
}

/// A compiled rule, as read (the merged lexicon's view).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// Its category.
    pub category: String,
    /// Effective severity.
    pub severity: Severity,
    /// Effective action.
    pub action: Action,
    /// What it is for.
    pub note: Option<String>,
    /// What it matches.
    pub kind: RuleKind,
    /// Whole words (`*` at an end for prefix/suffix forms).
    pub words: Vec<String>,
    /// Phrases.
    pub phrases: Vec<String>,
    /// Regex patterns over the folded text.
    pub patterns: Vec<String>,
    /// Words that must be near.
    pub near: Option<Context>,
    /// Words that veto when near.
    pub unless: Option<Context>,
    /// Flag only when the compound tone is below this.
    pub tone_below: Option<f64>,
    /// The languages it applies to (ISO 639-1); empty for every language.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// Its examples.
    pub examples: Examples,
}

impl Rule {
    /// Whether the rule applies to a text in `language` (ISO 639-1, or `und`). A rule without
    /// languages applies to every text; one with languages applies to those and to texts whose
    /// language is undetermined (a short "Du Idiot!" is `und`, and must still be flagged).
    pub fn applies_to(&self, language: &str) -> bool {
        self.languages.is_empty()
            || language == "und"
            || self.languages.iter().any(|l| l == language)
    }
}

/// A rule example that does not behave as stated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExampleFailure {
    /// The rule.
    pub rule: String,
    /// The example text.
    pub example: String,
    /// True for a `hit` example that was not flagged, false for a `miss` example that was.
    pub expected_hit: bool,
    /// Where the example is written, with the message.
    pub diagnostic: Diagnostic,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt(f)
    }
}

/// A merged, validated and compiled lexicon. Immutable, `Send + Sync`, cheap to clone.
///
/// Compiled in parts: the core (rules for every language, and the detectors), and one part
/// per set of `languages` that rules name, matched only for texts in one of those languages
/// (or of undetermined language).
#[derive(Clone, Debug)]
pub struct Lexicon {
    pub(crate) inner: std::sync::Arc<compiled::Compiled>,
    pub(crate) parts: std::sync::Arc<Vec<(Vec<String>, compiled::Compiled)>>,
    pub(crate) all_rules: std::sync::Arc<Vec<Rule>>,
    pub(crate) scoring: std::sync::Arc<Scoring>,
    pub(crate) model: Option<crate::model::Model>,
}

impl Lexicon {
    /// The built-in lexicon (`lexicons/default.toml`), compiled once per process.
    pub fn builtin() -> Lexicon {
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Lexicon::from_str(load::BUILTIN_PATH, DEFAULT_TOML)
                    .unwrap_or_else(|e| panic!("the built-in lexicon is invalid:\n{e}"))
            })
            .clone()
    }

    /// Load and merge lexicon files in order (later files override rules by id); each file's
    /// `extends` are resolved relative to it and merged before it.
    pub fn load(paths: &[PathBuf]) -> Result<Lexicon, LexiconError> {
        let mut loader = load::Loader::default();
        for p in paths {
            loader.add_file(p)?;
        }
        compile::build(loader)?.with_passing_examples()
    }

    /// The lexicon, if every rule's examples behave as stated; else every failure.
    fn with_passing_examples(self) -> Result<Lexicon, LexiconError> {
        let failures = self.run_examples();
        if failures.is_empty() {
            Ok(self)
        } else {
            Err(LexiconError::Invalid(failures.into_iter().map(|f| f.diagnostic).collect()))
        }
    }

    /// Load a lexicon from text. `name` is used in diagnostics and as the base of relative
    /// `extends` paths.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str, toml: &str) -> Result<Lexicon, LexiconError> {
        let mut loader = load::Loader::default();
        let path = PathBuf::from(name);
        loader.add_source(path.clone(), toml.to_owned(), path);
        compile::build(loader)?.with_passing_examples()
    }

    /// Flags raised on `text`, whose VADER compound score is `compound`.
    pub fn check(&self, text: &str, compound: f64) -> Vec<Flag> {
        self.check_with(text, || compound)
    }

    /// Flags raised on `text` in `language` (ISO 639-1 or `und`), in text order: rules for
    /// other languages ([`Rule::applies_to`]) are not even matched. The compound score is
    /// computed only if a rule with a tone condition matched (at most once).
    pub fn check_in(
        &self,
        text: &str,
        language: &str,
        compound: impl FnOnce() -> f64,
    ) -> Vec<Flag> {
        let mut tone = Some(compound);
        let mut cached: Option<f64> = None;
        let mut score = || *cached.get_or_insert_with(|| tone.take().map_or(0.0, |f| f()));
        let mut flags = check_part(&self.inner, text, &mut score);
        let mut more = false;
        for (langs, part) in self.parts.iter() {
            if language == "und" || langs.iter().any(|l| l == language) {
                let found = check_part(part, text, &mut score);
                more |= !found.is_empty();
                flags.extend(found);
            }
        }
        if more {
            flags.sort_by_key(|f| (f.start, f.end));
        }
        flags
    }

    /// The lexicon's scores and `[verdict]` settings.
    pub fn scoring(&self) -> &Scoring {
        &self.scoring
    }

    /// The verdict of `flags` (raised by this lexicon on `text`), the comment's score
    /// when the lexicon is scored and its toxicity when the model scored it (`logit`, see
    /// [`Scoring::judge`]). `compound` is called only when the lexicon weighs tone.
    pub fn judge(
        &self,
        text: &str,
        flags: &[Flag],
        compound: impl FnOnce() -> f64,
        logit: Option<f64>,
    ) -> Judgement {
        self.scoring.judge(text, flags, compound, logit)
    }

    /// This lexicon with `model` as its toxicity model (`None`: no toxicity scores). Lexicons
    /// are made without one; the command line gives them the built-in model unless told
    /// otherwise (`--model`).
    pub fn with_model(mut self, model: Option<crate::model::Model>) -> Lexicon {
        self.model = model;
        self
    }

    /// The toxicity model, if any.
    pub fn model(&self) -> Option<&crate::model::Model> {
        self.model.as_ref()
    }

    /// When the lexicon says which model file its calibration and model weight were fitted
    /// with (`[model] sha256`, which `lexicon fit` writes) and this lexicon scores with another
    /// one or none, while the model has a weight in the score: what is wrong, for a warning.
    /// The scores then mean something the fit did not measure.
    pub fn model_mismatch(&self) -> Option<String> {
        // Without a weight the model adds nothing to the score, whichever it is (a layer
        // fitted without the model writes `[verdict] model = 0` over an earlier fit's).
        if self.scoring.model_weight.is_none_or(|w| w == 0.0) {
            return None;
        }
        let want = self.scoring.model_sha256.as_deref()?;
        let short = |s: &str| s.chars().take(12).collect::<String>();
        match &self.model {
            Some(m) if m.sha256() == want => None,
            Some(m) => Some(format!(
                "the lexicon's model weight and calibration were fitted with the model whose \
                 SHA-256 begins {}, but this run scores with another (SHA-256 {}); pass the \
                 fit's --model, or fit again with this one",
                short(want),
                short(m.sha256())
            )),
            None => Some(format!(
                "the lexicon's model weight and calibration were fitted with the model whose \
                 SHA-256 begins {}, but this run has no model (--model none): its scores lack \
                 the model's part",
                short(want)
            )),
        }
    }

    /// The model's raw log-odds for `text` in `language`, when there is a model and it applies:
    /// to texts in its languages, in `und`, and in any language named with a confidence below
    /// [`MODEL_SURE`] (short texts, where identification is unreliable: of 3,061 held-back
    /// English Wikipedia comments, 23 were named another language, at 0.59–0.87).
    pub fn model_logit(&self, text: &str, language: crate::lang::Language) -> Option<f64> {
        self.model
            .as_ref()
            .filter(|m| m.applies_to(language.code) || language.confidence < MODEL_SURE)
            .map(|m| m.logit(text))
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.all_rules.iter().find(|r| r.id == id)
    }

    /// [`Lexicon::explain`] for a text in `language`: matches of rules for other languages are
    /// shown as vetoed ([`Veto::Language`]).
    pub fn explain_in(
        &self,
        text: &str,
        language: crate::lang::Language,
        compound: f64,
    ) -> Explanation {
        let lang = language;
        let language = lang.code;
        let mut e = self.explain(text, compound);
        let (keep, drop): (Vec<Match>, Vec<Match>) = e
            .matches
            .into_iter()
            .partition(|m| self.rule(&m.flag.rule).is_none_or(|r| r.applies_to(language)));
        for m in drop {
            let languages =
                self.rule(&m.flag.rule).map(|r| r.languages.clone()).unwrap_or_default();
            e.vetoed.push(Vetoed {
                rule: m.flag.rule.clone(),
                category: m.flag.category.clone(),
                term: m.term,
                matched: m.flag.matched,
                start: m.flag.start,
                end: m.flag.end,
                reason: Veto::Language { language: language.to_string(), languages },
            });
        }
        e.matches = keep;
        let flags: Vec<Flag> = e.matches.iter().map(|m| m.flag.clone()).collect();
        self.score_explanation(&mut e, &flags, compound, text, lang);
        e
    }

    /// Like [`Lexicon::check`], but the compound score is computed only if a rule with a
    /// tone condition matched (at most once). Every rule applies, whatever its `languages`.
    pub fn check_with(&self, text: &str, compound: impl FnOnce() -> f64) -> Vec<Flag> {
        self.check_in(text, "und", compound)
    }

    /// Explain what matching did on `text`: the normalised text, each match with the foldings
    /// that made it match, and the matches vetoed by an allowlist or condition. Every rule is
    /// tried, whatever its `languages` (see [`Lexicon::explain_in`]).
    pub fn explain(&self, text: &str, compound: f64) -> Explanation {
        let mut f = || compound;
        let mut scan = matcher::Scan::run(&self.inner, text, &mut f, None, true);
        for (_, part) in self.parts.iter() {
            let mut g = || compound;
            let more = matcher::Scan::run(part, text, &mut g, None, true);
            scan.compound = scan.compound.or(more.compound);
            scan.flags.extend(more.flags);
            scan.matches.extend(more.matches);
            scan.vetoed.extend(more.vetoed);
        }
        scan.matches.sort_by_key(|m| (m.flag.start, m.flag.end));
        let norm = normalize::normalize(text, &self.inner.normalize);
        let mut e = Explanation {
            normalized: norm.folded,
            collapsed: norm.collapsed,
            compound: scan.compound,
            verdict: Verdict::Ok,
            matches: scan.matches,
            vetoed: scan.vetoed,
            score: None,
            model: None,
        };
        self.score_explanation(&mut e, &scan.flags, compound, text, crate::lang::Language::UND);
        e
    }

    /// Sets the explanation's verdict (and score breakdown, in a scored lexicon, and the
    /// model's part, when it applies to `language`) from `flags`.
    fn score_explanation(
        &self,
        e: &mut Explanation,
        flags: &[Flag],
        compound: f64,
        text: &str,
        language: crate::lang::Language,
    ) {
        let logit = self.model_logit(text, language);
        e.model = self.model.as_ref().zip(logit).map(|(m, l)| {
            let (raised, lowered) = m.explain(text, 5);
            let toxicity = self.scoring.model.toxicity(l);
            ModelExplanation {
                toxicity,
                by_model: self.scoring.model.thresholds.verdict_of(toxicity),
                raised,
                lowered,
            }
        });
        if self.scoring.is_scored() {
            let b = self.scoring.breakdown(text, flags, || compound, logit);
            if b.tone.is_some() {
                e.compound = Some(compound);
            }
            e.verdict = b.verdict;
            e.score = Some(b);
        } else {
            e.verdict = self.scoring.judge(text, flags, || compound, logit).verdict;
            e.score = None;
        }
    }

    /// The merged lexicon (after `extends` and overrides) as TOML.
    pub fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The lexicon's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The rules, detectors included, in lexicon order.
    pub fn rules(&self) -> &[Rule] {
        &self.all_rules
    }

    /// The categories, by name.
    pub fn categories(&self) -> &[Category] {
        &self.inner.categories
    }

    /// The score attributes (`[attributes.NAME]`), by name.
    pub fn attributes(&self) -> &[Attribute] {
        &self.inner.attributes
    }

    /// The lexicon's own `version`, if it gives one.
    pub fn version(&self) -> Option<&str> {
        self.inner.version.as_deref()
    }

    /// A short fingerprint of every file the lexicon was built from (their texts, in load
    /// order): two lexicons with the same fingerprint were built from the same files. The
    /// service reports it so a verdict can be traced to the exact lexicon that gave it.
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for s in &self.inner.sources {
            for b in s.path.to_string_lossy().bytes().chain([0]).chain(s.text.bytes()).chain([0]) {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }

    /// The files on disk the lexicon was read from, for tools that reload it when they change.
    /// The built-in layer (`extends = ["builtin"]`) is compiled in, not a file, and is left out.
    pub fn files(&self) -> Vec<PathBuf> {
        self.inner
            .sources
            .iter()
            .filter(|s| {
                s.path != std::path::Path::new(load::BUILTIN_PATH) || s.text != DEFAULT_TOML
            })
            .map(|s| s.path.clone())
            .collect()
    }

    /// The languages some rule is limited to (`languages = [...]`), sorted.
    pub fn rule_languages(&self) -> Vec<String> {
        let mut out: Vec<String> = self.parts.iter().flat_map(|(l, _)| l.clone()).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The normalisation settings in force.
    pub fn normalize_options(&self) -> &NormalizeOptions {
        &self.inner.normalize
    }

    /// Check every rule against its own examples: `hit` examples must be flagged by the rule,
    /// `miss` examples must not. Tone conditions are treated as met (compound −1). A lexicon
    /// that loaded has none; this is for tools that show them.
    pub fn run_examples(&self) -> Vec<ExampleFailure> {
        let mut out = examples::run(&self.inner);
        for (_, part) in self.parts.iter() {
            out.extend(examples::run(part));
        }
        out
    }
}

/// The flags one compiled part raises on `text`.
fn check_part(
    part: &compiled::Compiled,
    text: &str,
    compound: &mut dyn FnMut() -> f64,
) -> Vec<Flag> {
    let matcher::Screened::Candidate(candidate) = matcher::screen(part, text) else {
        return Vec::new();
    };
    matcher::Scan::run_screened(part, text, compound, candidate).flags
}

#[cfg(test)]
mod tests;
