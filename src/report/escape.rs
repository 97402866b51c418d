//! Neutralising user content for each output medium.
//!
//! Comments are hostile content by nature: names and bodies can carry ANSI/OSC escape
//! sequences, other control characters and bidirectional overrides that would rewrite what a
//! terminal shows. For the terminal every such character is shown as a visible `\u{..}`
//! escape instead.

/// True for characters that must not reach a terminal raw: C0/C1 controls (except tab and
/// newline, which the caller folds), DEL, and the Unicode bidi controls.
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Makes text safe for a terminal cell: controls and bidi overrides become visible escapes,
/// newlines and tabs become spaces.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            c if is_dangerous(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// The first `max_chars` characters of `s` (whitespace folded), with `…` when cut.
pub fn preview(s: &str, max_chars: usize) -> String {
    let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max_chars {
        return folded;
    }
    let cut: String = folded.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_overrides_are_made_visible() {
        assert_eq!(terminal("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(terminal("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(terminal("l1\nl2\tz"), "l1 l2 z");
        assert_eq!(terminal("\u{9b}2J"), "\\u{9b}2J");
    }

    #[test]
    fn preview_cuts_on_characters() {
        assert_eq!(preview("a  b\nc", 10), "a b c");
        assert_eq!(preview("ééééé", 3), "éé…");
    }
}
