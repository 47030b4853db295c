//! `scalodb._scalodb`: the native half of the Python package. It wraps the `scalodb` engine in a
//! few Python classes (`NativeDB`, `ScanIterator`, `Snapshot`, `Batch`, `Transaction`) and the
//! functions of the collection types (`types*.rs`); the pure-Python package
//! `scalodb` builds the public, Pythonic API (`DB` as a `MutableMapping`, `open`, `Stats`, the
//! exception hierarchy) on top of it. Nothing here adds database logic: every call goes to the
//! engine, with the GIL released around anything that can block.

mod batch;
mod convert;
mod db;
mod errors;
mod iter;
mod server;
mod snapshot;
mod transaction;
mod types;
mod types_hash;
mod types_list;
mod types_set;
mod types_zset;

use pyo3::prelude::*;

#[pymodule]
fn _scalodb(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<db::NativeDb>()?;
    m.add_class::<iter::ScanIterator>()?;
    m.add_class::<snapshot::PySnapshot>()?;
    m.add_class::<batch::PyBatch>()?;
    m.add_class::<transaction::PyTransaction>()?;
    m.add_class::<server::PyServer>()?;
    // Hashes, lists, sets and sorted sets: module functions taking the NativeDB first.
    types::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // The engine's counter names, in order: the `Stats` dataclass is checked against them.
    m.add("STATS_FIELDS", scalodb::Stats::FIELDS.to_vec())?;
    Ok(())
}
