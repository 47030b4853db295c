//! Gives the shared library the SONAME `libscalodb.so.0`: the Rust library is named `scalodb_ffi`
//! (the name `scalodb` belongs to the core crate), and the make rules rename the file, so the
//! name the dynamic linker records in programs must be set here.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libscalodb.so.0");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
