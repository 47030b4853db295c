//! Work done away from the callers' threads: the interval fsync, checkpoints, and reclaiming
//! memory: unlinking deleted items, trimming versions that closed views kept, freeing what is
//! past its epoch grace period, and handing freed memory back to the operating system.
//!
//! Up to three threads per database with a log: the syncer (SyncMode::Interval only), the
//! maintenance thread (checkpoints, expiry, memory), and `scalodb-log` (the next segment and the
//! fsync of the last closed one, `wal/ahead.rs`). They are separate so that a long checkpoint
//! never delays the interval fsync or a rotation.

use std::ops::Bound;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_epoch as epoch;
use parking_lot::{Condvar, Mutex};

use crate::checkpoint::{self, CheckpointWriter};
use crate::clock::now_ms;
use crate::engine::{CheckpointMark, Engine};
use crate::error::{Error, Result};
use crate::options::SyncMode;

/// How often the checkpointer looks at the log size and the garbage queue.
const MAINTENANCE_TICK: Duration = Duration::from_millis(100);
/// Queue entries handled per hold of the commit lock by the maintenance thread: writers wait at
/// most this long behind it.
const RECLAIM_STEP: usize = 256;
/// Hash slots moved per hold of the commit lock when the maintenance thread helps a resize (or
/// runs a shrink, which inserts do not drive).
const MIGRATE_STEP: usize = 1024;
/// Steps of reclaiming per maintenance tick while writes are going on.
const BUSY_STEPS: usize = 8;
/// Freed bytes after which the allocator is asked to return free pages to the OS...
const TRIM_AFTER_BYTES: u64 = 32 << 20;
/// ...at most this often (it walks the allocator's free lists).
const TRIM_EVERY: Duration = Duration::from_secs(1);
/// Entries copied per pinned walk while writing a checkpoint; the epoch is released in between.
const CHECKPOINT_CHUNK: usize = 1024;

struct Stop {
    stopped: Mutex<bool>,
    cv: Condvar,
}

impl Stop {
    /// Sleeps up to `d`; returns true if asked to stop.
    fn wait(&self, d: Duration) -> bool {
        let mut s = self.stopped.lock();
        if !*s {
            self.cv.wait_for(&mut s, d);
        }
        *s
    }
}

/// The background threads of one database.
pub(crate) struct Background {
    stop: Arc<Stop>,
    threads: Vec<JoinHandle<()>>,
    /// The log's work ahead of the commit path, run by `scalodb-log` (stores with a log only).
    ahead: Option<Arc<crate::wal::ahead::Ahead>>,
}

impl Background {
    pub(crate) fn start(engine: &Arc<Engine>) -> Result<Background> {
        let stop = Arc::new(Stop { stopped: Mutex::new(false), cv: Condvar::new() });
        let mut threads = Vec::new();
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.to_string())
                .spawn(f)
                .map_err(|e| Error::io("starting a background thread", e))
        };
        if let SyncMode::Interval(every) = engine.opts.sync {
            let (c, s) = (engine.clone(), stop.clone());
            threads.push(spawn(
                "scalodb-sync",
                Box::new(move || {
                    while !s.wait(every) {
                        // A failure puts the store in read-only mode; writers report it.
                        let _ = c.sync_all();
                    }
                }),
            )?);
        }
        let ahead = engine.writer.lock().wal.as_ref().map(|wal| wal.ahead());
        if let Some(ahead) = ahead.clone() {
            let c = engine.clone();
            threads.push(spawn("scalodb-log", Box::new(move || ahead.run(|reason| c.fail(reason))))?);
        }
        let (c, s) = (engine.clone(), stop.clone());
        threads.push(spawn(
            "scalodb-maint",
            Box::new(move || {
                let mut os_trim = OsTrim::new(&c);
                let mut seen_seq = 0;
                while !s.wait(MAINTENANCE_TICK) {
                    // Failures here resurface on the next write, which reports them.
                    let _ = c.sweep_expired();
                    let seq = c.writer.lock().next_seq;
                    c.reclaim_now(seq == seen_seq);
                    seen_seq = seq;
                    os_trim.maybe_trim(&c);
                    if c.opts.auto_checkpoint && c.checkpoint_due() {
                        // A failed checkpoint leaves the log intact; it is retried on the next tick.
                        let _ = c.checkpoint();
                    }
                }
            }),
        )?);
        Ok(Background { stop, threads, ahead })
    }

    /// Asks the threads to stop and waits for them (unless called from one of them).
    pub(crate) fn stop(self) {
        *self.stop.stopped.lock() = true;
        self.stop.cv.notify_all();
        if let Some(ahead) = &self.ahead {
            ahead.stop();
        }
        let me = std::thread::current().id();
        for t in self.threads {
            if t.thread().id() != me {
                let _ = t.join();
            }
        }
    }
}

/// Hands freed heap memory back to the OS after large frees (deletes, expiry, `clear`, versions
/// trimmed after a view closed): glibc keeps freed pages otherwise, and RSS would stay at its
/// peak however much data went away.
struct OsTrim {
    /// Freed-bytes counter at the last trim, and at the previous tick.
    freed_at_last: u64,
    freed_at_tick: u64,
    last: std::time::Instant,
}

impl OsTrim {
    fn new(engine: &Engine) -> OsTrim {
        let freed = engine.reclaim.freed_bytes();
        OsTrim { freed_at_last: freed, freed_at_tick: freed, last: std::time::Instant::now() }
    }

    /// Trims after a lot was freed, or once freeing stopped after a smaller amount (so the tail
    /// of a mass delete is given back too), at most once per `TRIM_EVERY`.
    fn maybe_trim(&mut self, engine: &Engine) {
        let freed = engine.reclaim.freed_bytes();
        let since = freed - self.freed_at_last;
        let settled = freed == self.freed_at_tick && since >= TRIM_AFTER_BYTES / 32;
        self.freed_at_tick = freed;
        if !(since >= TRIM_AFTER_BYTES || settled) || self.last.elapsed() < TRIM_EVERY {
            return;
        }
        self.freed_at_last = freed;
        self.last = std::time::Instant::now();
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

impl Engine {
    /// One maintenance pass over retired memory: trims versions that views released and
    /// unlinks deleted items, a bounded step per hold of the commit lock, then lets the epoch
    /// advance and frees every bag past its grace period.
    pub(crate) fn reclaim_now(&self, writes_idle: bool) {
        for step in 0.. {
            // While writes go on, commits do their share of this work: take a few steps, and
            // only when the commit lock is free. Looping here would keep a third thread busy on
            // two cores, and when the scheduler takes the CPU from it while it holds the commit
            // lock, every writer waits out its time slice (puts of 8 to 12 ms in a 10M fill).
            if !writes_idle && step >= BUSY_STEPS {
                break;
            }
            let more = {
                let guard = epoch::pin();
                let lock = if writes_idle { Some(self.writer.lock()) } else { self.writer.try_lock() };
                let Some(mut w) = lock else { break };
                let keep = self.keep_seq();
                let trimmed = self.trim_retained(&mut w, keep, &guard, RECLAIM_STEP);
                let collected = self.collect_garbage(&mut w, keep, &guard, RECLAIM_STEP);
                let w = &mut *w;
                let migrating = self.hash.migrate(&mut w.hash, MIGRATE_STEP, &guard, &mut w.reclaim);
                w.reclaim.seal(&guard);
                trimmed == RECLAIM_STEP || collected == RECLAIM_STEP || migrating
            };
            if !more || self.closed.load(Ordering::Acquire) {
                break;
            }
            std::thread::yield_now();
        }
        {
            let guard = epoch::pin();
            let mut w = self.writer.lock();
            w.shrink_queues();
            let w = &mut *w;
            self.hash.maybe_shrink(&mut w.hash, &guard);
            w.reclaim.seal(&guard);
        }
        // Each flush tries to advance the epoch once; a bag is free to go two epochs after it
        // was sealed, so three flushes let what was sealed above go now if no reader lingers.
        for _ in 0..3 {
            epoch::pin().flush();
        }
        self.reclaim.free_ready(usize::MAX);
    }

    /// Is the log large enough, and mostly history rather than live data?
    fn checkpoint_due(&self) -> bool {
        let w = self.writer.lock();
        let Some(wal) = w.wal.as_ref() else { return false };
        let bytes = wal.bytes();
        let live = w.key_bytes + w.value_bytes;
        bytes > self.opts.checkpoint_wal_bytes && bytes as f64 > self.opts.checkpoint_wal_ratio * live as f64
    }

    /// Writes a checkpoint of the current state and deletes the log segments it covers. Readers
    /// and writers go on meanwhile.
    pub(crate) fn checkpoint(&self) -> Result<()> {
        let Some(dir) = self.dir.clone() else {
            return self.check_open();
        };
        let _one_at_a_time = self.checkpoint_lock.lock();
        let seq = {
            let mut w = self.writer.lock();
            self.check_writable()?;
            let seq = w.next_seq - 1;
            if seq == self.checkpoint_mark.lock().seq {
                return Ok(()); // nothing new since the last one
            }
            let next = w.next_seq;
            self.events.emit(|| crate::events::Event::CheckpointStarted { seq });
            if let Some(wal) = w.wal.as_mut() {
                if let Err(e) = wal.rotate_now(next) {
                    if wal.broken() {
                        self.fail(e.to_string());
                        return Err(e);
                    }
                    // No room for a new segment (a full disk): checkpoint anyway, since that is
                    // what frees log space. The current segment stays; recovery skips its records
                    // that the checkpoint covers.
                }
            }
            // Registered under the commit lock: no version this view needs can be trimmed.
            self.readers.register_at(seq);
            seq
        };
        self.report_growth(&mut self.writer.lock());
        let started = std::time::Instant::now();
        let result = self.write_checkpoint(&dir, seq, &mut |_| {});
        self.readers.unregister(seq);
        let count = match result {
            Ok(n) => n,
            Err(e) => {
                self.events.emit(|| crate::events::Event::CheckpointFailed { error: e.to_string() });
                return Err(e);
            }
        };
        // Older checkpoints are superseded; then the log it covers can go.
        for (s, path) in checkpoint::list(&dir)? {
            if s < seq {
                // On failure the log is kept too; the next checkpoint removes both.
                crate::fsutil::remove_file(&path, "checkpoint.remove").map_err(|e| {
                    let advice = crate::fsutil::advice(&e);
                    Error::io(
                        format!("removing superseded checkpoint {} (nothing is lost; {advice})", path.display()),
                        e,
                    )
                })?;
            }
        }
        // The covered segments come off the log under the commit lock; unlinking them and the
        // directory fsync do not hold it.
        let covered = self.writer.lock().wal.as_mut().map(|wal| wal.take_through(seq)).unwrap_or_default();
        if let Err(e) = crate::wal::writer::remove_segments(&dir, &covered) {
            let left: Vec<_> = covered.into_iter().filter(|s| s.path.exists()).collect();
            if let Some(wal) = self.writer.lock().wal.as_mut() {
                wal.give_back(left);
            }
            return Err(e);
        }
        *self.checkpoint_mark.lock() = CheckpointMark { seq, unix_ms: now_ms(), count };
        self.events.emit(|| crate::events::Event::CheckpointFinished {
            seq,
            keys: count,
            bytes: std::fs::metadata(checkpoint::checkpoint_path(&dir, seq)).map_or(0, |m| m.len()),
            duration: started.elapsed(),
        });
        Ok(())
    }

    /// Writes a checkpoint of what is visible at `seq` into `dir`; `progress` hears the number
    /// of entries written so far after each chunk. Returns the number of entries.
    pub(crate) fn write_checkpoint(
        &self,
        dir: &std::path::Path,
        seq: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let mut out = CheckpointWriter::create(dir, seq, now_ms())?;
        let mut count = 0u64;
        let mut from: Option<Vec<u8>> = None;
        // A collection is taken as a share of its version's trees: writing it streams their
        // elements without copying them first.
        let mut chunk: Vec<(Vec<u8>, Stored, u64)> = Vec::with_capacity(CHECKPOINT_CHUNK);
        loop {
            if self.closed.load(Ordering::Acquire) {
                out.abandon();
                return Err(Error::Closed);
            }
            chunk.clear();
            let lo = from.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
            from = self.scan_chunk(lo, Bound::Unbounded, false, seq, CHECKPOINT_CHUNK, &mut |k, v| {
                let stored = match v.coll_arc() {
                    Some(coll) => Stored::Coll(coll),
                    None => Stored::Bytes(v.value().to_vec()),
                };
                chunk.push((k.to_vec(), stored, v.expires_at()));
                true
            });
            for (k, v, e) in &chunk {
                let added = match v {
                    Stored::Bytes(v) => out.add(k, v, *e),
                    Stored::Coll(c) => out.add_coll(k, c, *e),
                };
                if let Err(err) = added {
                    out.abandon();
                    return Err(err);
                }
                count += 1;
            }
            progress(count);
            if from.is_none() {
                break;
            }
        }
        out.finish()?;
        Ok(count)
    }
}

/// A value taken for a checkpoint chunk.
enum Stored {
    Bytes(Vec<u8>),
    Coll(std::sync::Arc<crate::collections::coll::Coll>),
}
