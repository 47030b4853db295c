//! The memory layout of a key (`Item`) and of its versions (`Version`).
//!
//! An item is one allocation: a small header, the key bytes, then its first version inline (header
//! and value). A get therefore touches one allocation in the common case of a key written once.
//! Later versions are allocated on their own and pushed at the head of the item's chain, newest
//! first. Only the writer (who holds the commit lock) links or unlinks versions; readers follow the
//! chain with acquire loads while pinned in a crossbeam epoch, so memory that the writer retires
//! is freed only after every reader that could see it has unpinned.
//!
//! The inline first version is never freed on its own: once it is trimmed its bytes stay until
//! the item itself is freed, or until the writer replaces the item with a compact copy
//! (`compact_copy`) that holds the newest version inline.
//!
//! A collection's version (`V_COLL`) holds no bytes of its own: its 8 value bytes are a pointer
//! from `Arc::into_raw` to the `Coll`, whose strong count the version owns and gives back when it
//! is freed. Such a version is never the inline one (the inline version is never freed on its
//! own, so it could not drop its `Arc` when trimmed): a collection's item is allocated with an
//! inline tombstone at sequence 0, which every reader older than the collection sees as absent.
//!
//! The two low bits of the head word are writer-only flags saying which writer queue holds the
//! item (`IN_TRIM_QUEUE`, `IN_GC_QUEUE`); readers mask them off. Memory is retired through the
//! writer's `Reclaimer`, never freed in place.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::marker::PhantomData;
use std::mem::size_of;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use crossbeam_epoch::Guard;

use crate::collections::coll::{Coll, Kind};
use crate::reclaim::Reclaimer;

/// Low bit of a `next` link: older versions existed but were reclaimed. A reader whose read
/// sequence is older than the last kept version must retry with a newer one.
const TRIMMED: usize = 1;
/// Head-word flags (writer only): the item is in the writer's trim queue / garbage queue, so it
/// must not be freed or replaced until that queue lets go of it.
pub(crate) const IN_TRIM_QUEUE: usize = 1;
pub(crate) const IN_GC_QUEUE: usize = 2;
const HEAD_FLAGS: usize = IN_TRIM_QUEUE | IN_GC_QUEUE;
const V_TOMBSTONE: u32 = 1;
const V_INLINE: u32 = 2;
/// The version holds an `Arc<Coll>` (see the file comment); its kind code is in `KIND_BITS`.
const V_COLL: u32 = 4;
const KIND_SHIFT: u32 = 8;
const KIND_BITS: u32 = 0xf << KIND_SHIFT;
const PTR: usize = size_of::<usize>();

#[repr(C)]
struct VersionHeader {
    seq: u64,
    /// Milliseconds since the Unix epoch after which the value is gone; 0 means never.
    expires_at: u64,
    next: AtomicUsize,
    len: u32,
    flags: u32,
}

#[repr(C)]
struct ItemHeader {
    head: AtomicUsize,
    key_len: u32,
    /// Coarse time of the last access, for approximate LRU eviction.
    access: AtomicU32,
}

const VH: usize = size_of::<VersionHeader>();
const IH: usize = size_of::<ItemHeader>();

#[inline]
const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

fn item_layout(key_len: usize, value_len: usize) -> Layout {
    Layout::from_size_align(IH + align8(key_len) + VH + value_len, 8).expect("item layout")
}

fn version_layout(value_len: usize) -> Layout {
    Layout::from_size_align(VH + value_len, 8).expect("version layout")
}

/// What a new version holds: a value (or a tombstone), its sequence number and its expiry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NewVersion<'a> {
    pub seq: u64,
    pub expires_at: u64,
    /// `None` writes a tombstone.
    pub value: Option<&'a [u8]>,
}

impl NewVersion<'_> {
    fn len(&self) -> usize {
        self.value.map_or(0, <[u8]>::len)
    }
}

/// Writes a version header and value at `at`.
///
/// # Safety
/// `at` must be valid for writes of `VH + v.len()` bytes and aligned to 8.
unsafe fn write_version(at: *mut u8, v: &NewVersion<'_>, inline: bool) {
    let mut flags = if v.value.is_none() { V_TOMBSTONE } else { 0 };
    if inline {
        flags |= V_INLINE;
    }
    let header =
        VersionHeader { seq: v.seq, expires_at: v.expires_at, next: AtomicUsize::new(0), len: v.len() as u32, flags };
    // SAFETY: the caller guarantees room and alignment for the header and the value bytes.
    unsafe {
        ptr::write(at as *mut VersionHeader, header);
        if let Some(value) = v.value {
            ptr::copy_nonoverlapping(value.as_ptr(), at.add(VH), value.len());
        }
    }
}

/// Writes a collection version at `at`, giving it one strong count of `coll`.
///
/// # Safety
/// `at` must be valid for writes of `VH + PTR` bytes and aligned to 8.
unsafe fn write_coll_version(at: *mut u8, seq: u64, expires_at: u64, coll: Arc<Coll>) {
    let flags = V_COLL | (u32::from(coll.kind().code()) << KIND_SHIFT);
    let header = VersionHeader { seq, expires_at, next: AtomicUsize::new(0), len: PTR as u32, flags };
    let raw = Arc::into_raw(coll) as usize;
    // SAFETY: the caller guarantees room and alignment for the header and the pointer.
    unsafe {
        ptr::write(at as *mut VersionHeader, header);
        ptr::write_unaligned(at.add(VH) as *mut usize, raw);
    }
}

/// The bytes a version accounts for when it is retired: its own allocation. A collection's trees
/// are counted apart, once per key, as the heap of its newest version (`coll_heap`): counting them
/// per version would count every node an older version shares with the newest again.
fn version_bytes(h: &VersionHeader) -> usize {
    version_layout(h.len as usize).size()
}

/// # Safety
/// `h` is a live version with `V_COLL` set.
unsafe fn coll_of(h: &VersionHeader) -> &Coll {
    // SAFETY: the value bytes hold `Arc::into_raw` of a Coll whose count the version still owns.
    unsafe {
        let raw = ptr::read_unaligned((h as *const VersionHeader as *const u8).add(VH) as *const usize);
        &*(raw as *const Coll)
    }
}

/// A pointer to an item. Copyable; valid while the epoch guard under which it was found is pinned
/// (or, for the writer, until the writer retires it).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ItemRef(NonNull<ItemHeader>);

// SAFETY: an ItemRef is a pointer to memory that is only mutated through atomics (head) or by the
// single writer before publication; sharing the address between threads is sound.
unsafe impl Send for ItemRef {}
// SAFETY: see Send.
unsafe impl Sync for ItemRef {}

/// An item allocated before the commit that inserts it knows its sequence (writers prepare new
/// items outside the commit lock). It owns its allocation until `publish` hands it to the
/// indexes; dropped unpublished, it frees itself.
pub(crate) struct NewItem(ItemRef);

impl NewItem {
    /// Allocates an item holding `key` and `value` (with `expires_at`) as its only version.
    pub(crate) fn new(key: &[u8], value: &[u8], expires_at: u64) -> NewItem {
        NewItem(ItemRef::alloc(key, &NewVersion { seq: 0, expires_at, value: Some(value) }))
    }

    /// Stamps the first version with `seq` and gives up ownership: the caller puts the item in
    /// the indexes.
    pub(crate) fn publish(self, seq: u64) -> ItemRef {
        let item = self.0;
        std::mem::forget(self);
        let key_len = item.header().key_len as usize;
        // SAFETY: the inline version header lies inside the item allocation; a `NewItem` is in
        // no index, so no other thread can see it and the plain write races with nothing.
        unsafe {
            let v = (item.0.as_ptr() as *mut u8).add(IH + align8(key_len)) as *mut VersionHeader;
            (*v).seq = seq;
        }
        item
    }
}

impl Drop for NewItem {
    fn drop(&mut self) {
        // SAFETY: an unpublished item was never shared, and it is freed once (here).
        unsafe { self.0.free_now() };
    }
}

impl ItemRef {
    /// Allocates an item holding `key` and `first` as its only version.
    pub(crate) fn alloc(key: &[u8], first: &NewVersion<'_>) -> ItemRef {
        let layout = item_layout(key.len(), first.len());
        // SAFETY: the layout has non-zero size (the headers alone are 48 bytes).
        let base = unsafe { alloc(layout) };
        if base.is_null() {
            handle_alloc_error(layout);
        }
        // SAFETY: `base` points to `layout.size()` fresh bytes aligned to 8; the header, the key and
        // the inline version fit exactly in that size (see item_layout).
        unsafe {
            let version = base.add(IH + align8(key.len()));
            write_version(version, first, true);
            ptr::write(
                base as *mut ItemHeader,
                ItemHeader {
                    head: AtomicUsize::new(version as usize),
                    key_len: key.len() as u32,
                    access: AtomicU32::new(0),
                },
            );
            ptr::copy_nonoverlapping(key.as_ptr(), base.add(IH), key.len());
            ItemRef(NonNull::new_unchecked(base as *mut ItemHeader))
        }
    }

    fn header(&self) -> &ItemHeader {
        // SAFETY: an ItemRef always points to a live, initialised item (see the type's doc).
        unsafe { self.0.as_ref() }
    }

    /// Records an access at coarse time `now` (written only when it changes, so hot items do not
    /// bounce their cache line between reader threads).
    #[inline]
    pub(crate) fn touch(self, now: u32) {
        let a = &self.header().access;
        if a.load(Ordering::Relaxed) != now {
            a.store(now, Ordering::Relaxed);
        }
    }

    pub(crate) fn last_access(self) -> u32 {
        self.header().access.load(Ordering::Relaxed)
    }

    /// Bytes of this item's own allocation (key and inline first version).
    pub(crate) fn size(self) -> usize {
        let key_len = self.header().key_len as usize;
        // SAFETY: the inline version header lies inside the item allocation and keeps its length.
        let inline_len = unsafe {
            (*((self.0.as_ptr() as *const u8).add(IH + align8(key_len)) as *const VersionHeader)).len as usize
        };
        item_layout(key_len, inline_len).size()
    }

    pub(crate) fn key(self, _guard: &Guard) -> &[u8] {
        let len = self.header().key_len as usize;
        // SAFETY: the key bytes follow the header and are never modified after allocation; the
        // guard keeps the allocation alive for 'g.
        unsafe { std::slice::from_raw_parts((self.0.as_ptr() as *const u8).add(IH), len) }
    }

    /// The newest version (possibly not yet visible to readers).
    pub(crate) fn head<'g>(self, _guard: &'g Guard) -> VersionRef<'g> {
        let p = self.header().head.load(Ordering::Acquire) & !HEAD_FLAGS;
        // SAFETY: head is never null: it starts at the inline version and is only replaced by
        // pointers to initialised versions.
        VersionRef { ptr: unsafe { NonNull::new_unchecked(p as *mut VersionHeader) }, _guard: PhantomData }
    }

    /// The version a reader at `seq` sees.
    #[inline]
    pub(crate) fn version_at<'g>(self, seq: u64, guard: &'g Guard) -> Lookup<'g> {
        let mut v = self.head(guard);
        loop {
            if v.seq() <= seq {
                return Lookup::Found(v);
            }
            match v.next() {
                Link::End => return Lookup::Absent,
                Link::Trimmed => return Lookup::Retry,
                Link::Version(n) => v = n,
            }
        }
    }

    /// Pushes a new standalone version at the head. Writer only (commit lock held).
    /// Returns the number of bytes allocated.
    pub(crate) fn push(self, v: &NewVersion<'_>) -> usize {
        let layout = version_layout(v.len());
        // SAFETY: the layout is at least VH bytes.
        let p = unsafe { alloc(layout) };
        if p.is_null() {
            handle_alloc_error(layout);
        }
        // SAFETY: `p` has room and alignment for the header and value (version_layout).
        unsafe { write_version(p, v, false) };
        self.link_head(p);
        layout.size()
    }

    /// Allocates an item for a collection: the inline version is a tombstone at sequence 0 and
    /// `coll` is the standalone head at `seq` (see the file comment).
    pub(crate) fn alloc_coll(key: &[u8], seq: u64, expires_at: u64, coll: Arc<Coll>) -> ItemRef {
        let item = ItemRef::alloc(key, &NewVersion { seq: 0, expires_at: 0, value: None });
        item.push_coll(seq, expires_at, coll);
        item
    }

    /// Pushes a collection version at the head, like `push`. Returns the bytes of its own
    /// allocation (the caller counts the trees' heap, see `version_bytes`).
    pub(crate) fn push_coll(self, seq: u64, expires_at: u64, coll: Arc<Coll>) -> usize {
        let layout = version_layout(PTR);
        // SAFETY: the layout is at least VH bytes.
        let p = unsafe { alloc(layout) };
        if p.is_null() {
            handle_alloc_error(layout);
        }
        // SAFETY: `p` has room and alignment for the header and the pointer (version_layout).
        unsafe { write_coll_version(p, seq, expires_at, coll) };
        self.link_head(p);
        // SAFETY: initialised just above.
        version_bytes(unsafe { &*(p as *const VersionHeader) })
    }

    /// Links the initialised, unshared version `p` at the head. Writer only.
    fn link_head(self, p: *mut u8) {
        let word = self.header().head.load(Ordering::Relaxed);
        // SAFETY: the caller passes a version initialised and not yet shared.
        unsafe { (*(p as *const VersionHeader)).next.store(word & !HEAD_FLAGS, Ordering::Relaxed) };
        // Release: a reader that sees the new head sees its initialised contents.
        self.header().head.store(p as usize | (word & HEAD_FLAGS), Ordering::Release);
    }

    /// The writer's queue flags (`IN_TRIM_QUEUE`, `IN_GC_QUEUE`). Writer only.
    pub(crate) fn flags(self) -> usize {
        self.header().head.load(Ordering::Relaxed) & HEAD_FLAGS
    }

    /// Sets or clears queue flags. Writer only. The store is a release like `push`'s, so a reader
    /// that loads this word still sees the head version's contents (C++20 release sequences no
    /// longer extend through plain stores).
    pub(crate) fn set_flags(self, set: usize, clear: usize) {
        let word = self.header().head.load(Ordering::Relaxed);
        self.header().head.store((word | set) & !clear, Ordering::Release);
    }

    /// True if versions older than the head are still linked.
    pub(crate) fn has_older_versions(self, guard: &Guard) -> bool {
        matches!(self.head(guard).next(), Link::Version(_))
    }

    /// A new item holding the key and the head version inline, if the item's own inline version
    /// is dead weight: the head is a live standalone version and nothing older is linked. The
    /// copy keeps the head's sequence, expiry and access time, and the head's link state (a
    /// reader older than it still sees "trimmed" and retries). Writer only; the caller swaps it
    /// into the indexes and retires `self`.
    pub(crate) fn compact_copy(self, guard: &Guard) -> Option<ItemRef> {
        let head = self.head(guard);
        let hdr = head.header();
        // A collection's head stays standalone (see the file comment).
        if hdr.flags & (V_INLINE | V_TOMBSTONE | V_COLL) != 0 || matches!(head.next(), Link::Version(_)) {
            return None;
        }
        let v = NewVersion { seq: hdr.seq, expires_at: hdr.expires_at, value: Some(head.value()) };
        let copy = ItemRef::alloc(self.key(guard), &v);
        let link = hdr.next.load(Ordering::Relaxed);
        // The copy is not shared yet: plain stores are enough.
        copy.head(guard).header().next.store(link, Ordering::Relaxed);
        copy.header().access.store(self.last_access(), Ordering::Relaxed);
        Some(copy)
    }

    /// Reclaims versions that no reader can need: keeps every version newer than `keep_seq` and
    /// the newest one at or below it, and retires the rest. Writer only. Returns bytes retired.
    pub(crate) fn trim(self, keep_seq: u64, guard: &Guard, rec: &mut Reclaimer) -> usize {
        let mut v = self.head(guard);
        loop {
            if v.seq() <= keep_seq {
                break;
            }
            match v.next() {
                Link::Version(n) => v = n,
                _ => return 0,
            }
        }
        let hdr = v.header();
        let old = hdr.next.load(Ordering::Relaxed);
        if old & !TRIMMED == 0 {
            return 0;
        }
        hdr.next.store(TRIMMED, Ordering::Release);
        let mut freed = 0;
        let mut cur = old & !TRIMMED;
        while cur != 0 {
            // SAFETY: `cur` was reachable from the chain, so it is a live version; we just unlinked
            // it, so no new reader can reach it, and the writer is the only one freeing.
            let h = unsafe { &*(cur as *const VersionHeader) };
            let next = h.next.load(Ordering::Relaxed) & !TRIMMED;
            if h.flags & V_INLINE == 0 {
                let size = version_bytes(h);
                freed += size;
                // SAFETY: the version is unlinked, so readers that pin from now on cannot reach
                // it; it is retired once (it was linked once); free_version matches its layout.
                unsafe { rec.retire(cur, free_version, size) };
            }
            cur = next;
        }
        freed
    }

    /// Bytes of the standalone versions linked from the head (what `retire` frees besides `size`).
    pub(crate) fn chain_bytes(self, guard: &Guard) -> usize {
        let mut total = 0;
        let mut v = self.head(guard);
        loop {
            if v.header().flags & V_INLINE == 0 {
                total += version_bytes(v.header());
            }
            match v.next() {
                Link::Version(n) => v = n,
                _ => return total,
            }
        }
    }

    /// The address, for storing in hash slots and tree leaves.
    pub(crate) fn addr(self) -> usize {
        self.0.as_ptr() as usize
    }

    /// # Safety
    /// `addr` must come from `ItemRef::addr` of an item that is not freed.
    pub(crate) unsafe fn from_addr(addr: usize) -> ItemRef {
        // SAFETY: the caller passes the non-null address of a live item.
        ItemRef(unsafe { NonNull::new_unchecked(addr as *mut ItemHeader) })
    }

    /// Frees the item and every standalone version still linked from it once all current readers
    /// have unpinned. Writer only, after the item is unlinked from every index.
    ///
    /// # Safety
    /// The item must be unreachable from the hash index and the tree, and not retired before.
    pub(crate) unsafe fn retire(self, guard: &Guard, rec: &mut Reclaimer) {
        let bytes = self.size() + self.chain_bytes(guard);
        // SAFETY: per the contract no new reader can find the item and it is retired once;
        // free_item frees it and the versions still linked from it.
        unsafe { rec.retire(self.addr(), free_item, bytes) };
    }

    /// Frees the item now. Only for items never shared with readers, or at teardown.
    ///
    /// # Safety
    /// No other reference to the item may be used afterwards.
    pub(crate) unsafe fn free_now(self) {
        // SAFETY: forwarded contract.
        unsafe { free_item(self.addr()) }
    }
}

/// # Safety
/// `addr` is a standalone version that nothing references any more.
pub(crate) unsafe fn free_version(addr: usize) {
    // SAFETY: the caller passes a live standalone version allocated with version_layout(len);
    // a collection version owns one strong count of its Arc, given back here, once.
    unsafe {
        let h = &*(addr as *const VersionHeader);
        if h.flags & V_COLL != 0 {
            let raw = ptr::read_unaligned((addr as *const u8).add(VH) as *const usize);
            drop(Arc::from_raw(raw as *const Coll));
        }
        dealloc(addr as *mut u8, version_layout(h.len as usize));
    }
}

/// # Safety
/// `addr` is an item that nothing references any more.
unsafe fn free_item(addr: usize) {
    // SAFETY: the item and the versions linked from it are live and owned by us now.
    unsafe {
        let hdr = &*(addr as *const ItemHeader);
        let mut cur = hdr.head.load(Ordering::Relaxed) & !HEAD_FLAGS;
        while cur != 0 {
            let h = &*(cur as *const VersionHeader);
            let next = h.next.load(Ordering::Relaxed) & !TRIMMED;
            if h.flags & V_INLINE == 0 {
                free_version(cur);
            }
            cur = next;
        }
        // The inline version keeps its header (and length) even after it is trimmed.
        let key_len = hdr.key_len as usize;
        let inline = &*((addr as *const u8).add(IH + align8(key_len)) as *const VersionHeader);
        dealloc(addr as *mut u8, item_layout(key_len, inline.len as usize));
    }
}

/// The result of looking for the version a reader at some sequence sees.
pub(crate) enum Lookup<'g> {
    Found(VersionRef<'g>),
    Absent,
    /// The versions this reader needs were reclaimed; read again at the current sequence.
    Retry,
}

/// Where a version's `next` link leads.
pub(crate) enum Link<'g> {
    End,
    Trimmed,
    Version(VersionRef<'g>),
}

/// A version of an item, borrowed for as long as the epoch guard `'g` is pinned.
#[derive(Clone, Copy)]
pub(crate) struct VersionRef<'g> {
    ptr: NonNull<VersionHeader>,
    _guard: PhantomData<&'g Guard>,
}

impl<'g> VersionRef<'g> {
    fn header(&self) -> &'g VersionHeader {
        // SAFETY: versions reachable under a pinned guard stay allocated until it unpins.
        unsafe { &*self.ptr.as_ptr() }
    }

    pub(crate) fn seq(&self) -> u64 {
        self.header().seq
    }

    pub(crate) fn expires_at(&self) -> u64 {
        self.header().expires_at
    }

    pub(crate) fn is_tombstone(&self) -> bool {
        self.header().flags & V_TOMBSTONE != 0
    }

    /// True if the version holds a value that has not expired at `now_ms`.
    #[inline]
    pub(crate) fn is_live(&self, now_ms: u64) -> bool {
        let h = self.header();
        h.flags & V_TOMBSTONE == 0 && (h.expires_at == 0 || h.expires_at > now_ms)
    }

    /// The bytes of a string version; empty for a tombstone and for a collection (whose value is
    /// `coll`).
    pub(crate) fn value(&self) -> &'g [u8] {
        if self.header().flags & V_COLL != 0 {
            return &[];
        }
        let len = self.header().len as usize;
        // SAFETY: the value bytes follow the header, are immutable, and live as long as 'g.
        unsafe { std::slice::from_raw_parts((self.ptr.as_ptr() as *const u8).add(VH), len) }
    }

    /// What the version holds (a tombstone counts as a string: it holds nothing).
    pub(crate) fn kind(&self) -> Kind {
        let flags = self.header().flags;
        if flags & V_COLL == 0 {
            return Kind::String;
        }
        Kind::from_code(((flags & KIND_BITS) >> KIND_SHIFT) as u8).expect("a version's kind code is valid")
    }

    /// The collection of a collection version.
    pub(crate) fn coll(&self) -> Option<&'g Coll> {
        // SAFETY: V_COLL says the value bytes are a live Arc pointer; the version (and with it
        // the count it owns) lives as long as 'g.
        (self.header().flags & V_COLL != 0).then(|| unsafe { coll_of(self.header()) })
    }

    /// A new strong count of the collection, for a version that keeps it (an expiry change).
    pub(crate) fn coll_arc(&self) -> Option<Arc<Coll>> {
        if self.header().flags & V_COLL == 0 {
            return None;
        }
        // SAFETY: the value bytes are `Arc::into_raw` of a Coll whose count the version owns for
        // as long as 'g, so the count is at least one while we add ours.
        unsafe {
            let raw = ptr::read_unaligned((self.ptr.as_ptr() as *const u8).add(VH) as *const usize) as *const Coll;
            Arc::increment_strong_count(raw);
            Some(Arc::from_raw(raw))
        }
    }

    /// The heap of a collection version's trees (0 for any other version): what the store counts
    /// for a key whose newest version this is.
    pub(crate) fn coll_heap(&self) -> usize {
        self.coll().map_or(0, Coll::heap_bytes)
    }

    /// The bytes of the value as `Stats::value_bytes` counts them (a collection's elements).
    pub(crate) fn payload_len(&self) -> usize {
        match self.coll() {
            Some(c) => c.data_bytes(),
            None => self.value().len(),
        }
    }

    pub(crate) fn next(&self) -> Link<'g> {
        let n = self.header().next.load(Ordering::Acquire);
        if n & TRIMMED != 0 {
            Link::Trimmed
        } else if n == 0 {
            Link::End
        } else {
            // SAFETY: non-null, untagged links point to live versions (freed only after unlinking
            // and an epoch).
            Link::Version(VersionRef {
                ptr: unsafe { NonNull::new_unchecked(n as *mut VersionHeader) },
                _guard: PhantomData,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_epoch as epoch;

    fn nv(seq: u64, value: Option<&[u8]>) -> NewVersion<'_> {
        NewVersion { seq, expires_at: 0, value }
    }

    #[test]
    fn versions_are_found_by_sequence_and_trimmed() {
        let guard = epoch::pin();
        let item = ItemRef::alloc(b"key", &nv(1, Some(b"one")));
        assert_eq!(item.key(&guard), b"key");
        item.push(&nv(5, Some(b"five")));
        item.push(&nv(9, None));
        let at = |s| match item.version_at(s, &guard) {
            Lookup::Found(v) if v.is_tombstone() => "tomb".to_string(),
            Lookup::Found(v) => String::from_utf8(v.value().to_vec()).unwrap(),
            Lookup::Absent => "absent".into(),
            Lookup::Retry => "retry".into(),
        };
        assert_eq!(at(0), "absent");
        assert_eq!(at(1), "one");
        assert_eq!(at(7), "five");
        assert_eq!(at(9), "tomb");
        // Only the inline version goes: its memory stays with the item, so nothing is freed.
        let mut rec = Reclaimer::default();
        assert_eq!(item.trim(6, &guard, &mut rec), 0);
        assert_eq!(at(7), "five");
        assert_eq!(at(2), "retry");
        assert!(item.trim(9, &guard, &mut rec) > 0);
        assert_eq!(at(9), "tomb");
        assert_eq!(at(7), "retry");
        assert_eq!(item.trim(9, &guard, &mut rec), 0);
        assert_eq!(rec.shared().pending().0, 1, "the version at 5 was retired, not freed");
        rec.shutdown();
        assert_eq!(rec.shared().pending(), (0, 0));
        // SAFETY: the item was never shared.
        unsafe { item.free_now() };
    }
}
