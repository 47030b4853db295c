//! Expiry: an expired value is invisible at once (every read checks the time); this file gives
//! its memory back. The writer keeps a heap of pending expiries; the maintenance thread (and
//! `stats`) sweep it, burying expired keys in batches under the commit lock so that writers pause
//! briefly and readers not at all. The tombstones are not logged: the expiry time itself is in
//! the log and in checkpoints, so a reopened store drops the key on its own.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::Ordering;

use crossbeam_epoch as epoch;

use crate::clock::now_ms;
use crate::engine::Engine;
use crate::error::Result;

/// Keys buried per hold of the commit lock.
const SWEEP_BATCH: usize = 4096;

/// Pending expiries, soonest first: (expires_at, sequence of the version that set it, key). A
/// later write or persist does not remove an entry; the sweep skips entries whose version is no
/// longer the key's newest. Writer only.
/// (expires_at, sequence of the version that set it, key), soonest first.
type Entry = Reverse<(u64, u64, Box<[u8]>)>;

#[derive(Default)]
pub(crate) struct Expiries {
    heap: BinaryHeap<Entry>,
    key_bytes: u64,
}

impl Expiries {
    pub(crate) fn push(&mut self, expires_at: u64, seq: u64, key: &[u8]) {
        self.key_bytes += key.len() as u64;
        self.heap.push(Reverse((expires_at, seq, key.into())));
    }

    /// The soonest (expires_at, sequence), without removing it.
    pub(crate) fn peek(&self) -> Option<(u64, u64)> {
        self.heap.peek().map(|Reverse((at, seq, _))| (*at, *seq))
    }

    pub(crate) fn pop(&mut self) -> Option<(u64, u64, Box<[u8]>)> {
        let Reverse(entry) = self.heap.pop()?;
        self.key_bytes -= entry.2.len() as u64;
        Some(entry)
    }

    pub(crate) fn clear(&mut self) {
        self.heap = BinaryHeap::new();
        self.key_bytes = 0;
    }

    /// Heap memory held, counted in `Stats::memory_bytes` (each key is its own allocation).
    pub(crate) fn bytes(&self) -> u64 {
        let entry = std::mem::size_of::<Entry>() as u64;
        self.heap.capacity() as u64 * entry + self.key_bytes + self.heap.len() as u64 * 16
    }

    /// Gives back the heap's spare capacity after most entries went (a mass expiry).
    pub(crate) fn shrink(&mut self) {
        if self.heap.capacity() > 1024 && self.heap.len() < self.heap.capacity() / 4 {
            self.heap.shrink_to(self.heap.len() * 2);
        }
    }
}

impl Engine {
    /// Buries every key whose expiry has passed. Returns how many.
    pub(crate) fn sweep_expired(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let (seq, n) = {
                let guard = epoch::pin();
                let now = now_ms();
                let mut w = self.writer.lock();
                if self.closed.load(Ordering::Acquire) {
                    return Ok(total);
                }
                let seq = w.next_seq;
                let keep = self.keep_seq();
                let mut n = 0;
                while n < SWEEP_BATCH {
                    let Some((expires_at, set_at)) = w.expiries.peek() else { break };
                    if expires_at > now {
                        break;
                    }
                    let (_, _, key) = w.expiries.pop().expect("peeked");
                    let Some(item) = self.hash.get(&key, self.hash.hash(&key), &guard) else { continue };
                    let head = item.head(&guard);
                    // Only the version that set this expiry: a later write or persist wins.
                    if head.seq() == set_at && head.expires_at() == expires_at && !head.is_tombstone() {
                        self.bury(&mut w, item, seq, keep, &guard);
                        n += 1;
                    }
                }
                if n > 0 {
                    w.next_seq += 1;
                    if !self.sync_always() {
                        crate::readers::publish(&self.visible, seq);
                    }
                    self.collect_garbage(&mut w, self.keep_seq(), &guard, n);
                    w.reclaim.end_commit(&guard);
                }
                (seq, n)
            };
            if n == 0 {
                return Ok(total);
            }
            if self.sync_always() {
                self.wait_durable(seq)?;
            }
            total += n;
            self.ops.expired.add(n as u64);
            if n < SWEEP_BATCH {
                return Ok(total);
            }
        }
    }
}
