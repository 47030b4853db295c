//! `Db`: the handle users hold. Cheap to clone, shared by every thread; the last clone dropped
//! closes the store.

use std::ops::{Bound, RangeBounds};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_epoch as epoch;

use crate::batch::WriteBatch;
use crate::clock::expiry_after;
use crate::core::{live_value, Core};
use crate::error::Result;
use crate::iter::{owned_bounds, prefix_end, Iter, ReadView};
use crate::options::Options;
use crate::recovery;
use crate::snapshot::Snapshot;
use crate::stats::Stats;
use crate::wal::ops::Op;

/// Closes the store when the last `Db` clone goes away.
struct Handle {
    core: Arc<Core>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; call `Db::close` to see them.
        let _ = self.core.close();
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
        f.debug_struct("Db").field("dir", &self.core().dir).finish()
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

    fn from_core(core: Arc<Core>) -> Db {
        Db { handle: Arc::new(Handle { core }) }
    }

    pub(crate) fn core(&self) -> &Arc<Core> {
        &self.handle.core
    }

    /// The directory of the store (`None` in memory).
    pub fn path(&self) -> Option<PathBuf> {
        self.core().dir.clone()
    }

    /// Sets `key` to `value`.
    #[inline]
    pub fn put(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<()> {
        let core = self.core();
        core.commit(&[Op::Put { key: key.as_ref(), value: value.as_ref(), expires_at: 0 }])?;
        core.ops.puts.incr();
        Ok(())
    }

    /// Sets `key` to `value`, to expire after `ttl`.
    pub fn put_with_ttl(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, ttl: Duration) -> Result<()> {
        let core = self.core();
        core.commit(&[Op::Put { key: key.as_ref(), value: value.as_ref(), expires_at: expiry_after(ttl) }])?;
        core.ops.puts.incr();
        Ok(())
    }

    /// The value of `key`, or `None`. Never waits for writers.
    #[inline]
    pub fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>> {
        self.core().get(key.as_ref())
    }

    /// Deletes `key`; returns whether it existed. Nothing is logged if it did not.
    pub fn delete(&self, key: impl AsRef<[u8]>) -> Result<bool> {
        let key = key.as_ref();
        let core = self.core();
        let (_, existed) = core.commit_if(&[Op::Delete { key }], |core, guard| Ok(latest_is_live(core, key, guard)))?;
        core.ops.deletes.incr();
        Ok(existed)
    }

    /// Applies every write of `batch` atomically.
    pub fn write(&self, batch: WriteBatch) -> Result<()> {
        if batch.is_empty() {
            return self.core().check_open();
        }
        let core = self.core();
        core.commit(&batch.ops())?;
        core.ops.batches.incr();
        Ok(())
    }

    /// The keys in `range`, in order, from one consistent version. `db.scan::<&[u8], _>(..)` or
    /// [`Db::iter`] for everything.
    pub fn scan<K: AsRef<[u8]>>(&self, range: impl RangeBounds<K>) -> Result<Iter> {
        let core = self.core();
        core.check_open()?;
        let (lo, hi) = owned_bounds(&range);
        Ok(Iter::new(ReadView::open(core), lo, hi))
    }

    /// The keys starting with `prefix`, in order, from one consistent version.
    pub fn scan_prefix(&self, prefix: impl AsRef<[u8]>) -> Result<Iter> {
        let core = self.core();
        core.check_open()?;
        let p = prefix.as_ref();
        Ok(Iter::new(ReadView::open(core), Bound::Included(p.to_vec()), prefix_end(p)))
    }

    /// Every key, in order.
    pub fn iter(&self) -> Result<Iter> {
        self.scan::<&[u8]>(..)
    }

    /// A read view fixed at the current version.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let core = self.core();
        core.check_open()?;
        Ok(Snapshot { view: ReadView::open(core) })
    }

    /// Counts and sizes; see [`Stats`].
    pub fn stats(&self) -> Result<Stats> {
        let core = self.core();
        core.check_open()?;
        let guard = epoch::pin();
        let w = core.writer.lock();
        let (wal_bytes, wal_segments) = w.wal.as_ref().map_or((0, 0), |wal| (wal.bytes(), wal.segments() as u64));
        let mark = *core.checkpoint_mark.lock();
        Ok(Stats {
            keys: w.live_keys,
            key_bytes: w.key_bytes,
            value_bytes: w.value_bytes,
            memory_bytes: w.mem_bytes + core.hash.capacity(&guard) as u64 * 8 + w.hash.len() as u64 * 24,
            wal_bytes,
            wal_segments,
            last_checkpoint_seq: mark.seq,
            last_checkpoint_unix_ms: mark.unix_ms,
            last_checkpoint_keys: mark.count,
            sequence: w.next_seq - 1,
            gets: core.ops.gets.get(),
            puts: core.ops.puts.get(),
            deletes: core.ops.deletes.get(),
            batches: core.ops.batches.get(),
            scans: core.ops.scans.get(),
            fsyncs: core.ops.fsyncs.get(),
            torn_records_truncated: core.torn_records,
            open_views: core.readers.count() as u64,
        })
    }

    /// Writes a checkpoint now and removes the log it covers (a no-op in memory).
    pub fn checkpoint(&self) -> Result<()> {
        self.core().checkpoint()
    }

    /// Forces every write so far to stable storage.
    pub fn sync(&self) -> Result<()> {
        let core = self.core();
        core.check_open()?;
        core.sync_all()
    }

    /// Syncs the log and releases the directory. Every later call on any clone of this handle
    /// returns [`crate::Error::Closed`].
    pub fn close(&self) -> Result<()> {
        self.core().close()
    }
}

/// Does `key` hold a live value in the latest applied state? (Under the commit lock.)
pub(crate) fn latest_is_live(core: &Core, key: &[u8], guard: &epoch::Guard) -> bool {
    core.hash.get(key, core.hash.hash(key), guard).is_some_and(|item| live_value(item.head(guard)).is_some())
}
