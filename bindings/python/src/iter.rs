//! `ScanIterator`: a lazy Python iterator over an engine `Iter`. Entries are pulled from the
//! engine in chunks with the GIL released, then handed out one by one with the GIL held, so a
//! long scan neither blocks other Python threads nor pays a GIL round trip per entry.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, TryLockError};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use scalodb::Iter;

/// Entries pulled from the engine per GIL release.
const CHUNK: usize = 256;

/// What each step of the iterator yields.
#[derive(Clone, Copy)]
pub(crate) enum Emit {
    Items,
    Keys,
}

struct State {
    /// `None` once the scan is finished or closed, so its read view is released at once.
    iter: Option<Iter>,
    buf: VecDeque<(Vec<u8>, Vec<u8>)>,
    /// An error met while filling `buf`, raised after the entries before it.
    pending: Option<scalodb::Error>,
    reverse: bool,
}

impl State {
    /// Pulls up to `CHUNK` entries into `buf`. Runs without the GIL.
    fn fill(&mut self) {
        let Some(iter) = self.iter.as_mut() else { return };
        for _ in 0..CHUNK {
            let next = if self.reverse { iter.next_back() } else { iter.next() };
            match next {
                Some(Ok(e)) => self.buf.push_back(e),
                Some(Err(e)) => {
                    self.pending = Some(e);
                    self.iter = None;
                    return;
                }
                None => {
                    self.iter = None;
                    return;
                }
            }
        }
    }
}

#[pyclass(frozen, name = "ScanIterator", module = "scalodb._scalodb")]
pub(crate) struct ScanIterator {
    // A mutex, not `&mut self`, so that two Python threads sharing one iterator each get distinct
    // entries instead of a borrow error.
    state: Mutex<State>,
    emit: Emit,
}

impl ScanIterator {
    pub(crate) fn new(iter: Iter, reverse: bool, emit: Emit) -> ScanIterator {
        let state = State { iter: Some(iter), buf: VecDeque::new(), pending: None, reverse };
        ScanIterator { state: Mutex::new(state), emit }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while filling leaves the state consistent (at worst a shorter buffer).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn emit<'py>(&self, py: Python<'py>, (k, v): (Vec<u8>, Vec<u8>)) -> PyResult<Bound<'py, PyAny>> {
        let key = PyBytes::new(py, &k);
        Ok(match self.emit {
            Emit::Keys => key.into_any(),
            Emit::Items => PyTuple::new(py, [key, PyBytes::new(py, &v)])?.into_any(),
        })
    }
}

#[pymethods]
impl ScanIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // Fast path: a buffered entry, taken without releasing the GIL. `try_lock` never waits,
        // so a thread holding the GIL cannot deadlock with one filling the buffer without it.
        let buffered = match self.state.try_lock() {
            Ok(mut s) => s.buf.pop_front(),
            Err(TryLockError::Poisoned(e)) => e.into_inner().buf.pop_front(),
            Err(TryLockError::WouldBlock) => None,
        };
        if let Some(e) = buffered {
            return self.emit(py, e).map(Some);
        }
        let next = py.detach(|| {
            let mut s = self.lock();
            if s.buf.is_empty() {
                s.fill();
            }
            match s.buf.pop_front() {
                Some(e) => Ok(Some(e)),
                None => s.pending.take().map_or(Ok(None), Err),
            }
        });
        match next {
            Ok(Some(e)) => self.emit(py, e).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(crate::errors::to_py(py, e)),
        }
    }

    /// Ends the scan early and releases the version it was reading.
    fn close(&self, py: Python<'_>) {
        let iter = {
            let mut s = self.lock();
            s.buf.clear();
            s.iter.take()
        };
        // Dropping the engine iterator unregisters its read view; keep that off the GIL.
        py.detach(move || drop(iter));
    }
}
