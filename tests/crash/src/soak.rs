//! Shared pieces of the soak tests: durations from the environment, a small random generator,
//! resident memory from /proc, and the check that memory stays flat.

use std::time::Duration;

/// `name` from the environment in seconds, or `default`.
pub fn seconds_from_env(name: &str, default: u64) -> Duration {
    Duration::from_secs(std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default))
}

/// `name` from the environment as a number, or `default`.
pub fn number_from_env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// xorshift64: deterministic per seed, good enough to pick operations.
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Resident memory of process `pid` ("self" for this one), in bytes, from /proc/PID/status.
pub fn rss_bytes(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Checks that a series sampled at even intervals stays flat: the peak of the second half may
/// pass the peak of the first half by at most `ratio` times it plus `slack` bytes. Growth that
/// goes on for the whole run (a leak) fails; a working set that filled up early passes.
pub fn assert_flat(what: &str, samples: &[u64], ratio: f64, slack: u64) {
    assert!(samples.len() >= 4, "{what}: too few samples ({}) to judge", samples.len());
    let half = samples.len() / 2;
    let first = *samples[..half].iter().max().unwrap();
    let second = *samples[half..].iter().max().unwrap();
    let bound = (first as f64 * (1.0 + ratio)) as u64 + slack;
    assert!(
        second <= bound,
        "{what} grew in the second half of the run: peak {second} bytes against {first} in the first half \
         (bound {bound}); samples: {samples:?}"
    );
}

/// Bytes as MiB with one decimal, for reports.
pub fn mib(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / (1 << 20) as f64)
}
