//! Prints the summary as plain-text tables: throughput per engine, ScaloDB's
//! ratios to its peers, and memory and disk use; then the scale table
//! (`scale_table.rs`). The number formatting here is shared with it.

use crate::engines::SCALODB;
use crate::summary::{Figure, Summary};
use std::fmt::Write as _;

/// Renders the full report.
pub fn render(summary: &Summary) -> String {
    let mut out = String::new();
    if !summary.row_order.is_empty() {
        throughput(&mut out, summary);
        ratios(&mut out, summary);
        memory(&mut out, summary);
        errors(&mut out, summary);
    }
    if let Some(scale) = &summary.scale {
        crate::scale_table::render(&mut out, scale);
    }
    out
}

fn throughput(out: &mut String, s: &Summary) {
    let _ =
        writeln!(out, "\nThroughput, ops/s (scan: scans/s); median of {} run(s), (min..max) in the same unit", s.runs);
    let mut header = vec!["workload/threads".to_string()];
    header.extend(s.engine_order.iter().cloned());
    let mut rows = vec![header];
    for row in &s.row_order {
        let mut cells = vec![row.clone()];
        for name in &s.engine_order {
            let figure = s.engines.get(name).and_then(|e| e.workloads.get(row));
            cells.push(figure.map_or_else(|| "-".to_string(), |f| cell(f, s.runs > 1)));
        }
        rows.push(cells);
    }
    grid(out, &rows);
}

fn ratios(out: &mut String, s: &Summary) {
    if s.ratios.is_empty() {
        let _ = writeln!(out, "\nNo ScaloDB figures in this run: no ratios.");
        return;
    }
    let _ = writeln!(out, "\nScaloDB / best persistent peer (baselines excluded), and / btreemap for fill");
    let mut rows = vec![vec![
        "workload/threads".to_string(),
        SCALODB.to_string(),
        "best peer".to_string(),
        "ratio".to_string(),
        "vs btreemap".to_string(),
    ]];
    for r in &s.ratios {
        let peer = match (&r.best_peer, r.best_peer_median) {
            (Some(name), Some(m)) => format!("{name} {}", human(m)),
            _ => "-".to_string(),
        };
        rows.push(vec![
            format!("{}/{}", r.workload, r.threads),
            human(r.scalodb),
            peer,
            r.vs_best_peer.map_or("-".to_string(), |x| format!("{x:.2}x")),
            r.vs_btreemap.map_or("-".to_string(), |x| format!("{x:.2}x")),
        ]);
    }
    grid(out, &rows);
}

fn memory(out: &mut String, s: &Summary) {
    let _ = writeln!(
        out,
        "\nPeak RSS (VmHWM, max over runs: after the fill, and after every workload) and bytes on disk of the {}-key store; raw keys+values = {}",
        s.keys,
        mib(s.raw_bytes)
    );
    let mut rows = vec![vec![
        "engine".to_string(),
        "RSS after fill".to_string(),
        "peak RSS".to_string(),
        "disk (file sizes)".to_string(),
        "disk (allocated)".to_string(),
        "RSS after fill / raw".to_string(),
        "allocated / raw".to_string(),
    ]];
    for name in &s.engine_order {
        let Some(e) = s.engines.get(name) else {
            continue;
        };
        let raw = s.raw_bytes as f64;
        rows.push(vec![
            name.clone(),
            e.fill_peak_rss_bytes.map_or("-".to_string(), mib),
            e.peak_rss_bytes.map_or("-".to_string(), mib),
            e.disk_bytes.map_or("-".to_string(), mib),
            e.disk_allocated_bytes.map_or("-".to_string(), mib),
            e.rss_per_raw_byte.map_or("-".to_string(), |x| format!("{x:.2}x")),
            e.disk_allocated_bytes.map_or("-".to_string(), |d| format!("{:.2}x", d as f64 / raw)),
        ]);
    }
    grid(out, &rows);
    if let Some(x) = s.engines.get(SCALODB).and_then(|e| e.rss_per_raw_byte) {
        let _ = writeln!(out, "ScaloDB RSS after the fill / raw bytes: {x:.2}x");
    }
    if let Some(e) = s.engines.get(SCALODB) {
        let fsyncs: Vec<String> =
            s.row_order.iter().filter_map(|row| Some(format!("{row}: {}", e.workloads.get(row)?.fsyncs?))).collect();
        if !fsyncs.is_empty() {
            let _ = writeln!(
                out,
                "ScaloDB fsyncs per durable run of {} puts (median): {}",
                s.durable_ops,
                fsyncs.join(", ")
            );
        }
    }
}

fn errors(out: &mut String, s: &Summary) {
    for name in &s.engine_order {
        if let Some(e) = s.engines.get(name) {
            for error in &e.errors {
                let _ = writeln!(out, "ERROR {name}: {error}");
            }
        }
    }
}

/// One table cell: the median and, with several runs, the spread.
fn cell(f: &Figure, spread: bool) -> String {
    let (div, suffix) = scale(f.median);
    if spread {
        format!("{}{suffix} ({}..{})", digits(f.median / div), digits(f.min / div), digits(f.max / div))
    } else {
        format!("{}{suffix}", digits(f.median / div))
    }
}

/// A throughput with a K or M suffix.
pub(crate) fn human(x: f64) -> String {
    let (div, suffix) = scale(x);
    format!("{}{suffix}", digits(x / div))
}

/// The divisor and suffix (K, M) that `human` uses for `x`.
pub(crate) fn scale(x: f64) -> (f64, &'static str) {
    if x >= 1e6 {
        (1e6, "M")
    } else if x >= 1e3 {
        (1e3, "K")
    } else {
        (1.0, "")
    }
}

/// Three significant digits for numbers below 1000.
pub(crate) fn digits(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

pub(crate) fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Writes `rows` as aligned columns: first column left-aligned, others right.
pub(crate) fn grid(out: &mut String, rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, text) in row.iter().enumerate() {
            if c == 0 {
                let _ = write!(line, "{text:<w$}", w = widths[c]);
            } else {
                let _ = write!(line, "  {text:>w$}", w = widths[c]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_use_one_unit() {
        let f = Figure::of(vec![1_200_000.0, 1_234_000.0, 1_250_000.0]);
        assert_eq!(cell(&f, true), "1.23M (1.20..1.25)");
        assert_eq!(cell(&f, false), "1.23M");
        assert_eq!(human(45_678.0), "45.7K");
        assert_eq!(human(512.0), "512");
    }
}
