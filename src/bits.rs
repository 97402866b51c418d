//! A fixed-size bit set indexed by hash bits: the one-sided filters in front of the lexicon
//! screen's automaton and VADER's word table (a clear bit means "certainly absent").

/// `2^log2` bits.
#[derive(Clone, Debug)]
pub(crate) struct Bits(Box<[u64]>);

impl Bits {
    /// All clear; `log2` ≥ 6.
    pub(crate) fn new(log2: u32) -> Bits {
        Bits(vec![0; 1 << (log2 - 6)].into())
    }

    /// Set bit `k` (below `2^log2`).
    pub(crate) fn set(&mut self, k: usize) {
        self.0[k >> 6] |= 1 << (k & 63);
    }

    /// Is bit `k` (below `2^log2`) set?
    #[inline(always)]
    pub(crate) fn get(&self, k: usize) -> bool {
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn set_bits_read_back_and_others_stay_clear() {
        let mut b = super::Bits::new(8);
        for k in [0, 63, 64, 255] {
            b.set(k);
        }
        let on: Vec<usize> = (0..256).filter(|&k| b.get(k)).collect();
        assert_eq!(on, [0, 63, 64, 255]);
    }
}
