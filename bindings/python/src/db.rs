//! `NativeDB`: one open store. The public `scalodb.DB` subclasses it (adding the
//! `MutableMapping` mixins), so the hot methods (`put`, `get`, `db[key]`...) are called with no
//! Python frame in between.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use scalodb::{CasOutcome, Db, Eviction, Options, SyncMode, Ttl};

use crate::batch::PyBatch;
use crate::convert::{self, Span};
use crate::errors::err;
use crate::iter::{Emit, ScanIterator};
use crate::server::PyServer;
use crate::snapshot::PySnapshot;
use crate::transaction::PyTransaction;

#[pyclass(frozen, subclass, name = "NativeDB", module = "scalodb._scalodb")]
pub(crate) struct NativeDb {
    pub(crate) db: Db,
    /// Set by `close()`, so that closing twice is not an error (as with Python files).
    closed: AtomicBool,
}

/// Builds engine options from the keyword arguments; `None` keeps the engine's default.
#[allow(clippy::too_many_arguments)]
fn options(
    wal: bool,
    sync: &str,
    sync_interval: Option<f64>,
    max_key_size: Option<usize>,
    max_value_size: Option<usize>,
    wal_segment_size: Option<u64>,
    checkpoint_wal_bytes: Option<u64>,
    checkpoint_wal_ratio: Option<f64>,
    auto_checkpoint: bool,
    max_memory: Option<u64>,
    eviction: &str,
) -> PyResult<Options> {
    let d = Options::default();
    let sync = match sync {
        "always" => SyncMode::Always,
        "never" => SyncMode::Never,
        "interval" => match sync_interval {
            None => d.sync,
            Some(s) if s.is_finite() && s > 0.0 => SyncMode::Interval(Duration::from_secs_f64(s)),
            Some(s) => return Err(PyValueError::new_err(format!("sync_interval must be > 0 seconds, got {s}"))),
        },
        other => {
            return Err(PyValueError::new_err(format!(
                "sync must be \"always\", \"interval\" or \"never\", not {other:?}"
            )))
        }
    };
    if sync_interval.is_some() && !matches!(sync, SyncMode::Interval(_)) {
        return Err(PyValueError::new_err("sync_interval applies only to sync=\"interval\""));
    }
    Ok(Options {
        wal,
        sync,
        max_key_size: max_key_size.unwrap_or(d.max_key_size),
        max_value_size: max_value_size.unwrap_or(d.max_value_size),
        wal_segment_size: wal_segment_size.unwrap_or(d.wal_segment_size),
        checkpoint_wal_bytes: checkpoint_wal_bytes.unwrap_or(d.checkpoint_wal_bytes),
        checkpoint_wal_ratio: checkpoint_wal_ratio.unwrap_or(d.checkpoint_wal_ratio),
        auto_checkpoint,
        max_memory,
        eviction: match eviction {
            "noeviction" => Eviction::NoEviction,
            "allkeys-lru" => Eviction::AllKeysLru,
            "volatile-lru" => Eviction::VolatileLru,
            other => {
                return Err(PyValueError::new_err(format!(
                    "eviction must be \"noeviction\", \"allkeys-lru\" or \"volatile-lru\", not {other:?}"
                )))
            }
        },
    })
}

impl NativeDb {
    fn scan_iter(
        &self,
        py: Python<'_>,
        prefix: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
        reverse: bool,
        emit: Emit,
    ) -> PyResult<ScanIterator> {
        let span = Span::from_args(prefix, start, end)?;
        let iter = span.open(|p| self.db.scan_prefix(p), |r| self.db.scan::<&[u8]>(r)).map_err(err(py))?;
        Ok(ScanIterator::new(iter, reverse, emit))
    }
}

#[pymethods]
impl NativeDb {
    /// Opens (or creates) the store in directory `path`, or an in-memory store when `path` is None.
    #[new]
    #[pyo3(signature = (path=None, *, wal=true, sync="interval", sync_interval=None, max_key_size=None,
        max_value_size=None, wal_segment_size=None, checkpoint_wal_bytes=None, checkpoint_wal_ratio=None,
        auto_checkpoint=true, max_memory=None, eviction="noeviction"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        path: Option<PathBuf>,
        wal: bool,
        sync: &str,
        sync_interval: Option<f64>,
        max_key_size: Option<usize>,
        max_value_size: Option<usize>,
        wal_segment_size: Option<u64>,
        checkpoint_wal_bytes: Option<u64>,
        checkpoint_wal_ratio: Option<f64>,
        auto_checkpoint: bool,
        max_memory: Option<u64>,
        eviction: &str,
    ) -> PyResult<Self> {
        let opts = options(
            wal,
            sync,
            sync_interval,
            max_key_size,
            max_value_size,
            wal_segment_size,
            checkpoint_wal_bytes,
            checkpoint_wal_ratio,
            auto_checkpoint,
            max_memory,
            eviction,
        )?;
        // Opening replays the log and may read a large checkpoint: do it without the GIL.
        let db = py
            .detach(|| match path {
                Some(p) => Db::open_with(p, opts),
                None => Db::memory_with(opts),
            })
            .map_err(err(py))?;
        Ok(NativeDb { db, closed: AtomicBool::new(false) })
    }

    /// Sets `key` to `value`, to expire after `ttl` seconds (or a timedelta) if given.
    #[pyo3(signature = (key, value, *, ttl=None))]
    fn put(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
        ttl: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let (k, v) = (convert::key(key)?, convert::value(value)?);
        let (k, v) = (k.as_slice(), v.as_slice());
        let ttl = ttl.map(convert::ttl).transpose()?;
        // A write may wait for the commit lock or for an fsync (sync="always").
        py.detach(|| match ttl {
            None => self.db.put(k, v),
            Some(ttl) => self.db.put_with_ttl(k, v, ttl),
        })
        .map_err(err(py))
    }

    /// The value of `key`, or `default`. Reads never wait for writers, so the GIL is kept.
    #[pyo3(signature = (key, default=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let k = convert::key(key)?;
        match self.db.get(k.as_slice()).map_err(err(py))? {
            Some(v) => Ok(PyBytes::new(py, &v).into_any()),
            None => Ok(default.unwrap_or_else(|| py.None().into_bound(py))),
        }
    }

    /// Deletes `key`; returns whether it existed.
    fn delete(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        let k = convert::key(key)?;
        let k = k.as_slice();
        py.detach(|| self.db.delete(k)).map_err(err(py))
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
        let k = convert::key(key)?;
        match self.db.get(k.as_slice()).map_err(err(py))? {
            Some(v) => Ok(PyBytes::new(py, &v)),
            None => Err(PyKeyError::new_err(key.clone().unbind())),
        }
    }

    fn __setitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.put(py, key, value, None)
    }

    fn __delitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        if self.delete(py, key)? {
            Ok(())
        } else {
            Err(PyKeyError::new_err(key.clone().unbind()))
        }
    }

    /// `False` for an object that cannot be a key, as `dict` does for one that cannot be hashed.
    fn __contains__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(k) = convert::key(key) else { return Ok(false) };
        self.db.contains(k.as_slice()).map_err(err(py))
    }

    /// The number of live keys, from the engine's counters (O(1)).
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(py.detach(|| self.db.stats()).map_err(err(py))?.keys as usize)
    }

    /// Every key, in order.
    fn __iter__(&self, py: Python<'_>) -> PyResult<ScanIterator> {
        self.scan_iter(py, None, None, None, false, Emit::Keys)
    }

    /// `(key, value)` pairs in key order: those starting with `prefix`, or those from `start`
    /// (included) to `end` (excluded); `reverse` walks backwards. Lazy, and reads one consistent
    /// version of the store, taken when `scan` is called.
    #[pyo3(signature = (prefix=None, *, start=None, end=None, reverse=false))]
    fn scan(
        &self,
        py: Python<'_>,
        prefix: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
        reverse: bool,
    ) -> PyResult<ScanIterator> {
        self.scan_iter(py, prefix, start, end, reverse, Emit::Items)
    }

    /// Like `scan`, yielding only the keys.
    #[pyo3(signature = (prefix=None, *, start=None, end=None, reverse=false))]
    fn scan_keys(
        &self,
        py: Python<'_>,
        prefix: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
        reverse: bool,
    ) -> PyResult<ScanIterator> {
        self.scan_iter(py, prefix, start, end, reverse, Emit::Keys)
    }

    /// A read-only view fixed at the current version; use it as a context manager to release it.
    fn snapshot(&self, py: Python<'_>) -> PyResult<PySnapshot> {
        Ok(PySnapshot::new(self.db.snapshot().map_err(err(py))?))
    }

    /// An empty batch of writes, applied atomically by `Batch.commit()` (or at the end of a
    /// `with` block that raised nothing).
    fn batch(&self) -> PyBatch {
        PyBatch::new(self.db.clone())
    }

    /// The engine's counters, as a dict (`scalodb.DB.stats()` wraps it in a `Stats`).
    fn _stats_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = py.detach(|| self.db.stats()).map_err(err(py))?;
        let d = PyDict::new(py);
        // Every counter the engine has, by name: this list is never restated here.
        for (name, value) in s.fields() {
            d.set_item(name, value)?;
        }
        Ok(d)
    }

    /// Sets `key` to `value` only if it holds no live value; returns whether it was written.
    fn put_if_absent(&self, py: Python<'_>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
        let (k, v) = (convert::key(key)?, convert::value(value)?);
        let (k, v) = (k.as_slice(), v.as_slice());
        py.detach(|| self.db.put_if_absent(k, v)).map_err(err(py))
    }

    /// Sets `key` to `new` if its value is `expected` (None on either side means absent; a
    /// `new` of None deletes). Returns `(swapped, current)`: `current` is the value the key holds
    /// when the call returns.
    fn compare_and_swap<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        expected: Option<&Bound<'py, PyAny>>,
        new: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(bool, Option<Bound<'py, PyAny>>)> {
        let k = convert::key(key)?;
        let expected = expected.map(convert::value).transpose()?;
        let new_value = new.map(convert::value).transpose()?;
        let (k, e, n) =
            (k.as_slice(), expected.as_ref().map(|v| v.as_slice()), new_value.as_ref().map(|v| v.as_slice()));
        match py.detach(|| self.db.compare_and_swap(k, e, n)).map_err(err(py))? {
            CasOutcome::Swapped => Ok((true, n.map(|v| PyBytes::new(py, v).into_any()))),
            CasOutcome::Failed { current } => Ok((false, current.map(|v| PyBytes::new(py, &v).into_any()))),
        }
    }

    /// Adds `delta` to the integer stored at `key` as decimal text (absent counts as 0) and
    /// returns the new value.
    #[pyo3(signature = (key, delta=1))]
    fn increment(&self, py: Python<'_>, key: &Bound<'_, PyAny>, delta: i64) -> PyResult<i64> {
        let k = convert::key(key)?;
        let k = k.as_slice();
        py.detach(|| self.db.increment(k, delta)).map_err(err(py))
    }

    /// Gives `key` a time-to-live; returns False if it holds no live value.
    fn expire(&self, py: Python<'_>, key: &Bound<'_, PyAny>, ttl: &Bound<'_, PyAny>) -> PyResult<bool> {
        let k = convert::key(key)?;
        let ttl = convert::ttl(ttl)?;
        let k = k.as_slice();
        py.detach(|| self.db.expire(k, ttl)).map_err(err(py))
    }

    /// Removes the time-to-live of `key`; returns False if it is absent or had none.
    fn persist(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        let k = convert::key(key)?;
        let k = k.as_slice();
        py.detach(|| self.db.persist(k)).map_err(err(py))
    }

    /// Seconds left before `key` expires, None if it never does; KeyError if it is absent.
    fn ttl(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
        let k = convert::key(key)?;
        match self.db.ttl(k.as_slice()).map_err(err(py))? {
            Ttl::Missing => Err(PyKeyError::new_err(key.clone().unbind())),
            Ttl::Forever => Ok(None),
            Ttl::Remaining(d) => Ok(Some(d.as_secs_f64())),
        }
    }

    /// Deletes every key, atomically.
    fn clear(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.db.clear()).map_err(err(py))
    }

    /// Starts an optimistic transaction reading from a snapshot taken now.
    fn begin(&self, py: Python<'_>) -> PyResult<PyTransaction> {
        Ok(PyTransaction::new(self.db.begin().map_err(err(py))?))
    }

    /// Writes a consistent copy of the store into the empty (or new) directory `dest`.
    fn backup(&self, py: Python<'_>, dest: PathBuf) -> PyResult<()> {
        py.detach(|| self.db.backup(dest)).map_err(err(py))
    }

    /// Serves this store over the Redis protocol on `addr` (port 0 picks a free port) and returns
    /// at once with a `Server` handle; `stop()` it (or use it as a context manager).
    /// `metrics_addr` (`host:port`) also serves Prometheus metrics at `/metrics`.
    #[pyo3(signature = (addr = "127.0.0.1:6379".to_string(), *, max_conns = 1000, password = None, protected_mode = true, idle_timeout = None, metrics_addr = None))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, one per server option.
    fn serve(
        &self,
        py: Python<'_>,
        addr: String,
        max_conns: usize,
        password: Option<String>,
        protected_mode: bool,
        idle_timeout: Option<f64>,
        metrics_addr: Option<String>,
    ) -> PyResult<PyServer> {
        let args = crate::server::ServeArgs { addr, max_conns, password, protected_mode, idle_timeout, metrics_addr };
        crate::server::start(py, self.db.clone(), args)
    }

    /// Writes a checkpoint now and removes the log it covers (a no-op in memory).
    fn checkpoint(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.db.checkpoint()).map_err(err(py))
    }

    /// Forces every write so far to stable storage.
    fn sync(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.db.sync()).map_err(err(py))
    }

    /// Syncs the log and releases the directory. Closing twice is allowed; any other call after
    /// `close()` raises `ClosedError`.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        if self.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        py.detach(|| self.db.close()).map_err(err(py))
    }

    #[getter]
    fn closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The directory of the store, or None for an in-memory store.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.db.path()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let class = slf.get_type().qualname()?;
        let state = if this.closed() { " closed" } else { "" };
        Ok(match this.db.path() {
            Some(p) => format!("<{class} {:?}{state}>", p.display().to_string()),
            None => format!("<{class} in memory{state}>"),
        })
    }
}
