//! The learned toxicity score: a small text model beside the rules.
//!
//! Rules catch what they name; a trained model scores what nobody wrote a rule for (and gives
//! comment systems the kind of score they used to get from Perspective). This one is logistic
//! regression over hashed word 1–2-grams and character 3–5-grams ([`features`]), with `2^bits`
//! weights stored as one-byte codes into a 256-value codebook in a documented file ([`file`]);
//! the built-in model is compiled into the binary (`models/toxicity-en.bin`, 291 KiB) and
//! `--model FILE` loads another.
//!
//! Pipeline position: between tone and moderation. A comment's `toxicity` is
//! `σ(bias + Σ weight × value)`, or none when the comment's language is not one the model was
//! trained for (`und` counts as trained for: too short to tell is mostly too short to matter).
//! How it combines with the rules is the lexicon's `[model]` table
//! (`crate::lexicon::ModelSettings`). Training ([`train`]) and measuring ([`metrics`]) are
//! here too, so `model train` and `model eval` are thin.

pub mod features;
pub mod file;
pub mod metrics;
pub mod seen;
pub mod train;

use std::cell::RefCell;
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use features::{
    for_each_counted, normalise, normalise_ascii, token_char_sum, Kind, Scheme, Seen, Unit,
};
pub use file::FileError;

/// The built-in model's file.
pub const BUILTIN: &[u8] = include_bytes!("../../models/toxicity-en.bin");

/// A loaded toxicity model. Immutable, `Send + Sync`.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    bits: u32,
    bias: f32,
    codebook: [f32; file::LEVELS],
    codes: std::sync::Arc<[u8]>,
    scheme: Scheme,
    languages: Vec<String>,
    provenance: String,
    seen: Option<seen::SeenTexts>,
    /// SHA-256 of the file, as `sha256sum` prints it: which model a fitted lexicon's weight
    /// and calibration belong to.
    sha256: String,
}

/// Why a model file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Reading it failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// It is not a model this build reads.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why it was refused.
        source: FileError,
    },
}

/// One n-gram's part in a score, for `explain`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contribution {
    /// The n-gram as read (normalised text).
    pub ngram: String,
    /// `chars` or `words`.
    pub kind: &'static str,
    /// What it added to the log-odds (all its occurrences).
    pub logit: f64,
}

/// What scoring one text needs, kept per thread.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    bytes: Vec<u8>,
    seen: Seen,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    /// The model built into the binary.
    pub fn builtin() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            Model::from_bytes(BUILTIN).expect("the built-in model is valid (tested)")
        })
    }

    /// Reads a model file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, FileError> {
        use sha2::{Digest, Sha256};
        let d = file::decode(bytes)?;
        Ok(Model {
            sha256: hex::encode(Sha256::digest(bytes)),
            bits: d.bits,
            bias: d.bias,
            codebook: d.codebook,
            codes: d.codes.into(),
            scheme: d.scheme,
            languages: d.languages,
            provenance: d.provenance,
            seen: d.seen,
        })
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let name = path.display().to_string();
        let bytes =
            std::fs::read(path).map_err(|source| ModelError::Io { path: name.clone(), source })?;
        Model::from_bytes(&bytes).map_err(|source| ModelError::File { path: name, source })
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let head = file::Header {
            bits: self.bits,
            bias: self.bias,
            scheme: self.scheme,
            languages: &self.languages,
            provenance: &self.provenance,
        };
        file::encode_codes(head, &self.codebook, &self.codes, self.seen.as_ref())
    }

    /// How many of `texts` the model was trained on (very likely: about 1% of other texts
    /// read as seen too), when its file records its training texts (format version 2).
    pub fn trained_on(&self, texts: &[&str]) -> Option<usize> {
        use rayon::prelude::*;
        let seen = self.seen.as_ref()?;
        Some(texts.par_iter().with_min_len(256).filter(|t| seen.contains(t)).count())
    }

    /// The weight of bucket `b`.
    #[inline]
    fn weight(&self, b: usize) -> f32 {
        self.codebook[usize::from(self.codes[b])]
    }

    /// The model of trained weights, exactly as its file will read (weights become codes),
    /// recording the texts it was trained on.
    pub fn from_trained<'a>(
        t: &train::Trained,
        bits: u32,
        languages: &[String],
        provenance: &str,
        texts: impl ExactSizeIterator<Item = &'a str>,
    ) -> Model {
        let seen = seen::SeenTexts::of(texts);
        let head =
            file::Header { bits, bias: t.bias, scheme: train::SCHEME, languages, provenance };
        let bytes = file::encode(head, &t.weights, Some(&seen));
        Model::from_bytes(&bytes).expect("a file just encoded decodes")
    }

    /// log2 of the number of weights.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The languages it was trained for.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// The SHA-256 of its file, in lower-case hex (what `sha256sum` prints).
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// How it was made (the training command and data, as recorded in the file).
    pub fn provenance(&self) -> &str {
        &self.provenance
    }

    /// Whether it scores text in `language` (ISO 639-1, or `und`, which it does).
    pub fn applies_to(&self, language: &str) -> bool {
        language == "und" || self.languages.iter().any(|l| l == language)
    }

    /// The log-odds that `text` is toxic.
    pub fn logit(&self, text: &str) -> f64 {
        SCRATCH.with(|scratch| {
            let Scratch { chars, bytes, seen } = &mut *scratch.borrow_mut();
            if text.is_ascii() {
                normalise_ascii(text.as_bytes(), bytes);
                self.logit_of(bytes, seen)
            } else {
                normalise(text, chars);
                self.logit_of(chars, seen)
            }
        })
    }

    /// The log-odds of normalised text.
    fn logit_of<U: Unit>(&self, chars: &[U], seen: &mut Seen) -> f64 {
        seen.reset(self.bits, chars.len());
        // Four sums side by side: additions in one chain wait on each other.
        let sum = |bs: &[u32]| {
            let mut acc = [0.0f32; 4];
            for (i, &b) in bs.iter().enumerate() {
                acc[i % 4] += self.weight(b as usize);
            }
            (acc[0] + acc[1]) + (acc[2] + acc[3])
        };
        let part = |w: f32, n: usize| f64::from(w) / (n.max(1) as f64).sqrt();
        let chars_part = match self.scheme {
            Scheme::Whole => {
                // First the distinct buckets, then their weights: the reads of the table
                // do not wait on the hashing, so they overlap.
                seen.mark_all(chars, self.bits);
                let distinct = seen.distinct(Kind::Chars);
                part(sum(distinct), distinct.len())
            }
            Scheme::Tokens => {
                seen.mark_words(chars, self.bits);
                let (w, n) = token_char_sum(chars, self.bits, |b| self.weight(b));
                part(w, n)
            }
        };
        let words = seen.distinct(Kind::Words);
        f64::from(self.bias) + chars_part + part(sum(words), words.len())
    }

    /// The probability (0–1) that `text` is toxic, as trained (uncalibrated).
    pub fn toxicity(&self, text: &str) -> f64 {
        sigmoid(self.logit(text))
    }

    /// The `top` n-grams that raised the score most and the `top` that lowered it most, by
    /// their summed part in the log-odds, strongest first.
    pub fn explain(&self, text: &str, top: usize) -> (Vec<Contribution>, Vec<Contribution>) {
        let mut chars = Vec::new();
        normalise(text, &mut chars);
        let mut counted: Vec<(usize, usize, Kind, f32)> = Vec::new();
        let (nc, nw) =
            for_each_counted(&chars, self.scheme, self.bits, &mut Seen::default(), |b, k, s, e| {
                counted.push((s, e, k, self.weight(b)));
            });
        let mut by: std::collections::BTreeMap<(String, &'static str), f64> = Default::default();
        for (s, e, k, w) in counted {
            let (kind, n) = match k {
                Kind::Chars => ("chars", nc),
                Kind::Words => ("words", nw),
            };
            let ngram: String = chars[s..e].iter().collect();
            *by.entry((ngram, kind)).or_insert(0.0) += f64::from(w) / (n.max(1) as f64).sqrt();
        }
        let mut all: Vec<Contribution> = by
            .into_iter()
            .map(|((ngram, kind), logit)| Contribution { ngram, kind, logit })
            .collect();
        all.sort_by(|a, b| b.logit.total_cmp(&a.logit).then_with(|| a.ngram.cmp(&b.ngram)));
        let up: Vec<_> = all.iter().filter(|c| c.logit > 0.0).take(top).cloned().collect();
        let down: Vec<_> = all.iter().rev().filter(|c| c.logit < 0.0).take(top).cloned().collect();
        (up, down)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ASCII text is scored from its bytes; the result is the characters' score, bit for
    /// bit, under both schemes.
    #[test]
    fn ascii_texts_score_as_their_characters() {
        let m = Model::builtin();
        let mut whole = m.clone();
        whole.scheme = Scheme::Whole;
        let texts = [
            "",
            "You are a stupid idiot, shut up you moron",
            "don't   DO that!!!!! sooooo    bad\n\tok 42",
            "a",
            &"word salad with punctuation, and; more. ".repeat(150),
        ];
        for model in [m, &whole] {
            for t in texts {
                let mut chars = Vec::new();
                normalise(t, &mut chars);
                let want = model.logit_of(&chars, &mut Seen::default());
                assert_eq!(model.logit(t).to_bits(), want.to_bits(), "{t:?}");
            }
        }
    }

    #[test]
    fn builtin_loads_and_ranks_the_obvious() {
        let m = Model::builtin();
        assert!(m.applies_to("en") && m.applies_to("und") && !m.applies_to("de"));
        let bad = m.toxicity("You are a stupid idiot, shut up you moron");
        let good = m.toxicity("Thank you for the careful reporting on the council budget.");
        assert!(bad > 0.5 && good < 0.2, "bad {bad}, good {good}");
        assert!(BUILTIN.len() <= 2 * 1024 * 1024);
        assert_eq!(
            Model::from_bytes(&m.to_bytes()).unwrap(),
            *m,
            "writing it back changes nothing"
        );
    }

    #[test]
    fn explain_adds_up_to_the_logit() {
        let m = Model::builtin();
        let text = "what an idiot, idiot";
        let (up, down) = m.explain(text, usize::MAX);
        let sum: f64 = up.iter().chain(&down).map(|c| c.logit).sum::<f64>() + f64::from(m.bias);
        assert!((sum - m.logit(text)).abs() < 1e-3, "{sum} vs {}", m.logit(text));
        assert!(up.iter().any(|c| c.ngram.contains("idiot")), "{up:?}");
    }

    /// A model of either file version scores a text as its features say, the features
    /// training reads: `bias + Σ value × weight`.
    #[test]
    fn scoring_agrees_with_the_training_features_in_both_schemes() {
        let weights: Vec<f32> = (0..1u32 << 12)
            .map(|i| (i.wrapping_mul(2_654_435_761) % 1000) as f32 / 250.0 - 2.0)
            .collect();
        let texts = [
            "",
            "a",
            "You are an IDIOT idiot idiot!!!!",
            "don't   tell me\nwhat to do, ok?",
            "Ärger über die Straße — 北京 ",
            &"long comment text ".repeat(300),
        ];
        for scheme in [Scheme::Whole, Scheme::Tokens] {
            let head =
                file::Header { bits: 12, bias: -0.5, scheme, languages: &[], provenance: "" };
            let m = Model::from_bytes(&file::encode(head, &weights, None)).unwrap();
            assert_eq!(m.scheme, scheme);
            for text in texts {
                let row = train::featurise(text, 12, scheme);
                let want = -0.5
                    + row
                        .index
                        .iter()
                        .zip(&row.value)
                        .map(|(&b, &v)| f64::from(v) * f64::from(m.weight(b as usize)))
                        .sum::<f64>();
                let got = m.logit(text);
                // scoring sums in f32: ~1e-5 of the total over thousands of n-grams
                let (what, len) = (&text[..text.len().min(20)], text.len());
                assert!(
                    (got - want).abs() < 2e-5 * (1.0 + want.abs()),
                    "{scheme:?} {what:?} ({len} bytes): {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn from_trained_reads_as_its_file() {
        let rows = vec![
            train::featurise("idiot", 10, train::SCHEME),
            train::featurise("thanks", 10, train::SCHEME),
        ];
        let t = train::train(
            &rows,
            &[true, false],
            &[],
            &train::TrainOptions { bits: 10, ..Default::default() },
            |_, _| {},
        );
        let m = Model::from_trained(&t, 10, &["en".into()], "toy", ["idiot", "thanks"].into_iter());
        assert_eq!(Model::from_bytes(&m.to_bytes()).unwrap(), m);
        assert!(m.toxicity("idiot") > m.toxicity("thanks"));
        assert_eq!(m.trained_on(&["Idiot", "a text it never saw", "thanks"]), Some(2));
    }
}
