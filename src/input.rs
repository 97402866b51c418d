//! Input: files or stdin → [`Source`] (text, name, capture time).
//!
//! One of the two places (with `cli/`) that touch the file system. Invalid UTF-8 is decoded
//! lossily with a warning rather than refused, since copied pages are often mis-encoded;
//! NUL bytes mean the file is not text at all and are refused.

use crate::error::InputError;
use chrono::{DateTime, Utc};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// A decoded input.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given, or `-` for stdin.
    pub name: String,
    /// The decoded text.
    pub text: String,
    /// The file's modification time (None for stdin).
    pub modified: Option<DateTime<Utc>>,
    /// Non-fatal problems met while reading (e.g. invalid UTF-8 replaced).
    pub warnings: Vec<String>,
}

/// Reads a named file, or stdin for `-`.
pub fn read_source(name: &str) -> Result<Source, InputError> {
    let path = PathBuf::from(name);
    let io = |source| InputError::Io { path: path.clone(), source };
    let (bytes, modified) = if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf).map_err(io)?;
        (buf, None)
    } else {
        let bytes = std::fs::read(&path).map_err(io)?;
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok().map(DateTime::from);
        (bytes, modified)
    };
    decode(&path, bytes, modified)
}

/// Decodes bytes read from `path` into a [`Source`].
pub fn decode(
    path: &Path,
    bytes: Vec<u8>,
    modified: Option<DateTime<Utc>>,
) -> Result<Source, InputError> {
    if let Some(offset) = memchr_nul(&bytes) {
        return Err(InputError::Binary { path: path.to_path_buf(), offset });
    }
    let mut warnings = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            warnings.push(format!(
                "{}: invalid UTF-8 at byte {at}; decoded with replacement characters",
                path.display()
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    if text.trim().is_empty() {
        return Err(InputError::Empty { path: path.to_path_buf() });
    }
    Ok(Source { name: path.display().to_string(), text, modified, warnings })
}

/// Wraps a byte stream so that zstd (magic `28 B5 2F FD`) and gzip (`1F 8B`) input is
/// decompressed transparently. zstd accepts windows up to 2^31, which Pushshift's monthly
/// dumps need.
pub fn decompress(raw: Box<dyn Read + Send>) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let head = buffered.fill_buf()?;
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let mut dec = zstd::stream::read::Decoder::with_buffer(buffered)?;
        dec.window_log_max(31)?;
        Ok(Box::new(BufReader::with_capacity(1 << 16, dec)))
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buffered),
        )))
    } else {
        Ok(Box::new(buffered))
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning() {
        let s = decode(Path::new("p.txt"), b"caf\xe9 ok".to_vec(), None).unwrap();
        assert_eq!(s.text, "caf\u{fffd} ok");
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].contains("p.txt") && s.warnings[0].contains("byte 3"));
    }

    #[test]
    fn nul_bytes_and_empty_files_are_refused() {
        let e = decode(Path::new("b.bin"), b"ab\0c".to_vec(), None).unwrap_err();
        assert!(e.to_string().contains("NUL byte at offset 2"), "{e}");
        let e = decode(Path::new("e.txt"), b" \n\n".to_vec(), None).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    fn read_all(bytes: Vec<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        decompress(Box::new(std::io::Cursor::new(bytes))).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn zstd_gzip_and_plain_streams_read_the_same() {
        let text = b"{\"body\": \"hello\"}\n".repeat(1000);
        let zst = zstd::encode_all(&text[..], 3).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &text).unwrap();
        let gz = gz.finish().unwrap();
        assert_ne!(zst, text);
        assert_eq!(read_all(zst), text);
        assert_eq!(read_all(gz), text);
        assert_eq!(read_all(text.clone()), text);
        assert_eq!(read_all(Vec::new()), b"");
    }

    #[test]
    fn bom_is_dropped() {
        let s = decode(Path::new("x"), "\u{feff}Hi".as_bytes().to_vec(), None).unwrap();
        assert_eq!(s.text, "Hi");
    }
}
