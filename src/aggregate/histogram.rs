//! [`Histogram`]: compound scores in bins of 0.0001, so that medians are exact.
//!
//! VADER rounds compound to four decimals, so the 20,001 bins over [-1, 1] lose nothing. A
//! week with few scores keeps them in a sorted map; once it has met [`DENSE_AFTER`]
//! distinct bins it switches to an array of every bin, where adding one is an increment
//! instead of a search and an allocation (over ten million comments perf showed the map's
//! searches and node allocations among a weekly report's larger costs). Either way it is
//! written as the map of its non-empty bins.

use super::e4;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bins from -1 to 1: bin `b` counts the scores that round to `b / 10,000`.
const LOW: i32 = -10_000;
const BINS: usize = 20_001;

/// Distinct bins after which a histogram is an array.
pub const DENSE_AFTER: usize = 1024;

/// Compound scores in bins of 0.0001.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    /// Bins while few, and any outside [-1, 1] (which only a hand-made input could hold).
    sparse: BTreeMap<i32, u64>,
    /// Every bin in [-1, 1], once there are many.
    dense: Option<Box<[u64]>>,
}

impl Histogram {
    /// Scores per unit of a bin.
    pub const SCALE: f64 = 10_000.0;

    /// Adds one score (rounded to the nearest bin).
    pub fn add(&mut self, compound: f64) {
        self.add_bin(e4(compound).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32, 1);
    }

    fn add_bin(&mut self, b: i32, n: u64) {
        if let (Some(dense), Some(i)) = (&mut self.dense, index(b)) {
            dense[i] += n;
            return;
        }
        *self.sparse.entry(b).or_default() += n;
        if self.dense.is_none() && self.sparse.len() >= DENSE_AFTER {
            let mut dense = vec![0u64; BINS].into_boxed_slice();
            self.sparse.retain(|&b, &mut n| match index(b) {
                Some(i) => {
                    dense[i] = n;
                    false
                }
                None => true,
            });
            self.dense = Some(dense);
        }
    }

    /// Adds another histogram.
    pub fn merge(&mut self, other: &Histogram) {
        for (b, n) in other.iter() {
            self.add_bin(b, n);
        }
    }

    /// The non-empty bins and their counts, in order.
    pub fn iter(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        let below = self.sparse.range(..LOW).map(|(&b, &n)| (b, n));
        let above = self.sparse.range(LOW..).map(|(&b, &n)| (b, n));
        let dense = self.dense.iter().flat_map(|d| {
            d.iter().enumerate().filter(|(_, &n)| n > 0).map(|(i, &n)| (i as i32 + LOW, n))
        });
        // Dense, the map holds only bins outside [-1, 1]; sparse, it holds them all.
        below.chain(dense).chain(above)
    }

    fn count(&self) -> u64 {
        self.iter().map(|(_, n)| n).sum()
    }

    /// The value at 0-based rank `k` in sorted order.
    fn nth(&self, k: u64) -> Option<f64> {
        let mut seen = 0;
        for (b, n) in self.iter() {
            seen += n;
            if k < seen {
                return Some(f64::from(b) / Self::SCALE);
            }
        }
        None
    }

    /// The median (mean of the two middle values for an even count).
    pub fn median(&self) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        if n % 2 == 1 {
            self.nth(n / 2)
        } else {
            Some((self.nth(n / 2 - 1)? + self.nth(n / 2)?) / 2.0)
        }
    }
}

/// The array index of bin `b`, when it is in [-1, 1].
fn index(b: i32) -> Option<usize> {
    usize::try_from(i64::from(b) - i64::from(LOW)).ok().filter(|&i| i < BINS)
}

/// Equal when the same bins hold the same counts, whichever way each is kept.
impl PartialEq for Histogram {
    fn eq(&self, o: &Self) -> bool {
        self.iter().eq(o.iter())
    }
}

/// As written: `{"bins": {"-2023": 5, ...}}`.
#[derive(Serialize, Deserialize)]
struct Wire {
    bins: BTreeMap<i32, u64>,
}

impl Serialize for Histogram {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Bins<'a>(&'a Histogram);
        impl Serialize for Bins<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter())
            }
        }
        let mut st = s.serialize_struct("Histogram", 1)?;
        st.serialize_field("bins", &Bins(self))?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for Histogram {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(d)?;
        let mut h = Histogram::default();
        for (b, n) in wire.bins {
            h.add_bin(b, n);
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_is_exact_on_four_decimals() {
        let mut h = Histogram::default();
        for c in [0.4404, -0.2263, 0.0, 0.9999] {
            h.add(c);
        }
        assert_eq!(h.median(), Some((0.0 + 0.4404) / 2.0));
        h.add(-1.0);
        assert_eq!(h.median(), Some(0.0));
        assert_eq!(Histogram::default().median(), None);
    }

    #[test]
    fn dense_and_sparse_count_and_write_the_same() {
        let scores: Vec<f64> = (0..5000).map(|i| f64::from(i % 2000 - 1000) / 1000.0).collect();
        let mut dense = Histogram::default();
        let mut sparse = Histogram::default();
        for &c in &scores {
            dense.add(c);
        }
        assert!(dense.dense.is_some());
        // Built by merging small parts instead: the same bins, however it got there.
        for chunk in scores.chunks(500) {
            let mut part = Histogram::default();
            for &c in chunk {
                part.add(c);
            }
            sparse.merge(&part);
        }
        assert_eq!(dense, sparse);
        assert_eq!(dense.median(), sparse.median());
        let json = serde_json::to_string(&dense).unwrap();
        let mut by_map = BTreeMap::<i32, u64>::new();
        for &c in &scores {
            *by_map.entry(e4(c) as i32).or_default() += 1;
        }
        assert_eq!(json, serde_json::to_string(&Wire { bins: by_map }).unwrap());
        let back: Histogram = serde_json::from_str(&json).unwrap();
        assert_eq!(back, dense);
    }

    #[test]
    fn bins_outside_the_range_stay_in_order() {
        let mut h: Histogram =
            serde_json::from_str(r#"{"bins": {"-20000": 1, "30000": 2, "5": 1}}"#).unwrap();
        for i in 0..DENSE_AFTER as i32 {
            h.add_bin(i - 500, 1);
        }
        assert!(h.dense.is_some());
        let bins: Vec<i32> = h.iter().map(|(b, _)| b).collect();
        assert_eq!(bins.first(), Some(&-20000));
        assert_eq!(bins.last(), Some(&30000));
        assert!(bins.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(h.count(), DENSE_AFTER as u64 + 4);
    }
}
