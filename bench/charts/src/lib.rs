//! SVG charts of the benchmark's results, drawn from the JSON `scalodb-bench` writes (so any saved
//! run can be charted again without running anything): throughput per workload as a ratio to the
//! best persistent peer of the same row, and the latency distribution of the scale workload's
//! 10M-key fill per engine, from the percentiles the JSON keeps (p50 to max).
//!
//! The JSON is read loosely (`serde_json::Value`), so this crate does not depend on the bench's
//! own types and older result files still chart. Text is left to the SVG viewer (plotters' SVG
//! backend writes `<text>` elements; no font is needed to build or draw).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::Value;

/// One colour per engine, in `engine_order`; ScaloDB first.
const COLOURS: [RGBColor; 9] = [
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(23, 190, 207),
];

const SIZE: (u32, u32) = (1100, 560);

type Res<T> = Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn colour(i: usize) -> RGBColor {
    COLOURS[i % COLOURS.len()]
}

/// One bar: (row index, engine index, ratio to the row's best persistent peer).
type Bar = (usize, usize, f64);

/// The rows, the persistent engines, and a bar for every engine with a median in a row that has
/// a best peer.
fn throughput_ratios(doc: &Value) -> (Vec<String>, Vec<String>, Vec<Bar>) {
    let rows = names(&doc["row_order"]);
    let engines: Vec<String> = names(&doc["engine_order"])
        .into_iter()
        .filter(|e| doc["engines"][e]["persistent"].as_bool() == Some(true))
        .collect();
    let mut bars = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let best = doc["ratios"].as_array().and_then(|a| {
            a.iter().find(|x| format!("{}/{}", x["workload"].as_str().unwrap_or(""), x["threads"]) == *row)
        });
        let Some(best) = best.and_then(|b| b["best_peer_median"].as_f64()).filter(|b| *b > 0.0) else { continue };
        for (e, engine) in engines.iter().enumerate() {
            if let Some(m) = doc["engines"][engine]["workloads"][row]["median"].as_f64() {
                bars.push((r, e, m / best));
            }
        }
    }
    (rows, engines, bars)
}

fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, entries: &[String]) -> Res<()> {
    for (i, name) in entries.iter().enumerate() {
        let (x, y) = (90 + (i as i32 % 8) * 120, 8 + (i as i32 / 8) * 18);
        area.draw(&Rectangle::new([(x, y), (x + 12, y + 12)], colour(i).filled())).map_err(err)?;
        area.draw(&Text::new(name.clone(), (x + 16, y), ("sans-serif", 14))).map_err(err)?;
    }
    Ok(())
}

/// Grouped bars: one group per workload row, one bar per persistent engine, height = the
/// engine's median over the best persistent peer's (ScaloDB above 1 wins the row). `None`
/// when the results hold no such row (a run of the scale workload alone).
pub fn throughput_svg(doc: &Value) -> Res<Option<String>> {
    let (rows, engines, bars) = throughput_ratios(doc);
    if bars.is_empty() {
        return Ok(None);
    }
    let top = bars.iter().map(|b| b.2).fold(1.0f64, f64::max) * 1.15;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let keys = doc["keys"].as_u64().unwrap_or(0);
        let title = format!("Throughput / best persistent peer of the row ({keys} keys, medians)");
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(20)
            .margin_top(60)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5f64..rows.len() as f64 - 0.5, 0f64..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .y_desc("ratio to the best peer")
            .y_label_formatter(&|y| format!("{y:.1}x"))
            .draw()
            .map_err(err)?;
        let width = 0.8 / engines.len().max(1) as f64;
        chart
            .draw_series(bars.iter().map(|&(r, e, ratio)| {
                let x0 = r as f64 - 0.4 + e as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width * 0.9, ratio)], colour(e).filled())
            }))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new([(-0.5, 1.0), (rows.len() as f64 - 0.5, 1.0)], BLACK.stroke_width(1)))
            .map_err(err)?;
        for (r, row) in rows.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(r as f64, 0.0));
            root.draw(&Text::new(row.clone(), (px - 4 * row.len() as i32, py + 10), ("sans-serif", 14)))
                .map_err(err)?;
        }
        legend(&root, &engines)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// The fill latency points of one engine's scale figures: (µs, nines), nines = -log10(1 - q),
/// max at 5.
fn cdf_points(figures: &Value) -> Vec<(f64, f64)> {
    let p = &figures["put_latency_ns"];
    [("p50", 0.5f64), ("p99", 0.99), ("p99.9", 0.999), ("p99.99", 0.9999), ("max", 0.99999)]
        .iter()
        .filter_map(|(name, q)| p[name]["median"].as_f64().map(|ns| ((ns / 1000.0).max(0.01), -(1.0 - q).log10())))
        .collect()
}

/// The put latency distribution of the scale workload (the 10M-key fill) per engine, with the
/// percentile on a "nines" axis so that the tail is as readable as the median. `None` when
/// the JSON has no scale section.
pub fn fill_cdf_svg(doc: &Value) -> Res<Option<String>> {
    let scale = &doc["scale"];
    if scale.is_null() {
        return Ok(None);
    }
    let engines = names(&scale["engine_order"]);
    let series: Vec<(String, Vec<(f64, f64)>)> = engines
        .iter()
        .map(|e| (e.clone(), cdf_points(&scale["engines"][e])))
        .filter(|(_, pts)| !pts.is_empty())
        .collect();
    if series.is_empty() {
        return Err("the scale section has no put latency percentiles".into());
    }
    let lo = series.iter().flat_map(|s| s.1.iter().map(|p| p.0)).fold(f64::MAX, f64::min) / 2.0;
    let hi = series.iter().flat_map(|s| s.1.iter().map(|p| p.0)).fold(0.0, f64::max) * 2.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let keys = scale["keys"].as_u64().unwrap_or(0);
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("Put latency while filling {keys} keys (percentiles, log scale)"), ("sans-serif", 20))
            .margin(20)
            .margin_top(60)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((lo..hi).log_scale(), 0f64..5.3)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("latency (µs)")
            .y_desc("percentile")
            // The percentiles are not at round values of the axis: labelled by hand below.
            .y_label_formatter(&|_| String::new())
            .draw()
            .map_err(err)?;
        for (label, q) in [("p50", 0.5f64), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999), ("p99.99", 0.9999)] {
            let (px, py) = chart.backend_coord(&(lo, -(1.0 - q).log10()));
            root.draw(&Text::new(label, (px - 50, py - 6), ("sans-serif", 13))).map_err(err)?;
        }
        let (px, py) = chart.backend_coord(&(lo, 5.0));
        root.draw(&Text::new("max", (px - 50, py - 6), ("sans-serif", 13))).map_err(err)?;
        for (i, (_, pts)) in series.iter().enumerate() {
            let c = colour(engines.iter().position(|e| *e == series[i].0).unwrap_or(i));
            chart.draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(3))).map_err(err)?;
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled()))).map_err(err)?;
        }
        let names: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
        legend(&root, &names)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// Writes the charts of the results in `json` beside it (`NAME-throughput.svg` when it has
/// throughput rows, `NAME-fill-latency.svg` when it has a scale section). Returns the files
/// written; results with neither are an error.
pub fn render_beside(json: &Path) -> Res<Vec<PathBuf>> {
    let text = std::fs::read_to_string(json).map_err(|e| format!("reading {}: {e}", json.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", json.display()))?;
    let stem = json.file_stem().and_then(|s| s.to_str()).unwrap_or("results");
    let dir = json.parent().unwrap_or(Path::new("."));
    let mut written = Vec::new();
    let mut write = |name: String, svg: String| -> Res<()> {
        let path = dir.join(name);
        std::fs::write(&path, svg).map_err(|e| format!("writing {}: {e}", path.display()))?;
        written.push(path);
        Ok(())
    };
    if let Some(svg) = throughput_svg(&doc)? {
        write(format!("{stem}-throughput.svg"), svg)?;
    }
    if let Some(svg) = fill_cdf_svg(&doc)? {
        write(format!("{stem}-fill-latency.svg"), svg)?;
    }
    if written.is_empty() {
        return Err("nothing to chart: no throughput rows with a best peer and no scale section".into());
    }
    Ok(written)
}
