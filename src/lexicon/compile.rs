//! Validation and compilation of a merged lexicon.
//!
//! Every problem is collected (not just the first), each located at the value concerned.
//! Words and phrases become literals of Aho-Corasick automata (leftmost-longest, anchored
//! searches allowed so a match failing its boundary check can fall back to a shorter one):
//! terms that must start a word go into one searched only at word starts (most of them; this
//! keeps "as" inside "class" from costing anything), `*suffix` terms into one that scans;
//! patterns become one `RegexSet` plus one `Regex` each, run only when the set says so.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use toml::Spanned;

use crate::bits::Bits;

use super::detectors::DetectorKind;
use super::error::{Diagnostic, LexiconError, Source};
use super::load::{Loader, Merged};
use super::normalize::{self, NormalizeOptions};
use super::quick::Quick;
use super::schema::{
    CategorySpec, ContextSpec, DetectorSpec, DetectorsSpec, ExamplesSpec, FileSpec, NormalizeSpec,
    RuleSpec, ToneSpec,
};
use super::{Category, Context, ExampleFailure, Examples, Lexicon, Rule, RuleKind};

/// Largest compiled size of one pattern; past it the pattern is rejected with a clear error.
pub(crate) const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// Largest compiled size of all patterns together.
const SET_SIZE_LIMIT: usize = 64 << 20;

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

/// One word or phrase of one rule, under an Aho-Corasick pattern.
#[derive(Clone, Debug)]
pub(crate) struct LiteralEntry {
    pub rule: usize,
    pub term: String,
    pub runs: Vec<u32>,
    pub start_bound: bool,
    pub end_bound: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct PatternRt {
    pub rule: usize,
    pub source: String,
    pub regex: Regex,
}

/// Literals of one automaton, with the entries of each pattern.
#[derive(Clone, Debug, Default)]
pub(crate) struct LiteralSet {
    pub ac: Option<AhoCorasick>,
    pub entries: Vec<Vec<LiteralEntry>>,
    index: HashMap<String, usize>,
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

    fn build(&mut self) -> Result<(), aho_corasick::BuildError> {
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

    fn new(words: &LiteralSet) -> StartFilter {
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
    merged_categories: Vec<(String, CategorySpec)>,
    merged_detectors: Vec<(&'static str, DetectorSpec)>,
    /// The score attributes (core only; see [`super::attributes`]).
    pub attributes: Vec<super::Attribute>,
    merged_attributes: std::collections::BTreeMap<String, super::schema::AttributeSpec>,
    merged_scores: std::collections::BTreeMap<String, Spanned<f64>>,
    merged_verdict: Option<super::schema::VerdictSpec>,
}

pub(crate) fn parse_seq(s: &str, opt: &NormalizeOptions) -> Result<TokSeq, (String, String)> {
    let prefix = s.starts_with('*');
    let suffix = s.ends_with('*');
    let core = s.trim_matches('*');
    if core.contains('*') {
        return Err((
            format!("\"{s}\" has '*' in the middle"),
            "'*' is only allowed at the start or end".into(),
        ));
    }
    let t = normalize::term(core, opt);
    if t.text.is_empty() {
        return Err((format!("\"{s}\" has no letters or digits"), "remove it".into()));
    }
    Ok(TokSeq {
        written: s.to_owned(),
        toks: t.text.split(' ').map(str::to_owned).collect(),
        prefix,
        suffix,
    })
}

struct Ctx<'a> {
    diags: &'a mut Vec<Diagnostic>,
    source: &'a Source,
    rule: Option<&'a str>,
}

impl Ctx<'_> {
    fn err(&mut self, span: Range<usize>, msg: impl Into<String>, hint: impl Into<String>) {
        let d = self.source.diag(Some(span), self.rule, msg, Some(hint.into()));
        self.diags.push(d);
    }
}

fn compile_ctx(
    c: &ContextSpec,
    what: &str,
    opt: &NormalizeOptions,
    cx: &mut Ctx<'_>,
    at: Range<usize>,
) -> Option<CtxRt> {
    if c.words.is_empty() {
        cx.err(at, format!("`{what}` has no words"), format!("add `{what} = {{ words = [...] }}`"));
        return None;
    }
    let mut seqs = Vec::new();
    for w in &c.words {
        match parse_seq(w.get_ref(), opt) {
            Ok(s) => seqs.push(s),
            Err((m, h)) => cx.err(w.span(), format!("`{what}` word {m}"), h),
        }
    }
    Some(CtxRt { seqs, within: c.within })
}

fn build_regex(p: &Spanned<String>, cx: &mut Ctx<'_>) -> Option<Regex> {
    let src = p.get_ref();
    match RegexBuilder::new(src).size_limit(PATTERN_SIZE_LIMIT).build() {
        Ok(re) => {
            let empty = ["", "a", "a b", "hello world", "!"]
                .iter()
                .any(|probe| re.find_iter(probe).any(|m| m.is_empty()));
            if empty {
                cx.err(
                    p.span(),
                    format!("pattern \"{src}\" matches empty text"),
                    "make at least one character required (e.g. `+` instead of `*`)",
                );
                return None;
            }
            Some(re)
        }
        Err(regex::Error::CompiledTooBig(limit)) => {
            cx.err(
                p.span(),
                format!("pattern \"{src}\" is too big: it compiles to more than {limit} bytes"),
                "simplify it or split it into several patterns; counted repetitions such as \
                 {1000} and Unicode classes such as \\w multiply its size",
            );
            None
        }
        Err(e) => {
            let text = e.to_string();
            let why = text
                .lines()
                .rev()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or(text.trim())
                .to_owned();
            cx.err(
                p.span(),
                format!("pattern \"{src}\" is not a valid regex: {why}"),
                "patterns use the Rust regex syntax (https://docs.rs/regex/#syntax)",
            );
            None
        }
    }
}

fn examples_of(e: &Option<ExamplesSpec>) -> (Vec<Spanned<String>>, Vec<Spanned<String>>) {
    e.as_ref().map_or((Vec::new(), Vec::new()), |e| (e.hit.clone(), e.miss.clone()))
}

fn plain(v: &[Spanned<String>]) -> Vec<String> {
    v.iter().map(|s| s.get_ref().clone()).collect()
}

/// Validate and compile the loader's layers.
pub(crate) fn build(loader: Loader) -> Result<Lexicon, LexiconError> {
    let (m, mut diags) = loader.merge();
    // Rules for some languages only are compiled apart, one part per set of languages, so
    // that a comment in another language never pays for their automata: the core holds the
    // rules for every language and the detectors.
    let langs = |spec: &RuleSpec| {
        let mut l: Vec<String> = spec.languages.iter().map(|x| x.get_ref().clone()).collect();
        l.sort();
        l.dedup();
        l
    };
    let mut sets: Vec<Vec<String>> =
        m.rules.iter().map(|(spec, _)| langs(spec)).filter(|l| !l.is_empty()).collect();
    sets.sort();
    sets.dedup();
    let all_specs: Vec<RuleSpec> = m.rules.iter().map(|(spec, _)| spec.clone()).collect();
    let part = |keep: &dyn Fn(&RuleSpec) -> bool, detectors: bool| {
        let mut p = m.clone();
        p.rules.retain(|(spec, _)| keep(spec));
        if !detectors {
            p.detectors.clear();
        }
        p
    };
    let attributes = super::attributes::compile(&m, &mut diags);
    let ids: std::collections::HashSet<String> = m
        .rules
        .iter()
        .filter(|(spec, _)| spec.enabled != Some(false))
        .map(|(spec, _)| spec.id.get_ref().clone())
        .chain(
            m.detectors
                .iter()
                .filter(|(_, d, _)| d.enabled != Some(false))
                .map(|(name, _, _)| format!("detector/{name}")),
        )
        .collect();
    let scoring = super::scoring::compile(&m, &ids, &mut diags);
    let core = compile(part(&|spec| spec.languages.is_empty(), true), &mut diags);
    let mut parts = Vec::new();
    for set in &sets {
        let compiled = compile(part(&|spec| langs(spec) == *set, false), &mut diags);
        parts.push((set.clone(), compiled));
    }
    // Category and normalisation problems are found by every part: say each once.
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert(d.to_string()));
    if !diags.is_empty() {
        return Err(LexiconError::Invalid(diags));
    }
    let (Some(mut core), Some(parts)) =
        (core, parts.into_iter().map(|(set, c)| c.map(|c| (set, c))).collect::<Option<Vec<_>>>())
    else {
        return Err(LexiconError::Invalid(diags));
    };
    // The merged lexicon, for `to_toml` and `rules()`: every rule, in lexicon order.
    core.merged_rules = all_specs;
    core.attributes = attributes;
    core.merged_attributes = super::attributes::merged(&m);
    core.merged_scores = m.scores.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect();
    core.merged_verdict = m.verdict.spec();
    let order: HashMap<&str, usize> =
        m.rules.iter().enumerate().map(|(i, (spec, _))| (spec.id.get_ref().as_str(), i)).collect();
    let mut all_rules: Vec<Rule> =
        core.rules.iter().chain(parts.iter().flat_map(|(_, p)| &p.rules)).cloned().collect();
    // Detectors come after the rules, as in each part.
    all_rules.sort_by_key(|r| order.get(r.id.as_str()).copied().unwrap_or(usize::MAX));
    let lex = Lexicon {
        inner: std::sync::Arc::new(core),
        parts: std::sync::Arc::new(parts),
        all_rules: std::sync::Arc::new(all_rules),
        scoring: std::sync::Arc::new(scoring),
    };
    let failures = lex.run_examples();
    if !failures.is_empty() {
        return Err(LexiconError::Invalid(failures.into_iter().map(|f| f.diagnostic).collect()));
    }
    Ok(lex)
}

fn compile(m: Merged, diags: &mut Vec<Diagnostic>) -> Option<Compiled> {
    let opt = m.normalize.clone();
    let mut categories = Vec::new();
    let mut cat_allow = Vec::new();
    let mut cat_index: HashMap<String, usize> = HashMap::new();
    for (name, (spec, src)) in &m.categories {
        let mut cx = Ctx { diags, source: &m.sources[*src], rule: None };
        let mut allow = Vec::new();
        for a in &spec.allow {
            match parse_seq(a.get_ref(), &opt) {
                Ok(s) => allow.push(s),
                Err((msg, hint)) => {
                    cx.err(a.span(), format!("category \"{name}\": allowlist entry {msg}"), hint)
                }
            }
        }
        cat_index.insert(name.clone(), categories.len());
        categories.push(Category {
            name: name.clone(),
            severity: spec.severity.unwrap_or_default(),
            action: spec.action.unwrap_or_default(),
            note: spec.note.clone(),
            allow: plain(&spec.allow),
        });
        cat_allow.push(allow);
    }
    let known = || m.categories.keys().cloned().collect::<Vec<_>>().join(", ");

    let mut rules = Vec::new();
    let mut rt = Vec::new();
    let mut words = LiteralSet::default();
    let mut infix = LiteralSet::default();
    let mut patterns = Vec::new();
    let mut merged_rules = Vec::new();

    for (spec, src) in &m.rules {
        if spec.enabled == Some(false) {
            merged_rules.push(spec.clone());
            continue;
        }
        let id = spec.id.get_ref();
        let mut cx = Ctx { diags, source: &m.sources[*src], rule: Some(id) };
        let cat = cat_index.get(spec.category.get_ref()).copied();
        if cat.is_none() {
            cx.err(
                spec.category.span(),
                format!("unknown category \"{}\"", spec.category.get_ref()),
                format!(
                    "define [categories.{}] or use one of: {}",
                    spec.category.get_ref(),
                    known()
                ),
            );
        }
        let rule_idx = rules.len();
        let mut any = false;
        let mut add_literal = |term: normalize::Term, written: &str, sb: bool, eb: bool| {
            let set = if sb { &mut words } else { &mut infix };
            let entry = LiteralEntry {
                rule: rule_idx,
                term: written.to_owned(),
                runs: term.runs,
                start_bound: sb,
                end_bound: eb,
            };
            set.add(term.text, entry);
        };
        for w in spec.all_words() {
            any = true;
            let s = w.get_ref();
            let core = s.trim_matches('*');
            if core.contains('*') {
                cx.err(
                    w.span(),
                    format!("word \"{s}\" has '*' in the middle"),
                    "'*' is only allowed at the start or end",
                );
                continue;
            }
            if core.chars().any(char::is_whitespace) {
                cx.err(
                    w.span(),
                    format!("word \"{s}\" contains a space"),
                    "use `phrases` for several words in order",
                );
                continue;
            }
            let t = normalize::term(core, &opt);
            if t.text.is_empty() {
                cx.err(w.span(), format!("word \"{s}\" has no letters or digits"), "remove it");
                continue;
            }
            add_literal(t, s, !s.starts_with('*'), !s.ends_with('*'));
        }
        for p in spec.all_phrases() {
            any = true;
            let s = p.get_ref();
            if s.contains('*') {
                cx.err(
                    p.span(),
                    format!("phrase \"{s}\" contains '*'"),
                    "phrases match whole words; use a `pattern` for wildcards",
                );
                continue;
            }
            let t = normalize::term(s, &opt);
            if t.text.is_empty() {
                cx.err(p.span(), format!("phrase \"{s}\" has no letters or digits"), "remove it");
                continue;
            }
            add_literal(t, s, true, true);
        }
        for p in spec.all_patterns() {
            any = true;
            if let Some(regex) = build_regex(p, &mut cx) {
                patterns.push(PatternRt { rule: rule_idx, source: p.get_ref().clone(), regex });
            }
        }
        if !any {
            cx.err(
                spec.id.span(),
                "rule has no word, phrase or pattern",
                "add `words = [...]`, `phrases = [...]` or `patterns = [...]`",
            );
        }
        let near =
            spec.near.as_ref().and_then(|c| compile_ctx(c, "near", &opt, &mut cx, spec.id.span()));
        let unless = spec
            .unless
            .as_ref()
            .and_then(|c| compile_ctx(c, "unless", &opt, &mut cx, spec.id.span()));
        let tone_below = spec.tone.as_ref().and_then(|ToneSpec { below }| {
            let v = *below.get_ref();
            if !(-1.0..=1.0).contains(&v) {
                cx.err(
                    below.span(),
                    format!("tone.below = {v} is outside -1..1"),
                    "VADER compound scores lie between -1 (hostile) and 1 (friendly)",
                );
                return None;
            }
            Some(v)
        });
        let (hits, misses) = examples_of(&spec.examples);
        let mut languages = Vec::new();
        for l in &spec.languages {
            let code = l.get_ref();
            if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
                languages.push(code.clone());
            } else {
                cx.err(
                    l.span(),
                    format!("\"{code}\" is not a language code"),
                    "write ISO 639-1 codes in lower case, e.g. languages = [\"de\"]",
                );
            }
        }
        let catv = cat.map(|c| &categories[c]);
        rules.push(Rule {
            id: id.clone(),
            category: spec.category.get_ref().clone(),
            severity: spec.severity.or(catv.map(|c| c.severity)).unwrap_or_default(),
            action: spec.action.or(catv.map(|c| c.action)).unwrap_or_default(),
            note: spec.note.clone(),
            kind: RuleKind::Lexical,
            words: plain(&spec.all_words().cloned().collect::<Vec<_>>()),
            phrases: plain(&spec.all_phrases().cloned().collect::<Vec<_>>()),
            patterns: plain(&spec.all_patterns().cloned().collect::<Vec<_>>()),
            near: spec.near.as_ref().map(|c| Context { words: plain(&c.words), within: c.within }),
            unless: spec
                .unless
                .as_ref()
                .map(|c| Context { words: plain(&c.words), within: c.within }),
            tone_below,
            languages,
            examples: Examples { hit: plain(&hits), miss: plain(&misses) },
        });
        rt.push(RuleRt {
            category: cat.unwrap_or(0),
            near,
            unless,
            tone_below,
            source: *src,
            hits,
            misses,
        });
        merged_rules.push(spec.clone());
    }

    let mut detectors = Vec::new();
    let mut merged_detectors = Vec::new();
    for (name, spec, src) in &m.detectors {
        merged_detectors.push((*name, spec.clone()));
        if spec.enabled == Some(false) {
            continue;
        }
        let id = format!("detector/{name}");
        let mut cx = Ctx { diags, source: &m.sources[*src], rule: Some(&id) };
        let Some(kind) =
            DetectorKind::from_spec(name, spec, &mut |span, msg, hint| cx.err(span, msg, hint))
        else {
            continue;
        };
        let cat = cat_index.get(spec.category.get_ref()).copied();
        if cat.is_none() {
            cx.err(
                spec.category.span(),
                format!("unknown category \"{}\"", spec.category.get_ref()),
                format!(
                    "define [categories.{}] or use one of: {}",
                    spec.category.get_ref(),
                    known()
                ),
            );
        }
        let catv = cat.map(|c| &categories[c]);
        let (hits, misses) = examples_of(&spec.examples);
        detectors.push((rules.len(), kind));
        rules.push(Rule {
            id,
            category: spec.category.get_ref().clone(),
            severity: spec.severity.or(catv.map(|c| c.severity)).unwrap_or_default(),
            action: spec.action.or(catv.map(|c| c.action)).unwrap_or_default(),
            note: spec.note.clone(),
            kind: kind.kind(),
            words: Vec::new(),
            phrases: Vec::new(),
            patterns: Vec::new(),
            near: None,
            unless: None,
            tone_below: None,
            languages: Vec::new(),
            examples: Examples { hit: plain(&hits), miss: plain(&misses) },
        });
        rt.push(RuleRt {
            category: cat.unwrap_or(0),
            near: None,
            unless: None,
            tone_below: None,
            source: *src,
            hits,
            misses,
        });
    }

    let starts = StartFilter::new(&words);
    let screen_infix = if infix.pats.is_empty() {
        None
    } else {
        // A DFA is fastest; a lexicon too large for one gets the default automaton rather
        // than no screen (which would wave every text through as clean).
        let build = |kind| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(&infix.pats)
                .ok()
        };
        build(Some(AhoCorasickKind::DFA)).or_else(|| build(None))
    };
    for set in [&mut words, &mut infix] {
        if let Err(e) = set.build() {
            let src = m.sources.last()?;
            diags.push(src.diag(None, None, format!("cannot compile words: {e}"), None));
        }
    }
    let sources: Vec<&str> = patterns.iter().map(|p| p.source.as_str()).collect();
    let set = if patterns.is_empty() {
        None
    } else {
        let config = meta::Regex::config()
            .match_kind(regex_automata::MatchKind::All)
            .auto_prefilter(false)
            .nfa_size_limit(Some(SET_SIZE_LIMIT))
            .dfa_size_limit(Some(SET_SIZE_LIMIT));
        match meta::Regex::builder().configure(config).build_many(&sources) {
            Ok(s) => Some(s),
            Err(e) => {
                let src = m.sources.last()?;
                diags.push(src.diag(
                    None,
                    None,
                    format!("all patterns together are too big: {e}"),
                    Some("use fewer or simpler patterns".into()),
                ));
                None
            }
        }
    };
    if !diags.is_empty() {
        return None;
    }
    let quick = Quick::build(&words, &infix, &sources, &opt);
    Some(Compiled {
        name: m.name.unwrap_or_else(|| "lexicon".into()),
        version: m.version,
        description: m.description,
        normalize: opt,
        merged_categories: m.categories.iter().map(|(k, (c, _))| (k.clone(), c.clone())).collect(),
        categories,
        cat_allow,
        rules,
        rt,
        words,
        infix,
        starts,
        screen_infix,
        set,
        quick,
        patterns,
        detectors,
        sources: m.sources,
        merged_rules,
        merged_detectors,
        attributes: Vec::new(),
        merged_attributes: Default::default(),
        merged_scores: Default::default(),
        merged_verdict: None,
    })
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
            verdict: self.merged_verdict.clone(),
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

    pub(crate) fn run_examples(&self) -> Vec<ExampleFailure> {
        let mut out = Vec::new();
        for (i, (rule, rt)) in self.rules.iter().zip(&self.rt).enumerate() {
            let source = &self.sources[rt.source];
            for (list, expected_hit) in [(&rt.hits, true), (&rt.misses, false)] {
                for ex in list {
                    let mut tone = || -1.0;
                    let scan =
                        super::matcher::Scan::run(self, ex.get_ref(), &mut tone, Some(i), false);
                    if scan.flags.is_empty() == expected_hit {
                        let (message, hint) = if expected_hit {
                            (
                                format!("hit example \"{}\" is not flagged", ex.get_ref()),
                                "fix the rule or the example; `moderato explain` shows how the \
                                 text is normalised",
                            )
                        } else {
                            let m = &scan.flags[0].matched;
                            (
                                format!(
                                    "miss example \"{}\" is flagged (matched \"{m}\")",
                                    ex.get_ref()
                                ),
                                "narrow the rule (whole words, `unless`, the category's \
                                 `allow`) or fix the example",
                            )
                        };
                        out.push(ExampleFailure {
                            rule: rule.id.clone(),
                            example: ex.get_ref().clone(),
                            expected_hit,
                            diagnostic: source.diag(
                                Some(ex.span()),
                                Some(&rule.id),
                                message,
                                Some(hint.into()),
                            ),
                        });
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
