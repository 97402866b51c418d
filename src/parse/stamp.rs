//! Timestamps inside a line, as comment systems print them.
//!
//! Absolute, English and German, in the orders real pages use: "July 11, 2011 at 12:25 pm",
//! "Jun 20th at 2:41 am", "19. Februar 2017 20:00", "18. Oktober 2023 - 13:11",
//! "10. September 2017 um 18:12", "14. 01. 2020, 13:47", "21 Nov 2024 15.14",
//! "2024-11-05 14:00", "11/05/2024 at 2:00 pm", a bare clock "21:00" (also glued to a name,
//! "Ruby21:00"). Relative ones ("6 years ago", "vor 1 Stunde", "2h") are validated by
//! [`reltime::parse`]. [`find`] returns the leftmost (then longest) stamp with its byte span,
//! so callers can split a header line into name, time and the rest.

use super::reltime;
use aho_corasick::AhoCorasick;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// An absolute time as printed: any part may be missing (no year, no clock, clock only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbsTime {
    /// Four-digit year, when printed.
    pub year: Option<i32>,
    /// Month and day, when printed.
    pub month_day: Option<(u32, u32)>,
    /// Hour (0–23) and minute, when printed.
    pub clock: Option<(u32, u32)>,
}

impl AbsTime {
    /// The naive date and time, when the stamp gives a full date (midnight without a clock).
    /// A missing year is taken from `year_hint` (the caller picks it).
    pub fn naive(&self, year_hint: Option<i32>) -> Option<NaiveDateTime> {
        let (m, d) = self.month_day?;
        let y = self.year.or(year_hint)?;
        let date = NaiveDate::from_ymd_opt(y, m, d)?;
        let (h, mi) = self.clock.unwrap_or((0, 0));
        Some(date.and_time(NaiveTime::from_hms_opt(h, mi, 0)?))
    }
}

/// What kind of stamp was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StampKind {
    /// "6 years ago", "vor 1 Stunde", "2h".
    Relative,
    /// A printed date and/or clock time.
    Absolute(AbsTime),
}

/// A timestamp found in a line: byte span and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// Relative or absolute.
    pub kind: StampKind,
}

impl Stamp {
    /// True for relative stamps and absolute ones with a clock time: what comment systems
    /// print, as opposed to the bare dates of article lists.
    pub fn is_precise(&self) -> bool {
        match self.kind {
            StampKind::Relative => true,
            StampKind::Absolute(a) => a.clock.is_some(),
        }
    }

    /// True for a clock time with no date ("21:00").
    pub fn is_clock_only(&self) -> bool {
        matches!(self.kind, StampKind::Absolute(a) if a.month_day.is_none())
    }
}

const WEEKDAY: &str = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|mo|di|mi|do|fr|sa|so)\.?,?\s+";
const MONTH: &str = r"(?P<mon>january|february|march|april|may|june|july|august|september|october|november|december|januar|jänner|februar|märz|maerz|juni|juli|oktober|dezember|jan|feb|mär|mrz|mar|apr|mai|jun|jul|aug|sept|sep|okt|oct|nov|dez|dec)";
const CLOCK: &str = r"(?P<h>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?::[0-5]\d)?(?:\s*(?P<ap>[ap]\.?\s?m(?-u:\b)\.?)|\s*uhr(?-u:\b))?";

static MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:{WEEKDAY})?(?-u:\b){MONTH}\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(?P<year>\d{{4}})(?-u:\b))?(?:,?\s*(?:at\s+|um\s+|@\s*|-\s*|–\s*|,\s*)?{CLOCK})?"
    ))
    .expect("valid")
});
static DMY_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:{WEEKDAY})?(?-u:\b)(?P<day>\d{{1,2}})(?:\.|st|nd|rd|th)?\s+{MONTH}\.?,?\s+(?P<year>\d{{4}})(?-u:\b)(?:,?\s*(?:at\s+|um\s+|@\s*|-\s*|–\s*|,\s*)?{CLOCK})?"
    ))
    .expect("valid")
});
static DMY_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:{WEEKDAY})?(?-u:\b)(?P<day>\d{{1,2}})\.\s?(?P<mnum>\d{{1,2}})\.\s?(?P<year>\d{{4}}|\d{{2}})(?-u:\b)(?:,?\s*(?:at\s+|um\s+|-\s*|–\s*)?{CLOCK})?"
    ))
    .expect("valid")
});
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?P<year>\d{{4}})-(?P<mnum>\d{{2}})-(?P<day>\d{{2}})(?:(?:T|\s+|\s+at\s+){CLOCK}(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
    ))
    .expect("valid")
});
static US_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:{WEEKDAY})?(?-u:\b)(?P<mnum>\d{{1,2}})/(?P<day>\d{{1,2}})/(?P<year>\d{{4}}|\d{{2}})(?-u:\b)(?:,?\s*(?:at\s+|-\s*|–\s*)?{CLOCK})?"
    ))
    .expect("valid")
});
static CLOCK_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?:\s*(?P<ap>[ap]\.?\s?m(?-u:\b)\.?)|\s*uhr(?-u:\b))?",
    )
    .expect("valid")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?-u:\b)vor\s+(?:\d+|einer|einem|einen|eine|ein|zwei)\s+\p{L}+\.?(?:,?\s+(?:und\s+)?\d+\s+\p{L}+)*|(?-u:\b)(?:\d+|an?|one|eine[rmn]?|ein|a\s+few|few)\s*\p{L}+\.?(?:,?\s+(?:and\s+|und\s+)?\d+\s*\p{L}+)*\s+(?:ago|her)(?-u:\b)|(?-u:\b)just now(?-u:\b)|(?-u:\b)gerade eben(?-u:\b)|(?-u:\b)moments? ago(?-u:\b)|(?-u:\b)yesterday(?-u:\b)|(?-u:\b)gestern(?-u:\b)|(?-u:\b)\d{1,4}\s?(?:s|m|h|d|w|mo|y|min|mins|hr|hrs|std|wk|wks)(?-u:\b)(?:\s+ago(?-u:\b))?)",
    )
    .expect("valid")
});

static MONTH_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)(?-u:\b){MONTH}")).expect("valid"));

fn month_of(name: &str) -> Option<u32> {
    let n = name.to_lowercase();
    let n = n.as_str();
    Some(match n {
        _ if n.starts_with("jan") || n == "jänner" => 1,
        _ if n.starts_with("feb") => 2,
        _ if n.starts_with("mar") || n.starts_with("mär") || n == "mrz" || n == "maerz" => 3,
        _ if n.starts_with("apr") => 4,
        "may" | "mai" => 5,
        _ if n.starts_with("jun") => 6,
        _ if n.starts_with("jul") => 7,
        _ if n.starts_with("aug") => 8,
        _ if n.starts_with("sep") => 9,
        _ if n.starts_with("oct") || n.starts_with("okt") => 10,
        _ if n.starts_with("nov") => 11,
        _ if n.starts_with("dec") || n.starts_with("dez") => 12,
        _ => return None,
    })
}

fn clock_of(c: &Captures) -> Option<(u32, u32)> {
    let h: u32 = c.name("h")?.as_str().parse().ok()?;
    let mi: u32 = c.name("mi")?.as_str().parse().ok()?;
    let h = match c.name("ap").map(|m| m.as_str().to_ascii_lowercase()) {
        Some(_) if h == 0 || h > 12 => return None,
        Some(ap) if ap.starts_with('p') => (h % 12) + 12,
        Some(_) => h % 12,
        None => h,
    };
    Some((h, mi))
}

fn abs_from(c: &Captures) -> Option<AbsTime> {
    let mut day: u32 = c.name("day")?.as_str().parse().ok()?;
    let month = match (c.name("mon"), c.name("mnum")) {
        (Some(m), _) => month_of(m.as_str())?,
        (None, Some(m)) => {
            let m: u32 = m.as_str().parse().ok()?;
            // "07.16.12": a month first where the day cannot be one.
            if m > 12 && day <= 12 {
                std::mem::replace(&mut day, m)
            } else {
                m
            }
        }
        _ => return None,
    };
    let year = match c.name("year") {
        Some(y) if y.as_str().len() == 2 => Some(2000 + y.as_str().parse::<i32>().ok()?),
        Some(y) => Some(y.as_str().parse().ok()?),
        None => None,
    };
    // Validate the calendar date (a leap year stands in for a missing year).
    NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
    let clock = if c.name("h").is_some() { Some(clock_of(c)?) } else { None };
    Some(AbsTime { year, month_day: Some((month, day)), clock })
}

/// The leftmost (then longest) timestamp in `line`, or `None`.
pub fn find(line: &str) -> Option<Stamp> {
    if line.len() > 400 || !line.bytes().any(|b| b.is_ascii_digit()) && !has_word_stamp(line) {
        return None;
    }
    let mut best: Option<Stamp> = None;
    fn consider(best: &mut Option<Stamp>, s: Stamp) {
        *best = Some(match *best {
            Some(b) if (b.start, usize::MAX - b.end) <= (s.start, usize::MAX - s.end) => b,
            _ => s,
        });
    }
    // Each date form needs a month name or its separator: skip the forms a line cannot hold.
    let month = MONTH_WORD.is_match(line);
    let bytes = line.as_bytes();
    let has = |b: u8| memchr::memchr(b, bytes).is_some();
    let forms = [
        (month, &*MDY),
        (month, &*DMY_NAME),
        (has(b'.'), &*DMY_NUM),
        (has(b'-'), &*ISO),
        (has(b'/'), &*US_NUM),
    ];
    for re in forms.into_iter().filter_map(|(may, re)| may.then_some(re)) {
        for c in re.captures_iter(line) {
            let m = c.get(0).expect("group 0");
            if let Some(a) = abs_from(&c) {
                consider(
                    &mut best,
                    Stamp { start: m.start(), end: m.end(), kind: StampKind::Absolute(a) },
                );
            }
        }
    }
    // A candidate that does not validate ("5 points 2 hours ago") is retried from its next
    // word, so that the stamp inside it is still found.
    let mut pos = 0;
    while let Some(m) = RELATIVE.find_at(line, pos) {
        if reltime::parse(m.as_str()).is_some() {
            consider(
                &mut best,
                Stamp { start: m.start(), end: m.end(), kind: StampKind::Relative },
            );
            pos = m.end();
        } else {
            let ws = line[m.start()..].char_indices().find(|(_, c)| c.is_whitespace());
            pos = match ws {
                Some((w, c)) if m.start() + w < m.end() => m.start() + w + c.len_utf8(),
                _ => m.end(),
            };
        }
        if pos >= line.len() {
            break;
        }
    }
    if best.is_none() && has(b':') {
        for c in CLOCK_ONLY.captures_iter(line) {
            let m = c.get(0).expect("group 0");
            // Not part of a longer number ("123:45", "1:234") or a ratio ("3:1").
            let before = line[..m.start()].chars().next_back();
            let after = line[m.end()..].chars().next();
            if before.is_some_and(|ch| ch.is_ascii_digit() || ch == ':' || ch == '.')
                || after.is_some_and(|ch| ch.is_ascii_digit() || ch == ':')
            {
                continue;
            }
            if let Some(clock) = clock_of(&c) {
                let a = AbsTime { year: None, month_day: None, clock: Some(clock) };
                consider(
                    &mut best,
                    Stamp { start: m.start(), end: m.end(), kind: StampKind::Absolute(a) },
                );
                break;
            }
        }
    }
    best.map(|b| clock_before(line, b))
}

/// Words without which a line that has no digit cannot hold a stamp.
static STAMP_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "just now",
            "gerade eben",
            "moment",
            "yesterday",
            "gestern",
            " ago",
            " her",
            "vor ",
        ])
        .expect("valid")
});

/// A date whose clock is written before it ("3:40 PM ET, Sat 10.27.2012", "14:30, 3. März
/// 2024"): the stamp takes the clock in.
fn clock_before(line: &str, s: Stamp) -> Stamp {
    let StampKind::Absolute(mut abs) = s.kind else { return s };
    if abs.clock.is_some() || abs.month_day.is_none() {
        return s;
    }
    let head = &line[..s.start];
    let Some(c) = CLOCK_ONLY.captures_iter(head).last() else { return s };
    let m = c.get(0).expect("group 0");
    let gap = head[m.end()..].trim();
    let gap = gap.trim_end_matches([',', '·', '|', '-', '–']).trim();
    let zone = gap.len() <= 4 && gap.chars().all(|ch| ch.is_ascii_uppercase());
    match clock_of(&c) {
        Some(clock) if zone && !head[..m.start()].ends_with(|ch: char| ch.is_ascii_digit()) => {
            abs.clock = Some(clock);
            Stamp { start: m.start(), end: s.end, kind: StampKind::Absolute(abs) }
        }
        _ => s,
    }
}

fn has_word_stamp(line: &str) -> bool {
    STAMP_WORDS.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: &str) -> Option<&str> {
        find(line).map(|s| &line[s.start..s.end])
    }

    fn abs(line: &str) -> AbsTime {
        match find(line).unwrap_or_else(|| panic!("no stamp in {line:?}")).kind {
            StampKind::Absolute(a) => a,
            k => panic!("{line:?}: {k:?}"),
        }
    }

    #[test]
    fn english_dates() {
        assert_eq!(span("July 11, 2011 at 12:25 pm"), Some("July 11, 2011 at 12:25 pm"));
        let a = abs("July 11, 2011 at 12:25 pm");
        assert_eq!((a.year, a.month_day, a.clock), (Some(2011), Some((7, 11)), Some((12, 25))));
        let a = abs("January 22, 2017 at 12:19 am");
        assert_eq!(a.clock, Some((0, 19)));
        let a = abs("Jun 20th at 2:41 am");
        assert_eq!((a.year, a.month_day, a.clock), (None, Some((6, 20)), Some((2, 41))));
        assert_eq!(span("Jun 20th at 2:41 am"), Some("Jun 20th at 2:41 am"));
        let a = abs("21 Nov 2024 15.14");
        assert_eq!((a.year, a.month_day, a.clock), (Some(2024), Some((11, 21)), Some((15, 14))));
        assert_eq!(abs("2024-11-05 14:00").clock, Some((14, 0)));
        assert_eq!(abs("11/05/2024 at 2:00 pm").month_day, Some((11, 5)));
        assert_eq!(span("on Tue, 10/17/2023 - 13:11"), Some("Tue, 10/17/2023 - 13:11"));
    }

    #[test]
    fn german_dates() {
        assert_eq!(span("19. Februar 2017 20:00"), Some("19. Februar 2017 20:00"));
        assert_eq!(abs("19. Februar 2017 20:00").clock, Some((20, 0)));
        let line = "Gerhard Baierlein am 18. Oktober 2023 - 13:11 Permanenter Link";
        assert_eq!(span(line), Some("18. Oktober 2023 - 13:11"));
        assert_eq!(span("10. September 2017 um 18:12"), Some("10. September 2017 um 18:12"));
        let a = abs("14. 01. 2020, 13:47");
        assert_eq!((a.year, a.month_day, a.clock), (Some(2020), Some((1, 14)), Some((13, 47))));
        assert_eq!(span("3. Juni 2016 14:54"), Some("3. Juni 2016 14:54"));
        assert_eq!(abs("12. März 2015 23:18").month_day, Some((3, 12)));
    }

    #[test]
    fn clocks_and_relative() {
        assert_eq!(span("Ruby21:00"), Some("21:00"));
        assert!(find("Ruby21:00").unwrap().is_clock_only());
        assert_eq!(span("dimitri-vs 1 hour ago | next [–]"), Some("1 hour ago"));
        assert_eq!(span("vor 1 Stunde"), Some("vor 1 Stunde"));
        assert_eq!(span("50 Minuten 46 Sekunden her"), Some("50 Minuten 46 Sekunden her"));
        assert_eq!(span("Like · Reply · 2h"), Some("2h"));
        assert_eq!(span("6 years ago"), Some("6 years ago"));
        assert_eq!(find("6 years ago").unwrap().kind, StampKind::Relative);
    }

    #[test]
    fn clock_before_the_date() {
        assert_eq!(span("3:40 PM ET, Sat 10.27.2012"), Some("3:40 PM ET, Sat 10.27.2012"));
        let a = abs("3:40 PM ET, Sat 10.27.2012");
        assert_eq!((a.month_day, a.clock), (Some((10, 27)), Some((15, 40))));
        assert_eq!(span("14:30, 3. März 2024"), Some("14:30, 3. März 2024"));
        // A clock far from the date is not its clock.
        assert_eq!(span("Open 9:00 to 17:00 daily from March 3, 2024"), Some("March 3, 2024"));
    }

    #[test]
    fn non_stamps() {
        for s in ["", "Hello there", "3.65 von 1990 Bewertungen", "Score 3:1 today", "May I ask"] {
            assert_eq!(span(s), None, "{s:?}");
        }
    }
}
