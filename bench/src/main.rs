//! `scalodb-bench`: measures ScaloDB and its peers on the same workloads in
//! the same run. Without `--child` it is the parent, which re-executes itself
//! once per engine and run (`--child ENGINE --dir PATH ...`) so that memory
//! and disk figures are per engine; see bench/README.md.

mod child;
mod cli;
mod data;
mod engines;
mod latency;
mod machine;
mod parent;
mod rss;
mod runner;
mod scale;
mod scale_summary;
mod scale_table;
mod summary;
mod table;
mod workload;

use clap::Parser;
use std::process::ExitCode;

/// Error type of the benchmark: any error an engine or the OS returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
/// Result with a [`BoxError`].
pub type BoxResult<T> = Result<T, BoxError>;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Some(json) = &cli.charts_from {
        return match scalodb_bench_charts::render_beside(json) {
            Ok(written) => {
                for path in written {
                    eprintln!("wrote {}", path.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("scalodb-bench: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let settings = match cli.settings() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("scalodb-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match (cli.child, &cli.dir) {
        (Some(engine), Some(dir)) => run_child(engine, dir, &settings),
        (Some(_), None) => Err("--child needs --dir".into()),
        (None, _) => parent::run(&settings),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scalodb-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Child mode: run the workloads, print the report as one JSON line.
fn run_child(engine: engines::Engine, dir: &std::path::Path, s: &cli::Settings) -> BoxResult<()> {
    let plan = child::ChildPlan {
        keys: s.keys,
        durable_ops: s.durable_ops,
        scale_keys: s.scale_keys,
        workloads: s.workloads.clone(),
    };
    let report = child::run(engine, dir, &plan)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
