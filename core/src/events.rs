//! Engine events for the program that embeds the store: checkpoints, the recovery summary, slow
//! fsyncs, log rotations, hash index growth and the switch to read-only after a failed fsync.
//!
//! The engine never logs. A program that wants to know installs an [`EventListener`] with
//! `Db::set_event_listener` (the server logs them and feeds LATENCY and its metrics). Events are
//! sent over a channel to a thread of the store's own (`scalodb-events`) which calls the listener:
//! several events happen under the commit lock (a rotation, an index growth), and a listener that
//! writes a log line must not hold up writers there. Sending is a lock and a push; with no
//! listener installed, an event costs one relaxed atomic load.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

/// What happened; each variant carries what an operator wants in the log line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A checkpoint began at this sequence number.
    CheckpointStarted { seq: u64 },
    /// A checkpoint was written and the log it covers deleted.
    CheckpointFinished { seq: u64, keys: u64, bytes: u64, duration: Duration },
    /// A checkpoint failed; the store keeps its log and tries again later.
    CheckpointFailed { error: String },
    /// The store was opened from disk (sent when the listener is installed, since opening comes
    /// first). `records_replayed` log records after the checkpoint's `checkpoint_keys` keys.
    Recovered { checkpoint_keys: u64, records_replayed: u64, torn_records: u64, duration: Duration },
    /// An fsync of the log took at least the threshold set by `Db::set_slow_fsync_threshold`.
    SlowFsync { duration: Duration },
    /// The log moved on to a new segment; `duration` is the time the writer waited for it.
    LogRotated { segment: u64, duration: Duration },
    /// The hash index started growing to `capacity` slots (it migrates bit by bit after this).
    IndexGrown { capacity: u64, duration: Duration },
    /// A write to disk failed: the store refuses writes until it is reopened.
    ReadOnly { reason: String },
}

/// Receives the engine's events, on the store's `scalodb-events` thread, in the order they
/// happened. A slow listener delays only later events, never the store.
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: &Event);
}

/// The engine's side: where events go, if anywhere.
pub(crate) struct Events {
    /// Set while a listener is installed, so that an event nobody listens to costs no lock.
    on: AtomicBool,
    /// Guards the sender, replaced when a listener is installed or removed.
    tx: Mutex<Option<Sender<Event>>>,
    /// fsyncs at least this long (µs) are reported; default 100 ms.
    pub slow_fsync_us: AtomicU64,
}

impl Default for Events {
    fn default() -> Self {
        Events { on: AtomicBool::new(false), tx: Mutex::new(None), slow_fsync_us: AtomicU64::new(100_000) }
    }
}

impl Events {
    /// Sends `make()` to the listener, if there is one (`make` runs only then).
    pub(crate) fn emit(&self, make: impl FnOnce() -> Event) {
        if !self.on.load(Ordering::Relaxed) {
            return;
        }
        if let Some(tx) = self.tx.lock().as_ref() {
            // The thread ends only when the sender is dropped: a failed send has nobody to tell.
            let _ = tx.send(make());
        }
    }

    /// Reports an fsync that took `d` if it passes the threshold.
    pub(crate) fn fsync_took(&self, d: Duration) {
        if d.as_micros() as u64 >= self.slow_fsync_us.load(Ordering::Relaxed) {
            self.emit(|| Event::SlowFsync { duration: d });
        }
    }

    /// Installs `listener` (replacing any) on a new delivery thread, or removes it with `None`.
    /// `first` is delivered before anything else (the recovery summary).
    pub(crate) fn install(
        &self,
        listener: Option<Arc<dyn EventListener>>,
        first: Option<Event>,
    ) -> std::io::Result<()> {
        let mut tx = self.tx.lock();
        // Dropping the old sender ends the old thread once it has delivered what it holds.
        *tx = None;
        self.on.store(false, Ordering::Relaxed);
        let Some(listener) = listener else { return Ok(()) };
        let (sender, receiver) = channel::<Event>();
        std::thread::Builder::new().name("scalodb-events".into()).spawn(move || {
            for event in receiver {
                listener.on_event(&event);
            }
        })?;
        if let Some(e) = first {
            let _ = sender.send(e);
        }
        *tx = Some(sender);
        self.on.store(true, Ordering::Relaxed);
        Ok(())
    }
}
