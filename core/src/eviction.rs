//! The memory limit: before a write that adds data, make room under `Options::max_memory` by
//! evicting approximately least-recently-used keys (as Redis does: sample a few, evict the
//! oldest), or refuse the write under `Eviction::NoEviction`. An eviction is a durable delete
//! with its own log record, so an evicted key does not come back at reopen.

use std::sync::atomic::Ordering;

use crossbeam_epoch::Guard;

use crate::engine::{live_value, Engine, Writer};
use crate::error::{Error, Result};
use crate::item::ItemRef;
use crate::options::Eviction;
use crate::wal::ops::Op;

/// Keys sampled per eviction.
const SAMPLES: usize = 8;
/// Slots probed per eviction while looking for candidates, so a sparse table cannot stall a write.
const PROBES: usize = 512;

fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

impl Engine {
    /// Evicts (or refuses) until `ops` fit under the memory limit. Under the commit lock.
    pub(crate) fn make_room(&self, w: &mut Writer, ops: &[Op<'_>], guard: &Guard) -> Result<()> {
        let Some(limit) = self.opts.max_memory else { return Ok(()) };
        let incoming: u64 = ops
            .iter()
            .map(|op| match op {
                Op::Put { key, value, .. } => (key.len() + value.len() + 64) as u64,
                // What the edits add, at most: removing elements is always allowed.
                Op::Coll { key, edits, .. } if !edits.is_empty() => {
                    crate::collections::edit::decode(edits).map_or(0, |es| {
                        let added: usize = es.iter().map(|e| e.added_bytes()).sum();
                        if added == 0 {
                            0
                        } else {
                            (key.len() + added + 64) as u64
                        }
                    })
                }
                _ => 0,
            })
            .sum();
        if incoming == 0 {
            return Ok(()); // deletes and expiry changes are always allowed: they free memory
        }
        loop {
            // Memory retired but not yet freed does not count: evicting more would not bring it
            // back sooner (it waits for readers), only empty the store.
            let used = self.memory_in_use(w, guard);
            if used + incoming <= limit {
                return Ok(());
            }
            let volatile = match self.opts.eviction {
                Eviction::NoEviction => return Err(Error::OutOfMemory { used, limit }),
                Eviction::AllKeysLru => false,
                Eviction::VolatileLru => true,
            };
            let Some(victim) = self.pick_victim(w, volatile, guard) else {
                return Err(Error::OutOfMemory { used, limit });
            };
            self.evict(w, victim, guard)?;
        }
    }

    /// The least recently used of a few sampled live keys (with a time-to-live if `volatile`).
    fn pick_victim(&self, w: &mut Writer, volatile: bool, guard: &Guard) -> Option<ItemRef> {
        let mut best: Option<ItemRef> = None;
        let mut found = 0;
        for _ in 0..PROBES {
            let r = next_random(&mut w.rng);
            let Some(item) = self.hash.slot_item(r as usize, guard) else { continue };
            let head = item.head(guard);
            if live_value(head).is_none() || (volatile && head.expires_at() == 0) {
                continue;
            }
            let now = w.next_seq;
            let age = |it: ItemRef| crate::engine::lru_age(it.last_access(), now);
            if best.is_none_or(|b| age(item) > age(b)) {
                best = Some(item);
            }
            found += 1;
            if found == SAMPLES {
                break;
            }
        }
        best
    }

    /// Deletes `item` durably, in its own log record and sequence number.
    fn evict(&self, w: &mut Writer, item: ItemRef, guard: &Guard) -> Result<()> {
        let key = item.key(guard).to_vec();
        let op = Op::Delete { key: &key };
        let seq = w.next_seq;
        if let Some(wal) = w.wal.as_mut() {
            let mut payload = Vec::with_capacity(key.len() + 8);
            op.encode(&mut payload);
            wal.append(seq, &payload)?;
            self.appended.store(seq, Ordering::Release);
        }
        w.next_seq += 1;
        // Publish first so that the bound below lets the evicted item go at once if no view
        // holds it. (Under SyncMode::Always the write that triggered this publishes after its
        // fsync, which covers this record too.)
        if !self.sync_always() {
            crate::readers::publish(&self.visible, seq);
        }
        let keep = self.keep_seq();
        self.bury(w, item, seq, keep, guard);
        self.collect_garbage(w, self.keep_seq(), guard, 64);
        self.ops.evictions.incr();
        Ok(())
    }
}
