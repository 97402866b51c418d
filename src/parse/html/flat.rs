//! The tokenizer alone, without a tree: for pages too deeply nested to build a tree from
//! ([`text`]), and for finding the charset a page declares before decoding it
//! ([`declared_charset`]).
//!
//! html5ever's tokenizer is linear in its input whatever the nesting; it still knows where
//! scripts and styles hold raw text, so their content is not mistaken for page text.

use super::render::is_block;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::{Cell, RefCell};

/// Text of a page read by its tokens: block tags break lines, scripts, styles and the head
/// are left out, white space collapses. Returns the text and the source line of each line.
pub fn text(html: &str) -> (String, Vec<u32>) {
    let sink = FlatText::default();
    run(html, sink, |s| {
        let mut out = s.out.into_inner();
        let mut lines = s.lines.into_inner();
        while out.ends_with('\n') {
            out.pop();
        }
        let n = crate::parse::count_lines(&out);
        lines.resize(n, lines.last().copied().unwrap_or(1));
        (out, lines)
    })
}

/// The charset a document declares in its first 1024 bytes (`<meta charset>` or
/// `<meta http-equiv=content-type content="…; charset=…">`), as the HTML standard's prescan
/// looks for it. `head` is decoded as windows-1252 by the caller, so every byte is a char.
pub fn declared_charset(head: &str) -> Option<String> {
    let sink = Charset::default();
    run(head, sink, |s| s.found.into_inner())
}

fn run<S: TokenSink<Handle = ()>, T>(html: &str, sink: S, finish: impl FnOnce(S) -> T) -> T {
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tok.feed(&queue);
    tok.end();
    finish(tok.sink)
}

fn raw_kind(tag: &Tag) -> Option<RawKind> {
    match &*tag.name {
        "script" => Some(RawKind::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
        "textarea" | "title" => Some(RawKind::Rcdata),
        _ => None,
    }
}

#[derive(Default)]
struct FlatText {
    out: RefCell<String>,
    lines: RefCell<Vec<u32>>,
    /// Inside script, style, head, title, textarea, noscript: nesting of what is not shown.
    hidden: Cell<u32>,
    space: Cell<bool>,
    breaks: Cell<u8>,
}

impl FlatText {
    fn push_char(&self, c: char, line: u32) {
        let mut out = self.out.borrow_mut();
        let mut lines = self.lines.borrow_mut();
        if lines.is_empty() {
            lines.push(line);
        }
        let breaks = self.breaks.replace(0);
        if breaks > 0 && !out.is_empty() {
            for _ in 0..breaks {
                out.push('\n');
                lines.push(line);
            }
            self.space.set(false);
        }
        if self.space.replace(false) && !out.is_empty() && !out.ends_with('\n') {
            out.push(' ');
        }
        out.push(c);
    }
}

fn is_hidden_container(name: &str) -> bool {
    matches!(name, "script" | "style" | "head" | "title" | "textarea" | "noscript" | "template")
}

impl TokenSink for FlatText {
    type Handle = ();

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<()> {
        let line = u32::try_from(line_number).unwrap_or(u32::MAX);
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if is_hidden_container(name) {
                    match tag.kind {
                        TagKind::StartTag if !tag.self_closing => {
                            self.hidden.set(self.hidden.get() + 1)
                        }
                        TagKind::EndTag => self.hidden.set(self.hidden.get().saturating_sub(1)),
                        _ => {}
                    }
                } else if name == "br" {
                    self.breaks.set(self.breaks.get().saturating_add(1));
                } else if is_block(name) || matches!(name, "td" | "th") {
                    let n = if name == "p" { 2 } else { 1 };
                    self.breaks.set(self.breaks.get().max(n));
                }
                if tag.kind == TagKind::StartTag {
                    if let Some(kind) = raw_kind(&tag) {
                        return TokenSinkResult::RawData(kind);
                    }
                }
            }
            Token::CharacterTokens(t) if self.hidden.get() == 0 => {
                for c in t.chars() {
                    if c.is_whitespace() && c != '\u{a0}' {
                        self.space.set(true);
                    } else if !c.is_control() {
                        self.push_char(c, line);
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[derive(Default)]
struct Charset {
    found: RefCell<Option<String>>,
}

impl TokenSink for Charset {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else { return TokenSinkResult::Continue };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        if &*tag.name == "meta" && self.found.borrow().is_none() {
            let attr = |n: &str| {
                tag.attrs.iter().find(|a| &*a.name.local == n).map(|a| a.value.to_string())
            };
            let found = attr("charset").or_else(|| {
                let equiv = attr("http-equiv")?;
                if !equiv.eq_ignore_ascii_case("content-type") {
                    return None;
                }
                charset_of_content_type(&attr("content")?)
            });
            if let Some(label) = found {
                *self.found.borrow_mut() = Some(label.trim().to_string());
            }
        }
        match raw_kind(&tag) {
            Some(kind) => TokenSinkResult::RawData(kind),
            None => TokenSinkResult::Continue,
        }
    }
}

/// The `charset=` parameter of a Content-Type value (`text/html; charset="utf-8"`).
pub fn charset_of_content_type(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + "charset".len()..].trim_start().strip_prefix('=')?.trim_start();
    let label: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, '"' | '\'' | ';' | ' ' | '\t'))
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_text_leaves_out_scripts_and_breaks_blocks() {
        let (t, lines) = text("<head><title>T</title></head><p>a <b>b</b></p>\n<script>if (a<b) x()</script><div>c</div>");
        assert_eq!(t, "a b\n\nc");
        assert_eq!(lines, vec![1, 2, 2]);
    }

    #[test]
    fn declared_charsets_are_found() {
        assert_eq!(
            declared_charset("<meta charset=\"ISO-8859-1\">").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(
            declared_charset(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"
            )
            .as_deref(),
            Some("windows-1251")
        );
        assert_eq!(declared_charset("<script>'<meta charset=koi8-r>'</script>"), None);
        assert_eq!(charset_of_content_type("text/html;charset='utf-8'").as_deref(), Some("utf-8"));
    }
}
