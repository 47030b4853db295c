//! Set functions of the native module, one per engine method (SADD, SREM, SPOP, the algebra...):
//! the bodies of `scalodb.DB.sadd` & co and of the `Set` view. Members are keys (bytes or str).
//! See `types.rs` for the conventions.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyModule, PySet, PyTuple};
use scalodb::SetOp;

use crate::convert;
use crate::db::NativeDb;
use crate::errors::err;
use crate::types::{each, engine, slices, Page};

fn set_op(name: &str) -> PyResult<SetOp> {
    match name {
        "inter" => Ok(SetOp::Inter),
        "union" => Ok(SetOp::Union),
        "diff" => Ok(SetOp::Diff),
        _ => Err(PyValueError::new_err(format!("a set operation is \"inter\", \"union\" or \"diff\", not {name:?}"))),
    }
}

fn py_set<'py>(py: Python<'py>, members: &[Vec<u8>]) -> PyResult<Bound<'py, PySet>> {
    PySet::new(py, members.iter().map(Vec::as_slice))
}

#[pyfunction]
fn sadd(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    members: &Bound<'_, PyTuple>,
) -> PyResult<usize> {
    let (k, ms) = (convert::key(key)?, each(members, convert::key)?);
    let (db, k, ms) = (engine(db), k.as_slice(), slices(&ms));
    py.detach(|| db.sadd(k, &ms)).map_err(err(py))
}

#[pyfunction]
fn srem(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    members: &Bound<'_, PyTuple>,
) -> PyResult<usize> {
    let (k, ms) = (convert::key(key)?, each(members, convert::key)?);
    let (db, k, ms) = (engine(db), k.as_slice(), slices(&ms));
    py.detach(|| db.srem(k, &ms)).map_err(err(py))
}

#[pyfunction]
fn sismember(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    member: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let (k, m) = (convert::key(key)?, convert::key(member)?);
    engine(db).sismember(k.as_slice(), m.as_slice()).map_err(err(py))
}

#[pyfunction]
fn smismember(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    members: &Bound<'_, PyTuple>,
) -> PyResult<Vec<bool>> {
    let (k, ms) = (convert::key(key)?, each(members, convert::key)?);
    let (db, k, ms) = (engine(db), k.as_slice(), slices(&ms));
    py.detach(|| db.smismember(k, &ms)).map_err(err(py))
}

#[pyfunction]
fn scard(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>) -> PyResult<usize> {
    let k = convert::key(key)?;
    engine(db).scard(k.as_slice()).map_err(err(py))
}

#[pyfunction]
fn smembers<'py>(py: Python<'py>, db: &Bound<'py, NativeDb>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PySet>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    let members = py.detach(|| db.smembers(k)).map_err(err(py))?;
    py_set(py, &members)
}

#[pyfunction]
fn spop(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>, count: usize) -> PyResult<Vec<Vec<u8>>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.spop(k, count)).map_err(err(py))
}

#[pyfunction]
fn srandmember(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>, count: i64) -> PyResult<Vec<Vec<u8>>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.srandmember(k, count)).map_err(err(py))
}

#[pyfunction]
fn smove(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    src: &Bound<'_, PyAny>,
    dst: &Bound<'_, PyAny>,
    member: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let (s, d, m) = (convert::key(src)?, convert::key(dst)?, convert::key(member)?);
    let (db, s, d, m) = (engine(db), s.as_slice(), d.as_slice(), m.as_slice());
    py.detach(|| db.smove(s, d, m)).map_err(err(py))
}

/// SINTER / SUNION / SDIFF (`op` is "inter", "union" or "diff") of `keys`, as a set.
#[pyfunction]
fn set_algebra<'py>(
    py: Python<'py>,
    db: &Bound<'py, NativeDb>,
    op: &str,
    keys: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PySet>> {
    let (op, ks) = (set_op(op)?, each(keys, convert::key)?);
    let (db, ks) = (engine(db), slices(&ks));
    let members = py.detach(|| db.set_algebra(op, &ks)).map_err(err(py))?;
    py_set(py, &members)
}

/// The store forms (SINTERSTORE...): the result replaces `dst`; returns its size.
#[pyfunction]
fn set_algebra_store(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    op: &str,
    dst: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyTuple>,
) -> PyResult<usize> {
    let (op, d, ks) = (set_op(op)?, convert::key(dst)?, each(keys, convert::key)?);
    let (db, d, ks) = (engine(db), d.as_slice(), slices(&ks));
    py.detach(|| db.set_algebra_store(op, d, &ks)).map_err(err(py))
}

#[pyfunction]
fn sintercard(py: Python<'_>, db: &Bound<'_, NativeDb>, keys: &Bound<'_, PyTuple>, limit: usize) -> PyResult<usize> {
    let ks = each(keys, convert::key)?;
    let (db, ks) = (engine(db), slices(&ks));
    py.detach(|| db.sintercard(&ks, limit)).map_err(err(py))
}

/// One page of a cursor walk: `(next cursor or None when done, [member...])`.
#[pyfunction]
fn sscan<'py>(
    py: Python<'py>,
    db: &Bound<'py, NativeDb>,
    key: &Bound<'py, PyAny>,
    cursor: Option<&Bound<'py, PyAny>>,
    count: usize,
) -> PyResult<Page<'py, Vec<Vec<u8>>>> {
    let k = convert::key(key)?;
    let c = cursor.map(convert::key).transpose()?;
    let (db, k, c) = (engine(db), k.as_slice(), c.as_ref().map(|c| c.as_slice()));
    let (items, next) = py.detach(|| db.sscan(k, c, count)).map_err(err(py))?;
    Ok((next.map(|n| PyBytes::new(py, &n)), items))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sadd, m)?)?;
    m.add_function(wrap_pyfunction!(srem, m)?)?;
    m.add_function(wrap_pyfunction!(sismember, m)?)?;
    m.add_function(wrap_pyfunction!(smismember, m)?)?;
    m.add_function(wrap_pyfunction!(scard, m)?)?;
    m.add_function(wrap_pyfunction!(smembers, m)?)?;
    m.add_function(wrap_pyfunction!(spop, m)?)?;
    m.add_function(wrap_pyfunction!(srandmember, m)?)?;
    m.add_function(wrap_pyfunction!(smove, m)?)?;
    m.add_function(wrap_pyfunction!(set_algebra, m)?)?;
    m.add_function(wrap_pyfunction!(set_algebra_store, m)?)?;
    m.add_function(wrap_pyfunction!(sintercard, m)?)?;
    m.add_function(wrap_pyfunction!(sscan, m)?)
}
