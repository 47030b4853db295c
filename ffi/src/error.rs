//! The error object (`scalodb_error`) and the boundary every export goes through: it catches
//! panics, turns failures into a status, and hands the caller an error object when it asked for
//! one.
//!
//! Why an error object and not a thread-local "last error": a Go program calls C from goroutines
//! that the runtime moves between OS threads between two calls, so a thread-local message could be
//! read on the wrong thread or overwritten. An object returned through the call itself has no such
//! trap, in any language.

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::status::{scalodb_status, status_of};

/// Details of a failure: its status and a message in English that says what happened and what to
/// do. Immutable once made.
///
/// Ownership: the caller owns it and frees it with `scalodb_error_free`.
/// Threads: it may be read from any thread, also concurrently, and freed from any thread.
pub struct scalodb_error {
    status: scalodb_status,
    message: CString,
}

/// A failure inside the library, before it becomes a `scalodb_error`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: scalodb_status,
    pub message: String,
}

impl Failure {
    pub(crate) fn invalid(message: impl Into<String>) -> Failure {
        Failure { status: scalodb_status::SCALODB_INVALID_ARGUMENT, message: message.into() }
    }
}

impl From<scalodb::Error> for Failure {
    fn from(e: scalodb::Error) -> Failure {
        Failure { status: status_of(&e), message: e.to_string() }
    }
}

/// Runs the body of an export that returns a status. `err` is the caller's `scalodb_error **`
/// (null when it wants no details): it is set to null first, and to a new error object when the
/// body fails or panics.
pub(crate) fn guard(
    err: *mut *mut scalodb_error,
    body: impl FnOnce() -> Result<scalodb_status, Failure>,
) -> scalodb_status {
    if !err.is_null() {
        // SAFETY: the caller passes either null or a pointer to a writable `scalodb_error *`
        // (documented on every function that takes `err`).
        unsafe { err.write(std::ptr::null_mut()) };
    }
    // The body only touches its arguments and handles that are safe to use again after a panic
    // (the core keeps its invariants under its own locks), so asserting unwind safety is sound.
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => return status,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure { status: scalodb_status::SCALODB_PANIC, message: panic_message(payload.as_ref()) },
    };
    if !err.is_null() {
        let object = Box::new(scalodb_error { status: failure.status, message: c_message(failure.message) });
        // SAFETY: as above; ownership of the box passes to the caller, who frees it with
        // `scalodb_error_free`.
        unsafe { err.write(Box::into_raw(object)) };
    }
    failure.status
}

/// Runs the body of an export that returns a plain value (a constructor, a getter, a free
/// function): a panic becomes `fallback` instead of unwinding into C, which would abort.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_string());
    format!("internal error (a panic in libscalodb, please report it): {what}")
}

/// A message as a C string; a NUL inside (never expected) is replaced rather than truncating it.
fn c_message(message: String) -> CString {
    CString::new(message).unwrap_or_else(|e| {
        let cleaned: Vec<u8> = e.into_vec().into_iter().map(|b| if b == 0 { b'?' } else { b }).collect();
        CString::new(cleaned).unwrap_or_default()
    })
}

/// The status of an error; `SCALODB_INVALID_ARGUMENT` if `error` is null.
///
/// Ownership: `error` stays the caller's. Threads: any thread, also concurrently.
#[no_mangle]
pub unsafe extern "C" fn scalodb_error_status(error: *const scalodb_error) -> scalodb_status {
    guard_value(scalodb_status::SCALODB_PANIC, || {
        // SAFETY: the caller passes null or a live error object from this library.
        match unsafe { error.as_ref() } {
            Some(e) => e.status,
            None => scalodb_status::SCALODB_INVALID_ARGUMENT,
        }
    })
}

/// The message of an error, NUL-terminated UTF-8; "" if `error` is null.
///
/// Ownership: the string belongs to the error object and stays valid until `scalodb_error_free`;
/// never free it yourself. Threads: any thread, also concurrently.
#[no_mangle]
pub unsafe extern "C" fn scalodb_error_message(error: *const scalodb_error) -> *const c_char {
    guard_value(c"".as_ptr(), || {
        // SAFETY: the caller passes null or a live error object from this library.
        match unsafe { error.as_ref() } {
            Some(e) => e.message.as_ptr(),
            None => c"".as_ptr(),
        }
    })
}

/// Frees an error object. Null is accepted and does nothing.
///
/// Ownership: `error` must come from this library and must not be used afterwards (nor its
/// message). Threads: any thread, but not while another thread still reads the error.
#[no_mangle]
pub unsafe extern "C" fn scalodb_error_free(error: *mut scalodb_error) {
    guard_value((), || {
        if !error.is_null() {
            // SAFETY: the pointer came from `Box::into_raw` in `guard` and the caller gives it up.
            drop(unsafe { Box::from_raw(error) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let mut err: *mut scalodb_error = std::ptr::null_mut();
        let status = guard(&mut err, || panic!("boom {}", 7));
        assert_eq!(status, scalodb_status::SCALODB_PANIC);
        assert!(!err.is_null());
        unsafe {
            assert_eq!(scalodb_error_status(err), scalodb_status::SCALODB_PANIC);
            let msg = CStr::from_ptr(scalodb_error_message(err)).to_str().unwrap();
            assert!(msg.contains("boom 7"), "{msg}");
            scalodb_error_free(err);
        }
        assert_eq!(guard_value(5, || panic!("static message")), 5);
    }

    #[test]
    fn success_clears_the_error_pointer_and_failure_without_err_still_returns_status() {
        let mut err: *mut scalodb_error = std::ptr::dangling_mut::<scalodb_error>();
        assert_eq!(guard(&mut err, || Ok(scalodb_status::SCALODB_OK)), scalodb_status::SCALODB_OK);
        assert!(err.is_null());
        let status = guard(std::ptr::null_mut(), || Err(Failure::invalid("x")));
        assert_eq!(status, scalodb_status::SCALODB_INVALID_ARGUMENT);
    }

    #[test]
    fn messages_with_nul_bytes_are_kept_whole() {
        assert_eq!(c_message("a\0b".into()).as_bytes(), b"a?b");
    }
}
