//! Comments from the markup: which elements are comments, who answers whom, and each
//! comment's author, time and body.
//!
//! What comment sections share, whatever the site:
//! - **Items.** A comment is an element named as one: schema.org `Comment` (`itemtype`,
//!   `itemprop=comment`), a class that is the word "comment" in some spelling (`comment`,
//!   `comment-item`, `commentContainer`, `single-comment`, `kommentar`…), or an id made of that
//!   word and a number (`comment-123`, `li-comment-123`, `c123`). Plural and part names
//!   (`comments`, `comment-list`, `comment-form`, `comment-body`, `comment-author`) are not
//!   items: they are the section, or parts of an item.
//! - **Wrappers.** Many systems wrap a comment in two item elements (`li.comment` around
//!   `div#comment-12`). An item with no text of its own beside the items inside it is such a
//!   wrapper; the comment is the first item inside it.
//! - **Nesting.** A reply sits inside the comment it answers (directly, or in that comment's
//!   wrapper): the parent is exact, whether or not the text says "Reply to".
//! - **Parts.** Inside an item: the author (`author`, `fn`, `vcard`, `username`, `<cite>`,
//!   `itemprop=author`, `rel=author`), the time (`<time datetime>`, `date`/`time`/`meta`
//!   classes holding a stamp, `itemprop=dateCreated`), the body (`content`, `body`, `text`,
//!   `message`, `itemprop=text`); what remains besides action bars is body.
//! - **Split items.** Some systems print a comment as sibling elements (Blogger's
//!   `<dt class=comment-author id=c123>` then `<dd class=comment-body>`): an item without a
//!   body takes the following siblings up to the next item.
//!
//! A set of items is taken as the comment section when most of them have a body and most an
//! author or a time; otherwise the page's comments are left to the text parser.

use super::dom::{attr, attr_named, classes, Dom};
use super::render::{is_skipped, Rendered};
use super::Found;
use crate::parse::features;
use crate::parse::layout::CommentParts;
use crate::parse::{reltime, stamp};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ego_tree::NodeId;
use html5ever::local_name;
use rustc_hash::FxHashMap as HashMap;
use scraper::node::Element;
use scraper::Node;

/// A class or id reduced to its letters, lower-cased: `comment_item-3` → `commentitem`.
fn letters(token: &str) -> String {
    token.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect()
}

/// Whether [`letters`] of `token` is one of `set`: for an ASCII token (nearly all of them)
/// without building the string, as this is asked of every class of every element.
fn letters_in(token: &str, set: &[&str]) -> bool {
    if !token.is_ascii() {
        return set.contains(&letters(token).as_str());
    }
    let mut buf = [0u8; 64];
    let mut n = 0;
    for b in token.bytes().filter(u8::is_ascii_alphabetic) {
        // Longer than any name in the sets.
        let Some(slot) = buf.get_mut(n) else { return false };
        *slot = b.to_ascii_lowercase();
        n += 1;
    }
    set.iter().any(|w| w.as_bytes() == &buf[..n])
}

/// Class names that make an element a comment.
const ITEM_CLASSES: &[&str] = &[
    "comment",
    "commentitem",
    "commentcontainer",
    "commentwrap",
    "commentwrapper",
    "commententry",
    "commentbox",
    "commentblock",
    "commentthread",
    "singlecomment",
    "usercomment",
    "comentario",
    "kommentar",
    "commentaire",
    "reactie",
    "reaction",
];

/// Ids (with a number) that make an element a comment.
const ITEM_IDS: &[&str] = &["comment", "licomment", "divcomment", "commentid", "c", "cmt", "comm"];

fn is_item(e: &Element) -> bool {
    if let Some(t) = attr(e, &local_name!("itemtype")) {
        let t = t.to_ascii_lowercase();
        if t.contains("schema.org/comment") || t.contains("schema.org/usercomments") {
            return true;
        }
    }
    // A microdata item (`itemscope itemprop=comment`); without `itemscope` the property is
    // the comment's text, not the comment.
    if attr(e, &local_name!("itemscope")).is_some()
        && attr(e, &local_name!("itemprop"))
            .is_some_and(|p| p.split_whitespace().any(|p| p.eq_ignore_ascii_case("comment")))
    {
        return true;
    }
    // RDFa (`typeof="sioc:Post sioct:Comment"`).
    if attr_named(e, "typeof")
        .is_some_and(|t| t.split_whitespace().any(|t| t.to_ascii_lowercase().ends_with(":comment")))
    {
        return true;
    }
    if let Some(id) = e.id() {
        if id.chars().any(|c| c.is_ascii_digit()) && letters_in(id, ITEM_IDS) {
            return true;
        }
    }
    classes(e).any(|c| {
        letters_in(c, ITEM_CLASSES) || unprefixed(c).is_some_and(|u| letters_in(u, ITEM_CLASSES))
    })
}

/// A class without a short vendor prefix: `wc-comment` → `comment`, `dsq_comment` →
/// `comment` (prefixes of up to three letters).
fn unprefixed(c: &str) -> Option<&str> {
    let at = c.find(['-', '_'])?;
    (at > 0 && at <= 3 && c[..at].chars().all(|ch| ch.is_ascii_alphabetic())).then(|| &c[at + 1..])
}

/// The nesting level a class prints (`depth-2`, `wc_comment_level-2`, `level-3`), 1-based.
fn class_level(e: &Element) -> Option<usize> {
    e.classes().find_map(|c| {
        let lower = c.to_ascii_lowercase();
        let digits: String = lower.chars().rev().take_while(|ch| ch.is_ascii_digit()).collect();
        let stem = lower[..lower.len() - digits.len()].trim_end_matches(['-', '_']);
        let named = stem.ends_with("depth") || stem.ends_with("level");
        let n: usize = digits.chars().rev().collect::<String>().parse().ok()?;
        (named && (1..=100).contains(&n)).then_some(n)
    })
}

/// The role of an element inside a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Author,
    Time,
    Body,
    Action,
}

fn role(e: &Element) -> Option<Role> {
    let name = e.name();
    if name == "time" {
        return Some(Role::Time);
    }
    if let Some(p) = attr(e, &local_name!("itemprop")).or_else(|| attr(e, &local_name!("property")))
    {
        let p = p.to_ascii_lowercase();
        if p.contains("created") {
            return Some(Role::Time);
        }
        if p.contains("content:encoded") || p == "comment" {
            return Some(Role::Body);
        }
        if p.contains("author") || p.contains("creator") {
            return Some(Role::Author);
        }
        if p.contains("date") {
            return Some(Role::Time);
        }
        if p == "text" || p.contains("commenttext") || p == "articlebody" {
            return Some(Role::Body);
        }
    }
    if attr(e, &local_name!("rel"))
        .is_some_and(|r| r.split_whitespace().any(|r| r.eq_ignore_ascii_case("author")))
    {
        return Some(Role::Author);
    }
    let tokens: Vec<String> = classes(e).map(letters).chain(e.id().map(letters)).collect();
    let has = |want: &[&str]| tokens.iter().any(|t| want.iter().any(|w| t.contains(w)));
    let is = |want: &[&str]| tokens.iter().any(|t| want.contains(&t.as_str()));
    if has(&[
        "reply",
        "action",
        "vote",
        "like",
        "share",
        "report",
        "flag",
        "rating",
        "permalink",
        "edit",
        "tools",
        "karma",
    ]) && !has(&["replyto", "author", "date", "time"])
    {
        return Some(Role::Action);
    }
    if is(&["fn", "nickname", "vcard", "name", "user", "poster", "commenter", "byline", "nick"])
        || has(&["author", "username", "commentername", "userlink", "posterinfo"])
    {
        return Some(Role::Author);
    }
    if has(&["date", "time", "posted", "published", "ago", "meta"]) {
        return Some(Role::Time);
    }
    if has(&["content", "body", "text", "message", "entry", "copy"]) {
        return Some(Role::Body);
    }
    if name == "cite" {
        return Some(Role::Author);
    }
    None
}

/// What the first pass over the tree learns about the item elements.
struct Items {
    /// Item elements in document order.
    order: Vec<NodeId>,
    /// Letters of text directly in each item (not inside a nested item).
    own: HashMap<NodeId, usize>,
    /// The first kept item inside each item element (itself when kept).
    first_kept: HashMap<NodeId, NodeId>,
    /// The nearest item ancestor of each item.
    up: HashMap<NodeId, NodeId>,
}

fn scan(dom: &Dom) -> Items {
    let tree = &dom.html.tree;
    let mut order = Vec::new();
    let mut own: HashMap<NodeId, usize> = HashMap::default();
    let mut up: HashMap<NodeId, NodeId> = HashMap::default();
    // (node, entering, is_item)
    let mut stack: Vec<(NodeId, bool, bool)> = vec![(tree.root().id(), true, false)];
    let mut open: Vec<NodeId> = Vec::new();
    while let Some((id, entering, item)) = stack.pop() {
        if !entering {
            if item {
                open.pop();
            }
            continue;
        }
        let Some(node) = tree.get(id) else { continue };
        match node.value() {
            Node::Text(t) => {
                if let Some(&owner) = open.last() {
                    *own.entry(owner).or_insert(0) +=
                        t.chars().filter(|c| c.is_alphanumeric()).count();
                }
            }
            Node::Element(e) => {
                if is_skipped(dom, id, e) {
                    continue;
                }
                let item = is_item(e);
                if item {
                    if let Some(&p) = open.last() {
                        up.insert(id, p);
                    }
                    order.push(id);
                    open.push(id);
                    own.entry(id).or_insert(0);
                }
                stack.push((id, false, item));
                let children: Vec<NodeId> = node.children().map(|c| c.id()).collect();
                stack.extend(children.into_iter().rev().map(|c| (c, true, false)));
            }
            Node::Document | Node::Fragment => {
                let children: Vec<NodeId> = node.children().map(|c| c.id()).collect();
                stack.extend(children.into_iter().rev().map(|c| (c, true, false)));
            }
            _ => {}
        }
    }
    let mut items = Items { order, own, first_kept: HashMap::default(), up };
    items.mark_first_kept();
    items
}

impl Items {
    /// The first kept item inside each item: kept items mark their item ancestors, nearest
    /// first, until one is marked already (it then has an earlier first).
    fn mark_first_kept(&mut self) {
        let mut first_kept: HashMap<NodeId, NodeId> = HashMap::default();
        for &id in &self.order {
            if !self.kept(id) {
                continue;
            }
            let mut at = Some(id);
            while let Some(a) = at {
                if first_kept.contains_key(&a) {
                    break;
                }
                first_kept.insert(a, id);
                at = self.up.get(&a).copied();
            }
        }
        self.first_kept = first_kept;
    }

    /// Takes an element out of the items (a section that was named like a comment): the
    /// items inside it hang from its own item ancestor.
    fn forget(&mut self, id: NodeId) {
        let above = self.up.remove(&id);
        for v in self.up.values_mut() {
            if *v == id {
                match above {
                    Some(a) => *v = a,
                    None => *v = id,
                }
            }
        }
        self.up.retain(|k, v| *v != id || *k == id);
        self.order.retain(|&o| o != id);
        self.own.remove(&id);
    }

    fn kept(&self, id: NodeId) -> bool {
        self.own.get(&id).copied().unwrap_or(0) >= 2
    }

    /// The comment a kept item answers: the nearest item ancestor that is another comment,
    /// or a wrapper whose comment is another one.
    fn parent(&self, id: NodeId) -> Option<NodeId> {
        let mut at = self.up.get(&id).copied();
        while let Some(a) = at {
            if self.kept(a) {
                return Some(a);
            }
            match self.first_kept.get(&a) {
                Some(&f) if f != id => return Some(f),
                _ => {}
            }
            at = self.up.get(&a).copied();
        }
        None
    }
}

/// The page's comment section, when the markup shows one.
pub fn find(dom: &Dom, r: &Rendered) -> Option<Found> {
    let mut items = scan(dom);
    // A section named like a comment (`comment-wrapper` around the list) holds comments but
    // has neither author nor time of its own: it is read again as a wrapper.
    for _ in 0..2 {
        let (found, sections) = find_with(dom, r, &items);
        if sections.is_empty() {
            return found;
        }
        for id in sections {
            items.forget(id);
        }
        items.mark_first_kept();
    }
    find_with(dom, r, &items).0
}

fn find_with(dom: &Dom, r: &Rendered, items: &Items) -> (Option<Found>, Vec<NodeId>) {
    let kept: Vec<NodeId> = items.order.iter().copied().filter(|&id| items.kept(id)).collect();
    if kept.is_empty() {
        return (None, Vec::new());
    }
    let holds_items: rustc_hash::FxHashSet<NodeId> = kept
        .iter()
        .flat_map(|&id| {
            let mut ups = Vec::new();
            let mut at = items.up.get(&id).copied();
            while let Some(a) = at {
                ups.push(a);
                at = items.up.get(&a).copied();
            }
            ups
        })
        .collect();
    let mut sections = Vec::new();
    let lines = crate::parse::split_lines(&r.text);
    // Each rendered line belongs to the deepest item whose element covers it: items come in
    // document order, so a reply, coming after its parent, takes its own lines.
    let mut owner: Vec<Option<usize>> = vec![None; lines.len()];
    let mut scopes: Vec<Vec<NodeId>> = Vec::with_capacity(kept.len());
    for (k, &id) in kept.iter().enumerate() {
        let scope = scope_of(dom, r, items, id, &lines);
        for &root in &scope {
            if let Some((a, b)) = r.span(root) {
                for o in owner.iter_mut().take(b + 1).skip(a) {
                    *o = Some(k);
                }
            }
        }
        scopes.push(scope);
    }
    let index: HashMap<NodeId, usize> = kept.iter().enumerate().map(|(k, &id)| (id, k)).collect();
    let mut depth = vec![0usize; kept.len()];
    let mut out = Vec::with_capacity(kept.len());
    let mut nodes = Vec::with_capacity(kept.len());
    for (k, &id) in kept.iter().enumerate() {
        let mine: Vec<usize> = (0..lines.len()).filter(|&i| owner[i] == Some(k)).collect();
        let (Some(&a), Some(&b)) = (mine.first(), mine.last()) else { continue };
        let parent = items.parent(id).or_else(|| reply_container_parent(dom, items, id));
        depth[k] = parent.and_then(|p| index.get(&p)).map_or(0, |&p| depth[p] + 1);
        let mut parts = parts_of(dom, r, items, &scopes[k], id, &lines, &mine);
        parts.header_line = a + 1;
        parts.native_id =
            dom.html.tree.get(id).and_then(|n| n.value().as_element()).and_then(native_id);
        if parts.author.is_none() && parts.posted_text.is_none() && holds_items.contains(&id) {
            sections.push(id);
        }
        // Flat markup that prints the level instead of nesting: a class (`depth-2`) or the
        // text ("level 2", Reddit).
        if depth[k] == 0 {
            let by_class =
                dom.html.tree.get(id).and_then(|n| n.value().as_element().and_then(class_level));
            if let Some(level) = by_class.or_else(|| printed_level(&lines, &mine)) {
                depth[k] = level - 1;
            }
        }
        parts.level = Some(depth[k] + 1);
        out.push(((a, b), parts));
        nodes.push(id);
    }
    if !sections.is_empty() {
        return (None, sections);
    }
    let n = out.len();
    if n == 0 {
        return (None, sections);
    }
    let with_body = out.iter().filter(|(_, p)| !p.body.is_empty()).count();
    let with_header =
        out.iter().filter(|(_, p)| p.author.is_some() || p.posted_text.is_some()).count();
    let both = out.iter().filter(|(_, p)| p.author.is_some() && p.posted_text.is_some()).count();
    let ok = with_body * 10 >= n * 6 && with_header * 2 >= n && (n >= 2 || both == 1);
    if !ok {
        return (None, sections);
    }
    let confidence = (0.5 + 0.5 * (with_header as f64 / n as f64)).min(0.99);
    (Some(Found { items: out, nodes, confidence }), sections)
}

/// Replies kept after their parent rather than inside it (Drupal's `<div class=indented>`,
/// `children`, `replies` right after the comment they answer): the parent is the comment
/// the container follows.
fn reply_container_parent(dom: &Dom, items: &Items, id: NodeId) -> Option<NodeId> {
    const CONTAINERS: &[&str] = &[
        "indented",
        "children",
        "replies",
        "commentchildren",
        "commentreplies",
        "subcomments",
        "replylist",
    ];
    let mut at = dom.html.tree.get(id)?.parent();
    for _ in 0..6 {
        let Some(node) = at else { break };
        let Some(e) = node.value().as_element() else { break };
        if classes(e).any(|c| letters_in(c, CONTAINERS)) {
            let prev = node.prev_siblings().find(|s| s.value().is_element())?;
            if items.kept(prev.id()) {
                return Some(prev.id());
            }
            return items.first_kept.get(&prev.id()).copied();
        }
        at = node.parent();
    }
    None
}

/// The elements that make up a comment: the item itself, and for an item without a body of
/// its own (a header element), the siblings after it up to the next item.
fn scope_of(dom: &Dom, r: &Rendered, items: &Items, id: NodeId, lines: &[&str]) -> Vec<NodeId> {
    let mut scope = vec![id];
    let own_lines = r.span(id).map_or(0, |(a, b)| {
        (a..=b).filter(|&i| lines.get(i).is_some_and(|l| !l.trim().is_empty())).count()
    });
    if own_lines > 1 || items.up.contains_key(&id) && items.own.get(&id).copied().unwrap_or(0) > 80
    {
        return scope;
    }
    let Some(node) = dom.html.tree.get(id) else { return scope };
    let mut sib = node.next_sibling();
    let mut taken = 0;
    while let Some(s) = sib {
        if taken >= 4 {
            break;
        }
        if let Some(e) = s.value().as_element() {
            let holds_item =
                is_item(e) || s.descendants().any(|d| d.value().as_element().is_some_and(is_item));
            if holds_item {
                break;
            }
            scope.push(s.id());
            taken += 1;
        }
        sib = s.next_sibling();
    }
    scope
}

/// Text of an element as one line, white space collapsed, hidden parts left out.
fn text_of(dom: &Dom, id: NodeId) -> String {
    let mut out = String::new();
    let mut stack = vec![id];
    while let Some(n) = stack.pop() {
        let Some(node) = dom.html.tree.get(n) else { continue };
        match node.value() {
            Node::Text(t) => {
                out.push_str(t);
            }
            Node::Element(e) => {
                if is_skipped(dom, n, e) {
                    continue;
                }
                if e.name() == "br" {
                    out.push(' ');
                }
                let children: Vec<NodeId> = node.children().map(|c| c.id()).collect();
                stack.extend(children.into_iter().rev());
            }
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The elements inside a comment's scope with a role, in document order, not entering nested
/// comments (items other than this one and its own wrappers).
fn roles_in(dom: &Dom, items: &Items, scope: &[NodeId], me: NodeId) -> Vec<(NodeId, Role)> {
    let mut out = Vec::new();
    for &root in scope {
        let mut stack = vec![(root, true)];
        while let Some((n, is_root)) = stack.pop() {
            let Some(node) = dom.html.tree.get(n) else { continue };
            let Some(e) = node.value().as_element() else { continue };
            if is_skipped(dom, n, e) {
                continue;
            }
            if !is_root && n != me && is_item(e) && items.first_kept.get(&n) != Some(&me) {
                continue;
            }
            if !is_root {
                if let Some(role) = role(e) {
                    out.push((n, role));
                    // A part's own parts are not looked into, except a header holding the
                    // time (a `meta` block with author and date).
                    if role != Role::Author && role != Role::Time {
                        continue;
                    }
                }
            }
            let children: Vec<NodeId> = node.children().map(|c| c.id()).collect();
            stack.extend(children.into_iter().rev().map(|c| (c, false)));
        }
    }
    out
}

/// "level N" among a comment's first lines (N ≥ 1).
fn printed_level(lines: &[&str], mine: &[usize]) -> Option<usize> {
    mine.iter().filter(|&&i| !lines[i].trim().is_empty()).take(3).find_map(|&i| {
        let l = lines[i].trim().to_ascii_lowercase();
        l.strip_prefix("level ")?.trim().parse::<usize>().ok().filter(|&n| (1..=100).contains(&n))
    })
}

/// The comment system's own id on an item element: `data-comment-id`, `data-id`, else an
/// `id` with a digit in it (`comment-123`, `li-comment-123`; not `comments` or `respond`,
/// which name sections). Values past 128 bytes are payloads, not ids.
fn native_id(e: &Element) -> Option<String> {
    ["data-comment-id", "data-commentid", "data-id", "id"]
        .iter()
        .filter_map(|a| attr_named(e, a))
        .map(str::trim)
        .find(|v| !v.is_empty() && v.len() <= 128 && v.bytes().any(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

fn clean_author(s: &str) -> Option<String> {
    if s.trim().to_ascii_lowercase().starts_with("level ")
        && s.trim()[6..].trim().parse::<u32>().is_ok()
    {
        return None;
    }
    let mut t = s.trim().trim_end_matches(['.', '…']).trim().to_string();
    let lower = t.to_lowercase();
    for suffix in [
        " says:",
        " says",
        " said:",
        " said",
        " wrote:",
        " writes:",
        " schreibt:",
        " sagt:",
        " meint:",
        " dit :",
        " dit:",
        " a dit",
        " commented:",
        ":",
    ] {
        if lower.ends_with(suffix) {
            t.truncate(t.len() - suffix.len());
            break;
        }
    }
    for prefix in ["by ", "By ", "von ", "Von ", "Posted by ", "posted by "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
        }
    }
    let t = t.trim().trim_end_matches([',', '|', '-', '·']).trim().to_string();
    (!t.is_empty() && t.chars().count() <= 60 && t.split_whitespace().count() <= 8).then_some(t)
}

/// A `datetime` attribute with a zone, as an instant.
fn exact_time(datetime: &str) -> Option<DateTime<Utc>> {
    let s = datetime.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    None
}

/// A time element's or attribute's text as a stamp a reader sees: the stamp found in it.
fn stamp_text(text: &str) -> Option<String> {
    let c = crate::parse::chrome::clean(text);
    if c.is_empty() || c.chars().count() > 120 {
        return None;
    }
    if let Some(s) = features::stamp_line(&c) {
        return Some(s.text);
    }
    if reltime::parse(&c).is_some() {
        return Some(c);
    }
    stamp::find(&c).map(|s| c[s.start..s.end].to_string())
}

/// A `datetime` value without a zone, kept as written (a date or a local time).
fn plain_datetime(s: &str) -> bool {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S").is_ok()
        || NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").is_ok()
        || NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").is_ok()
}

fn parts_of(
    dom: &Dom,
    r: &Rendered,
    items: &Items,
    scope: &[NodeId],
    me: NodeId,
    lines: &[&str],
    mine: &[usize],
) -> CommentParts {
    let roles = roles_in(dom, items, scope, me);
    let mut parts = CommentParts::default();
    let mut header_lines: Vec<usize> = Vec::new();
    let mark = |id: NodeId, header_lines: &mut Vec<usize>| {
        if let Some((a, b)) = r.span(id) {
            header_lines.extend(a..=b);
        }
    };
    // Time first: a header block can hold both, and the author is then what is left. An
    // element with a machine-readable time (`<time datetime>`) before any other.
    let mut times: Vec<NodeId> =
        roles.iter().filter(|(_, role)| *role == Role::Time).map(|&(id, _)| id).collect();
    let machine = |id: &NodeId| {
        dom.html.tree.get(*id).and_then(|n| n.value().as_element()).is_some_and(|e| {
            attr(e, &local_name!("datetime")).is_some()
                || (attr(e, &local_name!("itemprop")).is_some()
                    && attr(e, &local_name!("content")).is_some())
        })
    };
    times.sort_by_key(|id| !machine(id));
    for id in times {
        if parts.posted_text.is_some() {
            break;
        }
        let Some(e) = dom.html.tree.get(id).and_then(|n| n.value().as_element()) else {
            continue;
        };
        let text = text_of(dom, id);
        let datetime = attr(e, &local_name!("datetime"))
            .or_else(|| attr(e, &local_name!("content")))
            .or_else(|| attr(e, &local_name!("title")));
        let exact = datetime.and_then(exact_time);
        let written = stamp_text(&text).or_else(|| {
            datetime.filter(|d| exact_time(d).is_some() || plain_datetime(d)).map(|d| {
                if text.trim().is_empty() {
                    d.trim().to_string()
                } else {
                    text.clone()
                }
            })
        });
        if let Some(w) = written {
            parts.posted_text = Some(w);
            parts.posted_exact = exact;
            // A time block that is only the stamp is header; one with more (a meta line
            // with the author) is read for the author below.
            if text.chars().count()
                <= parts.posted_text.as_ref().map_or(0, |p| p.chars().count()) + 12
            {
                mark(id, &mut header_lines);
            }
        }
    }
    for &(id, role) in &roles {
        if role != Role::Author || parts.author.is_some() {
            continue;
        }
        let mut text = text_of(dom, id);
        if let Some(p) = &parts.posted_text {
            if let Some(at) = text.find(p.as_str()) {
                text.replace_range(at..at + p.len(), " ");
            }
        }
        if let Some(a) = clean_author(&text) {
            parts.author = Some(a);
            mark(id, &mut header_lines);
        }
    }
    for &(id, role) in &roles {
        if role == Role::Action {
            mark(id, &mut header_lines);
        }
    }
    // Header lines from the text when the markup named no parts.
    let first_lines: Vec<usize> =
        mine.iter().copied().filter(|&i| !lines[i].trim().is_empty()).take(3).collect();
    let first_text: Vec<&str> = first_lines.iter().map(|&i| lines[i]).collect();
    let kinds = features::classify(&first_text);
    for (j, &i) in first_lines.iter().enumerate() {
        // Vote counts, action bars and printed levels are not names.
        if kinds[j].is_action() || matches!(kinds[j].kind, features::Kind::Level(_)) {
            header_lines.push(i);
            continue;
        }
        let c = crate::parse::chrome::clean(lines[i]);
        if let Some(s) = features::stamp_line(&c) {
            if parts.posted_text.is_none() {
                parts.posted_text = Some(s.text.clone());
                header_lines.push(i);
            }
            if parts.author.is_none() {
                // "39 points · 6 years ago": a counted word is a unit, not a name.
                let counted = |n: &str| {
                    c.find(n).is_some_and(|at| {
                        c[..at].trim_end().chars().last().is_some_and(|ch| ch.is_ascii_digit())
                    })
                };
                if let Some(n) = s.name.filter(|n| !counted(n)) {
                    parts.author = clean_author(&n);
                    header_lines.push(i);
                }
            }
            if s.reply_to.is_some() {
                parts.reply_to = s.reply_to;
            }
        } else if parts.author.is_none() && i == first_lines[0] && first_lines.len() > 1 {
            if let Some(n) = features::name_line(&c) {
                parts.author = clean_author(&n);
                header_lines.push(i);
            }
        }
    }
    // The body: the body element when there is one with text, else every line that is not
    // header or action.
    let bodies: Vec<NodeId> = roles
        .iter()
        .filter(|(_, role)| *role == Role::Body)
        .map(|&(id, _)| id)
        .filter(|&id| r.span(id).is_some())
        .collect();
    let body_lines: Vec<usize> = if bodies.is_empty() {
        mine.iter().copied().filter(|i| !header_lines.contains(i)).collect()
    } else {
        let mut v: Vec<usize> = bodies
            .iter()
            .filter_map(|&id| r.span(id))
            .flat_map(|(a, b)| a..=b)
            .filter(|i| mine.contains(i) && !header_lines.contains(i))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut body: Vec<&str> = body_lines
        .iter()
        .map(|&i| lines[i].trim())
        .filter(|l| !features::is_action_bar(l))
        .collect();
    while body.first().is_some_and(|l| l.is_empty()) {
        body.remove(0);
    }
    while body.last().is_some_and(|l| l.is_empty()) {
        body.pop();
    }
    if let Some(last) = body.last() {
        let lower = last.to_lowercase();
        if lower.starts_with("read more") || lower.ends_with("more »") || lower == "more" {
            parts.truncated = true;
            body.pop();
        }
    }
    parts.body = body.join("\n").trim().to_string();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::html::dom::{build, Built};
    use crate::parse::html::render::render;

    fn found(html: &str) -> Option<Found> {
        let Built::Tree(d) = build(html) else { panic!() };
        let r = render(&d, None);
        find(&d, &r)
    }

    #[test]
    fn letters_in_agrees_with_letters() {
        let set = &["comment", "commentitem", "k", "c"];
        for t in [
            "comment",
            "Comment_Item-3",
            "wc-comment",
            "x",
            "",
            "ＣＯＭＭＥＮＴ",
            "\u{212a}",
            "İtem",
        ] {
            assert_eq!(letters_in(t, set), set.contains(&letters(t).as_str()), "{t:?}");
        }
        assert!(letters_in("COMMENT-42", set));
        assert!(!letters_in(&"comment".repeat(20), set));
    }

    proptest::proptest! {
        #[test]
        fn letters_in_is_letters_then_contains(t in "[a-zA-Z0-9_\\-İK\u{212a}é]{0,80}") {
            for set in [ITEM_CLASSES, ITEM_IDS] {
                proptest::prop_assert_eq!(letters_in(&t, set), set.contains(&letters(&t).as_str()));
            }
        }
    }

    const WORDPRESS: &str = r##"<html><body><article><h1>Title</h1><p>Article text.</p></article>
<ol class="commentlist">
<li class="comment even depth-1" id="li-comment-1"><div id="comment-1">
 <div class="comment-author vcard"><cite class="fn">Ann</cite> <span class="says">says:</span></div>
 <div class="comment-meta commentmetadata"><a href="#c1">July 11, 2011 at 12:25 pm</a></div>
 <p>First comment here.</p>
 <div class="reply"><a class="comment-reply-link">Reply</a></div></div>
 <ul class="children">
 <li class="comment odd depth-2" id="li-comment-2"><div id="comment-2">
  <div class="comment-author vcard"><cite class="fn">Bob</cite> <span class="says">says:</span></div>
  <div class="comment-meta commentmetadata"><a href="#c2">July 11, 2011 at 1:00 pm</a></div>
  <p>A reply to Ann.</p></div></li>
 </ul></li>
<li class="comment even depth-1" id="li-comment-3"><div id="comment-3">
 <div class="comment-author vcard"><cite class="fn">Cy</cite> <span class="says">says:</span></div>
 <div class="comment-meta commentmetadata"><a href="#c3">July 12, 2011 at 9:00 am</a></div>
 <p>Second thread.</p></div></li>
</ol></body></html>"##;

    #[test]
    fn wordpress_threads_from_nesting() {
        let f = found(WORDPRESS).expect("comments");
        type Row<'a> = (Option<&'a str>, Option<&'a str>, &'a str, Option<usize>);
        let got: Vec<Row> = f
            .items
            .iter()
            .map(|(_, p)| (p.author.as_deref(), p.posted_text.as_deref(), p.body.as_str(), p.level))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("Ann"), Some("July 11, 2011 at 12:25 pm"), "First comment here.", Some(1)),
                (Some("Bob"), Some("July 11, 2011 at 1:00 pm"), "A reply to Ann.", Some(2)),
                (Some("Cy"), Some("July 12, 2011 at 9:00 am"), "Second thread.", Some(1)),
            ]
        );
    }

    #[test]
    fn schema_org_comments_with_exact_times() {
        let html = r#"<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">Dee</span>
<time datetime="2024-03-01T10:00:00+01:00">1 March</time><div itemprop="text">Nice piece.</div></div>
<div itemscope itemtype="https://schema.org/Comment"><span itemprop="author">Eve</span>
<time datetime="2024-03-01T11:30:00Z">1 March</time><div itemprop="text">I disagree.</div></div>"#;
        let f = found(html).expect("comments");
        assert_eq!(f.items.len(), 2);
        let p = &f.items[0].1;
        assert_eq!(p.author.as_deref(), Some("Dee"));
        assert_eq!(
            p.posted_exact.map(|t| t.to_rfc3339()).as_deref(),
            Some("2024-03-01T09:00:00+00:00")
        );
        assert_eq!(p.body, "Nice piece.");
    }

    #[test]
    fn lists_without_comment_structure_are_not_comments() {
        let html = r#"<ul class="related"><li><a href="/a">Other story</a> <span class="date">May 1, 2024</span></li>
<li><a href="/b">Another story</a> <span class="date">May 2, 2024</span></li></ul>"#;
        assert!(found(html).is_none());
    }
}
