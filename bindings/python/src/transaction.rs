//! `Transaction`: an optimistic, serializable transaction of the engine. It reads from a
//! snapshot and buffers its writes; `commit()` applies them atomically or raises `ConflictError`
//! if something it read or wrote changed meanwhile. The retry loop lives in the Python package
//! (`DB.run_transaction`), since it calls back into Python.

use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple, PyType};
use scalodb::Transaction;

use crate::convert::{self, Span};
use crate::errors::{err, raise};

#[pyclass(frozen, name = "Transaction", module = "scalodb._scalodb")]
pub(crate) struct PyTransaction {
    /// `None` once committed or rolled back.
    tx: Mutex<Option<Transaction>>,
}

impl PyTransaction {
    pub(crate) fn new(tx: Transaction) -> PyTransaction {
        PyTransaction { tx: Mutex::new(Some(tx)) }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Transaction>> {
        self.tx.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&mut Transaction) -> PyResult<T>) -> PyResult<T> {
        match self.lock().as_mut() {
            Some(tx) => f(tx),
            None => Err(raise(py, "ClosedError", ("the transaction was already committed or rolled back",))),
        }
    }

    fn lookup(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
        let k = convert::key(key)?;
        self.with(py, |tx| tx.get(k.as_slice()).map_err(err(py)))
    }
}

#[pymethods]
impl PyTransaction {
    /// The value of `key` as this transaction sees it (its own writes included), or `default`.
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

    fn __contains__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        if convert::key(key).is_err() {
            return Ok(false);
        }
        Ok(self.lookup(py, key)?.is_some())
    }

    /// Buffers a put; it is written at commit.
    fn put(&self, py: Python<'_>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let (k, v) = (convert::key(key)?, convert::value(value)?);
        self.with(py, |tx| {
            tx.put(k.as_slice(), v.as_slice());
            Ok(())
        })
    }

    fn __setitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.put(py, key, value)
    }

    /// Buffers a delete; it is written at commit.
    fn delete(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        let k = convert::key(key)?;
        self.with(py, |tx| {
            tx.delete(k.as_slice());
            Ok(())
        })
    }

    /// The `(key, value)` pairs of a range or prefix as this transaction sees them, as a list
    /// (the engine records the range so that a concurrent insert into it is a conflict).
    #[pyo3(signature = (prefix=None, *, start=None, end=None))]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        prefix: Option<&Bound<'py, PyAny>>,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let span = Span::from_args(prefix, start, end)?;
        let entries = self.with(py, |tx| {
            match span {
                Span::Prefix(p) => tx.scan_prefix(p),
                Span::Range(lo, hi) => tx.scan((lo, hi)),
            }
            .map_err(err(py))
        })?;
        let items = entries
            .into_iter()
            .map(|(k, v)| PyTuple::new(py, [PyBytes::new(py, &k), PyBytes::new(py, &v)]))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The sequence number of the snapshot this transaction reads.
    #[getter]
    fn sequence(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, |tx| Ok(tx.sequence()))
    }

    /// Validates and writes everything atomically, or raises `ConflictError` and writes nothing.
    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        let Some(tx) = self.lock().take() else {
            return Err(raise(py, "ClosedError", ("the transaction was already committed or rolled back",)));
        };
        py.detach(|| tx.commit()).map_err(err(py))
    }

    /// Drops every buffered write. Rolling back twice is allowed.
    fn rollback(&self) {
        if let Some(tx) = self.lock().take() {
            tx.rollback();
        }
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Commits if the block raised nothing, rolls back otherwise; never swallows the exception.
    #[pyo3(signature = (exc_type, _exc=None, _tb=None))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyType>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        if exc_type.is_some() {
            self.rollback();
        } else if self.lock().is_some() {
            self.commit(py)?;
        }
        Ok(false)
    }
}
