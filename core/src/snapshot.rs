//! `Snapshot`: a read view fixed at one sequence number, cheap to take (one registration).

use std::ops::RangeBounds;
use std::sync::Arc;

use crossbeam_epoch as epoch;

use crate::error::Result;
use crate::iter::{owned_bounds, prefix_end, Iter, ReadView};

/// A consistent, unchanging view of the store. Versions it can see are kept until it is dropped.
///
/// ```
/// let db = scalodb::Db::memory();
/// db.put("k", "old").unwrap();
/// let snap = db.snapshot().unwrap();
/// db.put("k", "new").unwrap();
/// assert_eq!(snap.get("k").unwrap().as_deref(), Some(&b"old"[..]));
/// ```
pub struct Snapshot {
    pub(crate) view: Arc<ReadView>,
}

impl Snapshot {
    /// The value of `key` in this snapshot (expired values are absent).
    pub fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>> {
        let engine = &self.view.engine;
        engine.check_open()?;
        let guard = epoch::pin();
        engine
            .get_at(key.as_ref(), self.view.seq, &guard)
            .map(|v| crate::engine::string_of(v).map(<[u8]>::to_vec))
            .transpose()
    }

    /// The keys in `range`, in order, as of this snapshot.
    pub fn scan<K: AsRef<[u8]>>(&self, range: impl RangeBounds<K>) -> Result<Iter> {
        self.view.engine.check_open()?;
        let (lo, hi) = owned_bounds(&range);
        Ok(Iter::new(self.view.clone(), lo, hi))
    }

    /// The keys starting with `prefix`, in order, as of this snapshot.
    pub fn scan_prefix(&self, prefix: impl AsRef<[u8]>) -> Result<Iter> {
        self.view.engine.check_open()?;
        let p = prefix.as_ref();
        Ok(Iter::new(self.view.clone(), std::ops::Bound::Included(p.to_vec()), prefix_end(p)))
    }

    /// Every key, in order, as of this snapshot.
    pub fn iter(&self) -> Result<Iter> {
        self.scan::<&[u8]>(..)
    }

    /// What `key` holds in this snapshot, None if nothing.
    pub fn kind_of(&self, key: impl AsRef<[u8]>) -> Result<Option<crate::Kind>> {
        let engine = &self.view.engine;
        engine.check_open()?;
        let guard = epoch::pin();
        Ok(engine.get_at(key.as_ref(), self.view.seq, &guard).map(|v| v.kind()))
    }

    /// The time-to-live `key` has in this snapshot, counted from now (a key whose expiry has
    /// passed is missing, as it is from every read).
    pub fn ttl(&self, key: impl AsRef<[u8]>) -> Result<crate::Ttl> {
        let engine = &self.view.engine;
        engine.check_open()?;
        let guard = epoch::pin();
        Ok(match engine.get_at(key.as_ref(), self.view.seq, &guard) {
            None => crate::Ttl::Missing,
            Some(v) if v.expires_at() == 0 => crate::Ttl::Forever,
            Some(v) => crate::Ttl::Remaining(std::time::Duration::from_millis(
                v.expires_at().saturating_sub(crate::clock::now_ms()),
            )),
        })
    }

    /// A transaction that reads at this snapshot: every read of it, strings and the typed ones
    /// (`hgetall`, `lrange`, `zrange_by_score`...), sees the store as this snapshot does. Its
    /// writes, if it makes any, commit only if nothing it read has changed since the snapshot.
    ///
    /// ```
    /// let db = scalodb::Db::memory();
    /// db.hset("h", &[("f", "old")]).unwrap();
    /// let snap = db.snapshot().unwrap();
    /// db.hset("h", &[("f", "new")]).unwrap();
    /// assert_eq!(snap.transaction().hget("h", "f").unwrap().as_deref(), Some(&b"old"[..]));
    /// ```
    pub fn transaction(&self) -> crate::Transaction {
        crate::Transaction::new(self.view.clone())
    }

    /// The sequence number this snapshot reads at.
    pub fn sequence(&self) -> u64 {
        self.view.seq
    }
}
