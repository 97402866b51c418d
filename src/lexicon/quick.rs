//! The first pass over plain comments: one automaton over the lower-cased text.
//!
//! Most comments are plain prose with nothing to flag: ASCII, perhaps with curly quotes, dashes
//! or emoji. For such a text the folded view is the text in lower case, and the collapsed view is
//! that with every run of one letter kept once and every run of other characters turned into one
//! space, *unless* a word mixes letters with digits or leet and mask symbols ("1d10t", "a$$",
//! "f*ck") or letters are spelled out one by one ("i.d.i.o.t"). Building those views character
//! by character, then looking for terms at word starts and running the pattern set, was most of
//! the cost of matching.
//!
//! So for such texts [`Quick`] runs one lazy DFA over the lower-cased text. It matches if
//! - a word or phrase of the lexicon may occur: every term becomes a regex over the raw text
//!   (`stupid` → `s+t+u+p+i+d+`, a space → a run of non-alphanumerics, a word start or end
//!   → a non-alphanumeric or the text's edge), which matches wherever the collapsed view could
//!   hold the term: more often, never less;
//! - a regex pattern of the lexicon matches (on this text the lower-cased text *is* the folded
//!   view it would run on);
//! - or the text has what the model above leaves out: a letter next to a digit or one of
//!   `@ $ ! | *` in a way folding could read, or three one-letter words in a row.
//!
//! When it does not match, no word, phrase or pattern can flag the text, and only the detectors
//! are left to run. When it does, the screen ([`super::matcher::screen`]) decides exactly, as
//! before. Tests check on real sentences, their evasive variants and generated texts that both
//! paths give the same answer.

use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::Input;

use super::compile::LiteralSet;
use super::normalize::{self, NormalizeOptions};

/// Largest compiled size of the first pass; a lexicon past it goes without one (slower, same
/// results).
const SIZE_LIMIT: usize = 64 << 20;

/// Memory for the states the lazy DFA builds, per thread. The built-in lexicon's first pass
/// settles in far less; a larger lexicon clears and rebuilds states, which is slower but the
/// same.
const CACHE: usize = 8 << 20;

/// A byte of a non-alphanumeric character: what separates words in the texts [`Quick`]
/// models. Their only characters outside ASCII are word separators, so any byte above 0x7F is
/// one; written as byte ranges, the class compiles to a few states where `[^a-z0-9]` would take
/// in all of Unicode.
const SEP: &str = r"(?-u:[\x00-\x2F\x3A-\x60\x7B-\xFF])";

/// The first pass of one lexicon; see the module documentation.
pub(crate) struct Quick {
    /// A lazy DFA (forward only: only whether it matches is asked).
    dfa: Arc<DFA>,
    /// Its caches, one per thread using it.
    caches: Pool<Cache, CacheFn>,
}

/// The unwind-safety bounds keep [`crate::lexicon::Lexicon`] unwind-safe, as it is without a
/// first pass.
type CacheFn =
    Box<dyn Fn() -> Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

impl std::fmt::Debug for Quick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Quick").field("patterns", &self.dfa.pattern_len()).finish()
    }
}

impl Quick {
    /// The first pass for these word-start and infix sets and pattern sources, or `None` when
    /// folding is set up in a way the model does not cover (case kept) or the automaton would
    /// be too big.
    pub(crate) fn build(
        words: &LiteralSet,
        infix: &LiteralSet,
        patterns: &[&str],
        opt: &NormalizeOptions,
    ) -> Option<Quick> {
        if !opt.case {
            return None;
        }
        let mut sources: Vec<String> = Vec::new();
        for (set, start) in [(words, true), (infix, false)] {
            let terms: Vec<String> = set
                .pats
                .iter()
                .zip(&set.entries)
                .filter_map(|(text, entries)| term_regex(text, entries))
                .collect();
            if !terms.is_empty() {
                let prefix = if start { format!("(?:^|{SEP})") } else { String::new() };
                sources.push(format!("{prefix}(?:{})", terms.join("|")));
            }
        }
        // Words that fold: a symbol or digit before a letter, a digit or `$` after one, or
        // `@ ! | *` after one that another word character or `$` follows.
        sources.push(r"[0-9@$!|*][a-z]|[a-z][0-9$]|[a-z][@!|*]+[0-9$a-z]".into());
        if opt.spaced {
            // Letters spaced out are one or two separators apart, of up to four bytes each.
            sources.push(format!("(?:^|{SEP})[a-z]{SEP}{{1,8}}[a-z]{SEP}{{1,8}}[a-z](?:{SEP}|$)"));
        }
        sources.extend(patterns.iter().map(|p| (*p).to_owned()));
        let dfa = DFA::builder()
            .configure(DFA::config().cache_capacity(CACHE))
            .syntax(syntax::Config::new().utf8(false))
            .thompson(
                thompson::Config::new()
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(SIZE_LIMIT)),
            )
            .build_many(&sources)
            .ok()?;
        let dfa = Arc::new(dfa);
        let for_caches = Arc::clone(&dfa);
        let caches = Pool::new(Box::new(move || for_caches.create_cache()) as CacheFn);
        Some(Quick { dfa, caches })
    }

    /// Lower-case `text` into `lower` if the first pass applies to it: ASCII, except for
    /// characters that fold to themselves outside words
    /// ([`normalize::folds_to_itself_outside_words`]: curly quotes, dashes, emoji); `None`
    /// when it does not.
    pub(crate) fn lower<'b>(text: &str, lower: &'b mut Vec<u8>) -> Option<&'b [u8]> {
        if !text.is_ascii()
            && !text.chars().all(|c| c.is_ascii() || normalize::folds_to_itself_outside_words(c))
        {
            return None;
        }
        lower.clear();
        lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
        Some(lower)
    }

    /// Whether the text lower-cased by [`Quick::lower`] may hold a candidate (false: certainly
    /// not).
    pub(crate) fn may_match(&self, lower: &[u8]) -> bool {
        let mut cache = self.caches.get();
        // An error (the lazy DFA gave up) counts as a match: the views then decide.
        !matches!(self.dfa.try_search_fwd(&mut cache, &Input::new(lower).earliest(true)), Ok(None))
    }
}

/// The regex of one collapsed term (its `entries` give letter-run lengths and boundaries), over
/// the lower-cased raw text; `None` for a term with characters no ASCII text folds to.
fn term_regex(text: &str, entries: &[super::compile::LiteralEntry]) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    let mut out = String::new();
    for (k, c) in text.chars().enumerate() {
        if c == ' ' {
            out.push_str(SEP);
            out.push('+');
        } else if c.is_ascii_alphabetic() {
            // The shortest run any entry accepts (runs are per character of the term).
            let run = entries.iter().filter_map(|e| e.runs.get(k)).min().copied().unwrap_or(1);
            out.push(c);
            if run > 1 {
                out.push_str(&format!("{{{run},}}"));
            } else {
                out.push('+');
            }
        } else {
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    if entries.iter().all(|e| e.end_bound) {
        out.push_str(&format!("(?:{SEP}|$)"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::compile::LiteralEntry;

    fn entry(runs: &[u32], end_bound: bool) -> LiteralEntry {
        LiteralEntry {
            rule: 0,
            term: String::new(),
            runs: runs.to_vec(),
            start_bound: true,
            end_bound,
        }
    }

    fn matches(re: &str, text: &str) -> bool {
        regex::bytes::Regex::new(re).expect("regex").is_match(text.as_bytes())
    }

    #[test]
    fn a_term_matches_its_stretched_forms_only() {
        let re = term_regex("stupid", &[entry(&[1; 6], true)]).expect("ASCII");
        for hit in ["stupid", "stuuupid", "sstupidd!", "so stupid"] {
            assert!(matches(&re, hit), "{re} {hit}");
        }
        for miss in ["stupidity", "stpid", "stupi d"] {
            assert!(!matches(&re, miss), "{re} {miss}");
        }
    }

    #[test]
    fn runs_spaces_digits_and_open_ends() {
        // "ass" collapses to "as" with runs [1, 2]: "as" is not a candidate, "asss" is.
        let ass = term_regex("as", &[entry(&[1, 2], true)]).expect("ASCII");
        assert!(!matches(&ass, "as") && matches(&ass, "asss"));
        // With two entries, the shorter run is what the regex must allow.
        let both = term_regex("as", &[entry(&[1, 2], true), entry(&[1, 1], true)]).expect("ASCII");
        assert!(matches(&both, "as"));
        // A phrase's space is any run of non-alphanumerics.
        let shut = term_regex("shut up", &[entry(&[1; 7], true)]).expect("ASCII");
        assert!(
            matches(&shut, "shut -- up")
                && matches(&shut, "shut — up")
                && !matches(&shut, "shutup")
        );
        // Digits are literal; an entry without an end bound leaves the end open.
        let n = term_regex("911", &[entry(&[1; 3], false)]).expect("ASCII");
        assert!(matches(&n, "9111") && !matches(&n, "91"));
        // A term no ASCII text folds to is left out.
        assert_eq!(term_regex("дурак", &[entry(&[1; 5], true)]), None);
    }

    #[test]
    fn only_ascii_text_is_lowered() {
        let mut buf = Vec::new();
        assert_eq!(Quick::lower("You IDIOT.", &mut buf), Some(&b"you idiot."[..]));
        assert_eq!(Quick::lower("ѕtupid", &mut buf), None);
        assert_eq!(Quick::lower("Don’t — 📚", &mut buf), Some("don’t — 📚".as_bytes()));
        for other in ["café", "e\u{301}", "zero\u{200B}width", "ﬁne", "x\u{A0}y", "3€"] {
            assert_eq!(Quick::lower(other, &mut buf), None, "{other:?}");
        }
    }
}
