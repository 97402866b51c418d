//! Neutralising user content for each output medium.
//!
//! Comments are hostile content by nature: names and bodies can carry ANSI/OSC escape
//! sequences, other control characters and bidirectional overrides that would rewrite what a
//! terminal shows. For the terminal every such character is shown as a visible `\u{..}`
//! escape instead. For HTML every markup character becomes an entity; for Markdown the
//! table and inline syntax is backslash-escaped and newlines folded; for CSV, cells that a
//! spreadsheet would run as a formula are neutralised (quoting is the `csv` crate's).

/// True for characters that must not reach a terminal raw: C0/C1 controls (except tab and
/// newline, which the caller folds), DEL, and the Unicode bidi controls.
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi(c)
}

/// The Unicode bidirectional formatting characters (marks, embeddings, overrides, isolates).
pub fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Makes a message for stderr safe: like [`terminal`], but keeps newlines (diagnostics span
/// lines). Messages quote file names and record text, which are hostile input too.
pub fn message(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c if is_dangerous(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
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

/// Makes text safe for HTML element content and quoted attribute values: `& < > " '`
/// become entities, and controls and bidi overrides become visible `\u{..}` escapes.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if is_dangerous(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Makes text safe for a Markdown table cell: newlines and tabs folded to spaces, controls
/// made visible, and `\ | ` * _ [ ] < > #` backslash-escaped so that no cell can end the
/// cell, open a link or emphasis, or carry raw HTML.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in terminal(s).chars() {
        if matches!(c, '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Neutralises a CSV cell against formula injection: a cell starting with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading `'` (OWASP's advice), unless it is a plain
/// number such as `-0.25`, which a spreadsheet reads as a number. Controls (other than
/// newline and tab, which CSV quoting carries) and bidi overrides become visible `\u{..}`
/// escapes, as in the terminal, since CSV is often read with `cat`.
pub fn csv_cell(s: &str) -> String {
    let visible;
    let s = if s.chars().any(is_dangerous) {
        visible = message(s);
        visible.as_str()
    } else {
        s
    };
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && s.parse::<f64>().is_ok();
    if risky && !number {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(html("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(markdown("a | b\nc"), "a \\| b c");
        assert_eq!(markdown("<b>*x*</b>"), "\\<b\\>\\*x\\*\\</b\\>");
    }

    #[test]
    fn csv_formulas_are_neutralised_numbers_are_not() {
        for f in ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "-inf"] {
            assert_eq!(csv_cell(f), format!("'{f}"), "{f:?}");
        }
        for ok in ["-0.25", "+1", "1e-3", "plain", "", "a=b", "a\nb"] {
            assert_eq!(csv_cell(ok), ok);
        }
        assert_eq!(csv_cell("\rx"), "\\u{d}x");
        assert_eq!(csv_cell("\x1b]0;pwned\x07"), "\\u{1b}]0;pwned\\u{7}");
        assert_eq!(csv_cell("a\u{202e}b\rc"), "a\\u{202e}b\\u{d}c");
        assert_eq!(message("line 1\n\x1b[2J"), "line 1\n\\u{1b}[2J");
    }

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
