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
//! So for such texts [`Quick`] runs a lazy DFA over the lower-cased text. It matches if
//! - a word or phrase of the lexicon may occur: every term becomes a regex over the raw text
//!   (`stupid` → `s+t+u+p+i+d+`, a space → a run of non-alphanumerics, a word start or end
//!   → a non-alphanumeric or the text's edge), which matches wherever the collapsed view could
//!   hold the term: more often, never less. The terms share their beginnings ([`Trie`]), which
//!   makes the automaton's states cheaper to build;
//! - a regex pattern of the lexicon matches (on this text the lower-cased text *is* the folded
//!   view it would run on);
//! - three one-letter words come in a row (letters may be spelled out);
//! - or a word may fold: a letter next to a digit or one of `@ $ ! | *` in a way folding could
//!   read ([`TRIGGER`]).
//!
//! In real comments the last is mostly harmless ("4th", "amd64", "10am"). So when it is what
//! matches first, the words that fold are folded in place (each ASCII character folds to one
//! ASCII character), which makes the text the folded view, and the automaton reads it again,
//! looking past the trigger's matches for any other.
//!
//! When nothing else matches, no word, phrase or pattern can flag the text, and only the detectors
//! are left to run. Otherwise the screen ([`super::matcher::screen`]) decides exactly, as
//! before. Tests check on real sentences, their evasive variants and generated texts that both
//! paths give the same answer.

use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache, OverlappingState, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, PatternID};

use super::literals::LiteralSet;
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
    /// The lazy DFA: the lexicon's terms and patterns, letters spaced out, the trigger.
    dfa: Arc<DFA>,
    /// Its caches, one per thread using it.
    caches: Pool<Cache, CacheFn>,
    /// The trigger's pattern id.
    trigger: PatternID,
    /// The lexicon's folding, for the words that fold.
    opt: NormalizeOptions,
}

/// Words that fold: a symbol or digit before a letter, a digit or `$` after one, or `@ ! | *`
/// after one that another word character or `$` follows. Nothing else in a plain text folds
/// to anything but its lower case (a test checks this).
const TRIGGER: &str = r"[0-9@$!|*][a-z]|[a-z][0-9$]|[a-z][@!|*]+[0-9$a-z]";

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
            let mut trie = Trie::default();
            for (text, entries) in set.pats.iter().zip(&set.entries) {
                if let Some(atoms) = term_atoms(text, entries) {
                    trie.insert(atoms);
                }
            }
            if !trie.children.is_empty() {
                let prefix = if start { format!("(?:^|{SEP})") } else { String::new() };
                sources.push(format!("{prefix}{}", trie.regex()));
            }
        }
        if opt.spaced {
            // Letters spaced out are one or two separators apart, of up to four bytes each.
            sources.push(format!("(?:^|{SEP})[a-z]{SEP}{{1,8}}[a-z]{SEP}{{1,8}}[a-z](?:{SEP}|$)"));
        }
        sources.extend(patterns.iter().map(|p| (*p).to_owned()));
        let trigger = PatternID::new(sources.len()).ok()?;
        sources.push(TRIGGER.into());
        let dfa = DFA::builder()
            // Every pattern that matches is a match: the search past the trigger's matches
            // needs all of them (and asking whether any matches is the same).
            .configure(DFA::config().cache_capacity(CACHE).match_kind(MatchKind::All))
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
        Some(Quick { dfa, caches, trigger, opt: opt.clone() })
    }

    /// Lower-case `text` into `lower` if the first pass applies to it: ASCII, except for
    /// characters that fold to themselves outside words
    /// ([`normalize::folds_to_itself_outside_words`]: curly quotes, dashes, emoji); `None`
    /// when it does not.
    pub(crate) fn lower<'b>(text: &str, lower: &'b mut Vec<u8>) -> Option<&'b mut [u8]> {
        if !text.is_ascii()
            && !crate::ascii::non_ascii_chars(text)
                .all(|(_, c)| normalize::folds_to_itself_outside_words(c))
        {
            return None;
        }
        lower.clear();
        lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
        Some(&mut lower[..])
    }

    /// Whether `text` certainly holds no candidate (false: it may, or the first pass does not
    /// apply to it). `buf` is scratch space. The lower-cased text goes through the automaton.
    /// If the trigger matches first, the words that fold are folded in place, from that word
    /// on, and the automaton reads the folded text again, this time past the trigger's matches.
    pub(crate) fn rules_out(&self, text: &str, buf: &mut Vec<u8>) -> bool {
        let Some(lower) = Quick::lower(text, buf) else { return false };
        let mut cache = self.caches.get();
        // An error (the lazy DFA gave up) counts as a match: the views then decide.
        match self.dfa.try_search_fwd(&mut cache, &Input::new(&*lower).earliest(true)) {
            Ok(None) => true,
            // The trigger's match is two bytes or more, inside the first word that folds.
            Ok(Some(m)) if m.pattern() == self.trigger => {
                normalize::fold_mixed_words(text, &self.opt, lower, m.offset() - 1);
                !self.matches_past_trigger(&mut cache, lower)
            }
            _ => false,
        }
    }

    /// Whether a pattern other than the trigger matches in `hay` (an error counts as a match).
    fn matches_past_trigger(&self, cache: &mut Cache, hay: &[u8]) -> bool {
        let input = Input::new(hay);
        let mut state = OverlappingState::start();
        loop {
            if self.dfa.try_search_overlapping_fwd(cache, &input, &mut state).is_err() {
                return true;
            }
            match state.get_match() {
                None => return false,
                Some(m) if m.pattern() != self.trigger => return true,
                Some(_) => {}
            }
        }
    }
}

/// The regex of one collapsed term (its `entries` give letter-run lengths and boundaries), over
/// the lower-cased raw text, as a list of pieces (one per character, and the end bound);
/// `None` for a term with characters no ASCII text folds to.
fn term_atoms(text: &str, entries: &[super::literals::LiteralEntry]) -> Option<Vec<String>> {
    if !text.is_ascii() {
        return None;
    }
    let mut out = Vec::new();
    for (k, c) in text.chars().enumerate() {
        out.push(if c == ' ' {
            format!("{SEP}+")
        } else if c.is_ascii_alphabetic() {
            // The shortest run any entry accepts (runs are per character of the term).
            let run = entries.iter().filter_map(|e| e.runs.get(k)).min().copied().unwrap_or(1);
            if run > 1 {
                format!("{c}{{{run},}}")
            } else {
                format!("{c}+")
            }
        } else {
            regex::escape(c.encode_utf8(&mut [0; 4]))
        });
    }
    if entries.iter().all(|e| e.end_bound) {
        out.push(format!("(?:{SEP}|$)"));
    }
    Some(out)
}

/// Term regexes with their common beginnings shared: `s+(?:t+u+p+i+d+|c+u+m+)` rather than
/// `s+t+u+p+i+d+|s+c+u+m+`. The language is the same, but after each separator the automaton
/// follows a few first letters instead of every term, so building its states is cheaper.
#[derive(Default)]
struct Trie {
    children: std::collections::BTreeMap<String, Trie>,
    /// A term ends here.
    end: bool,
}

impl Trie {
    fn insert(&mut self, atoms: Vec<String>) {
        let mut node = self;
        for a in atoms {
            node = node.children.entry(a).or_default();
        }
        node.end = true;
    }

    fn regex(&self) -> String {
        if self.end {
            // Whatever follows, a match ends here.
            return String::new();
        }
        let alts: Vec<String> =
            self.children.iter().map(|(a, t)| format!("{a}{}", t.regex())).collect();
        match &alts[..] {
            [one] => one.clone(),
            _ => format!("(?:{})", alts.join("|")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::literals::LiteralEntry;

    fn entry(runs: &[u32], end_bound: bool) -> LiteralEntry {
        LiteralEntry {
            rule: 0,
            term: String::new(),
            runs: runs.to_vec(),
            start_bound: true,
            end_bound,
        }
    }

    fn term_regex(text: &str, entries: &[LiteralEntry]) -> Option<String> {
        term_atoms(text, entries).map(|atoms| atoms.concat())
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

    fn first_pass() -> Quick {
        let mut words = LiteralSet::default();
        words.add("idiot".into(), entry(&[1; 5], true));
        Quick::build(&words, &LiteralSet::default(), &[], &NormalizeOptions::default())
            .expect("first pass")
    }

    #[test]
    fn only_plain_text_is_lowered() {
        let mut buf = Vec::new();
        let mut lower = |text: &str| Quick::lower(text, &mut buf).map(|l| l.to_vec());
        assert_eq!(lower("You IDIOT."), Some(b"you idiot.".to_vec()));
        assert_eq!(lower("ѕtupid"), None);
        assert_eq!(lower("Don’t — 📚"), Some("don’t — 📚".as_bytes().to_vec()));
        for other in ["café", "e\u{301}", "zero\u{200B}width", "ﬁne", "x\u{A0}y", "3€"] {
            assert_eq!(lower(other), None, "{other:?}");
        }
    }

    #[test]
    fn words_that_fold_are_folded_and_read_again() {
        let q = first_pass();
        let mut buf = Vec::new();
        assert!(!q.rules_out("you 1d10t", &mut buf));
        assert!(!q.rules_out("Shut up, ID!0T", &mut buf));
        assert!(!q.rules_out("the 4th idiot", &mut buf));
        // The trigger matches, but nothing folds to a term.
        assert!(q.rules_out("the 4th idiom, 2nd h4lf and amd64", &mut buf));
        assert!(q.rules_out("an idiom, 10 dots", &mut buf));
    }

    /// Terms sharing beginnings, one a prefix of another, open and bound ends.
    fn shared_terms() -> Vec<(&'static str, LiteralEntry)> {
        vec![
            ("stupid", entry(&[1; 6], true)),
            ("stun", entry(&[1; 4], true)),
            ("stu", entry(&[1; 3], false)),
            ("as", entry(&[1, 2], true)),
            ("ash", entry(&[1; 3], true)),
            ("shut up", entry(&[1; 7], true)),
            ("shut", entry(&[1; 4], true)),
        ]
    }

    #[test]
    fn the_trie_shares_beginnings() {
        let mut trie = Trie::default();
        for (t, e) in shared_terms() {
            trie.insert(term_atoms(t, &[e]).expect("ASCII"));
        }
        let re = trie.regex();
        assert!(re.starts_with("(?:a+(?:s"), "{re}");
        assert_eq!(re.matches("t+").count(), 2, "{re}");
    }

    proptest::proptest! {
        /// The trie's regex matches where one of the terms' regexes does, and nowhere else.
        #[test]
        fn the_trie_matches_as_the_terms_do(text in "[ashtupidn .!-]{0,16}") {
            let mut trie = Trie::default();
            let mut alts = Vec::new();
            for (t, e) in shared_terms() {
                let atoms = term_atoms(t, &[e]).expect("ASCII");
                alts.push(atoms.concat());
                trie.insert(atoms);
            }
            let (trie_re, alt_re) = (trie.regex(), alts.join("|"));
            proptest::prop_assert_eq!(matches(&trie_re, &text), matches(&alt_re, &text), "{:?}", text);
        }


        /// Where the trigger does not match, folding changes nothing but case; where it does,
        /// folding the words from the first match on gives the folded view.
        #[test]
        fn the_trigger_finds_every_word_that_folds(
            text in "[a-zA-Z0-9 .,!$@*|_’—📚-]{0,24}", leet in proptest::bool::ANY,
        ) {
            let opt = NormalizeOptions { leet, ..NormalizeOptions::default() };
            let mut folded = Vec::new();
            normalize::fold_into(&text, &opt, &mut folded);
            let mut lower = text.to_lowercase().into_bytes();
            let trigger = regex::bytes::Regex::new(TRIGGER).expect("trigger");
            if let Some(end) = trigger.shortest_match(&lower) {
                normalize::fold_mixed_words(&text, &opt, &mut lower, end - 1);
            }
            proptest::prop_assert_eq!(lower, folded, "{:?}", text);
        }
    }
}
