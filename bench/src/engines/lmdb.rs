//! LMDB through `heed`: one write transaction per put, one read transaction
//! per get or scan.

use super::{OpenSpec, Store};
use crate::BoxResult;
use heed::types::Bytes;
use heed::{Database, Env, EnvFlags, EnvOpenOptions};

/// How the LMDB peer is configured.
pub const SETTINGS: &str = "heed, one write txn per put; normal workloads: NO_SYNC \
    (commit writes pages to the OS, never fsyncs); durable: default flags (fsync per commit)";

/// What a checkpoint is for LMDB.
pub const CHECKPOINT: &str = "Env::force_sync(): fsync the data file; with NO_SYNC the commits are \
    already in their final place in it, so that is all that is left to make them durable";

/// An LMDB environment with its single unnamed database.
pub struct LmdbStore {
    env: Env,
    db: Database<Bytes, Bytes>,
}

impl LmdbStore {
    /// Opens the environment in `spec.dir`, creating it if it is new.
    pub fn open(spec: OpenSpec<'_>) -> BoxResult<Self> {
        // A sparse mapping: room for roughly 1 KiB per key plus slack.
        let map_size = (spec.keys as usize).saturating_mul(1024).saturating_add(256 << 20).next_multiple_of(1 << 20);
        let mut options = EnvOpenOptions::new();
        options.map_size(map_size).max_readers(256);
        if !spec.durable() {
            // SAFETY: NO_SYNC only weakens durability after an OS crash; the
            // benchmark reopens a store only after a clean close in the same
            // process, so no invariant depends on it.
            unsafe {
                options.flags(EnvFlags::NO_SYNC);
            }
        }
        // SAFETY: the directory is opened by this process only, and at most once at a time
        // (a reopen comes after `close` has waited for the environment to close).
        let env = unsafe { options.open(spec.dir)? };
        let mut wtxn = env.write_txn()?;
        let db: Database<Bytes, Bytes> = env.create_database(&mut wtxn, None)?;
        wtxn.commit()?;
        Ok(LmdbStore { env, db })
    }
}

impl Store for LmdbStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        let mut wtxn = self.env.write_txn()?;
        self.db.put(&mut wtxn, key, value)?;
        wtxn.commit()?;
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        let rtxn = self.env.read_txn()?;
        match self.db.get(&rtxn, key)? {
            Some(value) => {
                visit(value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        let rtxn = self.env.read_txn()?;
        for item in self.db.prefix_iter(&rtxn, prefix)? {
            let (key, value) = item?;
            visit(key, value);
        }
        Ok(())
    }

    fn checkpoint(&self) -> BoxResult<bool> {
        self.env.force_sync()?;
        Ok(true)
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        let LmdbStore { env, .. } = *self;
        env.prepare_for_closing().wait();
        Ok(())
    }
}
