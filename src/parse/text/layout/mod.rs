//! Layout parsers: each recognises one comment system's text and says how well it fits.
//!
//! Every parser returns an [`Extraction`]: one [`LineClass`] per input line plus the parts of
//! each comment. [`extract`] runs them all and keeps the most confident; when none finds
//! comments, [`fallback`] keeps the page as editorial minus the chrome it recognises. Adding
//! a layout means adding a module and a line to `PARSERS`.

mod generic;
pub mod judge;
mod wpdiscuz;

use super::features::{self, Line};
use super::{chrome, editorial};
use crate::parse::LineClass;

/// What a layout parser recovered from a page.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// Layout name as reported in `Page::layout`.
    pub layout: &'static str,
    /// How well it fit, 0–1.
    pub confidence: f64,
    /// One class per input line.
    pub classes: Vec<LineClass>,
    /// The comments, in text order; `LineClass::Comment(i)` refers to `comments[i]`.
    pub comments: Vec<CommentParts>,
}

/// The fields of one comment as found in the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommentParts {
    /// 1-based line of the comment's first header line.
    pub header_line: usize,
    /// Display name.
    pub author: Option<String>,
    /// Handle such as `@guest_865201`.
    pub handle: Option<String>,
    /// Timestamp as written.
    pub posted_text: Option<String>,
    /// Name of the author answered.
    pub reply_to: Option<String>,
    /// Body text, markers removed.
    pub body: String,
    /// The page cut the body short.
    pub truncated: bool,
    /// Nesting level printed by the page (Reddit's "level N", 1 = top level) or given by the
    /// markup's nesting.
    pub level: Option<usize>,
    /// The exact time the markup gives (`<time datetime>`), which wins over `posted_text`.
    pub posted_exact: Option<chrono::DateTime<chrono::Utc>>,
    /// The comment system's own id for it, when the markup gives one (`id="comment-123"`,
    /// `data-comment-id`): what an archive knows it by across captures.
    pub native_id: Option<String>,
}

/// A candidate comment list with the judge's view of it.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The candidate.
    pub extraction: Extraction,
    /// Its features ([`judge::FEATURES`]).
    pub features: Vec<f64>,
    /// The judge's probability that it is the page's comment list.
    pub probability: f64,
    /// The list was offered without its first record (which may be the article's dateline).
    pub trimmed: bool,
}

impl Judged {
    /// What candidates are ranked by: the probability, with a list offered without its
    /// first record needing a clear margin over the whole list.
    pub fn rank(&self) -> f64 {
        self.probability - if self.trimmed { judge::TRIM_MARGIN } else { 0.0 }
    }
}

/// Every candidate comment list of the generic finder, judged (for `extract` and for
/// evaluating and fitting the judge).
pub fn candidates(lines: &[&str], feats: &[Line]) -> Vec<Judged> {
    generic::candidates(lines, feats)
        .into_iter()
        .map(|(extraction, trimmed)| {
            let features = judge::features(feats, &extraction);
            let probability = judge::probability(&features);
            Judged { extraction, features, probability, trimmed }
        })
        .collect()
}

/// Finds the comment list: wpDiscuz 7 when its records are there (its headers are
/// unmistakable), else the generic finder's most probable candidate when the judge accepts
/// it, else no comments ([`fallback`]). Then narrows the editorial to the article
/// ([`editorial::bounds`]): navigation above it, bios, share bars and comment-section
/// phrases below it become chrome.
pub fn extract(lines: &[&str]) -> Extraction {
    let feats = features::classify(lines);
    let rules = rules_of(lines, &feats);
    let mut ex = find_comments_with(lines, &feats, &rules);
    refine_editorial(lines, &feats, &rules, &mut ex.classes);
    ex
}

/// The page's house-rules blocks, from the lines' classes.
fn rules_of(lines: &[&str], feats: &[Line]) -> Vec<(usize, usize)> {
    let flags: Vec<bool> = feats.iter().map(|l| l.rules).collect();
    chrome::house_rules_blocks_with(lines, &flags)
}

/// The comment list, or none: [`extract`] before the editorial is narrowed.
pub fn find_comments(lines: &[&str], feats: &[Line]) -> Extraction {
    find_comments_with(lines, feats, &rules_of(lines, feats))
}

fn find_comments_with(lines: &[&str], feats: &[Line], rules: &[(usize, usize)]) -> Extraction {
    wpdiscuz::parse(lines, feats)
        .or_else(|| {
            candidates(lines, feats)
                .into_iter()
                .filter(|j| j.probability >= judge::ACCEPT)
                .max_by(|a, b| a.rank().total_cmp(&b.rank()))
                .map(|j| Extraction { confidence: j.probability, ..j.extraction })
        })
        .unwrap_or_else(|| fallback_with(lines, rules))
}

/// Where the article must end: the comment area or the first house-rules block, whichever
/// comes first (the page's end when neither is there).
pub fn article_limit(lines: &[&str], feats: &[Line], classes: &[LineClass]) -> usize {
    limit_of(classes, &rules_of(lines, feats))
}

fn limit_of(classes: &[LineClass], rules: &[(usize, usize)]) -> usize {
    let area =
        classes.iter().position(|c| matches!(c, LineClass::Comment(_) | LineClass::Unassigned));
    let rules_start = rules.first().map(|&(a, _)| a);
    area.unwrap_or(classes.len()).min(rules_start.unwrap_or(classes.len()))
}

/// Keeps as editorial only the article's lines; other editorial-classed lines become chrome.
fn refine_editorial(
    lines: &[&str],
    feats: &[Line],
    rules: &[(usize, usize)],
    classes: &mut [LineClass],
) {
    for &(a, b) in rules {
        for c in &mut classes[a..=b] {
            if *c == LineClass::Editorial {
                *c = LineClass::Chrome;
            }
        }
    }
    let limit = limit_of(classes, rules);
    let bounded = limit < lines.len();
    let keep = editorial::bounds(lines, feats, limit, bounded);
    for (i, c) in classes.iter_mut().enumerate() {
        if *c == LineClass::Editorial && keep.is_none_or(|(s, e)| i < s || i > e) {
            *c = LineClass::Chrome;
        }
    }
}

/// No comment system recognised: house-rules blocks and section phrases are chrome, the
/// rest is editorial.
pub fn fallback(lines: &[&str]) -> Extraction {
    fallback_with(lines, &chrome::house_rules_blocks(lines))
}

fn fallback_with(lines: &[&str], rules: &[(usize, usize)]) -> Extraction {
    let mut classes = vec![LineClass::Editorial; lines.len()];
    for &(a, b) in rules {
        classes[a..=b].fill(LineClass::Chrome);
    }
    mark_chrome_tail(lines, &mut classes);
    let (layout, confidence) =
        if rules.is_empty() { ("generic", 0.1) } else { ("house-rules", 0.8) };
    Extraction { layout, confidence, classes, comments: Vec::new() }
}

/// Marks as chrome the run of section phrases and blank lines that ends at the bottom of the
/// editorial (e.g. "Subscribe / Notify of / 0 Comments" with no comment under it).
fn mark_chrome_tail(lines: &[&str], classes: &mut [LineClass]) {
    let mut end = classes.len();
    while end > 0 && classes[end - 1] == LineClass::Chrome {
        end -= 1;
    }
    mark_chrome_run_before(lines, classes, end);
}

/// Walks up from `start` (exclusive) over blank lines and section phrases, marking them
/// chrome; then takes an author box ("Avatar photo" and its bio) just above. Returns the
/// first chrome index.
pub(crate) fn mark_chrome_run_before(
    lines: &[&str],
    classes: &mut [LineClass],
    start: usize,
) -> usize {
    let mut k = start;
    while k > 0 && (lines[k - 1].trim().is_empty() || chrome::is_section_chrome(lines[k - 1])) {
        k -= 1;
    }
    // Author box: "Avatar photo" followed by at most three bio lines.
    if let Some(av) = (k.saturating_sub(4)..k)
        .find(|&i| chrome::clean(lines[i]).eq_ignore_ascii_case("avatar photo"))
    {
        k = av;
    }
    classes[k..start].fill(LineClass::Chrome);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_keeps_text_as_editorial_and_rules_as_chrome() {
        let lines = ["Para one.", "", "Para two.", "Comments: Our rules", "Be nice."];
        let ex = fallback(&lines);
        assert_eq!(ex.layout, "house-rules");
        use LineClass::*;
        assert_eq!(ex.classes, vec![Editorial, Editorial, Editorial, Chrome, Chrome]);
    }

    const ARTICLE: &str = "A paragraph of the article that runs on for a while, as articles do. It has sentences and words.";

    fn authors(text: &str) -> Vec<Option<String>> {
        let lines: Vec<&str> = text.lines().collect();
        extract(&lines).comments.into_iter().map(|c| c.author).collect()
    }

    #[test]
    fn untimed_list_under_a_count_heading() {
        let page = format!(
            "Title of the post here\n{ARTICLE}\n{ARTICLE}\n3 Comments\nAnna Berg\nI tried this and it worked for me, thanks.\nReply\nJo\nDoes it work with older versions too?\nReply\nMarc D.\nYou should also check the settings first.\nReply\nLeave a Reply\nName *"
        );
        let want: Vec<Option<String>> =
            ["Anna Berg", "Jo", "Marc D."].iter().map(|s| Some(s.to_string())).collect();
        assert_eq!(authors(&page), want);
        // The same list under a form heading, or under a count it does not fit, is no list.
        assert!(authors(&page.replace("3 Comments", "Leave a comment")).is_empty());
        assert!(authors(&page.replace("3 Comments", "0 Comments")).is_empty());
    }

    #[test]
    fn dated_headlines_are_not_comments() {
        let page = format!(
            "Big storm hits the coast tonight\nBy Ana Ruiz on March 3, 2024 at 9:15 am\n{ARTICLE}\n{ARTICLE}\nRelated articles\nCouncil votes to keep the harbour car park free\nMarch 2, 2024 at 4:10 pm\nIsland school gets new science labs\nMarch 1, 2024 at 9:00 am\nFishing fleet warns of poor season\nFebruary 28, 2024 at 6:45 pm"
        );
        assert!(authors(&page).is_empty(), "{:?}", authors(&page));
    }

    #[test]
    fn names_on_closing_lines_end_their_records() {
        let page = format!(
            "A headline about the library hours\nPosted by Helen Park at 10:42 AM | Permalink\n{ARTICLE}\nComments\nThe community centre has better parking anyway.\nPosted by: Derek | March 04, 2024 at 11:02 AM\nClosing at seven is a shame for everyone who studies.\nPosted by: Mia Chen | March 04, 2024 at 01:15 PM\nI hope the book group can stay where it is.\nPosted by: Ruth | March 05, 2024 at 09:20 AM\nPost a comment"
        );
        let lines: Vec<&str> = page.lines().collect();
        let ex = extract(&lines);
        let got: Vec<(Option<&str>, &str)> =
            ex.comments.iter().map(|c| (c.author.as_deref(), c.body.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Some("Derek"), "The community centre has better parking anyway."),
                (Some("Mia Chen"), "Closing at seven is a shame for everyone who studies."),
                (Some("Ruth"), "I hope the book group can stay where it is."),
            ]
        );
    }

    #[test]
    fn fallback_takes_empty_comment_box_at_the_end() {
        let lines = ["Para one.", "Subscribe", "Notify of", "0 Comments"];
        let ex = fallback(&lines);
        assert_eq!(ex.layout, "generic");
        use LineClass::*;
        assert_eq!(ex.classes, vec![Editorial, Chrome, Chrome, Chrome]);
    }
}
