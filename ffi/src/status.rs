//! `scalodb_status`: the result code every fallible function returns, and its mapping from the
//! core's error type.

use std::ffi::c_char;

/// The result of a call. `SCALODB_OK` (0) is success; `SCALODB_NOT_FOUND` and `SCALODB_END` are
/// outcomes, not failures (no error object is made for them); every other value is a failure and
/// comes with a `scalodb_error` when the caller asked for one. The values are fixed: new ones may
/// be added in later versions, so treat an unknown value as a failure.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum scalodb_status {
    /// Success.
    SCALODB_OK = 0,
    /// The key is absent (or expired).
    SCALODB_NOT_FOUND = 1,
    /// The iterator has no more entries.
    SCALODB_END = 2,
    /// A null pointer, a bad length, a bad option value or an argument the store refuses.
    SCALODB_INVALID_ARGUMENT = 3,
    /// The database was closed; open it again.
    SCALODB_CLOSED = 4,
    /// Another handle, in this process or another, holds the directory.
    SCALODB_LOCKED = 5,
    /// Stored data failed a check; the message names the file and offset.
    SCALODB_CORRUPTION = 6,
    /// An operating-system call failed.
    SCALODB_IO = 7,
    /// The key is longer than the max_key_size option.
    SCALODB_KEY_TOO_LARGE = 8,
    /// The value is longer than the max_value_size option.
    SCALODB_VALUE_TOO_LARGE = 9,
    /// A transaction saw a concurrent change to what it read or wrote; nothing was written. Retry it.
    SCALODB_CONFLICT = 10,
    /// The memory limit is reached and the eviction policy may not free memory (or an allocation
    /// for a result failed).
    SCALODB_OUT_OF_MEMORY = 11,
    /// An earlier write to disk failed; the store refuses writes until it is reopened.
    SCALODB_READ_ONLY = 12,
    /// The stored value is not what the operation needs.
    SCALODB_WRONG_TYPE = 13,
    /// A bug: the library panicked. The call had no effect or a partial one; the message says
    /// where. Other handles remain usable.
    SCALODB_PANIC = 14,
    /// An error this version of the C ABI has no code for yet; see the message.
    SCALODB_UNKNOWN = 15,
}

use scalodb_status::*;

impl scalodb_status {
    /// Every status, in value order (used by `scalodb_status_name` and the tests).
    pub(crate) const ALL: [scalodb_status; 16] = [
        SCALODB_OK,
        SCALODB_NOT_FOUND,
        SCALODB_END,
        SCALODB_INVALID_ARGUMENT,
        SCALODB_CLOSED,
        SCALODB_LOCKED,
        SCALODB_CORRUPTION,
        SCALODB_IO,
        SCALODB_KEY_TOO_LARGE,
        SCALODB_VALUE_TOO_LARGE,
        SCALODB_CONFLICT,
        SCALODB_OUT_OF_MEMORY,
        SCALODB_READ_ONLY,
        SCALODB_WRONG_TYPE,
        SCALODB_PANIC,
        SCALODB_UNKNOWN,
    ];

    /// The status's name as a NUL-terminated C string with static storage.
    fn name(self) -> &'static [u8] {
        match self {
            SCALODB_OK => b"SCALODB_OK\0",
            SCALODB_NOT_FOUND => b"SCALODB_NOT_FOUND\0",
            SCALODB_END => b"SCALODB_END\0",
            SCALODB_INVALID_ARGUMENT => b"SCALODB_INVALID_ARGUMENT\0",
            SCALODB_CLOSED => b"SCALODB_CLOSED\0",
            SCALODB_LOCKED => b"SCALODB_LOCKED\0",
            SCALODB_CORRUPTION => b"SCALODB_CORRUPTION\0",
            SCALODB_IO => b"SCALODB_IO\0",
            SCALODB_KEY_TOO_LARGE => b"SCALODB_KEY_TOO_LARGE\0",
            SCALODB_VALUE_TOO_LARGE => b"SCALODB_VALUE_TOO_LARGE\0",
            SCALODB_CONFLICT => b"SCALODB_CONFLICT\0",
            SCALODB_OUT_OF_MEMORY => b"SCALODB_OUT_OF_MEMORY\0",
            SCALODB_READ_ONLY => b"SCALODB_READ_ONLY\0",
            SCALODB_WRONG_TYPE => b"SCALODB_WRONG_TYPE\0",
            SCALODB_PANIC => b"SCALODB_PANIC\0",
            SCALODB_UNKNOWN => b"SCALODB_UNKNOWN\0",
        }
    }
}

/// The status a core error maps to.
pub(crate) fn status_of(e: &scalodb::Error) -> scalodb_status {
    use scalodb::Error as E;
    match e {
        E::Closed => SCALODB_CLOSED,
        E::Locked { .. } => SCALODB_LOCKED,
        E::Corruption { .. } => SCALODB_CORRUPTION,
        E::Io { .. } => SCALODB_IO,
        E::KeyTooLarge { .. } => SCALODB_KEY_TOO_LARGE,
        E::ValueTooLarge { .. } => SCALODB_VALUE_TOO_LARGE,
        E::InvalidArgument(_) => SCALODB_INVALID_ARGUMENT,
        E::Conflict => SCALODB_CONFLICT,
        E::OutOfMemory { .. } => SCALODB_OUT_OF_MEMORY,
        E::ReadOnly { .. } => SCALODB_READ_ONLY,
        E::WrongType(_) => SCALODB_WRONG_TYPE,
        // The core's error enum is non-exhaustive: a variant added there before it gets a code
        // here still reaches the caller, with its message.
        _ => SCALODB_UNKNOWN,
    }
}

/// The name of a status ("SCALODB_NOT_FOUND"), or "SCALODB_UNKNOWN" for a value this version does
/// not know.
///
/// Ownership: the string is static; never free it. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn scalodb_status_name(status: i32) -> *const c_char {
    // `status` is a plain integer, not `scalodb_status`: a C caller may pass any value, and an
    // out-of-range Rust enum would be undefined behaviour.
    let s = scalodb_status::ALL.iter().copied().find(|s| *s as i32 == status).unwrap_or(SCALODB_UNKNOWN);
    s.name().as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn values_are_dense_and_names_match_the_variants() {
        for (i, s) in scalodb_status::ALL.iter().enumerate() {
            assert_eq!(*s as i32, i as i32);
            let name = unsafe { CStr::from_ptr(scalodb_status_name(i as i32)) }.to_str().unwrap();
            assert_eq!(name, format!("{s:?}"));
        }
        let unknown = unsafe { CStr::from_ptr(scalodb_status_name(99)) };
        assert_eq!(unknown.to_str().unwrap(), "SCALODB_UNKNOWN");
    }

    #[test]
    fn core_errors_map_to_their_codes() {
        assert_eq!(status_of(&scalodb::Error::Closed), SCALODB_CLOSED);
        assert_eq!(status_of(&scalodb::Error::KeyTooLarge { len: 2, max: 1 }), SCALODB_KEY_TOO_LARGE);
        assert_eq!(status_of(&scalodb::Error::InvalidArgument("x".into())), SCALODB_INVALID_ARGUMENT);
        assert_eq!(status_of(&scalodb::Error::ReadOnly { reason: "disk".into() }), SCALODB_READ_ONLY);
        assert_eq!(status_of(&scalodb::Error::Conflict), SCALODB_CONFLICT);
    }
}
