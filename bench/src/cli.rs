//! Command-line flags, and the resolved settings of a benchmark run.

use crate::engines::Engine;
use crate::workload::Workload;
use clap::Parser;
use std::path::PathBuf;

/// Default number of keys (N).
pub const DEFAULT_KEYS: u64 = 1_000_000;
/// Keys with `--quick`.
pub const QUICK_KEYS: u64 = 100_000;
/// Default runs per engine.
pub const DEFAULT_RUNS: usize = 3;
/// Default keys of the scale workload.
pub const DEFAULT_SCALE_KEYS: u64 = 10_000_000;
/// Scale keys with `--quick`.
pub const QUICK_SCALE_KEYS: u64 = 1_000_000;
/// Fewest scale keys: ten segments of at least 100 keys.
pub const MIN_SCALE_KEYS: u64 = 1_000;
/// Default runs of the scale workload per engine: one, because three runs of
/// 10M keys for four engines would take `make bench` past an hour on 2 cores
/// (LMDB's fill alone is estimated at 7-11 minutes a run).
pub const DEFAULT_SCALE_RUNS: usize = 1;
/// The engines of the scale workload unless `--scale-engines` says otherwise:
/// ScaloDB, the two stores users compare it with most, fjall (an LSM store
/// fast enough to fill 10M keys in a couple of minutes) and the ordered
/// in-memory baseline (see bench/README.md for why the others are left out).
pub const DEFAULT_SCALE_ENGINES: [&str; 5] = ["scalodb", "lmdb", "fjall", "rocksdb", "btreemap"];

/// Benchmarks ScaloDB against other embedded key-value stores on the same
/// workloads, each engine and run in its own child process.
#[derive(Debug, Parser)]
#[command(name = "scalodb-bench", version)]
pub struct Cli {
    /// Engines to run, comma-separated [default: all in this build]
    #[arg(long, value_delimiter = ',')]
    pub engines: Option<Vec<Engine>>,

    /// Workloads to run, comma-separated: fill, read, mixed, scan, durable, scale [default: all]
    #[arg(long, value_delimiter = ',')]
    pub workloads: Option<Vec<Workload>>,

    /// Keys in the store (N) [default: 1000000, 100000 with --quick]
    #[arg(long)]
    pub keys: Option<u64>,

    /// Runs per engine; every figure is the median [default: 3, 1 with --quick]
    #[arg(long)]
    pub runs: Option<usize>,

    /// Quick run: N = 100 000, scale keys 1 000 000 and 1 run (explicit values still win)
    #[arg(long)]
    pub quick: bool,

    /// Run nothing: draw the SVG charts of this saved results file beside it and exit
    #[arg(long)]
    pub charts_from: Option<PathBuf>,

    /// Puts (each fsynced) per durable run
    #[arg(long, default_value_t = 10_000)]
    pub durable_ops: u64,

    /// Keys written by the scale workload [default: 10000000, 1000000 with --quick]
    #[arg(long)]
    pub scale_keys: Option<u64>,

    /// Runs of the scale workload per engine; every figure is the median [default: 1]
    #[arg(long)]
    pub scale_runs: Option<usize>,

    /// Engines of the scale workload, comma-separated [default: scalodb, lmdb, fjall, rocksdb
    /// and btreemap, those of them in --engines]
    #[arg(long, value_delimiter = ',')]
    pub scale_engines: Option<Vec<Engine>>,

    /// Where to write the JSON results [default: bench/results/latest.json]
    #[arg(long)]
    pub out: Option<PathBuf>,

    /// Directory under which the engines' temporary data directories are made
    /// [default: the system temp dir]
    #[arg(long)]
    pub tmp_dir: Option<PathBuf>,

    /// Internal: run as the child process for this engine.
    #[arg(long, hide = true)]
    pub child: Option<Engine>,

    /// Internal: the child's data directory.
    #[arg(long, hide = true)]
    pub dir: Option<PathBuf>,
}

/// The settings of a run, with defaults applied.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Engines, in column order.
    pub engines: Vec<Engine>,
    /// Workloads, in run order.
    pub workloads: Vec<Workload>,
    /// N.
    pub keys: u64,
    /// Runs per engine.
    pub runs: usize,
    /// Puts per durable run.
    pub durable_ops: u64,
    /// Keys of the scale workload.
    pub scale_keys: u64,
    /// Runs of the scale workload per engine.
    pub scale_runs: usize,
    /// Engines of the scale workload, in column order (empty if it is not selected).
    pub scale_engines: Vec<Engine>,
    /// JSON output path.
    pub out: PathBuf,
    /// Base of the temporary data directories.
    pub tmp_dir: PathBuf,
}

impl Cli {
    /// Applies the defaults and checks the values.
    pub fn settings(&self) -> Result<Settings, String> {
        let keys = self.keys.unwrap_or(if self.quick { QUICK_KEYS } else { DEFAULT_KEYS });
        let runs = self.runs.unwrap_or(if self.quick { 1 } else { DEFAULT_RUNS });
        let mut engines = self.engines.clone().unwrap_or_else(|| Engine::ALL.to_vec());
        dedup(&mut engines);
        let mut workloads = self.workloads.clone().unwrap_or_else(|| Workload::ALL.to_vec());
        workloads.sort();
        workloads.dedup();
        let scale_keys = self.scale_keys.unwrap_or(if self.quick { QUICK_SCALE_KEYS } else { DEFAULT_SCALE_KEYS });
        let scale_runs = self.scale_runs.unwrap_or(DEFAULT_SCALE_RUNS);
        let mut scale_engines = match &self.scale_engines {
            Some(list) => list.clone(),
            None => engines.iter().copied().filter(|e| DEFAULT_SCALE_ENGINES.contains(&e.name())).collect(),
        };
        dedup(&mut scale_engines);
        if !workloads.contains(&Workload::Scale) {
            scale_engines.clear();
        }
        if let Some(e) = scale_engines.iter().find(|e| !e.supports(Workload::Scale)) {
            return Err(format!("{e} cannot run the scale workload"));
        }
        if scale_keys < MIN_SCALE_KEYS || scale_keys > u64::from(u32::MAX) {
            return Err(format!("--scale-keys must be between {MIN_SCALE_KEYS} and {}", u32::MAX));
        }
        if scale_runs == 0 {
            return Err("--scale-runs must be at least 1".into());
        }
        if keys < 100 || keys > u64::from(u32::MAX) {
            return Err(format!("--keys must be between 100 and {}", u32::MAX));
        }
        if runs == 0 {
            return Err("--runs must be at least 1".into());
        }
        if self.durable_ops == 0 {
            return Err("--durable-ops must be at least 1".into());
        }
        let out = self
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results").join("latest.json"));
        let tmp_dir = self.tmp_dir.clone().unwrap_or_else(std::env::temp_dir);
        Ok(Settings {
            engines,
            workloads,
            keys,
            runs,
            durable_ops: self.durable_ops,
            scale_keys,
            scale_runs,
            scale_engines,
            out,
            tmp_dir,
        })
    }
}

/// Removes repeated engines, keeping the first occurrence.
fn dedup(engines: &mut Vec<Engine>) {
    let mut seen = Vec::new();
    engines.retain(|e| {
        let fresh = !seen.contains(e);
        seen.push(*e);
        fresh
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Settings {
        let mut argv = vec!["scalodb-bench"];
        argv.extend_from_slice(args);
        Cli::parse_from(argv).settings().unwrap()
    }

    #[test]
    fn quick_sets_keys_and_runs() {
        let s = parse(&["--quick"]);
        assert_eq!((s.keys, s.runs), (QUICK_KEYS, 1));
        let s = parse(&["--quick", "--keys", "5000"]);
        assert_eq!((s.keys, s.runs), (5000, 1));
        let s = parse(&[]);
        assert_eq!((s.keys, s.runs), (DEFAULT_KEYS, DEFAULT_RUNS));
    }

    #[test]
    fn scale_defaults() {
        let s = parse(&["--engines", "btreemap,scalodb,sled"]);
        assert_eq!(s.scale_engines, vec![Engine::BTreeMap, Engine::ScaloDb]);
        assert_eq!((s.scale_keys, s.scale_runs), (DEFAULT_SCALE_KEYS, DEFAULT_SCALE_RUNS));
        let s = parse(&["--quick", "--scale-engines", "sled", "--scale-keys", "5000"]);
        assert_eq!(s.scale_engines, vec![Engine::Sled]);
        assert_eq!((s.scale_keys, s.scale_runs), (5000, 1));
        let s = parse(&["--runs", "2", "--scale-runs", "3"]);
        assert_eq!((s.runs, s.scale_runs), (2, 3));
        let s = parse(&["--workloads", "fill"]);
        assert!(s.scale_engines.is_empty());
        let argv = ["x", "--scale-engines", "redb-batch"];
        assert!(Cli::parse_from(argv).settings().is_err());
    }

    #[test]
    fn parses_lists() {
        let s = parse(&["--engines", "sled,lmdb,sled", "--workloads", "scan,fill"]);
        assert_eq!(s.engines, vec![Engine::Sled, Engine::Lmdb]);
        assert_eq!(s.workloads, vec![Workload::Fill, Workload::Scan]);
        assert!(Cli::try_parse_from(["x", "--engines", "nope"]).is_err());
    }
}
