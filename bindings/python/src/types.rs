//! The native functions behind hashes, lists, sets and sorted sets (`scalodb.DB.hset`,
//! `DB.lpush`, the `Hash`/`List`/`Set`/`SortedSet` views...), one per engine method, in
//! `types_hash.rs`, `types_list.rs`, `types_set.rs` and `types_zset.rs`; this file holds what they
//! share (argument conversion, the GIL rule) and `kind_of`.
//!
//! They are module functions taking the `NativeDB` first (`_scalodb.hget(db, key, field)`): the
//! pure-Python methods of `DB` call them. Nothing here adds database logic.
//!
//! Fields and members follow the rules of keys (bytes, or str stored as UTF-8); hash values and
//! list elements those of values (bytes-like only), as `DB.put` does.
//!
//! The GIL is released around every write and every read that copies more than one element;
//! point reads (HGET, SISMEMBER, ZSCORE, the lengths...) keep it, as `DB.get` does, since reads
//! never wait for writers.

use std::ops::Bound as Edge;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyModule, PyTuple};
use scalodb::{Db, End};

use crate::convert::{self, ArgBytes};
use crate::db::NativeDb;
use crate::errors::err;

/// One page of a cursor walk (HSCAN, SSCAN, ZSCAN) as Python gets it: the cursor to pass next
/// (None when the walk is done) and the elements.
pub(crate) type Page<'py, T> = (Option<Bound<'py, PyBytes>>, T);

/// The engine handle inside a `NativeDB` (or a `scalodb.DB`).
pub(crate) fn engine<'a>(db: &'a Bound<'_, NativeDb>) -> &'a Db {
    &db.get().db
}

/// Converts each item of `items` with `conv` (`convert::key` or `convert::value`).
pub(crate) fn each<'py>(
    items: &Bound<'py, PyTuple>,
    conv: fn(&Bound<'py, PyAny>) -> PyResult<ArgBytes<'py>>,
) -> PyResult<Vec<ArgBytes<'py>>> {
    items.iter().map(|item| conv(&item)).collect()
}

/// The byte slices of converted arguments, as the engine takes them.
pub(crate) fn slices<'a>(args: &'a [ArgBytes<'_>]) -> Vec<&'a [u8]> {
    args.iter().map(ArgBytes::as_slice).collect()
}

/// The `(a, b)` pairs of a mapping (its `items()`) or of an iterable of 2-tuples.
pub(crate) fn pairs<'py, A, B>(
    obj: &Bound<'py, PyAny>,
    first: impl Fn(&Bound<'py, PyAny>) -> PyResult<A>,
    second: impl Fn(&Bound<'py, PyAny>) -> PyResult<B>,
) -> PyResult<Vec<(A, B)>> {
    let items = if let Ok(d) = obj.cast::<PyDict>() {
        d.items().into_any()
    } else if obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    let mut out = Vec::new();
    for item in items.try_iter()? {
        let item = item?;
        let pair = item
            .cast::<PyTuple>()
            .ok()
            .filter(|t| t.len() == 2)
            .ok_or_else(|| PyTypeError::new_err("expected a mapping or an iterable of (key, value) pairs"))?;
        out.push((first(&pair.get_item(0)?)?, second(&pair.get_item(1)?)?));
    }
    Ok(out)
}

/// `"left"` or `"right"` (any case) as an end of a list.
pub(crate) fn end(name: &str) -> PyResult<End> {
    match name.to_ascii_lowercase().as_str() {
        "left" => Ok(End::Left),
        "right" => Ok(End::Right),
        _ => Err(PyValueError::new_err(format!("an end of a list is \"left\" or \"right\", not {name:?}"))),
    }
}

/// An optional bound (None: unbounded), included unless `exclusive`.
pub(crate) fn edge<T>(value: Option<T>, exclusive: bool) -> Edge<T> {
    match value {
        None => Edge::Unbounded,
        Some(v) if exclusive => Edge::Excluded(v),
        Some(v) => Edge::Included(v),
    }
}

/// The type of the value at `key` as Redis's TYPE names it ("string", "hash", "list", "set",
/// "zset"), None if the key holds nothing.
#[pyfunction]
fn kind_of(py: Python<'_>, db: &Bound<'_, NativeDb>, key: &Bound<'_, PyAny>) -> PyResult<Option<&'static str>> {
    let k = convert::key(key)?;
    Ok(engine(db).kind_of(k.as_slice()).map_err(err(py))?.map(|kind| kind.name()))
}

/// Adds every collection function to the native module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(kind_of, m)?)?;
    crate::types_hash::register(m)?;
    crate::types_list::register(m)?;
    crate::types_set::register(m)?;
    crate::types_zset::register(m)
}
