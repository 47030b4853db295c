//! Deterministic workload data: a tiny PRNG, the `user:%010d` keys, the
//! 100-byte pseudo-random values and fixed-seed permutations.

/// Length of every key: `user:` followed by ten decimal digits.
pub const KEY_LEN: usize = 15;
/// Length of every value.
pub const VALUE_LEN: usize = 100;
/// Length of a scan prefix: a key without its last two digits.
pub const PREFIX_LEN: usize = KEY_LEN - 2;
/// Keys covered by one scan prefix (the two open digits).
pub const KEYS_PER_PREFIX: u64 = 100;
/// Seed shared by every generator, so that every engine sees the same data.
pub const SEED: u64 = 0x5CA1_0DB0_BE7C_0001;

/// SplitMix64: a small, fast, well-mixed 64-bit generator.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one stream; distinct `stream`s give unrelated sequences.
    pub fn new(stream: u64) -> Self {
        Rng(SEED ^ stream.wrapping_mul(0xA076_1D64_78BD_642F))
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (multiply-shift; the bias is negligible for our `n`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// The key of index `i`: `user:` and `i` as ten zero-padded digits.
pub fn key(i: u64) -> [u8; KEY_LEN] {
    let mut out = *b"user:0000000000";
    let mut n = i;
    for slot in out[5..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out
}

/// The prefix of scan group `g`: the keys `g*100 .. g*100+99` share it.
pub fn prefix(group: u64) -> [u8; PREFIX_LEN] {
    let k = key(group * KEYS_PER_PREFIX);
    let mut out = [0u8; PREFIX_LEN];
    out.copy_from_slice(&k[..PREFIX_LEN]);
    out
}

/// The value written for key `i` in write generation `generation`
/// (0 for the fill, other numbers for overwrites).
pub fn value(i: u64, generation: u64) -> [u8; VALUE_LEN] {
    let mut rng = Rng::new(i ^ generation.rotate_left(40) ^ 0x7A1E);
    let mut out = [0u8; VALUE_LEN];
    for chunk in out.chunks_mut(8) {
        let bits = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&bits[..chunk.len()]);
    }
    out
}

/// A fixed-seed permutation of `0..n` (Fisher-Yates).
pub fn permutation(n: u64, stream: u64) -> Vec<u32> {
    assert!(n <= u64::from(u32::MAX), "too many keys for a u32 permutation");
    let mut items: Vec<u32> = (0..n as u32).collect();
    let mut rng = Rng::new(stream);
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
    items
}

/// Folds the bytes a reader saw into a checksum, so that reads cannot be
/// optimised away and every engine must hand over real bytes.
pub fn fold(acc: u64, bytes: &[u8]) -> u64 {
    let first = bytes.first().copied().unwrap_or(0);
    let last = bytes.last().copied().unwrap_or(0);
    acc.wrapping_mul(31).wrapping_add(bytes.len() as u64).wrapping_add(u64::from(first) << 8 | u64::from(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_zero_padded() {
        assert_eq!(&key(42), b"user:0000000042");
        assert_eq!(&key(9_999_999_999), b"user:9999999999");
        assert_eq!(&prefix(3), b"user:00000003");
        assert!(key(399).starts_with(&prefix(3)));
        assert!(!key(400).starts_with(&prefix(3)));
    }

    #[test]
    fn values_are_deterministic() {
        assert_eq!(value(7, 0), value(7, 0));
        assert_ne!(value(7, 0), value(8, 0));
        assert_ne!(value(7, 0), value(7, 1));
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = permutation(1000, 1);
        assert_eq!(p, permutation(1000, 1));
        assert_ne!(p[..10], (0..10).collect::<Vec<u32>>()[..]);
        p.sort_unstable();
        assert_eq!(p, (0..1000).collect::<Vec<u32>>());
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::new(9);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
    }
}
