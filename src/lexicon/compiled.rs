//! The compiled lexicon: what matching reads. Built by `compile` from the merged layers, read
//! by `quick` (the first pass), `matcher` (the screen and the scan) and `examples`; it depends on
//! none of them. `to_toml` writes the merged specs back out for `lexicon show`.

use aho_corasick::AhoCorasick;
use regex::Regex;
use regex_automata::meta;
use toml::Spanned;

use crate::bits::Bits;

use super::detectors::DetectorKind;
use super::error::Source;
use super::literals::LiteralSet;
use super::normalize::NormalizeOptions;
use super::quick::Quick;
use super::schema::{CategorySpec, DetectorSpec, DetectorsSpec, FileSpec, NormalizeSpec, RuleSpec};
use super::{Category, Rule};

/// A sequence of collapsed words, as used by allowlists and `near`/`unless`.
#[derive(Clone, Debug)]
pub(crate) struct TokSeq {
    pub written: String,
    pub toks: Vec<String>,
    /// `*word`: the first word may have anything before it.
    pub prefix: bool,
    /// `word*`: the last word may have anything after it.
    pub suffix: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct CtxRt {
    pub seqs: Vec<TokSeq>,
    pub within: Option<usize>,
}

/// Matching-time data of one rule.
#[derive(Clone, Debug)]
pub(crate) struct RuleRt {
    pub category: usize,
    pub near: Option<CtxRt>,
    pub unless: Option<CtxRt>,
    pub tone_below: Option<f64>,
    pub source: usize,
    pub hits: Vec<Spanned<String>>,
    pub misses: Vec<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub(crate) struct PatternRt {
    pub rule: usize,
    pub source: String,
    pub regex: Regex,
}

/// A filter on the words of the collapsed view: which word starts can begin a word-set term, so
/// the screen runs the automaton only there (one automaton step per byte of every comment cost
/// more than all the rest of the screen). A term that must end with the word (no `*`) has to
/// *be* the word; a `word*` term has to start it (its first four bytes at most are kept); a
/// phrase has to be the word, a space and the next word's first byte. Each of these is one bit
/// of a table indexed by a running hash of the word's bytes, so a word costs one hash step per
/// byte and a few bit tests. False positives only cost time: [`StartFilter::starts`] never
/// leaves out a word start where a term begins.
#[derive(Clone, Debug)]
pub(crate) struct StartFilter {
    bits: Bits,
    /// Bit `l` set: some `word*` term keeps `l` bytes (1 to 4).
    prefix_lens: u8,
    /// A term the scheme cannot describe (empty, or starting with a space): every word start
    /// passes.
    all: bool,
}

impl StartFilter {
    const BITS: u32 = 17;
    const PREFIX: usize = 4;

    pub(crate) fn new(words: &LiteralSet) -> StartFilter {
        let mut f = StartFilter { bits: Bits::new(Self::BITS), prefix_lens: 0, all: false };
        for (t, entries) in words.pats.iter().zip(&words.entries) {
            let t = t.as_bytes();
            let key = match t.iter().position(|&b| b == b' ') {
                _ if t.is_empty() => None,
                Some(sp) => (sp > 0 && sp + 2 <= t.len()).then(|| &t[..sp + 2]),
                None if entries.iter().any(|e| !e.end_bound) => {
                    let l = t.len().min(Self::PREFIX);
                    f.prefix_lens |= 1 << l;
                    Some(&t[..l])
                }
                None => Some(t),
            };
            match key {
                Some(k) => f.set(k.iter().fold(Self::SEED, |h, &b| Self::step(h, b))),
                None => f.all = true,
            }
        }
        f
    }

    const SEED: u64 = 0;

    #[inline(always)]
    fn step(h: u64, b: u8) -> u64 {
        (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95)
    }

    fn set(&mut self, h: u64) {
        self.bits.set((h >> (64 - Self::BITS)) as usize);
    }

    #[inline(always)]
    fn test(&self, h: u64) -> bool {
        self.bits.get((h >> (64 - Self::BITS)) as usize)
    }

    /// Call `f` with every word start of the collapsed view `c` where a term may begin.
    #[inline]
    pub fn starts(&self, c: &[u8], mut f: impl FnMut(usize)) {
        let mut p = 0;
        while p < c.len() {
            if c[p] == b' ' {
                p += 1;
                continue;
            }
            let (mut h, mut q, mut hit) = (Self::SEED, p, self.all);
            while q < c.len() && c[q] != b' ' {
                h = Self::step(h, c[q]);
                q += 1;
                let l = q - p;
                hit |= l <= Self::PREFIX && self.prefix_lens & (1 << l) != 0 && self.test(h);
            }
            hit = hit
                || self.test(h)
                || (q + 1 < c.len() && self.test(Self::step(Self::step(h, b' '), c[q + 1])));
            if hit {
                f(p);
            }
            p = q;
        }
    }
}

/// The compiled lexicon shared by clones of a [`Lexicon`].
#[derive(Debug)]
pub(crate) struct Compiled {
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub normalize: NormalizeOptions,
    pub categories: Vec<Category>,
    pub cat_allow: Vec<Vec<TokSeq>>,
    pub rules: Vec<Rule>,
    pub rt: Vec<RuleRt>,
    /// Terms that start a word, searched anchored at word starts.
    pub words: LiteralSet,
    /// `*suffix` terms, searched everywhere.
    pub infix: LiteralSet,
    /// Which word starts the screen needs to try the word set at.
    pub starts: StartFilter,
    /// The infix terms in one overlapping automaton, for the screen (its pattern ids are the
    /// infix set's).
    pub screen_infix: Option<AhoCorasick>,
    /// All patterns in one automaton, without a literal prefilter: prefixes such as "u" or "i"
    /// occur in every comment and only slow the scan down.
    pub set: Option<meta::Regex>,
    /// The first pass over plain texts (see [`super::quick`]).
    pub quick: Option<Quick>,
    pub patterns: Vec<PatternRt>,
    pub detectors: Vec<(usize, DetectorKind)>,
    pub sources: Vec<Source>,
    /// The merged specs, for `to_toml`.
    pub(crate) merged_rules: Vec<RuleSpec>,
    pub(crate) merged_categories: Vec<(String, CategorySpec)>,
    pub(crate) merged_detectors: Vec<(&'static str, DetectorSpec)>,
    /// The score attributes (core only; see [`super::attributes`]).
    pub attributes: Vec<super::Attribute>,
    pub(crate) merged_attributes: std::collections::BTreeMap<String, super::schema::AttributeSpec>,
    pub(crate) merged_scores: std::collections::BTreeMap<String, Spanned<f64>>,
    pub(crate) merged_terms: std::collections::BTreeMap<String, Spanned<f64>>,
    pub(crate) merged_verdict: Option<super::schema::VerdictSpec>,
    pub(crate) merged_model: Option<super::schema::ModelSpec>,
}

impl Compiled {
    pub(crate) fn to_toml(&self) -> String {
        let n = &self.normalize;
        let mut spec = FileSpec {
            name: Some(self.name.clone()),
            version: self.version.clone(),
            description: self.description.clone(),
            normalize: Some(NormalizeSpec {
                case: Some(n.case),
                unicode: Some(n.unicode),
                confusables: Some(n.confusables),
                leet: Some(n.leet),
                repeated: Some(n.repeated),
                spaced: Some(n.spaced),
            }),
            categories: self.merged_categories.iter().cloned().collect(),
            detectors: DetectorsSpec::default(),
            rules: self.merged_rules.clone(),
            attributes: self.merged_attributes.clone(),
            scores: self.merged_scores.clone(),
            terms: self.merged_terms.clone(),
            verdict: self.merged_verdict.clone(),
            model: self.merged_model.clone(),
            ..FileSpec::default()
        };
        for (name, d) in &self.merged_detectors {
            let slot = match *name {
                "links" => &mut spec.detectors.links,
                "email" => &mut spec.detectors.email,
                "phone" => &mut spec.detectors.phone,
                "shouting" => &mut spec.detectors.shouting,
                _ => &mut spec.detectors.flooding,
            };
            *slot = Some(d.clone());
        }
        toml::to_string(&spec).unwrap_or_else(|e| format!("# cannot render lexicon: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::literals::LiteralEntry;
    use proptest::prelude::*;

    fn entry(end_bound: bool) -> LiteralEntry {
        LiteralEntry {
            rule: 0,
            term: String::new(),
            runs: Vec::new(),
            start_bound: true,
            end_bound,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Every word start where a term occurs as the screen counts it (whole word, word
        /// prefix for `word*`, phrase across a space) passes the filter.
        #[test]
        fn start_filter_never_leaves_out_a_term(
            terms in prop::collection::vec(("[abc]{1,6}( [abc]{1,3})?", any::<bool>()), 1..6),
            text in "[abc ]{0,40}",
        ) {
            let mut set = LiteralSet::default();
            for (t, star) in &terms {
                set.add(t.clone(), entry(!star));
            }
            let f = StartFilter::new(&set);
            let mut passed = Vec::new();
            f.starts(text.as_bytes(), |p| passed.push(p));
            let c = text.as_bytes();
            for p in 0..c.len() {
                if p > 0 && c[p - 1] != b' ' {
                    continue;
                }
                for (t, star) in &terms {
                    let e = p + t.len();
                    let found = c[p..].starts_with(t.as_bytes())
                        && (*star || e == c.len() || c[e] == b' ');
                    prop_assert!(!found || passed.contains(&p), "{t:?} at {p} in {text:?}");
                }
            }
        }
    }

    #[test]
    fn start_filter_lets_few_words_through() {
        let mut set = LiteralSet::default();
        set.add("idiot".into(), entry(true));
        set.add("dimwit".into(), entry(false));
        set.add("shut up".into(), entry(true));
        let f = StartFilter::new(&set);
        let text = b"the idiot said shut your mouth dimwits and shut up now";
        let mut passed = Vec::new();
        f.starts(text, |p| passed.push(p));
        // "idiot", "dimwits", "shut up"; "shut your" may pass only by a hash collision.
        for want in [4, 31, 43] {
            assert!(passed.contains(&want), "{passed:?}");
        }
        assert!(passed.len() <= 4, "{passed:?}");
    }
}
