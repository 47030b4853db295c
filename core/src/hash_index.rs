//! The point-lookup index: an open-addressing hash table from key to item.
//!
//! Each slot is one word: the item's address in the low 48 bits and the top 16 bits of the key's
//! hash in the high bits, so a probe compares tags without touching the item and follows at most
//! one pointer for a hit. Readers probe with acquire loads and take no lock. Only the writer (who
//! holds the commit lock) inserts, removes or resizes; a resize builds a whole new table and
//! publishes it with one store, and the old table is freed after an epoch.

use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_epoch::{Atomic, Guard, Owned};

use crate::hash::hash_key;
use crate::item::ItemRef;
use crate::reclaim::Reclaimer;

const EMPTY: usize = 0;
/// A slot whose item was removed; probes continue past it.
const DELETED: usize = 1;
const ADDR_BITS: u32 = 48;
const ADDR_MASK: usize = (1 << ADDR_BITS) - 1;

struct Table {
    slots: Box<[AtomicUsize]>,
    mask: usize,
}

impl Table {
    fn with_capacity(cap: usize) -> Table {
        let cap = cap.next_power_of_two().max(16);
        Table { slots: (0..cap).map(|_| AtomicUsize::new(EMPTY)).collect(), mask: cap - 1 }
    }
}

/// Writer-only bookkeeping of the hash index, kept under the commit lock.
#[derive(Default)]
pub(crate) struct HashWriter {
    len: usize,
    deleted: usize,
}

impl HashWriter {
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

pub(crate) struct HashIndex {
    seed: u64,
    table: Atomic<Table>,
}

#[inline]
fn tag(hash: u64) -> usize {
    ((hash >> ADDR_BITS) as usize) << ADDR_BITS
}

#[inline]
fn encode(item: ItemRef, hash: u64) -> usize {
    let addr = item.addr();
    assert!(addr & !ADDR_MASK == 0, "item address {addr:#x} does not fit in 48 bits");
    addr | tag(hash)
}

impl HashIndex {
    pub(crate) fn new(seed: u64) -> HashIndex {
        HashIndex { seed, table: Atomic::new(Table::with_capacity(1024)) }
    }

    #[inline]
    pub(crate) fn hash(&self, key: &[u8]) -> u64 {
        hash_key(self.seed, key)
    }

    /// Finds the item of `key`. Lock-free.
    #[inline]
    pub(crate) fn get(&self, key: &[u8], hash: u64, guard: &Guard) -> Option<ItemRef> {
        // SAFETY: the table pointer is never null and tables are retired through the epoch.
        let table = unsafe { self.table.load(Ordering::Acquire, guard).deref() };
        let want = tag(hash);
        let mut i = hash as usize & table.mask;
        loop {
            let s = table.slots[i].load(Ordering::Acquire);
            if s == EMPTY {
                return None;
            }
            if s != DELETED && s & !ADDR_MASK == want {
                // SAFETY: a published slot holds a live item until the writer removes it, and
                // removal retires it through the epoch we are pinned in.
                let item = unsafe { ItemRef::from_addr(s & ADDR_MASK) };
                if item.key(guard) == key {
                    return Some(item);
                }
            }
            i = (i + 1) & table.mask;
        }
    }

    /// Adds an item whose key is not in the index. Writer only.
    pub(crate) fn insert(&self, w: &mut HashWriter, item: ItemRef, hash: u64, guard: &Guard, rec: &mut Reclaimer) {
        // SAFETY: see get.
        let mut table = unsafe { self.table.load(Ordering::Acquire, guard).deref() };
        if (w.len + w.deleted + 1) * 4 > table.slots.len() * 3 {
            self.resize(w, guard, rec);
            // SAFETY: see get.
            table = unsafe { self.table.load(Ordering::Acquire, guard).deref() };
        }
        let mut i = hash as usize & table.mask;
        loop {
            let s = table.slots[i].load(Ordering::Relaxed);
            if s == EMPTY || s == DELETED {
                if s == DELETED {
                    w.deleted -= 1;
                }
                table.slots[i].store(encode(item, hash), Ordering::Release);
                w.len += 1;
                return;
            }
            i = (i + 1) & table.mask;
        }
    }

    /// Removes `item` (found by address). Writer only. Returns whether it was there.
    pub(crate) fn remove(&self, w: &mut HashWriter, item: ItemRef, hash: u64, guard: &Guard) -> bool {
        // SAFETY: see get.
        let table = unsafe { self.table.load(Ordering::Acquire, guard).deref() };
        let mut i = hash as usize & table.mask;
        loop {
            let s = table.slots[i].load(Ordering::Relaxed);
            if s == EMPTY {
                return false;
            }
            if s & ADDR_MASK == item.addr() {
                table.slots[i].store(DELETED, Ordering::Release);
                w.len -= 1;
                w.deleted += 1;
                return true;
            }
            i = (i + 1) & table.mask;
        }
    }

    /// Rebuilds the table smaller once most keys are gone, so a store that emptied does not keep
    /// its peak-size table. Writer only.
    pub(crate) fn maybe_shrink(&self, w: &mut HashWriter, guard: &Guard, rec: &mut Reclaimer) {
        let cap = self.capacity(guard);
        if cap > 1024 && (w.len + 1) * 8 < cap {
            self.resize(w, guard, rec);
        }
    }

    /// Points the slot holding `old` at `new` (a compacted copy with the same key). Writer only.
    /// Returns whether `old` was there.
    pub(crate) fn replace(&self, old: ItemRef, new: ItemRef, hash: u64, guard: &Guard) -> bool {
        // SAFETY: see get.
        let table = unsafe { self.table.load(Ordering::Acquire, guard).deref() };
        let mut i = hash as usize & table.mask;
        loop {
            let s = table.slots[i].load(Ordering::Relaxed);
            if s == EMPTY {
                return false;
            }
            if s & ADDR_MASK == old.addr() {
                // Release: a reader that loads the new slot sees the new item's contents.
                table.slots[i].store(encode(new, hash), Ordering::Release);
                return true;
            }
            i = (i + 1) & table.mask;
        }
    }

    fn resize(&self, w: &mut HashWriter, guard: &Guard, rec: &mut Reclaimer) {
        let old_shared = self.table.load(Ordering::Acquire, guard);
        // SAFETY: see get.
        let old = unsafe { old_shared.deref() };
        let new = Table::with_capacity((w.len + 1) * 2);
        for slot in old.slots.iter() {
            let s = slot.load(Ordering::Relaxed);
            if s == EMPTY || s == DELETED {
                continue;
            }
            // SAFETY: live slot, see get.
            let item = unsafe { ItemRef::from_addr(s & ADDR_MASK) };
            let hash = self.hash(item.key(guard));
            let mut i = hash as usize & new.mask;
            while new.slots[i].load(Ordering::Relaxed) != EMPTY {
                i = (i + 1) & new.mask;
            }
            new.slots[i].store(s, Ordering::Relaxed);
        }
        w.deleted = 0;
        self.table.store(Owned::new(new), Ordering::Release);
        /// # Safety
        /// `addr` is a table allocated by `Owned::new` that nothing references any more.
        unsafe fn free_table(addr: usize) {
            // SAFETY: forwarded contract.
            drop(unsafe { Owned::<Table>::from_raw(addr as *mut Table) });
        }
        let bytes = old.slots.len() * std::mem::size_of::<AtomicUsize>();
        // SAFETY: the old table is unreachable for new readers, retired once, from Owned::new.
        unsafe { rec.retire(old_shared.as_raw() as usize, free_table, bytes) };
    }

    /// The item in slot `i` (modulo the table size), if any: for random sampling. Writer only.
    pub(crate) fn slot_item(&self, i: usize, guard: &Guard) -> Option<ItemRef> {
        // SAFETY: see get.
        let table = unsafe { self.table.load(Ordering::Acquire, guard).deref() };
        let s = table.slots[i & table.mask].load(Ordering::Relaxed);
        // SAFETY: a live slot holds a live item (writer only, so nothing removes it meanwhile).
        (s != EMPTY && s != DELETED).then(|| unsafe { ItemRef::from_addr(s & ADDR_MASK) })
    }

    /// Slots in the current table.
    pub(crate) fn capacity(&self, guard: &Guard) -> usize {
        // SAFETY: see get.
        unsafe { self.table.load(Ordering::Acquire, guard).deref() }.slots.len()
    }

    /// Calls `f` on every item. Writer only (or at teardown).
    pub(crate) fn for_each(&self, guard: &Guard, mut f: impl FnMut(ItemRef)) {
        // SAFETY: see get.
        let table = unsafe { self.table.load(Ordering::Acquire, guard).deref() };
        for slot in table.slots.iter() {
            let s = slot.load(Ordering::Acquire);
            if s != EMPTY && s != DELETED {
                // SAFETY: live slot, see get.
                f(unsafe { ItemRef::from_addr(s & ADDR_MASK) });
            }
        }
    }
}

impl Drop for HashIndex {
    fn drop(&mut self) {
        // SAFETY: we have exclusive access; no reader can hold the table any more.
        unsafe {
            let t = self.table.load(Ordering::Relaxed, crossbeam_epoch::unprotected());
            drop(t.into_owned());
        }
    }
}
