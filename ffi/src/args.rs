//! Checked conversions of what C passes in (pointers, lengths, paths) into Rust references. Every
//! null pointer and impossible length becomes `SCALODB_INVALID_ARGUMENT` here, before any use.

use std::ffi::{c_char, c_void, CStr};
use std::path::PathBuf;

use crate::error::Failure;

/// The bytes at (`ptr`, `len`). A null pointer is accepted only with length 0 (the empty string).
///
/// # Safety
/// When `ptr` is not null it must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const c_void, len: usize, what: &str) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::invalid(format!("{what} is NULL but its length is {len}")))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("{what} length {len} is larger than any buffer can be")));
    }
    // SAFETY: non-null, the length fits in isize, and the caller guarantees `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Like [`bytes`], but null means "no bound" and gives `None` (for range ends).
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn bound<'a>(ptr: *const c_void, len: usize, what: &str) -> Result<Option<&'a [u8]>, Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(Failure::invalid(format!("{what} is NULL but its length is {len}")))
        };
    }
    // SAFETY: forwarded from the caller.
    unsafe { bytes(ptr, len, what) }.map(Some)
}

/// A shared reference to a handle.
///
/// # Safety
/// `ptr` must be null or point to a live `T` made by this library.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: forwarded from the caller.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::invalid(format!("{what} is NULL")))
}

/// An exclusive reference to a handle (iterators and batches are used by one thread at a time).
///
/// # Safety
/// `ptr` must be null or point to a live `T` made by this library that no other thread uses now.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Failure> {
    // SAFETY: forwarded from the caller.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::invalid(format!("{what} is NULL")))
}

/// Checks that an output pointer is not null, so it can be written once the call succeeds.
pub(crate) fn out<T>(ptr: *mut T, what: &str) -> Result<*mut T, Failure> {
    if ptr.is_null() {
        Err(Failure::invalid(format!("{what} is NULL")))
    } else {
        Ok(ptr)
    }
}

/// Writes `value` through an output pointer that the caller may leave null (an optional output).
///
/// # Safety
/// `ptr` must be null or point to writable memory for a `T`.
pub(crate) unsafe fn write_opt<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: non-null and writable per the caller's contract.
        unsafe { ptr.write(value) };
    }
}

/// A NUL-terminated path. On Unix any bytes are accepted, as the file system does.
///
/// # Safety
/// `ptr` must be null or point to a NUL-terminated string.
pub(crate) unsafe fn path(ptr: *const c_char) -> Result<PathBuf, Failure> {
    if ptr.is_null() {
        return Err(Failure::invalid("path is NULL"));
    }
    // SAFETY: non-null and NUL-terminated per the caller's contract.
    let raw = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    if raw.is_empty() {
        return Err(Failure::invalid("path is empty"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(raw)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(raw).map(PathBuf::from).map_err(|_| Failure::invalid("path is not valid UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_the_empty_string_only_with_length_zero() {
        unsafe {
            assert_eq!(bytes(std::ptr::null(), 0, "key").unwrap(), b"");
            assert!(bytes(std::ptr::null(), 3, "key").unwrap_err().message.contains("key is NULL"));
            assert_eq!(bound(std::ptr::null(), 0, "start").unwrap(), None);
            assert!(bound(std::ptr::null(), 1, "start").is_err());
            let k = b"abc";
            assert!(bytes(k.as_ptr().cast(), usize::MAX, "key").is_err());
            assert_eq!(bound(k.as_ptr().cast(), 2, "start").unwrap(), Some(&b"ab"[..]));
        }
    }

    #[test]
    fn paths_must_be_present_and_non_empty() {
        unsafe {
            assert!(path(std::ptr::null()).is_err());
            assert!(path(c"".as_ptr()).is_err());
            assert_eq!(path(c"/tmp/x".as_ptr()).unwrap(), PathBuf::from("/tmp/x"));
        }
    }
}
