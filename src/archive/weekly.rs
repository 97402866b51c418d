//! The weekly report's accumulator filled from an archive: every comment once, with the
//! removals and edits the archive saw.
//!
//! Ranges of comment ids are read side by side, one connection each. Threads and authors
//! come as the archive's numbers, not names: each part starts from one accumulator whose
//! rosters already hold every name in the archive's order, so a row costs an array index
//! instead of hashing a name, and the parts merge number for number.

use super::store::{Archive, ArchiveError, Named};
use crate::aggregate::{Aggregate, NameIds};
use chrono_tz::Tz;
use std::path::Path;
use std::time::Duration;

/// The archive's numbers (row ids) → an accumulator's roster numbers.
enum Numbers {
    /// Ids from `lo` with few gaps (the usual case: SQLite numbers rows in order).
    Dense { lo: i64, to: Vec<u32> },
    /// Anything else.
    Sparse(rustc_hash::FxHashMap<i64, u32>),
}

impl Numbers {
    /// Numbers `names` (id, name) with `number`, in order.
    fn new(names: &[(i64, String)], mut number: impl FnMut(&str) -> u32) -> Numbers {
        let lo = names.iter().map(|n| n.0).min().unwrap_or(0);
        let hi = names.iter().map(|n| n.0).max().unwrap_or(0);
        let span = u64::try_from(hi.saturating_sub(lo)).unwrap_or(u64::MAX);
        if span <= 4 * names.len() as u64 + 1024 {
            let mut to = vec![u32::MAX; span as usize + 1];
            for (id, name) in names {
                to[(id - lo) as usize] = number(name);
            }
            Numbers::Dense { lo, to }
        } else {
            Numbers::Sparse(names.iter().map(|(id, name)| (*id, number(name))).collect())
        }
    }

    /// The roster number of archive id `id`; `None` for an id the archive did not name.
    fn get(&self, id: i64) -> Option<u32> {
        match self {
            Numbers::Dense { lo, to } => id
                .checked_sub(*lo)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| to.get(i))
                .copied(),
            Numbers::Sparse(m) => m.get(&id).copied(),
        }
        .filter(|&n| n != u32::MAX)
    }
}

/// Reads every comment of the archive at `path` into a new accumulator cutting weeks in
/// `tz`, with `parts` connections side by side, and counts its removals and edits. Returns
/// the accumulator and the number of comments read.
pub fn aggregate(
    path: &Path,
    tz: Tz,
    all_statuses: bool,
    parts: usize,
    busy: Duration,
) -> Result<(Aggregate, u64), ArchiveError> {
    let archive = Archive::open(path, false, busy)?;
    let mut start = Aggregate::new(tz);
    let threads = archive.names(Named::Threads)?;
    let thread_numbers = Numbers::new(&threads, |n| start.threads.id(n));
    drop(threads);
    let authors = archive.names(Named::Authors)?;
    let author_numbers = Numbers::new(&authors, |n| start.authors.id(n));
    drop(authors);
    let mut whole: Option<Aggregate> = None;
    let mut records = 0;
    if let Some((lo, hi)) = archive.id_range()? {
        let parts = parts.clamp(1, 16) as i64;
        let step = ((hi - lo) / parts + 1).max(1);
        let ranges: Vec<(i64, i64)> = (0..parts)
            .map(|k| (lo + k * step, (lo + (k + 1) * step - 1).min(hi)))
            .filter(|(a, b)| a <= b)
            .collect();
        let (start, threads, authors) = (&start, &thread_numbers, &author_numbers);
        let results: Vec<Result<(Aggregate, u64), ArchiveError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|&(a, b)| {
                    scope.spawn(move || {
                        let part = Archive::open(path, false, busy)?;
                        let mut mine = start.clone();
                        let n = part.for_each_comment(a..=b, all_statuses, |r, s, names| {
                            let names = NameIds {
                                thread: threads.get(names.thread),
                                author: names.author.and_then(|a| authors.get(a)),
                            };
                            mine.add_named(r, s, names);
                        })?;
                        Ok((mine, n))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(ArchiveError::Other {
                            path: path.to_path_buf(),
                            why: "a report thread failed".into(),
                        })
                    })
                })
                .collect()
        });
        for result in results {
            let (part, n) = result?;
            // The first part becomes the whole (merging it into an empty one copies it all).
            match &mut whole {
                None => whole = Some(part),
                Some(w) => w.merge(&part),
            }
            records += n;
        }
    }
    let mut agg = whole.unwrap_or(start);
    let (removed, edited) = archive.change_times()?;
    for t in removed {
        agg.add_change(t, true);
    }
    for t in edited {
        agg.add_change(t, false);
    }
    Ok((agg, records))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(ids: &[i64]) -> Vec<(i64, String)> {
        ids.iter().map(|&i| (i, format!("n{i}"))).collect()
    }

    #[test]
    fn numbers_map_archive_ids_dense_or_sparse() {
        for ids in [vec![1, 2, 3, 5], vec![7, 1 << 40, -3]] {
            let mut next = 0;
            let numbers = Numbers::new(&names(&ids), |_| {
                next += 1;
                next - 1
            });
            for (k, &id) in ids.iter().enumerate() {
                assert_eq!(numbers.get(id), Some(k as u32), "{id}");
            }
            assert_eq!(numbers.get(4), None);
            assert_eq!(numbers.get(i64::MIN), None);
        }
        assert!(matches!(Numbers::new(&names(&[1, 2, 3]), |_| 0), Numbers::Dense { .. }));
        assert!(matches!(Numbers::new(&names(&[1, 1 << 40]), |_| 0), Numbers::Sparse(_)));
        assert_eq!(Numbers::new(&[], |_| 0).get(0), None);
    }
}
