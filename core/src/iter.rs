//! Ordered iterators over a consistent version of the store.
//!
//! An iterator holds a registered read view (so the versions it reads are never reclaimed) and
//! copies entries out in small chunks, each under a short epoch pin; between chunks it holds no
//! pin, so a slow consumer never holds back memory reclamation, and it resumes by seeking past the
//! last key it saw. It streams: memory is bounded by one chunk at each end.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::Arc;

use crate::engine::Engine;
use crate::error::Result;

/// Entries copied per chunk at most...
const CHUNK: usize = 256;
/// ...and bytes of keys and values per chunk at most (at least one entry is always taken).
const CHUNK_BYTES: usize = 256 * 1024;
/// Keys examined per chunk at most (deleted or invisible keys count too), bounding one pin.
const EXAMINE: usize = 1024;

type Buffer = VecDeque<(Vec<u8>, Vec<u8>)>;

thread_local! {
    /// Chunk buffers of dropped iterators, reused so that a short scan allocates no large block
    /// (with glibc, every large allocation also consolidates the small free chunks: costly).
    static BUFFERS: RefCell<Vec<Buffer>> = const { RefCell::new(Vec::new()) };
}

fn take_buffer() -> Buffer {
    BUFFERS.with(|b| b.borrow_mut().pop()).unwrap_or_default()
}

fn recycle(mut buf: Buffer) {
    if buf.capacity() == 0 || buf.capacity() > CHUNK * 2 {
        return;
    }
    buf.clear();
    BUFFERS.with(|b| {
        let mut pool = b.borrow_mut();
        if pool.len() < 8 {
            pool.push(buf);
        }
    });
}

/// A registered read view: a sequence number and the store it reads.
pub(crate) struct ReadView {
    pub engine: Arc<Engine>,
    pub seq: u64,
}

impl ReadView {
    pub(crate) fn open(engine: &Arc<Engine>) -> Arc<ReadView> {
        let seq = engine.readers.register(&engine.visible);
        Arc::new(ReadView { engine: engine.clone(), seq })
    }
}

impl Drop for ReadView {
    fn drop(&mut self) {
        self.engine.readers.unregister(self.seq);
    }
}

/// An ordered iterator of `(key, value)` pairs; see [`crate::Db::scan`]. Iterate backwards with
/// `.rev()` (or mix `next` and `next_back`).
pub struct Iter {
    view: Arc<ReadView>,
    /// The part of the range not yet copied into a buffer.
    lo: Bound<Vec<u8>>,
    hi: Bound<Vec<u8>>,
    /// Entries copied from the front, in ascending order.
    front: Buffer,
    /// Entries copied from the back, in descending order.
    back: Buffer,
    /// The whole range has been copied into the buffers.
    exhausted: bool,
    failed: bool,
}

pub(crate) fn as_ref(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match b {
        Bound::Included(k) => Bound::Included(k),
        Bound::Excluded(k) => Bound::Excluded(k),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// The smallest key greater than every key that starts with `prefix`.
pub(crate) fn prefix_end(prefix: &[u8]) -> Bound<Vec<u8>> {
    let mut p = prefix.to_vec();
    while let Some(last) = p.pop() {
        if last < 0xff {
            p.push(last + 1);
            return Bound::Excluded(p);
        }
    }
    Bound::Unbounded
}

impl Iter {
    pub(crate) fn new(view: Arc<ReadView>, lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> Iter {
        view.engine.ops.scans.incr();
        Iter { view, lo, hi, front: take_buffer(), back: VecDeque::new(), exhausted: false, failed: false }
    }

    fn refill(&mut self, reverse: bool) -> Result<()> {
        if self.exhausted {
            return Ok(());
        }
        self.view.engine.check_open()?;
        if reverse && self.back.capacity() == 0 {
            self.back = take_buffer();
        }
        let out = if reverse { &mut self.back } else { &mut self.front };
        let (mut bytes, mut taken) = (0, 0);
        let mut copy = |k: &[u8], v: crate::item::VersionRef<'_>| {
            let value = v.value();
            bytes += k.len() + value.len();
            taken += 1;
            out.push_back((k.to_vec(), value.to_vec()));
            taken < CHUNK && bytes < CHUNK_BYTES
        };
        let seq = self.view.seq;
        let stopped = self.view.engine.scan_chunk(as_ref(&self.lo), as_ref(&self.hi), reverse, seq, EXAMINE, &mut copy);
        match stopped {
            None => self.exhausted = true,
            Some(last) if reverse => self.hi = Bound::Excluded(last),
            Some(last) => self.lo = Bound::Excluded(last),
        }
        Ok(())
    }

    fn step(&mut self, reverse: bool) -> Option<Result<(Vec<u8>, Vec<u8>)>> {
        if self.failed {
            return None;
        }
        loop {
            let (mine, theirs) =
                if reverse { (&mut self.back, &mut self.front) } else { (&mut self.front, &mut self.back) };
            if let Some(e) = mine.pop_front() {
                return Some(Ok(e));
            }
            if self.exhausted {
                // What is left was copied by the other end; take it from its far side.
                return theirs.pop_back().map(Ok);
            }
            if let Err(e) = self.refill(reverse) {
                self.failed = true;
                return Some(Err(e));
            }
        }
    }
}

impl Iter {
    /// Visits the remaining entries front to back without copying them: `f` gets borrowed key and
    /// value bytes and returns false to stop. The fastest way to read a range. `f` runs while an
    /// epoch is pinned (re-pinned every few hundred entries), so keep it short; it must not call
    /// back into the database.
    ///
    /// ```
    /// let db = scalodb::Db::memory();
    /// db.put("a:1", "x").unwrap();
    /// db.put("a:2", "yy").unwrap();
    /// let mut total = 0;
    /// db.scan_prefix("a:").unwrap().visit(|_key, value| { total += value.len(); true }).unwrap();
    /// assert_eq!(total, 3);
    /// ```
    pub fn visit(mut self, mut f: impl FnMut(&[u8], &[u8]) -> bool) -> Result<()> {
        while let Some((k, v)) = self.front.pop_front() {
            if !f(&k, &v) {
                return Ok(());
            }
        }
        loop {
            if self.exhausted {
                while let Some((k, v)) = self.back.pop_back() {
                    if !f(&k, &v) {
                        return Ok(());
                    }
                }
                return Ok(());
            }
            self.view.engine.check_open()?;
            let mut stop = false;
            let seq = self.view.seq;
            let stopped =
                self.view.engine.scan_chunk(as_ref(&self.lo), as_ref(&self.hi), false, seq, CHUNK, &mut |k, v| {
                    stop = !f(k, v.value());
                    !stop
                });
            match stopped {
                _ if stop => return Ok(()),
                None => self.exhausted = true,
                Some(last) => self.lo = Bound::Excluded(last),
            }
        }
    }
}

impl Drop for Iter {
    fn drop(&mut self) {
        recycle(std::mem::take(&mut self.front));
        recycle(std::mem::take(&mut self.back));
    }
}

impl Iterator for Iter {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        self.step(false)
    }
}

impl DoubleEndedIterator for Iter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.step(true)
    }
}

/// Turns any `RangeBounds` over byte-like keys into owned bounds.
pub(crate) fn owned_bounds<K: AsRef<[u8]>>(r: &impl std::ops::RangeBounds<K>) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let own = |b: Bound<&K>| match b {
        Bound::Included(k) => Bound::Included(k.as_ref().to_vec()),
        Bound::Excluded(k) => Bound::Excluded(k.as_ref().to_vec()),
        Bound::Unbounded => Bound::Unbounded,
    };
    (own(r.start_bound()), own(r.end_bound()))
}
