//! SplitMix64, a tiny seeded pseudo-random generator (Steele, Lea and Flood, "Fast splittable pseudorandom
//! number generators", OOPSLA 2014). Used for the stock prices and the sample-data generator, where only a fixed
//! sequence for a fixed seed matters (not cryptographic quality); written here so that the committed sample file
//! cannot change with a dependency's release.

/// A SplitMix64 generator: the same seed always gives the same sequence, on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from `low` to `high` inclusive (`low <= high`). The modulo bias is negligible for the small
    /// ranges used here.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        debug_assert!(low <= high);
        low + self.next_u64() % (high - low + 1)
    }

    /// `true` with probability `percent`/100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sequence() {
        // First outputs for seed 0 of the published algorithm.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn range_is_inclusive() {
        let mut rng = SplitMix64::new(1);
        let values: Vec<u64> = (0..1000).map(|_| rng.range(3, 5)).collect();
        assert!(values.iter().all(|v| (3..=5).contains(v)));
        assert!(values.contains(&3) && values.contains(&5));
    }
}
