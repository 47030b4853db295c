//! The child process: runs every selected workload against one engine in a
//! data directory it is given, then reports one JSON line on stdout with the
//! timings, its peak RSS and the bytes its main store left on disk. The
//! parent runs the scale workload in a child of its own, so that its memory
//! figures are its own.

use crate::engines::{Engine, Mode, OpenSpec, Store};
use crate::runner::{self, Timing, SCANS};
use crate::scale::{self, ScaleReport};
use crate::workload::{row_key, Workload};
use crate::{rss, BoxResult};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What the child measured, sent to the parent as one JSON line.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChildReport {
    /// The engine's name.
    pub engine: String,
    /// One entry per workload and thread count that ran.
    pub measurements: Vec<Measurement>,
    /// VmHWM of the child after all its workloads.
    pub peak_rss_bytes: Option<u64>,
    /// VmHWM right after the single-thread fill: the peak while loading and holding the N keys,
    /// before the mixed workload adds versions.
    #[serde(default)]
    pub fill_peak_rss_bytes: Option<u64>,
    /// Sum of the file sizes of the N-key store after its workloads and close.
    pub disk_bytes: Option<u64>,
    /// Blocks actually allocated to those files (sparse or preallocated files differ).
    pub disk_allocated_bytes: Option<u64>,
    /// The scale workload's figures, when it ran.
    #[serde(default)]
    pub scale: Option<ScaleReport>,
}

/// One timed workload run.
#[derive(Debug, Serialize, Deserialize)]
pub struct Measurement {
    /// The workload.
    pub workload: Workload,
    /// Worker threads.
    pub threads: usize,
    /// Operations performed.
    pub ops: u64,
    /// Elapsed seconds.
    pub secs: f64,
    /// Fsyncs the engine reported for this phase (durable workload, ScaloDB).
    pub fsyncs: Option<u64>,
    /// Checksum of the bytes read; equal across engines for read and scan.
    pub checksum: u64,
}

impl Measurement {
    /// Throughput of this run.
    pub fn ops_per_sec(&self) -> f64 {
        if self.secs > 0.0 {
            self.ops as f64 / self.secs
        } else {
            0.0
        }
    }
}

/// What the child is asked to run.
#[derive(Clone, Debug)]
pub struct ChildPlan {
    /// Keys in the main store.
    pub keys: u64,
    /// Puts in each durable run.
    pub durable_ops: u64,
    /// Keys of the scale workload.
    pub scale_keys: u64,
    /// Selected workloads.
    pub workloads: Vec<Workload>,
}

struct Recorder<'a> {
    engine: Engine,
    plan: &'a ChildPlan,
    measurements: Vec<Measurement>,
}

impl Recorder<'_> {
    fn wants(&self, workload: Workload) -> bool {
        self.plan.workloads.contains(&workload) && self.engine.supports(workload)
    }

    fn record(&mut self, workload: Workload, threads: usize, t: Timing, fsyncs: Option<u64>) {
        let m = Measurement { workload, threads, ops: t.ops, secs: t.secs, fsyncs, checksum: t.checksum };
        eprintln!(
            "    {:<11} {:<10} {:>12.0} {} ({:.2} s)",
            self.engine.name(),
            row_key(workload, threads),
            m.ops_per_sec(),
            workload.unit(),
            m.secs
        );
        self.measurements.push(m);
    }
}

/// Runs the plan for `engine` inside `dir` and returns the report.
pub fn run(engine: Engine, dir: &Path, plan: &ChildPlan) -> BoxResult<ChildReport> {
    let mut rec = Recorder { engine, plan, measurements: Vec::new() };
    let keys = plan.keys;
    let mut disk = None;
    let mut fill_peak = None;

    if plan.workloads.iter().any(|w| w.uses_filled_store()) {
        let order = runner::fill_order(keys);
        let main_dir = dir.join("main");
        let store = open(engine, &main_dir, false, keys)?;
        let fill = runner::fill(store.as_ref(), &order, 1)?;
        fill_peak = rss::peak_bytes();
        if rec.wants(Workload::Fill) {
            rec.record(Workload::Fill, 1, fill, None);
        }
        for threads in Workload::Read.thread_counts() {
            if rec.wants(Workload::Read) {
                let t = runner::read(store.as_ref(), keys, keys, *threads)?;
                rec.record(Workload::Read, *threads, t, None);
            }
        }
        if rec.wants(Workload::Scan) {
            let t = runner::scan(store.as_ref(), keys, SCANS)?;
            rec.record(Workload::Scan, 1, t, None);
        }
        for threads in Workload::Mixed.thread_counts() {
            if rec.wants(Workload::Mixed) {
                let t = runner::mixed(store.as_ref(), keys, keys, *threads)?;
                rec.record(Workload::Mixed, *threads, t, None);
            }
        }
        store.close()?;
        if engine.persistent() {
            disk = Some(dir_bytes(&main_dir)?);
        }
        std::fs::remove_dir_all(&main_dir)?;

        if rec.wants(Workload::Fill) {
            for &threads in Workload::Fill.thread_counts().iter().filter(|&&t| t > 1) {
                let fill_dir = dir.join(format!("fill-{threads}"));
                let store = open(engine, &fill_dir, false, keys)?;
                let t = runner::fill(store.as_ref(), &order, threads)?;
                rec.record(Workload::Fill, threads, t, None);
                store.close()?;
                std::fs::remove_dir_all(&fill_dir)?;
            }
        }
    }

    if rec.wants(Workload::Durable) {
        let order = crate::data::permutation(plan.durable_ops, 0xD0AB);
        for &threads in Workload::Durable.thread_counts() {
            let durable_dir = dir.join(format!("durable-{threads}"));
            let store = open(engine, &durable_dir, true, plan.durable_ops)?;
            let before = store.fsyncs();
            let t = runner::fill(store.as_ref(), &order, threads)?;
            let fsyncs = store.fsyncs().zip(before).map(|(a, b)| a.saturating_sub(b));
            rec.record(Workload::Durable, threads, t, fsyncs);
            store.close()?;
            std::fs::remove_dir_all(&durable_dir)?;
        }
    }

    let scale = if rec.wants(Workload::Scale) { Some(scale::run(engine, dir, plan.scale_keys)?) } else { None };

    Ok(ChildReport {
        engine: engine.name().to_string(),
        measurements: rec.measurements,
        scale,
        peak_rss_bytes: rss::peak_bytes(),
        fill_peak_rss_bytes: fill_peak,
        disk_bytes: disk.map(|d| d.size),
        disk_allocated_bytes: disk.map(|d| d.allocated),
    })
}

fn open(engine: Engine, dir: &Path, durable: bool, keys: u64) -> BoxResult<Box<dyn Store>> {
    let mode = if durable { Mode::Durable } else { Mode::Normal };
    engine.open(OpenSpec { dir, mode, keys }).map_err(|e| format!("opening {engine} in {}: {e}", dir.display()).into())
}

/// Bytes used by the files of a directory tree.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskUse {
    /// Sum of the file sizes.
    pub size: u64,
    /// Sum of the blocks allocated to the files, in bytes.
    pub allocated: u64,
}

/// The disk use of all regular files under `dir`.
pub fn dir_bytes(dir: &Path) -> std::io::Result<DiskUse> {
    use std::os::unix::fs::MetadataExt;
    let mut total = DiskUse::default();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let sub = dir_bytes(&entry.path())?;
            total.size += sub.size;
            total.allocated += sub.allocated;
        } else if kind.is_file() {
            let meta = entry.metadata()?;
            total.size += meta.len();
            total.allocated += meta.blocks() * 512;
        }
    }
    Ok(total)
}
