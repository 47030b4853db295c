//! Buffers handed to C (values from `scalodb_get`, paths) and `scalodb_free`, which releases them.
//!
//! Each buffer is allocated with a small header in front that records its size, so `scalodb_free`
//! needs only the pointer, like `free()`. A buffer always ends with a NUL byte that is not counted
//! in its length, so text can be printed directly, and an empty value is a valid, non-null pointer.

use std::alloc::{alloc, dealloc, Layout};
use std::ffi::c_void;

use crate::error::{guard_value, Failure};
use crate::status::scalodb_status;

/// Room for the size in front of the data; also the alignment of the data.
const HEADER: usize = 16;

fn layout(len: usize) -> Option<Layout> {
    let total = len.checked_add(HEADER + 1)?;
    Layout::from_size_align(total, HEADER).ok()
}

/// Copies `data` into a new buffer the caller frees with `scalodb_free`.
pub(crate) fn to_c_buffer(data: &[u8]) -> Result<*mut u8, Failure> {
    let no_memory = || Failure {
        status: scalodb_status::SCALODB_OUT_OF_MEMORY,
        message: format!("could not allocate {} bytes for the result", data.len()),
    };
    let layout = layout(data.len()).ok_or_else(no_memory)?;
    // SAFETY: the layout has a non-zero size (at least HEADER + 1).
    let base = unsafe { alloc(layout) };
    if base.is_null() {
        return Err(no_memory());
    }
    // SAFETY: `base` holds HEADER + len + 1 bytes, aligned to HEADER (so to usize): the size goes
    // at the start, the data after the header, and the NUL after the data.
    unsafe {
        base.cast::<usize>().write(data.len());
        let start = base.add(HEADER);
        std::ptr::copy_nonoverlapping(data.as_ptr(), start, data.len());
        start.add(data.len()).write(0);
        Ok(start)
    }
}

/// Frees a buffer that this library returned (a value from `scalodb_get` or
/// `scalodb_snapshot_get`, a path from `scalodb_path`). Null is accepted and does nothing.
///
/// Ownership: `ptr` must come from one of those functions and must not be used afterwards. Never
/// pass it to `free()`, and never pass `scalodb_free` anything else (handles have their own
/// `_free` functions). Threads: any thread.
#[no_mangle]
pub unsafe extern "C" fn scalodb_free(ptr: *mut c_void) {
    guard_value((), || {
        if ptr.is_null() {
            return;
        }
        // SAFETY: `ptr` was returned by `to_c_buffer`, so HEADER bytes before it is the start of
        // the allocation, where its length was written, and the layout is rebuilt the same way.
        unsafe {
            let base = ptr.cast::<u8>().sub(HEADER);
            let len = base.cast::<usize>().read();
            if let Some(layout) = layout(len) {
                dealloc(base, layout);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_round_trip_and_end_with_nul() {
        for data in [&b""[..], b"x", &[7u8; 1000][..]] {
            let p = to_c_buffer(data).unwrap();
            unsafe {
                assert_eq!(std::slice::from_raw_parts(p, data.len()), data);
                assert_eq!(*p.add(data.len()), 0);
                scalodb_free(p.cast());
            }
        }
        unsafe { scalodb_free(std::ptr::null_mut()) };
    }
}
