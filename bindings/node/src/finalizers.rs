//! When Node runs this addon's finalizers: during the garbage collection that finds an object dead,
//! rather than later, from the event loop.
//!
//! Every object the addon hands to JavaScript (`DB`, `Scan`, `Snapshot`, `WriteBatch`,
//! `Transaction`, `Server`) owns its Rust value through `napi_wrap`, and each `Scan` also owns the
//! native data of its own `next`, `return`, `throw` and `[Symbol.iterator]` functions. That value,
//! napi-rs's bookkeeping of the wrap and Node's references are freed by finalizers. For an addon of
//! an ordinary Node-API version (napi-rs declares none, which means 8), Node does not run them when
//! the garbage collector finds the object dead: it queues them and drains the queue from a
//! `setImmediate`, once the event loop turns. A loop that never yields (scans opened, read and
//! closed one after another; a `new WriteBatch()` per write) piled up the native memory of every
//! dead object, whatever `global.gc()` did: about 1 KB per closed scan, 48 KB per scan left
//! unclosed (its read-ahead chunk), 3 KB per batch of 16 puts, 300 bytes per snapshot or
//! transaction.
//!
//! An addon that declares `NAPI_VERSION_EXPERIMENTAL` has its finalizers called by the garbage
//! collector itself (checked here on Node 20; a Node without that feature keeps queueing them, as
//! before). The condition, which Node enforces by aborting the process: a finalizer must not call a
//! Node-API function that may touch the JavaScript heap or run JavaScript. Ours qualify. napi-rs's
//! class finalizer drops the Rust value and deletes the wrap's reference (a call allowed there);
//! dropping our values is plain Rust: a scan or snapshot unregisters its read view, a server stops,
//! the last `DB` handle closes the store, as the queued finalizer did on the same thread. None of
//! them takes a lock or `RefCell` that this thread can hold across a napi call (a collection can
//! start in any call that allocates). Keep it so: no `#[napi(custom_finalize)]` whose `finalize`
//! calls into JavaScript, no `Drop` that touches a napi handle.
//!
//! The experimental version changes two other things, both harmless here: references may be made
//! to any value (version 8 allows objects only), and calls made while the environment shuts down
//! fail with `napi_cannot_run_js` rather than `napi_pending_exception` (napi-rs makes an error of
//! either).

/// `NAPI_VERSION_EXPERIMENTAL` of Node's `js_native_api.h`.
const NAPI_VERSION_EXPERIMENTAL: i32 = i32::MAX;

/// Called by Node when it loads the addon, for the Node-API version the addon was built for (what
/// `NAPI_MODULE_INIT` defines in a C addon).
#[no_mangle]
pub extern "C" fn node_api_module_get_api_version_v1() -> i32 {
    NAPI_VERSION_EXPERIMENTAL
}
