//! Cheap `Buffer`s for small values read from the store. Creating a Buffer from native code
//! (`napi_create_buffer_copy`) costs an ArrayBuffer of its own per value, with its external
//! memory accounting and prototype switch: measured at over half the time of a `get()`. So small
//! values are copied into a shared 8 KiB ArrayBuffer (a slab) and returned as
//! `Buffer.from(slab, offset, length)`, the way Node's own `Buffer.allocUnsafe` and
//! `Buffer.from(string)` carve small Buffers out of its 8 KiB pool. A slab is kept alive by the
//! Buffers that view it and freed by the garbage collector when they are all gone; the size is
//! Node's, so that one small Buffer kept for long holds on to no more memory than Node's own do.
//!
//! Every napi handle here belongs to one environment (one JavaScript thread), so the state is
//! per thread and remembers its environment.

use std::cell::RefCell;
use std::ptr;

use napi::sys;

/// Values up to this many bytes share a slab; larger ones get an ArrayBuffer of their own (half
/// the slab, the limit Node's pool uses too, so that at most half a slab is left unused).
pub const SHARED_MAX: usize = 4096;
const SLAB_SIZE: usize = 8 * 1024;

struct Slab {
    env: sys::napi_env,
    /// `Buffer`, the `this` of...
    buffer_class: sys::napi_ref,
    /// ...`Buffer.from`.
    from: sys::napi_ref,
    /// The current slab, an ArrayBuffer of `SLAB_SIZE` bytes.
    array: sys::napi_ref,
    /// Bytes of the current slab already handed out.
    used: usize,
}

thread_local! {
    static SLAB: RefCell<Option<Slab>> = const { RefCell::new(None) };
}

fn ok(status: sys::napi_status) -> napi::Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::new(napi::Status::from(status), "napi call failed while making a Buffer".to_string()))
    }
}

/// A new reference to `value`, which keeps it alive until deleted.
///
/// # Safety
/// `env` is the live environment of the current call and `value` one of its values.
unsafe fn reference(env: sys::napi_env, value: sys::napi_value) -> napi::Result<sys::napi_ref> {
    let mut r = ptr::null_mut();
    // SAFETY: per the function's contract; `r` is a valid out pointer.
    ok(unsafe { sys::napi_create_reference(env, value, 1, &mut r) })?;
    Ok(r)
}

/// The value behind `r`.
///
/// # Safety
/// `r` was created in `env`, the live environment of the current call, and not deleted.
unsafe fn deref(env: sys::napi_env, r: sys::napi_ref) -> napi::Result<sys::napi_value> {
    let mut value = ptr::null_mut();
    // SAFETY: per the function's contract; `value` is a valid out pointer.
    ok(unsafe { sys::napi_get_reference_value(env, r, &mut value) })?;
    Ok(value)
}

/// A fresh slab ArrayBuffer.
///
/// # Safety
/// `env` is the live environment of the current call.
unsafe fn new_slab(env: sys::napi_env) -> napi::Result<sys::napi_ref> {
    let mut array = ptr::null_mut();
    let mut data = ptr::null_mut();
    // SAFETY: `env` is live; the out pointers are valid.
    ok(unsafe { sys::napi_create_arraybuffer(env, SLAB_SIZE, &mut data, &mut array) })?;
    // SAFETY: `array` was just created in `env`.
    unsafe { reference(env, array) }
}

impl Slab {
    /// Looks up `Buffer.from` and makes the first slab.
    ///
    /// # Safety
    /// `env` is the live environment of the current call.
    unsafe fn new(env: sys::napi_env) -> napi::Result<Slab> {
        let mut global = ptr::null_mut();
        let mut class = ptr::null_mut();
        let mut from = ptr::null_mut();
        // SAFETY: `env` is live; names are NUL-terminated; out pointers are valid. `Buffer` is a
        // global of every Node environment (workers included).
        unsafe {
            ok(sys::napi_get_global(env, &mut global))?;
            ok(sys::napi_get_named_property(env, global, c"Buffer".as_ptr(), &mut class))?;
            ok(sys::napi_get_named_property(env, class, c"from".as_ptr(), &mut from))?;
            Ok(Slab {
                env,
                buffer_class: reference(env, class)?,
                from: reference(env, from)?,
                array: new_slab(env)?,
                used: 0,
            })
        }
    }
}

/// A `Buffer` holding a copy of `bytes` (at most [`SHARED_MAX`] of them), carved from the
/// current slab of this thread.
///
/// # Safety
/// `env` is the live environment of the current call, on the current thread.
pub unsafe fn shared_buffer(env: sys::napi_env, bytes: &[u8]) -> napi::Result<sys::napi_value> {
    debug_assert!(bytes.len() <= SHARED_MAX);
    SLAB.with(|cell| {
        let mut state = cell.try_borrow_mut().map_err(|_| napi::Error::from_reason("Buffer slab busy"))?;
        // A state made for an environment that has gone (none in Node, where each environment
        // has its own thread, but cheap to guard) is dropped without touching its handles.
        if state.as_ref().is_none_or(|s| s.env != env) {
            // SAFETY: per this function's contract.
            *state = Some(unsafe { Slab::new(env) }?);
        }
        let Some(slab) = state.as_mut() else { unreachable!("the slab state was just set") };
        // 8-byte alignment, as Node's pool keeps, so that views of other element sizes work.
        let mut start = (slab.used + 7) & !7;
        // SAFETY (this block): every reference was created in `env` (checked above) and is live.
        unsafe {
            let mut array = deref(env, slab.array)?;
            // The slab can have been detached (transferred to a worker, or by
            // `ArrayBuffer.prototype.transfer`): its memory is then no longer ours to write.
            let mut detached = false;
            ok(sys::napi_is_detached_arraybuffer(env, array, &mut detached))?;
            if detached || start + bytes.len() > SLAB_SIZE {
                let fresh = new_slab(env)?;
                ok(sys::napi_delete_reference(env, slab.array))?;
                slab.array = fresh;
                slab.used = 0;
                start = 0;
                array = deref(env, slab.array)?;
            }
            let mut data = ptr::null_mut();
            let mut len = 0usize;
            ok(sys::napi_get_arraybuffer_info(env, array, &mut data, &mut len))?;
            if len < start + bytes.len() {
                return Err(napi::Error::from_reason("Buffer slab shorter than expected"));
            }
            // SAFETY: `data` points at `len` bytes of a live, attached ArrayBuffer, and
            // `start + bytes.len() <= len`; no JavaScript runs during this copy.
            ptr::copy_nonoverlapping(bytes.as_ptr(), data.cast::<u8>().add(start), bytes.len());
            slab.used = start + bytes.len();

            let mut args = [array, ptr::null_mut(), ptr::null_mut()];
            // Both fit in u32: they are below SLAB_SIZE.
            ok(sys::napi_create_uint32(env, start as u32, &mut args[1]))?;
            ok(sys::napi_create_uint32(env, bytes.len() as u32, &mut args[2]))?;
            let class = deref(env, slab.buffer_class)?;
            let from = deref(env, slab.from)?;
            let mut buffer = ptr::null_mut();
            ok(sys::napi_call_function(env, class, from, args.len(), args.as_ptr(), &mut buffer))?;
            Ok(buffer)
        }
    })
}
