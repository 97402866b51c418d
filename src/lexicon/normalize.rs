//! Folding text for matching, with an offset map back to the original.
//!
//! Commenters dodge word filters with "1d10t", "ѕtupid" (Cyrillic ѕ), "stuuupid", "i.d.i.o.t"
//! and zero-width spaces. Matching therefore runs on a folded copy of the text, and every
//! folded character remembers the byte range of the original character it came from, so a
//! flag always points at original bytes (`&text[start..end]` is what the reader wrote).
//!
//! Two views are built from one pass:
//! - `folded`: lower case, Unicode compatibility forms and accents removed (NFKD minus marks),
//!   look-alike letters mapped to Latin, leetspeak mapped to letters *inside words only*
//!   (so the "!" of "idiot!" stays punctuation), letters spaced or dotted out ("i d i o t")
//!   joined, invisible characters dropped. Regex patterns run on this view.
//! - `collapsed`: the folded view with every run of one letter stored once together with its
//!   length, and every run of non-word characters stored as one space. Words and phrases are
//!   matched here, against lexicon terms collapsed the same way; a match is kept only when each
//!   letter run in the text is at least as long as in the term, so "stuuupid" matches
//!   "stupid" while "god" does not match "good" and "as" does not match "ass".

use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One kind of folding that matching applies; `explain` reports which ones made a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Folding {
    /// Upper case folded to lower case.
    Case,
    /// Unicode compatibility form or accent removed ("ｉｄｉｏｔ", "stüpid").
    Unicode,
    /// A look-alike letter from another script ("ѕtupid" with Cyrillic ѕ).
    Confusable,
    /// Leetspeak digit or symbol read as a letter ("1d10t", "a$$").
    Leet,
    /// A letter repeated more often than in the term ("stuuupid").
    Repeated,
    /// Letters spaced or dotted out ("i.d.i.o.t").
    Spaced,
    /// An invisible character (zero-width space, soft hyphen) dropped.
    Invisible,
}

impl Folding {
    const ALL: [Folding; 7] = [
        Folding::Case,
        Folding::Unicode,
        Folding::Confusable,
        Folding::Leet,
        Folding::Repeated,
        Folding::Spaced,
        Folding::Invisible,
    ];
}

/// A small set of [`Folding`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FoldSet(u8);

impl FoldSet {
    pub(crate) const EMPTY: FoldSet = FoldSet(0);

    pub(crate) fn one(f: Folding) -> FoldSet {
        FoldSet(1 << f as u8)
    }

    pub(crate) fn add(&mut self, f: Folding) {
        self.0 |= 1 << f as u8;
    }

    pub(crate) fn union(self, other: FoldSet) -> FoldSet {
        FoldSet(self.0 | other.0)
    }

    pub(crate) fn to_vec(self) -> Vec<Folding> {
        Folding::ALL.iter().copied().filter(|f| self.0 & (1 << *f as u8) != 0).collect()
    }
}

/// What matching folds (the `[normalize]` table). Everything is on by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NormalizeOptions {
    /// Fold upper case to lower case.
    pub case: bool,
    /// Unicode compatibility forms (NFKD), accents removed, invisible characters dropped.
    pub unicode: bool,
    /// Map look-alike letters of other scripts (Cyrillic, Greek) to Latin.
    pub confusables: bool,
    /// Read leetspeak digits and symbols inside words as letters.
    pub leet: bool,
    /// Let a repeated letter in the text match a single one in a term.
    pub repeated: bool,
    /// Join letters spaced or dotted out ("i d i o t", "i.d.i.o.t").
    pub spaced: bool,
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            case: true,
            unicode: true,
            confusables: true,
            leet: true,
            repeated: true,
            spaced: true,
        }
    }
}

/// One character of a normalised view and where it came from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unit {
    /// Byte offset of this character in its view.
    pub byte: usize,
    /// Byte range in the original text.
    pub orig_start: usize,
    pub orig_end: usize,
    /// How many folded characters this one stands for (letter runs in `collapsed`).
    pub run: u32,
    /// Part of a word (letters, digits, leet read as letters, masks inside words).
    pub word: bool,
    pub folds: FoldSet,
    pub ch: char,
}

/// Both normalised views of a text, with their offset maps.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    pub folded: String,
    pub folded_units: Vec<Unit>,
    pub collapsed: String,
    pub units: Vec<Unit>,
}

/// The original byte range covered by `start..end` of a view, if it covers any character.
pub(crate) fn orig_span(units: &[Unit], start: usize, end: usize) -> Option<(usize, usize)> {
    if start >= end {
        return None;
    }
    let i0 = units.partition_point(|u| u.byte < start);
    let i1 = units.partition_point(|u| u.byte < end).checked_sub(1)?;
    if i0 > i1 || i1 >= units.len() {
        return None;
    }
    Some((units[i0].orig_start, units[i1].orig_end))
}

/// The folds applied to the characters of `start..end` of a view.
pub(crate) fn folds_in(units: &[Unit], start: usize, end: usize) -> FoldSet {
    let i0 = units.partition_point(|u| u.byte < start);
    let i1 = units.partition_point(|u| u.byte < end);
    units[i0..i1].iter().fold(FoldSet::EMPTY, |acc, u| acc.union(u.folds))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Letter,
    Digit,
    /// A symbol leetspeak uses for a letter: only read as one inside a word.
    Leet,
    /// `*` as in "f*ck": part of the word when between letters.
    Mask,
    Other,
}

impl Class {
    fn of(c: char) -> Class {
        if c.is_alphabetic() {
            Class::Letter
        } else if c.is_ascii_digit() {
            Class::Digit
        } else if c.is_numeric() {
            Class::Other
        } else if leet(c).is_some() {
            Class::Leet
        } else if c == '*' {
            Class::Mask
        } else {
            Class::Other
        }
    }

    fn tokenish(self) -> bool {
        self != Class::Other
    }
}

#[derive(Clone, Copy, Debug)]
struct Raw {
    c: char,
    conf: Option<char>,
    upper: bool,
    class: Class,
    s: usize,
    e: usize,
    folds: FoldSet,
    word: bool,
    keep: bool,
}

/// Leetspeak reading of a digit or symbol.
fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' | '€' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        '9' => 'g',
        _ => return None,
    })
}

/// Look-alike letters of other scripts that readers take for Latin ones. A hand-written table
/// (not the full Unicode confusables list): it covers what evasion uses in English text and
/// keeps the map one character to one character, which the offset map relies on.
fn confusable(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' | 'А' => 'a',
        'В' | 'в' | 'Ь' | 'ь' => 'b',
        'с' | 'С' | 'ϲ' | 'Ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'є' | 'Є' => 'e',
        'ɡ' | 'ԍ' => 'g',
        'һ' | 'Һ' | 'Н' => 'h',
        'і' | 'І' | 'ӏ' | 'Ӏ' | 'ı' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' => 'k',
        'М' | 'м' => 'm',
        'п' | 'П' => 'n',
        'о' | 'О' => 'o',
        'р' | 'Р' => 'p',
        'ԛ' | 'Ԛ' => 'q',
        'г' | 'Г' => 'r',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' => 't',
        'ц' => 'u',
        'ѵ' | 'Ѵ' => 'v',
        'ԝ' | 'Ԝ' | 'ш' | 'Ш' => 'w',
        'х' | 'Х' => 'x',
        'у' | 'У' | 'ү' | 'Ү' => 'y',
        // Greek
        'α' | 'Α' => 'a',
        'β' | 'Β' => 'b',
        'ε' | 'Ε' => 'e',
        'η' | 'Η' => 'h',
        'ι' | 'Ι' => 'i',
        'κ' | 'Κ' => 'k',
        'Μ' => 'm',
        'ν' | 'Ν' => 'v',
        'ο' | 'Ο' | 'σ' => 'o',
        'ρ' | 'Ρ' => 'p',
        'τ' | 'Τ' => 't',
        'υ' | 'μ' => 'u',
        'χ' | 'Χ' => 'x',
        'γ' | 'Υ' => 'y',
        'Ζ' => 'z',
        'ω' => 'w',
        // Latin look-alikes outside ASCII
        'ɑ' => 'a',
        'ʏ' => 'y',
        'ǀ' => 'l',
        _ => return None,
    })
}

/// Characters that render as nothing and are used to split words invisibly.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
        | '\u{17B5}' | '\u{180B}'..='\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

/// Separators between letters spelled out one by one.
fn is_spacing(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '_' | '*' | '\u{A0}' | '·' | '•')
}

fn push_folded(
    raws: &mut Vec<Raw>,
    d: char,
    upper: bool,
    s: usize,
    e: usize,
    folds: FoldSet,
    opt: &NormalizeOptions,
) {
    let conf = if opt.confusables { confusable(d) } else { None };
    if opt.case && d.is_uppercase() {
        for l in d.to_lowercase() {
            let mut f = folds;
            if l != d {
                f.add(Folding::Case);
            }
            raws.push(Raw::new(l, conf, upper, s, e, f));
        }
    } else {
        raws.push(Raw::new(d, conf, upper, s, e, folds));
    }
}

impl Raw {
    fn new(c: char, conf: Option<char>, upper: bool, s: usize, e: usize, folds: FoldSet) -> Raw {
        Raw { c, conf, upper, class: Class::of(c), s, e, folds, word: false, keep: true }
    }
}

/// Fold one run of letters, digits, leet symbols and masks.
fn fold_token(tok: &mut [Raw], opt: &NormalizeOptions) {
    let has_letter = tok.iter().any(|r| r.class == Class::Letter);
    let apply_conf = opt.confusables
        && has_letter
        && (tok.iter().any(|r| r.c.is_ascii_alphabetic())
            || tok.iter().filter(|r| r.class == Class::Letter).all(|r| r.conf.is_some()));
    let is_alnum = |r: &Raw| matches!(r.class, Class::Letter | Class::Digit);
    let first_alnum = tok.iter().position(is_alnum);
    let last_alnum = tok.iter().rposition(is_alnum);
    let n = tok.len();
    for j in 0..n {
        match tok[j].class {
            Class::Letter => {
                tok[j].word = true;
                if apply_conf {
                    if let Some(x) = tok[j].conf {
                        if x != tok[j].c {
                            tok[j].c = x;
                            tok[j].folds.add(Folding::Confusable);
                        }
                    }
                }
            }
            Class::Digit => {
                tok[j].word = true;
                if opt.leet && has_letter {
                    if let Some(x) = leet(tok[j].c) {
                        tok[j].c = x;
                        tok[j].folds.add(Folding::Leet);
                    }
                }
            }
            Class::Leet => {
                let c = tok[j].c;
                let later = last_alnum.is_some_and(|l| l > j);
                let earlier = first_alnum.is_some_and(|f| f < j);
                // "Shut up!You" is a sentence break, "SH!T" and "sh!t" are words.
                let sentence_break = matches!(c, '!' | '|')
                    && j > 0
                    && j + 1 < n
                    && tok[j - 1].class == Class::Letter
                    && !tok[j - 1].upper
                    && tok[j + 1].upper;
                let read = opt.leet
                    && has_letter
                    && !sentence_break
                    && (later || (c == '$' && earlier));
                if read {
                    if let Some(x) = leet(c) {
                        tok[j].c = x;
                        tok[j].folds.add(Folding::Leet);
                        tok[j].word = true;
                    }
                }
            }
            Class::Mask => {
                tok[j].word =
                    first_alnum.is_some_and(|f| f < j) && last_alnum.is_some_and(|l| l > j);
            }
            Class::Other => {}
        }
    }
}

/// Join runs of three or more single letters separated by one or two spacing characters.
fn join_spaced(raws: &mut [Raw]) {
    // Word runs as (start, end) indices into `raws`.
    let mut toks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < raws.len() {
        if raws[i].word {
            let a = i;
            while i < raws.len() && raws[i].word {
                i += 1;
            }
            toks.push((a, i));
        } else {
            i += 1;
        }
    }
    let single = |t: (usize, usize), raws: &[Raw]| t.1 - t.0 == 1 && raws[t.0].c.is_alphabetic();
    let gap_ok = |from: usize, to: usize, raws: &[Raw]| {
        let gap = &raws[from..to];
        (1..=2).contains(&gap.len()) && gap.iter().all(|r| is_spacing(r.c))
    };
    let mut k = 0;
    while k < toks.len() {
        if !single(toks[k], raws) {
            k += 1;
            continue;
        }
        let mut m = k;
        while m + 1 < toks.len()
            && single(toks[m + 1], raws)
            && gap_ok(toks[m].1, toks[m + 1].0, raws)
        {
            m += 1;
        }
        // "i.d.i.o.t" needs three letters; "u r a loser" shows why letters spaced out with
        // blanks need four before they read as one word.
        let dotted = (k..m).any(|t| raws[toks[t].1..toks[t + 1].0].iter().any(|r| r.c != ' '));
        if m - k + 1 >= if dotted { 3 } else { 4 } {
            for t in k..m {
                for r in &mut raws[toks[t].1..toks[t + 1].0] {
                    r.keep = false;
                }
            }
            for t in &toks[k..=m] {
                raws[t.0].folds.add(Folding::Spaced);
            }
        }
        k = m + 1;
    }
}

/// Build both views of `text`.
pub(crate) fn normalize(text: &str, opt: &NormalizeOptions) -> Normalized {
    let mut raws: Vec<Raw> = Vec::with_capacity(text.len());
    for (s, c) in text.char_indices() {
        let e = s + c.len_utf8();
        if c.is_ascii() {
            let upper = c.is_ascii_uppercase();
            let (lc, f) = if opt.case && upper {
                (c.to_ascii_lowercase(), FoldSet::one(Folding::Case))
            } else {
                (c, FoldSet::EMPTY)
            };
            raws.push(Raw::new(lc, None, upper, s, e, f));
            continue;
        }
        if opt.unicode && is_invisible(c) {
            if let Some(last) = raws.last_mut() {
                last.folds.add(Folding::Invisible);
            }
            continue;
        }
        let upper = c.is_uppercase();
        if opt.unicode {
            for d in std::iter::once(c).nfkd() {
                if is_combining_mark(d) {
                    continue;
                }
                let f = if d != c { FoldSet::one(Folding::Unicode) } else { FoldSet::EMPTY };
                push_folded(&mut raws, d, upper, s, e, f, opt);
            }
        } else {
            push_folded(&mut raws, c, upper, s, e, FoldSet::EMPTY, opt);
        }
    }

    let mut i = 0;
    while i < raws.len() {
        if !raws[i].class.tokenish() {
            i += 1;
            continue;
        }
        let a = i;
        while i < raws.len() && raws[i].class.tokenish() {
            i += 1;
        }
        fold_token(&mut raws[a..i], opt);
    }
    if opt.spaced {
        join_spaced(&mut raws);
    }

    let mut out = Normalized {
        folded: String::with_capacity(text.len()),
        folded_units: Vec::with_capacity(raws.len()),
        collapsed: String::with_capacity(text.len()),
        units: Vec::with_capacity(raws.len()),
    };
    for r in raws.iter().filter(|r| r.keep) {
        out.folded_units.push(Unit {
            byte: out.folded.len(),
            orig_start: r.s,
            orig_end: r.e,
            run: 1,
            word: r.word,
            folds: r.folds,
            ch: r.c,
        });
        out.folded.push(r.c);
    }
    for u in &out.folded_units {
        if let Some(last) = out.units.last_mut() {
            let same_run =
                opt.repeated && u.word && last.word && last.ch == u.ch && u.ch.is_alphabetic();
            if same_run || (!u.word && !last.word) {
                last.run += u32::from(u.word);
                last.orig_end = u.orig_end;
                last.folds = last.folds.union(u.folds);
                continue;
            }
        }
        let ch = if u.word { u.ch } else { ' ' };
        out.units.push(Unit { byte: out.collapsed.len(), ch, ..*u });
        out.collapsed.push(ch);
    }
    out
}

/// A lexicon term in collapsed form with the letter-run lengths it requires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Term {
    pub text: String,
    pub runs: Vec<u32>,
}

/// Normalise a lexicon term the way text is normalised; leading and trailing non-word
/// characters are dropped. Empty when the term has no letters or digits.
pub(crate) fn term(s: &str, opt: &NormalizeOptions) -> Term {
    let n = normalize(s, opt);
    let first = n.units.iter().position(|u| u.word);
    let last = n.units.iter().rposition(|u| u.word);
    match (first, last) {
        (Some(a), Some(b)) => {
            let units = &n.units[a..=b];
            Term {
                text: units.iter().map(|u| u.ch).collect(),
                runs: units.iter().map(|u| u.run).collect(),
            }
        }
        _ => Term { text: String::new(), runs: Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Normalized {
        normalize(s, &NormalizeOptions::default())
    }

    #[test]
    fn folds_leet_inside_words_only() {
        assert_eq!(n("You 1d10t!").folded, "you idiot!");
        assert_eq!(n("sh!t happens").folded, "shit happens");
        assert_eq!(n("a$$ and @ss").folded, "ass and ass");
        assert_eq!(n("paid $100 in 2013").folded, "paid $100 in 2013");
        assert_eq!(n("Shut up!You idiot").folded, "shut up!you idiot");
    }

    #[test]
    fn folds_confusables_case_and_accents() {
        assert_eq!(n("ѕtupid").folded, "stupid");
        assert_eq!(n("ЅТUPID").folded, "stupid");
        assert_eq!(n("ｉｄｉｏｔ stüpid").folded, "idiot stupid");
        assert_eq!(n("stu\u{200B}pid").folded, "stupid");
        // A whole Russian word is not rewritten unless every letter is a look-alike.
        assert_eq!(n("привет").folded, "привет");
    }

    #[test]
    fn joins_spaced_letters() {
        assert_eq!(n("you i.d.i.o.t").folded, "you idiot");
        assert_eq!(n("i d i o t").folded, "idiot");
        assert_eq!(n("u r a loser").folded, "u r a loser");
        assert_eq!(n("a.s.s").folded, "ass");
        assert_eq!(n("a b").folded, "a b");
    }

    #[test]
    fn collapses_runs_and_separators() {
        let v = n("Stuuupid!!  you");
        assert_eq!(v.collapsed, "stupid you");
        assert_eq!(v.units[2].run, 3);
        assert_eq!(term("good", &NormalizeOptions::default()).runs, vec![1, 2, 1]);
    }

    #[test]
    fn maps_back_to_original_bytes() {
        let text = "Yоu ａｒｅ i d i o t";
        let v = n(text);
        let at = v.collapsed.find("idiot").unwrap();
        let (s, e) = orig_span(&v.units, at, at + 5).unwrap();
        assert_eq!(&text[s..e], "i d i o t");
    }
}
