//! Runs one workload against an open store on 1..n threads and times it.

use crate::data::{self, fold, key, prefix, value, Rng, KEYS_PER_PREFIX};
use crate::engines::Store;
use crate::BoxResult;
use std::sync::Barrier;
use std::time::Instant;

/// Prefix scans per scan workload.
pub const SCANS: u64 = 10_000;
/// Percentage of writes in the mixed workload.
pub const MIXED_WRITE_PERCENT: u64 = 10;

/// The outcome of one timed phase.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Operations performed (puts, gets or scans).
    pub ops: u64,
    /// Wall-clock seconds from the start of the first thread to the end of the last.
    pub secs: f64,
    /// Checksum of the bytes read (keeps reads honest).
    pub checksum: u64,
}

/// How many of `total` operations thread `t` of `threads` performs.
fn share(total: u64, threads: usize, t: usize) -> u64 {
    let threads = threads as u64;
    let t = t as u64;
    total / threads + u64::from(t < total % threads)
}

/// Runs `work(t)` on `threads` threads released together and times them:
/// from the first thread's start to the last thread's end, plus `finish`,
/// which runs after all threads. `work` returns a checksum.
fn timed<W, F>(threads: usize, ops: u64, work: W, finish: F) -> BoxResult<Timing>
where
    W: Fn(usize) -> BoxResult<u64> + Sync,
    F: FnOnce() -> BoxResult<()>,
{
    let barrier = Barrier::new(threads);
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (barrier, work) = (&barrier, &work);
                scope.spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    let result = work(t);
                    (start, Instant::now(), result)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let mut checksum = 0u64;
    let mut span: Option<(Instant, Instant)> = None;
    for joined in results {
        let (start, end, result) = joined.map_err(|_| "a worker thread panicked")?;
        checksum ^= result?;
        span = Some(match span {
            None => (start, end),
            Some((s, e)) => (s.min(start), e.max(end)),
        });
    }
    let finish_start = Instant::now();
    finish()?;
    let finish_secs = finish_start.elapsed().as_secs_f64();
    let work_secs = span.map_or(0.0, |(s, e)| (e - s).as_secs_f64());
    Ok(Timing { ops, secs: work_secs + finish_secs, checksum })
}

/// Puts key `order[i]` with its generation-0 value for every `i`; the
/// threads take contiguous slices of `order`.
pub fn fill(store: &dyn Store, order: &[u32], threads: usize) -> BoxResult<Timing> {
    let total = order.len() as u64;
    let work = |t: usize| -> BoxResult<u64> {
        let start: u64 = (0..t).map(|i| share(total, threads, i)).sum();
        let len = share(total, threads, t);
        for &i in &order[start as usize..(start + len) as usize] {
            let i = u64::from(i);
            store.put(&key(i), &value(i, 0))?;
        }
        Ok(0)
    };
    timed(threads, total, work, || store.finish_writes())
}

/// `ops` gets of uniformly random present keys among `keys`.
pub fn read(store: &dyn Store, keys: u64, ops: u64, threads: usize) -> BoxResult<Timing> {
    let work = |t: usize| -> BoxResult<u64> {
        let mut rng = Rng::new(0x4EAD_0000 + t as u64);
        let mut sum = 0u64;
        for _ in 0..share(ops, threads, t) {
            let i = rng.below(keys);
            let found = store.get(&key(i), &mut |v| sum = fold(sum, v))?;
            if !found {
                return Err(format!("read: key {i} is missing").into());
            }
        }
        Ok(sum)
    };
    timed(threads, ops, work, || Ok(()))
}

/// `ops` operations on random keys: 90% gets, 10% overwrites with new values.
pub fn mixed(store: &dyn Store, keys: u64, ops: u64, threads: usize) -> BoxResult<Timing> {
    let work = |t: usize| -> BoxResult<u64> {
        let mut rng = Rng::new(0x313E_D000 + t as u64);
        let mut sum = 0u64;
        for _ in 0..share(ops, threads, t) {
            let i = rng.below(keys);
            if rng.below(100) < MIXED_WRITE_PERCENT {
                let generation = rng.next_u64() | 1;
                store.put(&key(i), &value(i, generation))?;
            } else {
                let found = store.get(&key(i), &mut |v| sum = fold(sum, v))?;
                if !found {
                    return Err(format!("mixed: key {i} is missing").into());
                }
            }
        }
        Ok(sum)
    };
    timed(threads, ops, work, || store.finish_writes())
}

/// `scans` prefix scans of 100 consecutive keys each, reading every pair.
pub fn scan(store: &dyn Store, keys: u64, scans: u64) -> BoxResult<Timing> {
    let groups = keys / KEYS_PER_PREFIX;
    if groups == 0 {
        return Err(format!("scan needs at least {KEYS_PER_PREFIX} keys").into());
    }
    let work = |_t: usize| -> BoxResult<u64> {
        let mut rng = Rng::new(0x5CA7_0000);
        let mut sum = 0u64;
        for _ in 0..scans {
            let group = rng.below(groups);
            let mut seen = 0u64;
            store.scan_prefix(&prefix(group), &mut |k, v| {
                sum = fold(fold(sum, k), v);
                seen += 1;
            })?;
            if seen != KEYS_PER_PREFIX {
                return Err(
                    format!("scan: prefix group {group} returned {seen} pairs, expected {KEYS_PER_PREFIX}").into()
                );
            }
        }
        Ok(sum)
    };
    timed(1, scans, work, || Ok(()))
}

/// The insertion order of the fill: a fixed-seed permutation of `0..keys`.
pub fn fill_order(keys: u64) -> Vec<u32> {
    data::permutation(keys, 0xF111)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up() {
        for total in [0u64, 1, 7, 1000, 1001] {
            for threads in 1..5 {
                let sum: u64 = (0..threads).map(|t| share(total, threads, t)).sum();
                assert_eq!(sum, total);
            }
        }
    }
}
