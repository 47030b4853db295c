//! The charts render: each SVG from a fixture result file is rasterised with resvg to a PNG of
//! the chart's size that is not blank (several colours, a good share of non-white pixels, and
//! the engines' colours present), and a result file without a scale section gets only the
//! throughput chart.

use std::path::PathBuf;

fn fixture() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Rasterises `svg` and checks the picture; returns the PNG bytes.
fn check_renders(svg: &str, what: &str) -> Vec<u8> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).unwrap();
    let size = tree.size().to_int_size();
    assert_eq!((size.width(), size.height()), (1100, 560), "{what}");
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png = pixmap.encode_png().unwrap();
    assert!(png.len() > 5_000, "{what}: a {}-byte PNG is too small to hold a chart", png.len());
    let pixels: Vec<[u8; 4]> = pixmap.pixels().iter().map(|p| [p.red(), p.green(), p.blue(), p.alpha()]).collect();
    let mut colours: Vec<[u8; 4]> = pixels.clone();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 3, "{what}: only {} colours", colours.len());
    let background = pixels.iter().filter(|p| **p == [255, 255, 255, 255]).count();
    let drawn = pixels.len() - background;
    assert!(drawn > pixels.len() / 50, "{what}: only {drawn} of {} pixels drawn", pixels.len());
    // ScaloDB's red and LMDB's blue (the first two engines) are on the chart.
    for (name, rgb) in [("scalodb", [214, 39, 40]), ("lmdb", [31, 119, 180])] {
        let n = pixels.iter().filter(|p| p[..3] == rgb && p[3] == 255).count();
        assert!(n > 50, "{what}: {name}'s colour has {n} pixels");
    }
    png
}

#[test]
fn throughput_and_fill_latency_charts_render_to_non_blank_pngs() {
    let doc = fixture();
    let svg = scalodb_bench_charts::throughput_svg(&doc).unwrap().expect("the fixture has throughput rows");
    assert!(svg.contains("fill/1") && svg.contains("fjall"), "row and engine labels are in the SVG");
    assert!(!svg.contains("btreemap"), "baselines are not peers");
    check_renders(&svg, "throughput");
    let cdf = scalodb_bench_charts::fill_cdf_svg(&doc).unwrap().expect("the fixture has a scale section");
    assert!(cdf.contains("p99.99"));
    check_renders(&cdf, "fill latency");
}

#[test]
fn render_beside_writes_the_svgs_next_to_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = fixture();
    let with_scale = dir.path().join("run.json");
    std::fs::write(&with_scale, doc.to_string()).unwrap();
    let written = scalodb_bench_charts::render_beside(&with_scale).unwrap();
    assert_eq!(written, [dir.path().join("run-throughput.svg"), dir.path().join("run-fill-latency.svg")]);
    doc.as_object_mut().unwrap().remove("scale");
    let without = dir.path().join("plain.json");
    std::fs::write(&without, doc.to_string()).unwrap();
    assert_eq!(scalodb_bench_charts::render_beside(&without).unwrap(), [dir.path().join("plain-throughput.svg")]);
    // A run of the scale workload alone has no throughput rows: only its latency chart.
    let mut scale_only = fixture();
    scale_only.as_object_mut().unwrap().remove("engines");
    let scale = dir.path().join("scale.json");
    std::fs::write(&scale, scale_only.to_string()).unwrap();
    assert_eq!(scalodb_bench_charts::render_beside(&scale).unwrap(), [dir.path().join("scale-fill-latency.svg")]);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    assert!(scalodb_bench_charts::render_beside(&bad).is_err());
}
