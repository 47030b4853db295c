//! Structs that carry their own size (`scalodb_stats`, `scalodb_verify_report`): the caller sets
//! `struct_size` to the size it was compiled with, and the library fills only the fields that fit,
//! so fields can be added at the end without breaking programs built against an older header.

use crate::error::Failure;

/// Copies `full` into the caller's struct at `dest`, after its leading `struct_size` field and no
/// further than the caller's `struct_size`, which is left as the caller set it.
///
/// # Safety
/// `dest` must be non-null and point to at least `size_of::<usize>()` readable bytes holding the
/// caller's `struct_size`, followed by that many bytes in all, writable. `T` must be `repr(C)`,
/// start with a `usize` size field, and hold only plain data.
pub(crate) unsafe fn copy_sized<T: Copy>(dest: *mut T, full: &T, what: &str) -> Result<(), Failure> {
    let dest = dest.cast::<u8>();
    // SAFETY: every version of the struct starts with its struct_size field (contract).
    let caller_size = unsafe { dest.cast::<usize>().read_unaligned() };
    let head = std::mem::size_of::<usize>();
    if caller_size < head {
        return Err(Failure::invalid(format!("{what}->struct_size is {caller_size}; set it to sizeof the struct")));
    }
    let len = caller_size.min(std::mem::size_of::<T>());
    // SAFETY: the caller's struct has `caller_size` writable bytes and `full` has at least `len`;
    // both have the same layout up to `len` (the layout only grows at the end), so the bytes after
    // the size field are whole fields of plain data.
    unsafe {
        let src = (full as *const T).cast::<u8>();
        std::ptr::copy_nonoverlapping(src.add(head), dest.add(head), len - head);
    }
    Ok(())
}
