//! Python arguments to engine arguments: keys (bytes, or str encoded as UTF-8), values (bytes-like
//! only), TTLs (seconds or a `timedelta`) and scan bounds.

use std::ops::Bound as Edge;
use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMemoryView, PyString};

/// Bytes taken from a Python argument. `bytes` (and `str`, once encoded) are borrowed: they are
/// immutable, so their buffer stays valid while the GIL is released. Mutable buffers are copied.
pub(crate) enum ArgBytes<'py> {
    Borrowed(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
}

impl ArgBytes<'_> {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            ArgBytes::Borrowed(b) => b.as_bytes(),
            ArgBytes::Owned(v) => v,
        }
    }
}

/// A key: `bytes`, `str` (encoded as UTF-8), `bytearray` or `memoryview`.
pub(crate) fn key<'py>(obj: &Bound<'py, PyAny>) -> PyResult<ArgBytes<'py>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(ArgBytes::Borrowed(b.clone()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(ArgBytes::Borrowed(s.encode_utf8()?));
    }
    buffer(obj).ok_or_else(|| PyTypeError::new_err(format!("keys must be bytes or str, not {}", type_name(obj))))?
}

/// A value: `bytes`, `bytearray` or `memoryview`. A `str` is refused, so that what comes back from
/// a read is always exactly what was written.
pub(crate) fn value<'py>(obj: &Bound<'py, PyAny>) -> PyResult<ArgBytes<'py>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(ArgBytes::Borrowed(b.clone()));
    }
    buffer(obj).ok_or_else(|| {
        let hint = if obj.is_instance_of::<PyString>() { " (encode the str first)" } else { "" };
        PyTypeError::new_err(format!("values must be bytes, not {}{hint}", type_name(obj)))
    })?
}

/// `bytearray` and `memoryview`, copied; `None` for any other type.
fn buffer<'py>(obj: &Bound<'py, PyAny>) -> Option<PyResult<ArgBytes<'py>>> {
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Some(Ok(ArgBytes::Owned(b.to_vec())));
    }
    if obj.is_instance_of::<PyMemoryView>() {
        // The buffer protocol is not in the limited API before 3.11, so let Python copy it.
        return Some(obj.call_method0("tobytes").and_then(|b| Ok(ArgBytes::Borrowed(b.cast_into::<PyBytes>()?))));
    }
    None
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map_or_else(|_| "?".to_string(), |n| n.to_string())
}

/// A time-to-live: a number of seconds or a `datetime.timedelta`, which must be positive.
pub(crate) fn ttl(obj: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let secs: f64 = match obj.extract::<f64>() {
        Ok(s) => s,
        Err(_) if obj.hasattr("total_seconds")? => obj.call_method0("total_seconds")?.extract()?,
        Err(_) => {
            return Err(PyTypeError::new_err(format!(
                "ttl must be a number of seconds or a timedelta, not {}",
                type_name(obj)
            )))
        }
    };
    if !(secs.is_finite() && secs > 0.0) {
        return Err(PyValueError::new_err(format!("ttl must be a positive number of seconds, got {secs}")));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| PyValueError::new_err(format!("ttl {secs} is out of range: {e}")))
}

/// What a scan covers: everything starting with `prefix`, or the keys from `start` (included) to
/// `end` (excluded).
pub(crate) enum Span {
    Prefix(Vec<u8>),
    Range(Edge<Vec<u8>>, Edge<Vec<u8>>),
}

impl Span {
    pub(crate) fn from_args(
        prefix: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Span> {
        let owned = |k: Option<&Bound<'_, PyAny>>| -> PyResult<Option<Vec<u8>>> {
            k.map(|k| key(k).map(|b| b.as_slice().to_vec())).transpose()
        };
        match (owned(prefix)?, owned(start)?, owned(end)?) {
            (Some(p), None, None) => Ok(Span::Prefix(p)),
            (Some(_), _, _) => Err(PyValueError::new_err("pass either prefix or start/end to a scan, not both")),
            (None, lo, hi) => {
                Ok(Span::Range(lo.map_or(Edge::Unbounded, Edge::Included), hi.map_or(Edge::Unbounded, Edge::Excluded)))
            }
        }
    }

    /// Opens an engine iterator over this span with `prefix` and `range` (the two scan flavours
    /// that `Db` and `Snapshot` share).
    pub(crate) fn open<I>(
        self,
        prefix: impl FnOnce(&[u8]) -> scalodb::Result<I>,
        range: impl FnOnce((Edge<&[u8]>, Edge<&[u8]>)) -> scalodb::Result<I>,
    ) -> scalodb::Result<I> {
        match self {
            Span::Prefix(p) => prefix(&p),
            Span::Range(lo, hi) => range((lo.as_ref().map(Vec::as_slice), hi.as_ref().map(Vec::as_slice))),
        }
    }
}
