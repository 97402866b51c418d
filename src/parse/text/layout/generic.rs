//! The layout-general record finder.
//!
//! A comment record is found by its parts (see [`features`]) and by their repetition down
//! the page. Timestamp lines are the anchors: every comment system prints one per comment,
//! as a line of its own ("1 hour ago"), after the name ("NAME am 18. Oktober 2023 - 13:11",
//! "Ruby21:00"), or at the end of an action bar ("Like · Reply · 2h"). Anchors are grouped by
//! how they are built (alone / after a name / in an action bar) and whether they close the
//! record (a footer: the line before is an action bar, as in wpDiscuz 5) or open it; the group
//! with the most evidence is the comment list. Dates without a clock time weigh little, so
//! that article dates and "related articles" lists do not become comments.
//!
//! Header records run from the name (or `level N`, vote, `·` furniture) above the anchor to
//! the next record's header; the body ends at the first action bar. Footer records run from
//! the line after the previous footer to their own anchor; their first line is the name.
//! Reply markers are read from the header ("Reply to  X", "NAME → X") and the body's first
//! line ("@X", "X said:" or "Zitat X:" + quote, "X :" + quote, a leading known name).
//! Everything is linear: each anchor looks at a bounded window around it.

use super::judge;
use super::{CommentParts, Extraction};
use crate::parse::features::{self, Form, Kind, Line};
use crate::parse::{chrome, editorial, LineClass};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group {
    footer: bool,
    form: Form,
}

#[derive(Debug, Clone, Copy)]
struct Anchor {
    line: usize,
    group: Group,
    q: f64,
    precise: bool,
}

/// Most lines a header may take above its anchor.
const HEADER_REACH: usize = 6;
/// Most lines between two anchors of one comment list.
const MAX_GAP: usize = 250;

fn prev_nonblank(f: &[Line], i: usize, within: usize) -> Option<usize> {
    (i.saturating_sub(within)..i).rev().find(|&j| !f[j].is_blank())
}

fn next_nonblank(f: &[Line], i: usize, within: usize) -> Option<usize> {
    (i + 1..f.len().min(i + 1 + within)).find(|&j| !f[j].is_blank())
}

fn anchors(f: &[Line]) -> Vec<Anchor> {
    let mut out = Vec::new();
    for (i, l) in f.iter().enumerate() {
        let Some(s) = l.stamp() else { continue };
        let precise =
            s.stamp.is_precise() && !(s.stamp.is_clock_only() && s.form == Form::TimeOnly);
        let prev = prev_nonblank(f, i, 3).map(|j| &f[j]);
        // An article's dateline under its byline is not a comment.
        if prev.is_some_and(|p| p.kind == Kind::Text && editorial::is_byline(&p.clean)) {
            continue;
        }
        let next = next_nonblank(f, i, 3).map(|j| &f[j]);
        let footer = s.form == Form::ActionTime
            || (s.form == Form::TimeOnly && prev.is_some_and(Line::is_action));
        let mut q = if precise { 1.0 } else { 0.3 };
        if s.form == Form::NameTime {
            q += 0.5;
        }
        let name_before = prev.is_some_and(|p| {
            matches!(p.kind, Kind::Says(_) | Kind::Handle { .. } | Kind::Level(_) | Kind::Sep)
                || p.is_name_like()
        });
        if !footer && s.form == Form::TimeOnly && name_before {
            q += 0.5;
        }
        if footer && next.is_none_or(|n| n.is_name_like() || n.kind == Kind::Role) {
            q += 0.5;
        }
        out.push(Anchor { line: i, group: Group { footer, form: s.form }, q, precise });
    }
    out
}

/// The candidate comment lists: for each group of anchors, its runs without huge gaps that
/// carry enough evidence, strongest first (at most `MAX_RUNS`). A run whose first anchor may
/// be the article's own dateline is also offered without it.
fn runs(f: &[Line], all: &[Anchor]) -> Vec<(Vec<Anchor>, bool)> {
    let mut found: Vec<(f64, Vec<Anchor>, bool)> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for a in all {
        if !groups.contains(&a.group) {
            groups.push(a.group);
        }
    }
    for g in groups {
        let members: Vec<Anchor> = all.iter().copied().filter(|a| a.group == g).collect();
        let precise = members.iter().filter(|a| a.precise).count();
        let members: Vec<Anchor> = if precise * 2 >= members.len() && precise > 0 {
            members.into_iter().filter(|a| a.precise).collect()
        } else {
            members
        };
        let mut start = 0;
        for k in 1..=members.len() {
            if k == members.len() || members[k].line - members[k - 1].line > MAX_GAP {
                let run = after_heading(f, trim_leading_outliers(&members[start..k]));
                let score: f64 = run.iter().map(|a| a.q).sum();
                if score >= 1.4 {
                    found.push((score, run.to_vec(), false));
                    if run.len() >= 3 {
                        found.push((score - run[0].q, run[1..].to_vec(), true));
                    }
                }
                start = k;
            }
        }
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.truncate(MAX_RUNS);
    found.into_iter().map(|(_, v, trimmed)| (v, trimmed)).collect()
}

/// Most candidate runs handed to the judge.
const MAX_RUNS: usize = 6;

/// Drops the anchors of a run that stand above a comment heading when at least two come
/// after it: a comment list starts under its heading, and what is dated above it (the
/// article's "Posted by NAME at TIME") is not a comment.
fn after_heading<'a>(f: &[Line], run: &'a [Anchor]) -> &'a [Anchor] {
    let (Some(first), Some(last)) = (run.first(), run.last()) else { return run };
    let Some(h) = (first.line + 1..last.line).find(|&j| f[j].heading) else { return run };
    let keep = run.iter().position(|a| a.line > h).unwrap_or(run.len());
    if run.len() - keep >= 2 {
        &run[keep..]
    } else {
        run
    }
}

/// Drops anchors at the head of a run that stand far above the rest (an article's date line
/// above a list of regularly spaced comments).
fn trim_leading_outliers(run: &[Anchor]) -> &[Anchor] {
    let mut run = run;
    while run.len() >= 3 {
        let mut gaps: Vec<usize> = run.windows(2).map(|w| w[1].line - w[0].line).collect();
        let first = gaps[0];
        gaps.sort_unstable();
        let median = gaps[gaps.len() / 2];
        if first > 40 && first > 4 * median {
            run = &run[1..];
        } else {
            break;
        }
    }
    run
}

/// A comment as found, with 0-based line indices.
#[derive(Debug, Clone, Default)]
struct Record {
    start: usize,
    /// Exclusive end of the lines the record owns.
    end: usize,
    body_start: usize,
    body_end: usize,
    author: Option<String>,
    handle: Option<String>,
    posted_text: Option<String>,
    reply_to: Option<String>,
    level: Option<usize>,
}

fn same_name(a: &str, b: &str) -> bool {
    let a = a.trim().to_lowercase();
    let b = b.trim().to_lowercase();
    a == b || a.starts_with(&b) || b.starts_with(&a)
}

/// Walks up from a header anchor over the header's furniture; returns the first header line
/// and fills in author, handle and level.
fn header_start(f: &[Line], a: usize, floor: usize, r: &mut Record) -> usize {
    let mut k = a;
    let mut names = 0;
    let mut from_text = false;
    while k > floor && a - k < HEADER_REACH {
        let l = &f[k - 1];
        match &l.kind {
            Kind::Sep | Kind::Vote | Kind::Role => {}
            Kind::Level(n) => {
                r.level = Some(*n);
                k -= 1;
                break;
            }
            Kind::Handle { name, handle } => {
                if r.author.as_deref().is_some_and(|x| !same_name(x, name)) {
                    break;
                }
                r.author.get_or_insert_with(|| name.clone());
                r.handle.get_or_insert_with(|| handle.clone());
                names += 1;
            }
            Kind::Says(name) => {
                if r.author.as_deref().is_some_and(|x| !same_name(x, name)) {
                    break;
                }
                r.author.get_or_insert_with(|| name.clone());
                names += 1;
            }
            Kind::Text if l.is_name_like() => match &r.author {
                None if names == 0 => {
                    r.author = Some(l.clean.clone());
                    names += 1;
                    from_text = true;
                }
                Some(x) if same_name(x, &l.clean) => names += 1,
                // Guardian: "AUTHOR" / "PARENT" / time, with a clear record boundary above.
                Some(_)
                    if from_text
                        && names == 1
                        && r.reply_to.is_none()
                        && boundary_above(f, k - 1, floor) =>
                {
                    r.reply_to = r.author.replace(l.clean.clone());
                    names += 1;
                }
                _ => break,
            },
            _ => break,
        }
        k -= 1;
    }
    k
}

/// True when the line before `j` (blank lines skipped) ends a record or opens the list: an
/// action bar, chrome, a stamp, or nothing.
fn boundary_above(f: &[Line], j: usize, floor: usize) -> bool {
    match prev_nonblank(f, j, 4) {
        Some(p) if p >= floor => {
            f[p].is_action() || matches!(f[p].kind, Kind::Chrome | Kind::Stamp(_) | Kind::Role)
        }
        Some(_) => true,
        None => j.saturating_sub(floor) < 4,
    }
}

/// Skips the lines between a header anchor and the body; returns the body's first line.
fn header_tail(f: &[Line], a: usize, limit: usize, r: &mut Record) -> usize {
    let mut j = a + 1;
    while j < limit {
        match &f[j].kind {
            Kind::Sep | Kind::Edited | Kind::Role | Kind::Blank | Kind::Vote => {}
            Kind::ReplyTo(name) => {
                r.reply_to.get_or_insert_with(|| name.clone());
            }
            Kind::Handle { name, handle }
                if r.author.as_deref().is_some_and(|x| same_name(x, name)) =>
            {
                r.handle.get_or_insert_with(|| handle.clone());
            }
            _ => break,
        }
        j += 1;
    }
    j
}

fn is_stop(l: &Line) -> bool {
    matches!(l.kind, Kind::Chrome | Kind::Stamp(_))
}

fn short(l: &Line) -> bool {
    !l.is_blank() && l.words <= 3 && !l.clean.ends_with(['.', '!', '?'])
}

/// Where the last record ends when no footer or next header says so: at chrome, at a run of
/// three short lines (navigation), or after `cap` lines.
fn open_end(f: &[Line], from: usize, cap: usize) -> usize {
    let limit = f.len().min(from + cap);
    let mut j = from;
    while j < limit {
        if is_stop(&f[j]) {
            return j;
        }
        if j + 2 < f.len() && short(&f[j]) && short(&f[j + 1]) && short(&f[j + 2]) {
            return j;
        }
        j += 1;
    }
    limit
}

fn header_records(f: &[Line], anchors: &[usize]) -> Vec<Record> {
    let mut recs: Vec<Record> = Vec::with_capacity(anchors.len());
    let mut floor = 0;
    for &a in anchors {
        let s = f[a].stamp().expect("anchor is a stamp line");
        let mut r = Record {
            author: s.name.clone(),
            posted_text: Some(s.text.clone()),
            reply_to: s.reply_to.clone(),
            ..Record::default()
        };
        r.start = header_start(f, a, floor, &mut r);
        floor = a + 1;
        recs.push(r);
    }
    // Body and end: up to the next record's header.
    let n = recs.len();
    let mut with_actions = 0;
    for k in 0..n {
        let a = anchors[k];
        let next_start = if k + 1 < n { recs[k + 1].start } else { f.len() };
        let mut r = std::mem::take(&mut recs[k]);
        r.body_start = header_tail(f, a, next_start, &mut r);
        let limit = if k + 1 < n { next_start } else { open_end(f, r.body_start, 400) };
        let action = (r.body_start..limit).find(|&j| f[j].kind == Kind::Action);
        match action {
            Some(t) => {
                with_actions += 1;
                r.body_end = trim_back(f, r.body_start, t);
                let mut e = t;
                while e < limit && (f[e].is_action() || f[e].is_blank() || f[e].kind == Kind::Sep) {
                    e += 1;
                }
                r.end = e;
            }
            None => {
                r.body_end = limit;
                r.end = limit;
            }
        }
        recs[k] = r;
    }
    // The last record: when the others end at an action bar but it has none in reach, or
    // when none do, bound it by the longest body seen.
    if n > 0 {
        let longest = recs.iter().take(n - 1).map(|r| r.body_end - r.body_start).max().unwrap_or(0);
        let cap = (longest * 2).max(12) + 4;
        let last = &mut recs[n - 1];
        if last.body_end - last.body_start > cap && with_actions * 2 < n {
            last.body_end = last.body_start + cap;
            last.end = last.body_end;
        }
    }
    recs
}

fn footer_records(f: &[Line], anchors: &[usize]) -> Vec<Record> {
    let mut recs = Vec::with_capacity(anchors.len());
    // Template from records after the first: is the name followed by a blank line?
    let mut blank_after_name = 0;
    let mut named = 0;
    for w in anchors.windows(2) {
        if let Some(s) = next_nonblank(f, w[0], 4) {
            let s = skip_roles(f, s, w[1]);
            if s < w[1] && f[s].is_name_like() {
                named += 1;
                if s + 1 < f.len() && f[s + 1].is_blank() {
                    blank_after_name += 1;
                }
            }
        }
    }
    let need_blank = named > 0 && blank_after_name * 10 >= named * 7;
    for (k, &a) in anchors.iter().enumerate() {
        let s = f[a].stamp().expect("anchor is a stamp line");
        let mut r = Record {
            posted_text: Some(s.text.clone()),
            author: s.name.clone(),
            end: a + 1,
            ..Record::default()
        };
        let start = match k {
            // The name is on the footer itself ("Posted by: NAME | DATE"): the body starts
            // after the section's opening lines.
            0 if r.author.is_some() => section_top(f, a),
            0 => first_footer_start(f, a, need_blank),
            _ => next_nonblank(f, anchors[k - 1], a - anchors[k - 1]).unwrap_or(a),
        };
        r.start = start;
        let mut j = skip_roles(f, start, a);
        if r.author.is_none() && j < a && f[j].is_name_like() {
            r.author = Some(f[j].clean.clone());
            j = skip_roles(f, j + 1, a);
        }
        while j < a && f[j].is_blank() {
            j += 1;
        }
        if let Some(Kind::ReplyTo(name)) = f.get(j).map(|l| &l.kind) {
            r.reply_to = Some(name.clone());
            j += 1;
        }
        r.body_start = j;
        r.body_end = trim_back(f, j, a);
        recs.push(r);
    }
    recs
}

/// The first line of a comment section whose first record ends at `a`: after the nearest
/// heading, chrome or stamp above it (within 80 lines).
fn section_top(f: &[Line], a: usize) -> usize {
    let mut top = a;
    while top > 0 && a - top < 80 && !is_stop(&f[top - 1]) && !f[top - 1].heading {
        top -= 1;
    }
    (top..a).find(|&j| !f[j].is_blank() && !f[j].is_action()).unwrap_or(a)
}

/// Whether a run of header-form anchors with names on them ("Posted by: NAME | DATE") closes
/// its records rather than opening them: under a comment heading, body text stands between
/// the heading and the first anchor, and none follows the last one.
fn names_close_records(f: &[Line], run: &[usize]) -> bool {
    let (Some(&first), Some(&last)) = (run.first(), run.last()) else { return false };
    if f[first].stamp().is_none_or(|s| s.name.is_none()) {
        return false;
    }
    let Some(h) = (first.saturating_sub(40)..first).rev().find(|&j| f[j].heading) else {
        return false;
    };
    let talk = |j: usize| f[j].kind == Kind::Text && !f[j].is_name_like() && f[j].words >= 4;
    let before = (h + 1..first).any(talk);
    let after = (last + 1..f.len().min(last + 12))
        .take_while(|&j| !(is_stop(&f[j]) || f[j].heading || f[j].end))
        .any(talk);
    before && !after
}

/// Moves a body end back over action bars, votes, separators and blank lines.
fn trim_back(f: &[Line], floor: usize, mut e: usize) -> usize {
    while e > floor && (f[e - 1].is_action() || f[e - 1].is_blank() || f[e - 1].kind == Kind::Sep) {
        e -= 1;
    }
    e
}

fn skip_roles(f: &[Line], mut j: usize, limit: usize) -> usize {
    while j < limit && (f[j].kind == Kind::Role || f[j].is_blank()) {
        j += 1;
    }
    j
}

/// The first record of a footer list: walk up from its anchor to chrome (or another stamp),
/// then take the topmost line that can be a name (followed by a blank line when the other
/// records show that).
fn first_footer_start(f: &[Line], a: usize, need_blank: bool) -> usize {
    let mut top = a;
    while top > 0 && a - top < 80 && !is_stop(&f[top - 1]) {
        top -= 1;
    }
    let fits =
        |j: usize| f[j].is_name_like() && (!need_blank || (j + 1 < f.len() && f[j + 1].is_blank()));
    let start = (top..a).find(|&j| fits(j)).or_else(|| (top..a).find(|&j| !f[j].is_blank()));
    let start = start.unwrap_or(a);
    // Take a role label just above the name.
    match prev_nonblank(f, start, 2) {
        Some(p) if p >= top && f[p].kind == Kind::Role => p,
        _ => start,
    }
}

/// Reads a reply marker at the top of a body; returns the body's new first line (after a
/// quoted block) and the name answered.
fn body_reply(
    f: &[Line],
    bs: usize,
    be: usize,
    known: &HashSet<String>,
    known_order: &[String],
) -> (usize, Option<String>) {
    let Some(first) = (bs..be).find(|&j| !f[j].is_blank()) else { return (bs, None) };
    let text = &f[first].clean;
    let after_quote = |marker: usize| {
        // Skip the quoted line after a quote header, if the reply goes on after it.
        let Some(q) = (marker + 1..be).find(|&j| !f[j].is_blank()) else { return marker + 1 };
        (q + 1..be).find(|&j| !f[j].is_blank()).unwrap_or(q)
    };
    match &f[first].kind {
        Kind::ReplyTo(name) => return (first + 1, Some(name.clone())),
        Kind::QuoteHead(name) => return (after_quote(first), Some(name.clone())),
        _ => {}
    }
    // The longest earlier author's name the text starts with (names have at most five words).
    let longest_known = |s: &str| {
        let mut ends: Vec<usize> = s
            .char_indices()
            .filter(|(_, c)| c.is_whitespace() || ",:;.!?".contains(*c))
            .map(|(i, _)| i)
            .take(6)
            .collect();
        ends.push(s.len());
        ends.into_iter()
            .rev()
            .map(|e| &s[..e])
            .find(|p| p.chars().count() >= 2 && known.contains(*p))
            .map(str::to_string)
    };
    if let Some(rest) = text.strip_prefix('@') {
        let rest = rest.trim_start();
        let name = longest_known(rest).or_else(|| {
            rest.split_whitespace()
                .next()
                .map(|w| w.trim_end_matches([':', ',', '.', '!']).to_string())
                .filter(|w| !w.is_empty())
        });
        return (first, name);
    }
    // "NAME :" (or "NAME:") alone on a line, then the quoted line.
    if let Some(head) = text.strip_suffix(':') {
        let head = head.trim_end();
        if known.contains(head) {
            return (after_quote(first), Some(head.to_string()));
        }
    }
    // A bare leading name of an earlier commenter: "Kathrin, danke …".
    if let Some(name) = longest_known(text) {
        let rest = &text[name.len()..];
        if name.chars().count() >= 3 && rest.starts_with([' ', ',', ':']) {
            return (first, Some(name));
        }
    }
    // Or the first name of one, as an address: "Tom, once a month …" to "Tom B.".
    if let Some((head, _)) = text.split_once([',', ':']) {
        if head.chars().count() >= 3 && !head.contains(' ') && head.starts_with(char::is_uppercase)
        {
            let by_first = known_order.iter().rev().find(|n| {
                n.split_whitespace().count() >= 2 && n.split_whitespace().next() == Some(head)
            });
            if let Some(n) = by_first {
                return (first, Some(n.clone()));
            }
        }
    }
    (first, None)
}

fn body_text(lines: &[&str], bs: usize, be: usize) -> String {
    if bs >= be {
        return String::new();
    }
    lines[bs..be].iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n").trim().to_string()
}

fn layout_name(f: &[Line], anchors: &[usize], footer: bool) -> &'static str {
    let has = |p: &dyn Fn(&Line) -> bool| {
        anchors.iter().filter(|&&a| (a.saturating_sub(3)..a).any(|j| p(&f[j]))).count() * 2
            >= anchors.len()
    };
    let stamps: Vec<&crate::parse::features::StampLine> =
        anchors.iter().filter_map(|&a| f[a].stamp()).collect();
    if footer {
        if stamps.iter().any(|s| s.form == Form::ActionTime) {
            return "facebook";
        }
        if stamps.iter().filter(|s| s.name.is_some()).count() * 2 > stamps.len() {
            return "footer";
        }
        return "wpdiscuz5";
    }
    if has(&|l| matches!(l.kind, Kind::Level(_))) {
        return "reddit";
    }
    if has(&|l| matches!(l.kind, Kind::Says(_))) {
        return "wordpress";
    }
    if has(&|l| matches!(l.kind, Kind::Handle { .. })) {
        return "wpdiscuz";
    }
    if stamps.iter().filter(|s| s.glued).count() * 2 >= stamps.len().max(1) {
        return "blogger";
    }
    let raw = |a: usize| f[a].clean.to_lowercase();
    if anchors.iter().filter(|&&a| raw(a).contains("next [")).count() * 2 >= anchors.len() {
        return "hackernews";
    }
    if anchors
        .iter()
        .filter(|&&a| raw(a).contains("permanenter link") || raw(a).contains("permalink"))
        .count()
        * 2
        >= anchors.len()
    {
        return "drupal";
    }
    "generic"
}

/// Records anchored on "NAME says:" / "NAME said..." lines, for layouts whose time is not
/// right under the name (classic Blogger prints it after the body).
fn says_records(f: &[Line], says: &[usize]) -> Vec<Record> {
    let mut recs = Vec::with_capacity(says.len());
    for (k, &s) in says.iter().enumerate() {
        let cap = f.len().min(s + 150);
        let limit = match says.get(k + 1) {
            Some(&next) => next,
            None => (s + 1..cap).find(|&j| f[j].kind == Kind::Chrome).unwrap_or(cap),
        };
        let name = match &f[s].kind {
            Kind::Says(n) => Some(n.clone()),
            _ => None,
        };
        let mut r = Record { start: s, author: name, ..Record::default() };
        let t = (s + 1..limit).find(|&j| matches!(f[j].kind, Kind::Stamp(_)));
        let first = next_nonblank(f, s, 3);
        match t {
            Some(t) if Some(t) != first => {
                r.posted_text = f[t].stamp().map(|x| x.text.clone());
                r.body_start = header_tail(f, s, t, &mut r);
                r.body_end = trim_back(f, r.body_start, t);
                r.end = extend_actions(f, t + 1, limit);
            }
            _ => {
                let head = match t {
                    Some(t) => {
                        r.posted_text = f[t].stamp().map(|x| x.text.clone());
                        t
                    }
                    None => s,
                };
                r.body_start = header_tail(f, head, limit, &mut r);
                let act = (r.body_start..limit).find(|&j| f[j].kind == Kind::Action);
                let stop = act.unwrap_or(limit);
                r.body_end = trim_back(f, r.body_start, stop);
                r.end = extend_actions(f, stop, limit);
            }
        }
        recs.push(r);
    }
    recs
}

/// A line that can open an untimed record: a name alone (with furniture), or a "NAME says:"
/// or "NAME (@handle)" line.
fn name_of(l: &Line) -> Option<String> {
    match &l.kind {
        Kind::Says(n) => Some(n.clone()),
        Kind::Handle { name, .. } => Some(name.clone()),
        Kind::Text => features::name_line(&l.clean),
        _ => None,
    }
}

/// A line that can be part of a body.
fn body_like(l: &Line) -> bool {
    !l.is_blank()
        && matches!(l.kind, Kind::Text | Kind::QuoteHead(_) | Kind::ReplyTo(_))
        && name_of(l).is_none()
        && !l.heading
}

/// After a name line at `j`: the first body line, when one follows within a few lines (over
/// blank lines, role labels and action bars).
fn body_after(f: &[Line], j: usize) -> Option<usize> {
    let mut k = j + 1;
    while k < f.len() && k <= j + 4 {
        let l = &f[k];
        if body_like(l) {
            return Some(k);
        }
        if !(l.is_blank() || l.is_action() || matches!(l.kind, Kind::Role | Kind::Sep)) {
            return None;
        }
        k += 1;
    }
    None
}

/// Most lines an untimed record may take.
const UNTIMED_REACH: usize = 80;

/// Comment lists without times: under a comment heading, name line / body / name line /
/// body. Returns the name lines and where the list ends, for the first heading that opens
/// at least two records.
fn untimed_lists(f: &[Line]) -> Vec<(Vec<usize>, usize)> {
    let mut out = Vec::new();
    // Headings that open a list ("4 Comments", "Comments"), not a form ("Leave a Reply")
    // nor an empty section ("No comments").
    let headings =
        (0..f.len()).filter(|&i| f[i].heading && chrome::list_heading(&f[i].clean)).take(8);
    for h in headings {
        // Over the section's own phrases (sort tabs, counts, form labels) to the first name.
        let mut j = h + 1;
        while j < f.len()
            && j <= h + 20
            && (f[j].is_blank()
                || matches!(f[j].kind, Kind::Chrome | Kind::Role | Kind::Sep | Kind::Vote)
                || f[j].is_action()
                || f[j].heading)
        {
            j += 1;
        }
        let mut starts = Vec::new();
        let mut end = j;
        'records: while j < f.len() {
            if name_of(&f[j]).is_none() {
                break;
            }
            let Some(b) = body_after(f, j) else { break };
            starts.push(j);
            let mut k = b;
            end = f.len();
            while k < f.len() {
                if k - j > UNTIMED_REACH || f[k].kind == Kind::Chrome || f[k].heading {
                    end = k;
                    break 'records;
                }
                if !f[k].is_blank() && name_of(&f[k]).is_some() && body_after(f, k).is_some() {
                    j = k;
                    continue 'records;
                }
                k += 1;
            }
            break;
        }
        // A count in the heading bounds the list: "4 Comments" over twenty records is not it.
        let fits = chrome::heading_count(&f[h].clean).is_none_or(|n| starts.len() <= 2 * n + 3);
        if starts.len() >= 2 && fits {
            out.push((starts, end.min(f.len())));
        }
    }
    out
}

/// Records opened by a name line, ending at the next one (the last at `end`).
fn name_records(f: &[Line], starts: &[usize], end: usize) -> Vec<Record> {
    let mut recs = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let limit = starts.get(k + 1).copied().unwrap_or(end);
        let mut r = Record { start: s, author: name_of(&f[s]), ..Record::default() };
        r.body_start = header_tail(f, s, limit, &mut r);
        r.body_end = trim_back(f, r.body_start, limit);
        r.end = limit;
        recs.push(r);
    }
    recs
}

/// From `j`, takes action bars, votes, separators and blank lines (up to `limit`).
fn extend_actions(f: &[Line], mut j: usize, limit: usize) -> usize {
    while j < limit && (f[j].is_action() || f[j].is_blank() || f[j].kind == Kind::Sep) {
        j += 1;
    }
    j
}

/// How a candidate's records are found.
enum Mode {
    /// Anchored on timestamp lines that head their record.
    Header(Vec<usize>),
    /// Anchored on timestamp lines that close their record.
    Footer(Vec<usize>),
    /// Anchored on "NAME says:" lines.
    Says(Vec<usize>),
    /// Name lines under a comment heading, no times; the list ends at the second value.
    Untimed(Vec<usize>, usize),
}

/// Every comment list the page may hold, one [`Extraction`] each, with `true` for a list
/// offered without its first record (which may be the article's dateline); the caller
/// judges them.
pub(super) fn candidates(lines: &[&str], f: &[Line]) -> Vec<(Extraction, bool)> {
    let mut out = Vec::new();
    for (run, trimmed) in runs(f, &anchors(f)) {
        let idx: Vec<usize> = run.iter().map(|a| a.line).collect();
        let mode = if run[0].group.footer || names_close_records(f, &idx) {
            Mode::Footer(idx)
        } else {
            Mode::Header(idx)
        };
        out.push((build(lines, f, mode), trimmed));
    }
    let says: Vec<usize> = (0..f.len()).filter(|&i| matches!(f[i].kind, Kind::Says(_))).collect();
    let says_then_stamp = says
        .iter()
        .filter(|&&s| next_nonblank(f, s, 3).is_some_and(|j| matches!(f[j].kind, Kind::Stamp(_))))
        .count();
    if says.len() >= 2 && says_then_stamp * 2 < says.len() {
        out.push((build(lines, f, Mode::Says(says)), false));
    }
    for (starts, end) in untimed_lists(f) {
        // Without times, only bodies that read as talk make a list of comments: most with a
        // sentence, few that read as titles.
        let ex = build(lines, f, Mode::Untimed(starts, end));
        let n = ex.comments.len();
        let talk = ex.comments.iter().filter(|c| judge::sentence_body(&c.body)).count();
        let titles = ex.comments.iter().filter(|c| judge::title_body(&c.body)).count();
        if talk * 3 >= n * 2 && titles * 3 <= n {
            out.push((ex, false));
        }
    }
    out
}

fn build(lines: &[&str], f: &[Line], mode: Mode) -> Extraction {
    let (mut recs, layout) = match mode {
        Mode::Says(idx) => (says_records(f, &idx), "blogger-classic"),
        Mode::Untimed(idx, end) => (name_records(f, &idx, end), "untimed"),
        Mode::Footer(idx) => (footer_records(f, &idx), layout_name(f, &idx, true)),
        Mode::Header(idx) => (header_records(f, &idx), layout_name(f, &idx, false)),
    };
    // Reply markers in bodies, in text order, against the authors seen so far.
    let mut known: HashSet<String> = HashSet::new();
    let mut order: Vec<String> = Vec::new();
    for r in &mut recs {
        let (bs, reply) = body_reply(f, r.body_start, r.body_end, &known, &order);
        if r.reply_to.is_none() {
            r.reply_to = reply;
        }
        r.body_start = bs.min(r.body_end);
        if let Some(a) = &r.author {
            if known.insert(a.clone()) {
                order.push(a.clone());
            }
        }
    }

    let mut classes = vec![LineClass::Editorial; lines.len()];
    let first = recs.first().map_or(0, |r| r.start);
    let last = recs.last().map_or(0, |r| r.end);
    classes[first..last].fill(LineClass::Unassigned);
    classes[last..].fill(LineClass::Chrome);
    let mut comments = Vec::with_capacity(recs.len());
    let mut complete = 0;
    for (k, r) in recs.iter().enumerate() {
        classes[r.start..r.end.max(r.start)].fill(LineClass::Comment(k));
        let body = body_text(lines, r.body_start, r.body_end);
        if r.author.is_some() && !body.is_empty() {
            complete += 1;
        }
        comments.push(CommentParts {
            header_line: r.start + 1,
            author: r.author.as_ref().map(|a| a.trim_end_matches(':').trim().to_string()),
            handle: r.handle.clone(),
            posted_text: r.posted_text.clone(),
            reply_to: r.reply_to.clone(),
            body,
            truncated: false,
            level: r.level,
            posted_exact: None,
            native_id: None,
        });
    }
    // Section phrases between records are chrome, not unassigned.
    for (i, c) in classes.iter_mut().enumerate().take(last).skip(first) {
        if *c == LineClass::Unassigned
            && (f[i].is_blank()
                || f[i].kind == Kind::Chrome
                || chrome::is_section_chrome(&f[i].clean))
        {
            *c = LineClass::Chrome;
        }
    }
    let confidence = 0.5 + 0.4 * complete as f64 / recs.len().max(1) as f64;
    Extraction { layout, confidence, classes, comments }
}
