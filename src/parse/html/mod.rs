//! The HTML front: a saved page, `curl` output or a fetched URL → [`Page`].
//!
//! One parser, two fronts. The text front ([`crate::parse::parse_page`]) reads what a reader
//! copies; this one reads the markup, which carries what copied text loses: which element is
//! a comment, who answers whom (nesting), exact times (`<time datetime>`), where the article
//! ends. Both end in the same [`Page`] through the same assembly (times, parents, ids).
//!
//! The steps: [`dom`] builds the tree (html5ever) with source lines; [`render`] gives the text
//! a reader would copy, line by line; [`comments`] finds the comment section by what comment
//! sections share (repeated sibling blocks that each hold an author, a time and text; the
//! vocabulary of comment systems' classes, ids and schema.org attributes), not by a list of
//! sites; [`article`] finds the article from its title to the end of its body. When the markup
//! shows no comment structure, the text parser runs on the rendered text, so HTML never does
//! worse than its text. [`embeds`] names the comment systems that load comments by script.
//!
//! Lines: a page's `line_count` and every range are the HTML source's lines. A comment's
//! `lines` are those of its element; editorial `lines` those of the article's elements;
//! `chrome` is every other line. In HTML several elements can share a line (minified pages
//! are one line), so unlike the text front the ranges may overlap.

pub mod article;
pub mod comments;
pub mod dom;
pub mod embeds;
pub mod flat;
pub mod render;

use super::layout::{CommentParts, Extraction};
use super::{assemble, parse_page, LineClass, LineRange, Page, ParseOptions};

/// True when a text is HTML markup rather than page text: its first non-blank character
/// opens a tag and its head names a document element (`<!doctype html>`, `<html>`, `<head>`,
/// `<body>`, `<meta>`, `<title>`). A copied page starts with words; an XML export with
/// `<?xml` and its own elements.
pub fn looks_like_html(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if !head.starts_with('<') {
        return false;
    }
    let mut end = head.len().min(4096);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    let lower = head[..end].to_ascii_lowercase();
    if lower.contains("<disqus") || lower.contains("<rss") || lower.contains("<wp:") {
        return false;
    }
    ["<!doctype html", "<html", "<head", "<body", "<meta", "<title"]
        .iter()
        .any(|t| lower.contains(t))
}

/// Parses an HTML page.
pub fn parse_html(source: &str, html: &str, opts: &ParseOptions) -> Page {
    let line_count = super::count_lines(html);
    let dom = match dom::build(html) {
        dom::Built::Tree(d) => d,
        dom::Built::TooDeep => {
            // Past the depth limit: the tokens' text through the text front.
            let (text, src_line) = flat::text(html);
            let page = parse_page(source, &text, opts);
            return to_source_lines(page, &src_line, line_count);
        }
    };
    let rendered = render::render(&dom, None);
    let loaded_by = embeds::script_comments(&dom);
    let structure = comments::find(&dom, &rendered);
    let lines = super::split_lines(&rendered.text);
    let mut elements: Vec<(usize, (u32, u32))> = Vec::new();
    let mut page = match structure {
        Some(found) => {
            for (k, id) in found.nodes.iter().enumerate() {
                if let Some(span) = dom.lines_of(*id) {
                    elements.push((k, span));
                }
            }
            let mut in_comment = vec![false; lines.len() + 1];
            for ((a, b), _) in &found.items {
                for f in in_comment.iter_mut().take(b + 1).skip(*a) {
                    *f = true;
                }
            }
            let article = article::find(&dom, &rendered, &found.nodes, &in_comment);
            // Without an article in the markup, the text parser's view of what is article,
            // on the lines no comment holds.
            let mut classes: Vec<LineClass> = match &article {
                Some(_) => vec![LineClass::Chrome; lines.len()],
                None => super::layout::extract(&lines)
                    .classes
                    .iter()
                    .map(|&c| if c == LineClass::Editorial { c } else { LineClass::Chrome })
                    .collect(),
            };
            let ex = found.into_extraction(&mut classes);
            let mut page = assemble(source, &lines, ex, opts);
            if let Some(a) = article {
                article::apply(&mut page, &rendered, &a);
            }
            page
        }
        None => {
            let ex = super::layout::extract(&lines);
            let mut in_comment: Vec<bool> =
                ex.classes.iter().map(|c| matches!(c, LineClass::Comment(_))).collect();
            in_comment.push(false);
            let article = article::find(&dom, &rendered, &[], &in_comment);
            let mut page = assemble(source, &lines, ex, opts);
            if let Some(a) = article {
                article::apply(&mut page, &rendered, &a);
            }
            page
        }
    };
    page.comments_loaded_by = loaded_by.filter(|_| page.comments.is_empty()).map(str::to_string);
    page.canonical_url = article::canonical_url(&dom);
    if let Some(t) = article::title(&dom) {
        page.title = Some(t);
    }
    let mut page = to_source_lines(page, &rendered.src_line, line_count);
    // A comment found in the markup spans its element's source lines.
    for (k, (first, last)) in elements {
        if let Some(c) = page.comments.get_mut(k) {
            let clamp = |l: u32| (l as usize).clamp(1, line_count.max(1));
            c.lines = LineRange { first: clamp(first), last: clamp(last.max(first)) };
        }
    }
    page
}

/// Moves a page parsed from rendered lines onto the source's lines.
fn to_source_lines(mut page: Page, src_line: &[u32], line_count: usize) -> Page {
    let map = |r: LineRange| -> LineRange {
        let src =
            |i: usize| src_line.get(i - 1).map_or(1, |&l| l as usize).clamp(1, line_count.max(1));
        let (a, b) = (src(r.first), src(r.last));
        LineRange { first: a.min(b), last: a.max(b) }
    };
    let merge = |ranges: Vec<LineRange>| -> Vec<LineRange> {
        let mut v: Vec<LineRange> = ranges.into_iter().map(map).collect();
        v.sort();
        let mut out: Vec<LineRange> = Vec::new();
        for r in v {
            match out.last_mut() {
                Some(last) if r.first <= last.last + 1 => last.last = last.last.max(r.last),
                _ => out.push(r),
            }
        }
        out
    };
    if line_count == 0 {
        page.line_count = 0;
        page.editorial.lines.clear();
        page.chrome.clear();
        page.unassigned.clear();
        return page;
    }
    page.editorial.lines = merge(std::mem::take(&mut page.editorial.lines));
    page.unassigned = merge(std::mem::take(&mut page.unassigned));
    for c in &mut page.comments {
        c.lines = map(c.lines);
    }
    let mut used = vec![false; line_count + 1];
    let ranges = page.editorial.lines.iter().chain(&page.unassigned).copied();
    for r in ranges.chain(page.comments.iter().map(|c| c.lines)) {
        used[r.first..=r.last].fill(true);
    }
    let classes: Vec<LineClass> = used[1..]
        .iter()
        .map(|&u| if u { LineClass::Editorial } else { LineClass::Chrome })
        .collect();
    page.chrome = super::ranges_of(&classes, |c| c == LineClass::Chrome);
    page.line_count = line_count;
    page
}

/// Helper for [`comments`]: a comment found in the markup, over rendered lines.
#[derive(Debug, Clone)]
pub struct Found {
    /// Rendered lines (0-based, inclusive) of each comment, and its parts.
    pub items: Vec<((usize, usize), CommentParts)>,
    /// The element of each comment, in the same order.
    pub nodes: Vec<ego_tree::NodeId>,
    /// How sure the finder is.
    pub confidence: f64,
}

impl Found {
    fn into_extraction(self, classes: &mut [LineClass]) -> Extraction {
        let mut comments = Vec::with_capacity(self.items.len());
        for (k, ((a, b), parts)) in self.items.into_iter().enumerate() {
            for c in classes.iter_mut().take(b + 1).skip(a) {
                *c = LineClass::Comment(k);
            }
            comments.push(parts);
        }
        Extraction {
            layout: "html",
            confidence: self.confidence,
            classes: classes.to_vec(),
            comments,
        }
    }
}
