//! Expiry: an expired value is invisible at once (every read checks the time); this file gives
//! its memory back. The writer keeps a heap of pending expiries; the maintenance thread (and
//! `stats`) sweep it, burying expired keys in batches under the commit lock so that writers pause
//! briefly and readers not at all. The tombstones are not logged: the expiry time itself is in
//! the log and in checkpoints, so a reopened store drops the key on its own.

use std::sync::atomic::Ordering;

use crossbeam_epoch as epoch;

use crate::clock::now_ms;
use crate::core::Core;
use crate::error::Result;

/// Keys buried per hold of the commit lock.
const SWEEP_BATCH: usize = 4096;

impl Core {
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
                    let Some(top) = w.expiries.peek() else { break };
                    let (expires_at, set_at) = (top.0 .0, top.0 .1);
                    if expires_at > now {
                        break;
                    }
                    let std::cmp::Reverse((_, _, key)) = w.expiries.pop().expect("peeked");
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
                        self.visible.store(seq, Ordering::SeqCst);
                    }
                    self.collect_garbage(&mut w, self.keep_seq(), &guard, n);
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
