//! Aggregates the scale runs: per engine, the median and spread over the runs
//! of every figure a scale child reports, the rows of the scale table, and
//! ScaloDB's ratio to the best persistent peer on each row (the highest for
//! rates, the lowest for latencies, counts, memory and times).

use crate::child::ChildReport;
use crate::engines::{Engine, SCALODB};
use crate::latency::LatencySummary;
use crate::scale::{ScaleReport, SEGMENTS};
use crate::summary::Figure;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything the scale workload measured, as written to the JSON.
#[derive(Debug, Serialize)]
pub struct ScaleSummary {
    /// Keys written by each run.
    pub keys: u64,
    /// Runs per engine; each figure is the median of these.
    pub runs: usize,
    /// Keys in each segment of the fill (the rows `puts/s A-B`).
    pub segment_keys: Vec<u64>,
    /// Engines in column order.
    pub engine_order: Vec<String>,
    /// Row labels in table order; `ratios` uses the same labels.
    pub row_order: Vec<String>,
    /// Per-engine figures, keyed by engine name.
    pub engines: BTreeMap<String, ScaleEngineSummary>,
    /// ScaloDB against its peers, one entry per row it has a figure for.
    pub ratios: Vec<ScaleRatio>,
}

/// One engine's scale figures.
#[derive(Debug, Serialize)]
pub struct ScaleEngineSummary {
    /// Whether the engine persists data.
    pub persistent: bool,
    /// How the engine was configured.
    pub settings: &'static str,
    /// What its checkpoint does.
    pub checkpoint_means: &'static str,
    /// Version of the crate under test.
    pub version: &'static str,
    /// The figures, absent when every run failed.
    #[serde(flatten)]
    pub figures: Option<ScaleFigures>,
    /// Failed runs, with the reason.
    pub errors: Vec<String>,
}

/// Median and spread of every scale figure of one engine.
#[derive(Debug, Serialize)]
pub struct ScaleFigures {
    /// Puts per second in each segment of the fill.
    pub segment_puts_per_sec: Vec<Figure>,
    /// Puts per second over the whole fill.
    pub fill_puts_per_sec: Figure,
    /// Put latency percentiles.
    pub put_latency_ns: Percentiles,
    /// Puts over 10 ms.
    pub puts_over_10ms: Figure,
    /// Puts over 50 ms.
    pub puts_over_50ms: Figure,
    /// Gets the reader made during the fill.
    pub gets: Figure,
    /// Gets per second during the fill.
    pub gets_per_sec: Figure,
    /// Get latency percentiles.
    pub get_latency_ns: Percentiles,
    /// Gets over 10 ms.
    pub gets_over_10ms: Figure,
    /// Gets over 50 ms.
    pub gets_over_50ms: Figure,
    /// Longest time between two consecutive get completions.
    pub longest_reader_wait_ns: Figure,
    /// VmRSS after the fill.
    pub rss_after_fill_bytes: Option<Figure>,
    /// VmHWM after the fill.
    pub peak_rss_after_fill_bytes: Option<Figure>,
    /// VmHWM after the checkpoint and the reopen.
    pub peak_rss_end_bytes: Option<Figure>,
    /// File sizes of the closed store.
    pub disk_bytes: Option<Figure>,
    /// Seconds of the checkpoint.
    pub checkpoint_secs: Option<Figure>,
    /// Seconds of the close after it.
    pub close_secs: Figure,
    /// Seconds of the open.
    pub open_secs: Option<Figure>,
    /// Seconds of the first get after the open.
    pub first_get_secs: Option<Figure>,
    /// Close + open + first get.
    pub reopen_secs: Option<Figure>,
}

/// Latency percentiles over the runs, in nanoseconds.
#[derive(Debug, Serialize)]
pub struct Percentiles {
    /// Median latency.
    pub p50: Figure,
    /// 99th percentile.
    pub p99: Figure,
    /// 99.9th percentile.
    #[serde(rename = "p99.9")]
    pub p99_9: Figure,
    /// 99.99th percentile.
    #[serde(rename = "p99.99")]
    pub p99_99: Figure,
    /// Longest.
    pub max: Figure,
}

/// ScaloDB against its peers on one row of the scale table.
#[derive(Debug, Serialize)]
pub struct ScaleRatio {
    /// The row's label.
    pub row: String,
    /// True for rates (the best peer is the highest), false otherwise (the lowest).
    pub higher_is_better: bool,
    /// ScaloDB's median.
    pub scalodb: f64,
    /// The best persistent peer on this row.
    pub best_peer: Option<String>,
    /// That peer's median.
    pub best_peer_median: Option<f64>,
    /// ScaloDB's median divided by the best peer's (none if that is 0).
    pub vs_best_peer: Option<f64>,
    /// ScaloDB's median divided by the BTreeMap baseline's.
    pub vs_btreemap: Option<f64>,
}

/// How a row's numbers read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Operations per second.
    Rate,
    /// Nanoseconds.
    Nanos,
    /// A count of operations.
    Count,
    /// Bytes.
    Bytes,
    /// Seconds.
    Secs,
}

/// A latency percentile.
#[derive(Clone, Copy, Debug)]
pub enum Pct {
    P50,
    P99,
    P99_9,
    P99_99,
    Max,
}

impl Pct {
    const ALL: [Pct; 5] = [Pct::P50, Pct::P99, Pct::P99_9, Pct::P99_99, Pct::Max];

    fn name(self) -> &'static str {
        match self {
            Pct::P50 => "p50",
            Pct::P99 => "p99",
            Pct::P99_9 => "p99.9",
            Pct::P99_99 => "p99.99",
            Pct::Max => "max",
        }
    }

    fn of(self, p: &Percentiles) -> &Figure {
        match self {
            Pct::P50 => &p.p50,
            Pct::P99 => &p.p99,
            Pct::P99_9 => &p.p99_9,
            Pct::P99_99 => &p.p99_99,
            Pct::Max => &p.max,
        }
    }
}

/// One row of the scale table.
#[derive(Clone, Copy, Debug)]
pub enum Metric {
    /// Puts per second in segment `n` (0-based).
    Segment(usize),
    Fill,
    Put(Pct),
    PutsOver10ms,
    PutsOver50ms,
    GetsPerSec,
    Get(Pct),
    LongestReaderWait,
    RssAfterFill,
    PeakAfterFill,
    PeakAtEnd,
    Disk,
    Checkpoint,
    Reopen,
}

impl Metric {
    /// Every row, in table order.
    pub fn all() -> Vec<Metric> {
        let mut rows: Vec<Metric> = (0..SEGMENTS).map(Metric::Segment).collect();
        rows.push(Metric::Fill);
        rows.extend(Pct::ALL.map(Metric::Put));
        rows.extend([Metric::PutsOver10ms, Metric::PutsOver50ms, Metric::GetsPerSec]);
        rows.extend(Pct::ALL.map(Metric::Get));
        rows.extend([
            Metric::LongestReaderWait,
            Metric::RssAfterFill,
            Metric::PeakAfterFill,
            Metric::PeakAtEnd,
            Metric::Disk,
            Metric::Checkpoint,
            Metric::Reopen,
        ]);
        rows
    }

    /// The row's label; `keys` names the segments' key ranges.
    pub fn label(self, keys: u64) -> String {
        match self {
            Metric::Segment(s) => {
                let start = keys * s as u64 / SEGMENTS as u64;
                let end = keys * (s as u64 + 1) / SEGMENTS as u64;
                format!("puts/s {}-{}", count_label(start), count_label(end))
            }
            Metric::Fill => "puts/s whole fill".into(),
            Metric::Put(p) => format!("put {}", p.name()),
            Metric::PutsOver10ms => "puts > 10 ms".into(),
            Metric::PutsOver50ms => "puts > 50 ms".into(),
            Metric::GetsPerSec => "gets/s during fill".into(),
            Metric::Get(p) => format!("get {}", p.name()),
            Metric::LongestReaderWait => "longest reader wait".into(),
            Metric::RssAfterFill => "VmRSS after fill".into(),
            Metric::PeakAfterFill => "VmHWM after fill".into(),
            Metric::PeakAtEnd => "VmHWM at end".into(),
            Metric::Disk => "disk (file sizes)".into(),
            Metric::Checkpoint => "checkpoint".into(),
            Metric::Reopen => "reopen (close+open+get)".into(),
        }
    }

    /// The unit of the row's numbers.
    pub fn unit(self) -> Unit {
        match self {
            Metric::Segment(_) | Metric::Fill | Metric::GetsPerSec => Unit::Rate,
            Metric::Put(_) | Metric::Get(_) | Metric::LongestReaderWait => Unit::Nanos,
            Metric::PutsOver10ms | Metric::PutsOver50ms => Unit::Count,
            Metric::RssAfterFill | Metric::PeakAfterFill | Metric::PeakAtEnd | Metric::Disk => Unit::Bytes,
            Metric::Checkpoint | Metric::Reopen => Unit::Secs,
        }
    }

    /// True when a larger number is better (rates only).
    pub fn higher_is_better(self) -> bool {
        self.unit() == Unit::Rate
    }

    /// This row's figure in `f`, if the engine has one.
    pub fn figure(self, f: &ScaleFigures) -> Option<&Figure> {
        match self {
            Metric::Segment(s) => f.segment_puts_per_sec.get(s),
            Metric::Fill => Some(&f.fill_puts_per_sec),
            Metric::Put(p) => Some(p.of(&f.put_latency_ns)),
            Metric::PutsOver10ms => Some(&f.puts_over_10ms),
            Metric::PutsOver50ms => Some(&f.puts_over_50ms),
            Metric::GetsPerSec => Some(&f.gets_per_sec),
            Metric::Get(p) => Some(p.of(&f.get_latency_ns)),
            Metric::LongestReaderWait => Some(&f.longest_reader_wait_ns),
            Metric::RssAfterFill => f.rss_after_fill_bytes.as_ref(),
            Metric::PeakAfterFill => f.peak_rss_after_fill_bytes.as_ref(),
            Metric::PeakAtEnd => f.peak_rss_end_bytes.as_ref(),
            Metric::Disk => f.disk_bytes.as_ref(),
            Metric::Checkpoint => f.checkpoint_secs.as_ref(),
            Metric::Reopen => f.reopen_secs.as_ref(),
        }
    }
}

/// `1M`, `500K`, `1.5M`, `750`: a key count for a row label.
fn count_label(n: u64) -> String {
    let (div, suffix) = if n >= 1_000_000 && n.is_multiple_of(100_000) {
        (1_000_000.0, "M")
    } else if n >= 1_000 && n.is_multiple_of(100) {
        (1_000.0, "K")
    } else {
        (1.0, "")
    };
    let x = n as f64 / div;
    if x.fract() == 0.0 {
        format!("{x:.0}{suffix}")
    } else {
        format!("{x:.1}{suffix}")
    }
}

/// Builds the scale summary from every scale child's outcome (`Err` = failed run).
pub fn summarize(
    engines: &[Engine],
    keys: u64,
    runs: usize,
    outcomes: &[(Engine, Result<ChildReport, String>)],
) -> ScaleSummary {
    let mut summaries = BTreeMap::new();
    for &engine in engines {
        let mine: Vec<&Result<ChildReport, String>> =
            outcomes.iter().filter(|(e, _)| *e == engine).map(|(_, r)| r).collect();
        let mut errors: Vec<String> = mine.iter().filter_map(|r| r.as_ref().err().cloned()).collect();
        let reports: Vec<&ScaleReport> =
            mine.iter().filter_map(|r| r.as_ref().ok()).filter_map(|r| r.scale.as_ref()).collect();
        let missing = mine.iter().filter(|r| matches!(r, Ok(c) if c.scale.is_none())).count();
        if missing > 0 {
            errors.push(format!("{missing} run(s) reported no scale figures"));
        }
        summaries.insert(
            engine.name().to_string(),
            ScaleEngineSummary {
                persistent: engine.persistent(),
                settings: engine.settings(),
                checkpoint_means: engine.checkpoint_means(),
                version: engine.version(),
                figures: figures(&reports),
                errors,
            },
        );
    }
    let rows = Metric::all();
    let ratios = ratios(engines, &summaries, &rows, keys);
    ScaleSummary {
        keys,
        runs,
        segment_keys: (0..SEGMENTS)
            .map(|s| keys * (s as u64 + 1) / SEGMENTS as u64 - keys * s as u64 / SEGMENTS as u64)
            .collect(),
        engine_order: engines.iter().map(|e| e.name().to_string()).collect(),
        row_order: rows.iter().map(|m| m.label(keys)).collect(),
        engines: summaries,
        ratios,
    }
}

/// The medians and spreads over `reports` (none if there are none).
fn figures(reports: &[&ScaleReport]) -> Option<ScaleFigures> {
    if reports.is_empty() {
        return None;
    }
    let of = |get: &dyn Fn(&ScaleReport) -> f64| Figure::of(reports.iter().map(|r| get(r)).collect());
    let some = |get: &dyn Fn(&ScaleReport) -> Option<f64>| {
        let samples: Vec<f64> = reports.iter().filter_map(|r| get(r)).collect();
        (!samples.is_empty()).then(|| Figure::of(samples))
    };
    let pcts = |get: &dyn Fn(&ScaleReport) -> &LatencySummary| Percentiles {
        p50: of(&|r| get(r).p50_ns as f64),
        p99: of(&|r| get(r).p99_ns as f64),
        p99_9: of(&|r| get(r).p99_9_ns as f64),
        p99_99: of(&|r| get(r).p99_99_ns as f64),
        max: of(&|r| get(r).max_ns as f64),
    };
    Some(ScaleFigures {
        segment_puts_per_sec: (0..SEGMENTS)
            .map(|s| of(&|r| r.segment_rates().get(s).copied().unwrap_or(0.0)))
            .collect(),
        fill_puts_per_sec: of(&|r| r.fill_rate()),
        put_latency_ns: pcts(&|r| &r.put),
        puts_over_10ms: of(&|r| r.put.over_10ms as f64),
        puts_over_50ms: of(&|r| r.put.over_50ms as f64),
        gets: of(&|r| r.get.count as f64),
        gets_per_sec: of(&|r| r.gets_per_sec),
        get_latency_ns: pcts(&|r| &r.get),
        gets_over_10ms: of(&|r| r.get.over_10ms as f64),
        gets_over_50ms: of(&|r| r.get.over_50ms as f64),
        longest_reader_wait_ns: of(&|r| r.longest_reader_wait_ns as f64),
        rss_after_fill_bytes: some(&|r| r.rss_after_fill_bytes.map(|b| b as f64)),
        peak_rss_after_fill_bytes: some(&|r| r.peak_rss_after_fill_bytes.map(|b| b as f64)),
        peak_rss_end_bytes: some(&|r| r.peak_rss_end_bytes.map(|b| b as f64)),
        disk_bytes: some(&|r| r.disk_bytes.map(|b| b as f64)),
        checkpoint_secs: some(&|r| r.checkpoint_secs),
        close_secs: of(&|r| r.close_secs),
        open_secs: some(&|r| r.open_secs),
        first_get_secs: some(&|r| r.first_get_secs),
        reopen_secs: some(&|r| r.reopen_secs),
    })
}

fn ratios(
    order: &[Engine],
    engines: &BTreeMap<String, ScaleEngineSummary>,
    rows: &[Metric],
    keys: u64,
) -> Vec<ScaleRatio> {
    let median = |name: &str, m: Metric| -> Option<f64> {
        engines.get(name)?.figures.as_ref().and_then(|f| m.figure(f)).map(|f| f.median)
    };
    let mut out = Vec::new();
    for &m in rows {
        let Some(scalodb) = median(SCALODB, m) else {
            continue;
        };
        let peers = order
            .iter()
            .filter(|e| e.persistent() && !e.is_scalodb())
            .filter_map(|e| median(e.name(), m).map(|x| (e.name(), x)));
        let best = if m.higher_is_better() {
            peers.max_by(|a, b| a.1.total_cmp(&b.1))
        } else {
            peers.min_by(|a, b| a.1.total_cmp(&b.1))
        };
        let divide = |x: f64| (x > 0.0).then(|| scalodb / x);
        out.push(ScaleRatio {
            row: m.label(keys),
            higher_is_better: m.higher_is_better(),
            scalodb,
            best_peer: best.map(|(name, _)| name.to_string()),
            best_peer_median: best.map(|(_, x)| x),
            vs_best_peer: best.and_then(|(_, x)| divide(x)),
            vs_btreemap: median(Engine::BTreeMap.name(), m).and_then(divide),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_key_ranges() {
        assert_eq!(Metric::Segment(0).label(10_000_000), "puts/s 0-1M");
        assert_eq!(Metric::Segment(9).label(10_000_000), "puts/s 9M-10M");
        assert_eq!(Metric::Segment(2).label(500_000), "puts/s 100K-150K");
        assert_eq!(Metric::Segment(1).label(15_000_000), "puts/s 1.5M-3M");
        assert_eq!(Metric::Segment(0).label(1_005), "puts/s 0-100");
        assert_eq!(Metric::all().len(), SEGMENTS + 1 + 5 + 3 + 5 + 7);
    }

    fn report(put_p99: u64, rate_secs: f64) -> ScaleReport {
        ScaleReport {
            keys: 1_000,
            segment_keys: vec![100; SEGMENTS],
            segment_secs: vec![rate_secs; SEGMENTS],
            fill_secs: rate_secs * SEGMENTS as f64,
            put: LatencySummary { count: 1_000, p99_ns: put_p99, max_ns: put_p99, ..Default::default() },
            get: LatencySummary::default(),
            gets_per_sec: 0.0,
            longest_reader_wait_ns: 0,
            rss_after_fill_bytes: Some(1),
            peak_rss_after_fill_bytes: Some(1),
            peak_rss_end_bytes: Some(1),
            checkpoint_secs: None,
            close_secs: 0.0,
            disk_bytes: None,
            open_secs: None,
            first_get_secs: None,
            reopen_secs: None,
        }
    }

    fn child(r: ScaleReport) -> Result<ChildReport, String> {
        Ok(ChildReport {
            engine: String::new(),
            measurements: Vec::new(),
            peak_rss_bytes: None,
            fill_peak_rss_bytes: None,
            disk_bytes: None,
            disk_allocated_bytes: None,
            scale: Some(r),
        })
    }

    #[test]
    fn best_peer_depends_on_direction() {
        let outcomes = vec![
            (Engine::ScaloDb, child(report(2_000, 0.001))),
            (Engine::Lmdb, child(report(1_000, 0.002))),
            (Engine::Sled, child(report(4_000, 0.004))),
        ];
        let s = summarize(&[Engine::ScaloDb, Engine::Lmdb, Engine::Sled], 1_000, 1, &outcomes);
        let row = |label: &str| s.ratios.iter().find(|r| r.row == label).unwrap();
        let p99 = row("put p99");
        assert_eq!((p99.best_peer.as_deref(), p99.vs_best_peer), (Some("lmdb"), Some(2.0)));
        let fill = row("puts/s whole fill");
        assert_eq!(fill.best_peer.as_deref(), Some("lmdb"));
        assert!((fill.vs_best_peer.unwrap() - 2.0).abs() < 1e-9);
        assert!(s.ratios.iter().all(|r| r.row != "checkpoint"));
    }
}
