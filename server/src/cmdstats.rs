//! Per-command accounting for INFO commandstats and latencystats and for `/metrics`: calls,
//! time spent, failed and rejected calls, and a latency histogram, for every command.
//!
//! Every command passes through here, so the cost matters more than anything else in this file.
//! A connection first notes each command in its own [`Pending`] list (a push, no atomic), and
//! adds the list to the shared counters once per batch of requests it read (and every
//! `PENDING_MAX` commands): a pipeline of 100 GETs then costs a few relaxed `fetch_add`s on GET's
//! counters instead of 300 that two cores would bounce between them. The counters are owned by
//! one command each (no lock, nothing shared with other commands), and the histogram is a fixed
//! array of atomic buckets rather than an `hdrhistogram` behind a mutex, which would be one lock
//! shared by every connection running that command. The buckets are log-linear over nanoseconds: exact below
//! 16 ns, then 8 buckets per power of two (at most 12.5% wide), which is as fine as a p99.9
//! needs to be to be useful and costs a few instructions to index.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::commands::COMMANDS;

/// Sub-buckets per power of two (a power of two itself).
const SUB: u64 = 8;
const SUB_BITS: u32 = SUB.trailing_zeros();
/// Values below this have a bucket each.
const LINEAR: u64 = 16;
/// Buckets: linear ones, then `SUB` per power of two from 2^4 ns up to 2^42 ns (73 minutes).
pub const BUCKETS: usize = LINEAR as usize + (42 - 4) * SUB as usize;

/// The bucket of a duration of `ns` nanoseconds.
#[inline]
fn bucket(ns: u64) -> usize {
    if ns < LINEAR {
        return ns as usize;
    }
    let exp = 63 - ns.leading_zeros(); // >= 4
    let sub = (ns >> (exp - SUB_BITS)) & (SUB - 1);
    (LINEAR + (exp as u64 - 4) * SUB + sub).min(BUCKETS as u64 - 1) as usize
}

/// The largest duration, in ns, that falls in bucket `i` (the value percentiles report).
pub fn bucket_upper_ns(i: usize) -> u64 {
    let i = i as u64;
    if i < LINEAR {
        return i;
    }
    let exp = (i - LINEAR) / SUB + 4;
    let sub = (i - LINEAR) % SUB;
    let width = 1u64 << (exp - SUB_BITS as u64);
    (1u64 << exp) + (sub + 1) * width - 1
}

/// The counters of one command.
pub struct CmdStat {
    pub calls: AtomicU64,
    pub nanos: AtomicU64,
    /// Ran and answered with an error.
    pub failed: AtomicU64,
    /// Refused before running (arity, authentication, inside MULTI).
    pub rejected: AtomicU64,
    pub hist: [AtomicU64; BUCKETS],
}

impl CmdStat {
    fn new() -> CmdStat {
        CmdStat {
            calls: AtomicU64::new(0),
            nanos: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            hist: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    /// The duration in µs below which a fraction `q` of the calls fell (0 with no calls).
    pub fn percentile_us(&self, counts: &[u64], q: f64) -> f64 {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return 0.0;
        }
        let rank = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return bucket_upper_ns(i) as f64 / 1000.0;
            }
        }
        bucket_upper_ns(BUCKETS - 1) as f64 / 1000.0
    }

    /// A copy of the histogram (not atomic as a whole: each bucket is read once).
    pub fn histogram(&self) -> Vec<u64> {
        self.hist.iter().map(|b| b.load(Ordering::Relaxed)).collect()
    }
}

/// Commands noted at most before a connection adds them to the shared counters.
const PENDING_MAX: usize = 256;

/// One connection's accounting not yet added to [`CmdStats`]:
/// (command id, histogram bucket, calls, failed calls, nanoseconds).
#[derive(Default)]
pub struct Pending(Vec<(u32, u32, u32, u32, u64)>);

impl Pending {
    /// Notes `calls` calls of command `id` that took `total` together. True when the list is
    /// full and must be flushed.
    #[inline]
    pub fn note(&mut self, id: usize, calls: u64, total: Duration, failed: bool) -> bool {
        let ns = total.as_nanos().min(u64::MAX as u128) as u64;
        let calls = calls.clamp(1, u32::MAX as u64);
        self.0.push((id as u32, bucket(ns / calls) as u32, calls as u32, failed as u32, ns));
        self.0.len() >= PENDING_MAX
    }

    /// Adds everything noted to `stats`, one `fetch_add` per command and bucket seen.
    pub fn flush(&mut self, stats: &CmdStats) {
        if self.0.is_empty() {
            return;
        }
        self.0.sort_unstable_by_key(|e| (e.0, e.1));
        let mut i = 0;
        while i < self.0.len() {
            let id = self.0[i].0;
            let s = &stats.stats[id as usize];
            let (mut calls, mut failed, mut ns) = (0u64, 0u64, 0u64);
            while i < self.0.len() && self.0[i].0 == id {
                let b = self.0[i].1;
                let mut in_bucket = 0u64;
                while i < self.0.len() && self.0[i].0 == id && self.0[i].1 == b {
                    let e = self.0[i];
                    in_bucket += e.2 as u64;
                    failed += e.3 as u64;
                    ns += e.4;
                    i += 1;
                }
                calls += in_bucket;
                s.hist[b as usize].fetch_add(in_bucket, Ordering::Relaxed);
            }
            s.calls.fetch_add(calls, Ordering::Relaxed);
            s.nanos.fetch_add(ns, Ordering::Relaxed);
            if failed > 0 {
                s.failed.fetch_add(failed, Ordering::Relaxed);
            }
        }
        self.0.clear();
    }
}

/// Counters for every command of the table, indexed like `commands::COMMANDS`.
pub struct CmdStats {
    stats: Box<[CmdStat]>,
}

impl Default for CmdStats {
    fn default() -> Self {
        CmdStats { stats: COMMANDS.iter().map(|_| CmdStat::new()).collect() }
    }
}

impl CmdStats {
    pub fn rejected(&self, id: usize) {
        self.stats[id].rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// `(name, counters)` of every command called or rejected at least once.
    pub fn used(&self) -> impl Iterator<Item = (&'static str, &CmdStat)> {
        COMMANDS.iter().zip(self.stats.iter()).filter_map(|(spec, s)| {
            let used = s.calls.load(Ordering::Relaxed) + s.rejected.load(Ordering::Relaxed) > 0;
            used.then_some((spec.name, s))
        })
    }

    /// Zeroes everything (CONFIG RESETSTAT).
    pub fn reset(&self) {
        for s in self.stats.iter() {
            for c in [&s.calls, &s.nanos, &s.failed, &s.rejected].into_iter().chain(s.hist.iter()) {
                c.store(0, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_ordered_and_each_value_is_within_its_bucket() {
        let mut last = 0;
        for ns in (0..100_000u64).chain([1 << 30, 1 << 40, u64::MAX / 2]) {
            let b = bucket(ns);
            assert!(b >= last || ns > 1 << 29, "{ns}");
            last = b;
            if b < BUCKETS - 1 {
                assert!(ns <= bucket_upper_ns(b), "{ns} above bucket {b}");
                assert!(b == 0 || ns > bucket_upper_ns(b - 1), "{ns} below bucket {b}");
            }
        }
    }

    #[test]
    fn percentiles_come_from_the_recorded_durations() {
        let stats = CmdStats::default();
        let mut pending = Pending::default();
        for _ in 0..99 {
            pending.note(0, 1, Duration::from_micros(10), false);
        }
        assert_eq!(stats.used().count(), 0, "nothing is shared before the flush");
        pending.note(0, 1, Duration::from_millis(5), true);
        pending.note(1, 4, Duration::from_micros(8), false);
        pending.flush(&stats);
        assert_eq!(stats.stats[1].calls.load(Ordering::Relaxed), 4);
        assert_eq!(stats.stats[1].histogram()[bucket(2000)], 4);
        assert_eq!(stats.stats[0].calls.load(Ordering::Relaxed), 100);
        assert_eq!(stats.stats[0].nanos.load(Ordering::Relaxed), 99 * 10_000 + 5_000_000);
        let s = &stats.stats[0];
        let h = s.histogram();
        let p50 = s.percentile_us(&h, 0.5);
        assert!((10.0..=11.3).contains(&p50), "{p50}");
        let p100 = s.percentile_us(&h, 1.0);
        assert!((5000.0..=5700.0).contains(&p100), "{p100}");
        assert_eq!(s.failed.load(Ordering::Relaxed), 1);
        assert_eq!(stats.used().count(), 2);
        stats.reset();
        assert_eq!(stats.used().count(), 0);
    }
}
