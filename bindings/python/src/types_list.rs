//! List functions of the native module, one per engine method (LPUSH/RPUSH as `push`, LPOP/RPOP
//! as `pop`, LRANGE, LSET, LINSERT...): the bodies of `scalodb.DB.lpush` & co and of the `List`
//! view. Elements are bytes-like values; indexes follow Redis (negative from the end, LRANGE's
//! stop included). See `types.rs` for the conventions.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyModule, PyTuple};

use crate::convert;
use crate::db::NativeDb;
use crate::errors::err;
use crate::types::{each, end, engine, slices};

/// Pushes `values` one by one at `end` ("left" or "right"); with `existing`, only if the list
/// exists (LPUSHX). Returns the new length (0 for an absent list with `existing`).
#[pyfunction]
fn push(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    end_name: &str,
    values: &Bound<'_, PyTuple>,
    existing: bool,
) -> PyResult<usize> {
    let (k, side, vs) = (convert::key(key)?, end(end_name)?, each(values, convert::value)?);
    let (db, k, vs) = (engine(db), k.as_slice(), slices(&vs));
    py.detach(|| if existing { db.push_existing(k, side, &vs) } else { db.push(k, side, &vs) }).map_err(err(py))
}

/// Removes and returns up to `count` elements from `end`.
#[pyfunction]
fn pop(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    end_name: &str,
    count: usize,
) -> PyResult<Vec<Vec<u8>>> {
    let (k, side) = (convert::key(key)?, end(end_name)?);
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.pop(k, side, count)).map_err(err(py))
}

#[pyfunction]
fn llen(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>) -> PyResult<usize> {
    let k = convert::key(key)?;
    engine(db).llen(k.as_slice()).map_err(err(py))
}

#[pyfunction]
fn lindex<'py>(
    py: Python<'py>,
    db: &Bound<'py, NativeDb>,
    key: &Bound<'py, PyAny>,
    index: i64,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let k = convert::key(key)?;
    let v = engine(db).lindex(k.as_slice(), index).map_err(err(py))?;
    Ok(v.map(|v| PyBytes::new(py, &v)))
}

#[pyfunction]
fn lrange(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    start: i64,
    stop: i64,
) -> PyResult<Vec<Vec<u8>>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.lrange(k, start, stop)).map_err(err(py))
}

#[pyfunction]
fn lset(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    index: i64,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let (k, v) = (convert::key(key)?, convert::value(value)?);
    let (db, k, v) = (engine(db), k.as_slice(), v.as_slice());
    py.detach(|| db.lset(k, index, v)).map_err(err(py))
}

/// Inserts `value` before (or after) the first element equal to `pivot`. Returns the new
/// length, -1 without a pivot, 0 for an absent list.
#[pyfunction]
fn linsert(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    before: bool,
    pivot: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<i64> {
    let (k, p, v) = (convert::key(key)?, convert::value(pivot)?, convert::value(value)?);
    let (db, k, p, v) = (engine(db), k.as_slice(), p.as_slice(), v.as_slice());
    py.detach(|| db.linsert(k, before, p, v)).map_err(err(py))
}

#[pyfunction]
fn lrem(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    count: i64,
    value: &Bound<'_, PyAny>,
) -> PyResult<usize> {
    let (k, v) = (convert::key(key)?, convert::value(value)?);
    let (db, k, v) = (engine(db), k.as_slice(), v.as_slice());
    py.detach(|| db.lrem(k, count, v)).map_err(err(py))
}

#[pyfunction]
fn ltrim(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>, start: i64, stop: i64) -> PyResult<()> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.ltrim(k, start, stop)).map_err(err(py))
}

/// The positions of elements equal to `value` (LPOS with RANK, COUNT and MAXLEN; 0 means all).
#[pyfunction]
fn lpos(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    rank: i64,
    count: usize,
    maxlen: usize,
) -> PyResult<Vec<usize>> {
    let (k, v) = (convert::key(key)?, convert::value(value)?);
    let (db, k, v) = (engine(db), k.as_slice(), v.as_slice());
    py.detach(|| db.lpos(k, v, rank, count, maxlen)).map_err(err(py))
}

/// Pops from `from_end` of `src` and pushes at `to_end` of `dst` in one commit.
#[pyfunction]
fn lmove<'py>(
    py: Python<'py>,
    db: &Bound<'py, NativeDb>,
    src: &Bound<'py, PyAny>,
    dst: &Bound<'py, PyAny>,
    from_end: &str,
    to_end: &str,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let (s, d, from, to) = (convert::key(src)?, convert::key(dst)?, end(from_end)?, end(to_end)?);
    let (db, s, d) = (engine(db), s.as_slice(), d.as_slice());
    let v = py.detach(|| db.lmove(s, d, from, to)).map_err(err(py))?;
    Ok(v.map(|v| PyBytes::new(py, &v)))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(push, m)?)?;
    m.add_function(wrap_pyfunction!(pop, m)?)?;
    m.add_function(wrap_pyfunction!(llen, m)?)?;
    m.add_function(wrap_pyfunction!(lindex, m)?)?;
    m.add_function(wrap_pyfunction!(lrange, m)?)?;
    m.add_function(wrap_pyfunction!(lset, m)?)?;
    m.add_function(wrap_pyfunction!(linsert, m)?)?;
    m.add_function(wrap_pyfunction!(lrem, m)?)?;
    m.add_function(wrap_pyfunction!(ltrim, m)?)?;
    m.add_function(wrap_pyfunction!(lpos, m)?)?;
    m.add_function(wrap_pyfunction!(lmove, m)?)
}
