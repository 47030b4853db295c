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

    /// The sequence number this snapshot reads at.
    pub fn sequence(&self) -> u64 {
        self.view.seq
    }
}
