//! Which texts a model was trained on: a Bloom filter of them, kept in the model file.
//!
//! A model scores the comments it was trained on far better than new ones. Fitted or measured
//! on those comments, it looks near perfect: fitting a lexicon with a model trained on the same
//! Davidson tweets gave a cross-validated F1 of 0.9996 and 0.961–0.967 on tweets it never saw
//! (`lexicons/README.md`). With this record, `lexicon fit` and `model eval` can tell when the
//! labels overlap the training data and say so.
//!
//! **Definition** (part of the file format): a text's key is FNV-1a (as in
//! [`super::features`]) over its normalised characters ([`super::features::normalise`]),
//! started from `BASIS ^ 3`. Its `k` positions in an `m`-bit table are `(h1 + i·h2) mod m`
//! for `i = 0..k`, with `h1 = key · MIX` and `h2 = (key ^ (key >> 29)) · PRIME | 1` (wrapping
//! 64-bit arithmetic; double hashing, Kirsch and Mitzenmacher 2006). The table has
//! 10 bits per text (rounded up to whole 64-bit words) and `k = 7`: about 1% of other texts
//! read as seen.

use super::features::{normalise, step, BASIS, MIX, PRIME};

/// Bits per text (for about 1% false positives with [`HASHES`]).
const BITS_PER_TEXT: usize = 10;
/// Positions per text.
pub const HASHES: u8 = 7;

/// A Bloom filter of texts.
#[derive(Clone, Debug, PartialEq)]
pub struct SeenTexts {
    words: Vec<u64>,
    k: u8,
}

/// A text's key (see the module docs).
fn key(text: &str) -> u64 {
    let mut chars = Vec::new();
    normalise(text, &mut chars);
    chars.iter().fold(BASIS ^ 3, |h, &c| step(h, c))
}

impl SeenTexts {
    /// The filter of `texts`.
    pub fn of<'a>(texts: impl ExactSizeIterator<Item = &'a str>) -> SeenTexts {
        let m = (texts.len().max(1) * BITS_PER_TEXT).div_ceil(64);
        let mut s = SeenTexts { words: vec![0; m], k: HASHES };
        for t in texts {
            for p in s.positions(key(t)) {
                s.words[p / 64] |= 1 << (p % 64);
            }
        }
        s
    }

    fn positions(&self, key: u64) -> impl Iterator<Item = usize> {
        let m = (self.words.len() * 64) as u64;
        let h1 = key.wrapping_mul(MIX);
        let h2 = (key ^ (key >> 29)).wrapping_mul(PRIME) | 1;
        (0..u64::from(self.k)).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % m) as usize)
    }

    /// Whether `text` was (very likely) among the texts.
    pub fn contains(&self, text: &str) -> bool {
        self.positions(key(text)).all(|p| self.words[p / 64] & (1 << (p % 64)) != 0)
    }

    /// The file section: `m` (u32, bits, a multiple of 64), `k` (u8), then the table as
    /// little-endian 64-bit words.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + 8 * self.words.len());
        out.extend_from_slice(&((self.words.len() * 64) as u32).to_le_bytes());
        out.push(self.k);
        for w in &self.words {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// Reads the section [`SeenTexts::to_bytes`] writes: the filter (none when `m` is 0) and
    /// the bytes it took; `None` when it is malformed.
    pub fn from_bytes(bytes: &[u8]) -> Option<(Option<SeenTexts>, usize)> {
        let m = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let k = *bytes.get(4)?;
        if m == 0 {
            return Some((None, 5));
        }
        if !m.is_multiple_of(64) || !(1..=32).contains(&k) {
            return None;
        }
        let table = bytes.get(5..5 + m / 8)?;
        let words = table
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        Some((Some(SeenTexts { words, k }), 5 + m / 8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_its_texts_and_few_others_and_reads_back() {
        let texts: Vec<String> =
            (0..5000).map(|i| format!("comment number {i}, in full")).collect();
        let s = SeenTexts::of(texts.iter().map(String::as_str));
        assert!(texts.iter().all(|t| s.contains(t)));
        // Normalised as the model reads text: case and runs of spaces do not matter.
        assert!(s.contains("COMMENT   number 7, in full"));
        let others = (0..10_000).filter(|i| s.contains(&format!("another text {i}"))).count();
        assert!(others < 300, "{others} of 10,000 others read as seen");
        let bytes = s.to_bytes();
        assert_eq!(SeenTexts::from_bytes(&bytes), Some((Some(s), bytes.len())));
        assert_eq!(SeenTexts::from_bytes(&[0, 0, 0, 0, 7]), Some((None, 5)));
        assert_eq!(SeenTexts::from_bytes(&[65, 0, 0, 0, 7]), None, "not a multiple of 64");
        assert_eq!(SeenTexts::from_bytes(&[64, 0, 0, 0, 7, 1]), None, "truncated");
    }
}
