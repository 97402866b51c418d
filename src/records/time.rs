//! Reading the times exports write: epoch seconds (as integer, float or string), RFC 3339,
//! zone-less date-times, and relative stamps ("2 hours ago").

use super::{ReadOptions, TimeBasis};
use crate::parse::{reltime, Reference};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// A time read from a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadTime {
    /// The point in time.
    pub at: DateTime<Utc>,
    /// How it was read.
    pub basis: TimeBasis,
    /// For relative stamps, the window the real time lies in.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Why a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// Not a time in any form we know.
    Unreadable,
    /// A relative stamp, but no reference time to resolve it against.
    NoReference,
}

const NAIVE_FORMATS: [&str; 6] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// Values at or above 10^11 are epoch milliseconds (JavaScript exports), not seconds.
const MILLIS_FROM: f64 = 1e11;

/// Epoch seconds (milliseconds from 10^11), as an integer.
pub fn from_epoch_int(n: i64) -> Option<DateTime<Utc>> {
    if n.unsigned_abs() as f64 >= MILLIS_FROM {
        DateTime::from_timestamp_millis(n)
    } else {
        DateTime::from_timestamp(n, 0)
    }
}

/// Epoch seconds (milliseconds from 10^11) as a float, kept to the microsecond.
pub fn from_epoch(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() || secs.abs() > 1e15 {
        return None;
    }
    let micros = if secs.abs() >= MILLIS_FROM { secs * 1e3 } else { secs * 1e6 };
    DateTime::from_timestamp_micros(micros.round() as i64)
}

fn epoch_text(s: &str) -> Option<DateTime<Utc>> {
    match s.parse::<i64>() {
        Ok(n) => from_epoch_int(n),
        Err(_) => s.parse::<f64>().ok().and_then(from_epoch),
    }
}

/// Reads a zone-less date-time in `--tz`, or as UTC without one.
pub fn naive(t: NaiveDateTime, opts: &ReadOptions) -> Option<(DateTime<Utc>, TimeBasis)> {
    match opts.tz {
        Some(tz) => tz
            .from_local_datetime(&t)
            .earliest()
            .map(|l| (l.with_timezone(&Utc), TimeBasis::AbsoluteInTz)),
        None => Some((t.and_utc(), TimeBasis::AbsoluteAssumedUtc)),
    }
}

/// Reads a time written as text: epoch digits, RFC 3339, a zone-less date-time, or a
/// relative stamp resolved against `reference`.
pub fn parse_time(
    s: &str,
    opts: &ReadOptions,
    reference: Option<Reference>,
) -> Result<ReadTime, TimeError> {
    let s = s.trim();
    let absolute = |at, basis| Ok(ReadTime { at, basis, window: None });
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
        if let Some(at) = epoch_text(s) {
            return absolute(at, TimeBasis::Stamped);
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return absolute(t.with_timezone(&Utc), TimeBasis::Stamped);
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return absolute(t.with_timezone(&Utc), TimeBasis::Stamped);
    }
    for fmt in NAIVE_FORMATS {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            let (at, basis) = naive(t, opts).ok_or(TimeError::Unreadable)?;
            return absolute(at, basis);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let (at, basis) =
            naive(d.and_hms_opt(0, 0, 0).expect("midnight"), opts).ok_or(TimeError::Unreadable)?;
        return absolute(at, basis);
    }
    if let Some(rel) = reltime::parse(s) {
        let reference = reference.ok_or(TimeError::NoReference)?;
        let at = rel.resolve(reference.at).ok_or(TimeError::Unreadable)?;
        return Ok(ReadTime {
            at,
            basis: reference.basis.into(),
            window: rel.interval(reference.at),
        });
    }
    Err(TimeError::Unreadable)
}

/// Reads a JSON time value: a number of epoch seconds or a string.
pub fn parse_json_time(
    v: &serde_json::Value,
    opts: &ReadOptions,
    reference: Option<Reference>,
) -> Result<ReadTime, TimeError> {
    match v {
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| n.as_f64().and_then(from_epoch), from_epoch_int)
            .map(|at| ReadTime { at, basis: TimeBasis::Stamped, window: None })
            .ok_or(TimeError::Unreadable),
        serde_json::Value::String(s) => parse_time(s, opts, reference),
        _ => Err(TimeError::Unreadable),
    }
}

/// The text form of a JSON time value, as kept in `posted_text`.
pub fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::TimeBasis as P;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn epoch_in_every_json_shape() {
        let o = ReadOptions::default();
        for v in [
            serde_json::json!(1251763200),
            serde_json::json!(1251763200.0),
            serde_json::json!("1251763200"),
        ] {
            let t = parse_json_time(&v, &o, None).unwrap();
            assert_eq!(t.at, utc("2009-09-01T00:00:00Z"), "{v}");
            assert_eq!(t.basis, TimeBasis::Stamped);
        }
        let t = parse_json_time(&serde_json::json!(1706745600123_i64), &o, None).unwrap();
        assert_eq!(t.at, utc("2024-02-01T00:00:00.123Z"));
    }

    #[test]
    fn naive_times_follow_tz() {
        let mut o = ReadOptions::default();
        let t = parse_time("2014-03-04T18:34:13", &o, None).unwrap();
        assert_eq!((t.at, t.basis), (utc("2014-03-04T18:34:13Z"), TimeBasis::AbsoluteAssumedUtc));
        o.tz = Some(chrono_tz::Europe::Berlin);
        let t = parse_time("2014-03-04 18:34:13", &o, None).unwrap();
        assert_eq!((t.at, t.basis), (utc("2014-03-04T17:34:13Z"), TimeBasis::AbsoluteInTz));
    }

    #[test]
    fn relative_needs_a_reference_and_keeps_its_window() {
        let o = ReadOptions::default();
        assert_eq!(parse_time("2 hours ago", &o, None), Err(TimeError::NoReference));
        let r = Reference { at: utc("2024-11-05T14:00:00Z"), basis: P::Now };
        let t = parse_time("2 hours ago", &o, Some(r)).unwrap();
        assert_eq!(t.at, utc("2024-11-05T12:00:00Z"));
        assert_eq!(t.basis, TimeBasis::Now);
        assert_eq!(t.window, Some((utc("2024-11-05T11:00:00Z"), utc("2024-11-05T12:00:00Z"))));
        assert_eq!(parse_time("last tuesday-ish", &o, Some(r)), Err(TimeError::Unreadable));
    }
}
