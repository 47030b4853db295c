//! The point-lookup index: an open-addressing hash table from key to item, grown and shrunk
//! incrementally.
//!
//! Each slot is one word: the item's address in the low 48 bits and the top 16 bits of the key's
//! hash in the high bits, so a probe compares tags without touching the item and follows at most
//! one pointer for a hit. Readers probe with acquire loads and take no lock. Only the writer (who
//! holds the commit lock) inserts, removes or resizes.
//!
//! Why incremental: rebuilding the whole table at once stalled one put for 1.38 s at 6.3M keys
//! (every item re-hashed under the commit lock). So a resize publishes an empty table beside the
//! current one (`old`), and the writer moves a few old slots per insert (`MIGRATE_PER_INSERT`,
//! enough to finish before the new table needs to grow) plus whatever the maintenance thread
//! moves when writes are idle; new keys go to the new table only. Tables are allocated zeroed by
//! the OS (an empty slot is 0), so even a table of hundreds of MiB costs nothing until touched.
//!
//! Readers during a migration: a moved slot is copied into the new table first and then marked
//! `DELETED` in the old one (both release stores), and a reader probes the old table before the
//! new one, so seeing the mark implies seeing the copy. A reader that took the table pointer
//! before a resize started checks it again after a miss and retries if it changed.

use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_epoch::{Atomic, Guard, Owned, Shared};

use crate::hash::hash_key;
use crate::item::ItemRef;
use crate::reclaim::Reclaimer;

const EMPTY: usize = 0;
/// A slot whose item was removed or moved to the new table; probes continue past it.
const DELETED: usize = 1;
const ADDR_BITS: u32 = 48;
const ADDR_MASK: usize = (1 << ADDR_BITS) - 1;
/// Old slots moved per insert while a migration runs. A resize starts at 3/4 load and at least
/// doubles the table, so the new table takes at least `old capacity / 2` inserts before it must
/// grow again: moving 4 per insert finishes with room to spare.
const MIGRATE_PER_INSERT: usize = 4;
const MIN_CAPACITY: usize = 1024;

/// A table of slots, allocated zeroed (all `EMPTY`).
struct Table {
    slots: *mut AtomicUsize,
    mask: usize,
}

// SAFETY: the slots are atomics; the pointer is owned by the table and freed once, at drop.
unsafe impl Send for Table {}
// SAFETY: see Send: all access to the slots goes through atomics.
unsafe impl Sync for Table {}

impl Table {
    fn layout(cap: usize) -> Layout {
        Layout::array::<AtomicUsize>(cap).expect("hash table layout")
    }

    fn with_capacity(cap: usize) -> Table {
        let cap = cap.next_power_of_two().max(MIN_CAPACITY);
        let layout = Table::layout(cap);
        // SAFETY: the layout is non-empty. Zeroed memory is a valid array of AtomicUsize (0 is
        // EMPTY), and big allocations come zeroed from the OS without being touched here.
        let slots = unsafe { alloc_zeroed(layout) } as *mut AtomicUsize;
        if slots.is_null() {
            handle_alloc_error(layout);
        }
        Table { slots, mask: cap - 1 }
    }

    fn capacity(&self) -> usize {
        self.mask + 1
    }

    #[inline]
    fn slot(&self, i: usize) -> &AtomicUsize {
        // SAFETY: `i & mask` is below the capacity the array was allocated with.
        unsafe { &*self.slots.add(i & self.mask) }
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        // SAFETY: allocated in with_capacity with this layout; freed once.
        unsafe { dealloc(self.slots as *mut u8, Table::layout(self.capacity())) };
    }
}

/// Writer-only bookkeeping of the hash index, kept under the commit lock.
#[derive(Default)]
pub(crate) struct HashWriter {
    /// Live entries in both tables.
    len: usize,
    /// `DELETED` slots in the current (new) table.
    deleted: usize,
    /// Live entries still in the old table, and the next old slot to move.
    old_len: usize,
    next_move: usize,
    /// Set by a resize that grew the table: (new capacity, time taken to allocate it), taken
    /// by the commit path to report `Event::IndexGrown`.
    pub(crate) grown: Option<(u64, std::time::Duration)>,
}

impl HashWriter {
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

pub(crate) struct HashIndex {
    seed: u64,
    /// The table new keys go to.
    table: Atomic<Table>,
    /// The table being migrated from, or null.
    old: Atomic<Table>,
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

fn table_ref<'g>(s: Shared<'g, Table>) -> Option<&'g Table> {
    // SAFETY: tables are retired through the epoch the caller's guard pins.
    unsafe { s.as_ref() }
}

/// Finds `key` in `table`; `None` when a probe reaches an empty slot.
#[inline]
fn probe(table: &Table, key: &[u8], hash: u64, guard: &Guard) -> Option<ItemRef> {
    let want = tag(hash);
    let mut i = hash as usize;
    loop {
        let s = table.slot(i).load(Ordering::Acquire);
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
        i = i.wrapping_add(1);
    }
}

/// The index of the slot holding `item`, if it is in `table`.
fn find_slot(table: &Table, item: ItemRef, hash: u64) -> Option<usize> {
    let mut i = hash as usize;
    loop {
        let s = table.slot(i).load(Ordering::Relaxed);
        if s == EMPTY {
            return None;
        }
        if s & ADDR_MASK == item.addr() {
            return Some(i & table.mask);
        }
        i = i.wrapping_add(1);
    }
}

/// Stores `word` in the first free slot of `table` for `hash`; returns whether it reused a
/// `DELETED` slot. The callers keep every table at most 3/4 full, so a free slot exists.
fn place(table: &Table, hash: u64, word: usize) -> bool {
    let mut i = hash as usize;
    for _ in 0..table.capacity() {
        let s = table.slot(i).load(Ordering::Relaxed);
        if s == EMPTY || s == DELETED {
            table.slot(i).store(word, Ordering::Release);
            return s == DELETED;
        }
        i = i.wrapping_add(1);
    }
    panic!("hash table of {} slots has no free slot (the load bound was broken)", table.capacity());
}

/// Retires a table that readers may still be probing.
fn retire_table(t: Shared<'_, Table>, rec: &mut Reclaimer) {
    /// # Safety
    /// `addr` is a table allocated by `Owned::new` that nothing references any more.
    unsafe fn free_table(addr: usize) {
        // SAFETY: forwarded contract.
        drop(unsafe { Owned::<Table>::from_raw(addr as *mut Table) });
    }
    let bytes = table_ref(t).map_or(0, |t| t.capacity() * std::mem::size_of::<AtomicUsize>());
    // SAFETY: the caller unpublished `t`, it came from Owned::new, and it is retired once.
    unsafe { rec.retire(t.as_raw() as usize, free_table, bytes) };
}

impl HashIndex {
    pub(crate) fn new(seed: u64) -> HashIndex {
        HashIndex { seed, table: Atomic::new(Table::with_capacity(MIN_CAPACITY)), old: Atomic::null() }
    }

    #[inline]
    pub(crate) fn hash(&self, key: &[u8]) -> u64 {
        hash_key(self.seed, key)
    }

    /// Finds the item of `key`. Lock-free.
    #[inline]
    pub(crate) fn get(&self, key: &[u8], hash: u64, guard: &Guard) -> Option<ItemRef> {
        loop {
            let table = self.table.load(Ordering::Acquire, guard);
            // Loaded after `table`: a resize publishes `old` before the new table.
            if let Some(old) = table_ref(self.old.load(Ordering::Acquire, guard)) {
                if let Some(item) = probe(old, key, hash, guard) {
                    return Some(item);
                }
            }
            let current = table_ref(table).expect("the table is never null");
            if let Some(item) = probe(current, key, hash, guard) {
                return Some(item);
            }
            // A miss is final unless a resize started since `table` was loaded (and may have
            // moved the key out of the table we probed).
            if self.table.load(Ordering::Acquire, guard) == table {
                return None;
            }
        }
    }

    fn current<'g>(&self, guard: &'g Guard) -> &'g Table {
        table_ref(self.table.load(Ordering::Acquire, guard)).expect("the table is never null")
    }

    /// Adds an item whose key is not in the index. Writer only.
    pub(crate) fn insert(&self, w: &mut HashWriter, item: ItemRef, hash: u64, guard: &Guard, rec: &mut Reclaimer) {
        if w.old_len > 0 || !self.old.load(Ordering::Relaxed, guard).is_null() {
            self.migrate(w, MIGRATE_PER_INSERT, guard, rec);
        }
        let mut table = self.current(guard);
        // Counting the entries still in the old table too: they all move here, so the table must
        // have room for them. (A shrink's small table fills with new keys while the old one is
        // still being emptied.)
        if (w.len + w.deleted + 1) * 4 > table.capacity() * 3 {
            // Rarely reached with a migration still running (it is paced to end first); finish it.
            self.migrate(w, usize::MAX, guard, rec);
            self.start_resize(w, (w.len + 1) * 2, guard);
            table = self.current(guard);
        }
        if place(table, hash, encode(item, hash)) {
            w.deleted -= 1;
        }
        w.len += 1;
    }

    /// Removes `item` (found by address). Writer only. Returns whether it was there.
    pub(crate) fn remove(&self, w: &mut HashWriter, item: ItemRef, hash: u64, guard: &Guard) -> bool {
        if let Some(old) = table_ref(self.old.load(Ordering::Relaxed, guard)) {
            if let Some(i) = find_slot(old, item, hash) {
                old.slot(i).store(DELETED, Ordering::Release);
                w.len -= 1;
                w.old_len -= 1;
                return true;
            }
        }
        let table = self.current(guard);
        match find_slot(table, item, hash) {
            Some(i) => {
                table.slot(i).store(DELETED, Ordering::Release);
                w.len -= 1;
                w.deleted += 1;
                true
            }
            None => false,
        }
    }

    /// Points the slot holding `old` at `new` (a compacted copy with the same key). Writer only.
    /// Returns whether `old` was there.
    pub(crate) fn replace(&self, old: ItemRef, new: ItemRef, hash: u64, guard: &Guard) -> bool {
        let tables = [self.old.load(Ordering::Relaxed, guard), self.table.load(Ordering::Relaxed, guard)];
        for t in tables.into_iter().filter_map(table_ref) {
            if let Some(i) = find_slot(t, old, hash) {
                // Release: a reader that loads the new slot sees the new item's contents.
                t.slot(i).store(encode(new, hash), Ordering::Release);
                return true;
            }
        }
        false
    }

    /// Publishes an empty table of at least `cap` slots beside the current one, which becomes
    /// the table being migrated from. Writer only; no migration may be running.
    fn start_resize(&self, w: &mut HashWriter, cap: usize, guard: &Guard) {
        debug_assert!(self.old.load(Ordering::Relaxed, guard).is_null());
        let started = std::time::Instant::now();
        let current = self.table.load(Ordering::Relaxed, guard);
        // `old` first: a reader that sees the new table then sees the old one too.
        self.old.store(current, Ordering::Release);
        self.table.store(Owned::new(Table::with_capacity(cap)), Ordering::Release);
        w.old_len = w.len;
        w.deleted = 0;
        w.next_move = 0;
        if cap > table_ref(current).map_or(0, Table::capacity) {
            w.grown = Some((cap as u64, started.elapsed()));
        }
    }

    /// Moves up to `budget` slots of the old table into the current one, and retires the old
    /// table once it is empty. Writer only. Returns true if a migration is still running.
    pub(crate) fn migrate(&self, w: &mut HashWriter, budget: usize, guard: &Guard, rec: &mut Reclaimer) -> bool {
        let old_s = self.old.load(Ordering::Relaxed, guard);
        let Some(old) = table_ref(old_s) else { return false };
        let table = self.current(guard);
        let mut moved = 0;
        while w.next_move < old.capacity() && w.old_len > 0 && moved < budget {
            let slot = old.slot(w.next_move);
            let s = slot.load(Ordering::Relaxed);
            if s != EMPTY && s != DELETED {
                // SAFETY: a live slot holds a live item (writer only, nothing removes it now).
                let item = unsafe { ItemRef::from_addr(s & ADDR_MASK) };
                let hash = self.hash(item.key(guard));
                // The copy first, then the mark: a reader that sees the mark sees the copy.
                if place(table, hash, s) {
                    w.deleted -= 1;
                }
                slot.store(DELETED, Ordering::Release);
                w.old_len -= 1;
            }
            w.next_move += 1;
            moved += 1;
        }
        if w.old_len > 0 {
            return true;
        }
        self.old.store(Shared::null(), Ordering::Release);
        retire_table(old_s, rec);
        false
    }

    /// Starts shrinking the table once most keys are gone, so a store that emptied does not keep
    /// its peak-size table. Writer only; the migration then proceeds like a growth.
    pub(crate) fn maybe_shrink(&self, w: &mut HashWriter, guard: &Guard) {
        let cap = self.current(guard).capacity();
        if self.old.load(Ordering::Relaxed, guard).is_null() && cap > MIN_CAPACITY && (w.len + 1) * 8 < cap {
            // Room for the keys to double before the next growth.
            self.start_resize(w, (w.len + 1) * 4, guard);
        }
    }

    /// The item in slot `i` (modulo the table size), if any: for random sampling. Writer only.
    pub(crate) fn slot_item(&self, i: usize, guard: &Guard) -> Option<ItemRef> {
        // Sample the old table while it holds most of the keys.
        let table = match table_ref(self.old.load(Ordering::Relaxed, guard)) {
            Some(old) if i % 2 == 0 => old,
            _ => self.current(guard),
        };
        let s = table.slot(i).load(Ordering::Relaxed);
        // SAFETY: a live slot holds a live item (writer only, so nothing removes it meanwhile).
        (s != EMPTY && s != DELETED).then(|| unsafe { ItemRef::from_addr(s & ADDR_MASK) })
    }

    /// Slots in the tables (both during a migration).
    pub(crate) fn capacity(&self, guard: &Guard) -> usize {
        let old = table_ref(self.old.load(Ordering::Acquire, guard)).map_or(0, Table::capacity);
        old + self.current(guard).capacity()
    }

    /// Calls `f` on every item. Writer only (or at teardown).
    pub(crate) fn for_each(&self, guard: &Guard, mut f: impl FnMut(ItemRef)) {
        let tables = [self.old.load(Ordering::Acquire, guard), self.table.load(Ordering::Acquire, guard)];
        for t in tables.into_iter().filter_map(table_ref) {
            for i in 0..t.capacity() {
                let s = t.slot(i).load(Ordering::Acquire);
                if s != EMPTY && s != DELETED {
                    // SAFETY: live slot, see get.
                    f(unsafe { ItemRef::from_addr(s & ADDR_MASK) });
                }
            }
        }
    }
}

impl Drop for HashIndex {
    fn drop(&mut self) {
        // SAFETY: we have exclusive access; no reader can hold a table any more.
        unsafe {
            let guard = crossbeam_epoch::unprotected();
            for t in [self.table.load(Ordering::Relaxed, guard), self.old.load(Ordering::Relaxed, guard)] {
                if !t.is_null() {
                    drop(t.into_owned());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::NewVersion;
    use crossbeam_epoch as epoch;

    fn item(key: &[u8]) -> ItemRef {
        ItemRef::alloc(key, &NewVersion { seq: 1, expires_at: 0, value: Some(b"v") })
    }

    /// Random inserts, removals, shrinks and migration steps against a model: every key stays
    /// findable and no table ever runs out of free slots.
    #[test]
    fn random_growth_and_shrinking_match_a_model() {
        let guard = epoch::pin();
        let mut rec = Reclaimer::default();
        let index = HashIndex::new(11);
        let mut w = HashWriter::default();
        let mut live: Vec<(Vec<u8>, ItemRef)> = Vec::new();
        let mut all = Vec::new();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for step in 0..300_000u32 {
            // Phases: mostly inserts, then mostly removals, so the table grows and shrinks.
            let growing = (step / 30_000) % 2 == 0;
            match next() % 100 {
                r if r < if growing { 80 } else { 20 } => {
                    let k = format!("k{step}").into_bytes();
                    let it = item(&k);
                    index.insert(&mut w, it, index.hash(&k), &guard, &mut rec);
                    live.push((k, it));
                    all.push(it);
                }
                r if r < 97 => {
                    if !live.is_empty() {
                        let (k, it) = live.swap_remove(next() as usize % live.len());
                        assert!(index.remove(&mut w, it, index.hash(&k), &guard));
                    }
                }
                98 => index.maybe_shrink(&mut w, &guard),
                _ => {
                    index.migrate(&mut w, (next() % 64) as usize, &guard, &mut rec);
                }
            }
            if step % 500 == 0 {
                // Probes stay short only while a table is at most 3/4 used (live or deleted).
                let t = index.current(&guard);
                let used = (0..t.capacity()).filter(|&i| t.slot(i).load(Ordering::Relaxed) != EMPTY).count();
                assert!(used * 4 <= t.capacity() * 3, "step {step}: {used} of {} slots used", t.capacity());
            }
            if step % 10_000 == 0 {
                assert_eq!(w.len(), live.len());
                for (k, it) in live.iter().step_by(7) {
                    assert_eq!(index.get(k, index.hash(k), &guard), Some(*it), "step {step}");
                }
            }
        }
        rec.shutdown();
        drop(index);
        for it in all {
            // SAFETY: the index is gone; the items were never shared elsewhere.
            unsafe { it.free_now() };
        }
    }

    #[test]
    fn every_key_stays_findable_through_growth_shrinking_and_removals() {
        let guard = epoch::pin();
        let mut rec = Reclaimer::default();
        let index = HashIndex::new(7);
        let mut w = HashWriter::default();
        let keys: Vec<Vec<u8>> = (0..20_000u32).map(|i| format!("key:{i}").into_bytes()).collect();
        let items: Vec<ItemRef> = keys.iter().map(|k| item(k)).collect();
        let mut resizes = 0;
        for (n, (k, &it)) in keys.iter().zip(&items).enumerate() {
            let had_old = !index.old.load(Ordering::Relaxed, &guard).is_null();
            index.insert(&mut w, it, index.hash(k), &guard, &mut rec);
            resizes += usize::from(!had_old && !index.old.load(Ordering::Relaxed, &guard).is_null());
            // Every key so far, mid-migration or not.
            if n % 997 == 0 {
                for j in 0..=n {
                    assert_eq!(index.get(&keys[j], index.hash(&keys[j]), &guard), Some(items[j]), "key {j} after {n}");
                }
            }
        }
        assert!(resizes >= 4, "only {resizes} resizes");
        assert_eq!(w.len(), keys.len());
        for (k, &it) in keys.iter().zip(&items).skip(1000) {
            assert!(index.remove(&mut w, it, index.hash(k), &guard));
        }
        index.maybe_shrink(&mut w, &guard);
        assert!(!index.old.load(Ordering::Relaxed, &guard).is_null(), "a shrink started");
        while index.migrate(&mut w, 7, &guard, &mut rec) {
            for j in (0..1000).step_by(37) {
                assert_eq!(index.get(&keys[j], index.hash(&keys[j]), &guard), Some(items[j]));
            }
        }
        assert_eq!(index.capacity(&guard), 4096);
        for j in 0..keys.len() {
            let want = (j < 1000).then_some(items[j]);
            assert_eq!(index.get(&keys[j], index.hash(&keys[j]), &guard), want);
        }
        // New keys right after a shrink started fill the small table while the big one still
        // holds most keys: the small one must grow instead of overflowing.
        let more: Vec<Vec<u8>> = (0..20_000u32).map(|i| format!("more:{i}").into_bytes()).collect();
        let more_items: Vec<ItemRef> = more.iter().map(|k| item(k)).collect();
        for (k, &it) in keys.iter().zip(&items).take(1000) {
            assert!(index.remove(&mut w, it, index.hash(k), &guard));
        }
        for (k, &it) in keys.iter().zip(&items).take(1000) {
            index.insert(&mut w, it, index.hash(k), &guard, &mut rec);
        }
        while index.migrate(&mut w, 1, &guard, &mut rec) {}
        let shrunk_to = index.capacity(&guard);
        for (k, &it) in keys.iter().zip(&items).skip(1000) {
            index.insert(&mut w, it, index.hash(k), &guard, &mut rec);
        }
        for (k, &it) in keys.iter().zip(&items).skip(1000) {
            assert!(index.remove(&mut w, it, index.hash(k), &guard));
        }
        index.maybe_shrink(&mut w, &guard);
        assert!(!index.old.load(Ordering::Relaxed, &guard).is_null(), "a second shrink started");
        for (k, &it) in more.iter().zip(&more_items) {
            index.insert(&mut w, it, index.hash(k), &guard, &mut rec);
        }
        for (k, &it) in more.iter().zip(&more_items).chain(keys.iter().zip(&items).take(1000)) {
            assert_eq!(index.get(k, index.hash(k), &guard), Some(it));
        }
        assert!(shrunk_to <= 4096);
        rec.shutdown();
        drop(index);
        for it in items.into_iter().chain(more_items) {
            // SAFETY: the index is gone; the items were never shared elsewhere.
            unsafe { it.free_now() };
        }
    }
}
