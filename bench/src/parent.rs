//! The parent process: runs every engine once per run, each in a fresh child
//! process with its own temporary data directory, then summarises, prints
//! the tables and writes the JSON file.

use crate::child::ChildReport;
use crate::cli::Settings;
use crate::engines::Engine;
use crate::runner::SCANS;
use crate::summary::{summarize, SummaryInput};
use crate::BoxResult;
use std::process::{Command, Stdio};

/// Runs the whole benchmark.
pub fn run(settings: &Settings) -> BoxResult<()> {
    let names: Vec<&str> = settings.engines.iter().map(|e| e.name()).collect();
    let workloads: Vec<&str> = settings.workloads.iter().map(|w| w.name()).collect();
    eprintln!(
        "scalodb-bench: N={} runs={} durable_ops={} engines={} workloads={}",
        settings.keys,
        settings.runs,
        settings.durable_ops,
        names.join(","),
        workloads.join(",")
    );
    std::fs::create_dir_all(&settings.tmp_dir).map_err(|e| format!("creating {}: {e}", settings.tmp_dir.display()))?;
    let mut outcomes = Vec::new();
    for run in 1..=settings.runs {
        for &engine in &settings.engines {
            eprintln!("  run {run}/{}: {engine}", settings.runs);
            let outcome = run_child(settings, engine).map_err(|e| format!("run {run}: {e}"));
            if let Err(e) = &outcome {
                eprintln!("    {engine} FAILED: {e}");
            }
            outcomes.push((engine, outcome));
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
        },
        &outcomes,
    );
    print!("{}", crate::table::render(&summary));
    let json = serde_json::to_string_pretty(&summary)?;
    if let Some(dir) = settings.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&settings.out, json + "\n").map_err(|e| format!("writing {}: {e}", settings.out.display()))?;
    eprintln!("\nwrote {}", settings.out.display());
    Ok(())
}

/// Runs one engine in a child process and parses its report. The data
/// directory is removed when this returns, whatever the child did.
fn run_child(settings: &Settings, engine: Engine) -> Result<ChildReport, String> {
    let data = tempfile::Builder::new()
        .prefix(&format!("scalodb-bench-{engine}-"))
        .tempdir_in(&settings.tmp_dir)
        .map_err(|e| format!("creating a data directory: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| format!("locating myself: {e}"))?;
    let workloads: Vec<&str> = settings.workloads.iter().map(|w| w.name()).collect();
    let output = Command::new(exe)
        .arg("--child")
        .arg(engine.name())
        .arg("--dir")
        .arg(data.path())
        .arg("--keys")
        .arg(settings.keys.to_string())
        .arg("--durable-ops")
        .arg(settings.durable_ops.to_string())
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
