//! `Snapshot`: a read-only view of the store fixed at one version. `release()` (or the end of a
//! `with` block) lets the engine reclaim the versions it was holding.

use std::sync::{RwLock, RwLockReadGuard};

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use scalodb::Snapshot;

use crate::convert::{self, Span};
use crate::errors::{err, raise};
use crate::iter::{Emit, ScanIterator};

#[pyclass(frozen, name = "Snapshot", module = "scalodb._scalodb")]
pub(crate) struct PySnapshot {
    /// `None` after `release()`. Readers take the lock only briefly; `release` writes it once.
    snap: RwLock<Option<Snapshot>>,
}

impl PySnapshot {
    pub(crate) fn new(snap: Snapshot) -> PySnapshot {
        PySnapshot { snap: RwLock::new(Some(snap)) }
    }

    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&Snapshot) -> PyResult<T>) -> PyResult<T> {
        let guard: RwLockReadGuard<'_, Option<Snapshot>> = self.snap.read().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(s) => f(s),
            None => Err(raise(py, "ClosedError", ("the snapshot was released",))),
        }
    }

    fn lookup(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
        let k = convert::key(key)?;
        self.with(py, |s| s.get(k.as_slice()).map_err(err(py)))
    }

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
        let iter = self.with(py, |s| span.open(|p| s.scan_prefix(p), |r| s.scan::<&[u8]>(r)).map_err(err(py)))?;
        Ok(ScanIterator::new(iter, reverse, emit))
    }
}

#[pymethods]
impl PySnapshot {
    /// The value of `key` in this snapshot, or `default`.
    #[pyo3(signature = (key, default=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self.lookup(py, key)? {
            Some(v) => PyBytes::new(py, &v).into_any(),
            None => default.unwrap_or_else(|| py.None().into_bound(py)),
        })
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
        match self.lookup(py, key)? {
            Some(v) => Ok(PyBytes::new(py, &v)),
            None => Err(PyKeyError::new_err(key.clone().unbind())),
        }
    }

    /// `False` for an object that cannot be a key, as `dict` does for one that cannot be hashed.
    fn __contains__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        if convert::key(key).is_err() {
            return Ok(false);
        }
        Ok(self.lookup(py, key)?.is_some())
    }

    fn __iter__(&self, py: Python<'_>) -> PyResult<ScanIterator> {
        self.scan_iter(py, None, None, None, false, Emit::Keys)
    }

    /// `(key, value)` pairs as of this snapshot; the arguments are those of `DB.scan`.
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

    /// The sequence number this snapshot reads at.
    #[getter]
    fn sequence(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, |s| Ok(s.sequence()))
    }

    /// Lets the engine reclaim the versions this snapshot holds. Scans already started keep
    /// their own view. Releasing twice is allowed.
    fn release(&self, py: Python<'_>) {
        let snap = self.snap.write().unwrap_or_else(|e| e.into_inner()).take();
        py.detach(move || drop(snap));
    }

    #[getter]
    fn released(&self) -> bool {
        self.snap.read().unwrap_or_else(|e| e.into_inner()).is_none()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> bool {
        self.release(py);
        false
    }
}
