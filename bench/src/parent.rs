//! The parent process: runs every engine once per run, each in a fresh child
//! process with its own temporary data directory, then the scale workload the
//! same way (a child per engine and run, after all the others, so that the
//! short workloads report first), then summarises, prints the tables and
//! writes the JSON file.

use crate::child::ChildReport;
use crate::cli::Settings;
use crate::engines::Engine;
use crate::runner::SCANS;
use crate::summary::{summarize, SummaryInput};
use crate::workload::Workload;
use crate::BoxResult;
use std::process::{Command, Stdio};

/// Runs the whole benchmark.
pub fn run(settings: &Settings) -> BoxResult<()> {
    let names: Vec<&str> = settings.engines.iter().map(|e| e.name()).collect();
    let normal: Vec<Workload> = settings.workloads.iter().copied().filter(|w| *w != Workload::Scale).collect();
    let workloads: Vec<&str> = normal.iter().map(|w| w.name()).collect();
    let scale_names: Vec<&str> = settings.scale_engines.iter().map(|e| e.name()).collect();
    if !normal.is_empty() {
        eprintln!(
            "scalodb-bench: N={} runs={} durable_ops={} engines={} workloads={}",
            settings.keys,
            settings.runs,
            settings.durable_ops,
            names.join(","),
            workloads.join(",")
        );
    }
    if !scale_names.is_empty() {
        eprintln!(
            "scalodb-bench: scale: keys={} runs={} engines={}",
            settings.scale_keys,
            settings.scale_runs,
            scale_names.join(",")
        );
    }
    std::fs::create_dir_all(&settings.tmp_dir).map_err(|e| format!("creating {}: {e}", settings.tmp_dir.display()))?;
    let mut outcomes = Vec::new();
    if !normal.is_empty() {
        for run in 1..=settings.runs {
            for &engine in &settings.engines {
                eprintln!("  run {run}/{}: {engine}", settings.runs);
                outcomes.push((engine, run_logged(settings, engine, &normal, run)));
            }
        }
    }
    let mut scale_outcomes = Vec::new();
    for run in 1..=settings.scale_runs {
        for &engine in &settings.scale_engines {
            eprintln!("  scale run {run}/{}: {engine}", settings.scale_runs);
            scale_outcomes.push((engine, run_logged(settings, engine, &[Workload::Scale], run)));
        }
    }

    let summary = summarize(
        &SummaryInput {
            engines: &settings.engines,
            workloads: &settings.workloads,
            keys: settings.keys,
            runs: settings.runs,
            durable_ops: settings.durable_ops,
            scans: SCANS,
            scale_engines: &settings.scale_engines,
            scale_keys: settings.scale_keys,
            scale_runs: settings.scale_runs,
        },
        &outcomes,
        &scale_outcomes,
    );
    print!("{}", crate::table::render(&summary));
    let json = serde_json::to_string_pretty(&summary)?;
    if let Some(dir) = settings.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&settings.out, json + "\n").map_err(|e| format!("writing {}: {e}", settings.out.display()))?;
    eprintln!("\nwrote {}", settings.out.display());
    // The results are saved: a run without peers to chart against only loses its charts.
    match scalodb_bench_charts::render_beside(&settings.out) {
        Ok(charts) => charts.iter().for_each(|c| eprintln!("wrote {}", c.display())),
        Err(e) => eprintln!("no charts: {e}"),
    }
    Ok(())
}

/// Runs one child and reports a failure on stderr as it happens.
fn run_logged(settings: &Settings, engine: Engine, workloads: &[Workload], run: usize) -> Result<ChildReport, String> {
    let outcome = run_child(settings, engine, workloads).map_err(|e| format!("run {run}: {e}"));
    if let Err(e) = &outcome {
        eprintln!("    {engine} FAILED: {e}");
    }
    outcome
}

/// Runs one engine in a child process and parses its report. The data
/// directory is removed when this returns, whatever the child did.
fn run_child(settings: &Settings, engine: Engine, workloads: &[Workload]) -> Result<ChildReport, String> {
    let data = tempfile::Builder::new()
        .prefix(&format!("scalodb-bench-{engine}-"))
        .tempdir_in(&settings.tmp_dir)
        .map_err(|e| format!("creating a data directory: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| format!("locating myself: {e}"))?;
    let workloads: Vec<&str> = workloads.iter().map(|w| w.name()).collect();
    let output = Command::new(exe)
        .arg("--child")
        .arg(engine.name())
        .arg("--dir")
        .arg(data.path())
        .arg("--keys")
        .arg(settings.keys.to_string())
        .arg("--durable-ops")
        .arg(settings.durable_ops.to_string())
        .arg("--scale-keys")
        .arg(settings.scale_keys.to_string())
        .arg("--workloads")
        .arg(workloads.join(","))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("starting the child: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let said = stdout.trim();
        return Err(format!("child exited with {}: {said}", output.status));
    }
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty()).ok_or("the child printed no report")?;
    serde_json::from_str(line).map_err(|e| format!("unreadable child report ({e}): {line}"))
}
