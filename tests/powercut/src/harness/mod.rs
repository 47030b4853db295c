//! The power-cut harness: a forgetfs mount in a temporary directory (`mount.rs`), child
//! processes that write and report what returned (`writer.rs`), and the cycle every round ends
//! with: the writer is killed *before* the power is cut (a live process's dirty mapped pages
//! would otherwise reach the filesystem after the cut), the power is cut, the filesystem is
//! unmounted (its process must exit 0: anything else is the filesystem's failure, reported as
//! such and never as the database's) and mounted again, and the store is checked.

pub mod mount;
pub mod resp;
pub mod writer;

use std::path::{Path, PathBuf};

use scalodb::{Db, Options, SyncMode};

use crate::forget::CutMode;
use crate::workload::{Found, Model};
use mount::{FsStatus, Mount};

/// The binaries a test runs (integration tests know them as `env!("CARGO_BIN_EXE_...")`).
#[derive(Clone, Debug)]
pub struct Bins {
    pub forgetfs: PathBuf,
    pub writer: PathBuf,
}

/// A backing directory, a mount point on it, and logs, in one temporary directory.
pub struct Rig {
    // Dropped first: unmounted before the directories go.
    mount: Option<Mount>,
    pub backing: PathBuf,
    pub point: PathBuf,
    control: PathBuf,
    logs: PathBuf,
    pub bins: Bins,
    _tmp: tempfile::TempDir,
}

impl Rig {
    pub fn new(bins: Bins) -> Result<Rig, String> {
        let tmp = tempfile::Builder::new().prefix("powercut-").tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let (backing, point, logs) = (tmp.path().join("backing"), tmp.path().join("mnt"), tmp.path().join("logs"));
        for d in [&backing, &point, &logs] {
            std::fs::create_dir(d).map_err(|e| format!("creating {}: {e}", d.display()))?;
        }
        let control = logs.join("forgetfs.sock");
        Ok(Rig { mount: None, backing, point, control, logs, bins, _tmp: tmp })
    }

    /// Mounts forgetfs (armed to cut the power at a step, if `arm` says so).
    pub fn mount(&mut self, arm: Option<&str>) -> Result<(), String> {
        assert!(self.mount.is_none(), "already mounted");
        self.mount = Some(Mount::start(&self.bins.forgetfs, &self.backing, &self.point, &self.control, arm)?);
        Ok(())
    }

    pub fn fs(&mut self) -> &mut Mount {
        self.mount.as_mut().expect("mounted")
    }

    /// A path inside the mount.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.point.join(rel)
    }

    pub fn log(&self, name: &str) -> PathBuf {
        self.logs.join(name)
    }

    /// Cuts the power (unless a trigger already did), unmounts and mounts again. Every process
    /// writing to the mount must be dead already. Returns the filesystem's account of the cut.
    pub fn cut_and_remount(&mut self, mode: CutMode) -> Result<String, String> {
        let fs = self.fs();
        fs.check_alive()?;
        let what = match fs.status()? {
            FsStatus::Alive { .. } => fs.cut(mode)?,
            FsStatus::Cut { reason, .. } => reason,
        };
        self.fs().unmount()?;
        self.mount = None;
        self.mount(None)?;
        Ok(what)
    }

    /// Unmounts for good (a test's clean end; dropping the rig does it too).
    pub fn finish(mut self) -> Result<(), String> {
        match self.mount.take() {
            Some(mut m) => m.unmount(),
            None => Ok(()),
        }
    }
}

/// What a check of a store after a cut found.
#[derive(Debug)]
pub struct Checked {
    pub found: Found,
    pub torn: u64,
    pub from_checkpoint: bool,
}

/// Checks the store in `dir` after a power cut: `verify` finds no corruption, it opens, and it
/// holds exactly a prefix `0..n` of the workload with `lo <= n <= hi` (`model` moves there).
pub fn check_store(dir: &Path, model: &mut Model, lo: u64, hi: u64) -> Result<Checked, String> {
    if dir.exists() {
        scalodb::verify(dir).map_err(|e| format!("verify reports: {e}"))?;
    }
    let opts = Options { sync: SyncMode::Always, auto_checkpoint: false, ..Options::default() };
    let db = Db::open_with(dir, opts).map_err(|e| format!("the store does not open: {e}"))?;
    let stats = db.stats().map_err(|e| format!("stats: {e}"))?;
    let store = Model::read_store(&db).map_err(|e| format!("reading the store: {e}"))?;
    let found = model.find_prefix(&store, lo, hi);
    db.close().map_err(|e| format!("closing the store: {e}"))?;
    Ok(Checked { found: found?, torn: stats.torn_records_truncated, from_checkpoint: stats.last_checkpoint_seq > 0 })
}
