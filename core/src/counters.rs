//! Operation counters that many threads bump without sharing a cache line: each counter is striped
//! over padded slots and a thread always uses the same slot.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

const STRIPES: usize = 16;

#[repr(align(128))]
#[derive(Default)]
struct Padded(AtomicU64);

/// A counter summed over stripes on read.
#[derive(Default)]
pub(crate) struct Counter {
    stripes: [Padded; STRIPES],
}

fn stripe() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static MINE: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    MINE.with(|m| {
        if m.get() == usize::MAX {
            m.set(NEXT.fetch_add(1, Ordering::Relaxed) % STRIPES);
        }
        m.get()
    })
}

impl Counter {
    #[inline]
    pub(crate) fn add(&self, n: u64) {
        self.stripes[stripe()].0.fetch_add(n, Ordering::Relaxed);
    }

    #[inline]
    pub(crate) fn incr(&self) {
        self.add(1);
    }

    pub(crate) fn get(&self) -> u64 {
        self.stripes.iter().map(|s| s.0.load(Ordering::Relaxed)).sum()
    }
}

/// Counters of the operations served, for `Db::stats`.
#[derive(Default)]
pub(crate) struct OpCounters {
    pub gets: Counter,
    pub puts: Counter,
    pub deletes: Counter,
    pub batches: Counter,
    pub scans: Counter,
    pub fsyncs: Counter,
    pub evictions: Counter,
    pub expired: Counter,
    pub transactions: Counter,
    pub conflicts: Counter,
}
