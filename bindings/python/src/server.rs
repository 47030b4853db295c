//! `Server`: the Redis-protocol server of the engine, started on an open store with
//! `DB.serve(...)`. A thin handle over `scalodb_server::ServerHandle`; the GIL is released while
//! it binds, stops or waits.

use std::time::Duration;

use pyo3::prelude::*;
use scalodb::Db;
use scalodb_server::{Server, ServerConfig, ServerHandle};

use crate::errors::err;

#[pyclass(frozen, name = "Server", module = "scalodb._scalodb")]
pub(crate) struct PyServer {
    handle: ServerHandle,
}

/// The keyword arguments of `NativeDB.serve`.
pub(crate) struct ServeArgs {
    pub addr: String,
    pub max_conns: usize,
    pub password: Option<String>,
    pub protected_mode: bool,
    pub idle_timeout: Option<f64>,
    pub metrics_addr: Option<String>,
}

/// Starts a server for `db`; see `NativeDB.serve`.
pub(crate) fn start(py: Python<'_>, db: Db, args: ServeArgs) -> PyResult<PyServer> {
    let ServeArgs { addr, max_conns, password, protected_mode, idle_timeout, metrics_addr } = args;
    let idle_timeout = match idle_timeout {
        Some(s) if !(s.is_finite() && s > 0.0) => {
            return Err(pyo3::exceptions::PyValueError::new_err("idle_timeout must be a positive number of seconds"))
        }
        other => other.map(Duration::from_secs_f64),
    };
    let config = ServerConfig {
        addr,
        max_conns,
        password,
        protected_mode,
        idle_timeout,
        metrics_addr,
        ..ServerConfig::default()
    };
    let handle = py.detach(|| Server::start(db, config)).map_err(err(py))?;
    Ok(PyServer { handle })
}

#[pymethods]
impl PyServer {
    /// The address the server listens on, as `host:port` (useful after binding port 0).
    #[getter]
    fn address(&self) -> String {
        self.handle.local_addr().to_string()
    }

    /// The port the server listens on.
    #[getter]
    fn port(&self) -> u16 {
        self.handle.local_addr().port()
    }

    /// Where Prometheus metrics are served (`host:port`, `GET /metrics`), or None when `serve`
    /// was not given a `metrics_addr`.
    #[getter]
    fn metrics_address(&self) -> Option<String> {
        self.handle.metrics_addr().map(|a| a.to_string())
    }

    /// Stops gracefully: no new connections, commands in flight finish, connections close.
    /// Stopping twice is allowed.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.handle.stop()).map_err(err(py))
    }

    /// Blocks until the server has stopped (from `stop()` in another thread).
    fn wait(&self, py: Python<'_>) {
        py.detach(|| self.handle.wait())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        py: Python<'_>,
        _t: Option<Bound<'_, PyAny>>,
        _v: Option<Bound<'_, PyAny>>,
        _tb: Option<Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.stop(py)?;
        Ok(false)
    }
}
