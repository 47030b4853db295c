//! `ServerConfig`: where the server listens, who may connect, and the caps that keep one client
//! from exhausting the server's memory.

use std::time::Duration;

/// Caps on what one client may send and make the server hold. Every cap is checked before the
/// server allocates for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most arguments in one command (the `*N` of a request).
    pub max_args: usize,
    /// Longest bulk string (one argument), in bytes.
    pub max_bulk_len: usize,
    /// Most bytes one request may occupy (all its arguments together).
    pub max_request_bytes: usize,
    /// Longest inline command line (commands sent without the `*N` framing), in bytes.
    pub max_inline_len: usize,
    /// `max_args` before a client has authenticated (when a password is set).
    pub unauth_max_args: usize,
    /// `max_bulk_len` before a client has authenticated (when a password is set).
    pub unauth_max_bulk_len: usize,
    /// Most reply bytes held for one client. Replies are flushed in slices well below this; a
    /// single reply (KEYS, MGET...) that would pass it closes the connection, as Redis's
    /// client-output-buffer-limit does.
    pub max_output_bytes: usize,
    /// Most commands queued between MULTI and EXEC.
    pub max_multi_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_args: 1024 * 1024,
            // The engine refuses values over 64 MiB by default; a little more leaves room for the
            // framing of the request that carries one.
            max_bulk_len: 64 * 1024 * 1024 + 1024,
            max_request_bytes: 256 * 1024 * 1024,
            max_inline_len: 64 * 1024,
            unauth_max_args: 10,
            unauth_max_bulk_len: 16 * 1024,
            max_output_bytes: 256 * 1024 * 1024,
            max_multi_queue: 100_000,
        }
    }
}

/// How a server is started; build it with `ServerConfig::default()` and struct update syntax.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// `host:port` to listen on (default `127.0.0.1:6379`). Port 0 picks a free port; read it
    /// back with `ServerHandle::local_addr`.
    pub addr: String,
    /// Clients connected at once at most (default 1000). One more gets
    /// `-ERR max number of clients reached` and is closed.
    pub max_conns: usize,
    /// The password AUTH must give (`requirepass`). `None`: no authentication.
    pub password: Option<String>,
    /// With no password set, refuse clients that do not come from a loopback address
    /// (default true), as Redis's protected mode does.
    pub protected_mode: bool,
    /// Close a client that sends nothing (or reads nothing) for this long. `None`: never.
    pub idle_timeout: Option<Duration>,
    /// Caps per client; see [`Limits`].
    pub limits: Limits,
    /// Worker threads of the server's runtime (0: one per available core).
    pub threads: usize,
    /// Answer as a Redis Cluster of one node that owns every slot (CLUSTER SLOTS, SHARDS, NODES,
    /// INFO, KEYSLOT), so cluster-aware clients connect (default false). When false, CLUSTER
    /// commands fail as in a Redis with cluster support disabled.
    pub cluster_emulated: bool,
    /// Also listen on this Unix socket (default none). Its clients count as local for protected
    /// mode; a stale socket file left by a killed server is replaced, a live one is an error.
    pub unix_socket: Option<std::path::PathBuf>,
    /// Install a log (level and file, see [`crate::LogConfig`]) for the process when starting
    /// (default none: the server's `tracing` events go to whatever subscriber the program has).
    pub log: Option<crate::logging::LogConfig>,
    /// Also serve Prometheus metrics at `http://HOST:PORT/metrics` (default none). Port 0 picks
    /// a free port; read it back with `ServerHandle::metrics_addr`.
    pub metrics_addr: Option<String>,
    /// Who may run DEBUG (default nobody), as Redis 7's `enable-debug-command`: DEBUG SLEEP
    /// blocks a worker thread, which no client should be able to do unless the operator says so.
    pub enable_debug_command: DebugCommand,
}

/// Who may run DEBUG.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DebugCommand {
    /// Nobody.
    #[default]
    No,
    /// Clients on a loopback address or the Unix socket.
    Local,
    /// Everybody.
    Yes,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: "127.0.0.1:6379".into(),
            max_conns: 1000,
            password: None,
            protected_mode: true,
            idle_timeout: None,
            limits: Limits::default(),
            threads: 0,
            cluster_emulated: false,
            unix_socket: None,
            log: None,
            metrics_addr: None,
            enable_debug_command: DebugCommand::No,
        }
    }
}
