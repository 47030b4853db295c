//! The stable C ABI of ScaloDB: the functions and types of `include/scalodb.h`, which cbindgen
//! generates from this crate (see `ffi/cbindgen.toml`; regenerate with `make ffi-header`).
//!
//! Every export goes through [`error::guard`] (or `guard_value`), which catches panics and turns
//! failures into a `scalodb_status` plus an optional `scalodb_error`. Arguments are checked in
//! [`args`] before use. The database logic lives in the core crate; this crate only translates.
//! See `ffi/README.md` for the conventions and a C quickstart.

// The exported types carry their C names (scalodb_db, SCALODB_OK...) so that the header, the
// Rust source and the docs all use one name for each thing.
#![allow(non_camel_case_types)]
// Each export documents its contract for C readers (ownership, threads, errors) in the doc comment
// that cbindgen copies into the header, rather than in a Rust "# Safety" section.
#![allow(clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn)]

// The modules are declared in the order their items appear in the header: version and status
// first, then errors and buffers, then the handles from options to transactions, the typed
// operations (collections), and stats. (Blank lines keep rustfmt from sorting them.)
mod version;

mod status;

mod error;

mod buffer;

mod options;

mod db;

mod keys;

mod expiry;

mod value;

mod batch;

mod iterator;

mod snapshot;

mod txn;

mod collection;

mod types_hash;

mod types_list;

mod types_set;

mod types_zset;

mod stats;

mod maintenance;

mod server;

mod sized;

mod args;

pub use batch::*;
pub use buffer::*;
pub use collection::*;
pub use db::*;
pub use error::*;
pub use expiry::*;
pub use iterator::*;
pub use keys::*;
pub use maintenance::*;
pub use options::*;
pub use server::*;
pub use snapshot::*;
pub use stats::*;
pub use status::*;
pub use txn::*;
pub use types_hash::*;
pub use types_list::*;
pub use types_set::*;
pub use types_zset::*;
pub use value::*;
pub use version::*;
