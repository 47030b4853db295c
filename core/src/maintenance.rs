//! Work done away from the callers' threads: the interval fsync, checkpoints, and unlinking of
//! deleted items when writes are idle.
//!
//! Two threads per database with a log: the syncer (SyncMode::Interval only) and the checkpointer.
//! They are separate so that a long checkpoint never delays the interval fsync.

use std::ops::Bound;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_epoch as epoch;
use parking_lot::{Condvar, Mutex};

use crate::checkpoint::{self, CheckpointWriter};
use crate::clock::now_ms;
use crate::core::{CheckpointMark, Core};
use crate::error::{Error, Result};
use crate::options::SyncMode;

/// How often the checkpointer looks at the log size and the garbage queue.
const MAINTENANCE_TICK: Duration = Duration::from_millis(100);
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
}

impl Background {
    pub(crate) fn start(core: &Arc<Core>) -> Result<Background> {
        let stop = Arc::new(Stop { stopped: Mutex::new(false), cv: Condvar::new() });
        let mut threads = Vec::new();
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.to_string())
                .spawn(f)
                .map_err(|e| Error::io("starting a background thread", e))
        };
        if let SyncMode::Interval(every) = core.opts.sync {
            let (c, s) = (core.clone(), stop.clone());
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
        let (c, s) = (core.clone(), stop.clone());
        threads.push(spawn(
            "scalodb-maint",
            Box::new(move || {
                while !s.wait(MAINTENANCE_TICK) {
                    c.lru_clock.store(crate::core::lru_now(), Ordering::Relaxed);
                    // Failures here resurface on the next write, which reports them.
                    let _ = c.sweep_expired();
                    c.idle_garbage_collection();
                    if c.opts.auto_checkpoint && c.checkpoint_due() {
                        // A failed checkpoint leaves the log intact; it is retried on the next tick.
                        let _ = c.checkpoint();
                    }
                }
            }),
        )?);
        Ok(Background { stop, threads })
    }

    /// Asks the threads to stop and waits for them (unless called from one of them).
    pub(crate) fn stop(self) {
        *self.stop.stopped.lock() = true;
        self.stop.cv.notify_all();
        let me = std::thread::current().id();
        for t in self.threads {
            if t.thread().id() != me {
                let _ = t.join();
            }
        }
    }
}

impl Core {
    fn idle_garbage_collection(&self) {
        let Some(mut w) = self.writer.try_lock() else { return };
        if w.garbage.is_empty() {
            return;
        }
        let guard = epoch::pin();
        let keep = self.keep_seq();
        self.collect_garbage(&mut w, keep, &guard, 4096);
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
        let result = self.write_checkpoint(&dir, seq);
        self.readers.unregister(seq);
        let count = result?;
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
        {
            let mut w = self.writer.lock();
            if let Some(wal) = w.wal.as_mut() {
                wal.remove_through(seq)?;
            }
        }
        *self.checkpoint_mark.lock() = CheckpointMark { seq, unix_ms: now_ms(), count };
        Ok(())
    }

    pub(crate) fn write_checkpoint(&self, dir: &std::path::Path, seq: u64) -> Result<u64> {
        let mut out = CheckpointWriter::create(dir, seq, now_ms())?;
        let mut count = 0u64;
        let mut from: Option<Vec<u8>> = None;
        let mut chunk: Vec<(Vec<u8>, Vec<u8>, u64)> = Vec::with_capacity(CHECKPOINT_CHUNK);
        loop {
            if self.closed.load(Ordering::Acquire) {
                out.abandon();
                return Err(Error::Closed);
            }
            chunk.clear();
            let lo = from.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
            from = self.scan_chunk(lo, Bound::Unbounded, false, seq, CHECKPOINT_CHUNK, &mut |k, v| {
                chunk.push((k.to_vec(), v.value().to_vec(), v.expires_at()));
                true
            });
            for (k, v, e) in &chunk {
                if let Err(err) = out.add(k, v, *e) {
                    out.abandon();
                    return Err(err);
                }
                count += 1;
            }
            if from.is_none() {
                break;
            }
        }
        out.finish()?;
        Ok(count)
    }
}
