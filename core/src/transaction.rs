//! Optimistic, serializable transactions.
//!
//! A transaction reads from a snapshot and buffers its writes. At commit, under the commit lock,
//! it checks that nothing it read, wrote, found absent or scanned has changed since its snapshot
//! (any newer version of such a key, or any key newer than the snapshot in a scanned range); if
//! so the commit fails with `Error::Conflict` and writes nothing. Otherwise all its writes commit
//! atomically as one log record. [`crate::Db::transaction`] retries conflicts a bounded number of
//! times.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

use crossbeam_epoch as epoch;

use crate::error::{Error, Result};
use crate::iter::{as_ref, owned_bounds, prefix_end, Iter, ReadView};

type OwnedRange = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// A transaction in progress; see the module docs. Dropping it without `commit` rolls it back.
///
/// ```
/// let db = scalodb::Db::memory();
/// db.put("alice", "100").unwrap();
/// db.transaction(|tx| {
///     let a: i64 = String::from_utf8(tx.get("alice")?.unwrap()).unwrap().parse().unwrap();
///     tx.put("alice", (a - 30).to_string());
///     tx.put("bob", "30");
///     Ok(())
/// })
/// .unwrap();
/// assert_eq!(db.get("bob").unwrap().as_deref(), Some(&b"30"[..]));
/// ```
pub struct Transaction {
    pub(crate) view: Arc<ReadView>,
    /// Buffered writes, by key.
    pub(crate) writes: BTreeMap<Vec<u8>, Write>,
    pub(crate) reads: BTreeSet<Vec<u8>>,
    ranges: Vec<OwnedRange>,
}

/// A buffered write.
#[derive(Clone)]
pub(crate) enum Write {
    /// A string value and its expiry (0: none).
    Put(Vec<u8>, u64),
    Delete,
    /// Element edits of a collection (see `collections/typed.rs`): the working copy, its
    /// encoded edits, whether they start from empty (`Op::Coll`'s *fresh*), and the expiry the
    /// transaction gave the key afterwards, if it did (Unix ms, 0: none).
    Coll {
        edits: crate::collections::edit::Edits,
        fresh: bool,
        expire: Option<u64>,
    },
    /// Only a new expiry (Unix ms, 0: none) for a key of any type, as it is in the snapshot.
    Expire(u64),
}

impl Transaction {
    pub(crate) fn new(view: Arc<ReadView>) -> Transaction {
        Transaction { view, writes: BTreeMap::new(), reads: BTreeSet::new(), ranges: Vec::new() }
    }

    /// The value of `key` as this transaction sees it (its own writes included).
    pub fn get(&mut self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>> {
        let key = key.as_ref();
        match self.writes.get(key) {
            Some(Write::Put(v, _)) => return Ok(Some(v.clone())),
            Some(Write::Delete) => return Ok(None),
            Some(Write::Coll { edits, .. }) if edits.coll.is_empty() => return Ok(None),
            Some(Write::Coll { edits, .. }) => {
                return Err(crate::collections::typed::wrong_type(edits.coll.kind(), crate::Kind::String))
            }
            Some(Write::Expire(_)) | None => {}
        }
        self.reads.insert(key.to_vec());
        let engine = &self.view.engine;
        engine.check_open()?;
        let guard = epoch::pin();
        engine.get_at(key, self.view.seq, &guard).map(|v| crate::engine::string_of(v).map(<[u8]>::to_vec)).transpose()
    }

    /// Writes `value` under `key` with no time-to-live (an earlier one is cleared).
    pub fn put(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.writes.insert(key.as_ref().to_vec(), Write::Put(value.as_ref().to_vec(), 0));
    }

    /// Writes `value` under `key`, expiring `ttl` from now (now being this call, not the
    /// commit). Setting or clearing only the expiry of a key is a write of its value with the new
    /// expiry: it commits atomically with the transaction's other writes.
    pub fn put_with_ttl(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, ttl: std::time::Duration) {
        self.writes.insert(key.as_ref().to_vec(), Write::Put(value.as_ref().to_vec(), crate::clock::expiry_after(ttl)));
    }

    pub fn delete(&mut self, key: impl AsRef<[u8]>) {
        self.writes.insert(key.as_ref().to_vec(), Write::Delete);
    }

    /// What `key` holds as this transaction sees it (its own writes included), None if nothing.
    /// Counts as a read of `key`.
    pub fn kind_of(&mut self, key: impl AsRef<[u8]>) -> Result<Option<crate::Kind>> {
        let key = key.as_ref();
        match self.writes.get(key) {
            Some(Write::Put(..)) => return Ok(Some(crate::Kind::String)),
            Some(Write::Delete) => return Ok(None),
            Some(Write::Coll { edits, .. }) => {
                return Ok((!edits.coll.is_empty()).then(|| edits.coll.kind()));
            }
            Some(Write::Expire(_)) | None => {}
        }
        self.reads.insert(key.to_vec());
        let engine = &self.view.engine;
        engine.check_open()?;
        let guard = epoch::pin();
        Ok(engine.get_at(key, self.view.seq, &guard).map(|v| v.kind()))
    }

    /// Gives `key`, whatever its type, the expiry `unix_ms` (milliseconds since the Unix epoch; 0
    /// removes it), committed with the transaction's other writes. Returns false, writing
    /// nothing, if the key holds nothing as this transaction sees it. A time in the past makes the
    /// key expire at commit.
    pub fn expire_at(&mut self, key: impl AsRef<[u8]>, unix_ms: u64) -> Result<bool> {
        let key = key.as_ref();
        match self.writes.get_mut(key) {
            Some(Write::Put(_, at)) | Some(Write::Expire(at)) => {
                *at = unix_ms;
                return Ok(true);
            }
            Some(Write::Delete) => return Ok(false),
            Some(Write::Coll { edits, expire, .. }) => {
                if edits.coll.is_empty() {
                    return Ok(false);
                }
                *expire = Some(unix_ms);
                return Ok(true);
            }
            None => {}
        }
        if self.kind_of(key)?.is_none() {
            return Ok(false);
        }
        self.writes.insert(key.to_vec(), Write::Expire(unix_ms));
        Ok(true)
    }

    /// The entries of `range` as this transaction sees them, in order. The whole range counts as
    /// read: a key added to it, changed or removed by another commit is a conflict.
    pub fn scan<K: AsRef<[u8]>>(&mut self, range: impl RangeBounds<K>) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let (lo, hi) = owned_bounds(&range);
        self.scan_bounds(lo, hi)
    }

    /// The entries whose key starts with `prefix`; see [`Transaction::scan`].
    pub fn scan_prefix(&mut self, prefix: impl AsRef<[u8]>) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let p = prefix.as_ref();
        self.scan_bounds(Bound::Included(p.to_vec()), prefix_end(p))
    }

    fn scan_bounds(&mut self, lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.view.engine.check_open()?;
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for entry in Iter::new(self.view.clone(), lo.clone(), hi.clone()) {
            let (k, v) = entry?;
            merged.insert(k, v);
        }
        for (k, w) in self.writes.range::<Vec<u8>, _>((lo.clone(), hi.clone())) {
            match w {
                Write::Put(v, _) => merged.insert(k.clone(), v.clone()),
                // A collection shows in scans with an empty value, as in the store's own.
                Write::Coll { edits, .. } if !edits.coll.is_empty() => merged.insert(k.clone(), Vec::new()),
                Write::Coll { .. } | Write::Delete => merged.remove(k),
                Write::Expire(_) => continue,
            };
        }
        self.ranges.push((lo, hi));
        Ok(merged.into_iter().collect())
    }

    /// The sequence number of the snapshot this transaction reads.
    pub fn sequence(&self) -> u64 {
        self.view.seq
    }

    /// Checks, without writing, that nothing this transaction read or scanned has changed since
    /// its snapshot: `Error::Conflict` if it has (what WATCH needs of a transaction that writes
    /// nothing, since `commit` validates only when there is something to write).
    pub fn validate(&self) -> Result<()> {
        let (snap, reads, ranges) = (self.view.seq, &self.reads, &self.ranges);
        self.view.engine.commit_with(|engine, guard| {
            if changed_since(engine, guard, snap, reads.iter(), ranges) {
                return Err(Error::Conflict);
            }
            Ok((Vec::new(), ()))
        })
    }

    /// True if the transaction has buffered no write.
    pub fn is_read_only(&self) -> bool {
        self.writes.is_empty()
    }

    /// Validates and applies every write atomically, or fails with `Error::Conflict` and writes
    /// nothing.
    pub fn commit(self) -> Result<()> {
        if self.writes.is_empty() {
            // A read-only transaction saw one snapshot: nothing to validate or write.
            return self.view.engine.check_open();
        }
        let snap = self.view.seq;
        let Transaction { view, writes, reads, ranges } = self;
        let result = view.engine.commit_with(|engine, guard| {
            if changed_since(engine, guard, snap, reads.iter().chain(writes.keys()), &ranges) {
                return Err(Error::Conflict);
            }
            let ops = crate::collections::typed::ops_of(writes);
            Ok((ops, ()))
        });
        match result {
            Ok(()) => {
                view.engine.ops.transactions.incr();
                Ok(())
            }
            Err(e) => {
                if matches!(e, Error::Conflict) {
                    view.engine.ops.conflicts.incr();
                }
                Err(e)
            }
        }
    }

    /// Drops every buffered write.
    pub fn rollback(self) {}
}

/// Whether any of `keys`, or any key in `ranges`, has a version newer than `snap`. Under the
/// commit lock.
fn changed_since<'k>(
    engine: &crate::engine::Engine,
    guard: &epoch::Guard,
    snap: u64,
    mut keys: impl Iterator<Item = &'k Vec<u8>>,
    ranges: &[OwnedRange],
) -> bool {
    let changed = |key: &[u8]| {
        engine.hash.get(key, engine.hash.hash(key), guard).is_some_and(|item| item.head(guard).seq() > snap)
    };
    if keys.any(|k| changed(k)) {
        return true;
    }
    ranges.iter().any(|(lo, hi)| {
        let mut conflict = false;
        engine.tree.walk(as_ref(lo), as_ref(hi), false, guard, &mut |item| {
            conflict = item.head(guard).seq() > snap;
            !conflict
        });
        conflict
    })
}
