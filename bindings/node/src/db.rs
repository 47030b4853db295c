//! `DB`: the handle `open()` returns. Synchronous methods for what is quick (reads never wait for
//! writers; a write with the default `sync: 'interval'` only hands its log record to the OS) and
//! `*Async` twins, run on the libuv thread pool, for what can block.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::{CasOutcome, Db, Ttl};

use crate::batch::WriteBatch;
use crate::bytes::{bytes_of, optional_bytes, Blob, Encoding};
use crate::error::{invalid, OrThrow, Result};
use crate::options::{millis, ttl_of, PutOptions, ScanOptions};
use crate::scan::{Cursor, Plan, Scan, ScanTask, Source};
use crate::server::{ServeOptions, Server};
use crate::snapshot::Snapshot;
use crate::stats::Stats;
use crate::tasks::{DeleteTask, Job, VoidTask};

/// 2^53 - 1, the largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// What `compareAndSwap` did.
#[napi(object, use_nullable = true)]
pub struct CasResult {
    /// Whether the value was `expected` and is now `newValue`.
    pub swapped: bool,
    /// The value the key holds when the call returns (`null`: absent).
    // napi-rs adds the `| null` of an `Option` field itself.
    #[napi(ts_type = "Buffer")]
    pub current: Option<Blob>,
}

/// An open store. One directory can be open once per process (a second `open()` of it, from
/// this thread or a worker, fails with `ERR_SCALODB_LOCKED`).
#[napi(js_name = "DB")]
pub struct Database {
    pub(crate) db: Db,
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
        self.db.contains(bytes_of(&key, "key")?).or_throw()
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

    /// Gives `key` a time-to-live of `ms` milliseconds. Returns `false` (and does nothing) if
    /// the key holds no live value.
    #[napi(ts_args_type = "key: string | Uint8Array, ms: number")]
    pub fn expire(&self, key: Unknown, ms: f64) -> Result<bool> {
        let ttl = millis("ms", ms)?;
        self.db.expire(bytes_of(&key, "key")?, ttl).or_throw()
    }

    /// Removes the time-to-live of `key`. Returns `false` if the key is absent or had none.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn persist(&self, key: Unknown) -> Result<bool> {
        self.db.persist(bytes_of(&key, "key")?).or_throw()
    }

    /// The milliseconds `key` has left to live: `null` if the key is absent (or expired),
    /// `Infinity` if it never expires.
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "number | null")]
    pub fn ttl(&self, key: Unknown) -> Result<Option<f64>> {
        Ok(match self.db.ttl(bytes_of(&key, "key")?).or_throw()? {
            Ttl::Missing => None,
            Ttl::Forever => Some(f64::INFINITY),
            Ttl::Remaining(left) => Some(left.as_millis() as f64),
        })
    }

    /// Sets `key` to `value` only if it holds no live value. Returns whether it was written.
    #[napi(ts_args_type = "key: string | Uint8Array, value: string | Uint8Array")]
    pub fn put_if_absent(&self, key: Unknown, value: Unknown) -> Result<bool> {
        self.db.put_if_absent(bytes_of(&key, "key")?, bytes_of(&value, "value")?).or_throw()
    }

    /// Sets `key` to `newValue` if its value is `expected`, in one atomic step. `null` on either
    /// side means "absent": `expected = null` swaps only if the key is absent, `newValue = null`
    /// deletes it. `current` is the value the key holds when the call returns.
    #[napi(
        ts_args_type = "key: string | Uint8Array, expected: string | Uint8Array | null, newValue: string | Uint8Array | null"
    )]
    pub fn compare_and_swap(&self, key: Unknown, expected: Unknown, new_value: Unknown) -> Result<CasResult> {
        let expected = optional_bytes(&expected, "expected")?;
        let new_value = optional_bytes(&new_value, "newValue")?;
        let outcome =
            self.db.compare_and_swap(bytes_of(&key, "key")?, expected.as_deref(), new_value.as_deref()).or_throw()?;
        let blob = |bytes: Vec<u8>| Blob { bytes, encoding: Encoding::Buffer };
        Ok(match outcome {
            CasOutcome::Swapped => CasResult { swapped: true, current: new_value.map(|v| blob(v.to_vec())) },
            CasOutcome::Failed { current } => CasResult { swapped: false, current: current.map(blob) },
        })
    }

    /// Adds `delta` (default 1) to the integer stored at `key` as decimal text (an absent key
    /// counts as 0) and returns the new value; the key's TTL is kept. Throws
    /// `ERR_SCALODB_WRONG_TYPE` if the value is not an integer.
    #[napi(ts_args_type = "key: string | Uint8Array, delta?: number")]
    pub fn increment(&self, key: Unknown, delta: Option<f64>) -> Result<f64> {
        let delta = match delta {
            None => 1,
            // Only whole numbers a JavaScript number holds exactly.
            Some(d) if d.fract() == 0.0 && d.abs() <= MAX_SAFE_INTEGER => d as i64,
            Some(d) => return Err(invalid(format!("delta must be a safe integer, not {d}"))),
        };
        Ok(self.db.increment(bytes_of(&key, "key")?, delta).or_throw()? as f64)
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

    /// Writes a consistent copy of the store, as of the call, into `dest` (an empty or new
    /// directory), on the thread pool; reads and writes go on meanwhile. The copy opens with
    /// `open(dest)`. Rejects with `ERR_SCALODB_INVALID_ARGUMENT` if `dest` is not empty.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn backup(&self, dest: String) -> AsyncTask<VoidTask> {
        self.task(Job::Backup(dest.into()))
    }

    /// Serves this store over the Redis protocol (see `ServeOptions`; by default on
    /// 127.0.0.1:6379, port 0 picks a free port) on threads of its own, and returns at once.
    #[napi]
    pub fn serve(&self, options: Option<ServeOptions>) -> Result<Server> {
        Server::start(self.db.clone(), options.unwrap_or_default())
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
