//! The model file: a small documented binary format, so a model trained here can be read by
//! any later version (and by anyone who reads this page).
//!
//! All numbers are little-endian.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `MDRTOXIC` |
//! | 8 | 2 | format version: 3, or 2 for a model of the older n-grams (below); version 1 files, without the last section, are read too |
//! | 10 | 1 | `bits`: the table holds `2^bits` weights (10–22) |
//! | 11 | 1 | shortest character n-gram (3) |
//! | 12 | 1 | longest character n-gram (5) |
//! | 13 | 1 | weight encoding (2 = 8-bit codes into a 256-entry codebook) |
//! | 14 | 2 | characters read per text ([`MAX_CHARS`]) |
//! | 16 | 4 | bias (f32) |
//! | 20 | 2 | length `L` of the languages list, then `L` bytes: comma-separated ISO 639-1 codes |
//! | … | 2 | length `P` of the provenance, then `P` bytes of UTF-8 (how it was trained) |
//! | … | 1024 | the codebook: 256 f32 values, ascending |
//! | … | `2^bits` | one code per bucket, in bucket order: its weight is `codebook[code]` |
//! | … | 4 + 1 + `m`/8 | version 2: the training texts, a Bloom filter (`m` bits, 0 for none; `k` positions per text; see [`super::seen`]) |
//! | end−32 | 32 | SHA-256 of every byte before it |
//!
//! **Why a codebook.** Scoring a comment reads ~1,600 weights at random places; a table of
//! 2^19 f32 weights (2 MiB) does not stay in a core's cache and the reads dominated the time
//! (measured: 94k comments/s). One byte per weight (256 KiB for the built-in 2^18) does. The 256 values are found by
//! Lloyd's algorithm (1-D k-means, started from quantiles, 50 rounds: deterministic), which
//! spends the levels where the weights are; code 0 is exactly 0 (buckets no training text
//! reached). Measured on held-back comments, the codes cost less than 0.001 ROC AUC against
//! the f32 weights (BENCHMARKS.md, "Toxicity model").
//!
//! **Versions.** Version 3 is written by models of character n-grams within tokens
//! ([`Scheme::Tokens`], everything trained since 2026-12-04); versions 1 and 2 mean the older
//! n-grams across the whole text ([`Scheme::Whole`]), which are still read and scored as
//! trained, and written back as version 2.
//!
//! The n-gram and hash definitions the weights are indexed by are in [`super::features`];
//! the n-gram lengths and characters-per-text are stored so a file made by a build that reads
//! text differently is refused rather than misread.

use sha2::{Digest, Sha256};

use super::features::{Scheme, CHAR_NGRAMS, MAX_CHARS};
use super::seen::SeenTexts;

/// The file's first bytes.
pub const MAGIC: &[u8; 8] = b"MDRTOXIC";
/// The format version this build writes for new models (it reads 1 to 3; see the module docs).
pub const VERSION: u16 = 3;

/// The format version that says a file's n-grams are `scheme`'s.
fn version_of(scheme: Scheme) -> u16 {
    match scheme {
        Scheme::Whole => 2,
        Scheme::Tokens => VERSION,
    }
}

/// What a file says of its model besides the weights.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    /// log2 of the table size.
    pub bits: u32,
    /// The intercept.
    pub bias: f32,
    /// Which n-grams the weights are for (the file's version says).
    pub scheme: Scheme,
    /// The languages it was trained for.
    pub languages: &'a [String],
    /// How it was made.
    pub provenance: &'a str,
}
const ENCODING_CODEBOOK: u8 = 2;
/// Levels of the codebook.
pub const LEVELS: usize = 256;

/// What a model file holds, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// log2 of the table size.
    pub bits: u32,
    /// The intercept.
    pub bias: f32,
    /// Which n-grams the weights are for.
    pub scheme: Scheme,
    /// The languages it was trained for.
    pub languages: Vec<String>,
    /// How it was made.
    pub provenance: String,
    /// The codebook: a weight is `codebook[code]`.
    pub codebook: [f32; LEVELS],
    /// One code per bucket.
    pub codes: Vec<u8>,
    /// The texts it was trained on, when the file says (version 2).
    pub seen: Option<SeenTexts>,
}

/// The 256 levels and each weight's code (see the module docs): level 0 is 0; the others are
/// Lloyd's 1-D k-means over the non-zero weights.
pub fn quantise(weights: &[f32]) -> ([f32; LEVELS], Vec<u8>) {
    let mut sorted: Vec<f32> = weights.iter().copied().filter(|w| *w != 0.0).collect();
    sorted.sort_by(f32::total_cmp);
    let mut book = [0.0f32; LEVELS];
    let k = LEVELS - 1;
    if !sorted.is_empty() {
        let n = sorted.len();
        let mut prefix = Vec::with_capacity(n + 1);
        prefix.push(0.0f64);
        for &w in &sorted {
            prefix.push(prefix.last().expect("starts with 0") + f64::from(w));
        }
        let mut centres: Vec<f64> =
            (0..k).map(|i| f64::from(sorted[((2 * i + 1) * n / (2 * k)).min(n - 1)])).collect();
        for _ in 0..50 {
            // Each centre takes the sorted run between the midpoints to its neighbours.
            let mut cuts = vec![0usize];
            for w in centres.windows(2) {
                let mid = (w[0] + w[1]) / 2.0;
                cuts.push(sorted.partition_point(|&x| f64::from(x) < mid));
            }
            cuts.push(n);
            for (i, c) in centres.iter_mut().enumerate() {
                let (a, b) = (cuts[i], cuts[i + 1]);
                if b > a {
                    *c = (prefix[b] - prefix[a]) / (b - a) as f64;
                }
            }
            centres.sort_by(f64::total_cmp);
        }
        for (i, c) in centres.iter().enumerate() {
            book[i + 1] = *c as f32;
        }
        book[1..].sort_by(f32::total_cmp);
    }
    let codes = weights
        .iter()
        .map(|&w| {
            if w == 0.0 {
                return 0;
            }
            // nearest level among 1..=255 (ascending)
            let i = book[1..].partition_point(|&c| c < w);
            let below = i.checked_sub(1).map(|j| (j, (w - book[1 + j]).abs()));
            let above = (i < k).then(|| (i, (book[1 + i] - w).abs()));
            let j = match (below, above) {
                (Some(b), Some(a)) => {
                    if a.1 < b.1 {
                        a.0
                    } else {
                        b.0
                    }
                }
                (Some(b), None) => b.0,
                (None, Some(a)) => a.0,
                (None, None) => return 0,
            };
            (j + 1) as u8
        })
        .collect();
    (book, codes)
}

/// Why a model file was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FileError {
    /// Not a model file at all.
    #[error("not a moderato model file (no MDRTOXIC header)")]
    Foreign,
    /// Shorter than its header says.
    #[error("truncated: {0}")]
    Truncated(&'static str),
    /// The checksum does not match: the file was changed or damaged.
    #[error("corrupt: its SHA-256 checksum does not match its contents")]
    Checksum,
    /// Made by a build that reads text differently.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

/// Encodes a model: its weights become codes into a codebook ([`quantise`]).
pub fn encode(head: Header<'_>, weights: &[f32], seen: Option<&SeenTexts>) -> Vec<u8> {
    assert_eq!(weights.len(), 1usize << head.bits, "one weight per bucket");
    let (book, codes) = quantise(weights);
    encode_codes(head, &book, &codes, seen)
}

/// Encodes a model whose weights are codes already.
pub fn encode_codes(
    head: Header<'_>,
    book: &[f32; LEVELS],
    codes: &[u8],
    seen: Option<&SeenTexts>,
) -> Vec<u8> {
    let Header { bits, bias, scheme, languages, provenance } = head;
    assert_eq!(codes.len(), 1usize << bits, "one code per bucket");
    let mut out = Vec::with_capacity(codes.len() + 4 * LEVELS + 256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version_of(scheme).to_le_bytes());
    out.push(bits as u8);
    out.push(CHAR_NGRAMS.0 as u8);
    out.push(CHAR_NGRAMS.1 as u8);
    out.push(ENCODING_CODEBOOK);
    out.extend_from_slice(&(MAX_CHARS as u16).to_le_bytes());
    out.extend_from_slice(&bias.to_le_bytes());
    let langs = languages.join(",");
    let short = |s: &str| {
        let mut end = s.len().min(u16::MAX as usize);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        end
    };
    let langs = &langs[..short(&langs)];
    out.extend_from_slice(&(langs.len() as u16).to_le_bytes());
    out.extend_from_slice(langs.as_bytes());
    let prov = &provenance[..short(provenance)];
    out.extend_from_slice(&(prov.len() as u16).to_le_bytes());
    out.extend_from_slice(prov.as_bytes());
    for c in book {
        out.extend_from_slice(&c.to_le_bytes());
    }
    out.extend_from_slice(codes);
    match seen {
        Some(s) => out.extend_from_slice(&s.to_bytes()),
        None => out.extend_from_slice(&[0, 0, 0, 0, 0]),
    }
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

/// Decodes a model file, checking everything it can.
pub fn decode(bytes: &[u8]) -> Result<Decoded, FileError> {
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(FileError::Foreign);
    }
    if bytes.len() < 22 + 32 {
        return Err(FileError::Truncated("shorter than the header"));
    }
    let (body, sum) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != sum {
        return Err(FileError::Checksum);
    }
    let version = u16::from_le_bytes([body[8], body[9]]);
    let scheme = match version {
        1 | 2 => Scheme::Whole,
        VERSION => Scheme::Tokens,
        _ => {
            return Err(FileError::Unsupported(format!(
                "format version {version} (this build reads 1 to {VERSION})"
            )))
        }
    };
    let bits = u32::from(body[10]);
    if !(10..=22).contains(&bits) {
        return Err(FileError::Unsupported(format!("{bits} hash bits (10–22 are read)")));
    }
    if (usize::from(body[11]), usize::from(body[12])) != CHAR_NGRAMS {
        return Err(FileError::Unsupported(format!(
            "character {}–{}-grams (this build makes {}–{})",
            body[11], body[12], CHAR_NGRAMS.0, CHAR_NGRAMS.1
        )));
    }
    if body[13] != ENCODING_CODEBOOK {
        return Err(FileError::Unsupported(format!("weight encoding {}", body[13])));
    }
    let max_chars = u16::from_le_bytes([body[14], body[15]]);
    if usize::from(max_chars) != MAX_CHARS {
        return Err(FileError::Unsupported(format!(
            "{max_chars} characters per text (this build reads {MAX_CHARS})"
        )));
    }
    let bias = f32::from_le_bytes([body[16], body[17], body[18], body[19]]);
    let mut at = 20;
    let string = |at: &mut usize, what: &'static str| -> Result<String, FileError> {
        let len_bytes = body.get(*at..*at + 2).ok_or(FileError::Truncated(what))?;
        let len = usize::from(u16::from_le_bytes([len_bytes[0], len_bytes[1]]));
        let s = body.get(*at + 2..*at + 2 + len).ok_or(FileError::Truncated(what))?;
        *at += 2 + len;
        String::from_utf8(s.to_vec())
            .map_err(|_| FileError::Unsupported(format!("{what} is not UTF-8")))
    };
    let languages: Vec<String> = string(&mut at, "languages")?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let provenance = string(&mut at, "provenance")?;
    let rest = &body[at..];
    let table = 4 * LEVELS + (1 << bits);
    let (rest, seen) = if version == 1 {
        (rest, None)
    } else {
        let (seen, used) = rest
            .get(table..)
            .and_then(SeenTexts::from_bytes)
            .ok_or(FileError::Truncated("the training texts' filter"))?;
        if table + used != rest.len() {
            return Err(FileError::Truncated("the training texts' filter"));
        }
        (&rest[..table], seen)
    };
    if rest.len() != table {
        return Err(FileError::Truncated("the codebook and 2^bits codes"));
    }
    let mut codebook = [0.0f32; LEVELS];
    for (c, b) in codebook.iter_mut().zip(rest.chunks_exact(4)) {
        *c = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    if !bias.is_finite() || codebook.iter().any(|w| !w.is_finite()) {
        return Err(FileError::Unsupported("a weight that is not a finite number".into()));
    }
    let codes = rest[4 * LEVELS..].to_vec();
    Ok(Decoded { bits, bias, scheme, languages, provenance, codebook, codes, seen })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(scheme: Scheme, languages: &[String]) -> Header<'_> {
        Header { bits: 10, bias: -1.5, scheme, languages, provenance: "test" }
    }

    /// A version 2 file (the older n-grams) without training texts.
    fn sample() -> Vec<u8> {
        let w: Vec<f32> = (0..1024).map(|i| (i as f32 - 512.0) / 100.0).collect();
        encode(head(Scheme::Whole, &["en".into()]), &w, None)
    }

    #[test]
    fn the_version_says_which_ngrams() {
        let w: Vec<f32> = (0..1024).map(|i| (i as f32 - 512.0) / 100.0).collect();
        let v3 = encode(head(Scheme::Tokens, &["en".into()]), &w, None);
        assert_eq!(u16::from_le_bytes([v3[8], v3[9]]), 3);
        assert_eq!(decode(&v3).unwrap().scheme, Scheme::Tokens);
        let v2 = sample();
        assert_eq!(u16::from_le_bytes([v2[8], v2[9]]), 2);
        assert_eq!(decode(&v2).unwrap().scheme, Scheme::Whole);
        // Otherwise the same file.
        assert_eq!(v3[10..v3.len() - 32], v2[10..v2.len() - 32]);
        let mut v4 = v3[..v3.len() - 32].to_vec();
        v4[8] = 4;
        let sum = Sha256::digest(&v4);
        v4.extend_from_slice(&sum);
        assert!(matches!(decode(&v4), Err(FileError::Unsupported(m)) if m.contains("version 4")));
    }

    #[test]
    fn version_2_keeps_the_training_texts_and_version_1_still_reads() {
        let w: Vec<f32> = (0..1024).map(|i| (i as f32 - 512.0) / 100.0).collect();
        let seen = SeenTexts::of(["you idiot", "thanks a lot"].into_iter());
        let v2 = encode(head(Scheme::Whole, &["en".into()]), &w, Some(&seen));
        let d = decode(&v2).unwrap();
        assert_eq!(d.seen.as_ref(), Some(&seen));
        assert!(d.seen.unwrap().contains("You  idiot"));
        assert_eq!(decode(&sample()).unwrap().seen, None, "a version 2 file without texts");
        // A version 1 file: no last section, version 1, its own checksum.
        let b = sample();
        let mut v1 = b[..b.len() - 32 - 5].to_vec();
        v1[8] = 1;
        let sum = Sha256::digest(&v1);
        v1.extend_from_slice(&sum);
        let d1 = decode(&v1).unwrap();
        assert_eq!(d1.scheme, Scheme::Whole);
        assert_eq!((d1.seen, d1.codes), (None, decode(&b).unwrap().codes));
        // A version 2 file cut inside its last section is refused by name.
        let mut cut = v2[..v2.len() - 32 - 3].to_vec();
        let sum = Sha256::digest(&cut);
        cut.extend_from_slice(&sum);
        assert!(matches!(decode(&cut), Err(FileError::Truncated(_))), "{:?}", decode(&cut));
    }

    #[test]
    fn round_trips() {
        let d = decode(&sample()).unwrap();
        assert_eq!(d.bits, 10);
        assert_eq!(d.bias, -1.5);
        assert_eq!(d.languages, ["en"]);
        assert_eq!(d.provenance, "test");
        // 1,023 distinct weights on 255 levels: each within half a level's spacing (a range of
        // 10.2 over 255 levels is 0.04 apart)
        for (i, &c) in d.codes.iter().enumerate() {
            let x = (i as f32 - 512.0) / 100.0;
            let w = d.codebook[usize::from(c)];
            assert!((w - x).abs() <= 0.03, "{i}: {w} vs {x}");
            assert_eq!(c == 0, x == 0.0, "{i}");
        }
    }

    #[test]
    fn quantising_keeps_zero_and_is_deterministic() {
        let w: Vec<f32> = (0..5000).map(|i| ((i * 7919) % 1000) as f32 / 100.0 - 5.0).collect();
        let (b1, c1) = quantise(&w);
        let (b2, c2) = quantise(&w);
        assert_eq!((b1, &c1), (b2, &c2));
        assert_eq!(b1[0], 0.0);
        assert!(b1[1..].windows(2).all(|p| p[0] <= p[1]));
        let mse: f32 =
            w.iter().zip(&c1).map(|(x, &c)| (x - b1[usize::from(c)]).powi(2)).sum::<f32>() / 5000.0;
        // uniform on [-5, 5): 255 levels 0.039 apart, MSE ≈ 0.039² / 12
        assert!(mse < 2e-4, "{mse}");
        assert_eq!(quantise(&[0.0; 4]).1, vec![0; 4]);
    }

    #[test]
    fn refuses_foreign_corrupt_and_truncated() {
        assert_eq!(decode(b"PK\x03\x04 a zip"), Err(FileError::Foreign));
        let mut b = sample();
        let mid = b.len() / 2;
        b[mid] ^= 1;
        assert_eq!(decode(&b), Err(FileError::Checksum));
        let b = sample();
        assert_eq!(decode(&b[..b.len() - 1]), Err(FileError::Checksum));
        assert!(matches!(decode(&b[..40]), Err(FileError::Truncated(_))));
    }

    #[test]
    fn refuses_another_reading_of_text() {
        let mut b = sample();
        b.truncate(b.len() - 32);
        b[12] = 6; // 3–6-grams
        let sum = Sha256::digest(&b);
        b.extend_from_slice(&sum);
        assert!(matches!(decode(&b), Err(FileError::Unsupported(m)) if m.contains("3–6")));
    }
}
