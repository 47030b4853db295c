//! The writer's two cleanup queues, and what drains them.
//!
//! - **Garbage**: deleted items (a tombstone at the head of their chain), unlinked from both
//!   indexes and retired once no reader can see them (`keep_seq` passed their tombstone). A
//!   `clear` does not queue each item: it queues one `Sweep` that walks the tree instead, so a
//!   `FLUSHALL` of millions of keys costs no queue memory.
//! - **Retained**: items whose shadowed versions a registered view (snapshot, scan, checkpoint)
//!   kept alive. Without this queue those versions would stay until the key is written again,
//!   which may be never. Once the view is gone the trimmer frees them, and replaces an item whose
//!   inline first version is dead weight by a compact copy (`compact`).
//!
//! Both queues are in sequence order and hold an item at most once (the `IN_GC_QUEUE` and
//! `IN_TRIM_QUEUE` flags of its head word). An item is never retired or replaced while the other
//! queue holds it, so no queue entry ever points at freed memory.

use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::atomic::Ordering;

use crossbeam_epoch::Guard;

use crate::engine::{Engine, Writer};
use crate::item::{ItemRef, NewVersion, IN_GC_QUEUE, IN_TRIM_QUEUE};

/// An entry of the garbage queue.
pub(crate) enum Garbage {
    /// A deleted item, its tombstone's sequence, and the bytes it holds.
    Item { item: ItemRef, seq: u64, bytes: u64 },
    /// The items a `clear` at `seq` buried that are in no queue, found by walking the tree past
    /// `after`; `bytes` is what they still hold.
    Sweep { seq: u64, after: Option<Box<[u8]>>, bytes: u64 },
}

impl Garbage {
    fn seq(&self) -> u64 {
        match self {
            Garbage::Item { seq, .. } | Garbage::Sweep { seq, .. } => *seq,
        }
    }
}

/// The sequence at which a re-queued entry can be looked at again: `seq`, or later, so that the
/// queue stays in order.
fn queue_seq(last: Option<u64>, seq: u64) -> u64 {
    last.map_or(seq, |l| l.max(seq))
}

fn item_bytes(item: ItemRef, guard: &Guard) -> u64 {
    (item.size() + item.chain_bytes(guard)) as u64
}

impl Engine {
    /// Pushes a tombstone on a live item and queues the item for unlinking. Writer only.
    pub(crate) fn bury(&self, w: &mut Writer, item: ItemRef, seq: u64, keep: u64, guard: &Guard) {
        if self.push_tombstone(w, item, seq, keep, guard) {
            self.queue_garbage(w, item, seq, guard);
        }
    }

    /// Deletes every key at `seq` (`clear`): a tombstone on each live item, one sweep entry for
    /// all of them. Writer only.
    pub(crate) fn bury_all(&self, w: &mut Writer, seq: u64, keep: u64, guard: &Guard) {
        let mut bytes = 0;
        self.tree.walk(Bound::Unbounded, Bound::Unbounded, false, guard, &mut |item| {
            if self.push_tombstone(w, item, seq, keep, guard) {
                if item.flags() & IN_TRIM_QUEUE != 0 {
                    // The sweep passes over queued items: this one needs an entry of its own.
                    self.queue_garbage(w, item, seq, guard);
                } else {
                    bytes += item_bytes(item, guard);
                }
            }
            true
        });
        w.garbage_bytes += bytes;
        w.garbage.push_back(Garbage::Sweep { seq, after: None, bytes });
        w.expiries.clear();
    }

    /// The tombstone half of `bury`. Returns false if the key was already dead.
    fn push_tombstone(&self, w: &mut Writer, item: ItemRef, seq: u64, keep: u64, guard: &Guard) -> bool {
        let head = item.head(guard);
        if head.is_tombstone() {
            return false;
        }
        w.live_keys -= 1;
        w.count_ttl(head.expires_at(), false);
        w.key_bytes -= item.key(guard).len() as u64;
        w.value_bytes -= head.payload_len() as u64;
        w.mem_bytes += item.push(&NewVersion { seq, expires_at: 0, value: None }) as u64;
        w.mem_bytes -= head.coll_heap() as u64;
        w.mem_bytes -= item.trim(keep, guard, &mut w.reclaim) as u64;
        true
    }

    fn queue_garbage(&self, w: &mut Writer, item: ItemRef, seq: u64, guard: &Guard) {
        // Already queued (deleted, written again and deleted again before it was unlinked): that
        // entry finds the newer tombstone and waits for it.
        if item.flags() & IN_GC_QUEUE != 0 {
            return;
        }
        item.set_flags(IN_GC_QUEUE, 0);
        let bytes = item_bytes(item, guard);
        w.garbage_bytes += bytes;
        let seq = queue_seq(w.garbage.back().map(Garbage::seq), seq);
        w.garbage.push_back(Garbage::Item { item, seq, bytes });
    }

    /// Queues `item` for the trimmer if a registered view older than the published state kept
    /// versions that the write at `seq` shadowed. Without such a view, the one older version kept
    /// for point reads racing this commit goes at the key's next write, as it always did.
    pub(crate) fn note_retained(&self, w: &mut Writer, item: ItemRef, seq: u64, keep: u64, guard: &Guard) {
        if keep >= self.visible.load(Ordering::Relaxed) || item.flags() & IN_TRIM_QUEUE != 0 {
            return;
        }
        if item.has_older_versions(guard) {
            item.set_flags(IN_TRIM_QUEUE, 0);
            let seq = queue_seq(w.retained.back().map(|&(_, s)| s), seq);
            w.retained.push_back((item, seq));
        }
    }

    /// Frees versions that registered views kept alive and no longer need, for up to `budget`
    /// queued items; an item left with a dead inline version is replaced by a compact copy.
    /// Returns how many entries it handled. Writer only.
    pub(crate) fn trim_retained(&self, w: &mut Writer, keep: u64, guard: &Guard, budget: usize) -> usize {
        let mut done = 0;
        while done < budget {
            let Some(&(item, from)) = w.retained.front() else { break };
            if from > keep {
                break;
            }
            w.retained.pop_front();
            done += 1;
            item.set_flags(0, IN_TRIM_QUEUE);
            w.mem_bytes -= item.trim(keep, guard, &mut w.reclaim) as u64;
            if item.has_older_versions(guard) {
                // A newer view still holds some (the head is newer than `keep`): look again once
                // that one is gone.
                item.set_flags(IN_TRIM_QUEUE, 0);
                let seq = queue_seq(w.retained.back().map(|&(_, s)| s), item.head(guard).seq());
                w.retained.push_back((item, seq));
            } else if item.flags() & IN_GC_QUEUE == 0 {
                self.compact(w, item, guard);
            }
        }
        done
    }

    /// Replaces `item` in both indexes with a copy holding its newest version inline, when its
    /// own inline version is dead weight (the key was overwritten). Readers that found the old
    /// item keep using it until they unpin. Writer only; `item` is in no writer queue.
    fn compact(&self, w: &mut Writer, item: ItemRef, guard: &Guard) {
        let Some(copy) = item.compact_copy(guard) else { return };
        let key = item.key(guard);
        if !self.tree.replace_item(key, item, copy, guard, &mut w.reclaim) {
            debug_assert!(false, "a live item is missing from the tree");
            // SAFETY: the copy was never published.
            unsafe { copy.free_now() };
            return;
        }
        let swapped = self.hash.replace(item, copy, self.hash.hash(key), guard);
        debug_assert!(swapped, "a live item is missing from the hash index");
        w.mem_bytes += copy.size() as u64;
        w.mem_bytes -= item_bytes(item, guard);
        // SAFETY: both indexes now point at the copy and no queue holds `item` (the caller
        // checked its flags), so nothing reaches it from here on; it is retired once.
        unsafe { item.retire(guard, &mut w.reclaim) };
    }

    /// Unlinks and retires deleted items that no reader can see any more, examining up to
    /// `budget` queue entries or swept items. Returns how many it examined. Writer only.
    pub(crate) fn collect_garbage(&self, w: &mut Writer, keep: u64, guard: &Guard, budget: usize) -> usize {
        let mut done = 0;
        while done < budget {
            let Some(front) = w.garbage.front() else { break };
            if front.seq() > keep {
                break;
            }
            if let Garbage::Item { item, .. } = front {
                // The trimmer's entry for it goes first (both queues are in sequence order).
                if item.flags() & IN_TRIM_QUEUE != 0 {
                    break;
                }
            }
            match w.garbage.pop_front().expect("looked at") {
                Garbage::Item { item, bytes, .. } => {
                    done += 1;
                    w.garbage_bytes -= bytes;
                    self.collect_item(w, item, keep, guard);
                }
                Garbage::Sweep { seq, after, bytes } => {
                    let (examined, freed, next) = self.sweep(w, after, keep, guard, budget - done);
                    done += examined.max(1);
                    let freed = freed.min(bytes);
                    w.garbage_bytes -= freed;
                    if next.is_some() {
                        w.garbage.push_front(Garbage::Sweep { seq, after: next, bytes: bytes - freed });
                    } else {
                        w.garbage_bytes -= bytes - freed;
                    }
                }
            }
        }
        done
    }

    /// One popped garbage entry: unlink the item if its tombstone is old enough.
    fn collect_item(&self, w: &mut Writer, item: ItemRef, keep: u64, guard: &Guard) {
        let head = item.head(guard);
        if !head.is_tombstone() {
            item.set_flags(0, IN_GC_QUEUE); // written again since: in use
            return;
        }
        if head.seq() > keep {
            // Written again and deleted again: wait for that tombstone instead.
            let bytes = item_bytes(item, guard);
            w.garbage_bytes += bytes;
            let seq = queue_seq(w.garbage.back().map(Garbage::seq), head.seq());
            w.garbage.push_back(Garbage::Item { item, seq, bytes });
            return;
        }
        self.unlink(w, item, guard);
    }

    /// Removes a dead item from both indexes and retires it. Writer only; no queue holds it.
    fn unlink(&self, w: &mut Writer, item: ItemRef, guard: &Guard) -> u64 {
        let key = item.key(guard);
        if !self.hash.remove(&mut w.hash, item, self.hash.hash(key), guard) {
            debug_assert!(false, "a dead item is missing from the hash index");
            return 0;
        }
        self.tree.remove(key, item, guard, &mut w.reclaim);
        let bytes = item_bytes(item, guard);
        w.mem_bytes -= bytes;
        // SAFETY: the item was just unlinked from both indexes, is in no queue, and is retired
        // once (a swept item carries no flag, so no queue entry can reach it later).
        unsafe { item.retire(guard, &mut w.reclaim) };
        bytes
    }

    /// Walks up to `budget` items of the tree after `after`, unlinking those a `clear` buried
    /// that are in no queue. Returns (items examined, bytes freed, where to resume; `None` at
    /// the end of the tree).
    fn sweep(
        &self,
        w: &mut Writer,
        after: Option<Box<[u8]>>,
        keep: u64,
        guard: &Guard,
        budget: usize,
    ) -> (usize, u64, Option<Box<[u8]>>) {
        let budget = budget.max(1);
        let mut dead: Vec<ItemRef> = Vec::new();
        let mut examined = 0;
        let mut last: Option<Box<[u8]>> = None;
        let lo = after.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        self.tree.walk(lo, Bound::Unbounded, false, guard, &mut |item| {
            examined += 1;
            let head = item.head(guard);
            if item.flags() == 0 && head.is_tombstone() && head.seq() <= keep {
                dead.push(item);
            }
            if examined == budget {
                last = Some(item.key(guard).into());
                return false;
            }
            true
        });
        let mut freed = 0;
        for item in dead {
            freed += self.unlink(w, item, guard);
        }
        (examined, freed, last)
    }
}

/// The type of the garbage queue.
pub(crate) type GarbageQueue = VecDeque<Garbage>;
