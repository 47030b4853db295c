//! `scalodb_value`: a value handed over without a second copy (a pinned read). The bytes read from
//! the store move into the handle, and C reads them in place until it frees the handle.

use crate::error::guard_value;
use crate::status::scalodb_status::{self, SCALODB_NOT_FOUND, SCALODB_OK};

/// A value read by `scalodb_get_pinned` or `scalodb_snapshot_get_pinned`. Its bytes never change.
///
/// Ownership: the caller owns it and frees it with `scalodb_value_free`; the pointer from
/// `scalodb_value_data` is valid until then.
/// Threads: may be read from any thread, also concurrently, and freed from any thread once no
/// other thread reads it.
pub struct scalodb_value {
    bytes: Vec<u8>,
}

impl scalodb_value {
    /// Hands a value (or its absence) to an output pointer.
    ///
    /// # Safety
    /// `dest` must be non-null and writable.
    pub(crate) unsafe fn give(found: Option<Vec<u8>>, dest: *mut *mut scalodb_value) -> scalodb_status {
        let (ptr, status) = match found {
            Some(bytes) => (Box::into_raw(Box::new(scalodb_value { bytes })), SCALODB_OK),
            None => (std::ptr::null_mut(), SCALODB_NOT_FOUND),
        };
        // SAFETY: per this function's contract; the caller frees the box with `scalodb_value_free`.
        unsafe { dest.write(ptr) };
        status
    }
}

/// The bytes of a value (`scalodb_value_len` of them); NULL if `value` is null. For an empty value
/// the pointer is not null but must not be read.
///
/// Ownership: the bytes belong to `value`; valid until `scalodb_value_free`.
/// Threads: any thread, also concurrently.
#[no_mangle]
pub unsafe extern "C" fn scalodb_value_data(value: *const scalodb_value) -> *const u8 {
    guard_value(std::ptr::null(), || {
        // SAFETY: `value` is null or a live value per the contract.
        unsafe { value.as_ref() }.map_or(std::ptr::null(), |v| v.bytes.as_ptr())
    })
}

/// The length of a value in bytes; 0 if `value` is null.
///
/// Threads: any thread, also concurrently.
#[no_mangle]
pub unsafe extern "C" fn scalodb_value_len(value: *const scalodb_value) -> usize {
    guard_value(0, || {
        // SAFETY: `value` is null or a live value per the contract.
        unsafe { value.as_ref() }.map_or(0, |v| v.bytes.len())
    })
}

/// Frees a value. Null is accepted and does nothing.
///
/// Ownership: `value` and its data pointer must not be used afterwards.
/// Threads: any thread, once no other thread reads the value.
#[no_mangle]
pub unsafe extern "C" fn scalodb_value_free(value: *mut scalodb_value) {
    guard_value((), || {
        if !value.is_null() {
            // SAFETY: made by `give` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(value) });
        }
    })
}
