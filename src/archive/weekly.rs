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
use std::time::Duration;

/// The archive's numbers (row ids) → an accumulator's roster numbers.
enum Numbers {
    /// Ids from `lo` with few gaps (the usual case: SQLite numbers rows in order).
    Dense { lo: i64, to: Vec<u32> },
    /// Anything else.
    Sparse(rustc_hash::FxHashMap<i64, u32>),
}

impl Numbers {
    /// Room for `count` ids from `lo` to `hi`, none numbered yet.
    fn new(count: u64, lo: i64, hi: i64) -> Numbers {
        let span = u64::try_from(hi.saturating_sub(lo)).unwrap_or(u64::MAX);
        if span <= 4 * count + 1024 {
            Numbers::Dense { lo, to: vec![u32::MAX; span as usize + 1] }
        } else {
            Numbers::Sparse(Default::default())
        }
    }

    /// Archive id `id` is roster number `n` (`id` within the span given).
    fn set(&mut self, id: i64, n: u32) {
        match self {
            Numbers::Dense { lo, to } => {
                if let Some(slot) = id
                    .checked_sub(*lo)
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| to.get_mut(i))
                {
                    *slot = n;
                }
            }
            Numbers::Sparse(m) => {
                m.insert(id, n);
            }
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

/// Numbers every name of the table `of` in `roster`, in the archive's order.
fn number_all<V: Default>(
    archive: &Archive,
    of: Named,
    roster: &mut crate::aggregate::Roster<V>,
) -> Result<Numbers, ArchiveError> {
    let Some((count, lo, hi)) = archive.name_span(of)? else {
        return Ok(Numbers::Sparse(Default::default()));
    };
    let mut numbers = Numbers::new(count, lo, hi);
    roster.reserve(usize::try_from(count).unwrap_or(0));
    archive.for_each_name(of, |id, name| numbers.set(id, roster.id(name)))?;
    Ok(numbers)
}

/// Reads every comment of `archive` into a new accumulator cutting weeks in `tz`, with
/// `parts` more connections side by side (each waiting up to `busy` for a writer), and
/// counts its removals and edits. Returns the accumulator and the number of comments read.
pub fn aggregate(
    archive: &Archive,
    tz: Tz,
    all_statuses: bool,
    parts: usize,
    busy: Duration,
) -> Result<(Aggregate, u64), ArchiveError> {
    let path = archive.path();
    let mut start = Aggregate::new(tz);
    let thread_numbers = number_all(archive, Named::Threads, &mut start.threads)?;
    let author_numbers = number_all(archive, Named::Authors, &mut start.authors)?;
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
                        let n = part.for_each_comment(a..=b, all_statuses, |rows| {
                            let batch: Vec<_> = rows
                                .iter()
                                .map(|row| {
                                    let names = NameIds {
                                        thread: threads.get(row.names.thread),
                                        author: row.names.author.and_then(|a| authors.get(a)),
                                    };
                                    (&row.record, row.score(), names)
                                })
                                .collect();
                            mine.add_batch(&batch);
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

    fn numbered(ids: &[i64]) -> Numbers {
        let lo = ids.iter().copied().min().unwrap_or(0);
        let hi = ids.iter().copied().max().unwrap_or(0);
        let mut numbers = Numbers::new(ids.len() as u64, lo, hi);
        for (k, &id) in ids.iter().enumerate() {
            numbers.set(id, k as u32);
        }
        numbers
    }

    #[test]
    fn numbers_map_archive_ids_dense_or_sparse() {
        for ids in [vec![1, 2, 3, 5], vec![7, 1 << 40, -3]] {
            let numbers = numbered(&ids);
            for (k, &id) in ids.iter().enumerate() {
                assert_eq!(numbers.get(id), Some(k as u32), "{id}");
            }
            assert_eq!(numbers.get(4), None);
            assert_eq!(numbers.get(i64::MIN), None);
        }
        assert!(matches!(numbered(&[1, 2, 3]), Numbers::Dense { .. }));
        assert!(matches!(numbered(&[1, 1 << 40]), Numbers::Sparse(_)));
        assert_eq!(numbered(&[]).get(0), None);
    }
}
