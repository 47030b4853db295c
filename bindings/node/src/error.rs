//! Errors as JavaScript sees them: every error thrown or rejected by the package carries a stable
//! `code` (`ERR_SCALODB_*`) that programs can match on, and the engine's message as `message`.

use napi::bindgen_prelude::*;
use napi::JsError;

/// The `code` property of a thrown error. A newtype so the set of codes lives in this file only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

pub const CLOSED: Code = Code("ERR_SCALODB_CLOSED");
pub const INVALID_ARGUMENT: Code = Code("ERR_SCALODB_INVALID_ARGUMENT");

/// What the synchronous methods return: napi-rs turns the error side into a thrown `Error` whose
/// `code` is the [`Code`]. (Named `Result` because napi-derive recognises results by that name.)
pub type Result<T> = napi::Result<T, Code>;

/// The stable code of an engine error.
pub fn code_of(e: &scalodb::Error) -> Code {
    use scalodb::Error::*;
    Code(match e {
        Closed => "ERR_SCALODB_CLOSED",
        Locked { .. } => "ERR_SCALODB_LOCKED",
        Corruption { .. } => "ERR_SCALODB_CORRUPTION",
        Io { .. } => "ERR_SCALODB_IO",
        KeyTooLarge { .. } => "ERR_SCALODB_KEY_TOO_LARGE",
        ValueTooLarge { .. } => "ERR_SCALODB_VALUE_TOO_LARGE",
        InvalidArgument(_) => "ERR_SCALODB_INVALID_ARGUMENT",
        Conflict => "ERR_SCALODB_CONFLICT",
        OutOfMemory { .. } => "ERR_SCALODB_OUT_OF_MEMORY",
        ReadOnly { .. } => "ERR_SCALODB_READ_ONLY",
        WrongType(_) => "ERR_SCALODB_WRONG_TYPE",
        // The engine's enum is non-exhaustive: a variant added later still gets a code.
        _ => "ERR_SCALODB_INTERNAL",
    })
}

/// An engine error as a napi error with its code.
pub fn db_error(e: scalodb::Error) -> Error<Code> {
    Error::new(code_of(&e), e.to_string())
}

/// A bad argument detected by the binding (wrong type, both `prefix` and a range bound...).
pub fn invalid(msg: impl Into<String>) -> Error<Code> {
    Error::new(INVALID_ARGUMENT, msg.into())
}

/// Extension to turn engine results into binding results with `?`.
pub trait OrThrow<T> {
    fn or_throw(self) -> Result<T>;
}

impl<T> OrThrow<T> for scalodb::Result<T> {
    fn or_throw(self) -> Result<T> {
        self.map_err(db_error)
    }
}

/// Background tasks (`*Async` methods) can only reject with a `napi::Error<Status>`, whose code
/// would be a napi status name. So the rejection is built as a JavaScript error object with our
/// code first, and handed to napi-rs as that object. (Also how `transaction()`, which returns a
/// `napi::Error<Status>` to rethrow its callback's errors, throws its own.)
pub fn rejection(env: &Env, e: Error<Code>) -> napi::Error {
    let object = JsError::from(e).into_unknown(*env);
    napi::Error::from(object)
}

/// Converts a napi error raised inside the binding (a failed napi call) into one with a code, so
/// no path throws an error without an `ERR_SCALODB_*` code.
pub fn internal(e: napi::Error) -> Error<Code> {
    Error::new(Code("ERR_SCALODB_INTERNAL"), e.reason.clone())
}
