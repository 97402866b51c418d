//! Text → hashed n-grams: the model's only view of a comment.
//!
//! The hash is part of the model file format: weights trained today must score the same text
//! the same way on every platform and in every later version, so it is written out here in
//! full rather than borrowed from a hasher whose output may change (std's `DefaultHasher`
//! says as much). Everything is integer arithmetic on Unicode scalar values.
//!
//! **Normalised text.** Each character is lower-cased (its first lower-case mapping); every
//! run of whitespace becomes one space; a character repeated more than three times in a row
//! keeps three ("sooooo" → "sooo"); at most [`MAX_CHARS`] characters are read; the text is
//! padded with one space at each end.
//!
//! **Character n-grams** ([`Scheme`]): runs of 3 to 5 characters. Models trained now
//! (file version 3) read the runs inside one space-delimited token together with the spaces
//! around it (" you", "you ", " you ", never "u a"); models of file versions 1 and 2 read every
//! run of the padded text, across words, and are still scored as they were trained. (Runs of
//! 2 were dropped: a quarter of the work, 0.0005 ROC AUC on held-back comments.)
//! **Word n-grams**: words are maximal runs of alphanumeric characters (apostrophes inside a
//! word are dropped: "don't" → "dont"); every word and every pair of neighbouring words.
//!
//! **Hash** (64-bit, wrapping): start from `BASIS ^ namespace` (namespace 1 for characters,
//! 2 for words), then for each code point `c`: `h = (h ^ c) * PRIME` (FNV-1a over code
//! points). A word pair continues its first word's hash with a space (32), then the second
//! word. The bucket is `(h * MIX) >> (64 - bits)`.
//!
//! **Values.** Word n-grams are binary: a bucket counts once however often its n-grams occur.
//! Character n-grams count every occurrence (version 3), or are binary like words (versions
//! 1–2, where a bucket reached by both kinds counts once, for the kind that reached it first).
//! Each kind is scaled to unit length as if no bucket were shared: character values by
//! `1/√(character n-grams counted)`, word values by `1/√(distinct word buckets)`. A comment's
//! log-odds are `bias + Σ value × weight[bucket]`. (The inverse document frequencies of
//! training are folded into the weights, so scoring needs no second table.) Measured on
//! held-back Jigsaw comments, binary values across the whole text ranked 0.005 ROC AUC better
//! than counts across it; counts within tokens rank as well as binary values across the text
//! (models/README.md) and need no record of what was seen, which is most of why version 3
//! models score faster (BENCHMARKS.md, "Toxicity model").

/// FNV-1a's 64-bit offset basis.
pub const BASIS: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a's 64-bit prime.
pub const PRIME: u64 = 0x0000_0100_0000_01b3;
/// The multiplier that spreads a hash over the buckets (2^64 / φ).
pub const MIX: u64 = 0x9e37_79b9_7f4a_7c15;
/// Namespace of character n-grams.
pub const NS_CHAR: u64 = 1;
/// Namespace of word n-grams.
pub const NS_WORD: u64 = 2;
/// Characters read from one text: the rest does not change its score. Long enough for all but
/// the longest comments (the labeled sets' 99th percentile is ~1,600), and it bounds the work.
pub const MAX_CHARS: usize = 4096;
/// The shortest and longest character n-grams.
pub const CHAR_NGRAMS: (usize, usize) = (3, 5);

/// One FNV-1a step over a code point.
#[inline]
pub fn step(h: u64, c: char) -> u64 {
    step_unit(h, c)
}

/// One unit of normalised text: a `char`, or a byte for a text that is all ASCII. Both give
/// the same code points and so the same hashes; bytes take a quarter of the memory and their
/// class tests are a compare or two. Scoring ASCII comments (most of them) as bytes made
/// `audit` with the model 3% faster; the model alone did not change (BENCHMARKS.md,
/// "Toxicity model").
pub trait Unit: Copy + PartialEq {
    /// The space that separates tokens.
    const SPACE: Self;
    /// The code point.
    fn code(self) -> u64;
    /// Part of a word: alphanumeric.
    fn is_alnum(self) -> bool;
    /// An apostrophe that joins a word ("don't", "don’t").
    fn is_apostrophe(self) -> bool;
}

impl Unit for char {
    const SPACE: char = ' ';
    #[inline(always)]
    fn code(self) -> u64 {
        u64::from(u32::from(self))
    }
    #[inline(always)]
    fn is_alnum(self) -> bool {
        self.is_alphanumeric()
    }
    #[inline(always)]
    fn is_apostrophe(self) -> bool {
        self == '\'' || self == '’'
    }
}

impl Unit for u8 {
    const SPACE: u8 = b' ';
    #[inline(always)]
    fn code(self) -> u64 {
        u64::from(self)
    }
    #[inline(always)]
    fn is_alnum(self) -> bool {
        self.is_ascii_alphanumeric()
    }
    #[inline(always)]
    fn is_apostrophe(self) -> bool {
        self == b'\''
    }
}

/// [`step`] over a [`Unit`].
#[inline(always)]
fn step_unit<U: Unit>(h: u64, c: U) -> u64 {
    (h ^ c.code()).wrapping_mul(PRIME)
}

/// The bucket of a hash in a table of `2^bits` weights.
#[inline]
pub fn bucket(h: u64, bits: u32) -> usize {
    (h.wrapping_mul(MIX) >> (64 - bits)) as usize
}

/// The normalised characters of `text`, padded (see the module docs).
pub fn normalise(text: &str, out: &mut Vec<char>) {
    if text.is_ascii() {
        // Most comments: no decoding, and folding is a table look-up.
        return normalise_units(text.as_bytes(), out, char::from);
    }
    out.clear();
    out.reserve(text.len().min(MAX_CHARS) + 2);
    out.push(' ');
    let mut runs = Runs::new(' ');
    for c in text.chars() {
        if out.len() > MAX_CHARS {
            break;
        }
        let c = fold(c);
        if runs.keep(c) {
            out.push(c);
        }
    }
    if out.last() != Some(&' ') {
        out.push(' ');
    }
}

/// [`normalise`] for a text that is all ASCII, as bytes (the same code points).
pub fn normalise_ascii(text: &[u8], out: &mut Vec<u8>) {
    debug_assert!(text.is_ascii());
    normalise_units(text, out, |b| b);
}

/// [`normalise`] over ASCII bytes, each folded by the table and made a unit by `unit`.
#[inline(always)]
fn normalise_units<U: Unit>(bytes: &[u8], out: &mut Vec<U>, unit: impl Fn(u8) -> U) {
    out.clear();
    out.reserve(bytes.len().min(MAX_CHARS) + 2);
    out.push(U::SPACE);
    let mut runs = Runs::new(U::SPACE);
    for &b in bytes {
        if out.len() > MAX_CHARS {
            break;
        }
        let c = unit(ASCII_FOLD[usize::from(b)]);
        if runs.keep(c) {
            out.push(c);
        }
    }
    if out.last() != Some(&U::SPACE) {
        out.push(U::SPACE);
    }
}

/// Which folded characters [`normalise`] keeps: one space per run of spaces, three of any
/// other character in a row.
struct Runs<U> {
    last: U,
    run: usize,
}

impl<U: Unit> Runs<U> {
    fn new(first: U) -> Self {
        Runs { last: first, run: 0 }
    }

    #[inline(always)]
    fn keep(&mut self, c: U) -> bool {
        if c == self.last {
            self.run += 1;
            c != U::SPACE && self.run < 3
        } else {
            (self.last, self.run) = (c, 0);
            true
        }
    }
}

/// One character as the model reads it: white space as a space, else lower-cased.
fn fold(c: char) -> char {
    if c.is_whitespace() {
        ' '
    } else if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// [`fold`] over the ASCII bytes (the rest unused).
static ASCII_FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = match b {
            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => b' ',
            _ => b.to_ascii_lowercase(),
        };
        i += 1;
    }
    t
};

/// The buckets already counted in one text: a bitmap over the table, cleared after
/// each text by the list of what was set, so a text costs in proportion to its length, not the
/// table's. [`Seen::mark`] tests and sets without a branch: whether an n-gram was seen before
/// is a coin toss to the branch predictor, and the mispredictions cost more than the reads
/// (measured: an open-addressing set in the first-level cache, with a branch per probe, was
/// 30% slower than this bitmap).
#[derive(Debug, Default)]
pub struct Seen {
    bits: u32,
    /// One bit per bucket, for both kinds: a bucket counts once, for the kind that reached it
    /// first (a bitmap per kind was twice the size and no longer fit the first-level cache).
    map: Vec<u64>,
    /// Distinct buckets of each kind, in the order first seen (the first `counts[k]`).
    list: [Vec<u32>; 2],
    counts: [usize; 2],
}

impl Seen {
    /// Ready for a text of `chars` normalised characters in a table of `2^bits` weights.
    pub fn reset(&mut self, bits: u32, chars: usize) {
        if self.bits != bits {
            self.bits = bits;
            self.map = vec![0; (1usize << bits).div_ceil(64)];
        } else {
            for k in 0..2 {
                for &b in &self.list[k][..self.counts[k]] {
                    self.map[b as usize / 64] = 0;
                }
            }
        }
        self.counts = [0, 0];
        // At most 4 character n-grams per character, and 2 word n-grams per 2 characters.
        for (k, per) in [(0, 4), (1, 2)] {
            if self.list[k].len() < chars * per + 1 {
                self.list[k].resize(chars * per + 1, 0);
            }
        }
    }

    /// Marks `bucket` of `kind` without a branch; 1 when it was not yet marked, else 0.
    #[inline]
    pub fn mark(&mut self, kind: Kind, bucket: usize) -> usize {
        let k = kind as usize;
        let before = self.counts[k];
        mark(&mut self.map, &mut self.list[k], &mut self.counts[k], bucket);
        self.counts[k] - before
    }

    /// Marks `bucket` of `kind`; true when it was not yet marked.
    #[inline]
    pub fn insert(&mut self, kind: Kind, bucket: usize) -> bool {
        self.mark(kind, bucket) == 1
    }

    /// Marks the bucket of every n-gram of `chars` that [`Scheme::Whole`] reads, in a table of
    /// `2^bits` (see [`for_each_ngram`]), the hot loop of scoring such models: the counts live
    /// in registers here, not in `self`, where each n-gram's update would wait on the last
    /// one's store.
    pub fn mark_all<U: Unit>(&mut self, chars: &[U], bits: u32) {
        let map = &mut self.map[..];
        let [list_c, list_w] = &mut self.list;
        let (mut nc, mut nw) = (self.counts[0], self.counts[1]);
        for_each_char_ngram(chars, |h, _, _| mark(map, list_c, &mut nc, bucket(h, bits)));
        for_each_word_ngram(chars, |h, _, _| mark(map, list_w, &mut nw, bucket(h, bits)));
        self.counts = [nc, nw];
    }

    /// Marks the bucket of every word n-gram of `chars` (under [`Scheme::Tokens`] only words
    /// count once; see [`token_char_sum`] for the characters).
    pub fn mark_words<U: Unit>(&mut self, chars: &[U], bits: u32) {
        let map = &mut self.map[..];
        let list_w = &mut self.list[1];
        let mut nw = self.counts[1];
        for_each_word_ngram(chars, |h, _, _| mark(map, list_w, &mut nw, bucket(h, bits)));
        self.counts[1] = nw;
    }

    /// How many distinct buckets of `kind` were marked.
    pub fn count(&self, kind: Kind) -> usize {
        self.counts[kind as usize]
    }

    /// The distinct buckets of `kind`, in the order first marked.
    pub fn distinct(&self, kind: Kind) -> &[u32] {
        &self.list[kind as usize][..self.counts[kind as usize]]
    }
}

/// Sets bucket `b`'s bit in `map` and writes `b` at `list[*n]`, moving `*n` on only when the
/// bit was not set: no branch on whether it was (see [`Seen`]).
#[inline(always)]
fn mark(map: &mut [u64], list: &mut [u32], n: &mut usize, b: usize) {
    let word = &mut map[b / 64];
    let bit = 1u64 << (b % 64);
    let new = usize::from(*word & bit == 0);
    *word |= bit;
    list[*n] = b as u32;
    *n += new;
}

/// Which kind of n-gram a feature is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A run of characters.
    Chars = 0,
    /// A word or a pair of words.
    Words = 1,
}

/// Which character n-grams a model reads, and how they count: the one part of the features
/// that changed between file versions. A model file says which it was trained with
/// ([`super::file`]); both are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Format versions 1 and 2: every run of 3 to 5 characters of the padded text, across
    /// words ("u a" in "you are"); a bucket counts once however often it is reached (binary).
    Whole,
    /// Format version 3 on: only runs inside one space-delimited token and the spaces around
    /// it (" you", "you ", not "u a"), each occurrence counting. Measured on held-back
    /// comments, as good as [`Scheme::Whole`] (mean ROC AUC over two halvings: Jigsaw +0.002,
    /// Davidson +0.001, Kaggle insults −0.0003) and a third faster to score: no n-gram needs
    /// to know whether an earlier one reached its bucket.
    Tokens,
}

/// Calls `f(hash, kind, start, end)` for every n-gram of the normalised `chars` (from
/// [`normalise`]) that `scheme` reads, characters first, then words; `start..end` are
/// indices into `chars` (a word pair spans both words).
pub fn for_each_ngram(chars: &[char], scheme: Scheme, mut f: impl FnMut(u64, Kind, usize, usize)) {
    let tokens = scheme == Scheme::Tokens;
    for_each_char_ngram(chars, |h, start, end| {
        if !(tokens && spans_tokens(&chars[start..end])) {
            f(h, Kind::Chars, start, end);
        }
    });
    for_each_word_ngram(chars, |h, s, e| f(h, Kind::Words, s, e));
}

/// Whether a run of characters has a space strictly inside, so spans two tokens: what
/// [`Scheme::Tokens`] does not read.
fn spans_tokens(run: &[char]) -> bool {
    run[1..run.len() - 1].contains(&' ')
}

/// Calls `f(bucket, kind, start, end)` for each n-gram of `chars` that counts toward a score
/// under `scheme`, in a table of `2^bits`: under [`Scheme::Whole`] the first n-gram to reach
/// each bucket; under [`Scheme::Tokens`] every character n-gram and the first word n-gram to
/// reach each bucket. Returns how many counted of each kind: each counting adds
/// `1/√(that count)` to its bucket's value. The definition training and `explain` share with
/// scoring (which does the same faster).
pub fn for_each_counted(
    chars: &[char],
    scheme: Scheme,
    bits: u32,
    seen: &mut Seen,
    mut f: impl FnMut(usize, Kind, usize, usize),
) -> (usize, usize) {
    seen.reset(bits, chars.len());
    let mut counts = [0usize; 2];
    for_each_ngram(chars, scheme, |h, k, s, e| {
        let b = bucket(h, bits);
        let counted = (scheme == Scheme::Tokens && k == Kind::Chars) || seen.insert(k, b);
        if counted {
            counts[k as usize] += 1;
            f(b, k, s, e);
        }
    });
    (counts[0], counts[1])
}

/// Calls `f(hash, start, end)` for every run of 3 to 5 characters of `chars`, by start, then
/// length.
fn for_each_char_ngram<U: Unit>(chars: &[U], mut f: impl FnMut(u64, usize, usize)) {
    debug_assert_eq!(CHAR_NGRAMS, (3, 5), "the unrolled loop below makes 3- to 5-grams");
    let base = BASIS ^ NS_CHAR;
    // Every start with room for the longest run, unrolled; then the last few starts.
    for (i, w) in chars.windows(5).enumerate() {
        let h3 = step_unit(step_unit(step_unit(base, w[0]), w[1]), w[2]);
        f(h3, i, i + 3);
        let h4 = step_unit(h3, w[3]);
        f(h4, i, i + 4);
        f(step_unit(h4, w[4]), i, i + 5);
    }
    for i in chars.len().saturating_sub(4)..chars.len() {
        let mut h = base;
        for (k, &c) in chars[i..chars.len().min(i + 5)].iter().enumerate() {
            h = step_unit(h, c);
            if k >= 2 {
                f(h, i, i + k + 1);
            }
        }
    }
}

/// The sum of `weight(bucket)` over the character n-grams [`Scheme::Tokens`] reads in
/// `chars`, each occurrence counting, and how many there were: the hot loop of scoring. The
/// same hashes as [`for_each_ngram`], but a run that spans two tokens is weighed by 0 rather
/// than skipped, so the loop has no branch to mispredict ([`spans_tokens`] as a mask: a run
/// from `w[0]` spans tokens when `w[1]`, or for longer runs `w[2]` or `w[3]`, is a space).
pub fn token_char_sum<U: Unit>(
    chars: &[U],
    bits: u32,
    weight: impl Fn(usize) -> f32,
) -> (f32, usize) {
    let base = BASIS ^ NS_CHAR;
    let one = |inside: bool| f32::from(u8::from(inside));
    let (mut a3, mut a4, mut a5) = (0.0f32, 0.0f32, 0.0f32);
    let mut n = 0usize;
    for w in chars.windows(5) {
        let in3 = w[1] != U::SPACE;
        let in4 = in3 & (w[2] != U::SPACE);
        let in5 = in4 & (w[3] != U::SPACE);
        let h3 = step_unit(step_unit(step_unit(base, w[0]), w[1]), w[2]);
        let h4 = step_unit(h3, w[3]);
        let h5 = step_unit(h4, w[4]);
        a3 += weight(bucket(h3, bits)) * one(in3);
        a4 += weight(bucket(h4, bits)) * one(in4);
        a5 += weight(bucket(h5, bits)) * one(in5);
        n += usize::from(in3) + usize::from(in4) + usize::from(in5);
    }
    let start = chars.len().saturating_sub(4);
    let tail = &chars[start..];
    for_each_char_ngram(tail, |h, s, e| {
        // `spans_tokens`, written out: calling it here measured 2–3% slower (the hot loop
        // above was laid out differently)
        if !tail[s + 1..e - 1].contains(&U::SPACE) {
            a3 += weight(bucket(h, bits));
            n += 1;
        }
    });
    (a3 + a4 + a5, n)
}

/// Calls `f(hash, start, end)` for every word and every pair of neighbouring words of `chars`.
fn for_each_word_ngram<U: Unit>(chars: &[U], mut f: impl FnMut(u64, usize, usize)) {
    let wbase = BASIS ^ NS_WORD;
    let mut prev: Option<(u64, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alnum() {
            // Pairs span punctuation, as in "you, idiot".
            i += 1;
            continue;
        }
        let start = i;
        // The word's hash and its pair's (the previous word's hash, a space, then this word)
        // side by side, in one pass over the word.
        let mut h = wbase;
        let mut pair = prev.map_or(0, |(ph, _)| step_unit(ph, U::SPACE));
        while i < chars.len() {
            let c = chars[i];
            if c.is_alnum() {
                h = step_unit(h, c);
                pair = step_unit(pair, c);
            } else if c.is_apostrophe()
                && chars.get(i + 1).is_some_and(|n| n.is_alnum())
                && i > start
            {
                // inside a word: dropped
            } else {
                break;
            }
            i += 1;
        }
        f(h, start, i);
        if let Some((_, pstart)) = prev {
            f(pair, pstart, i);
        }
        prev = Some((h, start));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        let mut v = Vec::new();
        normalise(s, &mut v);
        v.into_iter().collect()
    }

    #[test]
    fn normalises_case_space_and_runs() {
        assert_eq!(norm("You  ARE\tsooooo\n\nDUMB!!!!"), " you are sooo dumb!!! ");
        assert_eq!(norm(""), " ");
        assert_eq!(norm("Ärger"), " ärger ");
    }

    #[test]
    fn the_ascii_path_folds_as_the_general_one() {
        // Every ASCII byte, alone and in runs, through both paths (a non-ASCII character
        // sends the text down the general one).
        for b in 0u8..128 {
            let c = char::from(b);
            for n in [1, 2, 3, 5] {
                let ascii: String = std::iter::repeat_n(c, n).collect::<String>() + "Ab  c";
                let general = format!("{ascii}é");
                let (mut x, mut y) = (Vec::new(), Vec::new());
                normalise(&ascii, &mut x);
                normalise(&general, &mut y);
                assert_eq!(x[..x.len() - 1], y[..y.len() - 2], "{b:#x} × {n}");
                assert_eq!(char::from(ASCII_FOLD[usize::from(b)]), fold(c), "{b:#x}");
            }
        }
    }

    #[test]
    fn counts_ngrams() {
        let mut v = Vec::new();
        normalise("ab cd", &mut v); // " ab cd " = 7 chars
        let (mut c, mut words) = (0, Vec::new());
        for_each_ngram(&v, Scheme::Whole, |_, k, s, e| match k {
            Kind::Chars => c += 1,
            Kind::Words => words.push(v[s..e].iter().collect::<String>()),
        });
        // 3..5-grams over 7 chars: 5 + 4 + 3
        assert_eq!(c, 12);
        assert_eq!(words, ["ab", "cd", "ab cd"]);
    }

    fn char_ngrams(text: &str, scheme: Scheme) -> Vec<String> {
        let mut v = Vec::new();
        normalise(text, &mut v);
        let mut out = Vec::new();
        for_each_ngram(&v, scheme, |_, k, s, e| {
            if k == Kind::Chars {
                out.push(v[s..e].iter().collect::<String>());
            }
        });
        out
    }

    #[test]
    fn tokens_read_the_runs_inside_a_token_and_its_spaces() {
        let whole = char_ngrams("you are", Scheme::Whole);
        let tokens = char_ngrams("you are", Scheme::Tokens);
        assert_eq!(
            tokens,
            [
                " yo", " you", " you ", "you", "you ", "ou ", " ar", " are", " are ", "are",
                "are ", "re "
            ]
        );
        assert!(whole.contains(&"u a".to_string()) && whole.contains(&"ou ar".to_string()));
        // exactly the runs of the whole text with no space strictly inside, in the same order
        let kept: Vec<String> =
            whole.into_iter().filter(|g| !g[1..g.len() - 1].contains(' ')).collect();
        assert_eq!(kept, tokens);
        // a one-letter token is one run; every occurrence is read
        assert_eq!(char_ngrams("a a", Scheme::Tokens), [" a ", " a "]);
        assert!(char_ngrams("", Scheme::Tokens).is_empty());
    }

    proptest::proptest! {
        /// An ASCII text normalised as bytes is its normalised characters, and the loops read
        /// the same hashes from both.
        #[test]
        fn bytes_read_as_the_characters(text in "[a-cA-C '!.\n\t0-9]{0,60}") {
            let (mut chars, mut bytes) = (Vec::new(), Vec::new());
            normalise(&text, &mut chars);
            normalise_ascii(text.as_bytes(), &mut bytes);
            let widened: Vec<char> = bytes.iter().map(|&b| char::from(b)).collect();
            proptest::prop_assert_eq!(&widened, &chars);
            let weight = |b: usize| (b % 7) as f32 - 3.0;
            proptest::prop_assert_eq!(
                token_char_sum(&bytes, 10, weight),
                token_char_sum(&chars, 10, weight)
            );
            let (mut hc, mut hb) = (Vec::new(), Vec::new());
            for_each_word_ngram(&chars, |h, s, e| hc.push((h, s, e)));
            for_each_word_ngram(&bytes, |h, s, e| hb.push((h, s, e)));
            proptest::prop_assert_eq!(hb, hc);
            let (mut sc, mut sb) = (Seen::default(), Seen::default());
            sc.reset(10, chars.len());
            sb.reset(10, bytes.len());
            sc.mark_all(&chars, 10);
            sb.mark_all(&bytes, 10);
            proptest::prop_assert_eq!(sb.distinct(Kind::Chars), sc.distinct(Kind::Chars));
            proptest::prop_assert_eq!(sb.distinct(Kind::Words), sc.distinct(Kind::Words));
        }

        /// The scoring loop weighs exactly the n-grams `for_each_ngram` reads, each occurrence.
        #[test]
        fn token_char_sum_weighs_what_for_each_ngram_reads(text in "[a-c é!'.\n]{0,40}") {
            let mut v = Vec::new();
            normalise(&text, &mut v);
            let weight = |b: usize| (b % 7) as f32 - 3.0; // small integers: sums are exact
            let (mut want, mut n) = (0.0f32, 0usize);
            for_each_ngram(&v, Scheme::Tokens, |h, k, _, _| {
                if k == Kind::Chars {
                    want += weight(bucket(h, 10));
                    n += 1;
                }
            });
            proptest::prop_assert_eq!(token_char_sum(&v, 10, weight), (want, n));
        }

        /// Words and pairs hashed in one pass make the hashes of the plain definition: a pair
        /// continues its first word's hash with a space and the second word's letters.
        #[test]
        fn word_ngrams_are_words_and_pairs(text in "[a-c 'é!.’0]{0,30}") {
            let mut v = Vec::new();
            normalise(&text, &mut v);
            let alnum = |c: &char| c.is_alphanumeric();
            let mut words = Vec::new(); // (hash, start, end)
            let mut i = 0;
            while i < v.len() {
                if !alnum(&v[i]) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < v.len()
                    && (alnum(&v[i])
                        || ((v[i] == '\'' || v[i] == '’') && i > start
                            && v.get(i + 1).is_some_and(alnum)))
                {
                    i += 1;
                }
                let h = v[start..i].iter().filter(|c| alnum(c)).fold(BASIS ^ NS_WORD, |h, &c| step(h, c));
                words.push((h, start, i));
            }
            let mut want = Vec::new();
            for (k, &(h, s, e)) in words.iter().enumerate() {
                want.push((h, s, e));
                if k > 0 {
                    let (ph, ps, _) = words[k - 1];
                    let pair = v[s..e].iter().filter(|c| alnum(c)).fold(step(ph, ' '), |h, &c| step(h, c));
                    want.push((pair, ps, e));
                }
            }
            let mut got = Vec::new();
            for_each_word_ngram(&v, |h, s, e| got.push((h, s, e)));
            proptest::prop_assert_eq!(got, want);
        }

        /// The unrolled loop makes the hashes of the plain definition, in the same order.
        #[test]
        fn char_ngrams_are_every_run_of_3_to_5(text in "[a-c é!]{0,30}") {
            let mut v = Vec::new();
            normalise(&text, &mut v);
            let mut want = Vec::new();
            for i in 0..v.len() {
                let mut h = BASIS ^ NS_CHAR;
                for (k, &c) in v[i..v.len().min(i + 5)].iter().enumerate() {
                    h = step(h, c);
                    if k >= 2 {
                        want.push((h, i, i + k + 1));
                    }
                }
            }
            let mut got = Vec::new();
            for_each_char_ngram(&v, |h, s, e| got.push((h, s, e)));
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn apostrophes_join_words() {
        let mut v = Vec::new();
        normalise("don't 'quote'", &mut v);
        let mut hashes = Vec::new();
        for_each_ngram(&v, Scheme::Whole, |h, k, _, _| {
            if k == Kind::Words {
                hashes.push(h);
            }
        });
        let mut w = Vec::new();
        normalise("dont quote", &mut w);
        let mut expect = Vec::new();
        for_each_ngram(&w, Scheme::Whole, |h, k, _, _| {
            if k == Kind::Words {
                expect.push(h);
            }
        });
        assert_eq!(hashes, expect);
    }

    #[test]
    fn seen_counts_distinct_buckets_per_kind_and_resets() {
        let mut seen = Seen::default();
        seen.reset(12, 100);
        assert!(seen.insert(Kind::Chars, 5));
        assert!(!seen.insert(Kind::Chars, 5));
        assert!(!seen.insert(Kind::Words, 5), "a bucket counts once, for its first kind");
        assert!(seen.insert(Kind::Words, 6));
        for b in 0..50 {
            seen.insert(Kind::Chars, 7 + b * 64);
        }
        assert_eq!((seen.count(Kind::Chars), seen.count(Kind::Words)), (51, 1));
        assert_eq!(seen.distinct(Kind::Words), [6]);
        seen.reset(12, 100);
        assert_eq!(seen.count(Kind::Chars), 0);
        assert!(seen.insert(Kind::Chars, 5), "forgotten after reset");
    }

    #[test]
    fn hash_is_the_documented_one() {
        // FNV-1a over the code points of "abc" in the character namespace, by hand.
        let mut h = BASIS ^ NS_CHAR;
        for c in [0x61u64, 0x62, 0x63] {
            h ^= c;
            h = h.wrapping_mul(0x100000001b3);
        }
        let mut v = Vec::new();
        normalise("abc", &mut v);
        let mut got = None;
        for_each_ngram(&v, Scheme::Whole, |hh, k, s, e| {
            if k == Kind::Chars && s == 1 && e == 4 {
                got = Some(hh);
            }
        });
        assert_eq!(got, Some(h));
        // and fixed values (computed independently, in Python), so a change to the arithmetic
        // cannot go unnoticed: every trained model depends on them
        assert_eq!(h, 0xeee2_c319_0966_41ec);
        assert_eq!(bucket(h, 18), 50_955);
    }
}
