//! ScaloDB itself, through its public `Db` API.

use super::{Mode, OpenSpec, Store};
use crate::BoxResult;
use scalodb::{Db, Options, SyncMode};
use std::time::Duration;

/// How ScaloDB is configured.
pub const SETTINGS: &str = "normal workloads: SyncMode::Interval(1 s) (each put is written to \
    the OS, a background fsync every second); durable: SyncMode::Always; scale: Options::default() \
    (SyncMode::Interval(1 s), automatic checkpoints)";

/// What a checkpoint is for ScaloDB.
pub const CHECKPOINT: &str = "Db::checkpoint(): write a checkpoint file of the whole store, fsync it \
    and remove the log it covers";

/// A ScaloDB handle, shared by all worker threads.
pub struct ScaloStore {
    db: Db,
}

impl ScaloStore {
    /// Opens the database in `spec.dir`, creating it if it is new.
    pub fn open(spec: OpenSpec<'_>) -> BoxResult<Self> {
        let options = match spec.mode {
            Mode::Normal => Options { sync: SyncMode::Interval(Duration::from_secs(1)), ..Options::default() },
            Mode::Durable => Options { sync: SyncMode::Always, ..Options::default() },
            // Whatever the defaults are today: the scale run measures what a user gets untuned.
            Mode::Scale => Options::default(),
        };
        let db = Db::open_with(spec.dir, options)?;
        Ok(ScaloStore { db })
    }
}

impl Store for ScaloStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        self.db.put(key, value)?;
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        match self.db.get(key)? {
            Some(value) => {
                visit(&value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        // `visit` reads in place, as the LMDB and redb adapters do with their borrowed slices.
        self.db.scan_prefix(prefix)?.visit(|key, value| {
            visit(key, value);
            true
        })?;
        Ok(())
    }

    fn checkpoint(&self) -> BoxResult<bool> {
        self.db.checkpoint()?;
        Ok(true)
    }

    fn fsyncs(&self) -> Option<u64> {
        self.db.stats().ok().map(|stats| stats.fsyncs)
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        let ScaloStore { db } = *self;
        db.close()?;
        Ok(())
    }
}
