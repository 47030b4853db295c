//! `Server::start` and `ServerHandle`: the server runs on a tokio runtime of its own, so callers
//! need no async code; the handle stops it gracefully and waits for it.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use scalodb::{Db, Error, Result};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, watch};

use super::config::ServerConfig;
use super::conn;
use super::state::ServerState;

const DENIED: &[u8] = b"-DENIED ScaloDB is running in protected mode: no password is set, so only clients \
on this machine (loopback addresses) may connect. Set a password (requirepass) or turn protected mode off \
to accept other clients.\r\n";
const MAX_CLIENTS: &[u8] = b"-ERR max number of clients reached\r\n";

/// Starts servers; see [`Server::start`].
pub struct Server;

/// A running server. `Send + Sync`; dropping it stops the server like [`ServerHandle::stop`].
pub struct ServerHandle {
    local_addr: SocketAddr,
    metrics_addr: Option<SocketAddr>,
    shutdown: Arc<watch::Sender<bool>>,
    runtime: Mutex<Option<Runtime>>,
    /// Set when the accept loop and every connection have ended.
    finished: Arc<(Mutex<bool>, Condvar)>,
    db: Db,
    /// The server's engine listener is on `db` (removed when the server stops).
    listener_installed: bool,
}

fn io_err(context: &str, e: std::io::Error) -> Error {
    Error::Io { context: context.into(), source: e }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(v6.is_loopback(), |v4| v4.is_loopback()),
    }
}

impl Server {
    /// Binds `config.addr`, starts serving `db` on threads of its own and returns at once.
    ///
    /// ```no_run
    /// use scalodb_server::{Server, ServerConfig};
    /// let db = scalodb::Db::memory();
    /// let handle = Server::start(db, ServerConfig { addr: "127.0.0.1:0".into(), ..Default::default() }).unwrap();
    /// println!("redis-cli -p {}", handle.local_addr().port());
    /// handle.stop().unwrap();
    /// ```
    pub fn start(db: Db, config: ServerConfig) -> Result<ServerHandle> {
        if config.max_conns == 0 {
            return Err(Error::InvalidArgument("max_conns must be at least 1".into()));
        }
        if let Some(log) = &config.log {
            crate::logging::init(log)?;
        }
        // Serving a closed store would answer every command with an error: refuse to start. Taking
        // a snapshot is the cheapest call that fails with `Error::Closed` on a closed store and
        // changes nothing on an open one.
        drop(db.snapshot()?);
        let listener = std::net::TcpListener::bind(&config.addr)
            .map_err(|e| io_err(&format!("binding the server to {}", config.addr), e))?;
        listener.set_nonblocking(true).map_err(|e| io_err("configuring the listening socket", e))?;
        let local_addr = listener.local_addr().map_err(|e| io_err("reading the listening address", e))?;
        let threads = match config.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("scalodb-server")
            .enable_all()
            .build()
            .map_err(|e| io_err("starting the server runtime", e))?;
        let metrics = match &config.metrics_addr {
            Some(addr) => {
                let l = std::net::TcpListener::bind(addr)
                    .map_err(|e| io_err(&format!("binding the metrics endpoint to {addr}"), e))?;
                l.set_nonblocking(true).map_err(|e| io_err("configuring the metrics socket", e))?;
                Some(l)
            }
            None => None,
        };
        let metrics_addr = metrics.as_ref().and_then(|l| l.local_addr().ok());
        let (listener, unix, metrics) = {
            let _guard = runtime.enter();
            let tcp = TcpListener::from_std(listener).map_err(|e| io_err("registering the listening socket", e))?;
            let unix = match &config.unix_socket {
                Some(path) => Some(bind_unix(path)?),
                None => None,
            };
            let metrics = match metrics {
                Some(l) => Some(TcpListener::from_std(l).map_err(|e| io_err("registering the metrics socket", e))?),
                None => None,
            };
            (tcp, unix, metrics)
        };
        let unix_path = config.unix_socket.clone();
        let (shutdown, shutdown_rx) = watch::channel(false);
        let finished = Arc::new((Mutex::new(false), Condvar::new()));
        let state = Arc::new(ServerState::new(db.clone(), config, local_addr));
        let listener_installed = db
            .set_event_listener(Some(Arc::new(crate::logging::EngineLog {
                latency: state.latency.clone(),
                counters: state.engine.clone(),
            })))
            .is_ok();
        startup_line(&db, local_addr, metrics_addr);
        if let Some(m) = metrics {
            runtime.spawn(crate::metrics::serve(m, state.clone(), shutdown_rx.clone()));
        }
        {
            // The clock of `instantaneous_ops_per_sec`.
            let (state, mut stop) = (state.clone(), shutdown_rx.clone());
            runtime.spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(100));
                loop {
                    tokio::select! {
                        _ = tick.tick() => state.sample_ops(),
                        _ = stop.changed() => return,
                    }
                }
            });
        }
        let done = finished.clone();
        runtime.spawn(async move {
            accept_loop(listener, unix, state, shutdown_rx).await;
            if let Some(path) = unix_path {
                // Nobody can connect any more; leave no stale socket file behind.
                let _ = std::fs::remove_file(path);
            }
            let (lock, cv) = &*done;
            *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
            cv.notify_all();
        });
        Ok(ServerHandle {
            local_addr,
            metrics_addr,
            shutdown: Arc::new(shutdown),
            runtime: Mutex::new(Some(runtime)),
            finished,
            db,
            listener_installed,
        })
    }
}

/// The first line of the log: what runs, where, on what data, how durably.
fn startup_line(db: &Db, addr: SocketAddr, metrics: Option<SocketAddr>) {
    let opts = db.options();
    let dir = db.path().map_or("(in memory)".to_string(), |p| p.display().to_string());
    let sync = match opts.sync {
        _ if !opts.wal => "none (in memory)".to_string(),
        scalodb::SyncMode::Always => "always".to_string(),
        scalodb::SyncMode::Interval(d) => format!("interval ({} ms)", d.as_millis()),
        scalodb::SyncMode::Never => "never".to_string(),
    };
    let metrics = metrics.map_or(String::new(), |m| format!(", metrics on http://{m}/metrics"));
    tracing::info!(
        "ScaloDB {} serving the Redis protocol on {addr}: data directory {dir}, sync mode {sync}{metrics}",
        env!("CARGO_PKG_VERSION")
    );
}

/// Accepts clients until told to stop, then waits for every connection to end.
async fn accept_loop(
    listener: TcpListener,
    unix: Option<UnixListener>,
    state: Arc<ServerState>,
    mut shutdown: watch::Receiver<bool>,
) {
    // Each connection task holds a clone of `alive`; when all are gone, `recv` returns None.
    let (alive, mut all_gone) = mpsc::channel::<()>(1);
    let accept_unix = || async {
        match &unix {
            Some(l) => l.accept().await.map(|(s, _)| s),
            None => std::future::pending().await,
        }
    };
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            r = listener.accept() => match r {
                Ok(pair) => pair,
                Err(_) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // little rather than spin, then go on.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            r = accept_unix() => {
                match r {
                    // A Unix client is local and has no IP address: CLIENT LIST shows 0.0.0.0:0.
                    Ok(stream) => {
                        let none = SocketAddr::from(([0, 0, 0, 0], 0));
                        admit(stream, none, none, true, &state, &shutdown, &alive);
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // On a wildcard bind (0.0.0.0) only the socket knows the address the client reached.
        let laddr = stream.local_addr().unwrap_or(state.local_addr);
        admit(stream, peer, laddr, is_loopback(peer.ip()), &state, &shutdown, &alive);
    }
    drop(listener);
    drop(unix);
    drop(alive);
    let _ = all_gone.recv().await;
}

/// Binds the Unix socket at `path`, replacing a socket file no server listens on any more.
fn bind_unix(path: &std::path::Path) -> Result<UnixListener> {
    let ctx = || format!("binding the server to the Unix socket {}", path.display());
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        use std::os::unix::fs::FileTypeExt;
        if !meta.file_type().is_socket() {
            return Err(Error::InvalidArgument(format!(
                "{} exists and is not a socket: choose another unix_socket path",
                path.display()
            )));
        }
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(io_err(&ctx(), std::io::ErrorKind::AddrInUse.into()));
        }
        std::fs::remove_file(path).map_err(|e| io_err(&ctx(), e))?;
    }
    UnixListener::bind(path).map_err(|e| io_err(&ctx(), e))
}

/// Serves a new client on a task of its own, or refuses it: protected mode refuses clients that
/// are not `local` when no password is set, and `max_conns` bounds the clients served at once.
fn admit<S>(
    mut stream: S,
    peer: SocketAddr,
    laddr: SocketAddr,
    local: bool,
    state: &Arc<ServerState>,
    shutdown: &watch::Receiver<bool>,
    alive: &mpsc::Sender<()>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    state.total_connections.fetch_add(1, Ordering::Relaxed);
    let refusal = if state.config.password.is_none() && state.config.protected_mode && !local {
        Some(DENIED)
    } else if state.connected.fetch_add(1, Ordering::AcqRel) >= state.max_conns.load(Ordering::Relaxed) {
        state.connected.fetch_sub(1, Ordering::AcqRel);
        Some(MAX_CLIENTS)
    } else {
        None
    };
    if let Some(msg) = refusal {
        if msg == MAX_CLIENTS {
            tracing::info!(
                "refused client {peer}: max number of clients reached ({})",
                state.max_conns.load(Ordering::Relaxed)
            );
        } else {
            tracing::info!("refused client {peer}: protected mode admits only local clients");
        }
        state.rejected_connections.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(msg)).await;
        });
        return;
    }
    let (state, shutdown, alive) = (state.clone(), shutdown.clone(), alive.clone());
    tokio::spawn(async move {
        conn::serve(stream, peer, laddr, state, shutdown).await;
        drop(alive);
    });
}

impl ServerHandle {
    /// The address the server listens on (with the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The address `/metrics` is served on, if `ServerConfig::metrics_addr` was set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Stops gracefully: stops accepting, lets every connection finish the commands it has
    /// received and write their replies, closes the connections, then syncs the database to
    /// disk. The database itself stays open (the caller owns it). Calling it again does nothing.
    pub fn stop(&self) -> Result<()> {
        self.shutdown.send_replace(true);
        self.wait();
        let runtime = self.runtime.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(rt) = runtime {
            // Every task has ended; what is left are idle worker threads.
            if tokio::runtime::Handle::try_current().is_ok() {
                rt.shutdown_background();
            } else {
                rt.shutdown_timeout(Duration::from_secs(5));
            }
            if self.listener_installed {
                // The store may outlive the server: its events are no longer the server's.
                let _ = self.db.set_event_listener(None);
            }
            tracing::info!("server on {} stopped", self.local_addr);
            match self.db.sync() {
                Err(Error::Closed) | Ok(()) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Blocks until the server has stopped (by [`ServerHandle::stop`] from another thread, or
    /// after a signal with [`ServerHandle::stop_on_signals`]).
    pub fn wait(&self) {
        let (lock, cv) = &*self.finished;
        let mut done = lock.lock().unwrap_or_else(|e| e.into_inner());
        while !*done {
            done = cv.wait(done).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Begins a graceful stop when the process gets SIGINT or SIGTERM; [`ServerHandle::wait`]
    /// then returns once every connection has ended (call [`ServerHandle::stop`] after it to
    /// release the runtime and sync).
    pub fn stop_on_signals(&self) -> Result<()> {
        use tokio::signal::unix::{signal, SignalKind};
        let guard = self.runtime.lock().unwrap_or_else(|e| e.into_inner());
        let Some(rt) = guard.as_ref() else { return Ok(()) };
        let _enter = rt.enter();
        let mut int = signal(SignalKind::interrupt()).map_err(|e| io_err("installing the SIGINT handler", e))?;
        let mut term = signal(SignalKind::terminate()).map_err(|e| io_err("installing the SIGTERM handler", e))?;
        let shutdown = self.shutdown.clone();
        rt.spawn(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            shutdown.send_replace(true);
        });
        Ok(())
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
