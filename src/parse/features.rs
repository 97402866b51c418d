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
use super::stamp::{self, Stamp};
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
    Regex::new(r"(?i)^(?:reply to|in reply to|replying to|replied to|antwort auf|antwort an|als antwort auf|in antwort auf|antwortet auf|↪|⤷)\s*:?\s+@?(?P<name>\S.{0,59})$")
        .expect("valid")
});
static SAYS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?P<name>\S.{0,59}?)\s+(?:says|sagt|meint|schreibt|commented|kommentierte|said\s*(?:\.\.\.|…)|hat gesagt\s*(?:\.\.\.|…)?|schrieb\s*(?:\.\.\.|…)|wrote\s*(?:\.\.\.|…))\s*:?$",
    )
    .expect("valid")
});
static QUOTE_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:zitat|quote|quoting|zitiert)(?:\s+(?:von|from|of))?\s+@?(?P<a>\S.{0,59}?)\s*:?|(?P<b>\S.{0,59}?)\s+(?:said|wrote|schrieb|sagte)\s*:?)$")
        .expect("valid")
});
static HANDLE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<name>\S.{0,59}?)\s*\((?P<handle>@[^()\s]+)\)$").expect("valid")
});
static POINTS_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[+\-]?\d+\s+(?:points?|punkte?|votes?)\s*$").expect("valid")
});
static SUBMITTED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:permalink\s+)?(?:submitted|posted|geschrieben|eingereicht)\s+(?:by|von)\s+",
    )
    .expect("valid")
});
static FLAIR_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\[(?:S|M|A|OP|mod|admin)\]\s*$").expect("valid"));
static EDITED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[·•|]\s*)?(?:(?:last\s+)?(?:edited|bearbeitet|geändert|updated|aktualisiert)|published|posted(?:\s+on)?|veröffentlicht|erstellt|created|stand|eingestellt)(?:\s+\S+\s+(?:ago|her)\b|\s+(?:on|am)\b|:|\s+\d|\d)",
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
        match ACTION_WORDS.iter().find(|w| rest.starts_with(*w)) {
            Some(w) => {
                rest = &rest[w.len()..];
                words += 1;
            }
            None => return false,
        }
    }
}

/// Short text that can be a display name: one to five words, no sentence punctuation at
/// the end (an initial such as "Andrew D." is fine), not a phrase of the page's chrome.
pub fn name_like(clean: &str) -> bool {
    let words = clean.split_whitespace().count();
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
    !"-–•*>\"“„»«(#/".contains(first) && !chrome::is_section_chrome(clean)
}

fn classify_line(raw: &str) -> Line {
    let clean = chrome::clean(raw);
    let kind = kind_of(&clean);
    let name_like = kind == Kind::Text && name_like(&clean);
    Line { clean, kind, name_like }
}

fn kind_of(c: &str) -> Kind {
    if c.is_empty() {
        return Kind::Blank;
    }
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
    if c.len() <= 200 {
        if let Some(s) = stamp_line(c) {
            if EDITED.is_match(c) {
                return Kind::Edited;
            }
            return Kind::Stamp(Box::new(s));
        }
    }
    if is_action_bar(c) {
        return Kind::Action;
    }
    if let Some(m) = REPLY_TO.captures(c) {
        return Kind::ReplyTo(m["name"].trim().to_string());
    }
    if let Some(m) = HANDLE_LINE.captures(c) {
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

/// Words that may stand between a name and its stamp, or around a stamp alone.
fn strip_joiners(s: &str) -> &str {
    const DECOR: &[char] = &[' ', '·', '•', '|', ',', '-', '–', '—', ':', '(', ')', '#'];
    let mut s = s.trim_matches(DECOR);
    loop {
        let lower = s.to_lowercase();
        let mut changed = false;
        for w in [
            " am",
            " on",
            " at",
            " um",
            " posted",
            " veröffentlicht",
            " geschrieben",
            " wrote",
            " commented",
            " kommentierte",
        ] {
            if lower.ends_with(w) && s.is_char_boundary(s.len() - w.len()) {
                s = s[..s.len() - w.len()].trim_matches(DECOR);
                changed = true;
                break;
            }
        }
        for w in ["posted on", "posted", "veröffentlicht am", "am", "on", "at", "um"] {
            if lower == w {
                return "";
            }
        }
        if !changed {
            return s;
        }
    }
}

fn suffix_ok(suffix: &str) -> bool {
    let s = suffix.trim_matches(|c: char| c.is_whitespace() || "·•|,-–—:()[]#*".contains(c));
    if s.is_empty() {
        return true;
    }
    let lower = s.to_lowercase();
    if matches!(
        lower.as_str(),
        "uhr" | "said" | "says" | "wrote" | "schrieb" | "sagt" | "edited" | "bearbeitet"
    ) {
        return true;
    }
    is_action_bar(s)
}

/// Reads a line as a timestamp line, or `None`.
pub fn stamp_line(c: &str) -> Option<StampLine> {
    let st = stamp::find(c)?;
    let text = c[st.start..st.end].trim().to_string();
    let prefix_raw = &c[..st.start];
    let suffix = &c[st.end..];
    if !suffix_ok(suffix) {
        return None;
    }
    let prefix = strip_joiners(prefix_raw);
    if prefix.is_empty() {
        return Some(StampLine {
            stamp: st,
            text,
            form: Form::TimeOnly,
            name: None,
            glued: false,
            reply_to: None,
        });
    }
    if is_action_bar(prefix) {
        return Some(StampLine {
            stamp: st,
            text,
            form: Form::ActionTime,
            name: None,
            glued: false,
            reply_to: None,
        });
    }
    let glued = prefix_raw.chars().last().is_some_and(|ch| ch.is_alphabetic());
    if glued && !st.is_clock_only() {
        return None;
    }
    // Old Reddit: "[–] AUTHOR [S] 5 points"; Disqus-like replies: "NAME → OTHER".
    let mut p = SUBMITTED_BY.replace(prefix, "").into_owned();
    for tag in ["[–]", "[-]", "[+]", "[–] ", "[-] "] {
        if let Some(rest) = p.strip_prefix(tag) {
            p = rest.trim_start().to_string();
        }
    }
    if let Some(m) = POINTS_TAIL.find(&p) {
        p.truncate(m.start());
    }
    if let Some(m) = FLAIR_TAIL.find(&p) {
        p.truncate(m.start());
    }
    let (name, reply_to) = match p.split_once(['→', '➦', '▶', '►']) {
        Some((a, b)) => (a.trim().to_string(), Some(b.trim().to_string())),
        None => (p.trim().to_string(), None),
    };
    if !name_like(&name) || reply_to.as_deref().is_some_and(|r| !name_like(r)) {
        return None;
    }
    Some(StampLine { stamp: st, text, form: Form::NameTime, name: Some(name), glued, reply_to })
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
        assert_eq!(kind("Posted on July 11, 2011"), Kind::Edited);
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
