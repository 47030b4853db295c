//! A small, fast, seeded hash for keys. Seeded per database so that a client of the server cannot
//! choose keys that all land in one bucket.

const K1: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xD6E8_FEB8_6659_FD93;
const K3: u64 = 0xA076_1D64_78BD_642F;

#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

#[inline(always)]
fn read8(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
}

/// Hashes `key` with `seed`. Every input byte reaches every output bit through a 64x64->128
/// multiply per 16-byte block.
#[inline]
pub(crate) fn hash_key(seed: u64, key: &[u8]) -> u64 {
    let mut h = seed ^ K1.wrapping_mul(key.len() as u64 + 1);
    let mut rest = key;
    while rest.len() > 16 {
        h = fold(read8(rest) ^ h ^ K2, read8(&rest[8..]) ^ K3);
        rest = &rest[16..];
    }
    let (a, b) = if rest.len() >= 8 {
        (read8(rest), read8(&rest[rest.len() - 8..]))
    } else if rest.len() >= 4 {
        let lo = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")) as u64;
        let hi = u32::from_le_bytes(rest[rest.len() - 4..].try_into().expect("4 bytes")) as u64;
        (lo, hi)
    } else if !rest.is_empty() {
        let a = rest[0] as u64 | (rest[rest.len() / 2] as u64) << 8 | (rest[rest.len() - 1] as u64) << 16;
        (a, 0)
    } else {
        (0, 0)
    };
    fold(fold(a ^ h ^ K2, b ^ K3) ^ K1, h ^ K2)
}

/// A seed from the clock, the address space and a counter: different for every database opened.
pub(crate) fn random_seed() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let t =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    let local = 0u8;
    let addr = &local as *const u8 as u64;
    fold(t ^ K1, addr ^ K2 ^ COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_mul(K3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_keys_spread_over_buckets() {
        let mut buckets = [0u32; 64];
        for i in 0..64_000u32 {
            let k = format!("user:{i:010}");
            buckets[(hash_key(7, k.as_bytes()) & 63) as usize] += 1;
        }
        // 1000 expected per bucket; a broken hash puts everything in a few.
        assert!(buckets.iter().all(|&b| (800..1200).contains(&b)), "{buckets:?}");
    }

    #[test]
    fn seed_and_length_change_the_hash() {
        assert_ne!(hash_key(1, b"abc"), hash_key(2, b"abc"));
        assert_ne!(hash_key(1, b""), hash_key(1, b"\0"));
        assert_ne!(hash_key(1, b"abcdefgh12345678x"), hash_key(1, b"abcdefgh12345678y"));
    }
}
