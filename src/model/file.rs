//! The model file: a small documented binary format, so a model trained here can be read by
//! any later version (and by anyone who reads this page).
//!
//! All numbers are little-endian.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `MDRTOXIC` |
//! | 8 | 2 | format version (1) |
//! | 10 | 1 | `bits`: the table holds `2^bits` weights (10–22) |
//! | 11 | 1 | shortest character n-gram (2) |
//! | 12 | 1 | longest character n-gram (5) |
//! | 13 | 1 | weight encoding (1 = IEEE 754 binary16) |
//! | 14 | 2 | characters read per text ([`MAX_CHARS`]) |
//! | 16 | 4 | bias (f32) |
//! | 20 | 2 | length `L` of the languages list, then `L` bytes: comma-separated ISO 639-1 codes |
//! | … | 2 | length `P` of the provenance, then `P` bytes of UTF-8 (how it was trained) |
//! | … | `2·2^bits` | the weights, binary16, bucket order |
//! | end−32 | 32 | SHA-256 of every byte before it |
//!
//! The n-gram and hash definitions the weights are indexed by are in [`super::features`];
//! the n-gram lengths and characters-per-text are stored so a file made by a build that reads
//! text differently is refused rather than misread.

use half::f16;
use sha2::{Digest, Sha256};

use super::features::{CHAR_NGRAMS, MAX_CHARS};

/// The file's first bytes.
pub const MAGIC: &[u8; 8] = b"MDRTOXIC";
/// The format version this build reads and writes.
pub const VERSION: u16 = 1;
const ENCODING_F16: u8 = 1;

/// What a model file holds, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// log2 of the table size.
    pub bits: u32,
    /// The intercept.
    pub bias: f32,
    /// The languages it was trained for.
    pub languages: Vec<String>,
    /// How it was made.
    pub provenance: String,
    /// The weights, widened to f32.
    pub weights: Vec<f32>,
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

/// Encodes a model. Weights are rounded to binary16 (a test bounds what that costs).
pub fn encode(
    bits: u32,
    bias: f32,
    languages: &[String],
    provenance: &str,
    weights: &[f32],
) -> Vec<u8> {
    assert_eq!(weights.len(), 1usize << bits, "one weight per bucket");
    let mut out = Vec::with_capacity(weights.len() * 2 + 256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(bits as u8);
    out.push(CHAR_NGRAMS.0 as u8);
    out.push(CHAR_NGRAMS.1 as u8);
    out.push(ENCODING_F16);
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
    for &w in weights {
        out.extend_from_slice(&f16::from_f32(w).to_le_bytes());
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
    if version != VERSION {
        return Err(FileError::Unsupported(format!(
            "format version {version} (this build reads {VERSION})"
        )));
    }
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
    if body[13] != ENCODING_F16 {
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
    let table = &body[at..];
    if table.len() != 2 << bits {
        return Err(FileError::Truncated("the weight table is not 2^bits binary16 values"));
    }
    let weights: Vec<f32> =
        table.chunks_exact(2).map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32()).collect();
    if !bias.is_finite() || weights.iter().any(|w| !w.is_finite()) {
        return Err(FileError::Unsupported("a weight that is not a finite number".into()));
    }
    Ok(Decoded { bits, bias, languages, provenance, weights })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let w: Vec<f32> = (0..1024).map(|i| (i as f32 - 512.0) / 100.0).collect();
        encode(10, -1.5, &["en".into()], "test", &w)
    }

    #[test]
    fn round_trips() {
        let d = decode(&sample()).unwrap();
        assert_eq!(d.bits, 10);
        assert_eq!(d.bias, -1.5);
        assert_eq!(d.languages, ["en"]);
        assert_eq!(d.provenance, "test");
        // binary16 keeps ~3 significant digits
        for (i, w) in d.weights.iter().enumerate() {
            let x = (i as f32 - 512.0) / 100.0;
            assert!((w - x).abs() <= x.abs() * 1e-3 + 1e-4, "{i}: {w} vs {x}");
        }
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
        b[12] = 6; // 2–6-grams
        let sum = Sha256::digest(&b);
        b.extend_from_slice(&sum);
        assert!(matches!(decode(&b), Err(FileError::Unsupported(m)) if m.contains("2–6")));
    }
}
