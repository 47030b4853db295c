//! Hash functions of the native module, one per engine method (HSET, HGET, HINCRBY...): the
//! bodies of `scalodb.DB.hset` & co and of the `Hash` view. Fields are keys (bytes or str),
//! values bytes-like. See `types.rs` for the conventions.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyModule, PyTuple};

use crate::convert;
use crate::db::NativeDb;
use crate::errors::err;
use crate::types::{each, engine, pairs, slices, Page};

/// Sets every `(field, value)` of `mapping` (a mapping or an iterable of pairs); returns how many
/// fields were new.
#[pyfunction]
fn hset(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    mapping: &Bound<'_, PyAny>,
) -> PyResult<usize> {
    let k = convert::key(key)?;
    let owned = pairs(mapping, convert::key, convert::value)?;
    let pairs: Vec<(&[u8], &[u8])> = owned.iter().map(|(f, v)| (f.as_slice(), v.as_slice())).collect();
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.hset(k, &pairs)).map_err(err(py))
}

#[pyfunction]
fn hsetnx(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    field: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let (k, f, v) = (convert::key(key)?, convert::key(field)?, convert::value(value)?);
    let (db, k, f, v) = (engine(db), k.as_slice(), f.as_slice(), v.as_slice());
    py.detach(|| db.hsetnx(k, f, v)).map_err(err(py))
}

#[pyfunction]
fn hget<'py>(
    py: Python<'py>,
    db: &Bound<'py, NativeDb>,
    key: &Bound<'py, PyAny>,
    field: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let (k, f) = (convert::key(key)?, convert::key(field)?);
    let v = engine(db).hget(k.as_slice(), f.as_slice()).map_err(err(py))?;
    Ok(v.map(|v| PyBytes::new(py, &v)))
}

#[pyfunction]
fn hmget(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    fields: &Bound<'_, PyTuple>,
) -> PyResult<Vec<Option<Vec<u8>>>> {
    let (k, fs) = (convert::key(key)?, each(fields, convert::key)?);
    let (db, k, fs) = (engine(db), k.as_slice(), slices(&fs));
    py.detach(|| db.hmget(k, &fs)).map_err(err(py))
}

#[pyfunction]
fn hdel(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    fields: &Bound<'_, PyTuple>,
) -> PyResult<usize> {
    let (k, fs) = (convert::key(key)?, each(fields, convert::key)?);
    let (db, k, fs) = (engine(db), k.as_slice(), slices(&fs));
    py.detach(|| db.hdel(k, &fs)).map_err(err(py))
}

#[pyfunction]
fn hexists(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    field: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let (k, f) = (convert::key(key)?, convert::key(field)?);
    engine(db).hexists(k.as_slice(), f.as_slice()).map_err(err(py))
}

#[pyfunction]
fn hlen(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>) -> PyResult<usize> {
    let k = convert::key(key)?;
    engine(db).hlen(k.as_slice()).map_err(err(py))
}

#[pyfunction]
fn hstrlen(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    field: &Bound<'_, PyAny>,
) -> PyResult<usize> {
    let (k, f) = (convert::key(key)?, convert::key(field)?);
    engine(db).hstrlen(k.as_slice(), f.as_slice()).map_err(err(py))
}

/// Every field and value, as a dict in field order.
#[pyfunction]
fn hgetall<'py>(py: Python<'py>, db: &Bound<'py, NativeDb>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    let all = py.detach(|| db.hgetall(k)).map_err(err(py))?;
    let d = PyDict::new(py);
    for (f, v) in all {
        d.set_item(PyBytes::new(py, &f), PyBytes::new(py, &v))?;
    }
    Ok(d)
}

#[pyfunction]
fn hkeys(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<u8>>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.hkeys(k)).map_err(err(py))
}

#[pyfunction]
fn hvals(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<u8>>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.hvals(k)).map_err(err(py))
}

#[pyfunction]
fn hincrby(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    field: &Bound<'_, PyAny>,
    delta: i64,
) -> PyResult<i64> {
    let (k, f) = (convert::key(key)?, convert::key(field)?);
    let (db, k, f) = (engine(db), k.as_slice(), f.as_slice());
    py.detach(|| db.hincrby(k, f, delta)).map_err(err(py))
}

#[pyfunction]
fn hincrbyfloat(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    field: &Bound<'_, PyAny>,
    delta: f64,
) -> PyResult<f64> {
    let (k, f) = (convert::key(key)?, convert::key(field)?);
    let (db, k, f) = (engine(db), k.as_slice(), f.as_slice());
    py.detach(|| db.hincrbyfloat(k, f, delta)).map_err(err(py))
}

/// Random `(field, value)` pairs: `count` distinct ones if positive, `-count` possibly repeated
/// if negative.
#[pyfunction]
fn hrandfield(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    count: i64,
) -> PyResult<Vec<(Vec<u8>, Vec<u8>)>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.hrandfield(k, count)).map_err(err(py))
}

/// One page of a cursor walk: `(next cursor or None when done, {field: value})`.
#[pyfunction]
fn hscan<'py>(
    py: Python<'py>,
    db: &Bound<'py, NativeDb>,
    key: &Bound<'py, PyAny>,
    cursor: Option<&Bound<'py, PyAny>>,
    count: usize,
) -> PyResult<Page<'py, Bound<'py, PyDict>>> {
    let k = convert::key(key)?;
    let c = cursor.map(convert::key).transpose()?;
    let (db, k, c) = (engine(db), k.as_slice(), c.as_ref().map(|c| c.as_slice()));
    let (items, next) = py.detach(|| db.hscan(k, c, count)).map_err(err(py))?;
    let d = PyDict::new(py);
    for (f, v) in items {
        d.set_item(PyBytes::new(py, &f), PyBytes::new(py, &v))?;
    }
    Ok((next.map(|n| PyBytes::new(py, &n)), d))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(hset, m)?)?;
    m.add_function(wrap_pyfunction!(hsetnx, m)?)?;
    m.add_function(wrap_pyfunction!(hget, m)?)?;
    m.add_function(wrap_pyfunction!(hmget, m)?)?;
    m.add_function(wrap_pyfunction!(hdel, m)?)?;
    m.add_function(wrap_pyfunction!(hexists, m)?)?;
    m.add_function(wrap_pyfunction!(hlen, m)?)?;
    m.add_function(wrap_pyfunction!(hstrlen, m)?)?;
    m.add_function(wrap_pyfunction!(hgetall, m)?)?;
    m.add_function(wrap_pyfunction!(hkeys, m)?)?;
    m.add_function(wrap_pyfunction!(hvals, m)?)?;
    m.add_function(wrap_pyfunction!(hincrby, m)?)?;
    m.add_function(wrap_pyfunction!(hincrbyfloat, m)?)?;
    m.add_function(wrap_pyfunction!(hrandfield, m)?)?;
    m.add_function(wrap_pyfunction!(hscan, m)?)
}
