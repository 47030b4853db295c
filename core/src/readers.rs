//! The registry of read views (snapshots, scans, checkpoints), the oldest sequence number any of
//! them reads at, and the handshake between a view that registers and the writer that trims.
//!
//! Plain point reads do not register: if the versions they need were reclaimed under them they
//! see a "trimmed" link and simply read again at the current sequence.
//!
//! The handshake. A view registers at the current `visible` while the writer keeps publishing
//! newer sequences and trimming versions older than `keep` (`Readers::keep`: the oldest view, or
//! `visible`). It must never happen that a view returns sequence `s` while the writer trims with
//! a `keep` above `s`. Both sides store, then issue a SeqCst fence, then load (the
//! store-buffering pattern): the view stores its registration (`min`) and loads `visible`; the
//! writer stores `visible` (`publish`) and, before trimming, loads `min`. The fences guarantee that
//! at least one side sees the other's store: either the view's second load of `visible` sees the
//! newer sequence (it then moves to it and tries again), or the writer's load of `min` sees the
//! registration (so `keep <= s`). The loom model at the end of this file checks every interleaving
//! of this code; run it with `make check-loom`.

use std::collections::BTreeMap;

#[cfg(loom)]
use loom::sync::atomic::{fence, AtomicU64, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{fence, AtomicU64, Ordering};

#[cfg(loom)]
struct Mutex<T>(loom::sync::Mutex<T>);
#[cfg(loom)]
impl<T> Mutex<T> {
    fn new(t: T) -> Self {
        Mutex(loom::sync::Mutex::new(t))
    }

    fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap()
    }
}
#[cfg(not(loom))]
use parking_lot::Mutex;

/// The published sequence number: the newest commit readers may see. The engine's `visible`.
pub(crate) type Visible = AtomicU64;

pub(crate) struct Readers {
    /// Sequence -> number of views at it. The mutex is taken when a view opens or closes, never
    /// by point reads or by the writer.
    views: Mutex<BTreeMap<u64, usize>>,
    /// The smallest key of `views`, or u64::MAX.
    min: AtomicU64,
}

/// Makes `seq` the published sequence (the writer, or the group-commit leader). The store may be
/// a plain release: the fence in `Readers::keep` orders it before the writer's next trim.
#[inline]
pub(crate) fn publish(visible: &Visible, seq: u64) {
    visible.store(seq, Ordering::Release);
}

/// Raises the published sequence to `seq` if it is below (group commit: several leaders).
#[inline]
pub(crate) fn publish_max(visible: &Visible, seq: u64) {
    visible.fetch_max(seq, Ordering::AcqRel);
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
        self.min.store(m, Ordering::Release);
    }

    /// Registers a view at the current value of `visible` and returns its sequence (see the
    /// handshake above).
    pub(crate) fn register(&self, visible: &Visible) -> u64 {
        let mut views = self.views.lock();
        let mut seq = visible.load(Ordering::Acquire);
        loop {
            Self::add(&mut views, seq);
            self.publish_min(&views);
            fence(Ordering::SeqCst);
            let now = visible.load(Ordering::Acquire);
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

    /// The oldest sequence any reader may still read at, for the writer about to trim: versions
    /// shadowed at this point can go (see the handshake above).
    #[inline]
    pub(crate) fn keep(&self, visible: &Visible) -> u64 {
        fence(Ordering::SeqCst);
        self.min.load(Ordering::Acquire).min(visible.load(Ordering::Acquire))
    }

    pub(crate) fn count(&self) -> usize {
        self.views.lock().values().sum()
    }
}

/// Every interleaving (within loom's bounds) of a view registering, reading and closing while the
/// writer publishes two commits and trims after each: no view ever gets a sequence below a `keep`
/// the writer trimmed with. A ghost record (under its own mutex, which orders the two checks)
/// holds the registered sequences and the highest `keep` used.
#[cfg(all(test, loom))]
mod loom_model {
    use super::*;
    use loom::sync::Arc;

    #[derive(Default)]
    struct Ghost {
        views: Vec<u64>,
        trimmed_with: u64,
    }

    #[test]
    fn no_view_reads_below_what_the_writer_trims() {
        loom::model(|| {
            let readers = Arc::new(Readers::new());
            let visible = Arc::new(AtomicU64::new(1));
            let ghost = Arc::new(loom::sync::Mutex::new(Ghost::default()));
            let view = {
                let (readers, visible, ghost) = (readers.clone(), visible.clone(), ghost.clone());
                loom::thread::spawn(move || {
                    let s = readers.register(&visible);
                    {
                        let mut g = ghost.lock().unwrap();
                        assert!(g.trimmed_with <= s, "a view at {s} after a trim with keep {}", g.trimmed_with);
                        g.views.push(s);
                    }
                    // Out of the ghost record first: once unregistered, trimming past s is fine.
                    ghost.lock().unwrap().views.retain(|&v| v != s);
                    readers.unregister(s);
                })
            };
            for seq in 2..=3 {
                publish(&visible, seq);
                let keep = readers.keep(&visible);
                let mut g = ghost.lock().unwrap();
                assert!(g.views.iter().all(|&v| v >= keep), "trimming with keep {keep} under views {:?}", g.views);
                g.trimmed_with = g.trimmed_with.max(keep);
            }
            view.join().unwrap();
        });
    }
}
