//! The workloads the benchmark knows, their names and the thread counts each
//! one is measured with. `scale` is the odd one: it runs in a child of its own
//! with its own key count, and reports latencies and memory rather than one
//! throughput (see `scale.rs`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One benchmark workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Workload {
    /// N puts in a fixed-seed random order into an empty store.
    Fill,
    /// N random gets of present keys.
    Read,
    /// 90% gets, 10% overwrites of random keys.
    Mixed,
    /// Prefix scans of 100 consecutive keys.
    Scan,
    /// Puts that are each fsynced before they return.
    Durable,
    /// A random fill of `--scale-keys` keys by one writer while one reader gets
    /// written keys, then a checkpoint and a reopen.
    Scale,
}

impl Workload {
    /// Every workload, in the order they are run and printed.
    pub const ALL: [Workload; 6] =
        [Workload::Fill, Workload::Read, Workload::Mixed, Workload::Scan, Workload::Durable, Workload::Scale];

    /// The name used on the command line, in the table and in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Fill => "fill",
            Workload::Read => "read",
            Workload::Mixed => "mixed",
            Workload::Scan => "scan",
            Workload::Durable => "durable",
            Workload::Scale => "scale",
        }
    }

    /// The thread counts this workload is measured with; none for `scale`,
    /// which has no row in the throughput table (its writer and reader are
    /// fixed, and it has a table of its own).
    pub fn thread_counts(self) -> &'static [usize] {
        match self {
            Workload::Fill | Workload::Read | Workload::Mixed => &[1, 2],
            Workload::Scan => &[1],
            Workload::Durable => &[1, 4],
            Workload::Scale => &[],
        }
    }

    /// What one operation is, for the table header.
    pub fn unit(self) -> &'static str {
        match self {
            Workload::Scan => "scans/s",
            _ => "ops/s",
        }
    }

    /// Whether the workload needs the filled store of N keys.
    pub fn uses_filled_store(self) -> bool {
        !matches!(self, Workload::Durable | Workload::Scale)
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Workload {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Workload::ALL.into_iter().find(|w| w.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Workload::ALL.iter().map(|w| w.name()).collect();
            format!("unknown workload `{s}` (known: {})", names.join(", "))
        })
    }
}

/// The key under which a measurement is stored: `workload/threads`.
pub fn row_key(workload: Workload, threads: usize) -> String {
    format!("{}/{}", workload.name(), threads)
}
