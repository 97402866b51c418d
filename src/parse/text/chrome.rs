//! Page chrome: lines that are neither editorial nor comment.
//!
//! Comment systems surround their list with fixed phrases (subscribe boxes, sort tabs,
//! counters, forms) and news sites put house-rules blocks where the widget would load. These
//! are recognised as whole lines, case-insensitively (innerText applies CSS `text-transform`,
//! so "OLDEST" and "oldest" are the same tab), in English and German.

use regex::{Regex, RegexSet};
use std::sync::LazyLock;

/// Whole-line phrases that comment systems print around (not inside) a comment list.
static SECTION_CHROME: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(
        [
            // wpDiscuz (v7 and older), English and German.
            r"^subscribe$",
            r"^notify of$",
            r"^(guest|gast)$",
            r"^(login|log in|sign in|register|sign up|connect with|i allow to create an account)$",
            r"^\d[\d,.]*\s+(comments?|kommentare?|responses?|replies|antworten):?$",
            r"^(oldest|newest|most voted|neueste|älteste|meisten abstimmungen|älteste meisten abstimmungen)$",
            r"^inline feedbacks?$",
            r"^view all comments$",
            r"^(alle kommentare anzeigen|abonnieren|benachrichtige mich bei|allen neuen kommentare[n]?)$",
            r"^(join the discussion|be the first to comment!?|load more comments|view replies|hide replies)(…|\.\.\.)?$",
            r"^(add comment|add a comment|post a comment|write a comment|kommentar schreiben|schreibe einen kommentar)(…|\.\.\.)?$",
            r"^(facebook comments plugin|subscribe to: post comments.*|comments powered by .*)$",
            r"^(avatar-foto|avatar foto|autorenfoto|author avatar)$",
            r"^(leave a reply|leave a comment|hinterlasse einen kommentar|kommentar hinzufügen)$",
            r"^(comments are closed\.?|kommentare sind geschlossen\.?)$",
            r"^(sort by:?|sorted by:?|sortiert nach:?|sortieren nach:?).*$",
            r"^avatar photo$",
            r"^(comments?|kommentare|discussion):?$",
            r"^please enable javascript to view the comments.*$",
            r"^(subscribe|sign up)( to| for)? .*(feed|newsletter|rss|updates|posts|blog|comments)(?-u:\b).*$",
            r"^(you can follow this conversation|follow this conversation|subscribe to (this|the) comment feed|comment feed for this post).*$",
            // Comment counts, openers and closers of many systems.
            r"^(kommentare|comments|antworten|responses):?\s*\(?\d+\)?$",
            r"^\d[\d,.]*\s+(responses?|thoughts?|comments?|replies|kommentare?|antworten|gedanken)\s+(to|on|zu|auf)\s+.+$",
            r"^(leave a reply|leave a comment|reply|kommentieren)( to .{1,60})?$",
            r"^(cancel reply|antworten abbrechen|abbrechen)$",
            r"^your email address will not be published.*$",
            r"^(deine|ihre) e-mail-adresse wird nicht veröffentlicht.*$",
            r"^required fields are marked.*$",
            r"^(erforderliche felder sind mit|pflichtfelder sind mit).*$",
            r"^(name|email|e-mail|website|webseite|comment|kommentar|ihr name|ihr kommentar|dein name|dein kommentar)\s*\*?$",
            r"^(post comment|submit comment|kommentar abschicken|kommentar absenden|submit|absenden|senden)$",
            r"^(notify me of|save my name|this site uses akismet|benachrichtige mich|meinen namen, meine e-mail).*$",
            r"^(alle neuen kommentare|benachrichtige mich zu:?|neue kommentare|kommentar themen|themen antworten)$",
            r"^\d[\d,.]*\s+(kommentar themen|themen antworten|follower|kommentatoren)$",
            r"^(kommentar, auf das am meisten reagiert wurde|beliebtestes kommentar thema|letzte kommentartoren|letzte kommentatoren)$",
            r"^(weitere laden\.*|weitere kommentare( anzeigen| laden)?|mehr kommentare( anzeigen| laden)?|load more( comments)?|show more comments|more comments|show all comments|show all)$",
            r"^view (entire discussion|all \d+ comments|more comments|\d+ new comments?).*$",
            r"^(neuerer post|älterer post|newer post|older post).*$",
            r"^abonnieren kommentare zum post.*$",
            r"^(« )?(ältere kommentare|neuere kommentare|older comments|newer comments)( »)?$",
            r"^(\d+\s+){1,8}(…\s+)?(\d+\s+)?(weiter|next|nächste|›)?\s*»?$",
            r"^(join the conversation|sign in to comment|log in to comment|all comments|most replies|featured comments|top comments|best|top|new|controversial|old|q&a|beste bewertung|neuste)$",
            r"^(neuste|neueste)\s+(älteste)\s+(beste bewertung|meisten abstimmungen).*$",
            r"^(this thread is archived|new comments cannot be posted.*|\d+% upvoted)$",
            r"^(netiquette( für kommentare)?|kommentarregeln|comment policy)$",
        ]
        .map(|p| format!("(?i){p}")),
    )
    .expect("chrome patterns are valid")
});

static COMMENT_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            [{(\[]?\s*\d[\d,.]*\s+(?:comments?|responses?|replies|thoughts|reactions?|kommentare?|antworten|reaktionen|leserkommentare|diskussionsbeiträge?)(?-u:\b).*
          | (?:reader\s+|user\s+|leser)?(?:comments|kommentare|responses|discussion|diskussion|reactions|replies)(?:\s*\(\d+\))?\s*:?
          | (?:reader\s+|user\s+)?comment:
          | (?:leave|post|add|write|submit)\s+(?:a|your|new)\s+(?:reply|comment|response)(?:\s+to\s+.+)?\s*[:.!]?
          | (?:join|start)\s+the\s+(?:discussion|conversation)\s*[:.!]?
          | (?:what\s+do\s+you\s+think|what\s+readers\s+(?:say|think)|have\s+your\s+say|your\s+comments?|talk\s*back|speak\s+up)\s*[?:.!]?
          | (?:schreibe?|hinterlasse|verfasse)\s+(?:einen|deinen|ihren)\s+kommentar\s*[:.!]?
          | (?:comments?|kommentare?)\s+(?:on|to|zu|zum)\s+.+
          | .*(?-u:\b)(?:comments|kommentare|responses)\s*:
        )$",
    )
    .expect("valid")
});

static RELATED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?:more\s+)?(?:related|recent|latest|popular|featured|trending|top|similar|previous|next|other|more)(?-u:\b).*
          | (?:you\s+(?:may|might)\s+also\s+like|also\s+on|around\s+the\s+web|from\s+the\s+web|elsewhere|archives?|most\s+(?:read|viewed|popular|emailed|shared|commented)|in\s+case\s+you\s+missed\s+it|upcoming\s+events?|events?|headlines|news|in\s+the\s+news|blogroll|tweets?|on\s+twitter|twitter)(?-u:\b).*
          | (?:ähnliche|verwandte|weitere|neueste|beliebteste|meistgelesene|aktuelle)(?-u:\b).*
        )$",
    )
    .expect("valid")
});

/// A line that opens (or names) a comment section: "12 Comments", "Leave a Reply",
/// "Join the discussion", "Kommentare (3)", "53 Responses to “TITLE”".
pub fn is_comment_heading(clean: &str) -> bool {
    clean.len() <= 300 && clean.chars().count() <= 120 && COMMENT_HEADING.is_match(clean)
}

/// A comment heading that opens a list of comments: not a form's ("Leave a Reply", "Post a
/// comment", "Join the discussion") and not an empty section's ("No comments", "0 Comments").
pub fn list_heading(clean: &str) -> bool {
    let l = clean.to_lowercase();
    let form = [
        "leave ",
        "post ",
        "add ",
        "write ",
        "submit ",
        "join ",
        "start ",
        "what do you think",
        "have your say",
        "schreib",
        "hinterlasse",
        "verfasse",
    ];
    !form.iter().any(|w| l.starts_with(w))
        && !l.starts_with("no ")
        && !l.starts_with("keine ")
        && heading_count(clean) != Some(0)
}

/// The number a comment heading gives ("53 Responses to …", "Comments (3)", "{ 56 comments…").
pub fn heading_count(clean: &str) -> Option<usize> {
    let digits: String = clean
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A heading over a list that is not comments: "Related Posts", "Most Popular", "Latest
/// Headlines", "Upcoming Events", "Weitere Artikel".
pub fn is_related_heading(clean: &str) -> bool {
    clean.len() <= 200 && clean.chars().count() <= 60 && RELATED_HEADING.is_match(clean)
}

/// Normalises no-break spaces and trims, so that patterns see what a reader sees.
pub fn clean(line: &str) -> String {
    line.replace('\u{a0}', " ").trim().to_string()
}

/// True when the line is one of the fixed phrases comment systems print around the list.
pub fn is_section_chrome(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.len() > 200 {
        return false;
    }
    if t.contains('\u{a0}') {
        let c = clean(t);
        !c.is_empty() && SECTION_CHROME.is_match(&c)
    } else {
        SECTION_CHROME.is_match(t)
    }
}

static RULES_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(comments?:\s*our rules|our comment rules|community guidelines|house rules)$")
        .expect("valid")
});
static RULES_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(committed to maintaining a lively but civil forum|report any comments that break our rules|read the rules here|sign in to comment|want our comments to be a lively and valuable part)",
    )
    .expect("valid")
});

/// True when the line is part of a house-rules notice (heading or sentence).
pub fn is_rules_line(line: &str) -> bool {
    if RULES_TEXT.is_match(line) {
        return true;
    }
    // A rules heading is a short line of its own.
    let t = line.trim();
    t.len() <= 60 && RULES_START.is_match(&clean(t))
}

/// Finds house-rules blocks ("Comments: Our rules" and its paragraph, Postmedia's civil
/// forum notice): returns 0-based inclusive index ranges. A block starts at a heading (or a
/// rules sentence) and runs over adjacent rules sentences, blank lines and a bare
/// "Comments" heading just above it.
pub fn house_rules_blocks(lines: &[&str]) -> Vec<(usize, usize)> {
    let flags: Vec<bool> = lines.iter().map(|l| is_rules_line(l)).collect();
    house_rules_blocks_with(lines, &flags)
}

/// [`house_rules_blocks`] with [`is_rules_line`] already known for every line.
pub fn house_rules_blocks_with(lines: &[&str], flags: &[bool]) -> Vec<(usize, usize)> {
    let is_rules = |i: usize| flags[i];
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_rules(i) {
            i += 1;
            continue;
        }
        let mut start = i;
        // Take a bare "Comments" heading (and blanks) just above the first rules line.
        let mut k = start;
        while k > 0 && clean(lines[k - 1]).is_empty() {
            k -= 1;
        }
        if k > 0 && is_section_chrome(lines[k - 1]) {
            start = k - 1;
        }
        // Extend over rules lines; a non-rules line between two rules lines (the rules
        // paragraph itself) belongs to the block too.
        let mut end = i;
        let mut j = i + 1;
        while j < lines.len() && j <= end + 3 {
            if is_rules(j) {
                end = j;
            }
            j += 1;
        }
        // A heading directly followed by its paragraph: take the paragraph.
        if end == i && RULES_START.is_match(&clean(lines[i])) && i + 1 < lines.len() {
            end = i + 1;
        }
        blocks.push((start, end));
        i = end + 1;
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wpdiscuz_phrases_are_chrome_in_any_case() {
        for s in [
            "Subscribe",
            "Notify of",
            "guest",
            "3 Comments",
            "1 Kommentar",
            "OLDEST",
            "newest",
            "Inline Feedbacks",
            "View all comments",
            "Avatar photo",
            "Notify\u{a0}of ",
        ] {
            assert!(is_section_chrome(s), "{s:?}");
        }
    }

    #[test]
    fn ordinary_text_is_not_chrome() {
        for s in
            ["", "PaulW", "The guy is nuts.", "I subscribe to this view", "3 Comments about it"]
        {
            assert!(!is_section_chrome(s), "{s:?}");
        }
    }

    #[test]
    fn reach_rules_block_is_found_whole() {
        let lines = [
            "Last paragraph of the article.",
            "Comments: Our rules",
            "We want our comments to be a lively and valuable part of our community.",
            "Please report any comments that break our rules.",
            "Read the rules here",
        ];
        assert_eq!(house_rules_blocks(&lines), vec![(1, 4)]);
    }

    #[test]
    fn postmedia_notice_takes_its_heading() {
        let lines = [
            "Article end.",
            "Comments",
            "",
            "Postmedia is committed to maintaining a lively but civil forum for discussion.",
            "",
            "Sign in to Comment",
            "Connect With Us",
        ];
        assert_eq!(house_rules_blocks(&lines), vec![(1, 5)]);
    }
}
