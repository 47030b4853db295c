//! Version macros and `scalodb_version()` (SCALODB_VERSION_STRING is in `ffi/cbindgen.toml`). The macros tell what a program was compiled against,
//! the function what it runs with.

use std::ffi::c_char;

use crate::error::guard_value;

/// Major version of the header. Kept equal to the crate version by a test.
pub const SCALODB_VERSION_MAJOR: u32 = 0;
/// Minor version of the header.
pub const SCALODB_VERSION_MINOR: u32 = 1;
/// Patch version of the header.
pub const SCALODB_VERSION_PATCH: u32 = 0;
/// The ABI generation: the number in the SONAME (libscalodb.so.0). It changes only when a function
/// or type changes in a way that breaks programs built against an older header.
pub const SCALODB_ABI_VERSION: u32 = 0;

/// The version of the library in use ("0.1.0"), which may be newer than SCALODB_VERSION_STRING
/// that the program was compiled with.
///
/// Ownership: static; never free it. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn scalodb_version() -> *const c_char {
    guard_value(std::ptr::null(), || concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_match_the_crate_version() {
        assert_eq!(SCALODB_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(SCALODB_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(SCALODB_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
        let v = unsafe { std::ffi::CStr::from_ptr(scalodb_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        // cbindgen cannot emit string constants, so the text macro is written in cbindgen.toml;
        // this keeps it in step with the crate.
        let header = include_str!("../../include/scalodb.h");
        let line = format!("#define SCALODB_VERSION_STRING \"{}\"", env!("CARGO_PKG_VERSION"));
        assert!(header.contains(&line), "include/scalodb.h lacks `{line}`: update ffi/cbindgen.toml");
    }
}
