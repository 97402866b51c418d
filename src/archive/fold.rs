//! Folding captures in memory: `report weekly` over several captures of a thread counts each
//! comment once, without an archive.
//!
//! A comment seen in several captures is counted at the time its narrowest window gives:
//! an exact time (a stamp, `<time datetime>`) over any relative one ("1 hour ago" read the
//! day it was written is narrower than "2 days ago" read later), a dated capture over an
//! undated one, and among equals the first offered. Records with an exact time pass through
//! at once (the first wins), so an export of millions of stamped records costs one 16-byte
//! digest per comment; records with a relative time or none wait in the fold until
//! [`Fold::finish`], since a later capture may date them more narrowly.

use crate::aggregate::Scored;
use crate::records::CommentRecord;
use std::collections::{HashMap, HashSet};

/// A record and its score, as the weekly report takes them.
pub type Item = (CommentRecord, Option<Scored>);

/// The fold.
#[derive(Debug, Default)]
pub struct Fold {
    /// Comments already passed on with an exact time.
    exact: HashSet<u128>,
    /// Comments held back, with the order they were first seen in.
    held: HashMap<u128, (u64, Item)>,
    next: u64,
    /// Records folded into a comment seen before.
    pub folded: u64,
}

/// How wide a record's time is, in seconds: 0 for an exact time, the window's width for a
/// relative one, `i64::MAX` when it has no time.
fn width(r: &CommentRecord) -> i64 {
    match (r.posted_at, r.posted_window) {
        (None, _) => i64::MAX,
        (Some(_), Some((a, b))) => (b - a).num_seconds().max(0),
        (Some(_), None) => 0,
    }
}

impl Fold {
    /// An empty fold.
    pub fn new() -> Fold {
        Fold::default()
    }

    /// Offers one record, known by `digest` (thread and key, see `identity::digest`).
    /// Returns the record when it is to be counted now, and whether it repeats a comment
    /// offered before (then `folded` has grown by one).
    pub fn offer(&mut self, digest: u128, item: Item) -> (Option<Item>, bool) {
        if self.exact.contains(&digest) {
            self.folded += 1;
            return (None, true);
        }
        let w = width(&item.0);
        if w == 0 {
            let repeat = self.held.remove(&digest).is_some();
            self.folded += u64::from(repeat);
            self.exact.insert(digest);
            return (Some(item), repeat);
        }
        match self.held.get_mut(&digest) {
            Some((_, held)) => {
                self.folded += 1;
                if w < width(&held.0) {
                    *held = item;
                }
                (None, true)
            }
            None => {
                self.held.insert(digest, (self.next, item));
                self.next += 1;
                (None, false)
            }
        }
    }

    /// The held records, in the order their comments were first seen.
    pub fn finish(self) -> Vec<Item> {
        let mut held: Vec<(u64, Item)> = self.held.into_values().collect();
        held.sort_by_key(|(n, _)| *n);
        held.into_iter().map(|(_, item)| item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{SourceRef, Status};
    use chrono::{DateTime, Duration, Utc};

    fn rec(id: &str, at: Option<&str>, window_hours: Option<i64>) -> CommentRecord {
        let at: Option<DateTime<Utc>> = at.map(|t| t.parse().unwrap());
        CommentRecord {
            id: id.into(),
            native_id: true,
            thread: Some("t".into()),
            author: None,
            posted_at: at,
            posted_text: None,
            time_basis: None,
            posted_window: at.zip(window_hours).map(|(t, h)| (t - Duration::hours(h), t)),
            parent_id: None,
            is_reply: None,
            body: "b".into(),
            truncated: false,
            status: Status::Approved,
            source: SourceRef { input: "in".into(), line: 1, element: None },
        }
    }

    #[test]
    fn the_narrowest_window_wins_and_repeats_are_counted() {
        let mut f = Fold::new();
        let (now, repeat) = f.offer(1, (rec("wide", Some("2024-01-05T00:00:00Z"), Some(24)), None));
        assert!(now.is_none() && !repeat);
        let (now, repeat) =
            f.offer(1, (rec("narrow", Some("2024-01-04T10:00:00Z"), Some(1)), None));
        assert!(now.is_none() && repeat);
        let (_, repeat) = f.offer(1, (rec("wider", Some("2024-01-06T00:00:00Z"), Some(48)), None));
        assert!(repeat);
        let (_, repeat) = f.offer(2, (rec("undated", None, None), None));
        assert!(!repeat);
        let out = f.finish();
        let ids: Vec<&str> = out.iter().map(|(r, _)| r.id.as_str()).collect();
        assert_eq!(ids, ["narrow", "undated"]);
    }

    #[test]
    fn an_exact_time_passes_at_once_and_replaces_a_held_one() {
        let mut f = Fold::new();
        assert!(f.offer(1, (rec("rel", Some("2024-01-05T00:00:00Z"), Some(1)), None)).0.is_none());
        let (now, repeat) = f.offer(1, (rec("exact", Some("2024-01-04T23:30:00Z"), None), None));
        assert_eq!(now.map(|(r, _)| r.id), Some("exact".to_string()));
        assert!(repeat);
        assert_eq!(
            f.offer(1, (rec("again", Some("2024-01-04T23:30:00Z"), None), None)),
            (None, true)
        );
        assert_eq!(f.folded, 2);
        assert!(f.finish().is_empty());
    }
}
