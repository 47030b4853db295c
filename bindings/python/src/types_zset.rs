//! Sorted-set functions of the native module, one per engine method (ZADD, ZRANGEBYSCORE,
//! ZPOPMIN, ZUNION...): the bodies of `scalodb.DB.zadd` & co and of the `SortedSet` view.
//! Members are keys (bytes or str), scores floats; a range bound of None is unbounded. Ranges
//! return `(member, score)` pairs. See `types.rs` for the conventions.

use std::ops::Bound as Edge;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyModule, PyTuple};
use scalodb::{Aggregate, ScoreBound, Scored, ZAddFlags, ZSetOp};

use crate::convert::{self, ArgBytes};
use crate::db::NativeDb;
use crate::errors::err;
use crate::types::{each, edge, engine, pairs, slices, Page};

/// A score bound: None is unbounded; NaN is refused.
fn score_edge(value: Option<f64>, exclusive: bool) -> PyResult<ScoreBound> {
    if value.is_some_and(f64::is_nan) {
        return Err(PyValueError::new_err("a score bound cannot be NaN"));
    }
    Ok(edge(value, exclusive))
}

/// A lexicographic bound: a member (bytes or str), or None for unbounded.
fn lex_edge<'a>(value: &'a Option<ArgBytes<'_>>, exclusive: bool) -> Edge<&'a [u8]> {
    edge(value.as_ref().map(ArgBytes::as_slice), exclusive)
}

fn lex_arg<'py>(value: Option<&Bound<'py, PyAny>>) -> PyResult<Option<ArgBytes<'py>>> {
    value.map(convert::key).transpose()
}

/// ZRANGEBYSCORE's LIMIT: none when everything is wanted, else `(offset, count)` with a
/// negative count for "all after offset".
fn limit(offset: usize, count: Option<i64>) -> Option<(usize, i64)> {
    match (offset, count) {
        (0, None) => None,
        (o, c) => Some((o, c.unwrap_or(-1))),
    }
}

fn flags(nx: bool, xx: bool, gt: bool, lt: bool, ch: bool) -> ZAddFlags {
    ZAddFlags { nx, xx, gt, lt, ch }
}

fn zset_op(name: &str) -> PyResult<ZSetOp> {
    match name {
        "union" => Ok(ZSetOp::Union),
        "inter" => Ok(ZSetOp::Inter),
        "diff" => Ok(ZSetOp::Diff),
        _ => Err(PyValueError::new_err(format!("a combination is \"union\", \"inter\" or \"diff\", not {name:?}"))),
    }
}

fn aggregate(name: &str) -> PyResult<Aggregate> {
    match name.to_ascii_lowercase().as_str() {
        "sum" => Ok(Aggregate::Sum),
        "min" => Ok(Aggregate::Min),
        "max" => Ok(Aggregate::Max),
        _ => Err(PyValueError::new_err(format!("aggregate is \"sum\", \"min\" or \"max\", not {name:?}"))),
    }
}

/// Adds or updates every `member: score` of `mapping` (or `(member, score)` pairs) under ZADD's
/// conditions; returns how many were added (or changed, with `ch`).
#[pyfunction]
#[allow(clippy::too_many_arguments)] // ZADD's flags, one per keyword argument.
fn zadd(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    mapping: &Bound<'_, PyAny>,
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
) -> PyResult<usize> {
    let k = convert::key(key)?;
    let owned = pairs(mapping, convert::key, |s| s.extract::<f64>())?;
    let entries: Vec<(f64, &[u8])> = owned.iter().map(|(m, s)| (*s, m.as_slice())).collect();
    let (db, k, f) = (engine(db), k.as_slice(), flags(nx, xx, gt, lt, ch));
    py.detach(|| db.zadd(k, &entries, f)).map_err(err(py))
}

/// ZADD INCR: the new score, None if a condition refused the update.
#[pyfunction]
#[allow(clippy::too_many_arguments)] // ZADD's flags, one per keyword argument.
fn zadd_incr(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    delta: f64,
    member: &Bound<'_, PyAny>,
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
) -> PyResult<Option<f64>> {
    let (k, m) = (convert::key(key)?, convert::key(member)?);
    let (db, k, m, f) = (engine(db), k.as_slice(), m.as_slice(), flags(nx, xx, gt, lt, false));
    py.detach(|| db.zadd_incr(k, delta, m, f)).map_err(err(py))
}

#[pyfunction]
fn zincrby(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    delta: f64,
    member: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let (k, m) = (convert::key(key)?, convert::key(member)?);
    let (db, k, m) = (engine(db), k.as_slice(), m.as_slice());
    py.detach(|| db.zincrby(k, delta, m)).map_err(err(py))
}

#[pyfunction]
fn zrem(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    members: &Bound<'_, PyTuple>,
) -> PyResult<usize> {
    let (k, ms) = (convert::key(key)?, each(members, convert::key)?);
    let (db, k, ms) = (engine(db), k.as_slice(), slices(&ms));
    py.detach(|| db.zrem(k, &ms)).map_err(err(py))
}

#[pyfunction]
fn zscore(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    member: &Bound<'_, PyAny>,
) -> PyResult<Option<f64>> {
    let (k, m) = (convert::key(key)?, convert::key(member)?);
    engine(db).zscore(k.as_slice(), m.as_slice()).map_err(err(py))
}

#[pyfunction]
fn zmscore(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    members: &Bound<'_, PyTuple>,
) -> PyResult<Vec<Option<f64>>> {
    let (k, ms) = (convert::key(key)?, each(members, convert::key)?);
    let (db, k, ms) = (engine(db), k.as_slice(), slices(&ms));
    py.detach(|| db.zmscore(k, &ms)).map_err(err(py))
}

#[pyfunction]
fn zcard(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>) -> PyResult<usize> {
    let k = convert::key(key)?;
    engine(db).zcard(k.as_slice()).map_err(err(py))
}

#[pyfunction]
fn zcount(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    min: Option<f64>,
    max: Option<f64>,
    min_exclusive: bool,
    max_exclusive: bool,
) -> PyResult<usize> {
    let k = convert::key(key)?;
    let (lo, hi) = (score_edge(min, min_exclusive)?, score_edge(max, max_exclusive)?);
    engine(db).zcount(k.as_slice(), lo, hi).map_err(err(py))
}

#[pyfunction]
fn zlexcount(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    min: Option<&Bound<'_, PyAny>>,
    max: Option<&Bound<'_, PyAny>>,
    min_exclusive: bool,
    max_exclusive: bool,
) -> PyResult<usize> {
    let (k, lo, hi) = (convert::key(key)?, lex_arg(min)?, lex_arg(max)?);
    let (db, k, lo, hi) = (engine(db), k.as_slice(), lex_edge(&lo, min_exclusive), lex_edge(&hi, max_exclusive));
    py.detach(|| db.zlexcount(k, lo, hi)).map_err(err(py))
}

/// `(rank, score)` of `member`, by ascending score (descending with `rev`), None if absent.
#[pyfunction]
fn zrank(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    member: &Bound<'_, PyAny>,
    rev: bool,
) -> PyResult<Option<(usize, f64)>> {
    let (k, m) = (convert::key(key)?, convert::key(member)?);
    engine(db).zrank(k.as_slice(), m.as_slice(), rev).map_err(err(py))
}

/// Ranks `start` to `stop` inclusive, Redis's way (negative from the end).
#[pyfunction]
fn zrange(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    start: i64,
    stop: i64,
    rev: bool,
) -> PyResult<Vec<Scored>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.zrange(k, start, stop, rev)).map_err(err(py))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)] // ZRANGEBYSCORE's bounds and LIMIT, one per argument.
fn zrange_by_score(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    min: Option<f64>,
    max: Option<f64>,
    min_exclusive: bool,
    max_exclusive: bool,
    rev: bool,
    offset: usize,
    count: Option<i64>,
) -> PyResult<Vec<Scored>> {
    let k = convert::key(key)?;
    let (lo, hi) = (score_edge(min, min_exclusive)?, score_edge(max, max_exclusive)?);
    let (db, k, lim) = (engine(db), k.as_slice(), limit(offset, count));
    py.detach(|| db.zrange_by_score(k, lo, hi, rev, lim)).map_err(err(py))
}

#[pyfunction]
#[allow(clippy::too_many_arguments)] // ZRANGEBYLEX's bounds and LIMIT, one per argument.
fn zrange_by_lex(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    min: Option<&Bound<'_, PyAny>>,
    max: Option<&Bound<'_, PyAny>>,
    min_exclusive: bool,
    max_exclusive: bool,
    rev: bool,
    offset: usize,
    count: Option<i64>,
) -> PyResult<Vec<Scored>> {
    let (k, lo, hi) = (convert::key(key)?, lex_arg(min)?, lex_arg(max)?);
    let (db, k, lim) = (engine(db), k.as_slice(), limit(offset, count));
    let (lo, hi) = (lex_edge(&lo, min_exclusive), lex_edge(&hi, max_exclusive));
    py.detach(|| db.zrange_by_lex(k, lo, hi, rev, lim)).map_err(err(py))
}

/// Removes and returns up to `count` members with the lowest scores (the highest with `max`).
#[pyfunction]
fn zpop(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    max: bool,
    count: usize,
) -> PyResult<Vec<Scored>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.zpop(k, max, count)).map_err(err(py))
}

#[pyfunction]
fn zremrange_by_rank(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    start: i64,
    stop: i64,
) -> PyResult<usize> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.zremrange_by_rank(k, start, stop)).map_err(err(py))
}

#[pyfunction]
fn zremrange_by_score(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    min: Option<f64>,
    max: Option<f64>,
    min_exclusive: bool,
    max_exclusive: bool,
) -> PyResult<usize> {
    let k = convert::key(key)?;
    let (lo, hi) = (score_edge(min, min_exclusive)?, score_edge(max, max_exclusive)?);
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.zremrange_by_score(k, lo, hi)).map_err(err(py))
}

#[pyfunction]
fn zremrange_by_lex(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    key: &Bound<'_, PyAny>,
    min: Option<&Bound<'_, PyAny>>,
    max: Option<&Bound<'_, PyAny>>,
    min_exclusive: bool,
    max_exclusive: bool,
) -> PyResult<usize> {
    let (k, lo, hi) = (convert::key(key)?, lex_arg(min)?, lex_arg(max)?);
    let (db, k, lo, hi) = (engine(db), k.as_slice(), lex_edge(&lo, min_exclusive), lex_edge(&hi, max_exclusive));
    py.detach(|| db.zremrange_by_lex(k, lo, hi)).map_err(err(py))
}

#[pyfunction]
fn zrandmember(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>, count: i64) -> PyResult<Vec<Scored>> {
    let k = convert::key(key)?;
    let (db, k) = (engine(db), k.as_slice());
    py.detach(|| db.zrandmember(k, count)).map_err(err(py))
}

/// One page of a cursor walk in member order: `(next cursor or None when done, [(member,
/// score)...])`.
#[pyfunction]
fn zscan<'py>(
    py: Python<'py>,
    db: &Bound<'py, NativeDb>,
    key: &Bound<'py, PyAny>,
    cursor: Option<&Bound<'py, PyAny>>,
    count: usize,
) -> PyResult<Page<'py, Vec<Scored>>> {
    let k = convert::key(key)?;
    let c = cursor.map(convert::key).transpose()?;
    let (db, k, c) = (engine(db), k.as_slice(), c.as_ref().map(|c| c.as_slice()));
    let (items, next) = py.detach(|| db.zscan(k, c, count)).map_err(err(py))?;
    Ok((next.map(|n| PyBytes::new(py, &n)), items))
}

/// ZUNION / ZINTER / ZDIFF (`op` "union", "inter" or "diff") with one weight per key (None:
/// all 1) and `aggregate` ("sum", "min" or "max").
#[pyfunction]
fn zcombine(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    op: &str,
    keys: &Bound<'_, PyTuple>,
    weights: Option<Vec<f64>>,
    aggregate_name: &str,
) -> PyResult<Vec<Scored>> {
    let (op, agg, ks) = (zset_op(op)?, aggregate(aggregate_name)?, each(keys, convert::key)?);
    let (db, ks, w) = (engine(db), slices(&ks), weights.unwrap_or_default());
    py.detach(|| db.zcombine(op, &ks, &w, agg)).map_err(err(py))
}

/// The store forms (ZUNIONSTORE...): the result replaces `dst`; returns its size.
#[pyfunction]
fn zcombine_store(
    py: Python<'_>,
    db: &Bound<'_, NativeDb>,
    op: &str,
    dst: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyTuple>,
    weights: Option<Vec<f64>>,
    aggregate_name: &str,
) -> PyResult<usize> {
    let (op, agg, d, ks) = (zset_op(op)?, aggregate(aggregate_name)?, convert::key(dst)?, each(keys, convert::key)?);
    let (db, d, ks, w) = (engine(db), d.as_slice(), slices(&ks), weights.unwrap_or_default());
    py.detach(|| db.zcombine_store(op, d, &ks, &w, agg)).map_err(err(py))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(zadd, m)?)?;
    m.add_function(wrap_pyfunction!(zadd_incr, m)?)?;
    m.add_function(wrap_pyfunction!(zincrby, m)?)?;
    m.add_function(wrap_pyfunction!(zrem, m)?)?;
    m.add_function(wrap_pyfunction!(zscore, m)?)?;
    m.add_function(wrap_pyfunction!(zmscore, m)?)?;
    m.add_function(wrap_pyfunction!(zcard, m)?)?;
    m.add_function(wrap_pyfunction!(zcount, m)?)?;
    m.add_function(wrap_pyfunction!(zlexcount, m)?)?;
    m.add_function(wrap_pyfunction!(zrank, m)?)?;
    m.add_function(wrap_pyfunction!(zrange, m)?)?;
    m.add_function(wrap_pyfunction!(zrange_by_score, m)?)?;
    m.add_function(wrap_pyfunction!(zrange_by_lex, m)?)?;
    m.add_function(wrap_pyfunction!(zpop, m)?)?;
    m.add_function(wrap_pyfunction!(zremrange_by_rank, m)?)?;
    m.add_function(wrap_pyfunction!(zremrange_by_score, m)?)?;
    m.add_function(wrap_pyfunction!(zremrange_by_lex, m)?)?;
    m.add_function(wrap_pyfunction!(zrandmember, m)?)?;
    m.add_function(wrap_pyfunction!(zscan, m)?)?;
    m.add_function(wrap_pyfunction!(zcombine, m)?)?;
    m.add_function(wrap_pyfunction!(zcombine_store, m)?)
}
