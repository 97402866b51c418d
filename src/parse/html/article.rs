//! The article from the markup: its title to the end of its body.
//!
//! The body is the element that holds the most running text, as readability tools find it:
//! every paragraph of 25 characters or more (and not a link list) gives its parent a score (1,
//! plus its commas, plus a point per 100 characters up to 3) and its grandparent half of
//! it; names that say "article", "content", "entry", "post", "story" or "text" raise an
//! element's score and names that say "comment", "sidebar", "footer", "related", "share",
//! "nav" or "widget" lower it; links' share of the text discounts it. The title is the
//! heading (`<h1>`, else `<h2>`) nearest before or at the start of the body. Comments found in
//! the markup are never editorial.

use super::dom::Dom;
use super::render::{is_skipped, Rendered};
use crate::parse::{Editorial, LineRange, Page};
use ego_tree::NodeId;
use scraper::Node;
use std::collections::HashMap;

/// Where the article is, in rendered lines (0-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Article {
    /// The title's line, or the body's first line.
    pub first: usize,
    /// The body's last line.
    pub last: usize,
}

fn name_weight(e: &scraper::node::Element) -> f64 {
    let mut names = String::new();
    for c in e.classes() {
        names.push_str(&c.to_ascii_lowercase());
        names.push(' ');
    }
    if let Some(id) = e.id() {
        names.push_str(&id.to_ascii_lowercase());
    }
    if names.is_empty() {
        return 0.0;
    }
    let mut w = 0.0;
    const GOOD: &[&str] =
        &["article", "content", "entry", "post", "story", "text", "body", "main", "blog"];
    const BAD: &[&str] = &[
        "comment",
        "sidebar",
        "footer",
        "related",
        "share",
        "social",
        "nav",
        "menu",
        "widget",
        "promo",
        "sponsor",
        "advert",
        "masthead",
        "header",
        "meta",
        "breadcrumb",
        "popular",
        "login",
        "subscribe",
        "newsletter",
        "tag",
    ];
    if GOOD.iter().any(|g| names.contains(g)) {
        w += 25.0;
    }
    if BAD.iter().any(|b| names.contains(b)) {
        w -= 25.0;
    }
    w
}

/// Text length and linked text length under a node (skipping what is not rendered).
fn text_stats(dom: &Dom, id: NodeId) -> (usize, usize, usize) {
    let (mut chars, mut linked, mut commas) = (0, 0, 0);
    let mut stack = vec![(id, false)];
    while let Some((n, in_link)) = stack.pop() {
        let Some(node) = dom.html.tree.get(n) else { continue };
        match node.value() {
            Node::Text(t) => {
                let len = t.trim().chars().count();
                chars += len;
                commas += t.matches(',').count();
                if in_link {
                    linked += len;
                }
            }
            Node::Element(e) => {
                if is_skipped(dom, n, e) {
                    continue;
                }
                let link = in_link || e.name() == "a";
                stack.extend(node.children().map(|c| (c.id(), link)));
            }
            _ => {}
        }
    }
    (chars, linked, commas)
}

/// Finds the article, leaving out the elements in `exclude` (the comments found in the
/// markup); `in_comment` marks the rendered lines the page's comments hold (found either
/// way), whose share discounts an element.
pub fn find(dom: &Dom, r: &Rendered, exclude: &[NodeId], in_comment: &[bool]) -> Option<Article> {
    let tree = &dom.html.tree;
    let excluded: std::collections::HashSet<NodeId> = exclude.iter().copied().collect();
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    let mut headings: Vec<(usize, u8)> = Vec::new();
    let mut stack = vec![tree.root().id()];
    while let Some(n) = stack.pop() {
        let Some(node) = tree.get(n) else { continue };
        if excluded.contains(&n) {
            continue;
        }
        let Some(e) = node.value().as_element() else {
            stack.extend(node.children().map(|c| c.id()));
            continue;
        };
        if is_skipped(dom, n, e) {
            continue;
        }
        match e.name() {
            "h1" | "h2" => {
                if let Some((a, _)) = r.span(n) {
                    headings.push((a, if e.name() == "h1" { 1 } else { 2 }));
                }
            }
            "p" | "pre" | "blockquote" | "td" => {
                let (chars, linked, commas) = text_stats(dom, n);
                if chars >= 25 && linked * 2 < chars {
                    let s = 1.0 + commas as f64 + (chars as f64 / 100.0).min(3.0);
                    if let Some(p) = node.parent() {
                        *scores.entry(p.id()).or_insert(0.0) += s;
                        if let Some(g) = p.parent() {
                            *scores.entry(g.id()).or_insert(0.0) += s / 2.0;
                        }
                    }
                }
                continue;
            }
            _ => {}
        }
        stack.extend(node.children().map(|c| c.id()));
    }
    let mut best: Option<(f64, NodeId)> = None;
    for (&id, &s) in &scores {
        let Some(e) = tree.get(id).and_then(|n| n.value().as_element().cloned()) else { continue };
        if matches!(e.name(), "body" | "html") {
            continue;
        }
        let (chars, linked, _) = text_stats(dom, id);
        let density = if chars == 0 { 1.0 } else { linked as f64 / chars as f64 };
        let commented = r.span(id).map_or(0.0, |(a, b)| {
            let n = (a..=b).filter(|&i| in_comment.get(i).copied().unwrap_or(false)).count();
            n as f64 / (b + 1 - a) as f64
        });
        let total = (s + name_weight(&e)) * (1.0 - density) * (1.0 - commented);
        if best.is_none_or(|(b, bid)| total > b || (total == b && id < bid)) {
            best = Some((total, id));
        }
    }
    let (score, body) = best?;
    if score < 5.0 {
        return None;
    }
    let (a, b) = r.span(body)?;
    // The title: the last h1 at or before the body's start (within reach), else an h2.
    let reach = a.saturating_sub(40);
    let title = [1u8, 2]
        .iter()
        .find_map(|&level| {
            headings
                .iter()
                .filter(|&&(l, lv)| lv == level && l <= a && l >= reach)
                .map(|&(l, _)| l)
                .max()
        })
        .or_else(|| headings.iter().filter(|&&(l, _)| l >= a && l <= b).map(|&(l, _)| l).min());
    Some(Article { first: title.unwrap_or(a).min(a), last: b })
}

/// Makes the article's lines the page's editorial: every rendered line from its title to the
/// end of its body that is not a comment's.
pub fn apply(page: &mut Page, r: &Rendered, a: &Article) {
    let lines = crate::parse::split_lines(&r.text);
    let in_comment = comment_lines(page, lines.len());
    let mut ranges: Vec<LineRange> = Vec::new();
    for i in a.first..=a.last.min(lines.len().saturating_sub(1)) {
        if in_comment[i] || lines[i].trim().is_empty() || is_furniture(lines[i]) {
            continue;
        }
        match ranges.last_mut() {
            Some(r) if r.last + 1 == i + 1 || gap_is_blank(&lines, r.last, i) => r.last = i + 1,
            _ => ranges.push(LineRange { first: i + 1, last: i + 1 }),
        }
    }
    let text = ranges
        .iter()
        .map(|r| lines[r.first - 1..r.last].join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n");
    page.editorial = Editorial { text, lines: ranges };
}

/// Share bars, action words and the fixed phrases around comment sections inside the
/// article's element: not the article.
fn is_furniture(line: &str) -> bool {
    let c = crate::parse::chrome::clean(line);
    crate::parse::chrome::is_section_chrome(&c) || crate::parse::features::is_action_bar(&c)
}

/// Marks the rendered lines (0-based) the page's comments hold.
pub fn comment_lines(page: &Page, n: usize) -> Vec<bool> {
    let mut in_comment = vec![false; n + 1];
    for c in &page.comments {
        for f in in_comment.iter_mut().take(c.lines.last).skip(c.lines.first - 1) {
            *f = true;
        }
    }
    in_comment
}

/// True when the lines between `last` (1-based) and `next` (0-based) are all blank.
fn gap_is_blank(lines: &[&str], last: usize, next: usize) -> bool {
    (last..next).all(|k| lines[k].trim().is_empty())
}
