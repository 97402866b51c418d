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
//! **Character n-grams**: every run of 3 to 5 characters of the padded text. (Runs of 2 were
//! dropped: a quarter of the work, 0.0005 ROC AUC on held-back comments.)
//! **Word n-grams**: words are maximal runs of alphanumeric characters (apostrophes inside a
//! word are dropped: "don't" → "dont"); every word and every pair of neighbouring words.
//!
//! **Hash** (64-bit, wrapping): start from `BASIS ^ namespace` (namespace 1 for characters,
//! 2 for words), then for each code point `c`: `h = (h ^ c) * PRIME` (FNV-1a over code
//! points). A word pair continues its first word's hash with a space (32), then the second
//! word. The bucket is `(h * MIX) >> (64 - bits)`.
//!
//! **Values.** Binary: a bucket counts once however often its n-grams occur (the first n-gram
//! to reach a bucket stands for it, and its kind is the bucket's), scaled so each kind has
//! unit length as if no bucket were shared:
//! character buckets by `1/√(distinct character buckets)`, word buckets by
//! `1/√(distinct word buckets)`. A comment's log-odds are `bias + Σ value × weight[bucket]`.
//! (The inverse document frequencies of training are folded into the weights, so scoring
//! needs no second table.) Measured on held-back Jigsaw comments, binary values ranked 0.005
//! ROC AUC better than counts.

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
    (h ^ u64::from(u32::from(c))).wrapping_mul(PRIME)
}

/// The bucket of a hash in a table of `2^bits` weights.
#[inline]
pub fn bucket(h: u64, bits: u32) -> usize {
    (h.wrapping_mul(MIX) >> (64 - bits)) as usize
}

/// The normalised characters of `text`, padded (see the module docs).
pub fn normalise(text: &str, out: &mut Vec<char>) {
    out.clear();
    out.reserve(text.len().min(MAX_CHARS) + 2);
    out.push(' ');
    let (mut last, mut run) = (' ', 0usize);
    // Whether `c` (already folded) is kept: one space per run of spaces, three of any other
    // character in a row.
    let mut keep = |c: char| {
        if c == last {
            run += 1;
            c != ' ' && run < 3
        } else {
            (last, run) = (c, 0);
            true
        }
    };
    if text.is_ascii() {
        // Most comments: no decoding, and folding is a table look-up.
        for &b in text.as_bytes() {
            if out.len() > MAX_CHARS {
                break;
            }
            let c = char::from(ASCII_FOLD[usize::from(b)]);
            if keep(c) {
                out.push(c);
            }
        }
    } else {
        for c in text.chars() {
            if out.len() > MAX_CHARS {
                break;
            }
            if keep(fold(c)) {
                out.push(fold(c));
            }
        }
    }
    if out.last() != Some(&' ') {
        out.push(' ');
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

    /// Marks the bucket of every n-gram of `chars` in a table of `2^bits` (see
    /// [`for_each_ngram`]), the hot loop of scoring: the counts live in registers here, not in
    /// `self`, where each n-gram's update would wait on the last one's store.
    pub fn mark_all(&mut self, chars: &[char], bits: u32) {
        let map = &mut self.map[..];
        let [list_c, list_w] = &mut self.list;
        let (mut nc, mut nw) = (self.counts[0], self.counts[1]);
        for_each_ngram(chars, |h, k, _, _| {
            let b = bucket(h, bits);
            match k {
                Kind::Chars => mark(map, list_c, &mut nc, b),
                Kind::Words => mark(map, list_w, &mut nw, b),
            }
        });
        self.counts = [nc, nw];
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

/// Calls `f(hash, kind, start, end)` for every n-gram of the normalised `chars` (from
/// [`normalise`]); `start..end` are indices into `chars` (a word pair spans both words).
/// Returns the number of character n-grams and of word n-grams.
pub fn for_each_ngram(
    chars: &[char],
    mut f: impl FnMut(u64, Kind, usize, usize),
) -> (usize, usize) {
    let (lo, hi) = CHAR_NGRAMS;
    let mut n_chars = 0;
    let base = BASIS ^ NS_CHAR;
    for i in 0..chars.len() {
        let mut h = base;
        for (k, &c) in chars[i..chars.len().min(i + hi)].iter().enumerate() {
            h = step(h, c);
            if k + 1 >= lo {
                f(h, Kind::Chars, i, i + k + 1);
                n_chars += 1;
            }
        }
    }
    let mut n_words = 0;
    let wbase = BASIS ^ NS_WORD;
    let mut prev: Option<(u64, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            // Pairs span punctuation, as in "you, idiot".
            i += 1;
            continue;
        }
        let start = i;
        let mut h = wbase;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphanumeric() {
                h = step(h, c);
            } else if (c == '\'' || c == '’')
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
                && i > start
            {
                // inside a word: dropped
            } else {
                break;
            }
            i += 1;
        }
        f(h, Kind::Words, start, i);
        n_words += 1;
        if let Some((ph, pstart)) = prev {
            let mut b = step(ph, ' ');
            for &c in &chars[start..i] {
                if c.is_alphanumeric() {
                    b = step(b, c);
                }
            }
            f(b, Kind::Words, pstart, i);
            n_words += 1;
        }
        prev = Some((h, start));
    }
    (n_chars, n_words)
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
        let mut words = Vec::new();
        let (c, w) = for_each_ngram(&v, |_, k, s, e| {
            if k == Kind::Words {
                words.push(v[s..e].iter().collect::<String>());
            }
        });
        // 3..5-grams over 7 chars: 5 + 4 + 3
        assert_eq!(c, 12);
        assert_eq!(w, 3);
        assert_eq!(words, ["ab", "cd", "ab cd"]);
    }

    #[test]
    fn apostrophes_join_words() {
        let mut v = Vec::new();
        normalise("don't 'quote'", &mut v);
        let mut hashes = Vec::new();
        for_each_ngram(&v, |h, k, _, _| {
            if k == Kind::Words {
                hashes.push(h);
            }
        });
        let mut w = Vec::new();
        normalise("dont quote", &mut w);
        let mut expect = Vec::new();
        for_each_ngram(&w, |h, k, _, _| {
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
        for_each_ngram(&v, |hh, k, s, e| {
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
