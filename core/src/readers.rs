//! The registry of read views (snapshots, scans, checkpoints) and the oldest sequence number any of
//! them reads at. The writer never reclaims a version such a view may need.
//!
//! Plain point reads do not register: if the versions they need were reclaimed under them they
//! see a "trimmed" link and simply read again at the current sequence.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

pub(crate) struct Readers {
    /// Sequence -> number of views at it. The mutex is taken when a view opens or closes, never
    /// by point reads or by the writer.
    views: Mutex<BTreeMap<u64, usize>>,
    /// The smallest key of `views`, or u64::MAX.
    min: AtomicU64,
}

impl Readers {
    pub(crate) fn new() -> Readers {
        Readers { views: Mutex::new(BTreeMap::new()), min: AtomicU64::new(u64::MAX) }
    }

    fn add(views: &mut BTreeMap<u64, usize>, seq: u64) {
        *views.entry(seq).or_insert(0) += 1;
    }

    fn sub(views: &mut BTreeMap<u64, usize>, seq: u64) {
        if let Some(n) = views.get_mut(&seq) {
            *n -= 1;
            if *n == 0 {
                views.remove(&seq);
            }
        }
    }

    fn publish_min(&self, views: &BTreeMap<u64, usize>) {
        let m = views.keys().next().copied().unwrap_or(u64::MAX);
        self.min.store(m, Ordering::SeqCst);
    }

    /// Registers a view at the current value of `visible` and returns its sequence.
    ///
    /// The view is published, then `visible` is read again: if it moved, the writer may already
    /// have trimmed with a newer bound, so we move the view to the new value. With SeqCst on both
    /// sides, a writer that computes its bound after our second read sees our registration.
    pub(crate) fn register(&self, visible: &AtomicU64) -> u64 {
        let mut views = self.views.lock();
        let mut seq = visible.load(Ordering::SeqCst);
        loop {
            Self::add(&mut views, seq);
            self.publish_min(&views);
            let now = visible.load(Ordering::SeqCst);
            if now == seq {
                return seq;
            }
            Self::sub(&mut views, seq);
            seq = now;
        }
    }

    /// Registers a view at a sequence the caller holds stable (under the commit lock).
    pub(crate) fn register_at(&self, seq: u64) {
        let mut views = self.views.lock();
        Self::add(&mut views, seq);
        self.publish_min(&views);
    }

    pub(crate) fn unregister(&self, seq: u64) {
        let mut views = self.views.lock();
        Self::sub(&mut views, seq);
        self.publish_min(&views);
    }

    /// The oldest sequence a registered view reads at (u64::MAX if none).
    #[inline]
    pub(crate) fn min(&self) -> u64 {
        self.min.load(Ordering::SeqCst)
    }

    pub(crate) fn count(&self) -> usize {
        self.views.lock().values().sum()
    }
}
