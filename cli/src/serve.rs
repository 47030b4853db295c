//! `scalodb serve`: opens a store and serves it over the Redis protocol until SIGINT or SIGTERM,
//! then stops gracefully (every received command answered) and closes the store.

use std::path::PathBuf;
use std::time::Duration;

use scalodb::{Db, Error, Options, SyncMode};
use scalodb_server::{LogConfig, Server, ServerConfig};

/// Whether the server answers as a Redis Cluster (`--cluster-mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ClusterMode {
    /// Not a cluster: CLUSTER commands fail as in a Redis with cluster support disabled.
    Off,
    /// A cluster of one node that owns every slot (0-16383), for cluster-aware clients such as
    /// redis-py's RedisCluster or go-redis's ClusterClient. Keys are not spread over machines.
    Emulated,
}

/// When writes reach stable storage (`--sync`).
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Sync {
    /// Every write is fsynced before its reply (group commit).
    Always,
    /// Writes reach the OS before their reply; an fsync runs every second.
    Interval,
    /// Writes reach the OS before their reply; the OS decides when to write back.
    Never,
}

/// How much the server logs (`--loglevel`), with Redis's names.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum LogLevel {
    /// Everything, for developers.
    Debug,
    /// Also log rotations, index growth and protocol errors.
    Verbose,
    /// Startup, checkpoints, recovery, slow fsyncs, refused and killed clients.
    Notice,
    /// Only problems: failed checkpoints, a store turned read-only.
    Warning,
}

pub struct ServeArgs {
    pub loglevel: LogLevel,
    pub logfile: Option<PathBuf>,
    pub metrics_addr: Option<String>,
    pub addr: String,
    pub dir: PathBuf,
    pub requirepass: Option<String>,
    pub max_conns: usize,
    pub sync: Sync,
    pub protected_mode: bool,
    pub cluster_mode: ClusterMode,
    pub unix_socket: Option<PathBuf>,
    pub enable_debug_command: DebugCommand,
}

/// Who may run DEBUG (`--enable-debug-command`, Redis 7's option of that name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DebugCommand {
    /// Nobody (the default): DEBUG SLEEP blocks a server thread.
    No,
    /// Clients on a loopback address or the Unix socket.
    Local,
    /// Every client.
    Yes,
}

pub fn serve(args: ServeArgs) -> Result<(), Error> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| Error::Io { context: format!("creating {}", args.dir.display()), source: e })?;
    let sync = match args.sync {
        Sync::Always => SyncMode::Always,
        Sync::Interval => SyncMode::Interval(Duration::from_secs(1)),
        Sync::Never => SyncMode::Never,
    };
    let db = Db::open_with(&args.dir, Options { sync, ..Options::default() })?;
    let config = ServerConfig {
        addr: args.addr,
        max_conns: args.max_conns,
        password: args.requirepass.clone(),
        protected_mode: args.protected_mode,
        cluster_emulated: args.cluster_mode == ClusterMode::Emulated,
        unix_socket: args.unix_socket.clone(),
        enable_debug_command: match args.enable_debug_command {
            DebugCommand::No => scalodb_server::DebugCommand::No,
            DebugCommand::Local => scalodb_server::DebugCommand::Local,
            DebugCommand::Yes => scalodb_server::DebugCommand::Yes,
        },
        log: Some(LogConfig {
            level: match args.loglevel {
                LogLevel::Debug => scalodb_server::LogLevel::Debug,
                LogLevel::Verbose => scalodb_server::LogLevel::Verbose,
                LogLevel::Notice => scalodb_server::LogLevel::Notice,
                LogLevel::Warning => scalodb_server::LogLevel::Warning,
            },
            file: args.logfile.clone(),
        }),
        metrics_addr: args.metrics_addr.clone(),
        ..ServerConfig::default()
    };
    let server = Server::start(db.clone(), config)?;
    server.stop_on_signals()?;
    let addr = server.local_addr();
    let auth = if args.requirepass.is_some() { " -a <password>" } else { "" };
    println!("scalodb: serving {} on {addr} (Redis protocol)", args.dir.display());
    println!("scalodb: connect with: redis-cli -h {} -p {}{auth}", addr.ip(), addr.port());
    if let Some(path) = &args.unix_socket {
        println!("scalodb: or through the Unix socket: redis-cli -s {}{auth}", path.display());
    }
    if let Some(m) = server.metrics_addr() {
        println!("scalodb: Prometheus metrics at http://{m}/metrics");
    }
    println!("scalodb: stop with Ctrl-C (SIGINT) or SIGTERM");
    server.wait();
    server.stop()?;
    db.close()?;
    eprintln!("scalodb: stopped; every acknowledged write is on disk");
    Ok(())
}
