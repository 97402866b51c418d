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

use super::dom::{attr, classes, Dom};
use super::render::{is_skipped, Rendered};
use crate::parse::{Editorial, LineRange, Page};
use ego_tree::NodeId;
use html5ever::local_name;
use rustc_hash::FxHashMap as HashMap;
use scraper::Node;

/// Where the article is, in rendered lines (0-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The title's line, or the body's first line.
    pub first: usize,
    /// The body's last line.
    pub last: usize,
    /// The lines of the body's elements (the best element and the siblings that belong with
    /// it), and of the title.
    pub spans: Vec<(usize, usize)>,
    /// Lines inside those that are boilerplate: link lists, share bars, related stories.
    pub drop: Vec<(usize, usize)>,
}

fn name_weight(e: &scraper::node::Element) -> f64 {
    let mut names = String::new();
    for c in classes(e) {
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

/// Text length, linked text length and commas under every node, in one pass: nodes are
/// visited in reverse creation order (children are created after their parents), each
/// adding its totals to its parent's. What is not rendered counts nothing.
struct TextStats(HashMap<NodeId, (usize, usize, usize)>);

impl TextStats {
    fn of_tree(dom: &Dom) -> TextStats {
        let tree = &dom.html.tree;
        let ids: Vec<NodeId> = tree.nodes().map(|n| n.id()).collect();
        let mut map: HashMap<NodeId, (usize, usize, usize)> =
            HashMap::with_capacity_and_hasher(ids.len(), Default::default());
        for &id in ids.iter().rev() {
            let Some(node) = tree.get(id) else { continue };
            let own = match node.value() {
                Node::Text(t) => (t.trim().chars().count(), 0, t.matches(',').count()),
                Node::Element(e) => {
                    if is_skipped(dom, id, e) {
                        map.insert(id, (0, 0, 0));
                        continue;
                    }
                    let mut sum = map.get(&id).copied().unwrap_or((0, 0, 0));
                    if e.name() == "a" {
                        sum.1 = sum.0;
                    }
                    map.insert(id, sum);
                    sum
                }
                _ => continue,
            };
            if matches!(node.value(), Node::Text(_)) {
                map.insert(id, own);
            }
            if let Some(p) = node.parent() {
                let e = map.entry(p.id()).or_insert((0, 0, 0));
                e.0 += own.0;
                e.1 += own.1;
                e.2 += own.2;
            }
        }
        TextStats(map)
    }

    fn get(&self, id: NodeId) -> (usize, usize, usize) {
        self.0.get(&id).copied().unwrap_or((0, 0, 0))
    }
}

/// Lower-cased words joined by single spaces, for comparing a heading with the title.
fn fold(s: &str) -> String {
    s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// Text under an element, white space collapsed.
fn text_of(dom: &Dom, id: NodeId) -> String {
    let Some(node) = dom.html.tree.get(id) else { return String::new() };
    node.descendants()
        .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page's own URL as its head declares it: `<link rel=canonical href>`, else
/// `<meta property=og:url content>`; only absolute http(s) URLs count.
pub fn canonical_url(dom: &Dom) -> Option<String> {
    let mut og = None;
    for node in dom.html.tree.nodes() {
        let Some(e) = node.value().as_element() else { continue };
        let absolute = |u: &str| {
            let u = u.trim();
            let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
            (lower.starts_with("https://") || lower.starts_with("http://")) && u.len() <= 2048
        };
        match e.name() {
            "link"
                if attr(e, &local_name!("rel")).is_some_and(|r| {
                    r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("canonical"))
                }) =>
            {
                if let Some(h) = attr(e, &local_name!("href")).filter(|h| absolute(h)) {
                    return Some(h.trim().to_string());
                }
            }
            "meta"
                if og.is_none()
                    && attr(e, &local_name!("property"))
                        .is_some_and(|p| p.eq_ignore_ascii_case("og:url")) =>
            {
                og = attr(e, &local_name!("content"))
                    .filter(|c| absolute(c))
                    .map(|c| c.trim().to_string());
            }
            _ => {}
        }
    }
    og
}

/// The document's title as written: `<title>`, else `og:title`.
pub fn title(dom: &Dom) -> Option<String> {
    let mut og = None;
    for node in dom.html.tree.nodes() {
        let Some(e) = node.value().as_element() else { continue };
        match e.name() {
            "title" => {
                let t = crate::parse::title_of(&text_of(dom, node.id()));
                if !t.is_empty() {
                    return Some(t);
                }
            }
            "meta"
                if og.is_none()
                    && attr(e, &local_name!("property"))
                        .is_some_and(|p| p.eq_ignore_ascii_case("og:title")) =>
            {
                og = attr(e, &local_name!("content"))
                    .map(crate::parse::title_of)
                    .filter(|t| !t.is_empty());
            }
            "body" => break,
            _ => {}
        }
    }
    og
}

/// The document's titles: `<title>` and `og:title`, folded.
fn document_title(dom: &Dom) -> Vec<String> {
    let mut out = Vec::new();
    for node in dom.html.tree.nodes() {
        let Some(e) = node.value().as_element() else { continue };
        match e.name() {
            "title" if out.is_empty() => out.push(fold(&text_of(dom, node.id()))),
            "meta"
                if attr(e, &local_name!("property"))
                    .is_some_and(|p| p.eq_ignore_ascii_case("og:title")) =>
            {
                if let Some(c) = attr(e, &local_name!("content")) {
                    out.push(fold(c));
                }
            }
            "body" => break,
            _ => {}
        }
    }
    out
}

/// Elements read as paragraphs: `p`, `pre`, `blockquote`, and blocks (`div`, `td`, …) with
/// no block inside them (old pages write paragraphs as text and `<br>`s in a `div`).
fn is_paragraph(name: &str, node: &ego_tree::NodeRef<'_, Node>) -> bool {
    match name {
        "p" | "pre" | "blockquote" => true,
        "div" | "td" | "section" | "article" | "font" | "center" => !node.children().any(|c| {
            c.value()
                .as_element()
                .is_some_and(|e| super::render::is_block(e.name()) || e.name() == "td")
        }),
        _ => false,
    }
}

/// Finds the article, leaving out the elements in `exclude` (the comments found in the
/// markup); `in_comment` marks the rendered lines the page's comments hold (found either
/// way), whose share discounts an element.
pub fn find(dom: &Dom, r: &Rendered, exclude: &[NodeId], in_comment: &[bool]) -> Option<Article> {
    let tree = &dom.html.tree;
    let stats = TextStats::of_tree(dom);
    let text_stats = |_: &Dom, id: NodeId| stats.get(id);
    let excluded: rustc_hash::FxHashSet<NodeId> = exclude.iter().copied().collect();
    let mut scores: HashMap<NodeId, f64> = HashMap::default();
    let mut headings: Vec<(usize, u8)> = Vec::new();
    // Headings whose text the document's own title (`<title>`, `og:title`) holds.
    let doc_title = document_title(dom);
    let mut titled: Vec<usize> = Vec::new();
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
            "h1" | "h2" | "h3" => {
                if let Some((a, _)) = r.span(n) {
                    let level = e.name().as_bytes()[1] - b'0';
                    headings.push((a, level));
                    let text = fold(&text_of(dom, n));
                    if text.chars().count() >= 12 && doc_title.iter().any(|t| t.contains(&text)) {
                        titled.push(a);
                    }
                }
            }
            name if is_paragraph(name, &node) => {
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
    // Siblings that belong with the body: scored well themselves, or long plain paragraphs.
    let mut spans = vec![(a, b)];
    let threshold = (score * 0.2).max(10.0);
    if let Some(parent) = tree.get(body).and_then(|n| n.parent()) {
        for sib in parent.children() {
            let id = sib.id();
            if id == body || excluded.contains(&id) {
                continue;
            }
            let Some(e) = sib.value().as_element() else { continue };
            if is_skipped(dom, id, e) {
                continue;
            }
            let Some(span) = r.span(id) else { continue };
            let own = scores.get(&id).copied().unwrap_or(0.0) + name_weight(e);
            let (chars, linked, _) = text_stats(dom, id);
            let density = if chars == 0 { 1.0 } else { linked as f64 / chars as f64 };
            let paragraph = e.name() == "p" && chars > 80 && density < 0.25;
            if own * (1.0 - density) >= threshold || paragraph {
                spans.push(span);
            }
        }
    }
    let first = spans.iter().map(|s| s.0).min().unwrap_or(a);
    let last = spans.iter().map(|s| s.1).max().unwrap_or(b);
    // The title: the heading the document's title names, nearest the body's start; else the
    // last h1 at or before the body's start (within reach), else an h2.
    let reach = first.saturating_sub(40);
    let named = titled.iter().copied().filter(|&l| l <= first && l >= reach).max();
    let named_inside = titled.iter().copied().filter(|&l| l >= first && l <= last).min();
    let title = named.or_else(|| {
        [1u8, 2].iter().find_map(|&level| {
            headings
                .iter()
                .filter(|&&(l, lv)| lv == level && l <= first && l >= reach)
                .map(|&(l, _)| l)
                .max()
        })
    });
    let title = title.or(named_inside).or_else(|| {
        headings
            .iter()
            .filter(|&&(l, lv)| lv <= 2 && l >= first && l <= last)
            .map(|&(l, _)| l)
            .min()
    });
    if let Some(t) = title {
        spans.push((t, t));
    }
    let drop = boilerplate(dom, r, body, &spans, &stats);
    Some(Article { first: title.unwrap_or(first).min(first), last, spans, drop })
}

/// Blocks inside the article that are not its text: elements named as boilerplate (share,
/// related, comment, nav…) and lists or blocks made mostly of links.
fn boilerplate(
    dom: &Dom,
    r: &Rendered,
    body: NodeId,
    spans: &[(usize, usize)],
    stats: &TextStats,
) -> Vec<(usize, usize)> {
    let text_stats = |_: &Dom, id: NodeId| stats.get(id);
    let mut out = Vec::new();
    let Some(root) = dom.html.tree.get(body).and_then(|n| n.parent()) else { return out };
    let inside = |(a, b): (usize, usize)| spans.iter().any(|&(x, y)| a >= x && b <= y);
    let mut stack: Vec<NodeId> = root.children().map(|c| c.id()).collect();
    while let Some(n) = stack.pop() {
        let Some(node) = dom.html.tree.get(n) else { continue };
        let Some(e) = node.value().as_element() else { continue };
        if is_skipped(dom, n, e) {
            continue;
        }
        let Some(span) = r.span(n) else { continue };
        if !inside(span) {
            if spans.iter().any(|&(x, y)| span.0 <= y && span.1 >= x) {
                stack.extend(node.children().map(|c| c.id()));
            }
            continue;
        }
        let block = super::render::is_block(e.name());
        if block && n != body {
            let bad = name_weight(e) < 0.0;
            let (chars, linked, _) = text_stats(dom, n);
            let linky = chars > 0
                && linked * 10 >= chars * 6
                && matches!(
                    e.name(),
                    "ul" | "ol" | "nav" | "div" | "table" | "dl" | "aside" | "section" | "menu"
                );
            if bad || linky || is_bio(e) || matches!(e.name(), "nav" | "aside") {
                out.push(span);
                continue;
            }
        }
        stack.extend(node.children().map(|c| c.id()));
    }
    out
}

/// Makes the article's lines the page's editorial: every rendered line from its title to the
/// end of its body that is not a comment's.
pub fn apply(page: &mut Page, r: &Rendered, a: &Article) {
    let lines = crate::parse::split_lines(&r.text);
    let in_comment = comment_lines(page, lines.len());
    let mut ranges: Vec<LineRange> = Vec::new();
    let within = |i: usize, spans: &[(usize, usize)]| spans.iter().any(|&(x, y)| i >= x && i <= y);
    for i in a.first..=a.last.min(lines.len().saturating_sub(1)) {
        if in_comment[i]
            || lines[i].trim().is_empty()
            || !within(i, &a.spans)
            || within(i, &a.drop)
            || is_furniture(lines[i])
        {
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

/// An author box (a schema.org `Person`, or a block named as a bio or author box): who wrote
/// the article, not the article.
fn is_bio(e: &scraper::node::Element) -> bool {
    if attr(e, &local_name!("itemtype"))
        .is_some_and(|t| t.to_ascii_lowercase().contains("schema.org/person"))
    {
        return true;
    }
    classes(e).chain(e.id()).any(|c| {
        let l: String = c
            .chars()
            .filter(|ch| ch.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        l.contains("authorbio")
            || l.contains("authorbox")
            || l.contains("aboutauthor")
            || l == "bio"
            || l.ends_with("bio")
    })
}

/// Share bars, action words and the fixed phrases around comment sections inside the
/// article's element: not the article.
fn is_furniture(line: &str) -> bool {
    let c = crate::parse::chrome::clean(line);
    let lower = c.to_lowercase();
    let copyright =
        c.starts_with('©') || lower.starts_with("copyright ") || lower.starts_with("(c) ");
    copyright
        || crate::parse::chrome::is_section_chrome(&c)
        || crate::parse::features::is_action_bar(&c)
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
