//! Memory the writer unlinked but readers may still be using: retired into bags, freed after an
//! epoch grace period.
//!
//! Why not one `Guard::defer` per object: crossbeam-epoch runs a bounded number of deferred
//! functions per pin (up to 8 bags of 64 every 128 pins, about 4 per pin). A writer that retires
//! more than that per commit (a batch that overwrites 16 keys retires 16 old versions) outruns it,
//! and the backlog grows for ever while every counter says the memory is gone. So:
//!
//! 1. The writer puts what it unlinks (versions, items, tree nodes, hash tables) into its open bag.
//! 2. A bag is *sealed* when it holds `SEAL_OBJECTS` objects or `SEAL_BYTES` bytes, at the end of
//!    the commit that filled it, or by the maintenance thread on its tick: it becomes one deferred
//!    function, and the thread-local epoch queue is flushed so it never waits there for 63 more.
//!    That is at most one deferred function per commit, well inside the collector's budget.
//! 3. The sealed bag stays in the store's own `sealed` list; the deferred function carries only
//!    its number. When the grace period has passed, the function only moves the bag to the
//!    `ready` list: a reader whose pin happens to run the collector never pays for freeing
//!    thousands of objects. Because the store, not the epoch's queue, owns every bag, teardown
//!    frees them all at once, even those whose grace period would end after the last pin of the
//!    process (a closed store leaves nothing behind in the collector).
//! 4. The writer frees from `ready` a little more per commit than the commit retired, and the
//!    maintenance thread frees whatever is left on its tick, so freeing always outpaces retiring.
//!
//! `Stats::pending_free_objects` / `pending_free_bytes` (retired, not yet freed) expose the backlog.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_epoch::Guard;
use parking_lot::Mutex;

/// A bag is sealed once it holds this many objects...
const SEAL_OBJECTS: usize = 64;
/// ...or this many bytes, so one big commit does not keep a lot of memory waiting.
const SEAL_BYTES: u64 = 256 << 10;
/// Objects a commit frees beyond what it retired, so a backlog shrinks while writes go on.
const FREE_SLACK: usize = 32;

/// One retired object: its address and the function that frees it.
#[derive(Clone, Copy)]
struct Retired {
    addr: usize,
    free: unsafe fn(usize),
}

/// Objects unlinked together, freed together once no reader can hold them.
#[derive(Default)]
struct Bag {
    objects: Vec<Retired>,
    bytes: u64,
}

impl Bag {
    /// # Safety
    /// Every object in the bag must be unreachable by every reader (its grace period passed, or
    /// no reader exists), and freed by nobody else.
    unsafe fn free_all(self, shared: &Shared) {
        let n = self.objects.len() as u64;
        for o in self.objects {
            // SAFETY: forwarded contract; `free` is the function that matches the allocation.
            unsafe { (o.free)(o.addr) };
        }
        shared.freed_objects.fetch_add(n, Ordering::Relaxed);
        shared.freed_bytes.fetch_add(self.bytes, Ordering::Relaxed);
    }
}

/// The state shared with the deferred functions and the maintenance thread.
#[derive(Default)]
pub(crate) struct Shared {
    /// Bags whose grace period has passed. The mutex is held only to push or pop a bag.
    ready: Mutex<Vec<Bag>>,
    /// Sealed bags still in their grace period, by bag number (ascending), and the next number.
    sealed: Mutex<Sealed>,
    retired_objects: AtomicU64,
    retired_bytes: AtomicU64,
    freed_objects: AtomicU64,
    freed_bytes: AtomicU64,
}

/// Bags waiting for their grace period, numbered in the order they were sealed.
#[derive(Default)]
struct Sealed {
    bags: VecDeque<(u64, Bag)>,
    next: u64,
}

impl Shared {
    /// The grace period of bag `id` is over: move it to `ready` (or drop the request if teardown
    /// already freed it).
    fn grace_over(&self, id: u64) {
        let bag = {
            let mut sealed = self.sealed.lock();
            // Grace periods usually end in sealing order, so the bag is almost always in front.
            match sealed.bags.iter().position(|(n, _)| *n == id) {
                Some(i) => sealed.bags.remove(i).map(|(_, b)| b),
                None => None,
            }
        };
        if let Some(bag) = bag {
            self.ready.lock().push(bag);
        }
    }

    /// Frees up to about `budget` objects from bags past their grace period. Any thread.
    /// Returns how many it freed.
    pub(crate) fn free_ready(&self, budget: usize) -> usize {
        let mut freed = 0;
        while freed < budget {
            let bag = {
                let mut ready = self.ready.lock();
                let Some(mut bag) = ready.pop() else { break };
                let want = budget - freed;
                if bag.objects.len() > want {
                    // Free part of it now; the rest goes back with its share of the bytes.
                    let rest = bag.objects.split_off(want);
                    let rest_bytes = bag.bytes * rest.len() as u64 / (rest.len() + want) as u64;
                    bag.bytes -= rest_bytes;
                    ready.push(Bag { objects: rest, bytes: rest_bytes });
                }
                bag
            };
            freed += bag.objects.len();
            // SAFETY: bags reach `ready` only from the deferred function, after their grace period.
            unsafe { bag.free_all(self) };
        }
        freed
    }

    /// Retired objects not yet freed, and their bytes (items and versions; index nodes count as
    /// objects only).
    pub(crate) fn pending(&self) -> (u64, u64) {
        let objects =
            self.retired_objects.load(Ordering::Relaxed).saturating_sub(self.freed_objects.load(Ordering::Relaxed));
        let bytes = self.retired_bytes.load(Ordering::Relaxed).saturating_sub(self.freed_bytes.load(Ordering::Relaxed));
        (objects, bytes)
    }

    /// Bytes freed so far (for deciding when to give memory back to the OS).
    pub(crate) fn freed_bytes(&self) -> u64 {
        self.freed_bytes.load(Ordering::Relaxed)
    }
}

/// The writer's side: the open bag. Lives in `Writer`, under the commit lock.
pub(crate) struct Reclaimer {
    bag: Bag,
    /// Objects retired since the last `end_commit`, which sets that commit's freeing budget.
    retired_in_commit: usize,
    shared: Arc<Shared>,
}

impl Default for Reclaimer {
    fn default() -> Reclaimer {
        Reclaimer { bag: Bag::default(), retired_in_commit: 0, shared: Arc::new(Shared::default()) }
    }
}

impl Reclaimer {
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Retires the object at `addr`, to be freed by `free` after every current reader unpins.
    ///
    /// # Safety
    /// The object must already be unreachable for readers that pin from now on, `free` must be
    /// the function that releases its allocation, and it must not be retired twice.
    pub(crate) unsafe fn retire(&mut self, addr: usize, free: unsafe fn(usize), bytes: usize) {
        self.bag.objects.push(Retired { addr, free });
        self.bag.bytes += bytes as u64;
        self.retired_in_commit += 1;
        self.shared.retired_objects.fetch_add(1, Ordering::Relaxed);
        self.shared.retired_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// At the end of a commit: seals the bag if it is full, and frees a little more than the
    /// commit retired from bags that are ready.
    pub(crate) fn end_commit(&mut self, guard: &Guard) {
        if self.bag.objects.len() >= SEAL_OBJECTS || self.bag.bytes >= SEAL_BYTES {
            self.seal(guard);
        }
        let budget = self.retired_in_commit + FREE_SLACK;
        self.retired_in_commit = 0;
        self.shared.free_ready(budget);
    }

    /// Hands the open bag to the epoch as one deferred function, and flushes the thread's epoch
    /// queue so that it starts its grace period now.
    pub(crate) fn seal(&mut self, guard: &Guard) {
        if self.bag.objects.is_empty() {
            return;
        }
        let bag = std::mem::take(&mut self.bag);
        let id = {
            let mut sealed = self.shared.sealed.lock();
            let id = sealed.next;
            sealed.next += 1;
            sealed.bags.push_back((id, bag));
            id
        };
        let shared = self.shared.clone();
        let grace_over = move || shared.grace_over(id);
        // SAFETY: everything in the bag was unreachable for new readers when it was retired
        // (see `retire`); the function runs only after every reader pinned before now unpinned,
        // and it only moves the bag (freeing happens later, from `ready`).
        unsafe { guard.defer_unchecked(grace_over) };
        guard.flush();
    }

    /// At teardown, with no reader left: frees the open bag, every sealed bag (no reader of this
    /// store exists, so their grace periods do not matter any more) and every ready bag.
    pub(crate) fn shutdown(&mut self) {
        let sealed = std::mem::take(&mut self.shared.sealed.lock().bags);
        let ready = std::mem::take(&mut *self.shared.ready.lock());
        let bag = std::mem::take(&mut self.bag);
        // SAFETY: teardown: no reader of this store exists any more, and these objects were
        // unlinked and retired once each.
        unsafe { bag.free_all(&self.shared) };
        for bag in sealed.into_iter().map(|(_, b)| b).chain(ready) {
            // SAFETY: as above; each bag was taken out of its list, so nobody else frees it.
            unsafe { bag.free_all(&self.shared) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    static FREED: AtomicUsize = AtomicUsize::new(0);

    /// Frees a `Box<u64>` made by `boxed` and counts it.
    unsafe fn free_box(addr: usize) {
        // SAFETY: `addr` comes from `Box::into_raw` in `boxed`, freed once.
        drop(unsafe { Box::from_raw(addr as *mut u64) });
        FREED.fetch_add(1, Ordering::Relaxed);
    }

    fn boxed() -> usize {
        Box::into_raw(Box::new(7u64)) as usize
    }

    /// A bag sealed while another thread stays pinned cannot finish its grace period; teardown
    /// frees it anyway, and the deferred function that runs later finds nothing to do.
    #[test]
    fn teardown_frees_bags_still_in_their_grace_period() {
        let collector = crossbeam_epoch::Collector::new();
        let reader = collector.register();
        let writer = collector.register();
        let pinned = reader.pin();
        let mut rec = Reclaimer::default();
        let before = FREED.load(Ordering::Relaxed);
        for _ in 0..3 {
            // SAFETY: nothing else knows the box, and free_box matches its allocation.
            unsafe { rec.retire(boxed(), free_box, 8) };
        }
        rec.seal(&writer.pin());
        // SAFETY: as above.
        unsafe { rec.retire(boxed(), free_box, 8) };
        for _ in 0..256 {
            writer.pin().flush();
        }
        assert_eq!(FREED.load(Ordering::Relaxed), before, "the pinned reader holds the grace period");
        assert_eq!(rec.shared().pending(), (4, 32));
        rec.shutdown();
        assert_eq!(FREED.load(Ordering::Relaxed), before + 4);
        assert_eq!(rec.shared().pending(), (0, 0));
        drop(pinned);
        for _ in 0..256 {
            writer.pin().flush();
        }
        assert_eq!(FREED.load(Ordering::Relaxed), before + 4, "nothing is freed twice");
        assert_eq!(rec.shared().ready.lock().len(), 0);
    }
}
