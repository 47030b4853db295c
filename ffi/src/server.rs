//! `scalodb_server`: the Redis-protocol server (RESP2/RESP3 over TCP) serving a database, started
//! and stopped from C, with its options (`scalodb_server_options`) set through functions.

use std::ffi::c_char;
use std::time::Duration;

// `::`: this module defines a C type of the same name as the server crate.
use ::scalodb_server::{Server, ServerConfig, ServerHandle};

use crate::args::{handle, handle_mut, out, write_opt};
use crate::buffer::to_c_buffer;
use crate::db::scalodb_db;
use crate::error::{guard, guard_value, scalodb_error, Failure};
use crate::status::scalodb_status::{self, SCALODB_OK};

/// How a server is started, beginning at the defaults: at most 1000 clients at once, no password,
/// protected mode on (without a password only loopback clients may connect), no idle timeout, one
/// worker thread per core.
///
/// Ownership: made by `scalodb_server_options_new`, freed by `scalodb_server_options_free`;
/// starting a server copies them. Threads: one thread at a time per options object.
pub struct scalodb_server_options {
    inner: ServerConfig,
}

/// A running server. Stopping it leaves the database open (it belongs to the caller).
///
/// Ownership: made by `scalodb_server_start`, freed by `scalodb_server_free` (which stops the
/// server first if needed). The server holds its own reference to the database, so it keeps
/// serving even if the `scalodb_db` handle is freed; closing the database makes clients' commands
/// fail.
/// Threads: every function taking a `const scalodb_server *` may be called from any number of
/// threads at once (typically one blocks in `scalodb_server_wait` while another calls
/// `scalodb_server_stop`); `scalodb_server_free` must be the last call.
pub struct scalodb_server {
    handle: ServerHandle,
}

/// New server options holding the defaults. Never returns null.
///
/// Ownership: the caller frees the result with `scalodb_server_options_free`. Threads: any thread.
#[no_mangle]
pub extern "C" fn scalodb_server_options_new() -> *mut scalodb_server_options {
    guard_value(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(scalodb_server_options { inner: ServerConfig::default() }))
    })
}

/// Frees server options. Null is accepted and does nothing.
///
/// Ownership: `options` must not be used afterwards. Threads: not while another thread uses them.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_options_free(options: *mut scalodb_server_options) {
    guard_value((), || {
        if !options.is_null() {
            // SAFETY: made by `scalodb_server_options_new` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(options) });
        }
    })
}

/// Changes one field of live server options, checking the handle first.
///
/// # Safety
/// `options` must be null or live server options that no other thread uses now.
unsafe fn set(
    options: *mut scalodb_server_options,
    err: *mut *mut scalodb_error,
    change: impl FnOnce(&mut ServerConfig) -> Result<(), Failure>,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: forwarded from the caller.
        change(&mut unsafe { handle_mut(options, "options") }?.inner)?;
        Ok(SCALODB_OK)
    })
}

/// The most clients connected at once (default 1000); one more is told
/// "-ERR max number of clients reached" and closed. 0 is refused when the server starts.
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_options_set_max_conns(
    options: *mut scalodb_server_options,
    max_conns: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |c| {
            c.max_conns = max_conns;
            Ok(())
        })
    }
}

/// The password clients must give with AUTH (Redis's requirepass), a NUL-terminated UTF-8 string;
/// NULL removes it (the default: no authentication).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null or `password` is not UTF-8.
/// Ownership: `password` is copied. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_options_set_password(
    options: *mut scalodb_server_options,
    password: *const c_char,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`; `password` is null or
    // NUL-terminated.
    unsafe {
        set(options, err, |c| {
            c.password = optional_string(password, "password")?;
            Ok(())
        })
    }
}

/// `s` copied into a `String` (`None` for NULL); `what` names it in the error when it is not UTF-8.
///
/// # Safety
/// `s` is null or points to a NUL-terminated string that stays valid for the call.
unsafe fn optional_string(s: *const c_char, what: &str) -> Result<Option<String>, Failure> {
    if s.is_null() {
        return Ok(None);
    }
    // SAFETY: per the contract, `s` is a valid NUL-terminated string.
    let text = unsafe { std::ffi::CStr::from_ptr(s) }.to_str();
    text.map(|t| Some(t.to_owned())).map_err(|_| Failure::invalid(format!("{what} is not valid UTF-8")))
}

/// Also serve Prometheus metrics at `http://ADDR/metrics` (`ADDR` as `host:port`, a NUL-terminated
/// UTF-8 string; port 0 picks a free port, read back with `scalodb_server_metrics_addr`); NULL
/// removes it (the default: no metrics endpoint).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null or `addr` is not UTF-8.
/// Ownership: `addr` is copied. Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_options_set_metrics_addr(
    options: *mut scalodb_server_options,
    addr: *const c_char,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`; `addr` is null or
    // NUL-terminated.
    unsafe {
        set(options, err, |c| {
            c.metrics_addr = optional_string(addr, "metrics addr")?;
            Ok(())
        })
    }
}

/// With no password set, refuse clients that do not come from a loopback address (true, the
/// default), as Redis's protected mode does.
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_options_set_protected_mode(
    options: *mut scalodb_server_options,
    enabled: bool,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |c| {
            c.protected_mode = enabled;
            Ok(())
        })
    }
}

/// Close a client that sends or reads nothing for `timeout_ms` milliseconds; 0 (the default) never
/// closes idle clients.
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_options_set_idle_timeout(
    options: *mut scalodb_server_options,
    timeout_ms: u64,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |c| {
            c.idle_timeout = (timeout_ms > 0).then(|| Duration::from_millis(timeout_ms));
            Ok(())
        })
    }
}

/// Worker threads of the server (0, the default: one per available core).
///
/// Errors: SCALODB_INVALID_ARGUMENT if `options` is null.
/// Threads: one thread at a time per options object.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_options_set_threads(
    options: *mut scalodb_server_options,
    threads: usize,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    // SAFETY: the contract of this function is the contract of `set`.
    unsafe {
        set(options, err, |c| {
            c.threads = threads;
            Ok(())
        })
    }
}

/// Binds `addr` ("host:port", NUL-terminated; port 0 picks a free port, see
/// `scalodb_server_local_addr`) and starts serving `db` over the Redis protocol on threads of its
/// own; returns at once. `options` may be null for the defaults.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `db`, `addr` or `server`, empty `addr`, max_conns 0),
/// SCALODB_IO (the address cannot be bound, e.g. in use), SCALODB_CLOSED.
/// Ownership: `addr` and `options` stay the caller's (copied). The caller owns `*server` and frees
/// it with `scalodb_server_free`.
/// Threads: any thread.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_start(
    db: *const scalodb_db,
    addr: *const c_char,
    options: *const scalodb_server_options,
    server: *mut *mut scalodb_server,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        let dest = out(server, "server")?;
        // SAFETY: `db` is null or live; `addr` null or NUL-terminated; `options` null or live.
        let (h, addr, config) = unsafe {
            let h = handle(db, "db")?;
            if addr.is_null() {
                return Err(Failure::invalid("addr is NULL"));
            }
            let addr = std::ffi::CStr::from_ptr(addr).to_str().map_err(|_| Failure::invalid("addr is not UTF-8"))?;
            (h, addr.to_owned(), options.as_ref().map_or_else(ServerConfig::default, |o| o.inner.clone()))
        };
        if addr.is_empty() {
            return Err(Failure::invalid("addr is empty; give host:port, e.g. 127.0.0.1:6379"));
        }
        // Refuse to serve a closed database (taking a snapshot is the cheapest call that checks).
        drop(h.db.snapshot()?);
        let running = Server::start(h.db.clone(), ServerConfig { addr, ..config })?;
        // SAFETY: checked non-null and writable; the caller frees the box with `scalodb_server_free`.
        unsafe { dest.write(Box::into_raw(Box::new(scalodb_server { handle: running }))) };
        Ok(SCALODB_OK)
    })
}

/// The address the server listens on, as a new NUL-terminated string in `*addr` ("127.0.0.1:6379",
/// with the real port when port 0 was asked for), and its port in `*port`. Either output may be
/// NULL if not wanted.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `server`).
/// Ownership: the caller frees `*addr` with `scalodb_free`. Threads: any thread.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_local_addr(
    server: *const scalodb_server,
    addr: *mut *mut c_char,
    port: *mut u16,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `server` is null or a live handle per the contract.
        let local = unsafe { handle(server, "server") }?.handle.local_addr();
        let text = if addr.is_null() { std::ptr::null_mut() } else { to_c_buffer(local.to_string().as_bytes())? };
        // SAFETY: each output is null (skipped) or writable per the contract.
        unsafe {
            write_opt(addr, text.cast::<c_char>());
            write_opt(port, local.port());
        }
        Ok(SCALODB_OK)
    })
}

/// The address the metrics endpoint listens on, as `scalodb_server_local_addr` gives the server's:
/// `*addr` gets NULL and `*port` 0 when the server was started without a metrics address. Either
/// output may be null to skip it.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `server`).
/// Ownership: the caller frees `*addr` with `scalodb_free`. Threads: any thread.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_metrics_addr(
    server: *const scalodb_server,
    addr: *mut *mut c_char,
    port: *mut u16,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `server` is null or a live handle per the contract.
        let metrics = unsafe { handle(server, "server") }?.handle.metrics_addr();
        let text = match (&metrics, addr.is_null()) {
            (Some(m), false) => to_c_buffer(m.to_string().as_bytes())?,
            _ => std::ptr::null_mut(),
        };
        // SAFETY: each output is null (skipped) or writable per the contract.
        unsafe {
            write_opt(addr, text.cast::<c_char>());
            write_opt(port, metrics.map_or(0, |m| m.port()));
        }
        Ok(SCALODB_OK)
    })
}

/// Stops the server gracefully: stops accepting, lets every connection finish the commands it
/// received and write their replies, closes the connections, then syncs the database. The
/// database stays open. Calling it again does nothing.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `server`), SCALODB_IO or SCALODB_READ_ONLY (the final sync
/// failed; the server is stopped all the same).
/// Threads: any thread, also while another thread waits in `scalodb_server_wait`.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_stop(
    server: *const scalodb_server,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `server` is null or a live handle per the contract.
        unsafe { handle(server, "server") }?.handle.stop()?;
        Ok(SCALODB_OK)
    })
}

/// Blocks until the server has stopped (by `scalodb_server_stop` from another thread). Returns at
/// once if it already has.
///
/// Errors: SCALODB_INVALID_ARGUMENT (null `server`).
/// Threads: any thread; any number may wait at once.
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_wait(
    server: *const scalodb_server,
    err: *mut *mut scalodb_error,
) -> scalodb_status {
    guard(err, || {
        // SAFETY: `server` is null or a live handle per the contract.
        unsafe { handle(server, "server") }?.handle.wait();
        Ok(SCALODB_OK)
    })
}

/// Stops the server if it still runs (errors of that stop are lost: call `scalodb_server_stop` to
/// see them) and frees the handle. Null is accepted and does nothing.
///
/// Ownership: `server` must not be used afterwards. Threads: no other thread may be using it (nor
/// waiting on it).
#[no_mangle]
pub unsafe extern "C" fn scalodb_server_free(server: *mut scalodb_server) {
    guard_value((), || {
        if !server.is_null() {
            // SAFETY: made by `scalodb_server_start` with `Box::into_raw`; the caller gives it up.
            drop(unsafe { Box::from_raw(server) });
        }
    })
}
