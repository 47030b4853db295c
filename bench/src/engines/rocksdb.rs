//! RocksDB through the `rocksdb` crate (only with the `rocksdb` cargo feature).

use super::{OpenSpec, Store};
use crate::BoxResult;
use rocksdb::{Options, WriteOptions, DB};

/// How the RocksDB peer is configured.
pub const SETTINGS: &str = "default options, WAL on; normal workloads: WriteOptions sync=false \
    (each write reaches the OS); durable: sync=true";

/// A RocksDB database with the default column family.
pub struct RocksStore {
    db: DB,
    write: WriteOptions,
}

impl RocksStore {
    /// Opens a fresh database in `spec.dir`.
    pub fn open(spec: OpenSpec<'_>) -> BoxResult<Self> {
        let mut options = Options::default();
        options.create_if_missing(true);
        let db = DB::open(&options, spec.dir)?;
        let mut write = WriteOptions::default();
        write.set_sync(spec.durable);
        Ok(RocksStore { db, write })
    }
}

impl Store for RocksStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        self.db.put_opt(key, value, &self.write)?;
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        match self.db.get_pinned(key)? {
            Some(value) => {
                visit(&value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        let mut iter = self.db.raw_iterator();
        iter.seek(prefix);
        while let (Some(key), Some(value)) = (iter.key(), iter.value()) {
            if !key.starts_with(prefix) {
                break;
            }
            visit(key, value);
            iter.next();
        }
        iter.status()?;
        Ok(())
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        drop(self);
        Ok(())
    }
}
