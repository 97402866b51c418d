//! Rendering: the DOM → text as a browser's `innerText` gives it (what select-all and copy
//! give a reader), with the source line of every rendered line and the rendered lines of
//! every element.
//!
//! The rules are the HTML standard's "rendered text collection steps", without a style
//! engine: block elements start and end lines (`<p>` leaves a blank line), `<br>` breaks,
//! table cells are separated by tabs and rows by lines, white space collapses outside
//! `<pre>`. What a reader does not see is not text: scripts, styles, templates, `<noscript>`
//! (a reader with scripts sees nothing there), form controls, and elements hidden by the
//! `hidden` attribute or an inline `display:none` / `visibility:hidden`. Forms that hold a
//! text area (comment and contact forms) are left out whole. Classes hidden by style sheets
//! cannot be known without the style sheets and stay visible.
//!
//! The walk is iterative, so a deep tree cannot overflow the stack.

use super::dom::{attr, Dom};
use ego_tree::NodeId;
use html5ever::local_name;
use rustc_hash::FxHashMap as HashMap;
use scraper::node::Element;
use scraper::Node;

/// The rendered text of a document.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The text, lines separated by `\n`.
    pub text: String,
    /// The source line (1-based) of each rendered line.
    pub src_line: Vec<u32>,
    /// First and last rendered line (0-based) of every element that rendered any text.
    pub spans: HashMap<NodeId, (usize, usize)>,
}

impl Rendered {
    /// The rendered lines (0-based, inclusive) of an element, when it rendered text.
    pub fn span(&self, id: NodeId) -> Option<(usize, usize)> {
        self.spans.get(&id).copied()
    }
}

/// Elements whose content is never rendered.
fn is_unrendered(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "template"
            | "noscript"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "iframe"
            | "object"
            | "embed"
            | "svg"
            | "math"
            | "canvas"
            | "select"
            | "option"
            | "datalist"
            | "textarea"
            | "input"
            | "img"
            | "video"
            | "audio"
            | "map"
            | "frameset"
    )
}

/// Elements that start and end a line (display: block, list-item, table and its rows).
pub fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "caption"
            | "tr"
            | "ul"
            | "html"
            | "listing"
            | "plaintext"
            | "xmp"
    )
}

/// True when the element is hidden by its own markup.
pub fn is_hidden(e: &Element) -> bool {
    if attr(e, &local_name!("hidden")).is_some() {
        return true;
    }
    if e.name() == "input"
        && attr(e, &local_name!("type")).is_some_and(|t| t.eq_ignore_ascii_case("hidden"))
    {
        return true;
    }
    let Some(style) = attr(e, &local_name!("style")) else { return false };
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else { return false };
        let (prop, value) = (prop.trim(), value.trim().trim_end_matches("!important").trim());
        (prop.eq_ignore_ascii_case("display") && value.eq_ignore_ascii_case("none"))
            || (prop.eq_ignore_ascii_case("visibility") && value.eq_ignore_ascii_case("hidden"))
    })
}

/// True when the element (a form) holds a text area: a comment or contact form, whose labels
/// and buttons are not the page's text.
fn is_entry_form(dom: &Dom, id: NodeId) -> bool {
    dom.html.tree.get(id).is_some_and(|n| {
        n.descendants().any(|d| d.value().as_element().is_some_and(|e| e.name() == "textarea"))
    })
}

/// Whether an element is left out of the rendering, with its whole subtree.
pub fn is_skipped(dom: &Dom, id: NodeId, e: &Element) -> bool {
    is_unrendered(e.name()) || is_hidden(e) || (e.name() == "form" && is_entry_form(dom, id))
}

struct Frame {
    id: NodeId,
    first: Option<usize>,
    breaks_after: u8,
    pre: bool,
    cell: bool,
}

struct Writer {
    out: String,
    src_line: Vec<u32>,
    pending_break: u8,
    pending_space: bool,
    line_open: bool,
    last_line: usize,
}

impl Writer {
    fn line_index(&self) -> usize {
        self.src_line.len().saturating_sub(1)
    }

    fn newline(&mut self, src: u32) {
        if self.src_line.is_empty() {
            self.src_line.push(src);
        }
        self.out.push('\n');
        self.src_line.push(src);
        self.line_open = false;
        self.pending_space = false;
    }

    /// Before a visible character: pending breaks become newlines, a pending space a space.
    fn before_char(&mut self, src: u32, frames: &mut [Frame]) {
        if self.pending_break > 0 {
            if !self.out.is_empty() {
                for _ in 0..self.pending_break {
                    self.newline(src);
                }
            }
            self.pending_break = 0;
            self.pending_space = false;
        }
        if self.src_line.is_empty() {
            self.src_line.push(src);
        }
        if self.pending_space && self.line_open {
            self.out.push(' ');
        }
        self.pending_space = false;
        if !self.line_open {
            if let Some(l) = self.src_line.last_mut() {
                *l = src;
            }
            self.line_open = true;
        }
        let line = self.line_index();
        self.last_line = line;
        for f in frames.iter_mut().rev() {
            if f.first.is_some() {
                break;
            }
            f.first = Some(line);
        }
    }

    fn text(&mut self, s: &str, first_src: u32, pre: bool, frames: &mut [Frame]) {
        let mut src = first_src;
        for c in s.chars() {
            if c == '\n' {
                src += 1;
            }
            if pre {
                match c {
                    '\n' => {
                        if self.pending_break > 0 && !self.out.is_empty() {
                            self.before_char(src - 1, frames);
                        }
                        self.newline(src);
                    }
                    '\r' => {}
                    c => {
                        self.before_char(src, frames);
                        self.out.push(c);
                    }
                }
            } else if c.is_whitespace() && c != '\u{a0}' {
                self.pending_space = true;
            } else if !c.is_control() {
                self.before_char(src, frames);
                self.out.push(c);
            }
        }
    }

    fn request_break(&mut self, n: u8) {
        self.pending_break = self.pending_break.max(n);
    }
}

/// Renders the document (or the subtree under `root`).
pub fn render(dom: &Dom, root: Option<NodeId>) -> Rendered {
    let tree = &dom.html.tree;
    let root = root.unwrap_or_else(|| tree.root().id());
    let mut w = Writer {
        out: String::new(),
        src_line: Vec::new(),
        pending_break: 0,
        pending_space: false,
        line_open: false,
        last_line: 0,
    };
    let mut spans = HashMap::default();
    let mut frames: Vec<Frame> = Vec::new();
    // (node, entering): children are pushed in reverse so they come out in order.
    let mut stack: Vec<(NodeId, bool)> = vec![(root, true)];
    let src_of = |id: NodeId| dom.lines_of(id).map_or(1, |r| r.0);
    while let Some((id, entering)) = stack.pop() {
        let Some(node) = tree.get(id) else { continue };
        if !entering {
            if let Some(f) = frames.pop() {
                if f.breaks_after > 0 {
                    w.request_break(f.breaks_after);
                }
                if f.cell {
                    // Cells are separated by a tab; a trailing tab on a row is harmless once
                    // lines are trimmed by the reader.
                    if w.line_open {
                        w.pending_space = true;
                    }
                }
                if let Some(first) = f.first {
                    spans.insert(f.id, (first, w.last_line));
                }
            }
            continue;
        }
        let pre = frames.last().is_some_and(|f| f.pre);
        match node.value() {
            Node::Text(t) => {
                let src = src_of(id);
                w.text(t, src, pre, &mut frames);
            }
            Node::Element(e) => {
                if is_skipped(dom, id, e) {
                    continue;
                }
                let name = e.name();
                if name == "br" {
                    let src = src_of(id);
                    if w.pending_break > 0 && !w.out.is_empty() {
                        w.before_char(src, &mut frames);
                        // before_char opened the line for a character that did not come.
                        w.line_open = false;
                    }
                    w.newline(src);
                    continue;
                }
                let block = is_block(name);
                let breaks = match name {
                    "p" => 2,
                    _ if block => 1,
                    _ => 0,
                };
                if breaks > 0 {
                    w.request_break(breaks);
                }
                frames.push(Frame {
                    id,
                    first: None,
                    breaks_after: breaks,
                    pre: pre
                        || matches!(name, "pre" | "listing" | "plaintext" | "xmp" | "textarea"),
                    cell: matches!(name, "td" | "th"),
                });
                stack.push((id, false));
                let children: Vec<NodeId> = node.children().map(|c| c.id()).collect();
                stack.extend(children.into_iter().rev().map(|c| (c, true)));
            }
            Node::Document | Node::Fragment => {
                stack.extend(
                    node.children()
                        .map(|c| c.id())
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .map(|c| (c, true)),
                );
            }
            _ => {}
        }
    }
    // Lines are trimmed at their ends, as a reader's copy is.
    let n_lines = crate::parse::count_lines(&w.out);
    w.src_line.resize(n_lines, w.src_line.last().copied().unwrap_or(1));
    Rendered { text: w.out, src_line: w.src_line, spans }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::html::dom::{build, Built};

    fn text(html: &str) -> String {
        let Built::Tree(d) = build(html) else { panic!() };
        render(&d, None).text
    }

    #[test]
    fn blocks_lines_and_paragraph_gaps() {
        assert_eq!(text("<p>One  two\nthree</p><p>Four</p>"), "One two three\n\nFour");
        assert_eq!(text("<div>a<div>b</div>c</div>"), "a\nb\nc");
        assert_eq!(text("<div>a<br>b<br><br>c</div>"), "a\nb\n\nc");
        assert_eq!(text("<span>a</span> <b>b</b>"), "a b");
        assert_eq!(text("<pre>x  y\n z</pre>"), "x  y\n z");
        assert_eq!(text("<ul><li>one</li><li>two</li></ul>"), "one\ntwo");
    }

    #[test]
    fn invisible_things_are_not_text() {
        let html = "<p>seen</p><script>var x=1</script><style>p{}</style>\
            <div hidden>h</div><div style='display: none'>n</div><noscript>enable js</noscript>\
            <form><textarea>x</textarea><label>Name</label></form><p>also</p>";
        assert_eq!(text(html), "seen\n\nalso");
    }

    #[test]
    fn rendered_lines_know_their_source_lines_and_elements_their_lines() {
        let html =
            "<html><body>\n<p>first</p>\n\n<div id=x>second\n<br>third</div>\n</body></html>";
        let Built::Tree(d) = build(html) else { panic!() };
        let r = render(&d, None);
        assert_eq!(r.text, "first\n\nsecond\nthird");
        assert_eq!(r.src_line, vec![2, 4, 4, 5]);
        let x = d
            .html
            .tree
            .nodes()
            .find(|n| n.value().as_element().is_some_and(|e| e.id() == Some("x")))
            .unwrap();
        assert_eq!(r.span(x.id()), Some((2, 3)));
    }
}
