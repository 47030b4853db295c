//! `WriteBatch`: puts and deletes applied atomically, as one log record under one sequence number.

use std::time::Duration;

use crate::clock::expiry_after;
use crate::wal::ops::Op;

#[derive(Clone, Debug, PartialEq, Eq)]
enum BatchOp {
    Put { key: Vec<u8>, value: Vec<u8>, expires_at: u64 },
    Delete { key: Vec<u8> },
}

/// A group of writes that readers and recovery see entirely or not at all.
///
/// ```
/// let db = scalodb::Db::memory();
/// let mut batch = scalodb::WriteBatch::new();
/// batch.put("from", "90").put("to", "110").delete("pending");
/// db.write(batch).unwrap();
/// assert_eq!(db.get("to").unwrap().as_deref(), Some(&b"110"[..]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<BatchOp>,
}

impl WriteBatch {
    pub fn new() -> WriteBatch {
        WriteBatch::default()
    }

    /// Sets `key` to `value`.
    pub fn put(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> &mut Self {
        self.ops.push(BatchOp::Put { key: key.as_ref().to_vec(), value: value.as_ref().to_vec(), expires_at: 0 });
        self
    }

    /// Sets `key` to `value`, expiring `ttl` after the batch is built.
    pub fn put_with_ttl(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, ttl: Duration) -> &mut Self {
        let expires_at = expiry_after(ttl);
        self.ops.push(BatchOp::Put { key: key.as_ref().to_vec(), value: value.as_ref().to_vec(), expires_at });
        self
    }

    /// Deletes `key` (nothing happens if it is absent).
    pub fn delete(&mut self, key: impl AsRef<[u8]>) -> &mut Self {
        self.ops.push(BatchOp::Delete { key: key.as_ref().to_vec() });
        self
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn clear(&mut self) {
        self.ops.clear();
    }

    pub(crate) fn ops(&self) -> Vec<Op<'_>> {
        self.ops
            .iter()
            .map(|op| match op {
                BatchOp::Put { key, value, expires_at } => Op::Put { key, value, expires_at: *expires_at },
                BatchOp::Delete { key } => Op::Delete { key },
            })
            .collect()
    }
}
