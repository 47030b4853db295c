//! ScaloDB: an embedded, ordered key-value store held in memory, with MVCC reads that never take a
//! lock, a CRC-checked write-ahead log, checkpoints, and crash recovery.
//!
//! ```
//! use scalodb::{Db, Options, SyncMode, WriteBatch};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let db = Db::open_with(dir.path(), Options { sync: SyncMode::Always, ..Options::default() }).unwrap();
//! db.put("session:42", "alice").unwrap();
//! let mut batch = WriteBatch::new();
//! batch.put("a", "1").delete("session:42");
//! db.write(batch).unwrap();
//! assert_eq!(db.get("a").unwrap(), Some(b"1".to_vec()));
//! assert_eq!(db.get("session:42").unwrap(), None);
//! ```
//!
//! See `ARCHITECTURE.md` in the repository for the design and its invariants.

mod batch;
mod checkpoint;
mod clock;
mod collections;
mod commit;
mod copy;
mod counters;
mod db;
mod engine;
mod error;
mod events;
mod eviction;
mod expiry;
// Test machinery: public (for the tests and the crash-test child) only with its feature.
#[cfg(feature = "failpoints")]
#[doc(hidden)]
pub mod failpoint;
#[cfg(not(feature = "failpoints"))]
mod failpoint;
mod fsutil;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod garbage;
mod hash;
mod hash_index;
mod item;
mod iter;
mod lockfile;
mod maintenance;
mod options;
mod readers;
mod reclaim;
mod recovery;
mod snapshot;
mod stats;
mod transaction;
mod tree;
mod verify;
mod wal;

pub use batch::WriteBatch;
pub use collections::coll::Kind;
pub use collections::layout::Layout;
pub use collections::lists::End;
pub use collections::random::ScanPage;
pub use collections::sets::SetOp;
pub use collections::typed::Target;
pub use collections::zsets::{Aggregate, ScoreBound, Scored, ZAddFlags, ZSetOp};
pub use copy::Moved;
pub use db::{CasOutcome, Db, Ttl};
pub use error::{Error, Result};
pub use events::{Event, EventListener};
pub use iter::Iter;
pub use options::{Eviction, Options, SyncMode};
pub use snapshot::Snapshot;
pub use stats::Stats;
pub use transaction::Transaction;
pub use verify::{verify, verify_with_progress, VerifyReport};
