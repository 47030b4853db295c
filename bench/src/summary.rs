//! Aggregates the child reports of all runs into medians with their spread,
//! ScaloDB's ratios to its peers, and the JSON document written to disk (the
//! scale workload's part is built by `scale_summary.rs`).

use crate::child::ChildReport;
use crate::data::{KEY_LEN, VALUE_LEN};
use crate::engines::{Engine, SCALODB};
use crate::machine::Machine;
use crate::scale_summary::ScaleSummary;
use crate::workload::{row_key, Workload};
use serde::Serialize;
use std::collections::BTreeMap;

/// Median and spread of one figure over the runs.
#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    /// Median of the samples.
    pub median: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Every sample, in run order.
    pub samples: Vec<f64>,
    /// Fsyncs the engine reported (median over runs), when it counts them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsyncs: Option<u64>,
    /// Checksum of the bytes read (read and scan only), equal for all engines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<u64>,
}

impl Figure {
    /// Summarises `samples` (at least one).
    pub fn of(samples: Vec<f64>) -> Self {
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        Figure { median, min: sorted[0], max: sorted[n - 1], samples, fsyncs: None, checksum: None }
    }
}

/// Everything measured for one engine.
#[derive(Debug, Serialize)]
pub struct EngineSummary {
    /// Whether the engine persists data (baselines do not).
    pub persistent: bool,
    /// How the engine was configured.
    pub settings: &'static str,
    /// Version of the crate under test.
    pub version: &'static str,
    /// Throughput per `workload/threads`.
    pub workloads: BTreeMap<String, Figure>,
    /// Largest VmHWM over the runs.
    pub peak_rss_bytes: Option<u64>,
    /// Largest VmHWM right after the 1-thread fill (the N keys loaded).
    pub fill_peak_rss_bytes: Option<u64>,
    /// Median sum of the file sizes of the N-key store.
    pub disk_bytes: Option<u64>,
    /// Median of the blocks allocated to those files, in bytes.
    pub disk_allocated_bytes: Option<u64>,
    /// Peak RSS after the fill divided by the raw bytes of keys and values.
    pub rss_per_raw_byte: Option<f64>,
    /// Failed runs, with the reason.
    pub errors: Vec<String>,
}

/// ScaloDB against its peers on one row of the table.
#[derive(Debug, Serialize)]
pub struct Ratio {
    /// The workload.
    pub workload: Workload,
    /// Threads.
    pub threads: usize,
    /// ScaloDB's median.
    pub scalodb: f64,
    /// The persistent peer with the highest median.
    pub best_peer: Option<String>,
    /// That peer's median.
    pub best_peer_median: Option<f64>,
    /// ScaloDB's median divided by the best peer's.
    pub vs_best_peer: Option<f64>,
    /// ScaloDB's median divided by the BTreeMap baseline's (fill only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vs_btreemap: Option<f64>,
}

/// The whole result document, written as `results/latest.json`.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Where it ran.
    pub machine: Machine,
    /// When it ran (UTC).
    pub date: String,
    /// Keys in the main store (N).
    pub keys: u64,
    /// Runs per engine; each figure is the median of these.
    pub runs: usize,
    /// Puts per durable run.
    pub durable_ops: u64,
    /// Prefix scans per scan run.
    pub scans: u64,
    /// Key length in bytes.
    pub key_bytes: usize,
    /// Value length in bytes.
    pub value_bytes: usize,
    /// N * (key + value bytes).
    pub raw_bytes: u64,
    /// Engines in column order.
    pub engine_order: Vec<String>,
    /// Rows in table order (`workload/threads`).
    pub row_order: Vec<String>,
    /// Per-engine results, keyed by engine name.
    pub engines: BTreeMap<String, EngineSummary>,
    /// ScaloDB against its peers, one entry per row.
    pub ratios: Vec<Ratio>,
    /// The scale workload, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<ScaleSummary>,
}

/// Settings under which the summary is built.
pub struct SummaryInput<'a> {
    /// Engines in column order.
    pub engines: &'a [Engine],
    /// Selected workloads.
    pub workloads: &'a [Workload],
    /// Keys (N).
    pub keys: u64,
    /// Runs.
    pub runs: usize,
    /// Puts per durable run.
    pub durable_ops: u64,
    /// Scans per scan run.
    pub scans: u64,
    /// Engines of the scale workload (empty: it did not run).
    pub scale_engines: &'a [Engine],
    /// Keys of the scale workload.
    pub scale_keys: u64,
    /// Runs of the scale workload.
    pub scale_runs: usize,
}

/// Builds the summary from every child's outcome (`Err` = failed run): the
/// children of the other workloads, then those of the scale workload.
pub fn summarize(
    input: &SummaryInput<'_>,
    outcomes: &[(Engine, Result<ChildReport, String>)],
    scale_outcomes: &[(Engine, Result<ChildReport, String>)],
) -> Summary {
    let raw_bytes = input.keys * (KEY_LEN + VALUE_LEN) as u64;
    let mut rows = Vec::new();
    for w in Workload::ALL.iter().filter(|w| input.workloads.contains(w)) {
        for &t in w.thread_counts() {
            rows.push((*w, t));
        }
    }
    // Without any of the other workloads (`--workloads scale`), their tables stay empty.
    let order: Vec<Engine> = if rows.is_empty() { Vec::new() } else { input.engines.to_vec() };

    let mut engines = BTreeMap::new();
    for &engine in &order {
        let mine: Vec<&Result<ChildReport, String>> =
            outcomes.iter().filter(|(e, _)| *e == engine).map(|(_, r)| r).collect();
        let reports: Vec<&ChildReport> = mine.iter().filter_map(|r| r.as_ref().ok()).collect();
        let errors = mine.iter().filter_map(|r| r.as_ref().err().cloned()).collect();
        let mut workloads = BTreeMap::new();
        for &(w, t) in &rows {
            let runs: Vec<_> = reports
                .iter()
                .filter_map(|r| r.measurements.iter().find(|m| m.workload == w && m.threads == t))
                .collect();
            if runs.is_empty() {
                continue;
            }
            let mut figure = Figure::of(runs.iter().map(|m| m.ops_per_sec()).collect());
            figure.fsyncs = median_u64(runs.iter().filter_map(|m| m.fsyncs).collect());
            if matches!(w, Workload::Read | Workload::Scan) {
                figure.checksum = runs.first().map(|m| m.checksum);
            }
            workloads.insert(row_key(w, t), figure);
        }
        let peak_rss_bytes = reports.iter().filter_map(|r| r.peak_rss_bytes).max();
        let fill_peak_rss_bytes = reports.iter().filter_map(|r| r.fill_peak_rss_bytes).max();
        let disk_bytes = median_u64(reports.iter().filter_map(|r| r.disk_bytes).collect());
        let disk_allocated_bytes = median_u64(reports.iter().filter_map(|r| r.disk_allocated_bytes).collect());
        engines.insert(
            engine.name().to_string(),
            EngineSummary {
                persistent: engine.persistent(),
                settings: engine.settings(),
                version: engine.version(),
                workloads,
                peak_rss_bytes,
                fill_peak_rss_bytes,
                disk_bytes,
                disk_allocated_bytes,
                rss_per_raw_byte: fill_peak_rss_bytes.map(|b| b as f64 / raw_bytes as f64),
                errors,
            },
        );
    }

    check_checksums(&mut engines, &rows);
    let ratios = ratios(&order, &engines, &rows);
    let scale = (!input.scale_engines.is_empty()).then(|| {
        crate::scale_summary::summarize(input.scale_engines, input.scale_keys, input.scale_runs, scale_outcomes)
    });
    Summary {
        machine: Machine::detect(),
        date: crate::machine::utc_now(),
        keys: input.keys,
        runs: input.runs,
        durable_ops: input.durable_ops,
        scans: input.scans,
        key_bytes: KEY_LEN,
        value_bytes: VALUE_LEN,
        raw_bytes,
        engine_order: order.iter().map(|e| e.name().to_string()).collect(),
        row_order: rows.iter().map(|&(w, t)| row_key(w, t)).collect(),
        engines,
        ratios,
        scale,
    }
}

/// The median (upper middle for an even count) of `values`, if any.
fn median_u64(mut values: Vec<u64>) -> Option<u64> {
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}

/// Every engine must have read the same bytes in read and scan: flags the
/// engines whose checksum differs from the one most engines agree on.
fn check_checksums(engines: &mut BTreeMap<String, EngineSummary>, rows: &[(Workload, usize)]) {
    for &(w, t) in rows {
        let row = row_key(w, t);
        let sums: Vec<(String, u64)> =
            engines.iter().filter_map(|(name, e)| Some((name.clone(), e.workloads.get(&row)?.checksum?))).collect();
        let Some(common) =
            sums.iter().map(|(_, sum)| *sum).max_by_key(|sum| sums.iter().filter(|(_, s)| s == sum).count())
        else {
            continue;
        };
        for (name, sum) in sums.iter().filter(|(_, sum)| *sum != common) {
            if let Some(e) = engines.get_mut(name) {
                e.errors.push(format!("{row}: read checksum {sum:#x} differs from the other engines' {common:#x}"));
            }
        }
    }
}

fn ratios(order: &[Engine], engines: &BTreeMap<String, EngineSummary>, rows: &[(Workload, usize)]) -> Vec<Ratio> {
    let median = |name: &str, row: &str| -> Option<f64> { engines.get(name)?.workloads.get(row).map(|f| f.median) };
    let mut out = Vec::new();
    for &(w, t) in rows {
        let row = row_key(w, t);
        let Some(scalodb) = median(SCALODB, &row) else {
            continue;
        };
        let best = order
            .iter()
            .filter(|e| e.persistent() && !e.is_scalodb())
            .filter_map(|e| median(e.name(), &row).map(|m| (e.name(), m)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let vs_btreemap =
            if w == Workload::Fill { median(Engine::BTreeMap.name(), &row).map(|b| scalodb / b) } else { None };
        out.push(Ratio {
            workload: w,
            threads: t,
            scalodb,
            best_peer: best.map(|(name, _)| name.to_string()),
            best_peer_median: best.map(|(_, m)| m),
            vs_best_peer: best.map(|(_, m)| scalodb / m),
            vs_btreemap,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread() {
        let f = Figure::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((f.median, f.min, f.max), (2.0, 1.0, 3.0));
        let f = Figure::of(vec![4.0, 1.0]);
        assert_eq!(f.median, 2.5);
        let f = Figure::of(vec![7.0]);
        assert_eq!((f.median, f.min, f.max), (7.0, 7.0, 7.0));
    }
}
