//! The moderation service (`moderato serve`): verdicts at the moment a comment is posted, in
//! the protocols comment systems already speak.
//!
//! - [`perspective`]: Google's Perspective API (`comments:analyze`, `comments:suggestscore`),
//!   which Coral and other clients call and which is shut down at the end of 2026;
//! - [`coral`]: Coral's signed "external moderation phase" webhook;
//! - [`scores`]: how a verdict becomes the probability-like score those clients threshold.
//!
//! Everything here but `server` (built with the default `serve` feature) is pure: a request's parsed body and an [`Engine`] in, an
//! answer or an [`ApiError`] out, tested where it lives. `server` is the one place that
//! touches the network, the clock, signals and the lexicon files (reloading them live).
//!
//! An [`Engine`] gives the verdict `audit` gives on the same text with the same lexicon
//! ([`crate::audit::audit_text`]): the service is another front on the same pipeline.
#![allow(clippy::print_stderr)]

pub mod coral;
#[cfg(feature = "serve")]
mod metrics;
pub mod perspective;
pub mod scores;
#[cfg(feature = "serve")]
pub mod server;

use std::collections::HashSet;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{audit_text, RecordAudit};
use crate::lang::ToneLanguages;
use crate::lexicon::Lexicon;
use crate::tone::Analyzer;

/// Longest comment text the service scores, by default (Perspective's own limit: 20 KB).
pub const DEFAULT_MAX_TEXT: usize = 20 * 1024;

/// A compiled lexicon with everything a request needs; swapped whole when the lexicon is
/// reloaded, so a request sees one lexicon from start to end.
#[derive(Debug)]
pub struct Engine {
    lexicon: Lexicon,
    analyzer: Analyzer,
    tones: ToneLanguages,
    languages: Vec<String>,
    info: LexiconInfo,
    max_text: usize,
}

/// Which lexicon gave an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LexiconInfo {
    /// The lexicon's `name`.
    pub name: String,
    /// Its `version`, when it gives one.
    pub version: Option<String>,
    /// A fingerprint of the files it was built from ([`Lexicon::fingerprint`]).
    pub fingerprint: String,
}

impl Engine {
    /// An engine over `lexicon`. `languages` are those requests may name (ISO 639-1); `None`
    /// means English plus every language the lexicon's rules are limited to.
    pub fn new(
        lexicon: Lexicon,
        tones: ToneLanguages,
        languages: Option<Vec<String>>,
        max_text: usize,
    ) -> Engine {
        let languages = languages.unwrap_or_else(|| {
            let mut l = lexicon.rule_languages();
            l.push("en".into());
            l.sort();
            l.dedup();
            l
        });
        let info = LexiconInfo {
            name: lexicon.name().to_string(),
            version: lexicon.version().map(str::to_string),
            fingerprint: lexicon.fingerprint(),
        };
        Engine { lexicon, analyzer: Analyzer::new(), tones, languages, info, max_text }
    }

    /// The audit `audit --input jsonl` gives a record with this id and text.
    pub fn audit(&self, id: serde_json::Value, text: &str) -> RecordAudit {
        audit_text(id, text, &self.analyzer, &self.lexicon, &self.tones)
    }

    /// The lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Which lexicon this is.
    pub fn info(&self) -> &LexiconInfo {
        &self.info
    }

    /// The languages requests may name.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Longest text scored, in bytes.
    pub fn max_text(&self) -> usize {
        self.max_text
    }

    /// Checks a comment text against the limits: not empty, not longer than the cap.
    pub fn check_text(&self, text: &str, field: &str) -> Result<(), ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::invalid(format!("{field} is empty: there is nothing to score")));
        }
        if text.len() > self.max_text {
            return Err(ApiError::invalid(format!(
                "{field} is {} bytes; the limit is {} bytes (serve --max-text)",
                text.len(),
                self.max_text
            )));
        }
        Ok(())
    }
}

/// An error answered in Google's shape: `{"error": {"code", "message", "status"}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status code (also `error.code`).
    pub code: u16,
    /// Google's canonical status name (`INVALID_ARGUMENT`, `PERMISSION_DENIED` …).
    pub status: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl ApiError {
    /// 400 `INVALID_ARGUMENT`.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError { code: 400, status: "INVALID_ARGUMENT", message: message.into() }
    }

    /// 403 `PERMISSION_DENIED`.
    pub fn denied(message: impl Into<String>) -> ApiError {
        ApiError { code: 403, status: "PERMISSION_DENIED", message: message.into() }
    }

    /// 401 `UNAUTHENTICATED`.
    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError { code: 401, status: "UNAUTHENTICATED", message: message.into() }
    }

    /// 413: the request body is over the cap.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError {
            code: 413,
            status: "INVALID_ARGUMENT",
            message: format!("the request body is over {limit} bytes (serve --max-body)"),
        }
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError { code: 404, status: "NOT_FOUND", message: message.into() }
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code, "message": self.message, "status": self.status}})
    }
}

/// The API keys accepted (`serve --keys FILE`): one per line, `#` starts a comment. Only their
/// SHA-256 digests are kept, and a presented key is looked up by its digest.
#[derive(Clone, Debug, Default)]
pub struct Keys {
    digests: HashSet<[u8; 32]>,
}

impl Keys {
    /// Reads the keys file's text; an error names the line.
    pub fn parse(text: &str) -> Result<Keys, String> {
        let mut digests = HashSet::new();
        for (i, line) in text.lines().enumerate() {
            let key = line.trim();
            if key.is_empty() || key.starts_with('#') {
                continue;
            }
            if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(format!("line {}: a key is one word without spaces", i + 1));
            }
            digests.insert(Sha256::digest(key.as_bytes()).into());
        }
        if digests.is_empty() {
            return Err("no keys in the file (one key per line; `#` starts a comment)".into());
        }
        Ok(Keys { digests })
    }

    /// Whether `key` is accepted.
    pub fn accepts(&self, key: &str) -> bool {
        self.digests.contains(&<[u8; 32]>::from(Sha256::digest(key.as_bytes())))
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_by_line_and_matched_exactly() {
        let keys = Keys::parse("# desk keys\nalpha-1\n\n  beta-2  \n").unwrap();
        assert_eq!(keys.len(), 2);
        assert!(keys.accepts("alpha-1") && keys.accepts("beta-2"));
        assert!(!keys.accepts("alpha-") && !keys.accepts("") && !keys.accepts("ALPHA-1"));
        assert!(Keys::parse("# none\n").unwrap_err().contains("no keys"));
        assert!(Keys::parse("a b\n").unwrap_err().starts_with("line 1"));
    }

    #[test]
    fn texts_are_checked_against_the_limits() {
        let e = Engine::new(Lexicon::builtin(), ToneLanguages::default(), None, 10);
        assert!(e.check_text("short", "comment.text").is_ok());
        assert_eq!(e.check_text("  \n", "comment.text").unwrap_err().code, 400);
        let long = e.check_text("eleven byte", "comment.text").unwrap_err();
        assert!(long.message.contains("11 bytes"), "{}", long.message);
        assert!(e.languages().contains(&"en".to_string()));
        assert!(e.languages().contains(&"de".to_string()), "{:?}", e.languages());
    }

    #[test]
    fn errors_have_google_s_shape() {
        let b = ApiError::denied("no key").body();
        assert_eq!(b["error"]["code"], 403);
        assert_eq!(b["error"]["status"], "PERMISSION_DENIED");
        assert_eq!(b["error"]["message"], "no key");
    }
}
