//! `redb`: either one write transaction per put, or puts buffered and
//! committed 1 000 at a time in one transaction.

use super::{OpenSpec, Store};
use crate::BoxResult;
use parking_lot::Mutex;
use redb::{Database, Durability, ReadableDatabase, TableDefinition};

/// How the per-put redb peer is configured.
pub const SETTINGS_PER_PUT: &str = "one write txn per put; normal workloads: Durability::None \
    (commits stay in redb's own buffers until a durable commit); durable: Durability::Immediate";
/// How the batching redb peer is configured.
pub const SETTINGS_BATCH: &str = "puts buffered and committed 1 000 per write txn with \
    Durability::None (unflushed puts are not visible to readers); not run in durable";

/// What a checkpoint is for redb.
pub const CHECKPOINT: &str = "an empty write txn with Durability::Immediate: makes every earlier \
    Durability::None commit durable";

/// Puts per transaction of the batching variant.
pub const BATCH: usize = 1000;

const TABLE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("bench");

/// A redb database with one table.
pub struct RedbStore {
    db: Database,
    durability: Durability,
    batch: usize,
    pending: Mutex<Vec<(Vec<u8>, Vec<u8>)>>,
}

impl RedbStore {
    /// Opens (or creates) the database file in `spec.dir`, committing every `batch` puts.
    pub fn open(spec: OpenSpec<'_>, batch: usize) -> BoxResult<Self> {
        let db = Database::create(spec.dir.join("data.redb"))?;
        let txn = db.begin_write()?;
        txn.open_table(TABLE)?;
        txn.commit()?;
        let durability = if spec.durable() { Durability::Immediate } else { Durability::None };
        Ok(RedbStore { db, durability, batch, pending: Mutex::new(Vec::with_capacity(batch)) })
    }

    fn commit<'a>(&self, items: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> BoxResult<()> {
        let mut txn = self.db.begin_write()?;
        txn.set_durability(self.durability)?;
        {
            let mut table = txn.open_table(TABLE)?;
            for (key, value) in items {
                table.insert(key, value)?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}

impl Store for RedbStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        if self.batch <= 1 {
            return self.commit([(key, value)]);
        }
        let mut pending = self.pending.lock();
        pending.push((key.to_vec(), value.to_vec()));
        if pending.len() >= self.batch {
            self.commit(pending.iter().map(|(k, v)| (k.as_slice(), v.as_slice())))?;
            pending.clear();
        }
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(TABLE)?;
        match table.get(key)? {
            Some(guard) => {
                visit(guard.value());
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(TABLE)?;
        for item in table.range(prefix..)? {
            let (key, value) = item?;
            if !key.value().starts_with(prefix) {
                break;
            }
            visit(key.value(), value.value());
        }
        Ok(())
    }

    fn finish_writes(&self) -> BoxResult<()> {
        let mut pending = self.pending.lock();
        if !pending.is_empty() {
            self.commit(pending.iter().map(|(k, v)| (k.as_slice(), v.as_slice())))?;
            pending.clear();
        }
        Ok(())
    }

    fn checkpoint(&self) -> BoxResult<bool> {
        self.finish_writes()?;
        let mut txn = self.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        txn.commit()?;
        Ok(true)
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        self.finish_writes()?;
        drop(self);
        Ok(())
    }
}
