//! The parts comment records are made of, recognised one line at a time.
//!
//! Every input line gets one [`Kind`]: a timestamp line (alone, or with the author's name
//! before it, or at the end of an action bar), an action bar (`Reply`, `Antworten`,
//! `Daumen hoch0Daumen runter  Antworten`, `LikeLiked by 21 people`), a vote count, a Reddit
//! `level N`, a role label (`Gast`, `Staff`), a reply marker (`Reply to  X`), a WordPress
//! `NAME says:` line, a wpDiscuz `NAME (@handle)` line, a quote header (`X said:`,
//! `Zitat X:`), section chrome, or plain text. Record finders work on these kinds only, so
//! that the per-line work (regexes) is done once and the page-level passes stay linear.

use super::chrome;
use super::editorial;
use crate::parse::stamp::{self, Stamp};
use regex::Regex;
use std::sync::LazyLock;

/// How a timestamp line is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The stamp alone on its line ("1 hour ago", "July 11, 2011 at 12:25 pm").
    TimeOnly,
    /// Name, then stamp ("NAME am 18. Oktober 2023 - 13:11 Permanenter Link", "Ruby21:00",
    /// "dimitri-vs 1 hour ago | next [–]").
    NameTime,
    /// Action words, then stamp ("Like · Reply · 2h"): a footer.
    ActionTime,
}

/// A line holding a timestamp that can head (or close) a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampLine {
    /// Where the stamp is and what it says.
    pub stamp: Stamp,
    /// The stamp as written.
    pub text: String,
    /// How the line is built.
    pub form: Form,
    /// The author's name when the line carries it.
    pub name: Option<String>,
    /// Name and stamp written with nothing between them ("Ruby21:00").
    pub glued: bool,
    /// A reply target written in the header ("NAME → OTHER 2 hours ago").
    pub reply_to: Option<String>,
}

/// What one line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Empty or whitespace.
    Blank,
    /// A timestamp line.
    Stamp(Box<StampLine>),
    /// An action bar: Reply, Antworten, Report, Like, Share, thumbs, "Continue this thread".
    Action,
    /// A bare vote count or "39 points".
    Vote,
    /// Reddit's "level N".
    Level(usize),
    /// A lone separator ("·", "•", "|").
    Sep,
    /// "edited 6 years ago" and the like.
    Edited,
    /// A role label: guest, Gast, Autor, Staff…
    Role,
    /// "Reply to  X", "In reply to X", "Antwort auf X".
    ReplyTo(String),
    /// WordPress "NAME says:" (German "NAME sagt:").
    Says(String),
    /// wpDiscuz "NAME (@handle)".
    Handle {
        /// Display name.
        name: String,
        /// The handle with its `@`.
        handle: String,
    },
    /// A quote header inside a body: "X said:", "X schrieb:", "Zitat X:", "Quote from X:".
    QuoteHead(String),
    /// A phrase printed around a comment list (or a comment form).
    Chrome,
    /// Anything else.
    Text,
}

/// One classified line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Trimmed, no-break spaces normalised.
    pub clean: String,
    /// What it is.
    pub kind: Kind,
    /// Plain text short enough to be a display name (computed once).
    name_like: bool,
    /// A paragraph of running text (`editorial::paragraph_of`).
    pub para: bool,
    /// A comment-section heading ([`chrome::is_comment_heading`]).
    pub heading: bool,
    /// A heading over a list that is not comments ([`chrome::is_related_heading`]).
    pub related: bool,
    /// A line that can end an article ([`editorial::end_marker`]).
    pub end: bool,
    /// Part of a house-rules notice ([`chrome::is_rules_line`]).
    pub rules: bool,
    /// Words in the line ([`word_count`]).
    pub words: usize,
}

impl Line {
    /// True for empty lines.
    pub fn is_blank(&self) -> bool {
        self.kind == Kind::Blank
    }

    /// The stamp line, if this is one.
    pub fn stamp(&self) -> Option<&StampLine> {
        match &self.kind {
            Kind::Stamp(s) => Some(s),
            _ => None,
        }
    }

    /// Short text that can be a display name.
    pub fn is_name_like(&self) -> bool {
        self.name_like
    }

    /// Action bars and vote counts: what closes a comment.
    pub fn is_action(&self) -> bool {
        matches!(self.kind, Kind::Action | Kind::Vote)
    }
}

/// The number of words (runs of non-whitespace) in `s`, as `split_whitespace().count()`
/// gives it, reading ASCII a byte at a time.
pub fn word_count(s: &str) -> usize {
    let bytes = s.as_bytes();
    if s.is_ascii() {
        // Branch-free: a word starts where a non-space byte follows a space (or the start).
        let mut prev_space = true;
        let mut n = 0;
        for &b in bytes {
            let space = b == b' ' || b.wrapping_sub(b'\t') <= b'\r' - b'\t';
            n += usize::from(prev_space & !space);
            prev_space = space;
        }
        return n;
    }
    let mut n = 0;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, len) = if b < 0x80 {
            (matches!(b, b' ' | b'\t'..=b'\r'), 1)
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if !space && !in_word {
            n += 1;
        }
        in_word = !space;
        i += len;
    }
    n
}

/// Classifies every line.
pub fn classify(lines: &[&str]) -> Vec<Line> {
    lines.iter().map(|l| classify_line(l)).collect()
}

static LEVEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^level\s+(\d{1,3})$").expect("valid"));
static VOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[+\-−]?\d{1,6}|[+\-−]?\d{1,6}\s+(?:points?|punkte?|votes?|stimmen|likes?))$",
    )
    .expect("valid")
});
static SEP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[·•|–—\-]{1,3}$").expect("valid"));
static ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:guest|gast|autor|autorin|author|staff|moderator|mod|admin|administrator|op|guardian pick|contributor|featured|verified|top commenter|mitglied|member|redaktion|editor|team|staff pick|subscriber|abonnent|premium|site admin|post author|edited|bearbeitet|pinned|angeheftet|gesperrt)$")
        .expect("valid")
});
static REPLY_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:reply to|in reply to|replying to|replied to|antwort auf|antwort an|als antwort auf|in antwort auf|antwortet auf|↪|⤷)\s*:?\s+@?(?P<name>\S.*)$")
        .expect("valid")
});
static SAYS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?P<name>\S.*?)\s+(?:says|sagt|meint|schreibt|commented|kommentierte|said\s*(?:\.\.\.|…|,)|hat gesagt\s*(?:\.\.\.|…)?|schrieb\s*(?:\.\.\.|…)|wrote\s*(?:\.\.\.|…))\s*:?$",
    )
    .expect("valid")
});
static QUOTE_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:zitat|quote|quoting|zitiert)(?:\s+(?:von|from|of))?\s+@?(?P<a>\S.*?)\s*:?|(?P<b>\S.*?)\s+(?:said|wrote|schrieb|sagte)\s*:?)$")
        .expect("valid")
});
static HANDLE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?P<name>\S.*?)\s*\((?P<handle>@[^()\s]+)\)$").expect("valid"));
static POINTS_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[+\-]?\d+\s+(?:points?|punkte?|votes?)\s*$").expect("valid")
});
static FLAIR_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\[(?:S|M|A|OP|mod|admin)\]\s*$").expect("valid"));
static EDITED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[·•|]\s*)?(?:(?:last\s+)?(?:edited|bearbeitet|geändert|updated|aktualisiert)|published|veröffentlicht|erstellt|created|stand|eingestellt)(?:\s+\S+\s+(?:ago|her)(?-u:\b)|\s+(?:on|am)(?-u:\b)|:|\s+\d|\d)",
    )
    .expect("valid")
});

/// Action words, longest first; lines made only of these (plus digits and punctuation) are
/// action bars. Glued forms ("AntwortenLöschen") are read by stripping words from the front.
const ACTION_WORDS: &[&str] = &[
    "continue this thread",
    "load more replies",
    "view more replies",
    "show more replies",
    "log in to reply",
    "login to reply",
    "reply to this comment",
    "permanenter link",
    "kommentar melden",
    "daumen runter",
    "daumen hoch",
    "thumbs down",
    "thumbs up",
    "gefällt mir",
    "give award",
    "view replies",
    "hide replies",
    "show replies",
    "more replies",
    "not helpful",
    "liked by",
    "loading",
    "zuklappen",
    "aufklappen",
    "antworten",
    "übersetzen",
    "permalink",
    "recommended",
    "recommend",
    "empfehlen",
    "translate",
    "downvote",
    "reported",
    "replies",
    "antwort",
    "löschen",
    "zitieren",
    "helpful",
    "upvoted",
    "upvote",
    "report",
    "melden",
    "delete",
    "unlike",
    "unmute",
    "unpick",
    "teilen",
    "parent",
    "context",
    "people",
    "person",
    "share",
    "reply",
    "liked",
    "likes",
    "quote",
    "embed",
    "votes",
    "vote",
    "like",
    "flag",
    "edit",
    "mute",
    "pick",
    "next",
    "prev",
    "root",
    "save",
    "hide",
    "link",
    "[–]",
    "[-]",
    "[+]",
];

/// True when the line is made only of action words, digits and punctuation, with at least
/// one action word.
pub fn is_action_bar(clean: &str) -> bool {
    if clean.is_empty() || clean.len() > 120 {
        return false;
    }
    let lower = clean.to_lowercase();
    let mut rest = lower.as_str();
    let mut words = 0;
    loop {
        rest = rest.trim_start_matches(|c: char| {
            c.is_whitespace() || c.is_ascii_digit() || "·•|/›»,.:;!?()+-–—↑↓▲▼↵❤♥⚑#*&".contains(c)
        });
        if rest.is_empty() {
            return words > 0;
        }
        let at = aho_corasick::Input::new(rest).anchored(aho_corasick::Anchored::Yes);
        match ACTIONS.find(at) {
            Some(m) => {
                rest = &rest[m.end()..];
                words += 1;
            }
            None => return false,
        }
    }
}

/// [`ACTION_WORDS`] as one automaton: the longest word at the start of what is left.
static ACTIONS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .start_kind(aho_corasick::StartKind::Anchored)
        .build(ACTION_WORDS)
        .expect("valid")
});

/// Short text that can be a display name: one to five words, no sentence punctuation at
/// the end (an initial such as "Andrew D." is fine), not a phrase of the page's chrome.
pub fn name_like(clean: &str) -> bool {
    name_shape(clean) && !chrome::is_section_chrome(clean)
}

/// [`name_like`] but for the section-chrome test, which a plain-text line has passed.
fn name_shape(clean: &str) -> bool {
    if clean.len() > 160 {
        return false;
    }
    let words = word_count(clean);
    if !(1..=5).contains(&words) || clean.chars().count() > 40 {
        return false;
    }
    if clean.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '.') {
        return false;
    }
    let last = clean.chars().last().unwrap_or(' ');
    if "!?,;…:\"”“»«".contains(last) {
        return false;
    }
    if last == '.' {
        // "Andrew D." yes, "Thanks." no.
        let tail = clean.split_whitespace().last().unwrap_or("");
        if tail.chars().count() > 2 {
            return false;
        }
    }
    let first = clean.chars().next().unwrap_or(' ');
    !"-–•*>\"“„»«(#/".contains(first)
}

fn classify_line(raw: &str) -> Line {
    let clean = chrome::clean(raw);
    let kind = kind_of(&clean);
    // A plain-text line is not section chrome (`kind_of` looked), so its shape decides.
    let name_like = kind == Kind::Text && name_shape(&clean);
    let words = word_count(&clean);
    let para = editorial::paragraph_of(&clean, words);
    let short = !clean.is_empty() && clean.len() <= 400;
    let heading = short && chrome::is_comment_heading(&clean);
    let related = short && !heading && chrome::is_related_heading(&clean);
    let rules = !clean.is_empty() && chrome::is_rules_line(&clean);
    let end = short && (rules || editorial::end_marker_of(&clean, &kind));
    Line { clean, kind, name_like, para, heading, related, end, rules, words }
}

fn kind_of(c: &str) -> Kind {
    if c.is_empty() {
        return Kind::Blank;
    }
    // Every kind but plain text is a short line: long lines skip the per-kind patterns.
    let short = c.len() <= 160;
    if short {
        if let Some(m) = LEVEL.captures(c) {
            return Kind::Level(m[1].parse().unwrap_or(0));
        }
        if VOTE.is_match(c) {
            return Kind::Vote;
        }
        if SEP.is_match(c) {
            return Kind::Sep;
        }
        if ROLE.is_match(c) {
            return Kind::Role;
        }
    }
    if c.len() <= 200 {
        if let Some(s) = stamp_line(c) {
            if EDITED.is_match(c) {
                return Kind::Edited;
            }
            return Kind::Stamp(Box::new(s));
        }
    }
    if !short {
        return Kind::Text;
    }
    if is_action_bar(c) {
        return Kind::Action;
    }
    // Names in these lines have at most 60 characters.
    let fits =
        |m: &regex::Captures, g: &str| m.name(g).is_some_and(|n| n.as_str().chars().count() <= 60);
    if let Some(m) = REPLY_TO.captures(c).filter(|m| fits(m, "name")) {
        return Kind::ReplyTo(m["name"].trim().to_string());
    }
    if let Some(m) = HANDLE_LINE.captures(c).filter(|m| fits(m, "name")) {
        return Kind::Handle { name: m["name"].to_string(), handle: m["handle"].to_string() };
    }
    if chrome::is_section_chrome(c) {
        return Kind::Chrome;
    }
    if let Some(m) = SAYS.captures(c) {
        if name_like(&m["name"]) {
            return Kind::Says(m["name"].to_string());
        }
    }
    if let Some(m) = QUOTE_HEAD.captures(c) {
        let name = m.name("a").or(m.name("b")).map_or("", |n| n.as_str()).trim();
        if name_like(name) {
            return Kind::QuoteHead(name.trim_start_matches('@').to_string());
        }
    }
    Kind::Text
}

/// Words that lead a header piece and say nothing about who wrote it: comment counters
/// ("1", "#12", "3."), "Posted by:", "By", "On", "Von".
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:#\s*)?\d{1,4}(?:\.\d{1,3})*[.):]?(?:\s+|$)|(?:permalink\s+)?(?:posted|submitted|written|geschrieben|eingereicht|comment(?:ed)?|kommentar|kommentiert|antwort|reply)\s+(?:by|von)(?-u:\b)\s*:?\s*|(?:posted|by|von|on|am|at|um|from|posted\s+on|veröffentlicht\s+am)(?-u:\b)\s*:?\s*|[\[(]?\s*[–\-+]\s*[\])]\s*)",
    )
    .expect("valid")
});

/// Words that join a name to its stamp, at the end of a piece before the stamp or after it:
/// "NAME on", "NAME am", "NAME said:", "NAME Says:", "at", separators.
static TRAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|\s+)(?:on|at|am|um|posted|posted\s+on|veröffentlicht(?:\s+am)?|geschrieben|wrote|commented|kommentierte|said|says|sagt|schrieb|meint|schreibt)\s*[:.]?$|\s*[,:;.\-–—|·•/@*]+$",
    )
    .expect("valid")
});

/// Pieces of a header that are not a name: time zones, comment anchors ("(#)", "#12"),
/// user ids in brackets, links, handles, counters ("Comments (6)"), apps ("via Android app").
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:[ecmp][sd]t|gmt|utc|bst|cet|cest|mez|mesz|ist|aest|aedt|uhr|z)|\(?#\d*\)?|\(\d+\)|\d+|https?://\S+|www\.\S+|@\w+|\w+:\s*@\w+|(?:comments?|kommentare?|replies|antworten)\s*\(\d+\)|via\s+.{1,40}|said|says|wrote|schrieb|sagt|edited|bearbeitet)$",
    )
    .expect("valid")
});

/// Links and bracketed numeric ids inside a name piece ("Stephan Kopp http://…",
/// "Quakeulf (2650167)").
static NAME_NOISE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*(?:https?://\S+|www\.\S+|\(\d+\))").expect("valid"));

/// A date glued to the name before it ("Robyn Oxner10/8/12 2:59 PM"), or a comment number
/// glued to the clock before it ("7:20 pm2 Timon Piccini").
static GLUED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\p{L}\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?-u:\b)|\d\s?[ap]\.?m\d").expect("valid")
});

/// A display name as a header carries it: a name, perhaps with a blog or site after `@` or
/// in brackets ("Nate @ House of Annie", "Jane Stewart (Dances With Crayons)").
fn header_name_like(s: &str) -> bool {
    if s.chars().count() > 60 {
        return false;
    }
    let base = s.split(" @ ").next().unwrap_or(s);
    let base = base.split(" (").next().unwrap_or(base).trim();
    name_like(base) && (base.len() == s.len() || word_count(s) <= 8)
}

/// What a piece of header residue is.
#[derive(Debug, PartialEq)]
enum Piece {
    Nothing,
    Action,
    Name(String),
    Other,
}

fn strip_lead(mut s: &str) -> &str {
    loop {
        let t = s.trim_start_matches(|c: char| c.is_whitespace() || "·•|,:;.-–—/".contains(c));
        match LEAD.find(t) {
            Some(m) if m.end() > 0 => s = &t[m.end()..],
            _ => return t,
        }
    }
}

fn strip_trail(mut s: &str) -> &str {
    loop {
        let t = s.trim_end();
        match TRAIL.find(t) {
            // An initial keeps its dot ("Tom B.").
            Some(m) if &t[m.start()..] == "." && initial_before(&t[..m.start()]) => return t,
            Some(m) if m.start() < t.len() => s = &t[..m.start()],
            _ => return t,
        }
    }
}

/// True when `s` ends in a one-letter capital word after another word ("Tom B").
fn initial_before(s: &str) -> bool {
    let mut words = s.rsplit(' ');
    let last = words.next().unwrap_or("");
    let mut chars = last.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
        && words.next().is_some_and(|w| !w.is_empty())
}

fn piece(raw: &str) -> Piece {
    let s = strip_trail(strip_lead(raw));
    if s.is_empty() {
        return Piece::Nothing;
    }
    if FURNITURE.is_match(s) {
        return Piece::Nothing;
    }
    if is_action_bar(s) {
        return Piece::Action;
    }
    // Old Reddit: "[–] AUTHOR [S] 5 points".
    let mut p = NAME_NOISE.replace_all(s, "").into_owned();
    if let Some(m) = POINTS_TAIL.find(&p) {
        p.truncate(m.start());
    }
    if let Some(m) = FLAIR_TAIL.find(&p) {
        p.truncate(m.start());
    }
    let p = strip_trail(p.trim()).to_string();
    // The time again, in another form ("August 9, 2012 02:07 pm at 2:07 pm"), says nothing
    // more; a name never holds a time.
    let again = stamp::find(&p).map(|s| p.len() - (s.end - s.start));
    if p.is_empty() || again.is_some_and(|rest| rest <= 3) {
        Piece::Nothing
    } else if header_name_like(&p) && again.is_none() {
        Piece::Name(p)
    } else {
        // "Reply #", "Permalink | Report" glued to furniture.
        let words: Vec<&str> = p.split_whitespace().collect();
        if words.iter().all(|w| FURNITURE.is_match(w) || is_action_bar(w)) {
            Piece::Action
        } else {
            Piece::Other
        }
    }
}

/// Splits header residue at strong separators into pieces.
fn pieces(s: &str) -> Vec<Piece> {
    let s = NAME_NOISE.replace_all(s, " ");
    s.split(['|', '·', '•', '\t', '¦'])
        .flat_map(|p| p.split("//"))
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" – "))
        .flat_map(|p| p.split(" — "))
        .map(piece)
        .filter(|p| *p != Piece::Nothing)
        .collect()
}

/// Reads a line that holds a name and nothing else of substance ("1. Al", "Progress Trap
/// said,", `http://twitter.com/x Barry Hollander`, "Anonymous | Reply"): the name, or `None`.
pub fn name_line(c: &str) -> Option<String> {
    if c.chars().count() > 90 {
        return None;
    }
    let mut name = None;
    for p in pieces(c) {
        match p {
            Piece::Name(n) if name.is_none() => name = Some(n),
            Piece::Action => {}
            _ => return None,
        }
    }
    name
}

/// Reads a line as a timestamp line, or `None`: the stamp, and around it at most a name
/// (before or after it) and furniture (counters, "Posted by:", "on", "at", "said:", zones,
/// links, action words). A line with anything else (running text) is not a header.
pub fn stamp_line(c: &str) -> Option<StampLine> {
    if word_count(c) > 24 {
        return None;
    }
    // Most lines hold no stamp: say so before looking for glued dates.
    let plain = stamp::find(c)?;
    // "Robyn Oxner10/8/12 2:59 PM": read with a space between the name and the date.
    let spaced;
    let (c, glued_date) = match GLUED_DATE.find(c) {
        Some(m) => {
            let at = if c[m.start()..].starts_with(|ch: char| ch.is_ascii_digit()) {
                m.end() - 1
            } else {
                m.start() + c[m.start()..].chars().next().map_or(1, char::len_utf8)
            };
            spaced = format!("{} {}", &c[..at], &c[at..]);
            (spaced.as_str(), true)
        }
        None => (c, false),
    };
    let st = if glued_date { stamp::find(c)? } else { plain };
    let text = c[st.start..st.end].trim().to_string();
    let prefix_raw = &c[..st.start];
    let suffix = &c[st.end..];
    let glued = glued_date || prefix_raw.chars().last().is_some_and(|ch| ch.is_alphabetic());
    if glued && !glued_date && !st.is_clock_only() {
        return None;
    }
    // "NAME → OTHER 2 hours ago": a reply written in the header.
    let (prefix, reply_to) = match prefix_raw.split_once(['→', '➦', '▶', '►']) {
        Some((a, b)) => match piece(b) {
            Piece::Name(r) => (a, Some(r)),
            _ => return None,
        },
        None => (prefix_raw, None),
    };
    let before = pieces(prefix);
    let after = pieces(suffix);
    if before.iter().chain(&after).any(|p| *p == Piece::Other) {
        return None;
    }
    let names: Vec<&String> = before
        .iter()
        .chain(&after)
        .filter_map(|p| match p {
            Piece::Name(n) => Some(n),
            _ => None,
        })
        .collect();
    let form = match names.len() {
        0 if before.contains(&Piece::Action) => Form::ActionTime,
        0 => Form::TimeOnly,
        1 => Form::NameTime,
        _ => return None,
    };
    if reply_to.is_some() && form != Form::NameTime {
        return None;
    }
    Some(StampLine {
        stamp: st,
        text,
        form,
        name: names.first().map(|n| (*n).clone()),
        glued,
        reply_to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Kind {
        kind_of(&chrome::clean(s))
    }

    fn stamp_of(s: &str) -> StampLine {
        match kind(s) {
            Kind::Stamp(s) => *s,
            k => panic!("{s:?}: {k:?}"),
        }
    }

    #[test]
    fn action_bars() {
        for s in [
            "Reply",
            "Antworten",
            "AntwortenLöschen",
            "Daumen hoch0Daumen runter  Antworten",
            "LikeLiked by 21 people",
            "Continue this thread",
            "Reply • Share ›",
            "5 • Reply • Share ›",
            "permalink embed save report reply",
            "Aufklappen",
        ] {
            assert_eq!(kind(s), Kind::Action, "{s:?}");
        }
        for s in ["Reply all you want", "Like a charm.", "Replying is hard"] {
            assert_ne!(kind(s), Kind::Action, "{s:?}");
        }
    }

    #[test]
    fn header_lines() {
        let s = stamp_of("Gerhard Baierlein am 18. Oktober 2023 - 13:11 Permanenter Link");
        assert_eq!((s.form, s.name.as_deref()), (Form::NameTime, Some("Gerhard Baierlein")));
        assert_eq!(s.text, "18. Oktober 2023 - 13:11");
        let s = stamp_of("Ruby21:00");
        assert_eq!((s.name.as_deref(), s.glued, s.text.as_str()), (Some("Ruby"), true, "21:00"));
        let s = stamp_of("dimitri-vs 1 hour ago | next [–]");
        assert_eq!((s.name.as_deref(), s.text.as_str()), (Some("dimitri-vs"), "1 hour ago"));
        let s = stamp_of("Submitted by Jane Roe on Tue, 10/17/2023 - 13:11");
        assert_eq!(
            (s.name.as_deref(), s.text.as_str()),
            (Some("Jane Roe"), "Tue, 10/17/2023 - 13:11")
        );
        assert_eq!(kind("Published 3 hours ago"), Kind::Edited);
        assert_eq!(stamp_of("Posted on July 11, 2011").form, Form::TimeOnly);
        let s = stamp_of("[–] someone 5 points 2 hours ago");
        assert_eq!(s.name.as_deref(), Some("someone"));
        assert_eq!(stamp_of("July 11, 2011 at 12:25 pm").form, Form::TimeOnly);
        assert_eq!(stamp_of("Like · Reply · 2h").form, Form::ActionTime);
        assert_eq!(kind(" Art Edwards says:"), Kind::Says("Art Edwards".into()));
        assert_eq!(kind("level 2"), Kind::Level(2));
        assert_eq!(kind("39 points"), Kind::Vote);
        assert_eq!(kind("edited 6 years ago"), Kind::Edited);
        assert_eq!(kind("Reply to\u{a0} PaulW"), Kind::ReplyTo("PaulW".into()));
        assert_eq!(kind("Zitat Kathrin:"), Kind::QuoteHead("Kathrin".into()));
        assert_eq!(kind("Gast"), Kind::Role);
    }

    #[test]
    fn headers_with_furniture_around_the_name() {
        // (line, name, stamp as written): counters, "Posted by:", separators, zones, links,
        // anchors and "said:" around the name, before or after the stamp.
        for (line, name, text) in [
            (
                "Posted by: DrNo at November 7, 2012 1:56 PM",
                Some("DrNo"),
                "November 7, 2012 1:56 PM",
            ),
            (
                "Posted by: Ricardo Bueno | September 12, 2012 at 10:11 AM",
                Some("Ricardo Bueno"),
                "September 12, 2012 at 10:11 AM",
            ),
            (
                "On November 1, 2012 at 10:12 am Maggie Dodson said:",
                Some("Maggie Dodson"),
                "November 1, 2012 at 10:12 am",
            ),
            (
                "on 25 Oct 2012 at 7:20 pm2 Timon Piccini",
                Some("Timon Piccini"),
                "25 Oct 2012 at 7:20 pm",
            ),
            (
                "2 Nate @ House of Annie October 25, 2012 at 10:55 pm",
                Some("Nate @ House of Annie"),
                "October 25, 2012 at 10:55 pm",
            ),
            (
                "1  Stephan Kopp http://stephankopp.net | 10/29/2012 5:14:46 PM",
                Some("Stephan Kopp"),
                "10/29/2012 5:14:46 PM",
            ),
            (
                "by Kate Klemens on November 29, 2010 at 8:03 am. Reply #",
                Some("Kate Klemens"),
                "November 29, 2010 at 8:03 am.",
            ),
            (
                "nkhukuzi Says:\tAugust 9th, 2012 at 7:42 pm",
                Some("nkhukuzi"),
                "August 9th, 2012 at 7:42 pm",
            ),
            ("Robyn Oxner10/8/12 2:59 PM", Some("Robyn Oxner"), "10/8/12 2:59 PM"),
            ("John Myles White 07.16.12 at 08:34", Some("John Myles White"), "07.16.12 at 08:34"),
            (
                "Chris Lane, on November 6th, 2012 // Twitter: @chrislanephoto",
                Some("Chris Lane"),
                "November 6th, 2012",
            ),
            ("Posted 10/18/2012 at 2:57 pm | Permalink", None, "10/18/2012 at 2:57 pm"),
            ("#1 - Mon Oct 29, 2012 10:07 AM EDT", None, "Mon Oct 29, 2012 10:07 AM"),
            ("October 12th, 2012 at 6:14 am (#)", None, "October 12th, 2012 at 6:14 am"),
            ("2012-10-27 11:34:58.", None, "2012-10-27 11:34:58"),
        ] {
            let s = stamp_of(line);
            assert_eq!((s.name.as_deref(), s.text.as_str()), (name, text), "{line:?}");
        }
        assert_eq!(abs_month_day("07.16.12 at 08:34"), Some((7, 16)));
    }

    fn abs_month_day(line: &str) -> Option<(u32, u32)> {
        match stamp_of(line).stamp.kind {
            stamp::StampKind::Absolute(a) => a.month_day,
            stamp::StampKind::Relative => None,
        }
    }

    proptest::proptest! {
        #[test]
        fn word_count_is_split_whitespace(s in "\\PC{0,80}|[ a\\t\u{a0}\u{2009}b\u{3000}\u{85}é]{0,40}") {
            proptest::prop_assert_eq!(word_count(&s), s.split_whitespace().count());
        }
    }

    #[test]
    fn running_text_is_not_a_header() {
        for s in [
            "I went there 3 days ago and it was closed.",
            "We met at 21:00 in the bar and talked for hours.",
            "Ich habe ihn am 3. Juni 2016 14:54 gebacken und er war super.",
        ] {
            assert_eq!(kind(s), Kind::Text, "{s:?}");
        }
    }

    #[test]
    fn names() {
        for s in ["PaulW", "Andrew D.", "88181 (Profil gelöscht)", "dwoz", "Lecker Kuchen"] {
            assert!(name_like(s), "{s:?}");
        }
        for s in ["Thanks.", "Great article!", "This is a much longer sentence than names are"] {
            assert!(!name_like(s), "{s:?}");
        }
    }
}
