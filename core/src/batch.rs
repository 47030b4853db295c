//! `WriteBatch`: puts, deletes and blind typed writes (HSET, SADD, ZADD, RPUSH...) applied
//! atomically, as one log record under one sequence number.
//!
//! A batch of puts and deletes commits on the fast path (its record encoded before the commit
//! lock). A batch with typed writes is decided under the lock instead, on the latest state: its
//! writes are staged in order (`collections::typed::Staged`), so a typed write to a key the batch
//! or the store holds as another type fails the whole batch, which then writes nothing.

use std::time::Duration;

use crate::clock::expiry_after;
use crate::collections::lists::End;
use crate::wal::ops::Op;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BatchOp {
    Put { key: Vec<u8>, value: Vec<u8>, expires_at: u64 },
    Delete { key: Vec<u8> },
    Typed(TypedOp),
}

/// A typed write of a batch: blind (its outcome does not depend on what the key holds, beyond
/// its type).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TypedOp {
    HSet { key: Vec<u8>, field: Vec<u8>, value: Vec<u8> },
    HDel { key: Vec<u8>, field: Vec<u8> },
    SAdd { key: Vec<u8>, member: Vec<u8> },
    SRem { key: Vec<u8>, member: Vec<u8> },
    ZAdd { key: Vec<u8>, score: f64, member: Vec<u8> },
    ZRem { key: Vec<u8>, member: Vec<u8> },
    Push { key: Vec<u8>, end: End, value: Vec<u8> },
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteBatch {
    ops: Vec<BatchOp>,
    typed: bool,
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

    fn typed(&mut self, op: TypedOp) -> &mut Self {
        self.ops.push(BatchOp::Typed(op));
        self.typed = true;
        self
    }

    /// Sets `field` of the hash at `key` (HSET).
    pub fn hset(&mut self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> &mut Self {
        let (key, field, value) = (key.as_ref().to_vec(), field.as_ref().to_vec(), value.as_ref().to_vec());
        self.typed(TypedOp::HSet { key, field, value })
    }

    /// Removes `field` of the hash at `key` (HDEL).
    pub fn hdel(&mut self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> &mut Self {
        self.typed(TypedOp::HDel { key: key.as_ref().to_vec(), field: field.as_ref().to_vec() })
    }

    /// Adds `member` to the set at `key` (SADD).
    pub fn sadd(&mut self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> &mut Self {
        self.typed(TypedOp::SAdd { key: key.as_ref().to_vec(), member: member.as_ref().to_vec() })
    }

    /// Removes `member` from the set at `key` (SREM).
    pub fn srem(&mut self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> &mut Self {
        self.typed(TypedOp::SRem { key: key.as_ref().to_vec(), member: member.as_ref().to_vec() })
    }

    /// Sets the score of `member` in the sorted set at `key` (ZADD).
    pub fn zadd(&mut self, key: impl AsRef<[u8]>, score: f64, member: impl AsRef<[u8]>) -> &mut Self {
        self.typed(TypedOp::ZAdd { key: key.as_ref().to_vec(), score, member: member.as_ref().to_vec() })
    }

    /// Removes `member` from the sorted set at `key` (ZREM).
    pub fn zrem(&mut self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> &mut Self {
        self.typed(TypedOp::ZRem { key: key.as_ref().to_vec(), member: member.as_ref().to_vec() })
    }

    /// Pushes `value` at `end` of the list at `key` (LPUSH / RPUSH).
    pub fn push(&mut self, key: impl AsRef<[u8]>, end: End, value: impl AsRef<[u8]>) -> &mut Self {
        self.typed(TypedOp::Push { key: key.as_ref().to_vec(), end, value: value.as_ref().to_vec() })
    }

    /// True if the batch holds typed writes (it is then decided under the commit lock).
    pub(crate) fn has_typed(&self) -> bool {
        self.typed
    }

    pub(crate) fn batch_ops(&self) -> &[BatchOp] {
        &self.ops
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn clear(&mut self) {
        self.ops.clear();
        self.typed = false;
    }

    /// The ops of a batch without typed writes.
    pub(crate) fn ops(&self) -> Vec<Op<'_>> {
        self.ops
            .iter()
            .filter_map(|op| match op {
                BatchOp::Put { key, value, expires_at } => Some(Op::Put { key, value, expires_at: *expires_at }),
                BatchOp::Delete { key } => Some(Op::Delete { key }),
                BatchOp::Typed(_) => None,
            })
            .collect()
    }
}
