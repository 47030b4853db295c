//! `Db`: the handle users hold. Cheap to clone, shared by every thread; the last clone dropped
//! closes the store.

use std::ops::{Bound, RangeBounds};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_epoch as epoch;

use crate::batch::WriteBatch;
use crate::clock::{expiry_after, now_ms};
use crate::engine::{live_value, string_of, Engine};
use crate::error::{Error, Result};
use crate::iter::{owned_bounds, prefix_end, Iter, ReadView};
use crate::options::Options;
use crate::recovery;
use crate::snapshot::Snapshot;
use crate::stats::Stats;
use crate::transaction::Transaction;
use crate::wal::ops::{Op, OwnedOp};

/// Closes the store when the last `Db` clone goes away.
struct Handle {
    engine: Arc<Engine>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; call `Db::close` to see them.
        let _ = self.engine.close();
    }
}

/// An open database. `Send + Sync`; clone it to share it (clones are one reference count).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let db = scalodb::Db::open(dir.path()).unwrap();
/// db.put("user:1", "alice").unwrap();
/// assert_eq!(db.get("user:1").unwrap().as_deref(), Some(&b"alice"[..]));
/// for entry in db.scan_prefix("user:").unwrap() {
///     let (key, value) = entry.unwrap();
///     println!("{} = {}", String::from_utf8_lossy(&key), String::from_utf8_lossy(&value));
/// }
/// db.close().unwrap();
/// ```
#[derive(Clone)]
pub struct Db {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("dir", &self.engine().dir).finish()
    }
}

impl Db {
    /// Opens (or creates) the store in directory `path` with default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        Db::open_with(path, Options::default())
    }

    /// Opens (or creates) the store in directory `path`. With `opts.wal == false` the directory
    /// is not touched and the store lives in memory only.
    pub fn open_with(path: impl AsRef<Path>, opts: Options) -> Result<Db> {
        Ok(Db::from_core(recovery::open(path.as_ref(), opts)?))
    }

    /// A store that lives in memory only, with default options otherwise.
    pub fn memory() -> Db {
        Db::memory_with(Options::in_memory()).expect("default in-memory options are valid")
    }

    /// A store that lives in memory only (`opts.wal` is ignored).
    pub fn memory_with(opts: Options) -> Result<Db> {
        Ok(Db::from_core(recovery::open_memory(opts)?))
    }

    fn from_core(engine: Arc<Engine>) -> Db {
        Db { handle: Arc::new(Handle { engine }) }
    }

    pub(crate) fn engine(&self) -> &Arc<Engine> {
        &self.handle.engine
    }

    /// The directory of the store (`None` in memory).
    pub fn path(&self) -> Option<PathBuf> {
        self.engine().dir.clone()
    }

    /// Sets `key` to `value`.
    #[inline]
    pub fn put(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<()> {
        let engine = self.engine();
        engine.commit(&[Op::Put { key: key.as_ref(), value: value.as_ref(), expires_at: 0 }])?;
        engine.ops.puts.incr();
        Ok(())
    }

    /// Sets every `(key, value)` of `pairs` atomically, in order (a key given twice keeps its last
    /// value), as one commit: one log record and one trip through the commit lock, with nothing
    /// copied before it. Each pair counts as a put. For many plain writes at once, e.g. the SETs
    /// of one pipeline; a [`WriteBatch`] does the same for owned data with deletes and TTLs.
    ///
    /// ```
    /// let db = scalodb::Db::memory();
    /// db.put_many(&[("a", "1"), ("b", "2"), ("a", "3")]).unwrap();
    /// assert_eq!(db.get("a").unwrap().as_deref(), Some(&b"3"[..]));
    /// ```
    pub fn put_many<K: AsRef<[u8]>, V: AsRef<[u8]>>(&self, pairs: &[(K, V)]) -> Result<()> {
        let engine = self.engine();
        if pairs.is_empty() {
            return engine.check_open();
        }
        let ops: Vec<Op<'_>> =
            pairs.iter().map(|(k, v)| Op::Put { key: k.as_ref(), value: v.as_ref(), expires_at: 0 }).collect();
        engine.commit(&ops)?;
        engine.ops.puts.add(ops.len() as u64);
        Ok(())
    }

    /// Sets `key` to `value`, to expire after `ttl`.
    pub fn put_with_ttl(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, ttl: Duration) -> Result<()> {
        let engine = self.engine();
        engine.commit(&[Op::Put { key: key.as_ref(), value: value.as_ref(), expires_at: expiry_after(ttl) }])?;
        engine.ops.puts.incr();
        Ok(())
    }

    /// The value of `key`, or `None`. Never waits for writers.
    #[inline]
    pub fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>> {
        self.engine().get(key.as_ref())
    }

    /// Whether `key` holds a live value (a get that copies nothing).
    pub fn contains(&self, key: impl AsRef<[u8]>) -> Result<bool> {
        let engine = self.engine();
        engine.check_open()?;
        let guard = epoch::pin();
        let seq = engine.visible.load(std::sync::atomic::Ordering::Acquire);
        Ok(engine.get_at_fresh(key.as_ref(), seq, &guard).is_some())
    }

    /// Deletes every key, atomically (one log record).
    pub fn clear(&self) -> Result<()> {
        self.engine().commit(&[Op::Clear])?;
        Ok(())
    }

    /// Deletes `key`; returns whether it existed. Nothing is logged if it did not.
    pub fn delete(&self, key: impl AsRef<[u8]>) -> Result<bool> {
        let key = key.as_ref();
        let engine = self.engine();
        let (_, existed) =
            engine.commit_if(&[Op::Delete { key }], |engine, guard| Ok(latest_is_live(engine, key, guard)))?;
        engine.ops.deletes.incr();
        Ok(existed)
    }

    /// Applies every write of `batch` atomically.
    pub fn write(&self, batch: WriteBatch) -> Result<()> {
        if batch.is_empty() {
            return self.engine().check_open();
        }
        let engine = self.engine();
        if batch.has_typed() {
            crate::collections::typed::write_typed_batch(engine, &batch)?;
        } else {
            engine.commit(&batch.ops())?;
        }
        engine.ops.batches.incr();
        Ok(())
    }

    /// The keys in `range`, in order, from one consistent version. `db.scan::<&[u8], _>(..)` or
    /// [`Db::iter`] for everything.
    pub fn scan<K: AsRef<[u8]>>(&self, range: impl RangeBounds<K>) -> Result<Iter> {
        let engine = self.engine();
        engine.check_open()?;
        let (lo, hi) = owned_bounds(&range);
        Ok(Iter::new(ReadView::open(engine), lo, hi))
    }

    /// The keys starting with `prefix`, in order, from one consistent version.
    pub fn scan_prefix(&self, prefix: impl AsRef<[u8]>) -> Result<Iter> {
        let engine = self.engine();
        engine.check_open()?;
        let p = prefix.as_ref();
        Ok(Iter::new(ReadView::open(engine), Bound::Included(p.to_vec()), prefix_end(p)))
    }

    /// Every key, in order.
    pub fn iter(&self) -> Result<Iter> {
        self.scan::<&[u8]>(..)
    }

    /// A read view fixed at the current version.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let engine = self.engine();
        engine.check_open()?;
        Ok(Snapshot { view: ReadView::open(engine) })
    }

    /// Counts and sizes; see [`Stats`].
    pub fn stats(&self) -> Result<Stats> {
        let engine = self.engine();
        engine.check_open()?;
        // Expired keys must not count: bury them now rather than wait for the sweeper.
        engine.sweep_expired()?;
        let guard = epoch::pin();
        let w = engine.writer.lock();
        let (wal_bytes, wal_segments) = w.wal.as_ref().map_or((0, 0), |wal| (wal.bytes(), wal.segments() as u64));
        let mark = *engine.checkpoint_mark.lock();
        let (pending_free_objects, pending_free_bytes) = engine.reclaim.pending();
        Ok(Stats {
            keys: w.live_keys,
            key_bytes: w.key_bytes,
            value_bytes: w.value_bytes,
            memory_bytes: engine.memory_in_use(&w, &guard) + pending_free_bytes,
            pending_free_objects,
            pending_free_bytes,
            wal_bytes,
            wal_segments,
            last_checkpoint_seq: mark.seq,
            last_checkpoint_unix_ms: mark.unix_ms,
            last_checkpoint_keys: mark.count,
            sequence: w.next_seq - 1,
            gets: engine.ops.gets.get(),
            puts: engine.ops.puts.get(),
            deletes: engine.ops.deletes.get(),
            batches: engine.ops.batches.get(),
            scans: engine.ops.scans.get(),
            fsyncs: engine.ops.fsyncs.get(),
            torn_records_truncated: engine.torn_records,
            open_views: engine.readers.count() as u64,
            evictions: engine.ops.evictions.get(),
            expired_keys: engine.ops.expired.get(),
            transactions: engine.ops.transactions.get(),
            conflicts: engine.ops.conflicts.get(),
        })
    }

    /// Sets `key` to `value` only if it holds no live value. Returns whether it was written.
    pub fn put_if_absent(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<bool> {
        let (key, value) = (key.as_ref(), value.as_ref());
        let op = [Op::Put { key, value, expires_at: 0 }];
        let (_, written) = self.engine().commit_if(&op, |engine, guard| Ok(!latest_is_live(engine, key, guard)))?;
        Ok(written)
    }

    /// Replaces the value of `key` with `new` if it is `expected` (`None` on either side means
    /// "absent": `new == None` deletes). Returns [`CasOutcome::Swapped`] or the current value.
    pub fn compare_and_swap(
        &self,
        key: impl AsRef<[u8]>,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<CasOutcome> {
        let key = key.as_ref();
        self.engine().commit_with(|engine, guard| {
            let current = latest_live(engine, key, guard).map(string_of).transpose()?;
            if current != expected {
                return Ok((vec![], CasOutcome::Failed { current: current.map(<[u8]>::to_vec) }));
            }
            let op = match new {
                Some(v) => OwnedOp::Put { key: key.to_vec(), value: v.to_vec(), expires_at: 0 },
                None if current.is_some() => OwnedOp::Delete { key: key.to_vec() },
                None => return Ok((vec![], CasOutcome::Swapped)),
            };
            Ok((vec![op], CasOutcome::Swapped))
        })
    }

    /// Adds `delta` to the integer stored at `key` as decimal text (an absent key counts as 0, as
    /// Redis's INCRBY does) and returns the new value. The key's time-to-live is kept.
    pub fn increment(&self, key: impl AsRef<[u8]>, delta: i64) -> Result<i64> {
        let key = key.as_ref();
        self.engine().commit_with(|engine, guard| {
            let current = latest_live(engine, key, guard);
            let (old, expires_at) = match current {
                None => (0i64, 0),
                Some(v) => {
                    let text = std::str::from_utf8(string_of(v)?).ok();
                    let n = text
                        .and_then(|t| t.parse::<i64>().ok())
                        .ok_or_else(|| Error::WrongType("the value is not an integer in decimal text".into()))?;
                    (n, v.expires_at())
                }
            };
            let new = old
                .checked_add(delta)
                .ok_or_else(|| Error::InvalidArgument(format!("incrementing {old} by {delta} overflows")))?;
            let op = OwnedOp::Put { key: key.to_vec(), value: new.to_string().into_bytes(), expires_at };
            Ok((vec![op], new))
        })
    }

    /// Gives `key` a time-to-live. Returns false if the key holds no live value.
    pub fn expire(&self, key: impl AsRef<[u8]>, ttl: Duration) -> Result<bool> {
        let key = key.as_ref();
        let op = [Op::Expire { key, expires_at: expiry_after(ttl) }];
        Ok(self.engine().commit_if(&op, |engine, guard| Ok(latest_is_live(engine, key, guard)))?.1)
    }

    /// Removes the time-to-live of `key`. Returns false if the key is absent or had none.
    pub fn persist(&self, key: impl AsRef<[u8]>) -> Result<bool> {
        let key = key.as_ref();
        let op = [Op::Expire { key, expires_at: 0 }];
        let check = |engine: &Engine, guard: &epoch::Guard| {
            Ok(latest_live(engine, key, guard).is_some_and(|v| v.expires_at() != 0))
        };
        Ok(self.engine().commit_if(&op, check)?.1)
    }

    /// The time-to-live of `key`.
    pub fn ttl(&self, key: impl AsRef<[u8]>) -> Result<Ttl> {
        self.read_latest(key.as_ref(), |v| match v {
            None => Ttl::Missing,
            Some(v) if v.expires_at() == 0 => Ttl::Forever,
            Some(v) => Ttl::Remaining(Duration::from_millis(v.expires_at().saturating_sub(now_ms()))),
        })
    }

    /// `f` of the live version of `key` in the latest visible state (None if absent or expired),
    /// read without a lock.
    pub(crate) fn read_latest<R>(
        &self,
        key: &[u8],
        f: impl FnOnce(Option<crate::item::VersionRef<'_>>) -> R,
    ) -> Result<R> {
        let engine = self.engine();
        engine.check_open()?;
        let guard = epoch::pin();
        let seq = engine.visible.load(std::sync::atomic::Ordering::Acquire);
        Ok(f(engine.get_at_fresh(key, seq, &guard)))
    }

    /// Starts a transaction reading from a snapshot taken now; see [`Transaction`].
    pub fn begin(&self) -> Result<Transaction> {
        let engine = self.engine();
        engine.check_open()?;
        Ok(Transaction::new(ReadView::open(engine)))
    }

    /// Runs `f` in a transaction and commits it, retrying up to 10 times on `Error::Conflict`.
    /// An error from `f` (or a panic) rolls back: nothing is written.
    pub fn transaction<T>(&self, f: impl FnMut(&mut Transaction) -> Result<T>) -> Result<T> {
        self.transaction_with_retries(10, f)
    }

    /// [`Db::transaction`] with a chosen number of retries after conflicts.
    pub fn transaction_with_retries<T>(
        &self,
        retries: u32,
        mut f: impl FnMut(&mut Transaction) -> Result<T>,
    ) -> Result<T> {
        let mut attempt = 0;
        loop {
            let mut tx = self.begin()?;
            let out = f(&mut tx)?;
            match tx.commit() {
                Ok(()) => return Ok(out),
                Err(Error::Conflict) if attempt < retries => {
                    attempt += 1;
                    // Back off a little more each time so that contending writers spread out.
                    std::thread::sleep(Duration::from_micros(50 << attempt.min(6)));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Writes a consistent copy of the store, as of now, into the empty (or new) directory `dest`,
    /// while readers and writers go on. The copy opens on its own with [`Db::open`].
    pub fn backup(&self, dest: impl AsRef<Path>) -> Result<()> {
        self.backup_with_progress(dest, |_, _| {})
    }

    /// [`Db::backup`], calling `progress(keys_written, keys_total)` as it goes (after each chunk
    /// of keys; the total is the live keys when the backup began, so writes meanwhile can make
    /// the count end a little off it). For progress bars.
    pub fn backup_with_progress(&self, dest: impl AsRef<Path>, mut progress: impl FnMut(u64, u64)) -> Result<()> {
        let engine = self.engine();
        engine.check_open()?;
        let dest = dest.as_ref();
        if dest.exists() {
            let mut entries =
                std::fs::read_dir(dest).map_err(|e| Error::io(format!("reading {}", dest.display()), e))?;
            if entries.next().is_some() {
                return Err(Error::InvalidArgument(format!("backup destination {} is not empty", dest.display())));
            }
        }
        crate::fsutil::create_dir_all_durable(dest)
            .map_err(|e| Error::io(format!("creating {}", dest.display()), e))?;
        let view = ReadView::open(engine);
        let total = engine.writer.lock().live_keys;
        engine.write_checkpoint(dest, view.seq, &mut |done| progress(done, total))?;
        Ok(())
    }

    /// Writes a checkpoint now and removes the log it covers (a no-op in memory).
    pub fn checkpoint(&self) -> Result<()> {
        self.engine().checkpoint()
    }

    /// Keys with a time-to-live now, and their average remaining time-to-live in ms (0 when
    /// there are none): Redis's `expires` and `avg_ttl`. Counted as writes go, so this is cheap;
    /// keys whose time ran out are buried first, as in [`Db::stats`].
    pub fn ttl_summary(&self) -> Result<(u64, u64)> {
        let engine = self.engine();
        engine.check_open()?;
        engine.sweep_expired()?;
        let w = engine.writer.lock();
        if w.ttl_keys == 0 {
            return Ok((0, 0));
        }
        let mean_at = (w.ttl_sum_ms / w.ttl_keys as u128) as u64;
        Ok((w.ttl_keys, mean_at.saturating_sub(now_ms())))
    }

    /// Sends the store's events (`crate::Event`) to `listener` from now on, on a thread of the
    /// store's own, replacing any listener installed before; `None` removes it. A store opened
    /// from disk first delivers `Event::Recovered`, the summary of that open.
    pub fn set_event_listener(&self, listener: Option<Arc<dyn crate::EventListener>>) -> Result<()> {
        let engine = self.engine();
        engine.check_open()?;
        engine
            .events
            .install(listener, engine.recovered.clone())
            .map_err(|e| Error::io("starting the scalodb-events thread".to_string(), e))
    }

    /// fsyncs of the log taking at least `threshold` are reported as `Event::SlowFsync`
    /// (default 100 ms).
    pub fn set_slow_fsync_threshold(&self, threshold: Duration) {
        let us = threshold.as_micros().min(u64::MAX as u128) as u64;
        self.engine().events.slow_fsync_us.store(us, std::sync::atomic::Ordering::Relaxed);
    }

    /// The options the store was opened with (for a program that reports them, such as the
    /// server's startup log line).
    pub fn options(&self) -> Options {
        self.engine().opts.clone()
    }

    /// Forces every write so far to stable storage.
    pub fn sync(&self) -> Result<()> {
        let engine = self.engine();
        engine.check_open()?;
        engine.sync_all()
    }

    /// Syncs the log and releases the directory. Every later call on any clone of this handle
    /// returns [`crate::Error::Closed`].
    pub fn close(&self) -> Result<()> {
        self.engine().close()
    }
}

/// What [`Db::ttl`] says of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// The key holds no live value.
    Missing,
    /// The key never expires.
    Forever,
    /// The key expires after this long.
    Remaining(Duration),
}

/// What [`Db::compare_and_swap`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CasOutcome {
    /// The value was `expected` and is now `new`.
    Swapped,
    /// The value was not `expected`; nothing was written. `current` is what it is.
    Failed { current: Option<Vec<u8>> },
}

/// The latest applied live version of `key`. (Under the commit lock.)
pub(crate) fn latest_live<'g>(
    engine: &Engine,
    key: &[u8],
    guard: &'g epoch::Guard,
) -> Option<crate::item::VersionRef<'g>> {
    let item = engine.hash.get(key, engine.hash.hash(key), guard)?;
    let head = item.head(guard);
    live_value(head).map(|_| head)
}

/// Does `key` hold a live value in the latest applied state? (Under the commit lock.)
pub(crate) fn latest_is_live(engine: &Engine, key: &[u8], guard: &epoch::Guard) -> bool {
    engine.hash.get(key, engine.hash.hash(key), guard).is_some_and(|item| live_value(item.head(guard)).is_some())
}
