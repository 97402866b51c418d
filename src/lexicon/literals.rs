//! The words and phrases of a lexicon as Aho-Corasick patterns, with the rule entries behind
//! each: built by `compile`, searched by `quick` and `matcher`. At the bottom of the lexicon's
//! modules, so the first pass and the compiled lexicon can both hold them.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};

/// One word or phrase of one rule, under an Aho-Corasick pattern.
#[derive(Clone, Debug)]
pub(crate) struct LiteralEntry {
    pub rule: usize,
    pub term: String,
    pub runs: Vec<u32>,
    pub start_bound: bool,
    pub end_bound: bool,
}

/// Literals of one automaton, with the entries of each pattern.
#[derive(Clone, Debug, Default)]
pub(crate) struct LiteralSet {
    pub ac: Option<AhoCorasick>,
    pub entries: Vec<Vec<LiteralEntry>>,
    pub(crate) index: HashMap<String, usize>,
    /// The collapsed terms, by pattern id.
    pub pats: Vec<String>,
}

impl LiteralSet {
    pub(crate) fn add(&mut self, text: String, entry: LiteralEntry) {
        let pid = *self.index.entry(text.clone()).or_insert_with(|| {
            self.pats.push(text);
            self.entries.push(Vec::new());
            self.pats.len() - 1
        });
        self.entries[pid].push(entry);
    }

    pub(crate) fn build(&mut self) -> Result<(), aho_corasick::BuildError> {
        if !self.pats.is_empty() {
            self.ac = Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(StartKind::Both)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&self.pats)?,
            );
        }
        self.index = HashMap::new();
        Ok(())
    }
}
