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

mod words;
pub(crate) use words::{Word, Words};

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
    /// `folded` and `folded_units` are left empty: only regex patterns read them.
    pub lean: bool,
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
    #[inline]
    fn of(c: char) -> Class {
        if c.is_ascii() {
            // The same answers as below, without the Unicode tables.
            return match c {
                'a'..='z' | 'A'..='Z' => Class::Letter,
                '0'..='9' => Class::Digit,
                '!' | '|' | '@' | '$' => Class::Leet,
                '*' => Class::Mask,
                _ => Class::Other,
            };
        }
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

/// A character outside ASCII that folding leaves as it is and that is no part of a word: curly
/// quotes, dashes, ellipses written as one character, emoji. In a text whose other characters
/// are ASCII, the folded view is the text in lower case and such a character separates words.
pub(crate) fn folds_to_itself_outside_words(c: char) -> bool {
    !c.is_alphanumeric()
        && !is_invisible(c)
        && !is_combining_mark(c)
        && leet(c).is_none()
        && confusable(c).is_none()
        && {
            let mut same = true;
            let mut n = 0;
            unicode_normalization::char::decompose_compatible(c, |d| {
                n += 1;
                same &= d == c;
            });
            same && n == 1
        }
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
                let read =
                    opt.leet && has_letter && !sentence_break && (later || (c == '$' && earlier));
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

/// Join runs of single letters separated by one or two spacing characters: three or more
/// when dotted ("i.d.i.o.t"), four or more when only blanks separate them, since "u r a loser"
/// is chat-speak, not a spelled-out word.
fn join_spaced(raws: &mut [Raw]) {
    let n = raws.len();
    let single = |raws: &[Raw], i: usize| {
        raws[i].word
            && raws[i].c.is_alphabetic()
            && (i == 0 || !raws[i - 1].word)
            && (i + 1 == n || !raws[i + 1].word)
    };
    // The next single letter after the one at `i`, if one or two spacing characters apart.
    let next_single = |raws: &[Raw], i: usize| {
        (i + 2..(i + 4).min(n))
            .find(|&k| raws[i + 1..k].iter().all(|r| is_spacing(r.c)) && single(raws, k))
    };
    let mut i = 0;
    while i < n {
        if !single(raws, i) {
            i += 1;
            continue;
        }
        let (mut count, mut last) = (1, i);
        while let Some(k) = next_single(raws, last) {
            count += 1;
            last = k;
        }
        let dotted = raws[i..last].iter().any(|r| !r.word && r.c != ' ');
        if count >= if dotted { 3 } else { 4 } {
            for r in raws[i..=last].iter_mut() {
                if r.word {
                    r.folds.add(Folding::Spaced);
                } else {
                    r.keep = false;
                }
            }
        }
        i = last + 1;
    }
}

/// Build both views of `text`.
pub(crate) fn normalize(text: &str, opt: &NormalizeOptions) -> Normalized {
    normalize_with(text, opt, false)
}

/// Like [`normalize`] but without the folded view and its offset map, which matching builds
/// only when a regex pattern matched.
pub(crate) fn normalize_lean(text: &str, opt: &NormalizeOptions) -> Normalized {
    normalize_with(text, opt, true)
}

fn normalize_with(text: &str, opt: &NormalizeOptions, lean: bool) -> Normalized {
    let mut out = Normalized::with_capacity(text.len(), lean);
    fold_segments(text, opt, &mut out);
    let spaced = opt.spaced
        && if text.is_ascii() {
            has_spaced_letters(&out.units, text.as_bytes())
        } else {
            may_have_spaced_letters(&out.units)
        };
    if spaced {
        return normalize_general(text, opt, lean);
    }
    out
}

/// Fold `text` character by character (any Unicode), letters spaced out joined.
fn fold_general(text: &str, opt: &NormalizeOptions, out: &mut impl Sink) {
    let mut raws: Vec<Raw> = Vec::with_capacity(text.len());
    push_raws(text, 0, opt, &mut raws);
    fold_tokens(&mut raws, opt);
    if opt.spaced {
        join_spaced(&mut raws);
    }
    for r in raws.iter().filter(|r| r.keep) {
        out.put(r.c, r.s, r.e, r.word, r.folds, opt);
    }
}

/// Append the raw characters of `text` (offsets shifted by `base`): case and Unicode folded,
/// invisible characters dropped, tokens not yet read. True when an invisible character came
/// before any raw character, so its fold belongs to whatever the caller emitted last.
fn push_raws(text: &str, base: usize, opt: &NormalizeOptions, raws: &mut Vec<Raw>) -> bool {
    let mut orphan = false;
    for (s, c) in text.char_indices() {
        let s = base + s;
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
            match raws.last_mut() {
                Some(last) => last.folds.add(Folding::Invisible),
                None => orphan = true,
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
                push_folded(raws, d, upper, s, e, f, opt);
            }
        } else {
            push_folded(raws, c, upper, s, e, FoldSet::EMPTY, opt);
        }
    }
    orphan
}

/// Read the tokens of `raws` (maximal runs of letters, digits, leet symbols and masks) and
/// fold each.
fn fold_tokens(raws: &mut [Raw], opt: &NormalizeOptions) {
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
}

/// Does `units` hold three single letters in a row, whatever separates them? A cheap
/// over-approximation of "[`join_spaced`] would join something", for texts that took the
/// segment-wise path.
fn may_have_spaced_letters(units: &[Unit]) -> bool {
    let word = |i: usize| units[i].word;
    let lone = |i: usize| units[i].run == 1 && units[i].ch.is_alphabetic();
    three_lone_letters(units.len(), word, lone)
}

/// Among `n` collapsed characters (`word(i)`: part of a word; `lone(i)`: a letter not
/// repeated), are there three one-letter words in a row?
#[inline(always)]
fn three_lone_letters(
    n: usize,
    word: impl Fn(usize) -> bool,
    lone: impl Fn(usize) -> bool,
) -> bool {
    let mut chain = 0;
    for i in 0..n {
        if !word(i) {
            continue;
        }
        let starts = i == 0 || !word(i - 1);
        if starts && lone(i) && (i + 1 == n || !word(i + 1)) {
            chain += 1;
            if chain >= 3 {
                return true;
            }
        } else if starts {
            chain = 0;
        }
    }
    false
}

/// Build the views character by character (the reference path, and the one that joins letters
/// spaced out).
pub(crate) fn normalize_general(text: &str, opt: &NormalizeOptions, lean: bool) -> Normalized {
    let mut out = Normalized::with_capacity(text.len(), lean);
    fold_general(text, opt, &mut out);
    out
}

impl Normalized {
    fn with_capacity(n: usize, lean: bool) -> Normalized {
        Normalized {
            folded: String::with_capacity(if lean { 0 } else { n }),
            folded_units: Vec::with_capacity(if lean { 0 } else { n }),
            collapsed: String::with_capacity(n),
            units: Vec::with_capacity(n),
            lean,
        }
    }

    /// Append one folded character to both views.
    #[inline(always)]
    fn emit(
        &mut self,
        ch: char,
        s: usize,
        e: usize,
        word: bool,
        folds: FoldSet,
        opt: &NormalizeOptions,
    ) {
        let u =
            Unit { byte: self.folded.len(), orig_start: s, orig_end: e, run: 1, word, folds, ch };
        if !self.lean {
            self.folded_units.push(u);
            self.folded.push(ch);
        }
        if let Some(last) = self.units.last_mut() {
            let same_run = opt.repeated && word && last.word && last.ch == ch && ch.is_alphabetic();
            if same_run || (!word && !last.word) {
                last.run += u32::from(word);
                last.orig_end = e;
                last.folds = last.folds.union(folds);
                return;
            }
        }
        let ch = if word { ch } else { ' ' };
        self.units.push(Unit { byte: self.collapsed.len(), ch, ..u });
        self.collapsed.push(ch);
    }
}

/// Where folded characters go: the full views, or the views with a map per word ([`Words`]).
trait Sink {
    fn put(
        &mut self,
        ch: char,
        s: usize,
        e: usize,
        word: bool,
        folds: FoldSet,
        opt: &NormalizeOptions,
    );

    /// An invisible character came right after what was put last.
    fn mark_invisible(&mut self) {}

    /// Put `text[start..end]`, ASCII letters that make up a whole segment.
    #[inline(always)]
    fn put_letters(&mut self, text: &str, start: usize, end: usize, opt: &NormalizeOptions) {
        put_each_letter(self, text, start, end, opt);
    }

    /// A segment that goes through the general path starts at byte `start` of `text`: its
    /// characters come next, one by one.
    #[inline(always)]
    fn begin_segment(&mut self, _text: &str, _start: usize) {}

    /// A segment that went through the general path ends at byte `end` of the text (after
    /// whatever its characters were).
    #[inline(always)]
    fn end_segment(&mut self, _end: usize) {}

    /// Put `text[start..end]`, ASCII bytes outside segments (blanks and punctuation).
    #[inline(always)]
    fn put_gap(&mut self, text: &str, start: usize, end: usize, opt: &NormalizeOptions) {
        for (k, &c) in text.as_bytes()[start..end].iter().enumerate() {
            self.put(char::from(c), start + k, start + k + 1, false, FoldSet::EMPTY, opt);
        }
    }
}

/// [`Sink::put_letters`] one letter at a time.
#[inline(always)]
fn put_each_letter(
    out: &mut (impl Sink + ?Sized),
    text: &str,
    start: usize,
    end: usize,
    opt: &NormalizeOptions,
) {
    for (k, &c) in text.as_bytes()[start..end].iter().enumerate() {
        let (ch, f) = if opt.case && c.is_ascii_uppercase() {
            (char::from(c.to_ascii_lowercase()), FoldSet::one(Folding::Case))
        } else {
            (char::from(c), FoldSet::EMPTY)
        };
        out.put(ch, start + k, start + k + 1, true, f, opt);
    }
}

impl Sink for Normalized {
    #[inline(always)]
    fn put(
        &mut self,
        ch: char,
        s: usize,
        e: usize,
        word: bool,
        folds: FoldSet,
        opt: &NormalizeOptions,
    ) {
        self.emit(ch, s, e, word, folds, opt);
    }

    fn mark_invisible(&mut self) {
        for u in [self.folded_units.last_mut(), self.units.last_mut()].into_iter().flatten() {
            u.folds.add(Folding::Invisible);
        }
    }
}

/// Fold `text` into `out` segment by segment: plain ASCII words without per-character
/// bookkeeping, every other run of word characters and non-ASCII characters through the
/// general path. Segments end at ASCII punctuation and blanks, which end tokens in the general
/// path too, so the result equals [`fold_general`]'s except that letters spaced out are not
/// joined; callers check for them.
fn fold_segments(text: &str, opt: &NormalizeOptions, out: &mut impl Sink) {
    let b = text.as_bytes();
    let n = b.len();
    let mut raws: Vec<Raw> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = b[i];
        if !segmentish(c) {
            let start = i;
            while i < n && !segmentish(b[i]) {
                i += 1;
            }
            out.put_gap(text, start, i, opt);
            continue;
        }
        let start = i;
        let (end, letters_only) = segment_end(b, start);
        i = end;
        if letters_only {
            out.put_letters(text, start, i, opt);
        } else {
            out.begin_segment(text, start);
            if fold_segment(text, start, i, opt, &mut raws) {
                out.mark_invisible();
            }
            for r in &raws {
                out.put(r.c, r.s, r.e, r.word, r.folds, opt);
            }
            out.end_segment(i);
        }
    }
}

/// Fold the segment `text[start..end]` through the general path into `raws` (cleared first);
/// [`push_raws`]'s answer about an invisible character before any other.
fn fold_segment(
    text: &str,
    start: usize,
    end: usize,
    opt: &NormalizeOptions,
    raws: &mut Vec<Raw>,
) -> bool {
    raws.clear();
    let orphan = push_raws(&text[start..end], start, opt, raws);
    fold_tokens(raws, opt);
    orphan
}

/// The folded view of `text` (letters spaced out not joined), appended to `out`: what
/// [`fold_mixed_words`] must give. Equals the views' folded view unless letters may be spaced
/// out.
#[cfg(test)]
pub(crate) fn fold_into(text: &str, opt: &NormalizeOptions, out: &mut Vec<u8>) {
    fold_segments(text, opt, &mut FoldedOnly(out));
}

/// The folded view (letters spaced out not joined) of a text the first pass takes (see
/// [`super::quick`]), given in lower case in `lower`: its words that mix letters with other
/// word characters are folded, from the one holding byte `from` on (the caller knows nothing
/// before it folds). Each ASCII character folds to one ASCII character, and the others of such
/// a text (curly quotes, dashes, emoji) to themselves, so the words are rewritten in place.
pub(crate) fn fold_mixed_words(text: &str, opt: &NormalizeOptions, lower: &mut [u8], from: usize) {
    let b = text.as_bytes();
    let mut i = from;
    while i > 0 && segmentish(b[i - 1]) {
        i -= 1;
    }
    let mut raws: Vec<Raw> = Vec::new();
    while let Some(start) = (i..b.len()).find(|&k| segmentish(b[k])) {
        let (end, letters_only) = segment_end(b, start);
        i = end;
        if letters_only {
            continue;
        }
        // A plain text has no invisible characters, whose fold the answer is about.
        let _ = fold_segment(text, start, end, opt, &mut raws);
        for r in raws.iter().filter(|r| r.c.is_ascii() && r.e == r.s + 1) {
            lower[r.s] = r.c as u8;
        }
    }
}

/// A [`Sink`] that keeps the folded view only.
#[cfg(test)]
struct FoldedOnly<'a>(&'a mut Vec<u8>);

#[cfg(test)]
impl Sink for FoldedOnly<'_> {
    #[inline(always)]
    fn put(&mut self, ch: char, _: usize, _: usize, _: bool, _: FoldSet, _: &NormalizeOptions) {
        push_char(self.0, ch);
    }
}

/// Bytes a segment is made of: ASCII word characters and anything outside ASCII.
#[inline(always)]
fn segmentish(c: u8) -> bool {
    BYTE_CLASS[usize::from(c)] & SEGMENT != 0
}

/// [`BYTE_CLASS`] bit: the byte belongs to a segment ([`segmentish`]).
const SEGMENT: u8 = 1;
/// [`BYTE_CLASS`] bit: an ASCII letter.
const LETTER: u8 = 2;

/// What the hot loops ask of a byte, one table lookup instead of a chain of comparisons.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        if c >= 0x80 || c.is_ascii_alphanumeric() || matches!(c, b'@' | b'$' | b'!' | b'|' | b'*') {
            t[i] |= SEGMENT;
        }
        if c.is_ascii_alphabetic() {
            t[i] |= LETTER;
        }
        i += 1;
    }
    t
};

/// The end of the segment starting at `start` and whether it holds ASCII letters only.
#[inline(always)]
fn segment_end(b: &[u8], start: usize) -> (usize, bool) {
    let mut all = SEGMENT | LETTER;
    let mut i = start;
    while i < b.len() {
        let k = BYTE_CLASS[usize::from(b[i])];
        if k & SEGMENT == 0 {
            break;
        }
        all &= k;
        i += 1;
    }
    (i, all & LETTER != 0)
}

#[inline(always)]
fn push_char(v: &mut Vec<u8>, c: char) {
    if c.is_ascii() {
        v.push(c as u8);
    } else {
        v.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

/// Would [`join_spaced`] join anything in this ASCII text? Same rules, read off the collapsed
/// units (a single letter is a word unit of run 1 between non-word units, whose original bytes
/// are the gap).
fn has_spaced_letters(units: &[Unit], text: &[u8]) -> bool {
    let n = units.len();
    let single = |i: usize| {
        let u = &units[i];
        u.word
            && u.run == 1
            && u.ch.is_alphabetic()
            && (i == 0 || !units[i - 1].word)
            && (i + 1 == n || !units[i + 1].word)
    };
    let gap = |i: usize| &text[units[i].orig_start..units[i].orig_end];
    let next_single = |i: usize| {
        if i + 2 >= n {
            return None;
        }
        let g = gap(i + 1);
        let ok = (1..=2).contains(&g.len()) && g.iter().all(|&c| is_spacing(char::from(c)));
        (ok && single(i + 2)).then_some(i + 2)
    };
    let mut i = 0;
    while i < n {
        if !single(i) {
            i += 1;
            continue;
        }
        let (mut count, mut last, mut dotted) = (1, i, false);
        while let Some(k) = next_single(last) {
            dotted |= gap(last + 1).iter().any(|&c| c != b' ');
            count += 1;
            last = k;
        }
        if count >= if dotted { 3 } else { 4 } {
            return true;
        }
        i = last + 1;
    }
    false
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
    use proptest::prelude::*;

    fn same(a: &Normalized, b: &Normalized) -> bool {
        let key = |u: &Unit| (u.byte, u.orig_start, u.orig_end, u.run, u.word, u.folds, u.ch);
        a.folded == b.folded
            && a.collapsed == b.collapsed
            && a.units.iter().map(key).eq(b.units.iter().map(key))
            && a.folded_units.iter().map(key).eq(b.folded_units.iter().map(key))
    }

    /// ASCII with the characters folding cares about, or any text with accents, look-alike
    /// letters, invisible and spacing characters mixed in.
    pub(super) const TEXTS: &str = "[a-dA-D01$@!|*. _-]{0,40}|[ -~]{0,60}|[a-dA-D01$@!|*. _\u{e9}\u{fc}\u{430}\u{435}\u{455}\u{200b}\u{ad}\u{a0}\u{b7}\u{ff41}\u{fb01}\u{130}\u{416}\u{1f600}\u{2019}-]{0,40}|\\PC{0,30}";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn fold_into_gives_the_segment_wise_folded_view(
            text in TEXTS, case in any::<bool>(), repeated in any::<bool>(),
        ) {
            let opt = NormalizeOptions { case, repeated, ..NormalizeOptions::default() };
            let mut views = Normalized::with_capacity(text.len(), false);
            fold_segments(&text, &opt, &mut views);
            // `fold_into` (the first pass's reference) gives the same folded view, after what
            // its buffer held.
            let mut folded = b"kept".to_vec();
            fold_into(&text, &opt, &mut folded);
            prop_assert_eq!(&folded[..4], b"kept");
            prop_assert_eq!(&folded[4..], views.folded.as_bytes(), "{:?}", text);
        }

        #[test]
        fn segment_path_matches_general_path(
            text in TEXTS,
            case in any::<bool>(), leet in any::<bool>(), repeated in any::<bool>(),
            unicode in any::<bool>(), confusables in any::<bool>(),
        ) {
            let opt = NormalizeOptions { case, leet, repeated, unicode, confusables, ..NormalizeOptions::default() };
            let general = normalize_general(&text, &opt, false);
            let mut fast = Normalized::with_capacity(text.len(), false);
            fold_segments(&text, &opt, &mut fast);
            if may_have_spaced_letters(&fast.units) {
                // Spaced letters may be joined: only the general path joins them.
                prop_assert!(!text.is_ascii() || has_spaced_letters(&fast.units, text.as_bytes()) || same(&fast, &general), "{:?}", text);
            } else {
                prop_assert!(same(&fast, &general), "{:?}", text);
            }
            // Whichever path it takes, `normalize` gives the general result, and so does
            // `normalize_lean` without the folded view.
            prop_assert!(same(&normalize(&text, &opt), &general), "{:?}", text);
            let lean = normalize_lean(&text, &opt);
            let bare = Normalized {
                collapsed: general.collapsed.clone(),
                units: general.units.clone(),
                lean: true,
                ..Normalized::default()
            };
            prop_assert!(lean.lean && same(&lean, &bare), "{:?}", text);
        }
    }

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
