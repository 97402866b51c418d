//! JSON output made safe for a terminal without changing what a JSON reader gets.
//!
//! serde_json escapes the C0 controls (ESC, BEL) but writes DEL, C1 controls, bidirectional
//! overrides and the line/paragraph separators raw, so `--format json` on a terminal could
//! still reorder what it shows. [`SafeJson`] writes those characters as `\uXXXX` escapes:
//! outside strings JSON is ASCII, so any such character is inside a string, where the escape
//! means the same character.

use super::escape::is_bidi;
use std::io::{self, Write};

/// A writer for serde_json output that escapes DEL, C1 controls, bidi controls, U+2028 and
/// U+2029. serde_json writes string contents in pieces that end on character boundaries,
/// which this relies on (a character split across two writes would pass unescaped).
pub struct SafeJson<W: Write>(pub W);

fn needs_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}') || is_bidi(c)
}

impl<W: Write> Write for SafeJson<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let (mut start, mut i) = (0, 0);
        while i < buf.len() {
            let len = match buf[i] {
                0x7f => 1,
                b if b < 0x80 => {
                    i += 1;
                    continue;
                }
                b if b >= 0xf0 => 4,
                b if b >= 0xe0 => 3,
                _ => 2,
            };
            let c = buf
                .get(i..i + len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.chars().next());
            match c {
                Some(c) if needs_escape(c) => {
                    self.0.write_all(&buf[start..i])?;
                    write!(self.0, "\\u{:04x}", u32::from(c))?;
                    i += len;
                    start = i;
                }
                Some(_) => i += len,
                None => i += 1,
            }
        }
        self.0.write_all(&buf[start..])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Appends `value` to `buf` as one JSON line (newline included), escaped as [`SafeJson`]
/// escapes: the same bytes as serialising through it. serde_json hands a writer each record
/// in dozens of small pieces; serialising into memory and checking the finished record once
/// is cheaper, and most records have no byte above `0x7e` at all.
pub fn write_line(buf: &mut Vec<u8>, value: &impl serde::Serialize) {
    write_line_with(buf, |buf| {
        serde_json::to_writer(buf, value).expect("serialising to memory cannot fail")
    });
}

/// [`write_line`] of what `write` appends to `buf` (JSON that serde_json could have written).
pub fn write_line_with(buf: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let from = buf.len();
    write(&mut *buf);
    if let Some(first) = buf[from..].iter().position(|&b| b >= 0x7f) {
        let tail = buf.split_off(from + first);
        SafeJson(&mut *buf).write_all(&tail).expect("writing to memory cannot fail");
    }
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_written_safe_equals_one_written_through() {
        for text in [
            "plain ascii",
            "a\u{202e}b\u{9b}2J\u{2028}é\u{1b}]0;x\u{7}\u{7f}😀",
            "é only",
            "\u{7f}",
            "tail \u{2069}",
        ] {
            let v = serde_json::json!({ "id": 1, "t": text, "more": [text, "x"] });
            let mut through = b"prefix\x7f".to_vec();
            serde_json::to_writer(SafeJson(&mut through), &v).unwrap();
            through.push(b'\n');
            let mut line = b"prefix\x7f".to_vec();
            write_line(&mut line, &v);
            assert_eq!(String::from_utf8(line).unwrap(), String::from_utf8(through).unwrap());
        }
    }

    #[test]
    fn bidi_c1_and_separators_are_escaped_and_read_back_the_same() {
        let text = "a\u{202e}b\u{9b}2J\u{2028}é\u{1b}]0;x\u{7}\u{7f}😀";
        let mut out = Vec::new();
        serde_json::to_writer(SafeJson(&mut out), &serde_json::json!({ "t": text })).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, r#"{"t":"a\u202eb\u009b2J\u2028é\u001b]0;x\u0007\u007f😀"}"#);
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], text);
    }
}
