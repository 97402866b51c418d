//! Matching one text against a compiled lexicon.
//!
//! Words and phrases: every term occurrence in the collapsed view, found by Aho-Corasick at
//! each start (word starts for whole-word terms, any start for `*`-prefixed ones), longest
//! first. Each is checked in code: word boundaries (unless the term has a `*` at that end),
//! letter-run lengths (text runs at least as long as the term's), then the rule's allowlist
//! and conditions. Each rule finds its own occurrences, leftmost first and the longest at a
//! start, none overlapping another of the same rule; different rules' occurrences may overlap,
//! so "fuck" still counts for the swearing rule inside the phrase "fuck you" of another, and a
//! lexicon's scores add up every rule with evidence in the comment. (Until 2026-12-05 one
//! longest match hid every other rule's inside it; a lexicon that relied on that says so with
//! an allowlist, as the built-in one does for "son of a bitch".) When the longest candidate at
//! a position fails, the shorter ones anchored there are still tried, so "you idiotic" finds
//! "idiotic" after the phrase "you idiot" failed its end boundary.
//!
//! Patterns: one multi-pattern regex (no literal prefilter) says which patterns occur in the
//! folded view; only those run their own `Regex` to find spans. Detectors run on the original
//! text.
//!
//! [`screen`] runs first and skips all of this for texts with no candidate; for the others it
//! hands over what it found (every word or phrase occurrence, whether the pattern set matched),
//! so [`Scan::run_screened`] tries those occurrences in the order the leftmost-longest scan
//! would visit them instead of scanning again. The screen looks for word-set terms only at the
//! word starts a hashed filter of their first bytes lets through
//! ([`super::compiled::StartFilter`]), with one anchored search each: cheaper than one automaton
//! step per byte of every comment. It reads views with an offset map per word ([`Words`]), per
//! character only when letters may be spaced out, and hands them on: a full scan after the
//! screen builds no views of its own. Before any of that, a text that is ASCII apart from curly
//! quotes, dashes and the like goes through the first pass ([`super::quick`]), one lazy DFA
//! over the lower-cased text that rules out most comments without building the views at all.

use std::cell::RefCell;

use aho_corasick::{Anchored, Input};

use super::compiled::{Compiled, CtxRt, TokSeq};
use super::literals::LiteralSet;
use super::normalize::{self, FoldSet, Folding, Normalized, Word, Words};
use super::{Flag, Match, Veto, Vetoed};

/// The views a scan reads: with their per-character maps (for `explain`, the examples, and texts
/// whose letters may be spaced out), or with a map per word ([`Words`], everything else).
#[derive(Clone, Copy)]
enum View<'n> {
    Full(&'n Normalized),
    Words(&'n Words),
}

impl<'n> View<'n> {
    fn collapsed(self) -> &'n str {
        match self {
            View::Full(n) => &n.collapsed,
            View::Words(w) => &w.collapsed,
        }
    }

    /// The letter run of the collapsed character at byte `p` (1 for a blank).
    fn run_at(self, p: usize) -> u32 {
        match self {
            View::Full(n) => {
                n.units.binary_search_by_key(&p, |u| u.byte).map_or(1, |i| n.units[i].run)
            }
            View::Words(w) => w.char_at(p).map_or(1, |c| c.run),
        }
    }

    /// The folded view (empty if it was not built).
    fn folded(self) -> &'n str {
        match self {
            View::Full(n) => &n.folded,
            View::Words(w) => &w.folded,
        }
    }
}

/// The views a scan built.
#[derive(Debug)]
enum Built {
    Full(Box<Normalized>),
    Words(Box<Words>),
}

impl Built {
    fn view(&self) -> View<'_> {
        match self {
            Built::Full(n) => View::Full(n),
            Built::Words(w) => View::Words(w),
        }
    }

    /// The views a scan that does not explain needs: the map per word (with the folded view if
    /// `patterns` are to run) unless letters may be spaced out. The map's buffers come from the
    /// thread's last text ([`Built::recycle`]).
    fn lean(text: &str, opt: &normalize::NormalizeOptions, patterns: bool) -> Built {
        let mut w = WORDS.with(RefCell::take).unwrap_or_default();
        if w.refill(text, opt, patterns) {
            Built::Words(w)
        } else {
            WORDS.with(|cell| cell.replace(Some(w)));
            // What `normalize` would give, without trying the segment-wise path first.
            Built::Full(Box::new(normalize::normalize_general(text, opt, !patterns)))
        }
    }

    /// Keep the map's buffers for the thread's next text, unless a huge text grew them.
    fn recycle(self) {
        if let Built::Words(w) = self {
            if w.capacity() <= REUSE_LIMIT {
                WORDS.with(|cell| cell.replace(Some(w)));
            }
        }
    }
}

/// The state and results of matching one text.
pub(crate) struct Scan<'a> {
    lex: &'a Compiled,
    text: &'a str,
    tone: &'a mut dyn FnMut() -> f64,
    pub compound: Option<f64>,
    only: Option<usize>,
    explain: bool,
    toks: Option<Vec<Word>>,
    pub flags: Vec<Flag>,
    pub matches: Vec<Match>,
    pub vetoed: Vec<Vetoed>,
    /// Each rule that accepted a word or phrase in the set being scanned, with the end (in the
    /// collapsed view) of its last accepted occurrence: a rule's occurrences do not overlap one
    /// another, while different rules' may.
    ends: Vec<(usize, usize)>,
}

impl<'a> Scan<'a> {
    /// Match `text`; `only` restricts matching to one rule (for its examples); `explain` keeps
    /// matches and vetoes.
    pub(crate) fn run(
        lex: &'a Compiled,
        text: &'a str,
        tone: &'a mut dyn FnMut() -> f64,
        only: Option<usize>,
        explain: bool,
    ) -> Scan<'a> {
        Scan::run_with(lex, text, tone, only, explain, None)
    }

    /// [`Scan::run`] after [`screen`] said `Candidate`: regex patterns are run only when the
    /// screen saw one match (it ran the same set on the same folded view), only the screen's
    /// `literals` are tried as words and phrases, and detectors the screen already ran are not
    /// run again. The views the screen built are read instead of being built again.
    pub(crate) fn run_screened(
        lex: &'a Compiled,
        text: &'a str,
        tone: &'a mut dyn FnMut() -> f64,
        mut candidate: Candidate,
    ) -> Scan<'a> {
        let views = candidate.views.take();
        Scan::run_with(lex, text, tone, None, false, Some((&candidate, views)))
    }

    fn run_with(
        lex: &'a Compiled,
        text: &'a str,
        tone: &'a mut dyn FnMut() -> f64,
        only: Option<usize>,
        explain: bool,
        screened: Option<(&Candidate, Option<Built>)>,
    ) -> Scan<'a> {
        let (screened, views) = match screened {
            Some((c, views)) => (Some(c), views),
            None => (None, None),
        };
        let mut scan = Scan {
            lex,
            text,
            tone,
            compound: None,
            only,
            explain,
            toks: None,
            flags: Vec::new(),
            matches: Vec::new(),
            vetoed: Vec::new(),
            ends: Vec::new(),
        };
        let lexical = only.is_none_or(|r| lex.rules[r].kind == super::RuleKind::Lexical);
        // After the screen, a text with no word, phrase or pattern candidate needs no views
        // unless a detector's rule has an allowlist or condition.
        let screened_out = screened.is_some_and(|c| !c.patterns && c.literals.is_empty());
        let mut built = None;
        if lexical && !screened_out {
            // The folded view is needed only by patterns, and the map per character only by
            // `explain` (which reports folds) and by letters spaced out.
            let patterns = screened.is_none_or(|c| c.patterns) && lex.set.is_some();
            let b = match screened {
                // A screened scan does not explain (`run_screened`), and reads the screen's views.
                Some(c) => {
                    let b = built.insert(match views {
                        Some(b) => b,
                        None => Built::lean(text, &lex.normalize, patterns),
                    });
                    scan.screened_literals(b.view(), &c.literals);
                    b
                }
                None => {
                    let n = if patterns {
                        normalize::normalize(text, &lex.normalize)
                    } else {
                        normalize::normalize_lean(text, &lex.normalize)
                    };
                    scan.literals(&n);
                    built.insert(Built::Full(Box::new(n)))
                }
            };
            if patterns {
                scan.patterns(b.view());
            }
        }
        scan.detectors(&mut built, screened.and_then(|c| c.detected.as_deref()));
        if let Some(b) = built {
            b.recycle();
        }
        scan.flags.sort_by(|a, b| (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule)));
        scan.flags.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.rule == b.rule);
        scan
    }

    fn wanted(&self, rule: usize) -> bool {
        self.only.is_none_or(|r| r == rule)
    }

    fn literals(&mut self, norm: &Normalized) {
        let lex = self.lex;
        let hay = norm.collapsed.as_str();
        if let Some(ac) = &lex.words.ac {
            // Word-start terms: at each word start, every term starting there, longest first.
            self.ends.clear();
            let units = &norm.units;
            for i in 0..units.len() {
                let u = &units[i];
                if !u.word || (i > 0 && units[i - 1].word) {
                    continue;
                }
                self.all_at(norm, &lex.words, ac, u.byte);
            }
        }
        if let Some(ac) = &lex.infix.ac {
            // Infix terms: at every start where one begins, left to right.
            self.ends.clear();
            let mut pos = 0;
            while pos < hay.len() {
                let Some(first) = ac.find(Input::new(hay).span(pos..hay.len())) else { break };
                let s = first.start();
                self.all_at(norm, &lex.infix, ac, s);
                pos = s + hay[s..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }

    /// [`Scan::literals`] over the screen's candidates: the same starts in the same order
    /// (word starts for the word set, any start for the infix set, left to right), at each
    /// start the candidates longest first.
    fn screened_literals(&mut self, view: View<'_>, lits: &[Literal]) {
        let lex = self.lex;
        let hay = view.collapsed().as_bytes();
        for infix in [false, true] {
            let mut cands: Vec<&Literal> = lits
                .iter()
                .filter(|l| l.infix == infix)
                .filter(|l| infix || l.start == 0 || hay.get(l.start - 1) == Some(&b' '))
                .collect();
            cands.sort_by(|a, b| (a.start, b.end).cmp(&(b.start, a.end)));
            let set = if infix { &lex.infix } else { &lex.words };
            self.ends.clear();
            for l in cands {
                self.try_literal(view, set, l.pid, l.start, l.end);
            }
        }
    }

    /// Try every term of `set` that occurs at byte `start` of the collapsed view, longest first.
    fn all_at(
        &mut self,
        norm: &Normalized,
        set: &LiteralSet,
        ac: &aho_corasick::AhoCorasick,
        start: usize,
    ) {
        let hay = norm.collapsed.as_str();
        let mut end = hay.len();
        while let Some(c) = ac.find(Input::new(hay).span(start..end).anchored(Anchored::Yes)) {
            self.try_literal(View::Full(norm), set, c.pattern().as_usize(), c.start(), c.end());
            if c.end() <= start + 1 {
                break;
            }
            end = c.end() - 1;
        }
    }

    /// Whether `rule` may accept an occurrence starting at `s`: none of its own accepted ones
    /// in this set reaches past `s`.
    fn free(&self, rule: usize, s: usize) -> bool {
        self.ends.iter().all(|&(r, e)| r != rule || e <= s)
    }

    /// `rule` accepted an occurrence ending at `e`.
    fn took(&mut self, rule: usize, e: usize) {
        match self.ends.iter_mut().find(|x| x.0 == rule) {
            Some(x) => x.1 = e,
            None => self.ends.push((rule, e)),
        }
    }

    fn try_literal(&mut self, view: View<'_>, set: &LiteralSet, pid: usize, s: usize, e: usize) {
        let norm = match view {
            View::Full(n) => n,
            View::Words(w) => return self.try_literal_words(w, set, pid, s, e),
        };
        let units = &norm.units;
        let i0 = units.partition_point(|u| u.byte < s);
        let Some(i1) = units.partition_point(|u| u.byte < e).checked_sub(1) else { return };
        if i0 > i1 || i1 >= units.len() {
            return;
        }
        let lex = self.lex;
        for entry in &set.entries[pid] {
            if !self.wanted(entry.rule) || !self.free(entry.rule, s) {
                continue;
            }
            if entry.start_bound && i0 > 0 && units[i0 - 1].word {
                continue;
            }
            if entry.end_bound && i1 + 1 < units.len() && units[i1 + 1].word {
                continue;
            }
            if entry.runs.len() != i1 - i0 + 1 {
                continue;
            }
            let span = &units[i0..=i1];
            let runs_ok = span
                .iter()
                .zip(&entry.runs)
                .all(|(u, &t)| u.run >= t && (lex.normalize.repeated || u.run == t));
            if !runs_ok {
                continue;
            }
            let mut folds = span.iter().fold(FoldSet::EMPTY, |a, u| a.union(u.folds));
            if span.iter().zip(&entry.runs).any(|(u, &t)| u.run > t) {
                folds.add(Folding::Repeated);
            }
            let (os, oe) = (units[i0].orig_start, units[i1].orig_end);
            if self.consider(view, entry.rule, os, oe, &entry.term, folds) {
                self.took(entry.rule, e);
            }
        }
    }

    /// [`Scan::try_literal`] on the map per word: the same checks, read off the collapsed view
    /// (a blank is the only character that is not part of a word) and [`Words::char_at`]; no
    /// folds, which only `explain` reports.
    fn try_literal_words(&mut self, w: &Words, set: &LiteralSet, pid: usize, s: usize, e: usize) {
        let c = w.collapsed.as_bytes();
        let starts = || (s..e).filter(|&p| w.collapsed.is_char_boundary(p));
        // A term begins and ends with a word character, and so does each of its occurrences.
        let (Some(first), Some(last)) =
            (w.char_at(s), starts().next_back().and_then(|p| w.char_at(p)))
        else {
            return;
        };
        let n = starts().count();
        let repeated = self.lex.normalize.repeated;
        for entry in &set.entries[pid] {
            if !self.wanted(entry.rule)
                || !self.free(entry.rule, s)
                || (entry.start_bound && s > 0 && c[s - 1] != b' ')
                || (entry.end_bound && e < c.len() && c[e] != b' ')
                || entry.runs.len() != n
            {
                continue;
            }
            let runs_ok = starts().zip(&entry.runs).all(|(p, &t)| {
                let run = w.char_at(p).map_or(1, |ch| ch.run);
                run >= t && (repeated || run == t)
            });
            if runs_ok
                && self.consider(
                    View::Words(w),
                    entry.rule,
                    first.orig_start,
                    last.orig_end,
                    &entry.term,
                    FoldSet::EMPTY,
                )
            {
                self.took(entry.rule, e);
            }
        }
    }

    fn patterns(&mut self, view: View<'_>) {
        let Some(set) = &self.lex.set else { return };
        let lex = self.lex;
        // Callers build the folded view when patterns are to run.
        debug_assert!(!matches!(view, View::Full(n) if n.lean), "patterns need the folded map");
        let folded = view.folded();
        let mut hits = regex_automata::PatternSet::new(set.pattern_len());
        set.which_overlapping_matches(&regex_automata::Input::new(folded), &mut hits);
        if hits.is_empty() {
            return;
        }
        for i in hits.iter() {
            let p = &lex.patterns[i.as_usize()];
            if !self.wanted(p.rule) {
                continue;
            }
            for m in p.regex.find_iter(folded) {
                if m.is_empty() {
                    continue;
                }
                let (span, folds) = match view {
                    View::Full(n) => (
                        normalize::orig_span(&n.folded_units, m.start(), m.end()),
                        normalize::folds_in(&n.folded_units, m.start(), m.end()),
                    ),
                    View::Words(w) => (w.folded_span(m.start(), m.end()), FoldSet::EMPTY),
                };
                let Some((s, e)) = span else { continue };
                self.consider(view, p.rule, s, e, &p.source, folds);
            }
        }
    }

    /// Run the detectors, or take what the screen found (`found`: see [`Candidate::detected`]).
    fn detectors(&mut self, built: &mut Option<Built>, found: Option<&[Detected]>) {
        let lex = self.lex;
        let ran;
        let found = match found {
            Some(f) => f,
            None => {
                ran = detect(lex, self.text, |rule| self.wanted(rule));
                &ran[..]
            }
        };
        for (d, spans) in found {
            let rule = lex.detectors[*d].0;
            // Views are needed only for the rule's allowlist and conditions (tokens).
            let none = Normalized::default();
            let view = if self.needs_tokens(rule) {
                built.get_or_insert_with(|| Built::lean(self.text, &lex.normalize, false)).view()
            } else {
                View::Full(&none)
            };
            let name = lex.rules[rule].id.clone();
            for &(s, e) in spans {
                self.consider(view, rule, s, e, &name, FoldSet::EMPTY);
            }
        }
    }

    fn tokens(&mut self, view: View<'_>) -> &[Word] {
        self.toks.get_or_insert_with(|| match view {
            View::Full(n) => Word::of_units(&n.units),
            View::Words(w) => w.words.clone(),
        })
    }

    /// Does `rule` look at the words around a match (allowlist, `near`, `unless`)?
    fn needs_tokens(&self, rule: usize) -> bool {
        let r = &self.lex.rt[rule];
        !self.lex.cat_allow[r.category].is_empty() || r.near.is_some() || r.unless.is_some()
    }

    /// Apply allowlist and conditions to a candidate; raise a flag if it passes.
    fn consider(
        &mut self,
        view: View<'_>,
        rule: usize,
        s: usize,
        e: usize,
        term: &str,
        folds: FoldSet,
    ) -> bool {
        let lex = self.lex;
        let r = &lex.rt[rule];
        let allow = &lex.cat_allow[r.category];
        let needs_toks = self.needs_tokens(rule);
        // Why the match is vetoed, borrowed: a `Veto` (which owns its words) is built only when
        // explaining.
        enum Why<'c> {
            Allow(&'c str),
            Unless(&'c str),
            NotNear(&'c CtxRt),
            Tone(f64, f64),
        }
        let mut veto = None;
        if needs_toks {
            let toks = self.tokens(view);
            let lo = toks.partition_point(|t| t.orig_end <= s);
            let hi = toks.partition_point(|t| t.orig_start < e).max(lo);
            let collapsed = view.collapsed();
            let text = |k: usize| &collapsed[toks[k].cs..toks[k].ce];
            if let Some(a) = allow.iter().find(|a| covers(a, toks.len(), lo, hi, &text)) {
                veto = Some(Why::Allow(&a.written));
            } else if let Some(w) =
                r.unless.as_ref().and_then(|u| near(u, toks.len(), lo, hi, &text))
            {
                veto = Some(Why::Unless(w));
            } else if let Some(n) = &r.near {
                if near(n, toks.len(), lo, hi, &text).is_none() {
                    veto = Some(Why::NotNear(n));
                }
            }
        }
        if veto.is_none() {
            if let Some(below) = r.tone_below {
                let c = match self.compound {
                    Some(c) => c,
                    None => {
                        let c = (self.tone)();
                        self.compound = Some(c);
                        c
                    }
                };
                if c.is_nan() || c >= below {
                    veto = Some(Why::Tone(c, below));
                }
            }
        }
        let info = &lex.rules[rule];
        if let Some(why) = veto {
            if self.explain {
                let reason = match why {
                    Why::Allow(entry) => Veto::Allowlist { entry: entry.to_owned() },
                    Why::Unless(word) => Veto::Unless { word: word.to_owned() },
                    Why::NotNear(n) => Veto::NotNear {
                        words: n.seqs.iter().map(|s| s.written.clone()).collect(),
                        within: n.within,
                    },
                    Why::Tone(compound, below) => Veto::Tone { compound, below },
                };
                self.vetoed.push(Vetoed {
                    rule: info.id.clone(),
                    category: info.category.clone(),
                    term: term.to_owned(),
                    matched: self.text[s..e].to_owned(),
                    start: s,
                    end: e,
                    reason,
                });
            }
            return false;
        }
        let flag = Flag {
            rule: info.id.clone(),
            category: info.category.clone(),
            severity: info.severity,
            action: info.action,
            matched: self.text[s..e].to_owned(),
            start: s,
            end: e,
        };
        if self.explain {
            self.matches.push(Match {
                flag: flag.clone(),
                term: term.to_owned(),
                foldings: folds.to_vec(),
            });
        }
        self.flags.push(flag);
        true
    }
}

/// What the screen saw in a text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Screened {
    /// Certainly no flag.
    Clean,
    /// Something may flag: the full [`Scan`] decides.
    Candidate(Candidate),
}

/// What the full [`Scan`] of a text the screen let through needs to know.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// The regex set matched.
    pub patterns: bool,
    /// Every word or phrase occurrence that passed the boundary and letter-run checks, in the
    /// collapsed view (the only ones the full scan can accept).
    pub literals: Vec<Literal>,
    /// The detectors' spans, when the screen ran them (it does when nothing else was found).
    pub detected: Option<Vec<Detected>>,
    /// The views the screen read, with their map per word (folded view included when the
    /// lexicon has patterns), when it built them: the full scan reads them too.
    views: Option<Built>,
}

impl Candidate {
    fn new(patterns: bool, literals: Vec<Literal>, detected: Option<Vec<Detected>>) -> Candidate {
        Candidate { patterns, literals, detected, views: None }
    }
}

/// Candidates are equal when they say the same; the views they carry are a cache.
impl PartialEq for Candidate {
    fn eq(&self, other: &Candidate) -> bool {
        (self.patterns, &self.literals, &self.detected)
            == (other.patterns, &other.literals, &other.detected)
    }
}

impl Eq for Candidate {}

/// The spans one detector found: its index in [`Compiled::detectors`], and the spans.
pub(crate) type Detected = (usize, Vec<(usize, usize)>);

/// The detectors (those whose rule `wanted` says) that find something in `text`.
fn detect(lex: &Compiled, text: &str, wanted: impl Fn(usize) -> bool) -> Vec<Detected> {
    let pre = super::detectors::Prescan::of(text);
    let mut out = Vec::new();
    for (d, &(rule, kind)) in lex.detectors.iter().enumerate() {
        if wanted(rule) && kind.may_fire(&pre, text) {
            let spans = kind.find(text);
            if !spans.is_empty() {
                out.push((d, spans));
            }
        }
    }
    out
}

/// One occurrence of a lexicon word or phrase in the collapsed view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Literal {
    /// From the infix set (else the word-start set).
    infix: bool,
    /// The pattern's index in its set.
    pid: usize,
    start: usize,
    end: usize,
}

/// Screen `text` on views with an offset map per word ([`Words`]), cheap to build for the plain
/// words most comments are made of.
/// Conservative: any candidate that passes its boundary and letter-run checks, any pattern or
/// detector hit sends the text to the full [`Scan`]. Texts the first pass
/// ([`super::quick::Quick`]) applies to go through it first, and on to the views only when it
/// matches.
pub(crate) fn screen(lex: &Compiled, text: &str) -> Screened {
    screen_with(lex, text, true)
}

/// [`screen`], with or without the first pass.
pub(crate) fn screen_with(lex: &Compiled, text: &str, first_pass: bool) -> Screened {
    let quick = lex.quick.as_ref().filter(|_| first_pass);
    let ruled_out = quick.is_some_and(|q| {
        LOWER.with(|cell| {
            let mut lower = cell.take();
            let out = q.rules_out(text, &mut lower);
            if lower.capacity() <= REUSE_LIMIT {
                cell.replace(lower);
            }
            out
        })
    });
    if ruled_out {
        return detectors_only(lex, text);
    }
    // The views, which a full scan reads too: with a map per word, or per character when letters
    // may be spaced out.
    let built = Built::lean(text, &lex.normalize, lex.set.is_some());
    match screen_views(lex, text, built.view()) {
        Screened::Candidate(mut c) if c.detected.is_none() => {
            c.views = Some(built);
            Screened::Candidate(c)
        }
        out => {
            built.recycle();
            out
        }
    }
}

thread_local! {
    /// The first pass's lower-cased text, reused from text to text.
    static LOWER: RefCell<Vec<u8>> = RefCell::default();
    /// The buffers of the map per word ([`Words`]), reused from text to text.
    static WORDS: RefCell<Option<Box<Words>>> = RefCell::default();
}

/// Buffers sized for texts up to this many bytes are kept for the next text; larger ones are
/// freed, so one huge comment does not hold its memory for the rest of a run.
const REUSE_LIMIT: usize = 1 << 16;

/// [`screen`] on the views of `text`.
fn screen_views(lex: &Compiled, text: &str, view: View<'_>) -> Screened {
    let c = view.collapsed().as_bytes();
    let hay = Input::new(c);
    let repeated = lex.normalize.repeated;
    // The byte offsets (from `s`) of the characters of `c[s..e]` (whole characters: the
    // automata match whole UTF-8 sequences).
    let chars = |s: usize, e: usize| {
        c[s..e].iter().enumerate().filter(|&(_, &x)| (x as i8) >= -0x40).map(|(k, _)| k)
    };
    let passes = |set: &LiteralSet, pid: usize, s: usize, e: usize| {
        set.entries[pid].iter().any(|en| {
            (!en.start_bound || s == 0 || c[s - 1] == b' ')
                && (!en.end_bound || e == c.len() || c[e] == b' ')
                && chars(s, e).count() == en.runs.len()
                && chars(s, e).zip(&en.runs).all(|(k, &t)| {
                    let r = view.run_at(s + k);
                    r >= t && (repeated || r == t)
                })
        })
    };
    let mut literals = Vec::new();
    if let Some(ac) = &lex.words.ac {
        // Word-set terms only count at word starts: at each one the filter lets through, every
        // term that starts there, longest first (the set's automaton is leftmost-longest).
        lex.starts.starts(c, |p| {
            let mut end = c.len();
            while let Some(m) = ac.find(hay.clone().span(p..end).anchored(Anchored::Yes)) {
                let pid = m.pattern().as_usize();
                if passes(&lex.words, pid, p, m.end()) {
                    literals.push(Literal { infix: false, pid, start: p, end: m.end() });
                }
                end = m.end() - 1;
                if end <= p {
                    break;
                }
            }
        });
    }
    if let Some(ac) = &lex.screen_infix {
        for m in ac.find_overlapping_iter(hay.clone()) {
            let pid = m.pattern().as_usize();
            if passes(&lex.infix, pid, m.start(), m.end()) {
                literals.push(Literal { infix: true, pid, start: m.start(), end: m.end() });
            }
        }
    }
    let patterns = lex.set.as_ref().is_some_and(|set| set.is_match(view.folded()));
    if patterns || !literals.is_empty() {
        return Screened::Candidate(Candidate::new(patterns, literals, None));
    }
    detectors_only(lex, text)
}

/// The screen's answer for a text with no word, phrase or pattern candidate: what the detectors
/// find.
fn detectors_only(lex: &Compiled, text: &str) -> Screened {
    let detected = detect(lex, text, |_| true);
    if detected.is_empty() {
        Screened::Clean
    } else {
        Screened::Candidate(Candidate::new(false, Vec::new(), Some(detected)))
    }
}

fn seq_at<'t>(seq: &TokSeq, p: usize, text: &dyn Fn(usize) -> &'t str) -> bool {
    let n = seq.toks.len();
    seq.toks.iter().enumerate().all(|(k, want)| {
        let t = text(p + k);
        let (pre, suf) = (k == 0 && seq.prefix, k + 1 == n && seq.suffix);
        match (pre, suf) {
            (true, true) => t.contains(want.as_str()),
            (true, false) => t.ends_with(want.as_str()),
            (false, true) => t.starts_with(want.as_str()),
            (false, false) => t == want,
        }
    })
}

/// Does an occurrence of `seq` cover tokens `lo..hi`?
fn covers<'t>(
    seq: &TokSeq,
    ntok: usize,
    lo: usize,
    hi: usize,
    text: &dyn Fn(usize) -> &'t str,
) -> bool {
    let n = seq.toks.len();
    if hi <= lo || n < hi - lo {
        return false;
    }
    (hi.saturating_sub(n)..=lo).any(|p| p + n <= ntok && p + n >= hi && seq_at(seq, p, text))
}

/// The first word of `ctx` occurring within its distance of tokens `lo..hi`.
fn near<'c, 't>(
    ctx: &'c CtxRt,
    ntok: usize,
    lo: usize,
    hi: usize,
    text: &dyn Fn(usize) -> &'t str,
) -> Option<&'c str> {
    let hi = hi.max(lo + 1);
    for seq in &ctx.seqs {
        let n = seq.toks.len();
        if n > ntok {
            continue;
        }
        let (from, to) = match ctx.within {
            Some(w) => (lo.saturating_sub(w + n), (hi + w).min(ntok - n)),
            None => (0, ntok - n),
        };
        for p in from..=to {
            let end = p + n; // exclusive
            let dist = if end <= lo {
                lo - end + 1
            } else if p >= hi {
                p - hi + 1
            } else {
                0
            };
            if ctx.within.is_some_and(|w| dist > w) {
                continue;
            }
            if seq_at(seq, p, text) {
                return Some(&seq.written);
            }
        }
    }
    None
}
