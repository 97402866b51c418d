//! Tone: an exact port of the Python package **vaderSentiment 3.3.2** (the PyPI release)
//! `SentimentIntensityAnalyzer.polarity_scores`.
//!
//! VADER (Hutto & Gilbert, ICWSM 2014) is a lexicon and rule based sentiment scorer. This
//! module reproduces the reference's results to the last rounded digit: `neg`/`neu`/`pos`
//! rounded to 3 places and `compound` to 4 exactly as Python's `round()` does, with all of
//! its quirks (the "but" rule that rescales the *first equal value*, the 3.3.2 "no" rule,
//! "kind of", "least", the special-case idioms as they actually fire, emoji replaced by
//! their description, `!`/`?` emphasis, the ALL-CAPS differential with CPython's
//! `str.isupper()`, negation including `n't`, `_sift_sentiment_scores`, ...).
//!
//! # Why not the `vader_sentiment` crate
//!
//! The `vader_sentiment` 0.1.1 crate differs from the reference on 22% of the VADER
//! authors' ground-truth sentences: booster words are matched as substrings, a single `?`
//! amplifies, a zero sum with `!` goes negative, emoticons count as ALL CAPS, the 3.3.2
//! "no" rule is missing, 1-char tokens are dropped, punctuation is stripped from 2-char
//! tokens, "heart"/"hearts" are missing and lookups are case-insensitive, a precedence bug
//! in the three-words-back negation, "at least" always negates, idioms are matched as
//! substrings. It is also slow: on the 19,995 ground-truth sentences (~100 chars) it
//! scored 33,000-60,000 sentences per CPU-second on our shared 2-core machine, this port
//! 10-11x that in the same interleaved runs (about 350,000-600,000; `benches/tone.rs`,
//! `bench/tone/compare.sh`). This port does not allocate in steady state (thread-local
//! scratch buffers) and is linear in the sentence length: the reference's "but" rule is
//! quadratic; we keep its results, not its cost.
//!
//! # Data
//!
//! `vader_lexicon.txt` and `emoji_utf8_lexicon.txt` are copied unchanged from the
//! vaderSentiment 3.3.2 wheel (<https://github.com/cjhutto/vaderSentiment>, MIT licence,
//! (c) C.J. Hutto); see `src/tone/NOTICE`. The ground-truth fixtures in
//! `tests/fixtures/vader/` are compared sentence by sentence in the tests.
//!
//! Unicode: tokenization follows CPython 3.11 (`str.split()` whitespace, `str.isupper()`
//! classes, Unicode 14.0), frozen into `pyunicode.rs` so the results do not depend on the
//! Unicode version of the Rust toolchain.

use crate::bits::Bits;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

mod pyunicode;
mod round;
#[cfg(test)]
mod tests;

use round::py_round;

/// The four VADER scores. `neg`/`neu`/`pos` are rounded to 3 places, `compound` to 4.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scores {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    pub compound: f64,
}

/// The conventional three-way reading of `compound`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Positive,
    Neutral,
    Negative,
}

impl Scores {
    /// Positive when `compound >= 0.05`, negative when `compound <= -0.05`, else neutral.
    pub fn label(&self) -> Label {
        if self.compound >= 0.05 {
            Label::Positive
        } else if self.compound <= -0.05 {
            Label::Negative
        } else {
            Label::Neutral
        }
    }
}

/// Scores plus the per-token valences they were computed from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Explanation {
    pub scores: Scores,
    pub tokens: Vec<TokenValence>,
}

/// One token as the reference sees it (after emoji replacement and punctuation
/// stripping) and its valence after every rule (the `sentiments` list the reference sums).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TokenValence {
    pub token: String,
    pub valence: f64,
}

/// Scores `text` with the shared analyzer.
pub fn polarity_scores(text: &str) -> Scores {
    Analyzer::new().polarity_scores(text)
}

/// The VADER analyzer. Cheap to create: the lexicons are parsed once per process and
/// shared. `Send + Sync`.
#[derive(Debug, Clone, Copy)]
pub struct Analyzer {
    tables: &'static Tables,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    pub fn new() -> Self {
        Analyzer { tables: &TABLES }
    }

    /// `SentimentIntensityAnalyzer().polarity_scores(text)` of vaderSentiment 3.3.2.
    pub fn polarity_scores(&self, text: &str) -> Scores {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.run(text, &mut scratch),
            Err(_) => self.run(text, &mut Scratch::default()),
        })
    }

    /// Scores plus the per-token valences.
    pub fn explain(&self, text: &str) -> Explanation {
        let mut scratch = Scratch::default();
        let scores = self.run(text, &mut scratch);
        let buf: &str = if scratch.replaced { &scratch.text } else { text };
        let tokens = scratch
            .toks
            .iter()
            .zip(&scratch.sentiments)
            .map(|(t, &v)| TokenValence { token: buf[t.start..t.end].to_string(), valence: v })
            .collect();
        Explanation { scores, tokens }
    }

    fn run(&self, text: &str, s: &mut Scratch) -> Scores {
        s.toks.clear();
        s.sentiments.clear();
        s.replaced = false;
        // 1. emoji -> description (only single code points can match, as in the reference)
        let text_ascii = text.is_ascii();
        if !text_ascii {
            if let Some(first) = crate::ascii::non_ascii_chars(text)
                .find(|&(_, c)| c >= MIN_EMOJI && self.tables.emojis.contains_key(&c))
                .map(|(i, _)| i)
            {
                replace_emojis(&text[first..], &text[..first], &self.tables.emojis, &mut s.text);
                s.replaced = true;
            }
        }
        let buf: &str = if s.replaced { &s.text } else { text };
        let ascii = if s.replaced { buf.is_ascii() } else { text_ascii };

        // 2. SentiText: split on whitespace, strip punctuation, classify tokens
        let bytes = buf.as_bytes();
        let mut upper_count = 0usize;
        let (bangs, questions);
        if ascii || !has_non_ascii_space(buf) {
            // branch-light path: whitespace bitmap, tokens are its runs of zeros (whitespace
            // outside ASCII, rare, takes the general path)
            (bangs, questions) = ascii_space_masks(bytes, &mut s.masks);
            // one loop per kind of text, each with `token` specialised to it
            upper_count = if ascii {
                self.bitmap_tokens::<true>(buf, &s.masks, &mut s.toks)
            } else {
                self.bitmap_tokens::<false>(buf, &s.masks, &mut s.toks)
            };
        } else {
            let mut split = PySplit::new(buf);
            for (start, end) in split.by_ref() {
                let tok = self.token(buf, start, end, false);
                upper_count += tok.upper as usize;
                s.toks.push(tok);
            }
            (bangs, questions) = (split.bangs, split.questions);
        }
        let n = s.toks.len();
        let cap_diff = n - upper_count > 0 && n - upper_count < n;

        // 3. valences: only a token in the lexicon can have one (`sentiment_valence` is 0 for
        // the others), so the rules run for those alone and the rest stay 0
        let toks = &s.toks[..];
        s.sentiments.resize(n, 0.0);
        s.lexed.clear();
        s.lexed.extend((0..n).filter(|&i| toks[i].lex().is_some()));
        for &i in &s.lexed {
            let v = if toks[i].booster().is_some()
                || (i + 1 < n && toks[i].word == W::Kind && toks[i + 1].word == W::Of)
            {
                0.0
            } else {
                sentiment_valence(toks, i, cap_diff)
            };
            s.sentiments[i] = v;
        }

        // 4. "but"
        if let Some(bi) = toks.iter().position(|t| t.word == W::But) {
            but_check(&mut s.sentiments, bi, &s.lexed, &mut s.nonzero);
        }

        // 5. score
        score_valence(&s.sentiments, &s.lexed, bangs, questions)
    }

    /// Classifies the tokens of `buf` (the runs of clear bits of `masks`) into `toks`; the
    /// count of upper-case ones. `ASCII`: `buf` is ASCII.
    fn bitmap_tokens<const ASCII: bool>(
        &self,
        buf: &str,
        masks: &[u64],
        toks: &mut Vec<Tok>,
    ) -> usize {
        let len = buf.len();
        let mut upper_count = 0;
        for_each_run(masks, |start, end| {
            let tok = self.token(buf, start, end.min(len), ASCII);
            upper_count += tok.upper as usize;
            toks.push(tok);
        });
        upper_count
    }

    /// `_strip_punc_if_word` and the classification of one whitespace-separated token.
    #[inline]
    fn token(&self, buf: &str, start: usize, end: usize, ascii: bool) -> Tok {
        let bytes = buf.as_bytes();
        // `token.strip(string.punctuation)`: ASCII bytes, never inside a UTF-8 sequence
        let (mut a, mut b) = (start, end);
        while a < b && PUNCTUATION[bytes[a] as usize] {
            a += 1;
        }
        while b > a && PUNCTUATION[bytes[b - 1] as usize] {
            b -= 1;
        }
        // `len(stripped) <= 2` (code points): keep the original token
        let short = b - a <= 2
            || (!ascii && bytes[a..b].iter().filter(|&&x| (x as i8) >= -0x40).nth(2).is_none());
        let (start, end) = if short { (start, end) } else { (a, b) };
        self.tables.classify(buf, start, end, ascii)
    }
}

// ---------------------------------------------------------------------------------------
// Constants of vaderSentiment 3.3.2

const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;

/// The smallest single code point key of the emoji lexicon (U+00A9 ©).
const MIN_EMOJI: char = '\u{a9}';

/// Single-word keys of `BOOSTER_DICT` (the multi-word keys are handled in
/// `special_idioms_check`).
fn booster(w: &[u8]) -> Option<f64> {
    Some(match w {
        b"absolutely" | b"amazingly" | b"awfully" | b"completely" | b"considerable"
        | b"considerably" | b"decidedly" | b"deeply" | b"effing" | b"enormous" | b"enormously"
        | b"entirely" | b"especially" | b"exceptional" | b"exceptionally" | b"extreme"
        | b"extremely" | b"fabulously" | b"flipping" | b"flippin" | b"frackin" | b"fracking"
        | b"fricking" | b"frickin" | b"frigging" | b"friggin" | b"fully" | b"fuckin"
        | b"fucking" | b"fuggin" | b"fugging" | b"greatly" | b"hella" | b"highly" | b"hugely"
        | b"incredible" | b"incredibly" | b"intensely" | b"major" | b"majorly" | b"more"
        | b"most" | b"particularly" | b"purely" | b"quite" | b"really" | b"remarkably" | b"so"
        | b"substantially" | b"thoroughly" | b"total" | b"totally" | b"tremendous"
        | b"tremendously" | b"uber" | b"unbelievably" | b"unusually" | b"utter" | b"utterly"
        | b"very" => B_INCR,
        b"almost" | b"barely" | b"hardly" | b"kinda" | b"kindof" | b"kind-of" | b"less"
        | b"little" | b"marginal" | b"marginally" | b"occasional" | b"occasionally" | b"partly"
        | b"scarce" | b"scarcely" | b"slight" | b"slightly" | b"somewhat" | b"sorta"
        | b"sortof" | b"sort-of" => B_DECR,
        _ => return None,
    })
}

/// `NEGATE` of vaderSentiment 3.3.2.
fn is_negate_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"aint"
            | b"arent"
            | b"cannot"
            | b"cant"
            | b"couldnt"
            | b"darent"
            | b"didnt"
            | b"doesnt"
            | b"ain't"
            | b"aren't"
            | b"can't"
            | b"couldn't"
            | b"daren't"
            | b"didn't"
            | b"doesn't"
            | b"dont"
            | b"hadnt"
            | b"hasnt"
            | b"havent"
            | b"isnt"
            | b"mightnt"
            | b"mustnt"
            | b"neither"
            | b"don't"
            | b"hadn't"
            | b"hasn't"
            | b"haven't"
            | b"isn't"
            | b"mightn't"
            | b"mustn't"
            | b"neednt"
            | b"needn't"
            | b"never"
            | b"none"
            | b"nope"
            | b"nor"
            | b"not"
            | b"nothing"
            | b"nowhere"
            | b"oughtnt"
            | b"shant"
            | b"shouldnt"
            | b"uhuh"
            | b"wasnt"
            | b"werent"
            | b"oughtn't"
            | b"shan't"
            | b"shouldn't"
            | b"uh-uh"
            | b"wasn't"
            | b"weren't"
            | b"without"
            | b"wont"
            | b"wouldnt"
            | b"won't"
            | b"wouldn't"
            | b"rarely"
            | b"seldom"
            | b"despite"
    )
}

/// The lowercased words the rules compare tokens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum W {
    Other,
    But,
    Kind,
    Of,
    No,
    Or,
    Nor,
    Never,
    So,
    This,
    Without,
    Doubt,
    Least,
    At,
    Very,
    // SPECIAL_CASES and the multi-word BOOSTER_DICT keys
    The,
    Shit,
    Bomb,
    Bad,
    Ass,
    Bus,
    Stop,
    Yeah,
    Right,
    Kiss,
    Death,
    To,
    Die,
    For,
    Beating,
    Heart,
    Just,
    Enough,
    Sort,
}

fn word_of(w: &[u8]) -> W {
    match w {
        b"but" => W::But,
        b"kind" => W::Kind,
        b"of" => W::Of,
        b"no" => W::No,
        b"or" => W::Or,
        b"nor" => W::Nor,
        b"never" => W::Never,
        b"so" => W::So,
        b"this" => W::This,
        b"without" => W::Without,
        b"doubt" => W::Doubt,
        b"least" => W::Least,
        b"at" => W::At,
        b"very" => W::Very,
        b"the" => W::The,
        b"shit" => W::Shit,
        b"bomb" => W::Bomb,
        b"bad" => W::Bad,
        b"ass" => W::Ass,
        b"bus" => W::Bus,
        b"stop" => W::Stop,
        b"yeah" => W::Yeah,
        b"right" => W::Right,
        b"kiss" => W::Kiss,
        b"death" => W::Death,
        b"to" => W::To,
        b"die" => W::Die,
        b"for" => W::For,
        b"beating" => W::Beating,
        b"heart" => W::Heart,
        b"just" => W::Just,
        b"enough" => W::Enough,
        b"sort" => W::Sort,
        _ => W::Other,
    }
}

/// Two-word keys of `SPECIAL_CASES` ("badass" is a one-word key and never matches the
/// joined n-grams the reference builds).
fn special2(a: W, b: W) -> Option<f64> {
    Some(match (a, b) {
        (W::The, W::Shit) | (W::The, W::Bomb) => 3.0,
        (W::Bad, W::Ass) => 1.5,
        (W::Bus, W::Stop) => 0.0,
        (W::Yeah, W::Right) => -2.0,
        (W::Beating, W::Heart) => 3.5,
        _ => return None,
    })
}

/// Three-word keys of `SPECIAL_CASES`.
fn special3(a: W, b: W, c: W) -> Option<f64> {
    Some(match (a, b, c) {
        (W::Kiss, W::Of, W::Death) => -1.5,
        (W::To, W::Die, W::For) => 3.0,
        _ => return None,
    })
}

/// Two-word keys of `BOOSTER_DICT` (there are no three-word keys).
fn booster2(a: W, b: W) -> Option<f64> {
    match (a, b) {
        (W::Just, W::Enough) | (W::Kind, W::Of) | (W::Sort, W::Of) => Some(B_DECR),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Lexicons

type FxBuild = BuildHasherDefault<FxHasher>;

/// The rustc "Fx" hash: fast for short keys; the keys are fixed, so no DoS concern.
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, mut bytes: &[u8]) {
        while bytes.len() >= 8 {
            self.add(u64::from_le_bytes(bytes[..8].try_into().unwrap()));
            bytes = &bytes[8..];
        }
        if bytes.len() >= 4 {
            self.add(u32::from_le_bytes(bytes[..4].try_into().unwrap()) as u64);
            bytes = &bytes[4..];
        }
        for &b in bytes {
            self.add(b as u64);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

const VADER_LEXICON: &str = include_str!("vader_lexicon.txt");
const EMOJI_LEXICON: &str = include_str!("emoji_utf8_lexicon.txt");

/// Longest lexicon key that a lowercased token can equal.
const MAX_KEY_LEN: usize = 24;

/// Everything the rules need to know about one lowercased word.
#[derive(Debug, Clone, Copy)]
struct Info {
    /// `lexicon[word]`
    lex: Option<f64>,
    /// `BOOSTER_DICT[word]`
    booster: Option<f64>,
    word: W,
    /// `word in NEGATE`
    negate: bool,
}

const NO_INFO: Info = Info { lex: None, booster: None, word: W::Other, negate: false };

struct Tables {
    /// One lookup per token: `make_lex_dict()` restricted to the keys a lowercased token
    /// can equal (ASCII without uppercase: `:D`, `:-Þ`, ... are unreachable in the
    /// reference too), merged with the single-word `BOOSTER_DICT` keys, `NEGATE` and the
    /// words the rules compare with.
    words: WordTable,
    /// `make_emoji_dict()`, restricted to single code point keys (the reference looks
    /// up one code point at a time).
    emojis: HashMap<char, &'static str, FxBuild>,
}

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tables")
            .field("words", &self.words.entries.len())
            .field("emojis", &self.emojis.len())
            .finish()
    }
}

static TABLES: LazyLock<Tables> = LazyLock::new(Tables::load);

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Every word `word_of`, `booster` or `is_negate_word` knows (besides the lexicon).
const RULE_WORDS: &[&str] = &[
    "but",
    "kind",
    "of",
    "no",
    "or",
    "nor",
    "never",
    "so",
    "this",
    "without",
    "doubt",
    "least",
    "at",
    "very",
    "the",
    "shit",
    "bomb",
    "bad",
    "ass",
    "bus",
    "stop",
    "yeah",
    "right",
    "kiss",
    "death",
    "to",
    "die",
    "for",
    "beating",
    "heart",
    "just",
    "enough",
    "sort",
    // BOOSTER_DICT
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "almost",
    "barely",
    "hardly",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sorta",
    "sortof",
    "sort-of",
    // NEGATE
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "none",
    "nope",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

impl Tables {
    fn load() -> Tables {
        let mut words: HashMap<&'static [u8], Info, FxBuild> =
            HashMap::with_capacity_and_hasher(8192, FxBuild::default());
        // (merged below into a `WordTable`)
        for line in VADER_LEXICON.trim_end_matches('\n').split('\n') {
            if line.is_empty() {
                continue;
            }
            let mut fields = py_strip(line).split('\t');
            let word = fields.next().unwrap_or("");
            let measure: f64 = fields
                .next()
                .and_then(|m| m.trim().parse().ok())
                .expect("vader_lexicon.txt: bad measure");
            assert!(word.len() <= MAX_KEY_LEN, "vader_lexicon.txt: key too long");
            if word.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                // later lines win, as in a dict
                words.entry(word.as_bytes()).or_insert(NO_INFO).lex = Some(measure);
            }
        }
        for &w in RULE_WORDS {
            let w = w.as_bytes();
            assert!(w.len() <= MAX_KEY_LEN);
            let info = words.entry(w).or_insert(NO_INFO);
            info.booster = booster(w);
            info.word = word_of(w);
            info.negate = is_negate_word(w);
        }
        let mut emojis = HashMap::with_capacity_and_hasher(2048, FxBuild::default());
        for line in EMOJI_LEXICON.trim_end_matches('\n').split('\n') {
            let mut fields = py_strip(line).split('\t');
            let emoji = fields.next().unwrap_or("");
            let description = fields.next().expect("emoji_utf8_lexicon.txt: no description");
            let mut chars = emoji.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                debug_assert!(c >= MIN_EMOJI);
                emojis.insert(c, description);
            }
        }
        Tables { words: WordTable::new(&words), emojis }
    }

    /// Classifies one token: Python's `token.isupper()` and the lookups of
    /// `token.lower()`.
    /// `buf[start..end]` is the token (the bytes around it only save a variable-length
    /// copy).
    fn classify(&self, buf: &str, start: usize, end: usize, ascii_text: bool) -> Tok {
        let tok = &buf[start..end];
        let bytes = tok.as_bytes();
        let mut t = Tok {
            start,
            end,
            lex_or_nan: f64::NAN,
            booster_or_zero: 0.0,
            word: W::Other,
            neg: false,
            upper: false,
        };
        // ASCII projection of Python's str.lower(): every reachable key is ASCII, and the
        // only non-ASCII code points whose lowercase contains ASCII are U+212A KELVIN SIGN
        // -> "k" and U+0130 -> "i\u{307}" (which is not ASCII as a whole).
        let mut key = [0u8; MAX_KEY_LEN];
        // The key as the table's three words, when the SWAR path built them (read back from
        // `key`, they would cost a failed store-to-load forwarding per token).
        let mut key_words = None;
        let mut len = 0usize;
        let mut keyable = bytes.len() <= MAX_KEY_LEN;
        let mut apostrophe = false;
        if ascii_text || tok.is_ascii() {
            let (mut has_upper, mut has_lower) = (false, false);
            if keyable {
                // SWAR over the zero-padded 24 bytes (all ASCII: no carries between bytes)
                len = bytes.len();
                let all = buf.as_bytes();
                // Read straight from the text when 24 bytes follow the token's start (a copy
                // through `key` costs a store-to-load forwarding per word).
                let mut words = match all.get(start..start + MAX_KEY_LEN) {
                    Some(window) => {
                        let word = |o: usize| {
                            let mut b = [0u8; 8];
                            b.copy_from_slice(&window[o..o + 8]);
                            u64::from_le_bytes(b)
                        };
                        [word(0), word(8), word(16)]
                    }
                    None => {
                        key[..len].copy_from_slice(bytes);
                        WordTable::words(&key)
                    }
                };
                for (w, keep) in words.iter_mut().zip(KEEP[len]) {
                    *w &= keep;
                }
                // (upper-case bytes, lower-case bytes, apostrophes, the word lower-cased)
                let swar = |x: u64| {
                    let up = x.wrapping_add(ONES * 0x3f) & !x.wrapping_add(ONES * 0x25) & HIGHS;
                    let low = x.wrapping_add(ONES * 0x1f) & !x.wrapping_add(ONES * 0x05) & HIGHS;
                    let q = x ^ (ONES * b'\'' as u64);
                    (up, low, q.wrapping_sub(ONES) & !q & HIGHS, x | (up >> 2))
                };
                let (u0, l0, a0, w0) = swar(words[0]);
                let (u1, l1, a1, w1) = swar(words[1]);
                let (mut up_any, mut low_any, mut apos_any) = (u0 | u1, l0 | l1, a0 | a1);
                let mut lowered = [w0, w1, 0];
                // the third word is all zeros (which the test leaves as they are) unless the
                // token is longer than 16 bytes, which few are
                if len > 16 {
                    let (u2, l2, a2, w2) = swar(words[2]);
                    (up_any, low_any, apos_any) = (up_any | u2, low_any | l2, apos_any | a2);
                    lowered[2] = w2;
                }
                key_words = Some(lowered);
                has_upper = up_any != 0;
                has_lower = low_any != 0;
                apostrophe = apos_any != 0;
            } else {
                for &b in bytes {
                    has_upper |= b.is_ascii_uppercase();
                    has_lower |= b.is_ascii_lowercase();
                    apostrophe |= b == b'\'';
                }
            }
            t.upper = has_upper && !has_lower;
        } else {
            apostrophe = bytes.contains(&b'\'');
            t.upper = py_isupper(tok);
            keyable = true;
            for c in tok.chars() {
                let b = match c {
                    '\0'..='\x7f' => (c as u8).to_ascii_lowercase(),
                    '\u{212a}' => b'k',
                    _ => {
                        keyable = false;
                        break;
                    }
                };
                if len == MAX_KEY_LEN {
                    keyable = false;
                    break;
                }
                key[len] = b;
                len += 1;
            }
        }
        // `"n't" in token.lower()`: only ASCII code points lowercase to n, ' or t
        t.neg = apostrophe
            && bytes
                .windows(3)
                .any(|w| w[0] | 0x20 == b'n' && w[1] == b'\'' && w[2] | 0x20 == b't');
        if keyable {
            let k = key_words.unwrap_or_else(|| WordTable::words(&key));
            if let Some(info) = self.words.get(k, len) {
                t.lex_or_nan = info.lex.unwrap_or(f64::NAN);
                t.booster_or_zero = info.booster.unwrap_or(0.0);
                t.word = info.word;
                t.neg |= info.negate;
            }
        }
        t
    }
}

/// `string.punctuation` (`u8::is_ascii_punctuation`) as a table: one load instead of a chain
/// of range tests per byte.
const PUNCTUATION: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_punctuation();
        b += 1;
    }
    t
};

/// `KEEP[len]`: the masks that keep the first `len` bytes of a key read as three words.
const KEEP: [[u64; 3]; MAX_KEY_LEN + 1] = {
    let mut t = [[0u64; 3]; MAX_KEY_LEN + 1];
    let mut len = 0;
    while len <= MAX_KEY_LEN {
        let mut i = 0;
        while i < 3 {
            let valid = len.saturating_sub(8 * i);
            t[len][i] = if valid >= 8 { !0 } else { (1u64 << (8 * valid)) - 1 };
            i += 1;
        }
        len += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Open addressing over fixed-size, zero-padded keys compared as three words (no
/// `memcmp`, no SIMD group probing). The probed array holds 32-bit slots: an 18-bit hash
/// tag and the index of the entry, so a miss rarely touches the entries. Most tokens are
/// misses, and the slots (64 KiB) do not stay in the first-level cache, so a one-hash bit
/// filter of 8 KiB, which does, answers most misses first (`perf` put a fifth of the time of
/// a token's classification on the slot load before it).
struct WordTable {
    filter: Bits,
    slots: Vec<u32>,
    mask: usize,
    entries: Vec<Entry>,
}

/// log2 of the filter's size in bits.
const FILTER_BITS: u32 = 16;

/// 32 bytes: the lexicon's valences all have one decimal, stored as tenths
/// (`tenths as f64 / 10.0` is checked at load to give the same double as the parse).
struct Entry {
    key: [u64; 3],
    len: u8,
    /// `i8::MIN` = not in the lexicon
    lex_tenths: i8,
    /// 0 = not a booster, else the sign of B_INCR / B_DECR
    booster: i8,
    word: W,
    negate: bool,
}

impl Entry {
    #[inline]
    fn info(&self) -> Info {
        Info {
            lex: (self.lex_tenths != i8::MIN).then(|| self.lex_tenths as f64 / 10.0),
            booster: match self.booster {
                0 => None,
                1 => Some(B_INCR),
                _ => Some(B_DECR),
            },
            word: self.word,
            negate: self.negate,
        }
    }
}

const SLOT_INDEX_BITS: u32 = 14;

impl WordTable {
    fn new(words: &HashMap<&'static [u8], Info, FxBuild>) -> WordTable {
        assert!(words.len() < (1 << SLOT_INDEX_BITS) - 1);
        let cap = (words.len() * 2).next_power_of_two();
        let mut table = WordTable {
            filter: Bits::new(FILTER_BITS),
            slots: vec![0; cap],
            mask: cap - 1,
            entries: Vec::with_capacity(words.len()),
        };
        for (&w, &info) in words {
            assert!(!w.is_empty() && w.len() <= MAX_KEY_LEN);
            let mut key = [0u8; MAX_KEY_LEN];
            key[..w.len()].copy_from_slice(w);
            let k = Self::words(&key);
            let h = Self::hash(&k);
            table.filter.set(Self::filter_bit(h));
            let (mut i, tag) = table.position(h);
            while table.slots[i] != 0 {
                i = (i + 1) & table.mask;
            }
            let lex_tenths = match info.lex {
                None => i8::MIN,
                Some(v) => {
                    let t = (v * 10.0).round();
                    assert!(t.abs() < 127.0 && (t / 10.0).to_bits() == v.to_bits(), "{v}");
                    t as i8
                }
            };
            let booster = match info.booster {
                None => 0,
                Some(b) if b == B_INCR => 1,
                Some(b) => {
                    assert_eq!(b, B_DECR);
                    -1
                }
            };
            table.entries.push(Entry {
                key: k,
                len: w.len() as u8,
                lex_tenths,
                booster,
                word: info.word,
                negate: info.negate,
            });
            table.slots[i] = tag | table.entries.len() as u32;
        }
        table
    }

    #[inline]
    fn words(key: &[u8; MAX_KEY_LEN]) -> [u64; 3] {
        let mut w = [0u64; 3];
        for (i, chunk) in key.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            w[i] = u64::from_le_bytes(b);
        }
        w
    }

    #[inline]
    fn hash(k: &[u64; 3]) -> u64 {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let h = (k[0].wrapping_mul(K).rotate_left(26) ^ k[1]).wrapping_mul(K);
        (h.rotate_left(26) ^ k[2]).wrapping_mul(K)
    }

    /// The filter bit of hash `h` (bits the slot position does not use).
    #[inline]
    fn filter_bit(h: u64) -> usize {
        (h >> 20) as usize & ((1 << FILTER_BITS) - 1)
    }

    /// (first slot, tag bits) of hash `h`
    #[inline]
    fn position(&self, h: u64) -> (usize, u32) {
        ((h >> 40) as usize & self.mask, (h as u32) & !((1 << SLOT_INDEX_BITS) - 1))
    }

    /// `k` is the key as [`WordTable::words`] (zero-padded after `len` bytes);
    /// `1 <= len <= MAX_KEY_LEN`.
    #[inline]
    fn get(&self, k: [u64; 3], len: usize) -> Option<Info> {
        let h = Self::hash(&k);
        if !self.filter.get(Self::filter_bit(h)) {
            return None;
        }
        let (mut i, tag) = self.position(h);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if slot & !((1 << SLOT_INDEX_BITS) - 1) == tag {
                let e = &self.entries[(slot & ((1 << SLOT_INDEX_BITS) - 1)) as usize - 1];
                if e.key == k && e.len as usize == len {
                    return Some(e.info());
                }
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// CPython's `str.strip()` (Unicode whitespace).
fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

#[inline]
fn is_py_space(c: char) -> bool {
    match c {
        '\t'..='\r' | '\x1c'..='\x1f' | ' ' => true,
        '\0'..='\x7f' => false,
        _ => pyunicode::NON_ASCII_SPACE.contains(&c),
    }
}

/// CPython's `str.isupper()`: at least one uppercase and no lowercase/titlecase code point.
fn py_isupper(s: &str) -> bool {
    let mut cased = false;
    if s.is_ascii() {
        for b in s.bytes() {
            if b.is_ascii_lowercase() {
                return false;
            }
            cased |= b.is_ascii_uppercase();
        }
        return cased;
    }
    for c in s.chars() {
        match case_class(c) {
            1 => cased = true,
            2 => return false,
            _ => {}
        }
    }
    cased
}

/// 1 = upper, 2 = lower or title, 0 = uncased (CPython 3.11 tables).
fn case_class(c: char) -> u8 {
    if c.is_ascii() {
        return if c.is_ascii_uppercase() {
            1
        } else if c.is_ascii_lowercase() {
            2
        } else {
            0
        };
    }
    let cp = c as u32;
    let table = &pyunicode::CASE_RANGES;
    let i = table.partition_point(|&(_, last, _)| last < cp);
    match table.get(i) {
        Some(&(first, _, class)) if first <= cp => class,
        _ => 0,
    }
}

/// Whether `s` holds a CPython whitespace character outside ASCII. The UTF-8 of every one
/// starts with one of four bytes ([`NON_ASCII_SPACE_LEADS`]), which `memchr` finds fast; the
/// curly apostrophe shares one of them, so each hit is decoded.
fn has_non_ascii_space(s: &str) -> bool {
    let [a, b, c, d] = NON_ASCII_SPACE_LEADS;
    let bytes = s.as_bytes();
    // a lead byte always starts a character
    let at = |i: usize| s[i..].chars().next().is_some_and(is_py_space);
    memchr::memchr3_iter(a, b, c, bytes).any(at) || memchr::memchr_iter(d, bytes).any(at)
}

/// The first UTF-8 bytes of the characters of [`pyunicode::NON_ASCII_SPACE`] (a test checks).
const NON_ASCII_SPACE_LEADS: [u8; 4] = [0xc2, 0xe1, 0xe2, 0xe3];

/// `str.split()` without arguments: byte ranges of the maximal runs of non-whitespace.
/// For text without whitespace outside ASCII: one bit per byte in `masks`, set for CPython
/// whitespace (and for the padding after the end); returns the counts of `!` and `?`.
fn ascii_space_masks(bytes: &[u8], masks: &mut Vec<u64>) -> (usize, usize) {
    #[inline]
    fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
        // callers clear each byte's high bit: no carries between bytes
        x.wrapping_add(ONES * (0x80 - lo) as u64)
            & !x.wrapping_add(ONES * (0x7f - hi) as u64)
            & HIGHS
    }
    #[inline]
    fn eq(x: u64, c: u8) -> u64 {
        let v = x ^ (ONES * c as u64);
        !(((v & !HIGHS).wrapping_add(!HIGHS)) | v) & HIGHS
    }
    masks.clear();
    let (mut bangs, mut questions) = (0, 0);
    for chunk in bytes.chunks(64) {
        let mut block = [b' '; 64];
        block[..chunk.len()].copy_from_slice(chunk);
        let mut m = 0u64;
        for (i, w) in block.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            let x = u64::from_le_bytes(b);
            // bytes above 0x7F (parts of other characters) are not whitespace
            let x7 = x & !HIGHS;
            let ws = (in_range(x7, 0x09, 0x0d) | in_range(x7, 0x1c, 0x20)) & !x;
            m |= ((ws >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * i);
            bangs += eq(x, b'!').count_ones() as usize;
            questions += eq(x, b'?').count_ones() as usize;
        }
        masks.push(m);
    }
    (bangs, questions)
}

/// Calls `f(start, end)` for each maximal run of clear bits of `masks`, in order (`end` may
/// be `masks.len() * 64`). A run starts or ends where a bit differs from the one before it (a
/// set bit stands before the first), so the runs are read off `m ^ (m << 1 | carry)` word by
/// word, the changes alternating between starts and ends.
#[inline]
fn for_each_run(masks: &[u64], mut f: impl FnMut(usize, usize)) {
    let mut carry = 1u64;
    let (mut inside, mut start) = (false, 0);
    for (k, &m) in masks.iter().enumerate() {
        let mut changes = m ^ ((m << 1) | carry);
        carry = m >> 63;
        while changes != 0 {
            let p = k * 64 + changes.trailing_zeros() as usize;
            changes &= changes - 1;
            if inside {
                f(start, p);
            } else {
                start = p;
            }
            inside = !inside;
        }
    }
    if inside {
        f(start, masks.len() * 64);
    }
}

/// Also counts the `!` and `?` (never whitespace, so always inside a token).
struct PySplit<'a> {
    s: &'a str,
    pos: usize,
    bangs: usize,
    questions: usize,
}

impl<'a> PySplit<'a> {
    fn new(s: &'a str) -> Self {
        PySplit { s, pos: 0, bangs: 0, questions: 0 }
    }
}

/// ASCII bytes that are whitespace for CPython.
const ASCII_SPACE: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = matches!(b as u8, b'\t'..=b'\r' | 0x1c..=0x1f | b' ');
        b += 1;
    }
    t
};

impl Iterator for PySplit<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.s.as_bytes();
        let mut i = self.pos;
        // skip whitespace
        loop {
            if i >= bytes.len() {
                self.pos = i;
                return None;
            }
            let b = bytes[i];
            if b < 0x80 {
                if !ASCII_SPACE[b as usize] {
                    break;
                }
                i += 1;
            } else {
                let c = self.s[i..].chars().next().unwrap_or('\0');
                if !is_py_space(c) {
                    break;
                }
                i += c.len_utf8();
            }
        }
        let start = i;
        let (mut bangs, mut questions) = (0, 0);
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if ASCII_SPACE[b as usize] {
                    break;
                }
                bangs += (b == b'!') as usize;
                questions += (b == b'?') as usize;
                i += 1;
            } else {
                let c = self.s[i..].chars().next().unwrap_or('\0');
                if is_py_space(c) {
                    break;
                }
                i += c.len_utf8();
            }
        }
        self.pos = i;
        self.bangs += bangs;
        self.questions += questions;
        Some((start, i))
    }
}

/// The emoji loop of `polarity_scores`: `prefix` has no emoji; `rest` starts with one.
fn replace_emojis(
    rest: &str,
    prefix: &str,
    emojis: &HashMap<char, &'static str, FxBuild>,
    out: &mut String,
) {
    out.clear();
    out.push_str(prefix);
    let mut prev_space = prefix.is_empty() || prefix.ends_with(' ');
    for c in rest.chars() {
        match (c >= MIN_EMOJI).then(|| emojis.get(&c)).flatten() {
            Some(description) => {
                if !prev_space {
                    out.push(' ');
                }
                out.push_str(description);
                prev_space = false;
            }
            None => {
                out.push(c);
                prev_space = c == ' ';
            }
        }
    }
    // The reference strips the result; splitting ignores the outer whitespace anyway and
    // the `!`/`?` counts do not see it.
}

// ---------------------------------------------------------------------------------------
// Rules

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    /// `lexicon[token.lower()]`, NaN when absent (keeps `Tok` at 40 bytes)
    lex_or_nan: f64,
    /// `BOOSTER_DICT[token.lower()]`, 0.0 when absent (no booster is 0)
    booster_or_zero: f64,
    word: W,
    /// `negated([token.lower()])`
    neg: bool,
    /// `token.isupper()`
    upper: bool,
}

impl Tok {
    #[inline]
    fn lex(&self) -> Option<f64> {
        (!self.lex_or_nan.is_nan()).then_some(self.lex_or_nan)
    }
    #[inline]
    fn booster(&self) -> Option<f64> {
        (self.booster_or_zero != 0.0).then_some(self.booster_or_zero)
    }
}

#[derive(Default)]
struct Scratch {
    text: String,
    replaced: bool,
    toks: Vec<Tok>,
    sentiments: Vec<f64>,
    masks: Vec<u64>,
    nonzero: Vec<usize>,
    /// The indices of the tokens in the lexicon, in order.
    lexed: Vec<usize>,
}

fn sentiment_valence(toks: &[Tok], i: usize, cap_diff: bool) -> f64 {
    let n = toks.len();
    let t = &toks[i];
    let Some(lex) = t.lex() else {
        return 0.0;
    };
    let mut valence = lex;
    // "no" as negation of an adjacent lexicon item vs "no" as its own lexicon item
    if t.word == W::No && i != n - 1 && toks[i + 1].lex().is_some() {
        valence = 0.0;
    }
    if (i > 0 && toks[i - 1].word == W::No)
        || (i > 1 && toks[i - 2].word == W::No)
        || (i > 2 && toks[i - 3].word == W::No && matches!(toks[i - 1].word, W::Or | W::Nor))
    {
        valence = lex * N_SCALAR;
    }
    // ALL CAPS while others aren't
    if t.upper && cap_diff {
        if valence > 0.0 {
            valence += C_INCR;
        } else {
            valence -= C_INCR;
        }
    }
    for start_i in 0..3 {
        if i > start_i && toks[i - (start_i + 1)].lex().is_none() {
            let mut s = scalar_inc_dec(&toks[i - (start_i + 1)], valence, cap_diff);
            if start_i == 1 && s != 0.0 {
                s *= 0.95;
            }
            if start_i == 2 && s != 0.0 {
                s *= 0.9;
            }
            valence += s;
            valence = negation_check(valence, toks, start_i, i);
            if start_i == 2 {
                valence = special_idioms_check(valence, toks, i);
            }
        }
    }
    least_check(valence, toks, i)
}

fn scalar_inc_dec(t: &Tok, valence: f64, cap_diff: bool) -> f64 {
    let Some(b) = t.booster() else {
        return 0.0;
    };
    let mut scalar = b;
    if valence < 0.0 {
        scalar *= -1.0;
    }
    if t.upper && cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

fn negation_check(mut valence: f64, toks: &[Tok], start_i: usize, i: usize) -> f64 {
    let so_this = |w: W| w == W::So || w == W::This;
    match start_i {
        0 => {
            if toks[i - 1].neg {
                valence *= N_SCALAR;
            }
        }
        1 => {
            if toks[i - 2].word == W::Never && so_this(toks[i - 1].word) {
                valence *= 1.25;
            } else if toks[i - 2].word == W::Without && toks[i - 1].word == W::Doubt {
            } else if toks[i - 2].neg {
                valence *= N_SCALAR;
            }
        }
        _ => {
            // precedence as in the reference: `a and b or c`
            if (toks[i - 3].word == W::Never && so_this(toks[i - 2].word))
                || so_this(toks[i - 1].word)
            {
                valence *= 1.25;
            } else if toks[i - 3].word == W::Without
                && (toks[i - 2].word == W::Doubt || toks[i - 1].word == W::Doubt)
            {
            } else if toks[i - 3].neg {
                valence *= N_SCALAR;
            }
        }
    }
    valence
}

fn special_idioms_check(mut valence: f64, toks: &[Tok], i: usize) -> f64 {
    let n = toks.len();
    let w = |k: usize| toks[k].word;
    let (w3, w2, w1, w0) = (w(i - 3), w(i - 2), w(i - 1), w(i));
    // onezero, twoonezero, twoone, threetwoone, threetwo: first hit wins
    if let Some(v) = special2(w1, w0)
        .or_else(|| special3(w2, w1, w0))
        .or_else(|| special2(w2, w1))
        .or_else(|| special3(w3, w2, w1))
        .or_else(|| special2(w3, w2))
    {
        valence = v;
    }
    if n - 1 > i {
        if let Some(v) = special2(w0, w(i + 1)) {
            valence = v;
        }
    }
    if n - 1 > i + 1 {
        if let Some(v) = special3(w0, w(i + 1), w(i + 2)) {
            valence = v;
        }
    }
    // booster/dampener bi-grams: threetwoone (never), threetwo, twoone
    if let Some(b) = booster2(w3, w2) {
        valence += b;
    }
    if let Some(b) = booster2(w2, w1) {
        valence += b;
    }
    valence
}

fn least_check(mut valence: f64, toks: &[Tok], i: usize) -> f64 {
    if i > 1 && toks[i - 1].lex().is_none() && toks[i - 1].word == W::Least {
        if toks[i - 2].word != W::At && toks[i - 2].word != W::Very {
            valence *= N_SCALAR;
        }
    } else if i > 0 && toks[i - 1].lex().is_none() && toks[i - 1].word == W::Least {
        valence *= N_SCALAR;
    }
    valence
}

/// `_but_check`, exactly. The reference walks the list and, for each value, rescales the
/// *first element equal to it* (`sentiments.index(sentiment)`), by 0.5 before the first
/// "but" and by 1.5 after it. Zeros stay zero and are skipped; among the nonzero values
/// the first-equal search is a scan for short lists and a per-value min-heap for long ones
/// (the reference is quadratic). `lexed`: the indices, in order, of the only entries that may
/// be nonzero.
fn but_check(sentiments: &mut [f64], bi: usize, lexed: &[usize], nonzero: &mut Vec<usize>) {
    nonzero.clear();
    nonzero.extend(lexed.iter().copied().filter(|&k| sentiments[k] != 0.0));
    let factor = |si: usize| if si < bi { 0.5 } else { 1.5 };
    if nonzero.len() <= 48 {
        for a in 0..nonzero.len() {
            let v = sentiments[nonzero[a]];
            let si =
                nonzero[..=a].iter().copied().find(|&k| sentiments[k] == v).unwrap_or(nonzero[a]);
            if si != bi {
                sentiments[si] = v * factor(si);
            }
        }
    } else {
        but_check_heap(sentiments, bi, nonzero);
    }
}

fn but_check_heap(sentiments: &mut [f64], bi: usize, nonzero: &[usize]) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // nonzero, non-NaN floats are equal iff their bits are equal
    let mut by_value: HashMap<u64, BinaryHeap<Reverse<usize>>, FxBuild> = HashMap::default();
    for &k in nonzero {
        by_value.entry(sentiments[k].to_bits()).or_default().push(Reverse(k));
    }
    for &k in nonzero {
        let v = sentiments[k];
        let heap = by_value.get_mut(&v.to_bits()).expect("value present");
        let Reverse(si) = *heap.peek().expect("value present");
        if si == bi {
            continue;
        }
        heap.pop();
        let nv = v * if si < bi { 0.5 } else { 1.5 };
        sentiments[si] = nv;
        by_value.entry(nv.to_bits()).or_default().push(Reverse(si));
    }
}

fn normalize(score: f64) -> f64 {
    let norm = score / (score * score + 15.0).sqrt();
    norm.clamp(-1.0, 1.0)
}

/// `lexed`: the indices of the only entries of `sentiments` that may differ from 0.0, in
/// order (the others are skipped: adding 0.0 leaves every sum as it was, because a sum that
/// starts at 0.0 is never -0.0).
fn score_valence(sentiments: &[f64], lexed: &[usize], ep_count: usize, qm_count: usize) -> Scores {
    if sentiments.is_empty() {
        return Scores { neg: 0.0, neu: 0.0, pos: 0.0, compound: 0.0 };
    }
    // CPython 3.11 sum(): left to right
    let mut sum_s = 0.0;
    for &i in lexed {
        sum_s += sentiments[i];
    }
    let ep_amplifier = ep_count.min(4) as f64 * 0.292;
    let qm_amplifier = if qm_count > 1 {
        if qm_count <= 3 {
            qm_count as f64 * 0.18
        } else {
            0.96
        }
    } else {
        0.0
    };
    let punct = ep_amplifier + qm_amplifier;
    if sum_s > 0.0 {
        sum_s += punct;
    } else if sum_s < 0.0 {
        sum_s -= punct;
    }
    let compound = normalize(sum_s);

    let mut pos_sum = 0.0;
    let mut neg_sum = 0.0;
    let mut neu_count = (sentiments.len() - lexed.len()) as u64;
    for &i in lexed {
        let s = sentiments[i];
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu_count += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += punct;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= punct;
    }
    let total = pos_sum + neg_sum.abs() + neu_count as f64;
    Scores {
        neg: py_round((neg_sum / total).abs(), 3),
        neu: py_round((neu_count as f64 / total).abs(), 3),
        pos: py_round((pos_sum / total).abs(), 3),
        compound: py_round(compound, 4),
    }
}
