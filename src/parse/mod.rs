//! Parse: a page → [`Page`] (editorial, comments, chrome).
//!
//! Two fronts, one parser: [`text`] reads what a reader copies (select all, copy, or "save as
//! text"), [`html`] reads the markup (saved pages, URLs). Both produce the parts of each
//! comment and one class per line, and end here, in the same assembly: ids, times resolved
//! against the reference, parents from replies or nesting. For text, the output is a [`Page`] whose line ranges cover every input line exactly once: each line is
//! editorial, part of one comment, chrome (navigation, share bars, sort tabs, author bios,
//! house-rules blocks, blank separators) or, inside the comment area, unassigned. The cover is
//! built from one class per line ([`LineClass`]), so it cannot overlap or leave gaps.
//!
//! Layouts are specialisations: each [`layout`] parser looks at the whole page and, when it
//! recognises its comment system, returns an [`layout::Extraction`] with a confidence; the
//! most confident one wins. A page where none fits is all editorial minus known chrome.
//!
//! Times: relative stamps keep what the page says (`posted_text`) and are resolved against a
//! [`Reference`] time the caller supplies; the parser never reads the clock.

pub mod eval;
pub mod html;
pub mod reltime;
pub mod stamp;
pub mod text;

// The text front's modules stay reachable at their old paths (`parse::layout`, …).
pub use text::{chrome, editorial, features, layout, parse_page};

use chrono::{DateTime, Datelike, SecondsFormat, TimeZone, Utc};
use serde::{Serialize, Serializer};
use std::collections::HashMap;

/// An inclusive, 1-based range of input lines, serialised as `[first, last]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineRange {
    /// First line (1-based).
    pub first: usize,
    /// Last line (1-based, inclusive).
    pub last: usize,
}

impl LineRange {
    /// Number of lines in the range.
    pub fn len(&self) -> usize {
        self.last + 1 - self.first
    }

    /// Ranges are never empty; provided for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl Serialize for LineRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.first, self.last].serialize(s)
    }
}

/// Where a resolved time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// A relative time resolved against `--now`.
    Now,
    /// A relative time resolved against the input file's modification time.
    FileMtime,
    /// A relative time resolved against a capture time the input itself carries.
    Captured,
    /// An absolute time printed on the page, read in UTC (the page's zone is unknown).
    AbsoluteAssumedUtc,
    /// An absolute time printed on the page, read in the zone given by `--tz`.
    AbsoluteInTz,
    /// An exact time the page's markup gives with its zone (an HTML `datetime` attribute).
    Markup,
}

/// The reference time relative stamps are resolved against, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// The moment "now" meant when the page was captured.
    pub at: DateTime<Utc>,
    /// `Now`, `FileMtime` or `Captured`.
    pub basis: TimeBasis,
}

/// What the parser needs besides the text.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Reference time for relative stamps; without one they stay unresolved.
    pub reference: Option<Reference>,
    /// The zone absolute stamps are read in (`--tz`); without one they are read as UTC and
    /// marked `absolute_assumed_utc`, since the page does not say.
    pub tz: Option<chrono_tz::Tz>,
}

/// The editorial part of a page: the article itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Editorial {
    /// The editorial lines joined with `\n` (blank lines inside a range kept).
    pub text: String,
    /// The line ranges it was taken from.
    pub lines: Vec<LineRange>,
}

/// One reader comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    /// Stable id within the page: `c1`, `c2`, … in text order.
    pub id: String,
    /// Display name as the page shows it.
    pub author: Option<String>,
    /// Handle, e.g. `@guest_865201`, when the page shows one.
    pub handle: Option<String>,
    /// The timestamp exactly as written ("1 hour ago").
    pub posted_text: Option<String>,
    /// The timestamp resolved to an absolute time (RFC 3339, UTC).
    #[serde(serialize_with = "rfc3339_opt")]
    pub posted_at: Option<DateTime<Utc>>,
    /// How `posted_at` was obtained.
    pub posted_basis: Option<TimeBasis>,
    /// The name of the author this comment answers, as the page shows it.
    pub reply_to: Option<String>,
    /// The id of the comment it answers, when it can be found.
    pub parent_id: Option<String>,
    /// 0 for a top-level comment, parent's depth + 1 for a reply.
    pub depth: usize,
    /// The comment text, without markers such as "Read more »".
    pub body: String,
    /// True when the page cut the body short.
    pub truncated: bool,
    /// The lines the comment occupies (header to last body line).
    pub lines: LineRange,
    /// The comment system's own id, when the markup gives one (`id="comment-123"`,
    /// `data-comment-id`); absent for page text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub native_id: Option<String>,
}

fn rfc3339_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => s.serialize_none(),
    }
}

/// A parsed page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// Where the text came from (a path, or `-` for stdin).
    pub source: String,
    /// The layout that was recognised (`wpdiscuz`, `house-rules`, …, or `generic`).
    pub layout: String,
    /// How well the layout fit, 0–1.
    pub confidence: f64,
    /// Number of input lines.
    pub line_count: usize,
    /// The page's title: the document's `<title>` (else `og:title`) in HTML, the article's
    /// first line in page text. With the canonical URL, it names the thread across captures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The page's own URL: `<link rel=canonical>`, else `og:url`, else the URL it was
    /// fetched from (HTML only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    /// The article.
    pub editorial: Editorial,
    /// Page chrome: neither editorial nor comment.
    pub chrome: Vec<LineRange>,
    /// Lines inside the comment area that fit no comment.
    pub unassigned: Vec<LineRange>,
    /// The comments in text order.
    pub comments: Vec<Comment>,
    /// The comment system that loads this page's comments by script (HTML pages whose
    /// comments are not in the markup: Disqus, Coral, Facebook, …); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments_loaded_by: Option<String>,
}

/// What one input line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineClass {
    /// Part of the article.
    Editorial,
    /// Part of the comment with this index.
    Comment(usize),
    /// Page chrome.
    Chrome,
    /// In the comment area, but fits no comment.
    Unassigned,
}

/// Splits text into lines the way every stage counts them: on `\n`, with a trailing `\r`
/// removed; a final line without a newline counts, an empty text has no lines.
pub fn split_lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// How many lines [`split_lines`] makes of `text`, without making them: the newlines, and one
/// more for a last line that does not end in one.
pub fn count_lines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count()
        + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// Parses a source by its kind: HTML through the markup ([`html::parse_html`]), text
/// through [`parse_page`].
pub fn parse_source(src: &crate::input::Source, opts: &ParseOptions) -> Page {
    match src.kind {
        crate::input::SourceKind::Html => html::parse_html(&src.name, &src.text, opts),
        crate::input::SourceKind::Text => parse_page(&src.name, &src.text, opts),
    }
}

/// Most characters of a page's title.
const TITLE_CHARS: usize = 300;

/// A title as a page gives it: white space runs folded to one space, at most
/// [`TITLE_CHARS`] characters.
pub(crate) fn title_of(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(TITLE_CHARS).collect()
}

pub(crate) fn assemble(
    source: &str,
    lines: &[&str],
    ex: layout::Extraction,
    opts: &ParseOptions,
) -> Page {
    let mut classes = ex.classes;
    trim_blank_edges(lines, &mut classes);

    let spans = comment_spans(&classes, ex.comments.len());
    let mut comments: Vec<Comment> = Vec::with_capacity(ex.comments.len());
    // The latest comment by each author and at each depth: parents are looked up in O(1),
    // not by scanning back (a page of 100,000 "Reply to nobody" took minutes). See: #9
    let mut last_by_author: HashMap<String, usize> = HashMap::new();
    let mut last_at_depth: HashMap<usize, usize> = HashMap::new();
    for (i, parts) in ex.comments.into_iter().enumerate() {
        let range =
            spans[i].unwrap_or(LineRange { first: parts.header_line, last: parts.header_line });
        let (posted_at, posted_basis) = match parts.posted_exact {
            Some(t) => (Some(t), Some(TimeBasis::Markup)),
            None => resolve_time(parts.posted_text.as_deref(), opts),
        };
        // The parent's index, and the depth.
        let (parent, depth) = match parts.level {
            // Reddit prints the nesting level (and the markup nests): the parent is the
            // nearest earlier comment one level up.
            Some(level) if level >= 1 => {
                let depth = level - 1;
                ((depth > 0).then(|| last_at_depth.get(&(depth - 1)).copied()).flatten(), depth)
            }
            _ => {
                let parent =
                    parts.reply_to.as_deref().and_then(|name| last_by_author.get(name)).copied();
                match parent {
                    Some(p) => (Some(p), comments[p].depth + 1),
                    None if parts.reply_to.is_some() => (None, 1),
                    None => (None, 0),
                }
            }
        };
        last_at_depth.insert(depth, i);
        if let Some(a) = &parts.author {
            last_by_author.insert(a.clone(), i);
        }
        let parent_id = parent.map(|p| comments[p].id.clone());
        // Nesting says whom a reply answers even where the text does not: the parent's author.
        let reply_to = parts.reply_to.or_else(|| parent.and_then(|p| comments[p].author.clone()));
        comments.push(Comment {
            id: format!("c{}", i + 1),
            author: parts.author,
            handle: parts.handle,
            posted_text: parts.posted_text,
            posted_at,
            posted_basis,
            reply_to,
            parent_id,
            depth,
            body: parts.body,
            truncated: parts.truncated,
            lines: range,
            native_id: parts.native_id,
        });
    }

    let editorial_lines = ranges_of(&classes, |c| c == LineClass::Editorial);
    let text = editorial_lines
        .iter()
        .map(|r| lines[r.first - 1..r.last].join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n");
    let title = text.lines().map(str::trim).find(|l| !l.is_empty()).map(title_of);
    Page {
        source: source.to_string(),
        layout: ex.layout.to_string(),
        confidence: ex.confidence,
        line_count: lines.len(),
        title,
        canonical_url: None,
        editorial: Editorial { text, lines: editorial_lines },
        chrome: ranges_of(&classes, |c| c == LineClass::Chrome),
        unassigned: ranges_of(&classes, |c| c == LineClass::Unassigned),
        comments,
        comments_loaded_by: None,
    }
}

/// Blank lines at the edges of an editorial or comment run become chrome (separators), so
/// that every editorial range and comment starts and ends on a line with text.
fn trim_blank_edges(lines: &[&str], classes: &mut [LineClass]) {
    let blank = |i: usize| lines[i].trim().is_empty();
    let n = classes.len();
    let mut i = 0;
    while i < n {
        let class = classes[i];
        let mut j = i;
        while j < n && classes[j] == class {
            j += 1;
        }
        if matches!(class, LineClass::Editorial | LineClass::Comment(_)) {
            let mut a = i;
            while a < j && blank(a) {
                classes[a] = LineClass::Chrome;
                a += 1;
            }
            let mut b = j;
            while b > a && blank(b - 1) {
                classes[b - 1] = LineClass::Chrome;
                b -= 1;
            }
        }
        i = j;
    }
}

/// The first and last line of every comment, in one pass.
fn comment_spans(classes: &[LineClass], n: usize) -> Vec<Option<LineRange>> {
    let mut spans: Vec<Option<LineRange>> = vec![None; n];
    for (i, c) in classes.iter().enumerate() {
        if let LineClass::Comment(k) = *c {
            if let Some(span) = spans.get_mut(k) {
                match span {
                    Some(r) => r.last = i + 1,
                    None => *span = Some(LineRange { first: i + 1, last: i + 1 }),
                }
            }
        }
    }
    spans
}

#[cfg(test)]
fn class_span(classes: &[LineClass], class: LineClass) -> Option<LineRange> {
    let first = classes.iter().position(|&c| c == class)?;
    let last = classes.iter().rposition(|&c| c == class)?;
    Some(LineRange { first: first + 1, last: last + 1 })
}

pub(crate) fn ranges_of(classes: &[LineClass], keep: impl Fn(LineClass) -> bool) -> Vec<LineRange> {
    let mut out: Vec<LineRange> = Vec::new();
    for (i, &c) in classes.iter().enumerate() {
        if !keep(c) {
            continue;
        }
        match out.last_mut() {
            Some(r) if r.last == i => r.last = i + 1,
            _ => out.push(LineRange { first: i + 1, last: i + 1 }),
        }
    }
    out
}

fn resolve_time(
    posted_text: Option<&str>,
    opts: &ParseOptions,
) -> (Option<DateTime<Utc>>, Option<TimeBasis>) {
    let Some(text) = posted_text else { return (None, None) };
    if let Some(rel) = reltime::parse(text) {
        return match opts.reference.and_then(|r| Some((rel.resolve(r.at)?, r.basis))) {
            Some((t, basis)) => (Some(t), Some(basis)),
            None => (None, None),
        };
    }
    let Some(stamp::Stamp { kind: stamp::StampKind::Absolute(abs), .. }) = stamp::find(text) else {
        return (None, None);
    };
    resolve_absolute(abs, opts).map_or((None, None), |(t, b)| (Some(t), Some(b)))
}

/// An absolute stamp in UTC (or `--tz`). A stamp without a year ("Jun 20th at 2:41 am")
/// takes the reference time's year, or the year before when that would lie after it; a
/// clock time without a date stays unresolved.
fn resolve_absolute(
    abs: stamp::AbsTime,
    opts: &ParseOptions,
) -> Option<(DateTime<Utc>, TimeBasis)> {
    let to_utc = |naive: chrono::NaiveDateTime| match opts.tz {
        Some(tz) => tz
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| (t.with_timezone(&Utc), TimeBasis::AbsoluteInTz)),
        None => Some((naive.and_utc(), TimeBasis::AbsoluteAssumedUtc)),
    };
    if abs.year.is_some() {
        return to_utc(abs.naive(None)?);
    }
    let reference = opts.reference?.at;
    let this_year = to_utc(abs.naive(Some(reference.year()))?)?;
    if this_year.0 <= reference {
        Some(this_year)
    } else {
        to_utc(abs.naive(Some(reference.year() - 1))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn count_lines_counts_what_split_lines_makes(t in "[a\\r\\n ]{0,12}") {
            proptest::prop_assert_eq!(count_lines(&t), split_lines(&t).len());
        }
    }

    #[test]
    fn ranges_merge_adjacent_lines() {
        use LineClass::*;
        let classes = [Editorial, Editorial, Chrome, Comment(0), Comment(0), Chrome, Chrome];
        assert_eq!(
            ranges_of(&classes, |c| c == Chrome),
            vec![LineRange { first: 3, last: 3 }, LineRange { first: 6, last: 7 }]
        );
        assert_eq!(class_span(&classes, Comment(0)), Some(LineRange { first: 4, last: 5 }));
    }

    #[test]
    fn a_nesting_level_gives_the_parent_and_whom_it_answers() {
        use LineClass::*;
        let part = |author: &str, level: usize, reply_to: Option<&str>, line: usize| {
            layout::CommentParts {
                header_line: line,
                author: Some(author.into()),
                level: Some(level),
                reply_to: reply_to.map(str::to_string),
                body: format!("said by {author}"),
                ..Default::default()
            }
        };
        let ex = layout::Extraction {
            layout: "test",
            confidence: 1.0,
            classes: vec![Comment(0), Comment(1), Comment(2), Comment(3)],
            comments: vec![
                part("ann", 1, None, 1),
                part("bob", 2, None, 2),
                part("cy", 3, Some("somebody else"), 3),
                part("dee", 1, None, 4),
            ],
        };
        let page = assemble("t", &["a", "b", "c", "d"], ex, &ParseOptions::default());
        let got: Vec<(Option<&str>, Option<&str>, usize)> = page
            .comments
            .iter()
            .map(|c| (c.parent_id.as_deref(), c.reply_to.as_deref(), c.depth))
            .collect();
        assert_eq!(
            got,
            [
                (None, None, 0),
                (Some("c1"), Some("ann"), 1),
                // What the text says wins over the parent's name.
                (Some("c2"), Some("somebody else"), 2),
                (None, None, 0),
            ]
        );
    }

    #[test]
    fn blank_edges_become_chrome() {
        use LineClass::*;
        let lines = ["", "text", "", "more", ""];
        let mut classes = [Editorial; 5];
        trim_blank_edges(&lines, &mut classes);
        assert_eq!(classes, [Chrome, Editorial, Editorial, Editorial, Chrome]);
    }

    /// Every line is in exactly one of editorial, a comment, chrome or unassigned.
    fn covers_every_line_once(page: &Page) -> bool {
        let mut seen = vec![0u8; page.line_count + 1];
        let mut ranges: Vec<LineRange> = page.editorial.lines.clone();
        ranges.extend(&page.chrome);
        ranges.extend(&page.unassigned);
        ranges.extend(page.comments.iter().map(|c| c.lines));
        for r in ranges {
            if r.first == 0 || r.first > r.last || r.last > page.line_count {
                return false;
            }
            for s in &mut seen[r.first..=r.last] {
                *s += 1;
            }
        }
        seen[1..].iter().all(|&s| s == 1)
    }

    const PIECES: &[&str] = &[
        "",
        "PaulW",
        "PaulW (@guest_1)",
        "1 hour ago",
        "vor 2 Stunden",
        "Reply to\u{a0} PaulW",
        "Reply",
        "Antworten",
        "Daumen hoch0Daumen runter  Antworten",
        "19. Februar 2017 20:00",
        " Art Edwards says:",
        "July 11, 2011 at 12:25 pm",
        "level 2",
        "4 points",
        "·",
        "Ruby21:00",
        "Gast",
        "@ PaulW yes",
        "Zitat PaulW:",
        "A long paragraph of text that reads like an article and goes on. It has sentences.",
        "Subscribe",
        "3 Comments",
        "Comments: Our rules",
        "NAME am 18. Oktober 2023 - 13:11 Permanenter Link",
        "Like · Reply · 2h",
        "Anonymous said...",
        "Tweet",
        "© 2020",
    ];

    fn page_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let line = prop_oneof![
            3 => proptest::sample::select(PIECES).prop_map(str::to_string),
            1 => "\\PC{0,30}",
        ];
        proptest::collection::vec(line, 0..60).prop_map(|v| v.join("\n"))
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_covers_every_line(text in page_text()) {
            let page = parse_page("p", &text, &ParseOptions::default());
            proptest::prop_assert_eq!(page.line_count, split_lines(&text).len());
            proptest::prop_assert!(covers_every_line_once(&page));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let page = parse_page("p", &text, &ParseOptions::default());
            proptest::prop_assert!(covers_every_line_once(&page));
        }
    }

    #[test]
    fn large_pages_parse_in_linear_time() {
        // 100k lines of repeated records and article text: a quadratic pass would take minutes.
        let record = "Bob\n2 hours ago\nA comment body that says something.\nReply\n";
        let article =
            "A long paragraph of text that reads like an article and goes on. It has sentences.\n";
        let text = format!("{}{}", article.repeat(20_000), record.repeat(20_000));
        let t = std::time::Instant::now();
        let page = parse_page("big", &text, &ParseOptions::default());
        assert_eq!(page.comments.len(), 20_000);
        assert!(covers_every_line_once(&page));
        assert!(t.elapsed().as_secs() < 30, "took {:?}", t.elapsed());
    }

    #[test]
    fn absolute_times_resolve_in_utc_or_the_given_zone() {
        let reference =
            Some(Reference { at: "2024-11-05T14:00:00Z".parse().unwrap(), basis: TimeBasis::Now });
        let utc = ParseOptions { reference, tz: None };
        let (at, basis) = resolve_time(Some("18. Oktober 2023 - 13:11"), &utc);
        assert_eq!(at.unwrap().to_rfc3339(), "2023-10-18T13:11:00+00:00");
        assert_eq!(basis, Some(TimeBasis::AbsoluteAssumedUtc));
        let berlin = ParseOptions { reference, tz: Some(chrono_tz::Europe::Berlin) };
        let (at, basis) = resolve_time(Some("18. Oktober 2023 - 13:11"), &berlin);
        assert_eq!(at.unwrap().to_rfc3339(), "2023-10-18T11:11:00+00:00");
        assert_eq!(basis, Some(TimeBasis::AbsoluteInTz));
        // No year: the latest such date not after the reference.
        let (at, _) = resolve_time(Some("Dec 20th at 2:41 am"), &utc);
        assert_eq!(at.unwrap().to_rfc3339(), "2023-12-20T02:41:00+00:00");
        // A clock time alone has no date.
        assert_eq!(resolve_time(Some("21:00"), &utc), (None, None));
        // Relative times need a reference.
        let none = ParseOptions::default();
        assert_eq!(resolve_time(Some("1 hour ago"), &none), (None, None));
    }

    #[test]
    fn empty_text_has_no_lines_and_no_comments() {
        let page = parse_page("x", "", &ParseOptions::default());
        assert_eq!(page.line_count, 0);
        assert!(page.comments.is_empty() && page.editorial.lines.is_empty());
    }
}
