//! Keys and values crossing from JavaScript: a `string` (stored as its UTF-8 bytes), a `Buffer` or
//! any `Uint8Array`. And back: bytes become a `Buffer` (a copy; see `slab.rs` for small ones) or a
//! `string` (UTF-8 decoded).
//!
//! The conversion is done with raw napi calls rather than napi-rs's `Either<String, Buffer>`
//! because `get`/`put` are the hot path: short strings are copied into a stack buffer (no heap
//! allocation), typed arrays are read in place, and a wrong type is reported with our own
//! `ERR_SCALODB_INVALID_ARGUMENT` code instead of a napi status.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, JsValue};

use crate::error::{internal, invalid, Result};
use crate::slab::{shared_buffer, SHARED_MAX};

/// Strings whose UTF-8 form fits here are converted without allocating.
const INLINE: usize = 256;

/// The bytes of one JavaScript argument, borrowed from a typed array or copied from a string.
// The inline variant is large on purpose: it lives on the stack for one call and saves a heap
// allocation per string key on the hot path.
#[allow(clippy::large_enum_variant)]
pub enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Inline([u8; INLINE], usize),
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b,
            Bytes::Inline(buf, len) => &buf[..*len],
            Bytes::Owned(v) => v,
        }
    }
}

impl AsRef<[u8]> for Bytes<'_> {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

/// A napi status as a binding result (a failed call is an internal error with a code).
pub fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(internal(napi::Error::new(Status::from(status), format!("napi call failed: {what}"))))
    }
}

/// Reads `value` (named `what` in error messages) as bytes. The borrowed form lives as long as the
/// JavaScript value, which outlives the native call that received it.
pub fn bytes_of<'a>(value: &Unknown<'a>, what: &str) -> Result<Bytes<'a>> {
    let env = value.value().env;
    let raw = value.raw();
    let mut kind = 0;
    // SAFETY: `env` and `raw` come from a live napi callback; `kind` is a valid out pointer.
    check(unsafe { sys::napi_typeof(env, raw, &mut kind) }, "typeof")?;
    if kind == sys::ValueType::napi_string {
        return string_bytes(env, raw);
    }
    if kind == sys::ValueType::napi_object {
        let mut is_typed = false;
        // SAFETY: as above; `is_typed` is a valid out pointer.
        check(unsafe { sys::napi_is_typedarray(env, raw, &mut is_typed) }, "is_typedarray")?;
        if is_typed {
            let mut array_type = 0;
            let mut length = 0usize;
            let mut data = ptr::null_mut();
            // SAFETY: `raw` is a typed array (checked above); the out pointers are valid, and the
            // arraybuffer/offset outputs are optional (null).
            check(
                unsafe {
                    sys::napi_get_typedarray_info(
                        env,
                        raw,
                        &mut array_type,
                        &mut length,
                        &mut data,
                        ptr::null_mut(),
                        ptr::null_mut(),
                    )
                },
                "get_typedarray_info",
            )?;
            if array_type == sys::TypedarrayType::uint8_array {
                if length == 0 || data.is_null() {
                    return Ok(Bytes::Borrowed(&[]));
                }
                // SAFETY: napi reports `length` bytes at `data` (already adjusted by the view's
                // offset); the array is kept alive by the caller's stack frame for `'a`, and
                // JavaScript cannot run (and so cannot detach or resize it) during this call.
                return Ok(Bytes::Borrowed(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), length) }));
            }
        }
    }
    Err(invalid(format!("{what} must be a string, a Buffer or a Uint8Array")))
}

/// Like [`bytes_of`], but `null` and `undefined` read as `None` (an absent value, as in
/// `compareAndSwap`).
pub fn optional_bytes<'a>(value: &Unknown<'a>, what: &str) -> Result<Option<Bytes<'a>>> {
    let env = value.value().env;
    let mut kind = 0;
    // SAFETY: `env` and the value come from a live napi callback; `kind` is a valid out pointer.
    check(unsafe { sys::napi_typeof(env, value.raw(), &mut kind) }, "typeof")?;
    if kind == sys::ValueType::napi_null || kind == sys::ValueType::napi_undefined {
        return Ok(None);
    }
    bytes_of(value, what).map(Some)
}

fn string_bytes<'a>(env: sys::napi_env, raw: sys::napi_value) -> Result<Bytes<'a>> {
    let mut buf = [0u8; INLINE];
    let mut written = 0usize;
    // SAFETY: `raw` is a string (checked by the caller); napi writes at most `INLINE - 1` bytes and
    // a terminating NUL into `buf`.
    check(
        unsafe { sys::napi_get_value_string_utf8(env, raw, buf.as_mut_ptr().cast(), INLINE, &mut written) },
        "get_value_string_utf8",
    )?;
    // napi never splits a character, so a string that did not fit can stop up to 3 bytes short of
    // the end of the buffer; only a result clear of that zone is known to be complete.
    if written + 4 < INLINE - 1 {
        return Ok(Bytes::Inline(buf, written));
    }
    let mut len = 0usize;
    // SAFETY: a null buffer asks napi for the length only.
    check(unsafe { sys::napi_get_value_string_utf8(env, raw, ptr::null_mut(), 0, &mut len) }, "get_value_string_utf8")?;
    let mut owned = vec![0u8; len + 1];
    // SAFETY: `owned` has room for `len` bytes and the NUL napi appends.
    check(
        unsafe { sys::napi_get_value_string_utf8(env, raw, owned.as_mut_ptr().cast(), len + 1, &mut written) },
        "get_value_string_utf8",
    )?;
    owned.truncate(written);
    Ok(Bytes::Owned(owned))
}

/// How bytes handed back to JavaScript are represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// A `Buffer` holding a copy of the bytes.
    Buffer,
    /// A `string`, decoded as UTF-8 (invalid sequences become U+FFFD).
    Utf8,
}

impl Encoding {
    pub fn parse(name: Option<&str>) -> Result<Encoding> {
        match name {
            None | Some("buffer") => Ok(Encoding::Buffer),
            Some("utf8") | Some("utf-8") => Ok(Encoding::Utf8),
            Some(other) => Err(invalid(format!("encoding must be 'buffer' or 'utf8', not '{other}'"))),
        }
    }
}

/// Bytes read from the store, to be handed to JavaScript in `encoding`. Built on any thread (a
/// background scan makes them), turned into a JavaScript value on the main thread.
pub struct Blob {
    pub bytes: Vec<u8>,
    pub encoding: Encoding,
}

impl TypeName for Blob {
    fn type_name() -> &'static str {
        "Buffer | string"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Blob {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val.encoding {
            // SAFETY: `env` is the live environment napi-rs passed in, on this thread.
            Encoding::Buffer if val.bytes.len() <= SHARED_MAX => unsafe { shared_buffer(env, &val.bytes) },
            // A copy rather than handing over the Vec: one memcpy is cheaper than an external
            // buffer and its finalizer.
            Encoding::Buffer => {
                let slice = BufferSlice::copy_from(&Env::from_raw(env), &val.bytes)?;
                // SAFETY: `env` is the live environment napi-rs passed in.
                unsafe { BufferSlice::to_napi_value(env, slice) }
            }
            Encoding::Utf8 => {
                let text = String::from_utf8_lossy(&val.bytes);
                // SAFETY: as above.
                unsafe { <&str>::to_napi_value(env, text.as_ref()) }
            }
        }
    }
}

impl FromNapiValue for Blob {
    /// Reads bytes the way keys and values are read (string, Buffer or Uint8Array), remembering
    /// whether a string was given. Entries passed back into the binding arrive this way.
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Blob> {
        // SAFETY: napi-rs hands over a live value of the current call.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        let is_string = unknown.get_type()? == ValueType::String;
        let bytes = bytes_of(&unknown, "entry field").map_err(|e| napi::Error::new(Status::InvalidArg, e.reason))?;
        Ok(Blob { bytes: bytes.to_vec(), encoding: if is_string { Encoding::Utf8 } else { Encoding::Buffer } })
    }
}

/// A `[key, value]` pair, as scans yield it.
#[napi_derive::napi(array)]
pub struct Entry(
    #[napi(js_name = "key", ts_type = "Buffer | string")] pub Blob,
    #[napi(js_name = "value", ts_type = "Buffer | string")] pub Blob,
);
