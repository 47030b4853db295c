//! `DB`: the handle `open()` returns. Synchronous methods for what is quick (reads never wait for
//! writers; a write with the default `sync: 'interval'` only hands its log record to the OS) and
//! `*Async` twins, run on the libuv thread pool, for what can block.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::Db;

use crate::batch::WriteBatch;
use crate::bytes::{bytes_of, Blob, Encoding};
use crate::error::{OrThrow, Result};
use crate::options::{ttl_of, PutOptions, ScanOptions};
use crate::scan::{Cursor, Plan, Scan, ScanTask, Source};
use crate::snapshot::Snapshot;
use crate::stats::Stats;
use crate::tasks::{DeleteTask, Job, VoidTask};

/// An open store. One directory can be open once per process (a second `open()` of it, from
/// this thread or a worker, fails with `ERR_SCALODB_LOCKED`).
#[napi(js_name = "DB")]
pub struct Database {
    db: Db,
}

impl Database {
    pub fn new(db: Db) -> Database {
        Database { db }
    }

    fn task(&self, job: Job) -> AsyncTask<VoidTask> {
        AsyncTask::new(VoidTask { db: self.db.clone(), job })
    }
}

#[napi]
impl Database {
    /// The directory of the store, or `null` for an in-memory store.
    #[napi(getter)]
    pub fn path(&self) -> Option<String> {
        self.db.path().map(|p| p.to_string_lossy().into_owned())
    }

    /// The value of `key` as a Buffer, or `null` if absent (or expired).
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "Buffer | null")]
    pub fn get(&self, key: Unknown) -> Result<Option<Blob>> {
        let value = self.db.get(bytes_of(&key, "key")?).or_throw()?;
        Ok(value.map(|bytes| Blob { bytes, encoding: Encoding::Buffer }))
    }

    /// The value of `key` decoded as UTF-8, or `null` if absent (or expired).
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "string | null")]
    pub fn get_string(&self, key: Unknown) -> Result<Option<Blob>> {
        let value = self.db.get(bytes_of(&key, "key")?).or_throw()?;
        Ok(value.map(|bytes| Blob { bytes, encoding: Encoding::Utf8 }))
    }

    /// Whether `key` holds a value.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn has(&self, key: Unknown) -> Result<bool> {
        // The engine has no existence check yet, so this reads (and drops) the value.
        Ok(self.db.get(bytes_of(&key, "key")?).or_throw()?.is_some())
    }

    /// Sets `key` to `value` (a string is stored as UTF-8), optionally with a TTL. Returns once
    /// the write is as durable as the `sync` option promises; with `sync: 'always'` prefer
    /// `putAsync`, which waits for the fsync off the main thread.
    #[napi(ts_args_type = "key: string | Uint8Array, value: string | Uint8Array, options?: PutOptions")]
    pub fn put(&self, key: Unknown, value: Unknown, options: Option<PutOptions>) -> Result<()> {
        let key = bytes_of(&key, "key")?;
        let value = bytes_of(&value, "value")?;
        match ttl_of(&options)? {
            None => self.db.put(key, value),
            Some(ttl) => self.db.put_with_ttl(key, value, ttl),
        }
        .or_throw()
    }

    /// `put` on the thread pool.
    #[napi(ts_args_type = "key: string | Uint8Array, value: string | Uint8Array, options?: PutOptions")]
    pub fn put_async(&self, key: Unknown, value: Unknown, options: Option<PutOptions>) -> Result<AsyncTask<VoidTask>> {
        let key = bytes_of(&key, "key")?.to_vec();
        let value = bytes_of(&value, "value")?.to_vec();
        let ttl = ttl_of(&options)?;
        Ok(self.task(Job::Put { key, value, ttl }))
    }

    /// Deletes `key`; returns whether it existed.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn delete(&self, key: Unknown) -> Result<bool> {
        self.db.delete(bytes_of(&key, "key")?).or_throw()
    }

    /// `delete` on the thread pool.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn delete_async(&self, key: Unknown) -> Result<AsyncTask<DeleteTask>> {
        Ok(AsyncTask::new(DeleteTask { db: self.db.clone(), key: bytes_of(&key, "key")?.to_vec() }))
    }

    /// Applies every write of `batch` atomically. The batch is left as it was.
    #[napi]
    pub fn write(&self, batch: &WriteBatch) -> Result<()> {
        self.db.write(batch.inner.clone()).or_throw()
    }

    /// `write` on the thread pool (the batch is copied first, so it can be reused at once).
    #[napi]
    pub fn write_async(&self, batch: &WriteBatch) -> AsyncTask<VoidTask> {
        self.task(Job::Write(batch.inner.clone()))
    }

    /// An iterator over the entries in key order (or reverse), from one consistent version;
    /// see `ScanOptions`.
    #[napi]
    pub fn scan(&self, options: Option<ScanOptions>) -> Result<Scan> {
        let plan = Plan::parse(options)?;
        Ok(Scan::new(Cursor::open(Source::Db(&self.db), &plan).or_throw()?))
    }

    /// A whole scan run on the thread pool, resolving with its `[key, value]` entries. For large
    /// ranges; use `limit` to bound the result.
    #[napi]
    pub fn scan_async(&self, options: Option<ScanOptions>) -> Result<AsyncTask<ScanTask>> {
        Ok(AsyncTask::new(ScanTask { db: self.db.clone(), plan: Plan::parse(options)? }))
    }

    /// A read view fixed now: later writes are invisible to it.
    #[napi]
    pub fn snapshot(&self) -> Result<Snapshot> {
        Ok(Snapshot::new(self.db.snapshot().or_throw()?))
    }

    /// Counts and sizes.
    #[napi]
    pub fn stats(&self) -> Result<Stats> {
        Ok(self.db.stats().or_throw()?.into())
    }

    /// Writes a checkpoint now and removes the log it covers (a no-op in memory). Blocks for
    /// the whole checkpoint: prefer `checkpointAsync`.
    #[napi]
    pub fn checkpoint(&self) -> Result<()> {
        self.db.checkpoint().or_throw()
    }

    /// `checkpoint` on the thread pool.
    #[napi]
    pub fn checkpoint_async(&self) -> AsyncTask<VoidTask> {
        self.task(Job::Checkpoint)
    }

    /// Forces every write so far to stable storage (fsync).
    #[napi]
    pub fn sync(&self) -> Result<()> {
        self.db.sync().or_throw()
    }

    /// `sync` on the thread pool.
    #[napi]
    pub fn sync_async(&self) -> AsyncTask<VoidTask> {
        self.task(Job::Sync)
    }

    /// Syncs the log and releases the directory. Every later call, `close` included, fails with
    /// `ERR_SCALODB_CLOSED`.
    #[napi]
    pub fn close(&self) -> Result<()> {
        self.db.close().or_throw()
    }

    /// `close` on the thread pool.
    #[napi]
    pub fn close_async(&self) -> AsyncTask<VoidTask> {
        self.task(Job::Close)
    }
}
