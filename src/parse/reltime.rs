//! Relative timestamps as comment systems print them: "just now", "19 minutes ago", "2h",
//! "vor 1 Stunde", "50 Minuten 46 Sekunden her".
//!
//! Hand-written because no crate parses these (chrono has no parser; parse_datetime and
//! chrono-english fail on "an hour ago", "just now" or "2h ago"). Parsing is pure: a
//! [`RelTime`] is resolved against a reference time the caller supplies, never the clock.
//!
//! A relative stamp is a lower bound rounded down by the site ("1 hour ago" is anything from
//! 60 to 119 minutes), so besides the point estimate [`RelTime::interval`] gives the window
//! the real time lies in; weekly reports use it to say when a week is uncertain.

use chrono::{DateTime, Duration, Months, Utc};

/// A unit of a relative timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// Seconds.
    Second,
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks (7 days).
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

/// A parsed relative timestamp: an amount of time before the reference time, as the page
/// printed it (one or more `amount unit` parts, the finest last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelTime {
    /// The parts in the order written, e.g. `[(50, Minute), (46, Second)]`; empty for "just now".
    pub parts: Vec<(u32, Unit)>,
}

impl RelTime {
    /// The point estimate: the reference time minus every part (calendar-aware for months
    /// and years). `None` if the result would leave chrono's range.
    pub fn resolve(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut t = now;
        for &(n, unit) in &self.parts {
            t = subtract(t, n, unit)?;
        }
        Some(t)
    }

    /// The window the real time lies in: sites round down, so "1 hour ago" means at least one
    /// and less than two hours before `now`. Returns `(earliest, latest)`.
    pub fn interval(&self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let latest = self.resolve(now)?;
        let Some(&(_, finest)) = self.parts.last() else {
            // "just now": within the last minute.
            return Some((now - Duration::minutes(1), now));
        };
        let earliest = subtract(latest, 1, finest)?;
        Some((earliest, latest))
    }
}

fn subtract(t: DateTime<Utc>, n: u32, unit: Unit) -> Option<DateTime<Utc>> {
    let n64 = i64::from(n);
    match unit {
        Unit::Second => t.checked_sub_signed(Duration::try_seconds(n64)?),
        Unit::Minute => t.checked_sub_signed(Duration::try_minutes(n64)?),
        Unit::Hour => t.checked_sub_signed(Duration::try_hours(n64)?),
        Unit::Day => t.checked_sub_signed(Duration::try_days(n64)?),
        Unit::Week => t.checked_sub_signed(Duration::try_weeks(n64)?),
        Unit::Month => t.checked_sub_months(Months::new(n)),
        Unit::Year => t.checked_sub_months(Months::new(n.checked_mul(12)?)),
    }
}

/// Parses a whole line as a relative timestamp, or returns `None` if it is not one.
///
/// English: "just now", "now", "moments ago", "a minute ago", "an hour ago",
/// "19 minutes ago", "19 mins ago", "2h", "2h ago", "3d", "1 week ago", "6 years ago",
/// "yesterday", "1 hour, 5 minutes ago". German: "gerade eben", "vor 1 Stunde",
/// "vor einer Minute", "1 Monat her", "50 Minuten 46 Sekunden her", "gestern".
/// Case and surrounding whitespace (including no-break spaces) are ignored.
pub fn parse(line: &str) -> Option<RelTime> {
    let lower = line.trim().to_lowercase().replace('\u{a0}', " ");
    let s = lower.trim().trim_end_matches('.');
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    match s {
        "just now" | "now" | "moments ago" | "a moment ago" | "a few seconds ago"
        | "seconds ago" | "gerade eben" | "gerade" | "soeben" | "jetzt" => {
            return Some(RelTime { parts: Vec::new() })
        }
        "yesterday" | "gestern" => return Some(RelTime { parts: vec![(1, Unit::Day)] }),
        _ => {}
    }
    let (body, marked) = if let Some(rest) = s.strip_suffix(" ago") {
        (rest, true)
    } else if let Some(rest) = s.strip_suffix(" her") {
        (rest, true)
    } else if let Some(rest) = s.strip_prefix("vor ") {
        (rest, true)
    } else {
        (s, false)
    };
    let parts = parse_parts(body)?;
    // Without "ago"/"vor"/"her", only the compact forms ("2h", "3d", "5 min") count: a bare
    // "3 days" in running text is not a timestamp line, but "2h" alone on a line is.
    if !marked && !body.split_whitespace().all(is_compact) {
        return None;
    }
    Some(RelTime { parts })
}

fn is_compact(tok: &str) -> bool {
    let digits = tok.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && digits < tok.len() && unit(&tok[digits..]).is_some()
}

/// Parses `amount unit [, amount unit]...` where amount is digits, "a", "an", "one", "ein",
/// "einer", "einem", and `2h` may be written without a space.
fn parse_parts(body: &str) -> Option<Vec<(u32, Unit)>> {
    let cleaned = body.replace([',', '·'], " ").replace(" and ", " ").replace(" und ", " ");
    let mut toks = cleaned.split_whitespace().peekable();
    let mut parts = Vec::new();
    while let Some(tok) = toks.next() {
        let digits = tok.bytes().take_while(u8::is_ascii_digit).count();
        let (n, unit_tok) = if digits == tok.len() {
            (tok.parse::<u32>().ok()?, toks.next()?)
        } else if digits > 0 {
            (tok[..digits].parse::<u32>().ok()?, &tok[digits..])
        } else if let Some(n) = word_number(tok) {
            (n, toks.next()?)
        } else {
            return None;
        };
        parts.push((n, unit(unit_tok)?));
    }
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    Some(parts)
}

fn word_number(tok: &str) -> Option<u32> {
    match tok {
        "a" | "an" | "one" | "ein" | "eine" | "einer" | "einem" | "einen" => Some(1),
        "two" | "zwei" => Some(2),
        "few" => Some(2),
        _ => None,
    }
}

fn unit(tok: &str) -> Option<Unit> {
    Some(match tok.trim_end_matches('.') {
        "s" | "sec" | "secs" | "second" | "seconds" | "sek" | "sekunde" | "sekunden" => {
            Unit::Second
        }
        "m" | "min" | "mins" | "minute" | "minutes" | "minuten" => Unit::Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" | "std" | "stunde" | "stunden" => Unit::Hour,
        "d" | "day" | "days" | "tag" | "tage" | "tagen" => Unit::Day,
        "w" | "wk" | "wks" | "week" | "weeks" | "woche" | "wochen" => Unit::Week,
        "mo" | "mon" | "month" | "months" | "monat" | "monate" | "monaten" => Unit::Month,
        "y" | "yr" | "yrs" | "year" | "years" | "jahr" | "jahre" | "jahren" => Unit::Year,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 11, 5, 14, 0, 0).unwrap()
    }

    fn at(s: &str) -> String {
        parse(s)
            .unwrap_or_else(|| panic!("{s:?} did not parse"))
            .resolve(now())
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn english_forms() {
        assert_eq!(at("just now"), "2024-11-05T14:00:00+00:00");
        assert_eq!(at("a minute ago"), "2024-11-05T13:59:00+00:00");
        assert_eq!(at("an hour ago"), "2024-11-05T13:00:00+00:00");
        assert_eq!(at("1 hour ago"), "2024-11-05T13:00:00+00:00");
        assert_eq!(at("19 minutes ago"), "2024-11-05T13:41:00+00:00");
        assert_eq!(at("18 seconds ago"), "2024-11-05T13:59:42+00:00");
        assert_eq!(at("2h"), "2024-11-05T12:00:00+00:00");
        assert_eq!(at("2h ago"), "2024-11-05T12:00:00+00:00");
        assert_eq!(at("3 days ago"), "2024-11-02T14:00:00+00:00");
        assert_eq!(at("1 week ago"), "2024-10-29T14:00:00+00:00");
        assert_eq!(at("2 months ago"), "2024-09-05T14:00:00+00:00");
        assert_eq!(at("6 years ago"), "2018-11-05T14:00:00+00:00");
        assert_eq!(at("  Yesterday "), "2024-11-04T14:00:00+00:00");
        assert_eq!(at("1 hour, 5 minutes ago"), "2024-11-05T12:55:00+00:00");
    }

    #[test]
    fn german_forms() {
        assert_eq!(at("vor 1 Stunde"), "2024-11-05T13:00:00+00:00");
        assert_eq!(at("vor einer Minute"), "2024-11-05T13:59:00+00:00");
        assert_eq!(at("1 Monat her"), "2024-10-05T14:00:00+00:00");
        assert_eq!(at("50 Minuten 46 Sekunden her"), "2024-11-05T13:09:14+00:00");
        assert_eq!(at("1 Stunde 51 Minuten her"), "2024-11-05T12:09:00+00:00");
    }

    #[test]
    fn calendar_months_clamp_to_month_end() {
        let march31 = Utc.with_ymd_and_hms(2024, 3, 31, 8, 0, 0).unwrap();
        let t = parse("1 month ago").unwrap().resolve(march31).unwrap();
        assert_eq!(t.to_rfc3339(), "2024-02-29T08:00:00+00:00");
    }

    #[test]
    fn rejects_text_that_is_not_a_time() {
        for s in [
            "",
            "ago",
            "PaulW",
            "3 days",
            "minutes ago",
            "Reply to  PaulW",
            "I waited 3 days ago and more",
            "The guy is nuts.",
            "2 apples ago",
            "h",
            "1h 2h 3h 4h 5h",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn interval_spans_one_finest_unit() {
        let r = parse("1 hour ago").unwrap();
        let (lo, hi) = r.interval(now()).unwrap();
        assert_eq!(hi.to_rfc3339(), "2024-11-05T13:00:00+00:00");
        assert_eq!(lo.to_rfc3339(), "2024-11-05T12:00:00+00:00");
        let (lo, hi) = parse("just now").unwrap().interval(now()).unwrap();
        assert_eq!((hi - lo).num_seconds(), 60);
    }

    #[test]
    fn huge_amounts_do_not_panic() {
        let r = parse("4294967295 years ago").unwrap();
        assert_eq!(r.resolve(now()), None);
        assert_eq!(parse("99999999999 minutes ago"), None);
    }

    fn unit_name(u: Unit) -> &'static str {
        match u {
            Unit::Second => "seconds",
            Unit::Minute => "minutes",
            Unit::Hour => "hours",
            Unit::Day => "days",
            Unit::Week => "weeks",
            Unit::Month => "months",
            Unit::Year => "years",
        }
    }

    fn any_unit() -> impl Strategy<Value = Unit> {
        prop_oneof![
            Just(Unit::Second),
            Just(Unit::Minute),
            Just(Unit::Hour),
            Just(Unit::Day),
            Just(Unit::Week),
            Just(Unit::Month),
            Just(Unit::Year),
        ]
    }

    proptest! {
        #[test]
        fn round_trip(n in 0u32..10_000, u in any_unit()) {
            let text = format!("{n} {} ago", unit_name(u));
            prop_assert_eq!(parse(&text), Some(RelTime { parts: vec![(n, u)] }));
        }

        #[test]
        fn resolved_time_is_never_after_now(n in 0u32..100_000, u in any_unit()) {
            let r = RelTime { parts: vec![(n, u)] };
            if let Some(t) = r.resolve(now()) {
                prop_assert!(t <= now());
                let (lo, hi) = r.interval(now()).unwrap();
                prop_assert!(lo < hi && hi == t);
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
        }
    }
}
