//! The one error type of the engine, with messages that tell the user what happened and what to do.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in ScaloDB.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The handle was closed; open the database again to use it.
    Closed,
    /// Another handle (in this process or another) holds the directory lock.
    Locked { path: PathBuf },
    /// Stored data failed a check: a bad checksum, a bad header or a gap in the log.
    Corruption { path: PathBuf, offset: u64, reason: String },
    /// An operating-system call failed.
    Io { context: String, source: io::Error },
    /// A key is longer than `Options::max_key_size`.
    KeyTooLarge { len: usize, max: usize },
    /// A value is longer than `Options::max_value_size`.
    ValueTooLarge { len: usize, max: usize },
    /// An argument is not acceptable (a bad option, a non-empty backup destination...).
    InvalidArgument(String),
    /// An optimistic transaction saw a concurrent change to what it read or wrote.
    Conflict,
    /// `Options::max_memory` is reached and the eviction policy may not free memory.
    OutOfMemory { used: u64, limit: u64 },
    /// An earlier write to disk failed, so the store refuses writes until it is reopened.
    ReadOnly { reason: String },
    /// The value of a key is not what the operation needs: another type (a hash where a list is
    /// wanted, see [`Error::is_type_mismatch`]), or text that is not a number (INCR).
    WrongType(String),
}

/// Shorthand for `std::result::Result<T, scalodb::Error>`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// True for the `WrongType` of an operation on a key holding another type (a hash where a
    /// list is wanted...), as opposed to a value of the right type that is not a number.
    pub fn is_type_mismatch(&self) -> bool {
        matches!(self, Error::WrongType(m) if m.starts_with(crate::collections::typed::TYPE_MISMATCH))
    }

    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Error {
        Error::Io { context: context.into(), source }
    }

    pub(crate) fn corruption(path: impl Into<PathBuf>, offset: u64, reason: impl Into<String>) -> Error {
        Error::Corruption { path: path.into(), offset, reason: reason.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Closed => write!(f, "the database is closed; open it again to continue"),
            Error::Locked { path } => write!(
                f,
                "the database at {} is in use by another handle or process (its LOCK file is held); \
                 close that handle first",
                path.display()
            ),
            Error::Corruption { path, offset, reason } => write!(
                f,
                "corruption in {} at byte offset {}: {}; the data after this point cannot be trusted \
                 (run `scalodb verify` and restore from a backup)",
                path.display(),
                offset,
                reason
            ),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::KeyTooLarge { len, max } => {
                write!(f, "key of {len} bytes is over the limit of {max} bytes (Options::max_key_size)")
            }
            Error::ValueTooLarge { len, max } => {
                write!(f, "value of {len} bytes is over the limit of {max} bytes (Options::max_value_size)")
            }
            Error::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
            Error::Conflict => {
                write!(f, "transaction conflict: data it read or wrote changed before it committed; retry it")
            }
            Error::OutOfMemory { used, limit } => write!(
                f,
                "out of memory: {used} bytes in use reach the limit of {limit} bytes \
                 (Options::max_memory) and the eviction policy is NoEviction; delete keys or raise the limit"
            ),
            Error::ReadOnly { reason } => write!(
                f,
                "the database refuses writes after a failed disk write ({reason}); reads still work; \
                 fix the disk problem and reopen the database"
            ),
            Error::WrongType(msg) => write!(f, "wrong type: {msg}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
