//! The Node.js binding of ScaloDB, built with napi-rs. The JavaScript API (`open`, `DB`,
//! `Snapshot`, `Scan`, `WriteBatch`, `Transaction`, `Server`) is defined here; napi-rs generates
//! the loader (`index.js`) and the typings (`index.d.ts`) from these declarations. The binding
//! adds no database logic: every method is one call into the `scalodb` crate plus conversion of
//! arguments and errors (the retry loop of `transaction()` calls back into JavaScript, so it
//! lives in `transaction.rs`). Hashes, lists, sets and sorted sets are methods of `DB` too, one
//! file per type (`types_hash.rs`, `types_list.rs`, `types_set.rs`, `types_zset.rs`,
//! `types_zrange.rs`), over the shared conversions of `types_args.rs`.

// napi-derive records each background task's result type while expanding its `impl Task`, and
// looks it up when expanding a method that returns the task: so the task modules come first.
mod scan;
mod server;
mod tasks;

mod batch;
mod bytes;
mod db;
mod error;
mod finalizers;
mod options;
mod slab;
mod snapshot;
mod stats;
mod transaction;
mod types_args;
mod types_hash;
mod types_list;
mod types_set;
mod types_zset;
// After `types_zset`, so that the typings list single-member methods first.
mod types_zrange;

use napi_derive::napi;

use crate::db::Database;
use crate::error::{OrThrow, Result};
use crate::options::OpenOptions;

/// The version of ScaloDB in this addon ("0.1.0"): the workspace version, which the core, the C
/// library and every binding share (`make version-check` holds them equal).
#[napi]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Opens (or creates) the store in directory `path`, or an in-memory store when `path` is
/// omitted (or `null`). Throws `ERR_SCALODB_LOCKED` if the directory is already open.
#[napi(ts_return_type = "DB")]
pub fn open(path: Option<String>, options: Option<OpenOptions>) -> Result<Database> {
    let opts = options.unwrap_or_default().to_engine()?;
    let db = match path {
        Some(path) => scalodb::Db::open_with(path, opts),
        None => scalodb::Db::memory_with(opts),
    }
    .or_throw()?;
    Ok(Database::new(db))
}
