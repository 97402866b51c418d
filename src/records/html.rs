//! Comment bodies stored as HTML (Hacker News, Disqus, Livefyre, WordPress) → plain text.
//!
//! Comment HTML is a small subset: paragraphs, line breaks, links, emphasis, code. Block
//! tags become line breaks (`<p>` a blank line), `<script>`/`<style>` contents are dropped,
//! other tags vanish and their text stays, entities are decoded. A `<` that does not open a
//! tag ("a < b") is kept as text. The result is what a reader sees, ready for scoring.

/// Converts an HTML fragment to text.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    while let Some(lt) = rest.find('<') {
        let (text, tail) = rest.split_at(lt);
        if skip_until.is_none() {
            push_text(&mut out, text);
        }
        match tag_at(tail) {
            Some((len, name, closing)) => {
                if let Some(end) = skip_until {
                    if closing && name == end {
                        skip_until = None;
                    }
                } else {
                    match (name.as_str(), closing) {
                        ("script", false) => skip_until = Some("script"),
                        ("style", false) => skip_until = Some("style"),
                        ("p" | "div" | "blockquote" | "pre" | "ul" | "ol" | "table", _) => {
                            out.push_str("\n\n")
                        }
                        ("br" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => {
                            out.push('\n')
                        }
                        _ => {}
                    }
                }
                rest = &tail[len..];
            }
            None => {
                if skip_until.is_none() {
                    out.push('<');
                }
                rest = &tail[1..];
            }
        }
    }
    if skip_until.is_none() {
        push_text(&mut out, rest);
    }
    tidy(&out)
}

/// If `s` starts with a tag (`<name …>`, `</name>`, `<!-- … -->`), returns its length, its
/// lowercase name and whether it closes.
fn tag_at(s: &str) -> Option<(usize, String, bool)> {
    if let Some(body) = s.strip_prefix("<!--") {
        return body.find("-->").map(|e| (4 + e + 3, "!--".to_string(), false));
    }
    let b = s.as_bytes();
    let closing = b.get(1) == Some(&b'/');
    let start = if closing { 2 } else { 1 };
    if !b.get(start).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'!') {
        return None;
    }
    let end = s.find('>')?;
    let name: String = s[start..end]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some((end + 1, name, closing))
}

fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        match tail[1..].find(';').filter(|&e| e <= 10).and_then(|e| {
            let decoded = entity(&tail[1..1 + e])?;
            Some((e + 2, decoded))
        }) {
            Some((len, c)) => {
                out.push_str(&c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
}

fn entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    let c = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "hellip" => "…",
        "mdash" => "—",
        "ndash" => "–",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "copy" => "©",
        "euro" => "€",
        _ => return None,
    };
    Some(c.to_string())
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
