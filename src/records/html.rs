//! Comment bodies stored as HTML (Hacker News, Disqus, Livefyre, WordPress) → plain text.
//!
//! Bodies are parsed as HTML fragments by the same parser and renderer as whole pages
//! ([`crate::parse::html`]): block tags become line breaks (`<p>` a blank line), scripts and
//! styles are dropped, other tags vanish and their text stays, entities are decoded, and a
//! `<` that does not open a tag ("a < b") is text, all as a browser would have it. The result
//! is what a reader sees, ready for scoring.

/// Converts an HTML fragment to text.
pub fn to_text(html: &str) -> String {
    // Most bodies are plain text: no markup, no entities, nothing to parse.
    if !html.contains(['<', '&']) {
        return tidy(html);
    }
    let text = match crate::parse::html::dom::build_fragment(html) {
        crate::parse::html::dom::Built::Tree(dom) => {
            crate::parse::html::render::render(&dom, None).text
        }
        crate::parse::html::dom::Built::TooDeep => crate::parse::html::flat::text(html).0,
    };
    tidy(&text)
}

/// Trims each line's end, keeps at most one blank line in a row, trims the whole.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for line in s.trim().lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn hn_bodies() {
        assert_eq!(
            to_text("&gt; No one is quite sure why.<p>On the contrary, we&#x27;re not"),
            "> No one is quite sure why.\n\nOn the contrary, we're not"
        );
        assert_eq!(
            to_text(
                r#"See <a href="https://x.org/a?b=1&amp;c=2" rel="nofollow">x.org</a> &#x2F; <i>now</i>"#
            ),
            "See x.org / now"
        );
    }

    #[test]
    fn plain_text_and_stray_markup_survive() {
        assert_eq!(to_text("a < b && c > d"), "a < b && c > d");
        assert_eq!(to_text("AT&T; 3<4"), "AT&T; 3<4");
        assert_eq!(to_text("x<script>alert(1)</script>y"), "xy");
        assert_eq!(to_text("<p>Hello, World.</p>"), "Hello, World.");
        assert_eq!(to_text("one<br>two<!-- c -->"), "one\ntwo");
    }
}
