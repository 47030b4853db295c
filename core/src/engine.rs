//! The shared state behind every handle, and the read path.
//!
//! `Engine` owns the two indexes (hash for point reads, tree for ordered scans), the published
//! sequence number `visible`, the registry of read views, and the commit lock (`writer`) that
//! serialises every change. Readers never take a lock: they pin an epoch, read `visible`, and
//! look up the version of each key at that sequence.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_epoch::{self as epoch, Guard};
use parking_lot::Mutex;

use crate::clock::now_ms;
use crate::counters::OpCounters;
use crate::error::{Error, Result};
use crate::expiry::Expiries;
use crate::garbage::GarbageQueue;
use crate::hash_index::{HashIndex, HashWriter};
use crate::item::{ItemRef, Lookup, VersionRef};
use crate::lockfile::DirLock;
use crate::maintenance::Background;
use crate::options::{Options, SyncMode};
use crate::readers::Readers;
use crate::reclaim::{self, Reclaimer};
use crate::tree::Tree;
use crate::wal::writer::Wal;

/// State only the writer touches, guarded by the commit lock.
pub(crate) struct Writer {
    /// The sequence number the next commit gets.
    pub next_seq: u64,
    pub hash: HashWriter,
    pub wal: Option<Wal>,
    /// Deleted items to unlink once no reader can see them (see `garbage.rs`).
    pub garbage: GarbageQueue,
    /// Items whose shadowed versions a registered view kept alive: (item, sequence from which
    /// they can go). The trimmer frees them once no view needs them, without waiting for the key
    /// to be written again. An item is queued once (`IN_TRIM_QUEUE`), in sequence order.
    pub retained: VecDeque<(ItemRef, u64)>,
    /// Where unlinked memory waits for readers to move on (see `reclaim.rs`).
    pub reclaim: Reclaimer,
    pub live_keys: u64,
    /// Live keys whose newest version has a time-to-live, and the sum of their expiry times
    /// (ms since the epoch), for INFO's `expires` and `avg_ttl` without a walk.
    pub ttl_keys: u64,
    pub ttl_sum_ms: u128,
    pub key_bytes: u64,
    pub value_bytes: u64,
    /// Bytes allocated for items and versions (reclaimed memory is subtracted when it is retired).
    pub mem_bytes: u64,
    /// Bytes of items queued in `garbage`: memory that comes back once readers move on.
    pub garbage_bytes: u64,
    /// Pending expiries.
    pub expiries: Expiries,
    /// State of the sampling generator used to pick eviction candidates.
    pub rng: u64,
}

impl Writer {
    /// Counts a live version's time-to-live in (`add`) or out of the TTL totals.
    #[inline]
    pub(crate) fn count_ttl(&mut self, expires_at: u64, add: bool) {
        if expires_at == 0 {
            return;
        }
        if add {
            self.ttl_keys += 1;
            self.ttl_sum_ms += expires_at as u128;
        } else {
            self.ttl_keys -= 1;
            self.ttl_sum_ms -= expires_at as u128;
        }
    }

    /// Memory held by the garbage and trim queues themselves.
    pub(crate) fn queue_bytes(&self) -> u64 {
        (self.garbage.capacity() * std::mem::size_of::<crate::garbage::Garbage>()
            + self.retained.capacity() * std::mem::size_of::<(ItemRef, u64)>()) as u64
    }

    /// Gives back the queues' spare capacity once they drained (after a mass delete or expiry).
    pub(crate) fn shrink_queues(&mut self) {
        fn shrink<T>(q: &mut VecDeque<T>) {
            if q.capacity() > 1024 && q.len() < q.capacity() / 4 {
                q.shrink_to(q.len() * 2);
            }
        }
        shrink(&mut self.garbage);
        shrink(&mut self.retained);
        self.expiries.shrink();
    }

    /// The writer of an empty store.
    pub(crate) fn new() -> Writer {
        Writer {
            next_seq: 1,
            hash: HashWriter::default(),
            wal: None,
            garbage: GarbageQueue::new(),
            retained: VecDeque::new(),
            reclaim: Reclaimer::default(),
            live_keys: 0,
            ttl_keys: 0,
            ttl_sum_ms: 0,
            key_bytes: 0,
            value_bytes: 0,
            mem_bytes: 0,
            garbage_bytes: 0,
            expiries: Expiries::default(),
            rng: crate::hash::random_seed() | 1,
        }
    }
}

/// Checkpoint bookkeeping, for stats and the trigger.
#[derive(Default, Clone, Copy)]
pub(crate) struct CheckpointMark {
    pub seq: u64,
    pub unix_ms: u64,
    pub count: u64,
}

pub(crate) struct Engine {
    pub opts: Options,
    pub dir: Option<PathBuf>,
    pub hash: HashIndex,
    pub tree: Tree,
    /// Highest sequence number whose writes are all applied (and durable, under SyncMode::Always).
    pub visible: crate::readers::Visible,
    pub readers: Readers,
    /// Retired memory waiting for its grace period or to be freed; also reachable from the
    /// writer's `Reclaimer`, but read here without the commit lock.
    pub reclaim: Arc<reclaim::Shared>,
    /// The commit lock.
    pub writer: Mutex<Writer>,
    /// Highest sequence number known to be on stable storage.
    pub synced: AtomicU64,
    /// True while some thread is doing a group-commit fsync; `sync_done` wakes the others when it
    /// ends, so writers it covered return at once and one of the rest leads the next fsync.
    pub sync_leader: Mutex<bool>,
    pub sync_done: parking_lot::Condvar,
    /// Sequence of the last record appended to the log.
    pub appended: AtomicU64,
    /// Writers inside a SyncMode::Always commit (from before the commit lock until acknowledged):
    /// a group-commit leader waits briefly for all of them to append before it fsyncs.
    pub durable_writers: std::sync::atomic::AtomicUsize,
    pub closed: AtomicBool,
    /// Set when a write to disk failed: the store then refuses writes until reopened.
    pub failed: Mutex<Option<String>>,
    pub failed_flag: AtomicBool,
    pub ops: OpCounters,
    /// Torn records cut off the log tail when this store was opened.
    pub torn_records: u64,
    pub checkpoint_mark: Mutex<CheckpointMark>,
    /// Serialises checkpoints (background and explicit).
    pub checkpoint_lock: Mutex<()>,
    pub background: Mutex<Option<Background>>,
    pub dir_lock: Mutex<Option<DirLock>>,
    /// Where engine events go (`events.rs`).
    pub events: crate::events::Events,
    /// What opening from disk did, delivered first to a listener installed later.
    pub recovered: Option<crate::events::Event>,
}

impl Engine {
    pub(crate) fn new(opts: Options, dir: Option<PathBuf>, seed: u64, tree: Tree, writer: Writer) -> Engine {
        Engine {
            reclaim: writer.reclaim.shared().clone(),
            opts,
            dir,
            hash: HashIndex::new(seed),
            tree,
            visible: crate::readers::Visible::new(0),
            readers: Readers::new(),
            writer: Mutex::new(writer),
            synced: AtomicU64::new(0),
            sync_leader: Mutex::new(false),
            sync_done: parking_lot::Condvar::new(),
            appended: AtomicU64::new(0),
            durable_writers: std::sync::atomic::AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            failed: Mutex::new(None),
            failed_flag: AtomicBool::new(false),
            ops: OpCounters::default(),
            torn_records: 0,
            checkpoint_mark: Mutex::new(CheckpointMark::default()),
            checkpoint_lock: Mutex::new(()),
            background: Mutex::new(None),
            dir_lock: Mutex::new(None),
            events: crate::events::Events::default(),
            recovered: None,
        }
    }

    /// True when writes must wait for an fsync before they are acknowledged and visible.
    pub(crate) fn sync_always(&self) -> bool {
        self.opts.wal && self.opts.sync == SyncMode::Always
    }

    #[inline]
    pub(crate) fn check_open(&self) -> Result<()> {
        if self.closed.load(Ordering::Acquire) {
            Err(Error::Closed)
        } else {
            Ok(())
        }
    }

    /// For writers, under the commit lock.
    pub(crate) fn check_writable(&self) -> Result<()> {
        self.check_open()?;
        if self.failed_flag.load(Ordering::Acquire) {
            let reason = self.failed.lock().clone().unwrap_or_default();
            return Err(Error::ReadOnly { reason });
        }
        Ok(())
    }

    /// Puts the store in the read-only state after a failed disk write.
    pub(crate) fn fail(&self, reason: String) {
        let mut f = self.failed.lock();
        if f.is_none() {
            self.events.emit(|| crate::events::Event::ReadOnly { reason: reason.clone() });
            *f = Some(reason);
        }
        self.failed_flag.store(true, Ordering::Release);
    }

    /// True when reads must stamp items for LRU eviction.
    #[inline]
    pub(crate) fn tracks_lru(&self) -> bool {
        self.opts.max_memory.is_some() && self.opts.eviction != crate::options::Eviction::NoEviction
    }

    /// Memory in use as `Stats::memory_bytes` reports it and the limit checks it: items, versions
    /// and index overhead, less what queued garbage will give back.
    pub(crate) fn memory_in_use(&self, w: &Writer, guard: &Guard) -> u64 {
        let indexes = self.hash.capacity(guard) as u64 * 8 + w.hash.len() as u64 * 24;
        (w.mem_bytes + indexes + w.expiries.bytes() + w.queue_bytes()).saturating_sub(w.garbage_bytes)
    }

    /// The oldest sequence any reader may still read at: versions shadowed at this point can go.
    #[inline]
    pub(crate) fn keep_seq(&self) -> u64 {
        self.readers.keep(&self.visible)
    }

    /// The current value of `key`, read without a lock.
    pub(crate) fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.check_open()?;
        self.ops.gets.incr();
        let guard = epoch::pin();
        let hash = self.hash.hash(key);
        loop {
            // Read the sequence before the index: anything visible at `seq` is already indexed.
            let seq = self.visible.load(Ordering::Acquire);
            let Some(item) = self.hash.get(key, hash, &guard) else { return Ok(None) };
            if self.tracks_lru() {
                item.touch(lru_stamp(seq));
            }
            match item.version_at(seq, &guard) {
                Lookup::Found(v) => return live_value(v).map(|_| string_of(v).map(<[u8]>::to_vec)).transpose(),
                Lookup::Absent => return Ok(None),
                Lookup::Retry => continue,
            }
        }
    }

    /// The live version of `key` at `seq` for an unregistered reader that just read `seq` from
    /// `visible` (retries at a newer sequence if the versions it needs were trimmed).
    pub(crate) fn get_at_fresh<'g>(&self, key: &[u8], mut seq: u64, guard: &'g Guard) -> Option<VersionRef<'g>> {
        let item = self.hash.get(key, self.hash.hash(key), guard)?;
        loop {
            match item.version_at(seq, guard) {
                Lookup::Found(v) => return live_value(v).map(|_| v),
                Lookup::Absent => return None,
                Lookup::Retry => seq = self.visible.load(Ordering::Acquire),
            }
        }
    }

    /// The version of `key` a registered view at `seq` sees, if it holds a live value.
    pub(crate) fn get_at<'g>(&self, key: &[u8], seq: u64, guard: &'g Guard) -> Option<VersionRef<'g>> {
        let item = self.hash.get(key, self.hash.hash(key), guard)?;
        visible_at(item, seq, guard)
    }

    /// Calls `f` for each live `(key, version)` visible at `seq` in `range`, in order, until it
    /// returns false or `max_items` items were examined. Returns the last key examined, if the
    /// walk stopped early, so a caller can resume after it.
    pub(crate) fn scan_chunk(
        &self,
        lo: std::ops::Bound<&[u8]>,
        hi: std::ops::Bound<&[u8]>,
        reverse: bool,
        seq: u64,
        max_items: usize,
        f: &mut dyn FnMut(&[u8], VersionRef<'_>) -> bool,
    ) -> Option<Vec<u8>> {
        let guard = epoch::pin();
        let now = now_ms();
        let mut examined = 0usize;
        let mut stopped_at: Option<Vec<u8>> = None;
        self.tree.walk(lo, hi, reverse, &guard, &mut |item| {
            examined += 1;
            let key = item.key(&guard);
            let go_on = match item.version_at(seq, &guard) {
                Lookup::Found(v) if v.is_live(now) => f(key, v),
                _ => true,
            };
            if !go_on || examined >= max_items {
                stopped_at = Some(key.to_vec());
                return false;
            }
            true
        });
        stopped_at
    }
}

/// The LRU stamp of an access at sequence `seq`. Recency is counted in commits, not in time, so
/// that eviction order does not depend on how fast the machine is (a 100 ms clock made every key
/// of a fast workload look equally recent); a stamp moves every 16 commits so that reader
/// threads sharing a hot item rarely write its cache line. Stamps wrap: compare ages with
/// `lru_age`.
#[inline]
pub(crate) fn lru_stamp(seq: u64) -> u32 {
    (seq >> 4) as u32
}

/// How many stamp ticks ago `stamp` was, at sequence `seq`.
#[inline]
pub(crate) fn lru_age(stamp: u32, seq: u64) -> u32 {
    lru_stamp(seq).wrapping_sub(stamp)
}

/// The value of a version, if it is live now.
#[inline]
pub(crate) fn live_value(v: VersionRef<'_>) -> Option<&[u8]> {
    if v.is_tombstone() {
        return None;
    }
    let exp = v.expires_at();
    if exp != 0 && exp <= now_ms() {
        return None;
    }
    Some(v.value())
}

/// The bytes of a string version; a `WrongType` error for a collection.
#[inline]
pub(crate) fn string_of<'g>(v: VersionRef<'g>) -> Result<&'g [u8]> {
    match v.kind() {
        crate::collections::coll::Kind::String => Ok(v.value()),
        holds => Err(crate::collections::typed::wrong_type(holds, crate::collections::coll::Kind::String)),
    }
}

/// The live version of `item` at `seq` for a registered view (whose versions are never trimmed).
pub(crate) fn visible_at<'g>(item: ItemRef, seq: u64, guard: &'g Guard) -> Option<VersionRef<'g>> {
    match item.version_at(seq, guard) {
        Lookup::Found(v) => live_value(v).map(|_| v),
        _ => None,
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Every handle, view and thread is gone: free the items. The tree and the hash table free
        // their own nodes when dropped.
        // SAFETY: exclusive access, nothing is pinned on these structures any more.
        let guard = unsafe { epoch::unprotected() };
        let mut items = Vec::new();
        self.hash.for_each(guard, |it| items.push(it));
        // Queued garbage is still in the hash index, so it is freed below with the rest.
        let w = self.writer.get_mut();
        w.garbage.clear();
        w.retained.clear();
        for it in items {
            // SAFETY: the item is owned by this store and nothing else references it now.
            unsafe { it.free_now() };
        }
        // What was unlinked earlier (and is in no index) is freed by the reclaimer.
        w.reclaim.shutdown();
    }
}
