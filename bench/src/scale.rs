//! The scale workload: one writer puts `keys` keys in a fixed-seed random
//! order into a fresh store while one reader gets random keys the writer has
//! already put, for as long as the fill lasts. Every put and get is timed on
//! its own; then come the memory figures, a timed checkpoint of the whole
//! store, and a timed reopen (close, open, first get).

use crate::data::{fold, key, value, Rng};
use crate::engines::{Engine, Mode, OpenSpec, Store};
use crate::latency::{Latencies, LatencySummary};
use crate::{rss, runner, BoxResult};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// The fill is reported in this many equal parts (a million keys each at the
/// default 10 million), to show how the put rate holds up as the store grows.
pub const SEGMENTS: usize = 10;

/// What one scale run measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScaleReport {
    /// Keys written.
    pub keys: u64,
    /// Keys in each segment of the fill, in order.
    pub segment_keys: Vec<u64>,
    /// Seconds each segment took.
    pub segment_secs: Vec<f64>,
    /// Seconds of the whole fill.
    pub fill_secs: f64,
    /// Latency of every put.
    pub put: LatencySummary,
    /// Latency of every get of the reader.
    pub get: LatencySummary,
    /// Gets per second over the reader's run (the whole fill).
    pub gets_per_sec: f64,
    /// Longest time between the ends of two consecutive gets: the get itself
    /// plus anything else that kept the reader from going on (locks, the
    /// scheduler, a pause of the engine).
    pub longest_reader_wait_ns: u64,
    /// VmRSS right after the fill.
    pub rss_after_fill_bytes: Option<u64>,
    /// VmHWM right after the fill.
    pub peak_rss_after_fill_bytes: Option<u64>,
    /// VmHWM at the end, after the checkpoint and the reopen.
    pub peak_rss_end_bytes: Option<u64>,
    /// Seconds of the checkpoint; none for an engine without one.
    pub checkpoint_secs: Option<f64>,
    /// Seconds to close the store after the checkpoint.
    pub close_secs: f64,
    /// Sum of the file sizes of the closed store (persistent engines).
    pub disk_bytes: Option<u64>,
    /// Seconds to open the closed store again (persistent engines).
    pub open_secs: Option<f64>,
    /// Seconds of the first get after that open.
    pub first_get_secs: Option<f64>,
    /// Close, open and first get together: the reopen time.
    pub reopen_secs: Option<f64>,
}

impl ScaleReport {
    /// Puts per second of each segment.
    pub fn segment_rates(&self) -> Vec<f64> {
        self.segment_keys.iter().zip(&self.segment_secs).map(|(&k, &s)| rate(k, s)).collect()
    }

    /// Puts per second of the whole fill.
    pub fn fill_rate(&self) -> f64 {
        rate(self.keys, self.fill_secs)
    }
}

fn rate(ops: u64, secs: f64) -> f64 {
    if secs > 0.0 {
        ops as f64 / secs
    } else {
        0.0
    }
}

/// Index into the fill order where segment `s` of `segments` starts.
fn segment_start(keys: u64, segments: usize, s: usize) -> u64 {
    keys * s as u64 / segments as u64
}

/// Runs the scale workload for `engine` in `dir`.
pub fn run(engine: Engine, dir: &Path, keys: u64) -> BoxResult<ScaleReport> {
    let order = runner::fill_order(keys);
    let store_dir = dir.join("scale");
    let spec = OpenSpec { dir: &store_dir, mode: Mode::Scale, keys };
    let store = engine.open(spec).map_err(|e| format!("opening {engine} in {}: {e}", store_dir.display()))?;
    let fill = fill_with_reader(engine, store.as_ref(), &order)?;
    let rss_after_fill_bytes = rss::current_bytes();
    let peak_rss_after_fill_bytes = rss::peak_bytes();

    let started = Instant::now();
    let checkpointed = store.checkpoint()?;
    let checkpoint_secs = checkpointed.then(|| started.elapsed().as_secs_f64());

    let started = Instant::now();
    store.close()?;
    let close_secs = started.elapsed().as_secs_f64();

    let (mut disk_bytes, mut open_secs, mut first_get_secs, mut reopen_secs) = (None, None, None, None);
    if engine.persistent() {
        disk_bytes = Some(crate::child::dir_bytes(&store_dir)?.size);
        let started = Instant::now();
        let store = engine.open(spec).map_err(|e| format!("reopening {engine}: {e}"))?;
        let opened = started.elapsed().as_secs_f64();
        let probe = u64::from(order[order.len() / 2]);
        let mut seen = Vec::new();
        let found = store.get(&key(probe), &mut |v| seen = v.to_vec())?;
        let total = started.elapsed().as_secs_f64();
        if !found || seen != value(probe, 0) {
            return Err(format!("scale: key {probe} is missing or wrong after the reopen").into());
        }
        open_secs = Some(opened);
        first_get_secs = Some(total - opened);
        reopen_secs = Some(close_secs + total);
        store.close()?;
    }

    Ok(ScaleReport {
        keys,
        segment_keys: fill.segment_keys,
        segment_secs: fill.segment_secs,
        fill_secs: fill.fill_secs,
        put: fill.put,
        get: fill.get,
        gets_per_sec: rate(fill.get.count, fill.fill_secs),
        longest_reader_wait_ns: fill.longest_reader_wait_ns,
        rss_after_fill_bytes,
        peak_rss_after_fill_bytes,
        peak_rss_end_bytes: rss::peak_bytes(),
        checkpoint_secs,
        close_secs,
        disk_bytes,
        open_secs,
        first_get_secs,
        reopen_secs,
    })
}

/// What the fill and its concurrent reader measured.
struct FillOutcome {
    segment_keys: Vec<u64>,
    segment_secs: Vec<f64>,
    fill_secs: f64,
    put: LatencySummary,
    get: LatencySummary,
    longest_reader_wait_ns: u64,
}

/// Puts `order` on this thread while a second thread reads written keys.
fn fill_with_reader(engine: Engine, store: &dyn Store, order: &[u32]) -> BoxResult<FillOutcome> {
    // How many keys of `order` have been put (Release after each put), and
    // whether the reader should stop (the fill ended or failed, or the reader failed).
    let written = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let result = read_while_filling(store, order, &written, &stop);
            stop.store(true, Ordering::Release);
            result
        });
        let filled = fill(engine, store, order, &written, &stop);
        stop.store(true, Ordering::Release);
        let read = reader.join().map_err(|_| "the scale reader panicked")?;
        let (puts, segment_secs, fill_secs) = filled?;
        let (gets, longest_reader_wait_ns) = read?;
        let keys = order.len() as u64;
        let segment_keys =
            (0..SEGMENTS).map(|s| segment_start(keys, SEGMENTS, s + 1) - segment_start(keys, SEGMENTS, s)).collect();
        Ok(FillOutcome {
            segment_keys,
            segment_secs,
            fill_secs,
            put: puts.summary(),
            get: gets.summary(),
            longest_reader_wait_ns,
        })
    })
}

/// The writer: every put timed; the end time of each segment noted.
fn fill(
    engine: Engine,
    store: &dyn Store,
    order: &[u32],
    written: &AtomicU64,
    stop: &AtomicBool,
) -> BoxResult<(Latencies, Vec<f64>, f64)> {
    let keys = order.len() as u64;
    let mut puts = Latencies::new();
    let mut segment_secs = Vec::with_capacity(SEGMENTS);
    let started = Instant::now();
    let mut segment_began = started;
    let mut next_boundary = segment_start(keys, SEGMENTS, 1);
    for (n, &i) in order.iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            return Err("scale: stopped because the reader failed".into());
        }
        let i = u64::from(i);
        let (k, v) = (key(i), value(i, 0));
        let before = Instant::now();
        store.put(&k, &v)?;
        puts.record(before.elapsed());
        let done = n as u64 + 1;
        written.store(done, Ordering::Release);
        while done == next_boundary && segment_secs.len() < SEGMENTS {
            let now = Instant::now();
            let secs = (now - segment_began).as_secs_f64();
            let begun = segment_start(keys, SEGMENTS, segment_secs.len());
            // One line per segment, so that a ten-minute fill shows progress;
            // printed between puts, so no put latency includes it.
            eprintln!("    {:<11} scale {:>10}/{keys}  {:>9.0} puts/s", engine.name(), done, rate(done - begun, secs));
            segment_secs.push(secs);
            segment_began = now;
            next_boundary = segment_start(keys, SEGMENTS, segment_secs.len() + 1);
        }
    }
    let before = Instant::now();
    store.finish_writes()?;
    if let Some(last) = segment_secs.last_mut() {
        *last += before.elapsed().as_secs_f64();
    }
    Ok((puts, segment_secs, started.elapsed().as_secs_f64()))
}

/// The reader: random gets of written keys until told to stop; each timed,
/// and the longest gap between two get completions kept.
fn read_while_filling(
    store: &dyn Store,
    order: &[u32],
    written: &AtomicU64,
    stop: &AtomicBool,
) -> BoxResult<(Latencies, u64)> {
    let mut gets = Latencies::new();
    let mut rng = Rng::new(0x5CA1_E000);
    let mut sum = 0u64;
    let mut last_end: Option<Instant> = None;
    let mut longest_wait_ns = 0u64;
    while !stop.load(Ordering::Acquire) {
        let available = written.load(Ordering::Acquire);
        if available == 0 {
            std::thread::yield_now();
            continue;
        }
        let i = u64::from(order[rng.below(available) as usize]);
        let k = key(i);
        let before = Instant::now();
        let found = store.get(&k, &mut |v| sum = fold(sum, v))?;
        let after = Instant::now();
        gets.record(after - before);
        let gap = after - last_end.unwrap_or(before);
        longest_wait_ns = longest_wait_ns.max(u64::try_from(gap.as_nanos()).unwrap_or(u64::MAX));
        last_end = Some(after);
        if !found {
            return Err(format!("scale: key {i} was put but a get did not find it").into());
        }
    }
    // Keeps the folded bytes observable, so that the gets cannot be optimised away.
    std::hint::black_box(sum);
    Ok((gets, longest_wait_ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_the_fill() {
        for keys in [1_000u64, 1_001, 10_000_000, 12_345] {
            let sizes: Vec<u64> = (0..SEGMENTS)
                .map(|s| segment_start(keys, SEGMENTS, s + 1) - segment_start(keys, SEGMENTS, s))
                .collect();
            assert_eq!(sizes.iter().sum::<u64>(), keys);
            assert!(sizes.iter().all(|&n| n >= keys / SEGMENTS as u64));
        }
    }

    #[test]
    fn runs_on_a_baseline_and_on_scalodb() {
        for engine in [Engine::BTreeMap, Engine::ScaloDb] {
            let dir = tempfile::tempdir().unwrap();
            let r = run(engine, dir.path(), 2_000).unwrap();
            assert_eq!(r.put.count, 2_000);
            assert_eq!((r.segment_keys.len(), r.segment_secs.len()), (SEGMENTS, SEGMENTS));
            assert_eq!(r.segment_keys.iter().sum::<u64>(), 2_000);
            assert!(r.put.p50_ns <= r.put.p99_ns && r.put.p99_ns <= r.put.max_ns);
            assert!(r.longest_reader_wait_ns >= r.get.max_ns);
            assert_eq!(r.reopen_secs.is_some(), engine.persistent());
            assert_eq!(r.checkpoint_secs.is_some(), engine.persistent());
        }
    }
}
