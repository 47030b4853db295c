//! `scalodb_options`: how a database is opened, set through functions so that options can be added
//! in later versions without changing any struct a program was compiled with.

use std::time::Duration;

use scalodb::{Eviction, Options, SyncMode};

use crate::args::handle_mut;
use crate::error::{guard, guard_value, scalodb_error, Failure};
use crate::status::scalodb_status;

/// When a write is forced to stable storage; see `scalodb_options_set_sync`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum scalodb_sync_mode {
    /// A write returns after its log record is fsynced (concurrent writers share fsyncs).
    /// Survives a power cut.
    SCALODB_SYNC_ALWAYS = 0,
    /// A write has reached the OS when it returns (survives a killed process); a background thread
    /// fsyncs every interval, so a power cut loses at most that interval. The default (1000 ms).
    SCALODB_SYNC_INTERVAL = 1,
    /// A write has reached the OS when it returns; the OS decides when to write it back.
    SCALODB_SYNC_NEVER = 2,
}

/// What happens when a write would take memory past the limit set with
/// `scalodb_options_set_max_memory`; see `scalodb_options_set_eviction`.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum scalodb_eviction {
    /// The write fails with SCALODB_OUT_OF_MEMORY; reads and deletes go on. The default.
    SCALODB_EVICTION_NONE = 0,
    /// Delete the least recently used keys (approximately, by sampling) among all keys.
    SCALODB_EVICTION_ALL_KEYS_LRU = 1,
    /// Delete the least recently used keys among the keys that have a time-to-live.
    SCALODB_EVICTION_VOLATILE_LRU = 2,
}

/// Options for `scalodb_open` and `scalodb_open_memory`, starting at the defaults: log on, sync
/// every 1000 ms, keys up to 64 KiB, values up to 64 MiB, 16 MiB log segments, automatic
/// checkpoints when the log passes 64 MiB and 2.0 times the live data, no memory limit.
///
/// Ownership: made by `scalodb_options_new`, freed by `scalodb_options_free`. Opening copies the
/// options, so they may be freed or reused right after.
/// Threads: not synchronised; a set of options must not be changed while another thread uses it.
pub struct scalodb_options {
    pub(crate) inner: Options,
}

/// New options holding the defaults. Never returns null.
///
/// Ownership: the caller owns the result and frees it with `scalodb_options_free`.
/// Threads: any thread.
#[no_mangle]
pub extern "C" fn scalodb_options_new() -> *mut scalodb_options {
    guard_value(std::ptr::null_mut(), || Box::into_raw(Box::new(scalodb_options { inner: Options::default() })))
}

/// Frees options. Null is accepted and does nothing.
///
/// Ownership: `options` must not be used afterwards. Threads: not while another thread uses them.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_free(options: *mut scalodb_options) {
    guard_value((), || {
        if !options.is_null() {
            // SAFETY: made by `scalodb_options_new` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(options) });
        }
    })
}

/// Changes one field of live options, checking the handle first.
///
/// # Safety
/// `options` must be null or a live `scalodb_options` no other thread uses now.
unsafe fn set(
    options: *mut scalodb_options,
    err: *mut *mut scalodb_error,
    change: impl FnOnce(&mut Options) -> Result<(), Failure>,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: forwarded from the caller.
        let o = unsafe { handle_mut(options, "options") }?;
        change(&mut o.inner)?;
        Ok(scalodb_status::SCALODB_OK)
    })
}

/// Keep a write-ahead log and checkpoints in the directory (true, the default), or keep the data
/// in memory only, touching no file (false).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Ownership: `options` stays the caller's; `err` as everywhere (see the top of this header).
/// Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_wal(
    options: *mut scalodb_options,
    wal: bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            o.wal = wal;
            Ok(())
        })
    }
}

/// The durability of each write. `mode` is a `scalodb_sync_mode` value; `interval_ms` is used only
/// with SCALODB_SYNC_INTERVAL and must then be above 0 (checked when the database is opened).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null or `mode` is not a scalodb_sync_mode.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_sync(
    options: *mut scalodb_options,
    mode: i32,
    interval_ms: u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            // `mode` arrives as an int: an unknown value must be an error, not a bad enum.
            o.sync = match mode {
                m if m == scalodb_sync_mode::SCALODB_SYNC_ALWAYS as i32 => SyncMode::Always,
                m if m == scalodb_sync_mode::SCALODB_SYNC_INTERVAL as i32 => {
                    SyncMode::Interval(Duration::from_millis(interval_ms))
                }
                m if m == scalodb_sync_mode::SCALODB_SYNC_NEVER as i32 => SyncMode::Never,
                other => return Err(Failure::invalid(format!("sync mode {other} is not a scalodb_sync_mode"))),
            };
            Ok(())
        })
    }
}

/// The longest key accepted, in bytes (default 65536). Range checked when the database is opened.
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_max_key_size(
    options: *mut scalodb_options,
    bytes: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            o.max_key_size = bytes;
            Ok(())
        })
    }
}

/// The longest value accepted, in bytes (default 64 MiB). Range checked when the database is opened.
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_max_value_size(
    options: *mut scalodb_options,
    bytes: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            o.max_value_size = bytes;
            Ok(())
        })
    }
}

/// The size of each preallocated log segment file (default 16 MiB, at least 4096, checked when the
/// database is opened).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_wal_segment_size(
    options: *mut scalodb_options,
    bytes: u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            o.wal_segment_size = bytes;
            Ok(())
        })
    }
}

/// An automatic checkpoint starts when the log passes `bytes` (default 64 MiB) and holds more than
/// `ratio` times the live data (default 2.0; a ratio below 0 is refused when the database is
/// opened).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_checkpoint_threshold(
    options: *mut scalodb_options,
    bytes: u64,
    ratio: f64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            o.checkpoint_wal_bytes = bytes;
            o.checkpoint_wal_ratio = ratio;
            Ok(())
        })
    }
}

/// Run checkpoints from a background thread when the thresholds are passed (true, the default),
/// or only when `scalodb_checkpoint` is called (false).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_auto_checkpoint(
    options: *mut scalodb_options,
    enabled: bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            o.auto_checkpoint = enabled;
            Ok(())
        })
    }
}

/// The memory for data (items, versions and indexes, as `scalodb_stats.memory_bytes` counts it)
/// beyond which the eviction policy applies. 0, the default, means no limit.
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_max_memory(
    options: *mut scalodb_options,
    bytes: u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            o.max_memory = (bytes > 0).then_some(bytes);
            Ok(())
        })
    }
}

/// What to do when the memory limit is reached. `policy` is a `scalodb_eviction` value (default
/// SCALODB_EVICTION_NONE). Evicted keys are deleted durably and counted in
/// `scalodb_stats.evictions`.
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null or `policy` is not a scalodb_eviction.
/// Ownership: `options` stays the caller's. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_options_set_eviction(
    options: *mut scalodb_options,
    policy: i32,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |o| {
            // `policy` arrives as an int: an unknown value must be an error, not a bad enum.
            o.eviction = match policy {
                p if p == scalodb_eviction::SCALODB_EVICTION_NONE as i32 => Eviction::NoEviction,
                p if p == scalodb_eviction::SCALODB_EVICTION_ALL_KEYS_LRU as i32 => Eviction::AllKeysLru,
                p if p == scalodb_eviction::SCALODB_EVICTION_VOLATILE_LRU as i32 => Eviction::VolatileLru,
                other => return Err(Failure::invalid(format!("eviction policy {other} is not a scalodb_eviction"))),
            };
            Ok(())
        })
    }
}
