//! LATENCY: for each event kind (`command`, `fast-command`, and the engine's `checkpoint`,
//! `fsync`, `log-rotation`, `index-growth`), the latest and worst spike at or above
//! `latency-monitor-threshold` ms and the last 160 spikes, one per second at most, as Redis keeps
//! them. With the threshold at 0 (the default) nothing is recorded.
//!
//! Only spikes reach the mutex: a command checks the threshold (an atomic) first.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

/// Samples kept per event, as in Redis.
const HISTORY: usize = 160;

#[derive(Default)]
pub struct Series {
    /// (unix seconds, ms), oldest first; one per second (the worst of that second).
    pub samples: VecDeque<(u64, u64)>,
    pub max_ms: u64,
}

#[derive(Default)]
pub struct Latency {
    /// `latency-monitor-threshold` in ms; 0: off.
    pub threshold_ms: AtomicU64,
    /// Guards the series, by event name.
    events: Mutex<BTreeMap<&'static str, Series>>,
}

impl Latency {
    /// True when a spike of `ms` is to be recorded.
    #[inline]
    pub fn wants(&self, ms: u64) -> bool {
        let t = self.threshold_ms.load(Ordering::Relaxed);
        t > 0 && ms >= t
    }

    /// Records a spike of `ms` for `event` if it reaches the threshold.
    pub fn record(&self, event: &'static str, ms: u64) {
        if !self.wants(ms) {
            return;
        }
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut events = self.events.lock();
        let s = events.entry(event).or_default();
        s.max_ms = s.max_ms.max(ms);
        match s.samples.back_mut() {
            Some(last) if last.0 == now => last.1 = last.1.max(ms),
            _ => {
                s.samples.push_back((now, ms));
                if s.samples.len() > HISTORY {
                    s.samples.pop_front();
                }
            }
        }
    }

    /// (event, latest time, latest ms, max ms) of every event with a spike.
    pub fn latest(&self) -> Vec<(&'static str, u64, u64, u64)> {
        let events = self.events.lock();
        events.iter().filter_map(|(name, s)| s.samples.back().map(|&(t, ms)| (*name, t, ms, s.max_ms))).collect()
    }

    /// The samples of `event`, oldest first.
    pub fn history(&self, event: &[u8]) -> Vec<(u64, u64)> {
        let events = self.events.lock();
        events
            .iter()
            .find(|(n, _)| n.as_bytes() == event)
            .map_or(Vec::new(), |(_, s)| s.samples.iter().copied().collect())
    }

    /// Forgets the named events (all with none named); returns how many had samples.
    pub fn reset(&self, names: &[&[u8]]) -> usize {
        let mut events = self.events.lock();
        let before = events.len();
        if names.is_empty() {
            events.clear();
        } else {
            events.retain(|n, _| !names.iter().any(|w| w.eq_ignore_ascii_case(n.as_bytes())));
        }
        before - events.len()
    }
}
