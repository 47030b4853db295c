//! Prints the scale workload's table: one row per figure and one column per
//! engine (the median and, with several runs, `(min..max)` in the same unit),
//! then the row's best persistent peer and ScaloDB's ratios to it and to the
//! BTreeMap baseline.

use crate::engines::SCALODB;
use crate::scale_summary::{Metric, ScaleSummary, Unit};
use crate::summary::Figure;
use crate::table::{digits, grid, human, scale};
use std::fmt::Write as _;

/// Appends the scale table to `out`.
pub fn render(out: &mut String, s: &ScaleSummary) {
    let _ = writeln!(
        out,
        "\nScale: random fill of {} keys by 1 writer while 1 reader gets keys already written; \
         median of {} run(s), (min..max) in the same unit",
        s.keys, s.runs
    );
    let _ = writeln!(
        out,
        "best peer: the persistent peer with the highest rate, or the lowest latency, count, memory or time; \
         ratio = {SCALODB} / that peer"
    );
    let mut header = vec!["figure".to_string()];
    header.extend(s.engine_order.iter().cloned());
    header.extend(["best peer".to_string(), "ratio".to_string(), "vs btreemap".to_string()]);
    let mut rows = vec![header];
    for metric in Metric::all() {
        let label = metric.label(s.keys);
        let mut cells = vec![label.clone()];
        for name in &s.engine_order {
            let figure = s.engines.get(name).and_then(|e| e.figures.as_ref()).and_then(|f| metric.figure(f));
            cells.push(figure.map_or_else(|| "-".to_string(), |f| cell(f, metric.unit(), s.runs > 1)));
        }
        let ratio = s.ratios.iter().find(|r| r.row == label);
        let peer = ratio
            .and_then(|r| Some(format!("{} {}", r.best_peer.as_ref()?, number(metric.unit(), r.best_peer_median?))));
        cells.push(peer.unwrap_or_else(|| "-".to_string()));
        cells.push(ratio.and_then(|r| r.vs_best_peer).map_or("-".to_string(), |x| format!("{x:.2}x")));
        cells.push(ratio.and_then(|r| r.vs_btreemap).map_or("-".to_string(), |x| format!("{x:.2}x")));
        rows.push(cells);
    }
    grid(out, &rows);
    for name in &s.engine_order {
        if let Some(e) = s.engines.get(name) {
            let _ = writeln!(out, "checkpoint of {name}: {}", e.checkpoint_means);
        }
    }
    for name in &s.engine_order {
        if let Some(e) = s.engines.get(name) {
            for error in &e.errors {
                let _ = writeln!(out, "ERROR {name} (scale): {error}");
            }
        }
    }
}

/// One cell: the median and, with several runs, the spread, in the unit the
/// median calls for.
fn cell(f: &Figure, unit: Unit, spread: bool) -> String {
    let (div, suffix) = unit_scale(unit, f.median);
    let show = |x: f64| if unit == Unit::Count { format!("{x:.0}") } else { digits(x / div) };
    if spread {
        format!("{}{suffix} ({}..{})", show(f.median), show(f.min), show(f.max))
    } else {
        format!("{}{suffix}", show(f.median))
    }
}

/// One number with its unit.
fn number(unit: Unit, x: f64) -> String {
    match unit {
        Unit::Rate => human(x),
        _ => cell(&Figure::of(vec![x]), unit, false),
    }
}

/// The divisor and suffix for numbers of `unit` around `x`.
fn unit_scale(unit: Unit, x: f64) -> (f64, &'static str) {
    match unit {
        Unit::Rate => scale(x),
        Unit::Count => (1.0, ""),
        Unit::Bytes => (1024.0 * 1024.0, " MiB"),
        Unit::Nanos => time_scale(x),
        Unit::Secs => {
            let (div, suffix) = time_scale(x * 1e9);
            (div / 1e9, suffix)
        }
    }
}

/// ns, us, ms or s for a duration of `ns` nanoseconds.
fn time_scale(ns: f64) -> (f64, &'static str) {
    if ns >= 1e9 {
        (1e9, " s")
    } else if ns >= 1e6 {
        (1e6, " ms")
    } else if ns >= 1e3 {
        (1e3, " us")
    } else {
        (1.0, " ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_pick_one_unit_per_cell() {
        let f = Figure::of(vec![1_250.0, 2_500.0, 980.0]);
        assert_eq!(cell(&f, Unit::Nanos, true), "1.25 us (0.98..2.50)");
        assert_eq!(cell(&Figure::of(vec![3.2]), Unit::Secs, false), "3.20 s");
        assert_eq!(cell(&Figure::of(vec![0.045]), Unit::Secs, false), "45.0 ms");
        assert_eq!(cell(&Figure::of(vec![144.0, 97.0]), Unit::Count, true), "120 (97..144)");
        assert_eq!(cell(&Figure::of(vec![220_000.0]), Unit::Rate, false), "220K");
        assert_eq!(number(Unit::Bytes, 3.0 * 1024.0 * 1024.0 * 1024.0), "3072 MiB");
    }
}
