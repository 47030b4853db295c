//! The write-ahead log: preallocated segment files that records are copied into through a shared
//! memory mapping, so that an append costs a memcpy (the bytes are in the OS page cache at once
//! and survive a killed process) and durability costs one fdatasync shared by every writer
//! waiting at the time (group commit).
//!
//! Byte layouts are in docs/FORMAT.md.

pub(crate) mod ahead;
pub(crate) mod ops;
pub(crate) mod reader;
pub(crate) mod record;
pub(crate) mod segment;
pub(crate) mod writer;

use std::path::{Path, PathBuf};

/// File name of segment `id`: zero-padded so that names sort by id.
pub(crate) fn segment_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("wal-{id:020}.log"))
}

/// The name segment `id` has while it is being created (see `Segment::create`). Never read as a
/// segment; deleted when the store opens.
pub(crate) fn temp_segment_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("wal-{id:020}.log.tmp"))
}

/// Is `name` a segment under construction?
pub(crate) fn is_temp_segment_name(name: &str) -> bool {
    name.strip_prefix("wal-").and_then(|n| n.strip_suffix(".log.tmp")).is_some_and(|n| n.parse::<u64>().is_ok())
}

/// The id of a segment file name, if it is one.
pub(crate) fn parse_segment_name(name: &str) -> Option<u64> {
    name.strip_prefix("wal-")?.strip_suffix(".log")?.parse().ok()
}
