//! `sled` 0.34: the default tree, default configuration.

use super::{OpenSpec, Store};
use crate::BoxResult;

/// How the sled peer is configured.
pub const SETTINGS: &str = "default config (writes are buffered by sled and flushed by its \
    background thread every 500 ms); durable: flush() after each insert";

/// What a checkpoint is for sled.
pub const CHECKPOINT: &str = "flush(): write sled's buffered writes and fsync them";

/// A sled database.
pub struct SledStore {
    db: sled::Db,
    durable: bool,
}

impl SledStore {
    /// Opens the database in `spec.dir`, creating it if it is new.
    pub fn open(spec: OpenSpec<'_>) -> BoxResult<Self> {
        let db = sled::Config::new().path(spec.dir).open()?;
        Ok(SledStore { db, durable: spec.durable() })
    }
}

impl Store for SledStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        self.db.insert(key, value)?;
        if self.durable {
            self.db.flush()?;
        }
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
        for item in self.db.scan_prefix(prefix) {
            let (key, value) = item?;
            visit(&key, &value);
        }
        Ok(())
    }

    fn checkpoint(&self) -> BoxResult<bool> {
        self.db.flush()?;
        Ok(true)
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        self.db.flush()?;
        Ok(())
    }
}
