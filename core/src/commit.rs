//! The write path: check sizes, append one log record, apply every op under one sequence number,
//! publish it, and (under SyncMode::Always) wait for a group-commit fsync before publishing.
//!
//! Invariant: a change is visible to readers only after its record is in the log (and fsynced
//! under SyncMode::Always), and all changes of one commit become visible together.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crossbeam_epoch::{self as epoch, Guard};

use crate::engine::{Engine, Writer};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::item::{ItemRef, NewItem, NewVersion};
use crate::wal::ops::{Op, OwnedOp};

/// Queue entries (garbage and trim) a commit handles beyond twice its own ops, so cleanup keeps
/// ahead of what commits add without stalling one writer long.
const GC_PER_COMMIT: usize = 8;
/// Longest a group-commit leader waits for the other writers in flight to append, next to an
/// fsync that takes hundreds of microseconds.
const GATHER_MAX: Duration = Duration::from_micros(150);

/// Counts a writer in `Engine::durable_writers` for as long as it lives.
struct DurableWriter<'a>(&'a AtomicUsize);

impl<'a> DurableWriter<'a> {
    fn enter(counter: &'a AtomicUsize) -> DurableWriter<'a> {
        counter.fetch_add(1, Ordering::AcqRel);
        DurableWriter(counter)
    }
}

impl Drop for DurableWriter<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

thread_local! {
    /// Reused encoding buffer, so a commit allocates nothing for its log record.
    static PAYLOAD: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Reused per-op work done before the commit lock (`Prepared`).
    static PREPARED: RefCell<Vec<Prepared>> = const { RefCell::new(Vec::new()) };
}

/// What a writer works out for one op before it takes the commit lock, so that the lock is held
/// for as little as possible and a second writer can do its own share meanwhile: the key's hash,
/// and for a key that is not in the store yet its item, allocated and filled. Looking the key up
/// and descending the tree here also takes their cache misses outside the lock. Under the lock
/// the key is looked up again (another writer may have inserted it meanwhile: the prepared item
/// is then freed, never having been shared).
/// What applying an op says: an error only for an op that does not fit the state (damage).
pub(crate) type ApplyResult = std::result::Result<(), &'static str>;

pub(crate) struct Prepared {
    hash: u64,
    item: Option<NewItem>,
}

impl Engine {
    pub(crate) fn check_sizes(&self, ops: &[Op<'_>]) -> Result<()> {
        for op in ops {
            let (key, value) = match *op {
                Op::Put { key, value, .. } => (key, Some(value)),
                Op::Delete { key } | Op::Expire { key, .. } | Op::Coll { key, .. } => (key, None),
                Op::Clear => continue,
            };
            if key.len() > self.opts.max_key_size {
                return Err(Error::KeyTooLarge { len: key.len(), max: self.opts.max_key_size });
            }
            if let Some(v) = value {
                if v.len() > self.opts.max_value_size {
                    return Err(Error::ValueTooLarge { len: v.len(), max: self.opts.max_value_size });
                }
            }
        }
        Ok(())
    }

    /// Commits `ops` atomically. Returns the sequence number they got.
    pub(crate) fn commit(&self, ops: &[Op<'_>]) -> Result<u64> {
        self.commit_if(ops, |_, _| Ok(true)).map(|(seq, _)| seq)
    }

    /// Commits `ops` if `check` (run under the commit lock, seeing the latest applied state)
    /// returns true. Returns the sequence (0 when nothing was written) and the check's answer.
    /// The log record is encoded before the lock is taken: this is the fast path of plain writes.
    pub(crate) fn commit_if(
        &self,
        ops: &[Op<'_>],
        check: impl FnOnce(&Engine, &Guard) -> Result<bool>,
    ) -> Result<(u64, bool)> {
        self.check_open()?;
        self.check_sizes(ops)?;
        let _durable = self.sync_always().then(|| DurableWriter::enter(&self.durable_writers));
        let seq = PAYLOAD.with(|buf| {
            PREPARED.with(|prep| {
                let mut payload = buf.borrow_mut();
                payload.clear();
                if self.opts.wal {
                    for op in ops {
                        op.encode(&mut payload);
                    }
                }
                let guard = epoch::pin();
                let mut prep = prep.borrow_mut();
                prep.clear();
                let result = (|| {
                    prep.extend(ops.iter().map(|op| self.prepare(op, &guard)));
                    // While another writer holds the lock, descend the tree for the new keys, so
                    // that the descent under the lock finds its nodes in cache. Uncontended it
                    // would only repeat the work.
                    let mut w = match self.writer.try_lock() {
                        Some(w) => w,
                        None => {
                            for (op, p) in ops.iter().zip(prep.iter()) {
                                if let (Op::Put { key, .. }, Some(_)) = (op, &p.item) {
                                    self.tree.prefetch(key, &guard);
                                }
                            }
                            self.writer.lock()
                        }
                    };
                    self.check_writable()?;
                    if !check(self, &guard)? {
                        return Ok(0);
                    }
                    self.log_and_apply(&mut w, &payload, ops, Some(&mut prep), &guard)
                })();
                // Frees the items the commit did not use (it failed, or the key was inserted
                // meanwhile).
                prep.clear();
                result
            })
        })?;
        if seq == 0 {
            return Ok((0, false));
        }
        if self.sync_always() {
            self.wait_durable(seq)?;
        }
        Ok((seq, true))
    }

    /// Runs `decide` under the commit lock; it sees the latest applied state and returns the ops
    /// to commit (possibly none) and a result. For writes whose content depends on the current
    /// value: conditional writes, increments, transactions.
    pub(crate) fn commit_with<R>(
        &self,
        decide: impl FnOnce(&Engine, &Guard) -> Result<(Vec<OwnedOp>, R)>,
    ) -> Result<R> {
        self.check_open()?;
        let _durable = self.sync_always().then(|| DurableWriter::enter(&self.durable_writers));
        let (seq, result) = PAYLOAD.with(|buf| -> Result<(u64, R)> {
            let guard = epoch::pin();
            let mut w = self.writer.lock();
            self.check_writable()?;
            let (owned, result) = decide(self, &guard)?;
            if owned.is_empty() {
                return Ok((0, result));
            }
            let ops: Vec<Op<'_>> = owned.iter().map(OwnedOp::as_op).collect();
            self.check_sizes(&ops)?;
            let mut payload = buf.borrow_mut();
            payload.clear();
            if self.opts.wal {
                for op in &ops {
                    op.encode(&mut payload);
                }
            }
            let seq = self.log_and_apply(&mut w, &payload, &ops, None, &guard)?;
            Ok((seq, result))
        })?;
        if seq != 0 && self.sync_always() {
            self.wait_durable(seq)?;
        }
        Ok(result)
    }

    /// Under the commit lock: makes room under the memory limit, appends the record, applies the
    /// ops at a new sequence and publishes it (except under SyncMode::Always, where the caller
    /// publishes after the fsync). Returns the sequence. On error nothing changed.
    fn log_and_apply(
        &self,
        w: &mut Writer,
        payload: &[u8],
        ops: &[Op<'_>],
        prepared: Option<&mut [Prepared]>,
        guard: &Guard,
    ) -> Result<u64> {
        self.make_room(w, ops, guard)?;
        let seq = w.next_seq;
        if let Some(wal) = w.wal.as_mut() {
            if let Err(e) = wal.append(seq, payload) {
                // A failed fsync (rotation) leaves earlier records unsure: stop writing until
                // reopened. A failed segment creation (a full disk) changed nothing: retryable.
                if wal.broken() {
                    self.fail(e.to_string());
                }
                return Err(e);
            }
            self.appended.store(seq, Ordering::Release);
        }
        w.next_seq += 1;
        let keep = self.keep_seq();
        match prepared {
            Some(prep) => {
                for (op, p) in ops.iter().zip(prep.iter_mut()) {
                    let applied = self.apply_prepared(w, op, p, seq, keep, guard);
                    debug_assert!(applied.is_ok(), "a decided op does not apply: {applied:?}");
                }
            }
            None => {
                for op in ops {
                    let applied = self.apply(w, op, seq, keep, guard);
                    debug_assert!(applied.is_ok(), "a decided op does not apply: {applied:?}");
                }
            }
        }
        self.report_growth(w);
        let budget = GC_PER_COMMIT + 2 * ops.len();
        self.trim_retained(w, keep, guard, budget);
        self.collect_garbage(w, keep, guard, budget);
        w.reclaim.end_commit(guard);
        if !self.sync_always() {
            crate::readers::publish(&self.visible, seq);
        }
        Ok(seq)
    }

    /// Sends the events a rotation or an index growth of the last commit left behind (two
    /// `Option::take`s on a commit that had neither).
    pub(crate) fn report_growth(&self, w: &mut Writer) {
        use crate::events::Event;
        if let Some((segment, duration)) = w.wal.as_mut().and_then(|wal| wal.rotated.take()) {
            self.events.emit(|| Event::LogRotated { segment, duration });
        }
        if let Some((capacity, duration)) = w.hash.grown.take() {
            self.events.emit(|| Event::IndexGrown { capacity, duration });
        }
    }

    /// The work for `op` that needs no lock (see `Prepared`).
    fn prepare(&self, op: &Op<'_>, guard: &Guard) -> Prepared {
        match *op {
            Op::Put { key, value, expires_at } => {
                let hash = self.hash.hash(key);
                let item = if self.hash.get(key, hash, guard).is_some() {
                    None
                } else {
                    // Its sequence is set under the lock, before it is published.
                    Some(NewItem::new(key, value, expires_at))
                };
                Prepared { hash, item }
            }
            // Only the hash: a lookup here would be repeated under the lock, and decides nothing.
            Op::Delete { key } | Op::Expire { key, .. } | Op::Coll { key, .. } => {
                Prepared { hash: self.hash.hash(key), item: None }
            }
            Op::Clear => Prepared { hash: 0, item: None },
        }
    }

    /// Applies one op at `seq`. Writer only; also used by recovery, to which an error means a
    /// damaged record (a writer decides its ops on the state they apply to, so they always fit).
    pub(crate) fn apply(&self, w: &mut Writer, op: &Op<'_>, seq: u64, keep: u64, guard: &Guard) -> ApplyResult {
        let hash = match *op {
            Op::Put { key, .. } | Op::Delete { key } | Op::Expire { key, .. } | Op::Coll { key, .. } => {
                self.hash.hash(key)
            }
            Op::Clear => 0,
        };
        self.apply_prepared(w, op, &mut Prepared { hash, item: None }, seq, keep, guard)
    }

    /// Applies one op at `seq` with the work `prepare` did for it (taking its item if it uses
    /// it). Writer only.
    fn apply_prepared(
        &self,
        w: &mut Writer,
        op: &Op<'_>,
        prep: &mut Prepared,
        seq: u64,
        keep: u64,
        guard: &Guard,
    ) -> ApplyResult {
        match *op {
            Op::Put { key, value, expires_at } => {
                let hash = prep.hash;
                let v = NewVersion { seq, expires_at, value: Some(value) };
                let item = if let Some(item) = self.hash.get(key, hash, guard) {
                    let head = item.head(guard);
                    if head.is_tombstone() {
                        w.live_keys += 1;
                        w.key_bytes += key.len() as u64;
                    } else {
                        w.value_bytes -= head.payload_len() as u64;
                        w.count_ttl(head.expires_at(), false);
                    }
                    w.value_bytes += value.len() as u64;
                    w.mem_bytes += item.push(&v) as u64;
                    // A string replacing a collection: its trees stop counting.
                    w.mem_bytes -= head.coll_heap() as u64;
                    w.mem_bytes -= item.trim(keep, guard, &mut w.reclaim) as u64;
                    self.note_retained(w, item, seq, keep, guard);
                    item
                } else {
                    let item = match prep.item.take() {
                        Some(item) => item.publish(seq),
                        None => ItemRef::alloc(key, &v),
                    };
                    w.mem_bytes += item.size() as u64;
                    self.hash.insert(&mut w.hash, item, hash, guard, &mut w.reclaim);
                    self.tree.insert(key, item, guard, &mut w.reclaim);
                    w.live_keys += 1;
                    w.key_bytes += key.len() as u64;
                    w.value_bytes += value.len() as u64;
                    item
                };
                if expires_at != 0 {
                    w.expiries.push(expires_at, seq, key);
                }
                w.count_ttl(expires_at, true);
                if self.tracks_lru() {
                    item.touch(crate::engine::lru_stamp(seq));
                }
            }
            Op::Delete { key } => {
                if let Some(item) = self.hash.get(key, prep.hash, guard) {
                    self.bury(w, item, seq, keep, guard);
                }
            }
            Op::Expire { key, expires_at } => {
                if let Some(item) = self.hash.get(key, prep.hash, guard) {
                    let head = item.head(guard);
                    if !head.is_tombstone() {
                        w.count_ttl(head.expires_at(), false);
                        w.count_ttl(expires_at, true);
                        w.mem_bytes += match head.coll_arc() {
                            Some(coll) => item.push_coll(seq, expires_at, coll),
                            None => item.push(&NewVersion { seq, expires_at, value: Some(head.value()) }),
                        } as u64;
                        w.mem_bytes -= item.trim(keep, guard, &mut w.reclaim) as u64;
                        self.note_retained(w, item, seq, keep, guard);
                        if expires_at != 0 {
                            w.expiries.push(expires_at, seq, key);
                        }
                    }
                }
            }
            Op::Clear => self.bury_all(w, seq, keep, guard),
            Op::Coll { key, kind, fresh, edits, built } => {
                return self.apply_coll(w, key, kind, fresh, edits, built.0, prep.hash, seq, keep, guard);
            }
        }
        Ok(())
    }

    /// Applies a collection op (see `Op::Coll`): the new collection is `built`, or the current
    /// one (an empty one when `fresh`) with `edits` applied; an empty result deletes the key.
    /// Writer only. Edits that do not fit (a damaged record) change nothing and are an error.
    #[allow(clippy::too_many_arguments)]
    fn apply_coll(
        &self,
        w: &mut Writer,
        key: &[u8],
        kind: crate::collections::coll::Kind,
        fresh: bool,
        edits: &[u8],
        built: Option<&std::sync::Arc<crate::collections::coll::Coll>>,
        hash: u64,
        seq: u64,
        keep: u64,
        guard: &Guard,
    ) -> ApplyResult {
        use crate::collections::{coll::Coll, edit};
        let existing = self.hash.get(key, hash, guard);
        let head = existing.map(|item| item.head(guard));
        let current = head.filter(|h| !h.is_tombstone());
        let (coll, expires_at) = match built {
            Some(c) => (c.clone(), if fresh { 0 } else { current.map_or(0, |h| h.expires_at()) }),
            None => {
                let (mut coll, expires_at) = match current.and_then(|h| h.coll().map(|c| (c, h.expires_at()))) {
                    Some((c, exp)) if !fresh && c.kind() == kind => (c.clone(), exp),
                    Some(_) if !fresh => return Err("a collection edit on a key of another type"),
                    _ => (Coll::empty(kind), 0),
                };
                for e in edit::decode(edits).ok_or("malformed collection edits")? {
                    edit::apply(&mut coll, &e)?;
                }
                (std::sync::Arc::new(coll), expires_at)
            }
        };
        if coll.is_empty() {
            if let Some(item) = existing {
                self.bury(w, item, seq, keep, guard);
            }
            return Ok(());
        }
        let bytes = coll.data_bytes() as u64;
        let heap = coll.heap_bytes() as u64;
        let item = match existing {
            Some(item) => {
                w.mem_bytes += heap;
                w.mem_bytes -= current.map_or(0, |h| h.coll_heap()) as u64;
                match current {
                    Some(h) => {
                        w.value_bytes -= h.payload_len() as u64;
                        w.count_ttl(h.expires_at(), false);
                    }
                    None => {
                        w.live_keys += 1;
                        w.key_bytes += key.len() as u64;
                    }
                }
                w.mem_bytes += item.push_coll(seq, expires_at, coll) as u64;
                w.mem_bytes -= item.trim(keep, guard, &mut w.reclaim) as u64;
                self.note_retained(w, item, seq, keep, guard);
                item
            }
            None => {
                let item = ItemRef::alloc_coll(key, seq, expires_at, coll);
                w.mem_bytes += (item.size() + item.chain_bytes(guard)) as u64 + heap;
                self.hash.insert(&mut w.hash, item, hash, guard, &mut w.reclaim);
                self.tree.insert(key, item, guard, &mut w.reclaim);
                w.live_keys += 1;
                w.key_bytes += key.len() as u64;
                item
            }
        };
        w.value_bytes += bytes;
        if expires_at != 0 {
            w.expiries.push(expires_at, seq, key);
        }
        w.count_ttl(expires_at, true);
        if self.tracks_lru() {
            item.touch(crate::engine::lru_stamp(seq));
        }
        Ok(())
    }

    /// Waits until `seq` is on stable storage, leading a group-commit fsync if nobody else is,
    /// then publishes it to readers.
    pub(crate) fn wait_durable(&self, seq: u64) -> Result<()> {
        while self.synced.load(Ordering::Acquire) < seq {
            let mut leading = self.sync_leader.lock();
            if self.synced.load(Ordering::Acquire) >= seq {
                break;
            }
            if *leading {
                // Someone is syncing; it may cover us. Look again when it is done.
                self.sync_done.wait(&mut leading);
                continue;
            }
            *leading = true;
            drop(leading);
            self.gather_writers();
            let result = self.sync_now();
            *self.sync_leader.lock() = false;
            self.sync_done.notify_all();
            result?;
        }
        crate::readers::publish_max(&self.visible, self.synced.load(Ordering::Acquire));
        Ok(())
    }

    /// Syncs everything appended so far, as (or after) the group-commit leader.
    pub(crate) fn sync_all(&self) -> Result<()> {
        // A store that lost a write to disk says so, even when it has nothing new to sync.
        self.check_writable()?;
        let target = self.writer.lock().next_seq - 1;
        if self.sync_always() {
            return self.wait_durable(target);
        }
        let mut leading = self.sync_leader.lock();
        while *leading {
            self.sync_done.wait(&mut leading);
        }
        *leading = true;
        drop(leading);
        let result = self.sync_now();
        *self.sync_leader.lock() = false;
        self.sync_done.notify_all();
        result
    }

    /// Lets every writer already inside a durable commit append before the leader fsyncs, so one
    /// fsync covers them all. One writer alone never waits.
    fn gather_writers(&self) {
        let start = Instant::now();
        loop {
            let pending = self.appended.load(Ordering::Acquire).saturating_sub(self.synced.load(Ordering::Acquire));
            let active = self.durable_writers.load(Ordering::Acquire) as u64;
            if pending >= active || start.elapsed() > GATHER_MAX {
                return;
            }
            std::thread::yield_now();
        }
    }

    /// fsyncs the current log segment and records what it covers. The caller is the sync leader.
    pub(crate) fn sync_now(&self) -> Result<()> {
        if self.failed_flag.load(Ordering::Acquire) {
            let reason = self.failed.lock().clone().unwrap_or_default();
            return Err(Error::ReadOnly { reason });
        }
        let (files, target) = {
            let w = self.writer.lock();
            // The segment the last rotation closed first (if it still waits), then the current one.
            let files = w.wal.as_ref().map(|wal| (wal.ahead().unsynced(), wal.current_file(), wal.ahead()));
            (files, w.next_seq - 1)
        };
        if let Some((closed, file, ahead)) = files {
            let started = std::time::Instant::now();
            let synced = match &closed {
                Some(c) => fsutil::sync_data(c).map(|()| ahead.synced(c)),
                None => Ok(()),
            };
            if let Err(e) = synced.and_then(|()| fsutil::sync_data(&file)) {
                let advice = fsutil::advice(&e);
                let err = Error::io(
                    format!(
                        "syncing the log (writes not yet synced may be lost, so the store refuses writes; \
                         {advice}, then reopen it)"
                    ),
                    e,
                );
                // After a failed fsync the page cache may have dropped the data: never trust it.
                self.fail(err.to_string());
                return Err(err);
            }
            self.ops.fsyncs.incr();
            self.events.fsync_took(started.elapsed());
        }
        self.synced.fetch_max(target, Ordering::AcqRel);
        Ok(())
    }
}
