//! The DOM: HTML text → a tree (html5ever, the WHATWG parsing algorithm, into scraper's
//! `ego_tree`), with the source lines each element starts and ends on.
//!
//! html5ever builds the same tree a browser builds from any input, however broken; this
//! module adds only what the rest of `parse::html` needs and html5ever does not keep: the
//! source line of every element (so that a comment's `lines` point into the file) and its
//! nesting depth. Hostile nesting is cut short: the tree builder's scope checks walk the stack
//! of open elements, so 100,000 nested elements cost billions of steps. The text is fed in
//! slices and parsing stops once the tree is deeper than [`MAX_DEPTH`]; the caller then reads
//! the page as text instead ([`Built::TooDeep`]).

use ego_tree::NodeId;
use html5ever::interface::{ElementFlags, NodeOrText, QualName, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, Attribute, LocalName, ParseOpts};
use rustc_hash::FxHashMap as HashMap;
use scraper::node::Element;
use scraper::{Html, HtmlTreeSink};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};

/// Deeper trees are not built (real pages stay below a few hundred levels).
pub const MAX_DEPTH: u32 = 1024;

/// The text is fed to the parser in slices of this many bytes; the depth is checked between
/// slices, so the work spent on a too-deep page is bounded by one slice past the limit.
const SLICE: usize = 16 * 1024;

/// A parsed document and where its elements are in the source.
pub struct Dom {
    /// The tree.
    pub html: Html,
    /// First and last source line (1-based) of elements and text nodes.
    lines: HashMap<NodeId, (u32, u32)>,
    /// Number of source lines.
    pub line_count: usize,
}

impl Dom {
    /// The first and last source line of a node, when known.
    pub fn lines_of(&self, id: NodeId) -> Option<(u32, u32)> {
        self.lines.get(&id).copied()
    }
}

/// The outcome of [`build`].
pub enum Built {
    /// The tree.
    Tree(Dom),
    /// The nesting went past [`MAX_DEPTH`]; no tree was kept.
    TooDeep,
}

/// Parses a whole document.
pub fn build(text: &str) -> Built {
    let parser = html5ever::driver::parse_document(LineSink::new(Html::new_document()), opts());
    feed(parser, text)
}

/// Parses a fragment (a comment body stored as HTML) as the content of a `<body>`.
pub fn build_fragment(text: &str) -> Built {
    let context = QualName::new(None, html5ever::ns!(html), html5ever::local_name!("body"));
    let parser = html5ever::driver::parse_fragment(
        LineSink::new(Html::new_fragment()),
        opts(),
        context,
        Vec::new(),
        false,
    );
    feed(parser, text)
}

fn opts() -> ParseOpts {
    let mut opts = ParseOpts::default();
    // A reader without scripts sees <noscript> content as markup; we parse it as markup and
    // decide in rendering what to show.
    opts.tree_builder.scripting_enabled = false;
    opts
}

fn feed(mut parser: html5ever::driver::Parser<LineSink>, text: &str) -> Built {
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = rest.len().min(SLICE);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (slice, tail) = rest.split_at(cut);
        parser.process(StrTendril::from_slice(slice));
        rest = tail;
        if parser.tokenizer.sink.sink.max_depth.get() > MAX_DEPTH {
            return Built::TooDeep;
        }
    }
    let (html, mut lines) = parser.finish();
    extend_to_descendants(&html, &mut lines);
    Built::Tree(Dom { html, lines, line_count: crate::parse::count_lines(text) })
}

/// html5ever reports few element ends, so an element's last line is the last line of anything
/// inside it. Children are created after their parents, so one pass over the nodes in reverse
/// creation order carries every last line up to the root.
fn extend_to_descendants(html: &Html, lines: &mut HashMap<NodeId, (u32, u32)>) {
    let ids: Vec<NodeId> = html.tree.nodes().map(|n| n.id()).collect();
    for &id in ids.iter().rev() {
        let Some(&(_, last)) = lines.get(&id) else { continue };
        let Some(parent) = html.tree.get(id).and_then(|n| n.parent()) else { continue };
        lines.entry(parent.id()).and_modify(|r| r.1 = r.1.max(last)).or_insert((last, last));
    }
}

/// The value of an element's attribute (in no namespace) by its interned name.
///
/// scraper's `Element::attr` interns the name it is given and binary-searches the attributes
/// comparing names as strings. The finders ask this of every element several times and an
/// element has a few attributes, so a scan comparing interned names (an integer each) is much
/// cheaper. The answer is the same: html5ever keeps one attribute per name.
pub fn attr<'a>(e: &'a Element, name: &LocalName) -> Option<&'a str> {
    e.attrs.iter().find(|(q, _)| q.local == *name && q.ns == ns!()).map(|(_, v)| &**v)
}

/// The element's class names as written, without interning them: scraper's `classes()`
/// interns, sorts and dedups an element's classes on first use (under a lock for names
/// html5ever does not know). For questions that any one class answers, where order and
/// repeats do not matter.
pub fn classes(e: &Element) -> impl Iterator<Item = &str> {
    attr(e, &local_name!("class")).into_iter().flat_map(str::split_ascii_whitespace)
}

/// [`attr`] for a name that is not among html5ever's interned ones (`data-comment-id`).
pub fn attr_named<'a>(e: &'a Element, name: &str) -> Option<&'a str> {
    e.attrs.iter().find(|(q, _)| &*q.local == name && q.ns == ns!()).map(|(_, v)| &**v)
}

/// Wraps scraper's tree sink, noting the current source line when elements are created and
/// closed and when text arrives, and each node's depth.
struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<u64>,
    lines: RefCell<HashMap<NodeId, (u32, u32)>>,
    depth: RefCell<HashMap<NodeId, u32>>,
    max_depth: Cell<u32>,
}

impl LineSink {
    fn new(html: Html) -> LineSink {
        LineSink {
            inner: HtmlTreeSink::new(html),
            line: Cell::new(1),
            lines: RefCell::new(HashMap::default()),
            depth: RefCell::new(HashMap::default()),
            max_depth: Cell::new(0),
        }
    }

    fn line(&self) -> u32 {
        u32::try_from(self.line.get()).unwrap_or(u32::MAX)
    }

    /// Notes that `node` reaches the current line.
    fn touch(&self, node: NodeId) {
        self.touch_from(node, 0);
    }

    /// Notes that `node` spans from `back` lines before the current line to the current line
    /// (text arrives when it ends, so its first line lies `back` newlines earlier).
    fn touch_from(&self, node: NodeId, back: u32) {
        let line = self.line();
        let first = line.saturating_sub(back).max(1);
        self.lines
            .borrow_mut()
            .entry(node)
            .and_modify(|r| r.1 = r.1.max(line))
            .or_insert((first, line));
    }

    fn placed_under(&self, parent: NodeId, child: NodeId) {
        let mut depth = self.depth.borrow_mut();
        let d = depth.get(&parent).copied().unwrap_or(0) + 1;
        depth.insert(child, d);
        if d > self.max_depth.get() {
            self.max_depth.set(d);
        }
    }

    /// After text was appended under `parent`: the text node is its last child.
    fn text_under(&self, parent: NodeId, newlines: u32) {
        let last =
            self.inner.0.borrow().tree.get(parent).and_then(|p| p.last_child()).map(|c| c.id());
        if let Some(id) = last {
            self.touch_from(id, newlines);
        }
    }

    fn text_before(&self, sibling: NodeId, newlines: u32) {
        let prev =
            self.inner.0.borrow().tree.get(sibling).and_then(|s| s.prev_sibling()).map(|c| c.id());
        if let Some(id) = prev {
            self.touch_from(id, newlines);
        }
    }
}

fn count_newlines(t: &str) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', t.as_bytes()).count()).unwrap_or(u32::MAX)
}

impl TreeSink for LineSink {
    type Handle = NodeId;
    type Output = (Html, HashMap<NodeId, (u32, u32)>);
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Self::Output {
        (self.inner.finish(), self.lines.into_inner())
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let id = self.inner.create_element(name, attrs, flags);
        self.touch(id);
        id
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        match child {
            NodeOrText::AppendNode(id) => {
                self.placed_under(*parent, id);
                self.inner.append(parent, NodeOrText::AppendNode(id));
            }
            NodeOrText::AppendText(t) => {
                let newlines = count_newlines(&t);
                self.inner.append(parent, NodeOrText::AppendText(t));
                self.text_under(*parent, newlines);
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        self.inner.append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner.append_doctype_to_document(name, public_id, system_id);
    }

    fn pop(&self, node: &NodeId) {
        self.touch(*node);
        self.inner.pop(node);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let text = match &new_node {
            NodeOrText::AppendText(t) => Some(count_newlines(t)),
            NodeOrText::AppendNode(_) => None,
        };
        self.inner.append_before_sibling(sibling, new_node);
        if let Some(newlines) = text {
            self.text_before(*sibling, newlines);
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }

    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Dom {
        match build(text) {
            Built::Tree(d) => d,
            Built::TooDeep => panic!("too deep"),
        }
    }

    #[test]
    fn elements_know_their_source_lines() {
        let d =
            tree("<html>\n<body>\n<p>one\ntwo</p>\n<div>\n<span>x</span>\n</div>\n</body></html>");
        let find = |name: &str| {
            d.html
                .tree
                .nodes()
                .find(|n| n.value().as_element().is_some_and(|e| e.name() == name))
                .unwrap()
                .id()
        };
        assert_eq!(d.lines_of(find("p")).map(|r| r.0), Some(3));
        let div = d.lines_of(find("div")).unwrap();
        assert_eq!(div, (5, 7));
        assert_eq!(d.line_count, 8);
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let text = "<div>".repeat(100_000);
        assert!(matches!(build(&text), Built::TooDeep));
        let ok = "<div>".repeat(500);
        assert!(matches!(build(&ok), Built::Tree(_)));
    }
}
