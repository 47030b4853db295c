//! `Batch`: puts and deletes gathered in Python and applied by the engine atomically (readers and
//! recovery see all of them or none). As a context manager it commits when the block ends
//! normally and discards everything when it raises.

use std::sync::{Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyType;
use scalodb::{Db, WriteBatch};

use crate::convert;
use crate::errors::{err, raise};

#[pyclass(frozen, name = "Batch", module = "scalodb._scalodb")]
pub(crate) struct PyBatch {
    db: Db,
    /// `None` once committed or discarded: a batch is used once.
    ops: Mutex<Option<WriteBatch>>,
}

impl PyBatch {
    pub(crate) fn new(db: Db) -> PyBatch {
        PyBatch { db, ops: Mutex::new(Some(WriteBatch::new())) }
    }

    fn lock(&self) -> MutexGuard<'_, Option<WriteBatch>> {
        self.ops.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn with<T>(&self, py: Python<'_>, f: impl FnOnce(&mut WriteBatch) -> T) -> PyResult<T> {
        match self.lock().as_mut() {
            Some(b) => Ok(f(b)),
            None => Err(raise(py, "ClosedError", ("the batch was already committed or discarded",))),
        }
    }
}

#[pymethods]
impl PyBatch {
    /// Adds a put of `key` to `value` (expiring `ttl` seconds after this call, if given).
    #[pyo3(signature = (key, value, *, ttl=None))]
    fn put(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
        ttl: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let (k, v) = (convert::key(key)?, convert::value(value)?);
        let ttl = ttl.map(convert::ttl).transpose()?;
        self.with(py, |b| {
            match ttl {
                None => b.put(k.as_slice(), v.as_slice()),
                Some(ttl) => b.put_with_ttl(k.as_slice(), v.as_slice(), ttl),
            };
        })
    }

    /// Adds a delete of `key` (nothing happens at commit if it is absent).
    fn delete(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        let k = convert::key(key)?;
        self.with(py, |b| {
            b.delete(k.as_slice());
        })
    }

    /// Applies every write of the batch atomically. The batch cannot be used afterwards.
    fn commit(&self, py: Python<'_>) -> PyResult<()> {
        let batch = self.lock().take();
        let Some(batch) = batch else {
            return Err(raise(py, "ClosedError", ("the batch was already committed or discarded",)));
        };
        py.detach(|| self.db.write(batch)).map_err(err(py))
    }

    /// Drops every write of the batch. Discarding twice is allowed.
    fn discard(&self) {
        self.lock().take();
    }

    /// Writes gathered so far (0 once committed or discarded).
    fn __len__(&self) -> usize {
        self.lock().as_ref().map_or(0, WriteBatch::len)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Commits if the block raised nothing, discards otherwise; never swallows the exception.
    #[pyo3(signature = (exc_type, _exc=None, _tb=None))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyType>>,
        _exc: Option<&Bound<'_, PyAny>>,
        _tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        if exc_type.is_some() {
            self.discard();
        } else if self.lock().is_some() {
            // A batch committed or discarded by hand inside the block has nothing left to do.
            self.commit(py)?;
        }
        Ok(false)
    }
}
