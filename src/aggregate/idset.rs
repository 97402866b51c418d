//! [`IdSet`]: the distinct authors or threads of one week, as roster numbers.
//!
//! Over ten million comments the weeks' sets hold about as many entries as there are
//! comments, and adding to them, merging them and counting their union were among the
//! largest costs perf showed in a weekly report. A week with few of the names is a hash
//! set; a week that holds more than one in 64 of the numbers below its largest is a bitmap,
//! which is then the smaller of the two (a bit per number against some eight bytes per
//! entry), adds with a shift and a mask, and merges a word at a time.

use rustc_hash::FxHashSet;

/// A set of `u32`s: hashed while sparse, a bitmap while dense.
#[derive(Debug, Clone)]
pub struct IdSet {
    len: usize,
    repr: Repr,
}

#[derive(Debug, Clone)]
enum Repr {
    /// The members, and the largest of them.
    Sparse(FxHashSet<u32>, u32),
    /// Bit `i` of word `i / 64` is set when `i` is a member.
    Dense(Vec<u64>),
}

impl Default for IdSet {
    fn default() -> Self {
        IdSet { len: 0, repr: Repr::Sparse(FxHashSet::default(), 0) }
    }
}

/// True when `len` members below `top` make a bitmap no larger than a hash set.
fn dense_enough(len: usize, top: u64) -> bool {
    len as u64 * 64 >= top
}

impl IdSet {
    /// An empty set.
    pub fn new() -> IdSet {
        IdSet::default()
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when it has no member.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `id`; true when it was not a member.
    pub fn insert(&mut self, id: u32) -> bool {
        let added = match &mut self.repr {
            Repr::Sparse(set, max) => {
                let added = set.insert(id);
                *max = (*max).max(id);
                added
            }
            Repr::Dense(words) => {
                let w = id as usize / 64;
                if w >= words.len() {
                    if !dense_enough(self.len + 1, u64::from(id) + 1) {
                        self.sparsen();
                        return self.insert(id);
                    }
                    words.resize(w + 1, 0);
                }
                let bit = 1 << (id % 64);
                let added = words[w] & bit == 0;
                words[w] |= bit;
                added
            }
        };
        self.len += usize::from(added);
        if added {
            if let Repr::Sparse(_, max) = &self.repr {
                if dense_enough(self.len, u64::from(*max) + 1) {
                    self.densen();
                }
            }
        }
        added
    }

    /// Adds every member of `o`.
    pub fn union_with(&mut self, o: &IdSet) {
        if self.len == 0 {
            *self = o.clone();
            return;
        }
        match (&mut self.repr, &o.repr) {
            (Repr::Dense(mine), Repr::Dense(theirs)) => {
                if theirs.len() > mine.len() {
                    mine.resize(theirs.len(), 0);
                }
                let mut len = 0;
                for (i, w) in mine.iter_mut().enumerate() {
                    *w |= theirs.get(i).copied().unwrap_or(0);
                    len += w.count_ones() as usize;
                }
                self.len = len;
            }
            _ => {
                for id in o.iter() {
                    self.insert(id);
                }
            }
        }
    }

    /// The members, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (sparse, dense) = match &self.repr {
            Repr::Sparse(set, _) => (Some(set.iter().copied()), None),
            Repr::Dense(words) => (None, Some(bits(words))),
        };
        sparse.into_iter().flatten().chain(dense.into_iter().flatten())
    }

    fn densen(&mut self) {
        if let Repr::Sparse(set, max) = &self.repr {
            let mut words = vec![0u64; *max as usize / 64 + 1];
            for &id in set {
                words[id as usize / 64] |= 1 << (id % 64);
            }
            self.repr = Repr::Dense(words);
        }
    }

    fn sparsen(&mut self) {
        if let Repr::Dense(words) = &self.repr {
            let set: FxHashSet<u32> = bits(words).collect();
            let max = set.iter().copied().max().unwrap_or(0);
            self.repr = Repr::Sparse(set, max);
        }
    }
}

/// The set bits of `words`, in order.
fn bits(words: &[u64]) -> impl Iterator<Item = u32> + '_ {
    words.iter().enumerate().flat_map(|(i, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let b = w.trailing_zeros();
                w &= w - 1;
                i as u32 * 64 + b
            })
        })
    })
}

impl FromIterator<u32> for IdSet {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Self {
        let mut set = IdSet::new();
        for id in iter {
            set.insert(id);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn turns_dense_and_back_with_the_same_members() {
        let mut s = IdSet::new();
        for id in 0..100 {
            assert!(s.insert(id));
        }
        assert!(matches!(s.repr, Repr::Dense(_)));
        assert!(!s.insert(5));
        // a far number makes the bitmap the larger: hashed again
        assert!(s.insert(1_000_000));
        assert!(matches!(s.repr, Repr::Sparse(..)));
        assert_eq!(s.len(), 101);
        let mut all: Vec<u32> = s.iter().collect();
        all.sort_unstable();
        assert_eq!(all[..3], [0, 1, 2]);
        assert_eq!(all.last(), Some(&1_000_000));
    }

    proptest! {
        #[test]
        fn behaves_as_a_hash_set(
            a in proptest::collection::vec(0u32..5000, 0..400),
            b in proptest::collection::vec(prop_oneof![0u32..300, 0u32..u32::MAX], 0..400),
        ) {
            let mut s: IdSet = a.iter().copied().collect();
            let mut want: FxHashSet<u32> = a.iter().copied().collect();
            let t: IdSet = b.iter().copied().collect();
            prop_assert_eq!(s.len(), want.len());
            s.union_with(&t);
            want.extend(b.iter().copied());
            prop_assert_eq!(s.len(), want.len());
            let mut got: Vec<u32> = s.iter().collect();
            got.sort_unstable();
            let mut exp: Vec<u32> = want.into_iter().collect();
            exp.sort_unstable();
            prop_assert_eq!(got, exp);
        }
    }
}
