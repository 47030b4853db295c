//! Named points where tests make the engine fail (an errno, a short write) or crash (abort the
//! process), optionally only on the Nth time execution reaches the point.
//!
//! Compiled in only with the `failpoints` cargo feature, which the fault-injection and crash tests
//! turn on; without it every point is an inline no-op that the compiler removes, and
//! `SCALODB_FAILPOINTS` is never read, so no environment can make a production build fail. With
//! the feature a point costs one relaxed load when nothing is armed. Every system call on the
//! durability path goes through `fsutil.rs`, which checks the point named after it:
//!
//! | point | call | where |
//! |---|---|---|
//! | `wal.create` | `open(O_CREAT\|O_EXCL)` | a new log segment's `.tmp` file (open, rotation) |
//! | `wal.preallocate` | `posix_fallocate` | a new log segment (a full disk shows up here) |
//! | `wal.create_sync` | `fdatasync` | the new segment's header, before it is renamed |
//! | `wal.create_rename` | `rename` | the new segment's `.tmp` into place |
//! | `dir.parent_sync` | `fsync` of a parent directory | a store or backup directory just created |
//! | `wal.sync` | `fdatasync` | group commit, interval syncer, the log thread's sync of a closed segment, rotation, `Db::sync`, close |
//! | `dir.sync` | `fsync` of the directory | after a log segment is created (by the log thread, or by a write that found no spare) |
//! | `wal.remove` | `unlink` | log segments a checkpoint covers |
//! | `wal.remove_sync` | `fsync` of the directory | after those unlinks |
//! | `checkpoint.create` | `open(O_CREAT\|O_TRUNC)` | the checkpoint's `.tmp` file |
//! | `checkpoint.write` | `write` | every write of the `.tmp` file (short writes allowed) |
//! | `checkpoint.before_sync` | `fsync` | the `.tmp` file |
//! | `checkpoint.before_rename` | `rename` | `.tmp` into place |
//! | `checkpoint.after_rename` | `fsync` of the directory | after the rename |
//! | `checkpoint.remove` | `unlink` | checkpoints the new one supersedes |
//!
//! Tests in this crate call [`set`], [`set_nth`] or [`set_from`]; a child process in a crash test
//! is configured with `SCALODB_FAILPOINTS=name=action[@N[+]],...` (action `abort`, `error`, `eio`,
//! `enospc` or `short`; `@N` only the Nth hit, `@N+` the Nth and every later one), read when the
//! first database opens; a rule that does not parse makes every open fail with
//! `InvalidArgument`. Points are process-wide: tests that arm them must not run concurrently.

#[cfg(feature = "failpoints")]
mod armed;
#[cfg(feature = "failpoints")]
pub use armed::{clear, hits, set, set_from, set_nth, FailAction};
#[cfg(feature = "failpoints")]
pub(crate) use armed::{hit, hit_write, load_from_env};

#[cfg(not(feature = "failpoints"))]
mod off {
    use std::io;

    /// Without the feature a point never fires.
    #[inline(always)]
    pub(crate) fn hit(_name: &str) -> io::Result<()> {
        Ok(())
    }

    /// Without the feature a write is never shortened.
    #[inline(always)]
    pub(crate) fn hit_write(_name: &str, len: usize) -> io::Result<usize> {
        Ok(len)
    }

    /// Without the feature the environment is not read.
    #[inline(always)]
    pub(crate) fn load_from_env() -> crate::Result<()> {
        Ok(())
    }
}
#[cfg(not(feature = "failpoints"))]
pub(crate) use off::{hit, hit_write, load_from_env};
