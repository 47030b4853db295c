//! Latency recording for the scale workload: an HDR histogram (3 significant
//! digits, so a percentile is within 0.1% of the true value) plus exact
//! counts of the operations over 10 ms and 50 ms, and the summary that goes
//! into the child's report.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Longest latency the histogram tells apart (an hour); longer ones are
/// recorded as an hour. The exact maximum is kept separately.
const HIGHEST_NS: u64 = 3_600_000_000_000;
/// Thresholds of the "over" counts, in nanoseconds.
const OVER_10_MS: u64 = 10_000_000;
const OVER_50_MS: u64 = 50_000_000;

/// Records latencies of one kind of operation on one thread.
pub struct Latencies {
    histogram: Histogram<u64>,
    max_ns: u64,
    over_10ms: u64,
    over_50ms: u64,
}

impl Latencies {
    /// An empty recorder.
    pub fn new() -> Self {
        let histogram = Histogram::new_with_bounds(1, HIGHEST_NS, 3).expect("valid histogram bounds");
        Latencies { histogram, max_ns: 0, over_10ms: 0, over_50ms: 0 }
    }

    /// Records one operation that took `elapsed`.
    pub fn record(&mut self, elapsed: Duration) {
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX).max(1);
        self.histogram.saturating_record(ns);
        self.max_ns = self.max_ns.max(ns);
        self.over_10ms += u64::from(ns > OVER_10_MS);
        self.over_50ms += u64::from(ns > OVER_50_MS);
    }

    /// The percentiles and counts of everything recorded.
    pub fn summary(&self) -> LatencySummary {
        let at = |q: f64| if self.histogram.is_empty() { 0 } else { self.histogram.value_at_quantile(q) };
        LatencySummary {
            count: self.histogram.len(),
            p50_ns: at(0.5),
            p99_ns: at(0.99),
            p99_9_ns: at(0.999),
            p99_99_ns: at(0.9999),
            max_ns: self.max_ns,
            over_10ms: self.over_10ms,
            over_50ms: self.over_50ms,
        }
    }
}

/// Latency percentiles of one run, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Operations recorded.
    pub count: u64,
    /// Median.
    pub p50_ns: u64,
    /// 99th percentile.
    pub p99_ns: u64,
    /// 99.9th percentile.
    pub p99_9_ns: u64,
    /// 99.99th percentile.
    pub p99_99_ns: u64,
    /// The longest operation, exact.
    pub max_ns: u64,
    /// Operations that took more than 10 ms.
    pub over_10ms: u64,
    /// Operations that took more than 50 ms.
    pub over_50ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_counts() {
        let mut l = Latencies::new();
        for _ in 0..9_980 {
            l.record(Duration::from_micros(2));
        }
        for _ in 0..19 {
            l.record(Duration::from_millis(20));
        }
        l.record(Duration::from_millis(70));
        let s = l.summary();
        assert_eq!(s.count, 10_000);
        assert!((1_998..=2_002).contains(&s.p50_ns), "{s:?}");
        assert!((1_998..=2_002).contains(&s.p99_ns), "{s:?}");
        assert!((19_980_000..=20_020_000).contains(&s.p99_9_ns), "{s:?}");
        assert_eq!(s.max_ns, 70_000_000);
        assert_eq!((s.over_10ms, s.over_50ms), (20, 1));
        assert_eq!(Latencies::new().summary(), LatencySummary::default());
    }
}
