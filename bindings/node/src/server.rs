//! `db.serve()` and the `Server` it returns: the engine's Redis-protocol server run on an open
//! store. The server has a runtime and threads of its own, so serving costs the event loop
//! nothing; only `stop()` and `wait()`, which block until connections end, go to the thread pool.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::Db;
use scalodb_server::{Server as Engine, ServerConfig, ServerHandle};

use crate::error::{db_error, invalid, rejection, OrThrow, Result};
use crate::options::millis;

/// Options of `db.serve()`. Every field is optional.
#[napi(object)]
#[derive(Default)]
pub struct ServeOptions {
    /// `host:port` to listen on (default `'127.0.0.1:6379'`); port 0 picks a free port, which
    /// `server.port` then tells.
    pub addr: Option<String>,
    /// Clients connected at once at most (default 1000); one more is refused with an error reply.
    pub max_conns: Option<u32>,
    /// The password clients must give with AUTH. Without one, anyone who can connect may.
    pub password: Option<String>,
    /// With no password, accept only clients on this machine (loopback addresses); default true.
    pub protected_mode: Option<bool>,
    /// Close a client idle for this many milliseconds (default: never).
    pub idle_timeout_ms: Option<f64>,
    /// Worker threads of the server (default 0: one per core).
    pub threads: Option<u32>,
    /// Also serve Prometheus metrics at `http://HOST:PORT/metrics` (default: none); port 0 picks
    /// a free port, which `server.metricsAddress` then tells.
    pub metrics_addr: Option<String>,
}

/// `server.stop()`: a graceful stop, off the main thread.
pub struct StopTask {
    handle: Arc<ServerHandle>,
}

#[napi]
impl Task for StopTask {
    type Output = scalodb::Result<()>;
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.handle.stop())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<()> {
        output.map_err(|e| rejection(&env, db_error(e)))
    }
}

/// `server.wait()`: parks one thread-pool thread until the server has stopped.
pub struct WaitTask {
    handle: Arc<ServerHandle>,
}

#[napi]
impl Task for WaitTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        self.handle.wait();
        Ok(())
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> napi::Result<()> {
        Ok(())
    }
}

/// A running Redis-protocol server over a store, from `db.serve()`. It serves until `stop()`
/// (or until this object is garbage-collected, which stops it too: keep a reference). It does
/// not keep the process alive by itself; `await server.wait()` does.
#[napi]
pub struct Server {
    handle: Arc<ServerHandle>,
}

impl Server {
    pub fn start(db: Db, options: ServeOptions) -> Result<Server> {
        let defaults = ServerConfig::default();
        if options.max_conns == Some(0) {
            return Err(invalid("maxConns must be at least 1"));
        }
        let idle_timeout = match options.idle_timeout_ms {
            Some(ms) if ms <= 0.0 => return Err(invalid(format!("idleTimeoutMs must be positive, not {ms}"))),
            Some(ms) => Some(millis("idleTimeoutMs", ms)?),
            None => None,
        };
        let config = ServerConfig {
            addr: options.addr.unwrap_or(defaults.addr),
            max_conns: options.max_conns.map_or(defaults.max_conns, |n| n as usize),
            password: options.password,
            protected_mode: options.protected_mode.unwrap_or(defaults.protected_mode),
            idle_timeout,
            threads: options.threads.map_or(defaults.threads, |n| n as usize),
            metrics_addr: options.metrics_addr,
            ..defaults
        };
        // Binding and starting the runtime take well under a millisecond: no need to leave the
        // main thread, and a bind error is thrown where the call was made.
        let handle = Engine::start(db, config).or_throw()?;
        Ok(Server { handle: Arc::new(handle) })
    }
}

#[napi]
impl Server {
    /// The address the server listens on, as `host:port` (with the real port after port 0).
    #[napi(getter)]
    pub fn address(&self) -> String {
        self.handle.local_addr().to_string()
    }

    /// The port the server listens on.
    #[napi(getter)]
    pub fn port(&self) -> u32 {
        u32::from(self.handle.local_addr().port())
    }

    /// Where Prometheus metrics are served (`host:port`, `GET /metrics`), or null without
    /// `metricsAddr`.
    #[napi(getter)]
    pub fn metrics_address(&self) -> Option<String> {
        self.handle.metrics_addr().map(|a| a.to_string())
    }

    /// Stops gracefully: no new connections, every connection finishes the commands it sent and
    /// gets their replies, then the log is synced. The store stays open. Stopping twice is fine.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn stop(&self) -> AsyncTask<StopTask> {
        AsyncTask::new(StopTask { handle: self.handle.clone() })
    }

    /// Resolves once the server has stopped (after `stop()`). Each pending `wait()` holds one
    /// thread of libuv's pool (4 by default) until then.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn wait(&self) -> AsyncTask<WaitTask> {
        AsyncTask::new(WaitTask { handle: self.handle.clone() })
    }
}
