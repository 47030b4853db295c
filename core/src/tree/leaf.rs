//! Leaves of the ordered index: an immutable sorted run of entries and a short append-only tail.
//!
//! Copying a leaf for every insert made allocation and copying most of the cost of a put. So a
//! leaf keeps room for `TAIL_MAX` more entries: the writer stores a new entry in the next free
//! tail slot and then publishes, in one atomic word, the tail's length and the key order of its
//! slots. A reader loads that word once and sees a consistent leaf: the sorted run plus the tail
//! entries in key order, which it merges. The writer builds a new leaf (copy on write) only when
//! the tail is full, when a key does not share the leaf's prefix, or to remove an entry.
//!
//! Entries keep the keys' common prefix once and, per entry, the next 8 key bytes as a big-endian
//! integer ("head"), so a search compares integers and follows an item pointer only on a tie.

use std::cell::UnsafeCell;
use std::cmp::Ordering as Cmp;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_epoch::Guard;

use crate::item::ItemRef;

/// Tail slots per leaf. Seven slot numbers and the length fit in one 64-bit word.
pub(super) const TAIL_MAX: usize = 7;
/// Bits of the published word below the length byte: the slot order, one byte per tail entry.
const ORDER_BITS: u64 = (1 << 56) - 1;

#[derive(Clone, Copy)]
pub(super) struct Entry {
    pub(super) head: u64,
    pub(super) item: ItemRef,
}

pub(super) struct Leaf {
    pub(super) prefix: Arc<[u8]>,
    /// Sorted, never modified.
    pub(super) sorted: Box<[Entry]>,
    /// Top byte: how many tail slots are published. Byte `i` below it: the slot holding the
    /// `i`-th smallest tail key. Slots are filled in order 0, 1, 2...
    published: AtomicU64,
    tail: [UnsafeCell<MaybeUninit<Entry>>; TAIL_MAX],
}

// SAFETY: the only interior mutation is of `tail` slots. The single writer (who holds the commit
// lock) writes a slot only while it is unpublished (index >= the published length), and then
// publishes it with a release store of `published`; readers read only slots below the length
// they loaded with acquire, and a published slot is never written again. So no slot is read and
// written concurrently, and every read sees the completed write.
unsafe impl Sync for Leaf {}
// SAFETY: a Leaf owns plain data (entries are Copy and hold Send item pointers).
unsafe impl Send for Leaf {}

/// The published tail entries of a leaf, in key order, copied out under one load.
pub(super) struct Tail {
    entries: [MaybeUninit<Entry>; TAIL_MAX],
    len: usize,
}

impl Tail {
    pub(super) fn as_slice(&self) -> &[Entry] {
        // SAFETY: the first `len` entries were written by `Leaf::tail` before `len` was set, and
        // MaybeUninit<Entry> has the layout of Entry.
        unsafe { std::slice::from_raw_parts(self.entries.as_ptr() as *const Entry, self.len) }
    }
}

pub(super) fn head_of(key: &[u8], plen: usize) -> u64 {
    let mut b = [0u8; 8];
    if key.len() > plen {
        let n = (key.len() - plen).min(8);
        b[..n].copy_from_slice(&key[plen..plen + n]);
    }
    u64::from_be_bytes(b)
}

pub(super) fn lcp(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Orders two entries of one leaf (same prefix). Keys in a leaf are distinct.
#[inline]
pub(super) fn entry_lt(a: &Entry, b: &Entry, guard: &Guard) -> bool {
    match a.head.cmp(&b.head) {
        Cmp::Equal => a.item.key(guard) < b.item.key(guard),
        c => c == Cmp::Less,
    }
}

/// Where `key` is in `entries` (sorted, sharing `prefix`): `Ok(i)` if entry `i` has it, else
/// `Err(i)` with the insertion point.
pub(super) fn position(entries: &[Entry], prefix: &[u8], key: &[u8], guard: &Guard) -> Result<usize, usize> {
    let n = prefix.len().min(key.len());
    match key[..n].cmp(&prefix[..n]) {
        Cmp::Less => return Err(0),
        Cmp::Greater => return Err(entries.len()),
        Cmp::Equal if key.len() < prefix.len() => return Err(0),
        Cmp::Equal => {}
    }
    let head = head_of(key, prefix.len());
    let (mut lo, mut hi) = (0, entries.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let e = entries[mid];
        let c = match e.head.cmp(&head) {
            Cmp::Equal => e.item.key(guard).cmp(key),
            c => c,
        };
        match c {
            Cmp::Less => lo = mid + 1,
            Cmp::Greater => hi = mid,
            Cmp::Equal => return Ok(mid),
        }
    }
    Err(lo)
}

impl Leaf {
    /// A leaf over `entries` (sorted, heads relative to `prefix`) with an empty tail.
    pub(super) fn new(prefix: Arc<[u8]>, entries: Box<[Entry]>) -> Leaf {
        Leaf {
            prefix,
            sorted: entries,
            published: AtomicU64::new(0),
            tail: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
        }
    }

    pub(super) fn empty() -> Leaf {
        Leaf::new(Arc::from(&[][..]), Box::new([]))
    }

    /// A leaf over `items` (sorted), with the longest common prefix and fresh heads.
    pub(super) fn build(items: &[ItemRef], guard: &Guard) -> Leaf {
        let prefix: Arc<[u8]> = match (items.first(), items.last()) {
            (Some(a), Some(b)) => {
                let (ka, kb) = (a.key(guard), b.key(guard));
                Arc::from(&ka[..lcp(ka, kb)])
            }
            _ => Arc::from(&[][..]),
        };
        let entries = items.iter().map(|&item| Entry { head: head_of(item.key(guard), prefix.len()), item }).collect();
        Leaf::new(prefix, entries)
    }

    /// The published tail, in key order.
    #[inline]
    pub(super) fn tail(&self) -> Tail {
        let word = self.published.load(Ordering::Acquire);
        let len = (word >> 56) as usize;
        let mut t = Tail { entries: [MaybeUninit::uninit(); TAIL_MAX], len: 0 };
        for i in 0..len {
            let slot = ((word >> (8 * i)) & 0xff) as usize;
            // SAFETY: slot numbers below the published length name published slots (see the Sync
            // impl); they were fully written before the acquire-loaded store that published them.
            t.entries[i] = MaybeUninit::new(unsafe { (*self.tail[slot].get()).assume_init() });
        }
        t.len = len;
        t
    }

    /// Every entry in key order: the sorted run merged with the tail, with room for one more.
    pub(super) fn merged(&self, guard: &Guard) -> Vec<Entry> {
        let tail = self.tail();
        let (a, b) = (&self.sorted[..], tail.as_slice());
        let mut out = Vec::with_capacity(a.len() + b.len() + 1);
        let mut i = 0;
        for t in b {
            // Copy the run of sorted entries below `t` in one go.
            let run = a[i..].partition_point(|e| entry_lt(e, t, guard));
            out.extend_from_slice(&a[i..i + run]);
            out.push(*t);
            i += run;
        }
        out.extend_from_slice(&a[i..]);
        out
    }

    /// Adds `item` (whose key, `key`, is not in the leaf) without copying the leaf, if the tail
    /// has room and the key shares the leaf's prefix. Writer only. Returns false if it did not.
    pub(super) fn try_append(&self, key: &[u8], item: ItemRef, guard: &Guard) -> bool {
        let word = self.published.load(Ordering::Relaxed);
        let len = (word >> 56) as usize;
        if len == TAIL_MAX || !key.starts_with(&self.prefix) {
            return false;
        }
        let new = Entry { head: head_of(key, self.prefix.len()), item };
        let tail = self.tail();
        let at = tail.as_slice().iter().position(|e| entry_lt(&new, e, guard)).unwrap_or(len);
        // SAFETY: slot `len` is not published yet, so no reader looks at it (see the Sync impl),
        // and only the writer, which is us, writes slots.
        unsafe { (*self.tail[len].get()).write(new) };
        let order = word & ORDER_BITS;
        let low = order & ((1u64 << (8 * at)) - 1);
        let high = (order >> (8 * at)) << (8 * (at + 1));
        let word = ((len as u64 + 1) << 56) | ((high | low | ((len as u64) << (8 * at))) & ORDER_BITS);
        self.published.store(word, Ordering::Release);
        true
    }
}

/// Calls `f` on the entries of two sorted runs of one leaf in merged key order (or reverse),
/// until `f` returns false. Returns false if `f` did.
#[inline]
pub(super) fn merge(a: &[Entry], b: &[Entry], reverse: bool, guard: &Guard, f: &mut dyn FnMut(&Entry) -> bool) -> bool {
    if b.is_empty() {
        return if reverse { a.iter().rev().all(f) } else { a.iter().all(f) };
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let e = if reverse {
            let (x, y) = (a.len() - i, b.len() - j);
            if y == 0 || (x > 0 && entry_lt(&b[y - 1], &a[x - 1], guard)) {
                i += 1;
                &a[x - 1]
            } else {
                j += 1;
                &b[y - 1]
            }
        } else if j == b.len() || (i < a.len() && entry_lt(&a[i], &b[j], guard)) {
            i += 1;
            &a[i - 1]
        } else {
            j += 1;
            &b[j - 1]
        };
        if !f(e) {
            return false;
        }
    }
    true
}
