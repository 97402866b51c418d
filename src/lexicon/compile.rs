//! Validation and compilation of a merged lexicon.
//!
//! Every problem is collected (not just the first), each located at the value concerned.
//! Words and phrases become literals of Aho-Corasick automata (leftmost-longest, anchored
//! searches allowed so every term at a start can be found, longest first, by shortening the
//! span):
//! terms that must start a word go into one searched only at word starts (most of them; this
//! keeps "as" inside "class" from costing anything), `*suffix` terms into one that scans;
//! patterns become one `RegexSet` plus one `Regex` each, run only when the set says so.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use toml::Spanned;

use super::compiled::{Compiled, CtxRt, PatternRt, RuleRt, StartFilter, TokSeq};
use super::detectors::DetectorKind;
use super::error::{Diagnostic, LexiconError, Source};
use super::literals::{LiteralEntry, LiteralSet};
use super::load::{Loader, Merged};
use super::normalize::{self, NormalizeOptions};
use super::quick::Quick;
use super::schema::{ContextSpec, ExamplesSpec, RuleSpec, ToneSpec};
use super::{Category, Context, Examples, Lexicon, Rule, RuleKind};

/// Largest compiled size of one pattern; past it the pattern is rejected with a clear error.
pub(crate) const PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// Largest compiled size of all patterns together.
const SET_SIZE_LIMIT: usize = 64 << 20;

/// A `near`/`unless` entry or an allowlist entry as a sequence of collapsed words.
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

/// Validate and compile the loader's layers. The rules' examples are run afterwards, by the
/// caller (`Lexicon::load`), through the matcher.
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
    core.merged_terms = m.terms.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect();
    core.merged_verdict = m.verdict.spec();
    core.merged_model = m.model.spec();
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
        model: None,
    };
    Ok(lex)
}

/// The categories, compiled: in name order, with their allowlists and an index by name.
struct Cats {
    categories: Vec<Category>,
    cat_allow: Vec<Vec<TokSeq>>,
    cat_index: HashMap<String, usize>,
}

impl Cats {
    /// The category names, for "use one of" hints.
    fn known(&self) -> String {
        self.categories.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// What compiling the rules and detectors builds up.
#[derive(Default)]
struct Parts {
    rules: Vec<Rule>,
    rt: Vec<RuleRt>,
    words: LiteralSet,
    infix: LiteralSet,
    patterns: Vec<PatternRt>,
    merged_rules: Vec<RuleSpec>,
    detectors: Vec<(usize, DetectorKind)>,
    merged_detectors: Vec<(&'static str, super::schema::DetectorSpec)>,
}

/// Compiles one part of a lexicon in four named steps: categories, rules, detectors, automata.
fn compile(m: Merged, diags: &mut Vec<Diagnostic>) -> Option<Compiled> {
    let opt = m.normalize.clone();
    let cats = compile_categories(&m, &opt, diags);
    let mut parts = Parts::default();
    for (spec, src) in &m.rules {
        compile_rule(&m, spec, *src, &cats, &opt, &mut parts, diags);
    }
    compile_detectors(&m, &cats, &mut parts, diags);
    let Parts {
        rules,
        rt,
        mut words,
        mut infix,
        patterns,
        merged_rules,
        detectors,
        merged_detectors,
    } = parts;
    let Cats { categories, cat_allow, .. } = cats;
    // Step 4: the automata and the pattern set.
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
        merged_terms: Default::default(),
        merged_verdict: None,
        merged_model: None,
    })
}

/// Step 1: the categories, each with its allowlist compiled.
fn compile_categories(m: &Merged, opt: &NormalizeOptions, diags: &mut Vec<Diagnostic>) -> Cats {
    let mut categories = Vec::new();
    let mut cat_allow = Vec::new();
    let mut cat_index: HashMap<String, usize> = HashMap::new();
    for (name, (spec, src)) in &m.categories {
        let mut cx = Ctx { diags, source: &m.sources[*src], rule: None };
        let mut allow = Vec::new();
        for a in &spec.allow {
            match parse_seq(a.get_ref(), opt) {
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
    Cats { categories, cat_allow, cat_index }
}

/// Step 2: one rule, its words, phrases and patterns added to the automata's sets.
fn compile_rule(
    m: &Merged,
    spec: &RuleSpec,
    src: usize,
    cats: &Cats,
    opt: &NormalizeOptions,
    out: &mut Parts,
    diags: &mut Vec<Diagnostic>,
) {
    if spec.enabled == Some(false) {
        out.merged_rules.push(spec.clone());
        return;
    }
    let id = spec.id.get_ref();
    let mut cx = Ctx { diags, source: &m.sources[src], rule: Some(id) };
    let cat = cats.cat_index.get(spec.category.get_ref()).copied();
    if cat.is_none() {
        cx.err(
            spec.category.span(),
            format!("unknown category \"{}\"", spec.category.get_ref()),
            format!(
                "define [categories.{}] or use one of: {}",
                spec.category.get_ref(),
                cats.known()
            ),
        );
    }
    let rule_idx = out.rules.len();
    let mut any = false;
    let mut add_literal = |term: normalize::Term, written: &str, sb: bool, eb: bool| {
        let set = if sb { &mut out.words } else { &mut out.infix };
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
        let t = normalize::term(core, opt);
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
        let t = normalize::term(s, opt);
        if t.text.is_empty() {
            cx.err(p.span(), format!("phrase \"{s}\" has no letters or digits"), "remove it");
            continue;
        }
        add_literal(t, s, true, true);
    }
    for p in spec.all_patterns() {
        any = true;
        if let Some(regex) = build_regex(p, &mut cx) {
            out.patterns.push(PatternRt { rule: rule_idx, source: p.get_ref().clone(), regex });
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
        spec.near.as_ref().and_then(|c| compile_ctx(c, "near", opt, &mut cx, spec.id.span()));
    let unless =
        spec.unless.as_ref().and_then(|c| compile_ctx(c, "unless", opt, &mut cx, spec.id.span()));
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
    let catv = cat.map(|c| &cats.categories[c]);
    out.rules.push(Rule {
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
        unless: spec.unless.as_ref().map(|c| Context { words: plain(&c.words), within: c.within }),
        tone_below,
        languages,
        examples: Examples { hit: plain(&hits), miss: plain(&misses) },
    });
    out.rt.push(RuleRt {
        category: cat.unwrap_or(0),
        near,
        unless,
        tone_below,
        source: src,
        hits,
        misses,
    });
    out.merged_rules.push(spec.clone());
}

/// Step 3: the built-in detectors, as rules after the lexical ones.
fn compile_detectors(m: &Merged, cats: &Cats, out: &mut Parts, diags: &mut Vec<Diagnostic>) {
    for (name, spec, src) in &m.detectors {
        out.merged_detectors.push((*name, spec.clone()));
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
        let cat = cats.cat_index.get(spec.category.get_ref()).copied();
        if cat.is_none() {
            cx.err(
                spec.category.span(),
                format!("unknown category \"{}\"", spec.category.get_ref()),
                format!(
                    "define [categories.{}] or use one of: {}",
                    spec.category.get_ref(),
                    cats.known()
                ),
            );
        }
        let catv = cat.map(|c| &cats.categories[c]);
        let (hits, misses) = examples_of(&spec.examples);
        out.detectors.push((out.rules.len(), kind));
        out.rules.push(Rule {
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
        out.rt.push(RuleRt {
            category: cat.unwrap_or(0),
            near: None,
            unless: None,
            tone_below: None,
            source: *src,
            hits,
            misses,
        });
    }
}
