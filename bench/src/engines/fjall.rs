//! `fjall`: one keyspace, default journal (each write is flushed to the OS).

use super::{OpenSpec, Store};
use crate::BoxResult;
use fjall::{Database, Keyspace, KeyspaceCreateOptions, PersistMode};

/// How the fjall peer is configured.
pub const SETTINGS: &str = "default config; each insert is written to the OS by the journal \
    (PersistMode::Buffer), no fsync; durable: persist(PersistMode::SyncAll) after each insert";

/// What a checkpoint is for fjall.
pub const CHECKPOINT: &str = "persist(PersistMode::SyncAll): fsync the journal";

/// A fjall database with one keyspace.
pub struct FjallStore {
    db: Database,
    keyspace: Keyspace,
    durable: bool,
}

impl FjallStore {
    /// Opens the database in `spec.dir`, creating it if it is new.
    pub fn open(spec: OpenSpec<'_>) -> BoxResult<Self> {
        let db = Database::builder(spec.dir).open()?;
        let keyspace = db.keyspace("bench", KeyspaceCreateOptions::default)?;
        Ok(FjallStore { db, keyspace, durable: spec.durable() })
    }
}

impl Store for FjallStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        self.keyspace.insert(key, value)?;
        if self.durable {
            self.db.persist(PersistMode::SyncAll)?;
        }
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        match self.keyspace.get(key)? {
            Some(value) => {
                visit(&value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        for guard in self.keyspace.prefix(prefix) {
            let (key, value) = guard.into_inner()?;
            visit(&key, &value);
        }
        Ok(())
    }

    fn checkpoint(&self) -> BoxResult<bool> {
        self.db.persist(PersistMode::SyncAll)?;
        Ok(true)
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        let FjallStore { db, keyspace, .. } = *self;
        drop(keyspace);
        drop(db);
        Ok(())
    }
}
