//! Input: files, stdin or URLs → [`Source`] (text, name, kind, capture time).
//!
//! One of the two places (with `cli/`) that touch the file system, and the only one that
//! touches the network ([`fetch`]). Files may be gzip or zstd compressed (told by their magic
//! bytes). What a source holds is told by its content: HTML markup ([`SourceKind::Html`],
//! decoded by the charset it declares, see [`decode_html`]) or page text. Invalid UTF-8 in
//! text is decoded lossily with a warning rather than refused, since copied pages are often
//! mis-encoded; NUL bytes mean the file is not text at all and are refused.

pub mod fetch;

use crate::error::InputError;
use chrono::{DateTime, Utc};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// What a source holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Page text, as a reader copies it.
    Text,
    /// HTML markup: a saved page, `curl` output, a fetched URL.
    Html,
}

/// A decoded input.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path or URL as given, or `-` for stdin.
    pub name: String,
    /// The decoded text.
    pub text: String,
    /// Text or HTML.
    pub kind: SourceKind,
    /// The file's modification time (None for stdin and URLs).
    pub modified: Option<DateTime<Utc>>,
    /// When a URL was fetched: the page's capture time.
    pub captured: Option<DateTime<Utc>>,
    /// The URL after redirects, for fetched pages.
    pub url: Option<String>,
    /// Non-fatal problems met while reading (e.g. invalid UTF-8 replaced).
    pub warnings: Vec<String>,
}

/// Reads a named file, stdin for `-`, or a URL; the kind is told by the content.
pub fn read_source(name: &str) -> Result<Source, InputError> {
    read_source_as(name, None, fetch::FetchLimits::default())
}

/// Reads a named file, stdin for `-`, or a URL, as `kind` when given, else as its content
/// says.
pub fn read_source_as(
    name: &str,
    kind: Option<SourceKind>,
    limits: fetch::FetchLimits,
) -> Result<Source, InputError> {
    if fetch::is_url(name) {
        let got = fetch::fetch(name, limits)
            .map_err(|why| InputError::Fetch { url: name.to_string(), why })?;
        let kind = kind.or(match got.mime.as_deref() {
            Some("text/plain") => Some(SourceKind::Text),
            _ => None,
        });
        let mut src = decode_as(Path::new(name), got.bytes, None, kind, got.charset.as_deref())?;
        src.captured = Some(got.at);
        src.url = Some(got.final_url);
        return Ok(src);
    }
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
    let bytes = decompress_all(bytes).map_err(io)?;
    decode_as(&path, bytes, modified, kind, None)
}

/// Decompresses a whole gzip or zstd file (by its magic bytes); other bytes pass unchanged.
fn decompress_all(bytes: Vec<u8>) -> std::io::Result<Vec<u8>> {
    let compressed =
        bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || bytes.starts_with(&[0x1f, 0x8b]);
    if !compressed {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    decompress(Box::new(std::io::Cursor::new(bytes)))?.read_to_end(&mut out)?;
    Ok(out)
}

/// Decodes bytes as HTML or text: `kind` when given, else HTML when the content looks like
/// markup ([`crate::parse::html::looks_like_html`]). `charset` is a transport's declaration
/// (an HTTP header) for HTML.
pub fn decode_as(
    path: &Path,
    bytes: Vec<u8>,
    modified: Option<DateTime<Utc>>,
    kind: Option<SourceKind>,
    charset: Option<&str>,
) -> Result<Source, InputError> {
    let html = match kind {
        Some(k) => k == SourceKind::Html,
        None => {
            let head = &bytes[..bytes.len().min(4096)];
            crate::parse::html::looks_like_html(&String::from_utf8_lossy(head))
        }
    };
    if !html {
        return decode(path, bytes, modified);
    }
    if let Some(offset) = memchr_nul(&bytes) {
        return Err(InputError::Binary { path: path.to_path_buf(), offset });
    }
    let (text, _, warning) = decode_html(&bytes, charset);
    if text.trim().is_empty() {
        return Err(InputError::Empty { path: path.to_path_buf() });
    }
    Ok(Source {
        name: path.display().to_string(),
        text,
        kind: SourceKind::Html,
        modified,
        captured: None,
        url: None,
        warnings: warning.map(|w| format!("{}: {w}", path.display())).into_iter().collect(),
    })
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
    Ok(Source {
        name: path.display().to_string(),
        text,
        kind: SourceKind::Text,
        modified,
        captured: None,
        url: None,
        warnings,
    })
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

/// Decodes an HTML document's bytes: the charset from the byte order mark, else the one the
/// document declares (`<meta charset>` or `http-equiv`, in its first 1024 bytes, or the HTTP
/// header's when fetched: `declared`), else UTF-8 when the bytes are valid UTF-8, else
/// windows-1252 (what browsers assume for old Western pages). Returns the text, the encoding
/// used and a warning when bytes could not be decoded in it.
pub fn decode_html(bytes: &[u8], declared: Option<&str>) -> (String, &'static str, Option<String>) {
    use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
    let (encoding, bom_len) = match Encoding::for_bom(bytes) {
        Some((e, n)) => (Some(e), n),
        None => (None, 0),
    };
    let encoding = encoding.or_else(|| {
        let label = declared.map(str::to_string).or_else(|| {
            let head = &bytes[..bytes.len().min(1024)];
            let (head, _, _) = WINDOWS_1252.decode(head);
            crate::parse::html::flat::declared_charset(&head)
        })?;
        let e = Encoding::for_label(label.trim().as_bytes())?;
        // A document cannot declare UTF-16 in ASCII: the standard reads it as UTF-8.
        Some(if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE { UTF_8 } else { e })
    });
    let encoding = encoding.unwrap_or_else(|| {
        if std::str::from_utf8(bytes).is_ok() {
            UTF_8
        } else {
            WINDOWS_1252
        }
    });
    let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
    let warning = had_errors.then(|| {
        format!("bytes that are not {} were replaced with replacement characters", encoding.name())
    });
    (text.into_owned(), encoding.name(), warning)
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
    fn html_charsets_come_from_bom_meta_or_the_bytes() {
        // Declared in a meta tag.
        let page = b"<html><head><meta charset=iso-8859-1></head><body>caf\xe9</body></html>";
        let (t, enc, w) = decode_html(page, None);
        assert!(t.contains("caf\u{e9}") && enc == "windows-1252" && w.is_none(), "{t} {enc}");
        // Undeclared, not UTF-8: windows-1252 (0x93/0x94 are curly quotes there).
        let (t, enc, _) = decode_html(b"<p>\x93hi\x94</p>", None);
        assert_eq!((t.as_str(), enc), ("<p>\u{201c}hi\u{201d}</p>", "windows-1252"));
        // Undeclared UTF-8 stays UTF-8; a BOM wins over a declaration.
        let (t, enc, _) = decode_html("<p>café</p>".as_bytes(), None);
        assert_eq!((t.as_str(), enc), ("<p>café</p>", "UTF-8"));
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice("<meta charset=koi8-r><p>é</p>".as_bytes());
        let (t, enc, _) = decode_html(&bom, None);
        assert_eq!((t.as_str(), enc), ("<meta charset=koi8-r><p>é</p>", "UTF-8"));
        // The HTTP header's charset, and declared UTF-8 with broken bytes: a warning.
        let (_, enc, _) = decode_html(b"<p>x</p>", Some("windows-1251"));
        assert_eq!(enc, "windows-1251");
        let (_, _, w) = decode_html(b"<meta charset=utf-8><p>\xff</p>", None);
        assert!(w.is_some());
    }

    #[test]
    fn bom_is_dropped() {
        let s = decode(Path::new("x"), "\u{feff}Hi".as_bytes().to_vec(), None).unwrap();
        assert_eq!(s.text, "Hi");
    }
}
