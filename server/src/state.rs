//! What every connection of one server shares: the database, the configuration, the list of
//! clients (for CLIENT LIST and INFO), counters, and the SCAN cursors.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use scalodb::Db;

use super::blocking::Registry;
use super::cmdstats::CmdStats;
use super::config::ServerConfig;
use super::latency::Latency;
use super::logging::EngineCounters;
use super::pubsub::Hub;
use super::slowlog::SlowLog;

/// SCAN cursors remembered at once; the oldest is forgotten first.
const MAX_CURSORS: usize = 16 * 1024;

/// What CLIENT LIST shows of one connection.
pub struct ClientMeta {
    pub id: u64,
    pub addr: SocketAddr,
    pub laddr: SocketAddr,
    pub created: Instant,
    pub name: Mutex<String>,
    pub lib_name: Mutex<String>,
    pub lib_ver: Mutex<String>,
    /// Milliseconds since `created` of the last command batch.
    pub last_active_ms: AtomicU64,
    pub resp3: AtomicBool,
    /// Set by CLIENT KILL; the connection closes once its current commands are answered.
    pub killed: AtomicBool,
    /// Wakes the connection when it is killed while it waits for input.
    pub kill: tokio::sync::Notify,
}

/// SCAN cursors: the engine resumes a scan after a key, but clients expect an integer cursor,
/// so each unfinished scan gets a number that maps to the last key it returned. The table is
/// server-wide because client libraries may continue a scan on another pooled connection.
#[derive(Default)]
pub struct Cursors {
    next: u64,
    keys: HashMap<u64, Vec<u8>>,
    order: VecDeque<u64>,
}

impl Cursors {
    /// Remembers `last_key` and returns the cursor that resumes after it (never 0).
    pub fn remember(&mut self, last_key: Vec<u8>) -> u64 {
        self.next = self.next.wrapping_add(1).max(1);
        let id = self.next;
        if self.order.len() >= MAX_CURSORS {
            if let Some(old) = self.order.pop_front() {
                self.keys.remove(&old);
            }
        }
        self.keys.insert(id, last_key);
        self.order.push_back(id);
        id
    }

    /// The key a cursor resumes after; `None` if unknown or forgotten. A cursor can be used more
    /// than once (a client may retry a SCAN call), so it is not removed here.
    pub fn resume(&self, cursor: u64) -> Option<Vec<u8>> {
        self.keys.get(&cursor).cloned()
    }
}

/// State shared by the accept loop and every connection of one server.
pub struct ServerState {
    pub db: Db,
    pub config: ServerConfig,
    pub local_addr: SocketAddr,
    pub started: Instant,
    pub next_client_id: AtomicU64,
    pub clients: Mutex<HashMap<u64, Arc<ClientMeta>>>,
    pub connected: AtomicUsize,
    /// `maxclients`, changeable with CONFIG SET.
    pub max_conns: AtomicUsize,
    /// `timeout` in seconds (0: none), changeable with CONFIG SET; read when a client connects.
    pub idle_timeout_secs: AtomicU64,
    pub total_connections: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub total_commands: AtomicU64,
    pub cursors: Mutex<Cursors>,
    /// Per-command calls, time and latency histograms.
    pub cmdstats: CmdStats,
    pub slowlog: SlowLog,
    pub latency: Arc<Latency>,
    /// What the store's events added up to (checkpoints, slow fsyncs...).
    pub engine: Arc<EngineCounters>,
    pub keyspace_hits: AtomicU64,
    pub keyspace_misses: AtomicU64,
    pub net_input_bytes: AtomicU64,
    pub net_output_bytes: AtomicU64,
    /// `total_commands` sampled every 100 ms by the server's clock task, for
    /// `instantaneous_ops_per_sec` (the last 16 samples, as Redis averages them).
    pub ops_samples: Mutex<VecDeque<(Instant, u64)>>,
    /// Every channel and pattern subscription.
    pub pubsub: Hub,
    /// Clients blocked in BLPOP and the like, by key.
    pub blocked: Registry,
    /// Redis's encoding thresholds, as CONFIG SET left them (`encodings.rs`).
    pub encodings: crate::encodings::Thresholds,
}

impl ServerState {
    pub fn new(db: Db, config: ServerConfig, local_addr: SocketAddr) -> ServerState {
        ServerState {
            db,
            local_addr,
            started: Instant::now(),
            next_client_id: AtomicU64::new(1),
            clients: Mutex::new(HashMap::new()),
            connected: AtomicUsize::new(0),
            max_conns: AtomicUsize::new(config.max_conns),
            idle_timeout_secs: AtomicU64::new(config.idle_timeout.map_or(0, |d| d.as_secs().max(1))),
            total_connections: AtomicU64::new(0),
            rejected_connections: AtomicU64::new(0),
            total_commands: AtomicU64::new(0),
            cursors: Mutex::new(Cursors::default()),
            cmdstats: CmdStats::default(),
            slowlog: SlowLog::default(),
            latency: Arc::new(Latency::default()),
            engine: Arc::new(EngineCounters::default()),
            keyspace_hits: AtomicU64::new(0),
            keyspace_misses: AtomicU64::new(0),
            net_input_bytes: AtomicU64::new(0),
            net_output_bytes: AtomicU64::new(0),
            ops_samples: Mutex::new(VecDeque::new()),
            pubsub: Hub::default(),
            blocked: Registry::default(),
            encodings: Default::default(),
            config,
        }
    }

    pub fn idle_timeout(&self) -> Option<Duration> {
        // A sub-second configured timeout is kept as given; CONFIG SET works in seconds.
        match self.idle_timeout_secs.load(Ordering::Relaxed) {
            0 => None,
            s if self.config.idle_timeout.is_some_and(|d| d.as_secs().max(1) == s) => self.config.idle_timeout,
            s => Some(Duration::from_secs(s)),
        }
    }

    /// Takes a sample of the command counter (every 100 ms).
    pub fn sample_ops(&self) {
        let mut s = self.ops_samples.lock();
        s.push_back((Instant::now(), self.total_commands.load(Ordering::Relaxed)));
        if s.len() > 17 {
            s.pop_front();
        }
    }

    /// Commands per second over the last samples.
    pub fn ops_per_sec(&self) -> u64 {
        let s = self.ops_samples.lock();
        match (s.front(), s.back()) {
            (Some(a), Some(b)) if b.0 > a.0 => {
                (b.1.saturating_sub(a.1) as f64 / b.0.duration_since(a.0).as_secs_f64()).round() as u64
            }
            _ => 0,
        }
    }

    /// Serves the clients blocked on `keys`, which a command just wrote (see `blocking.rs`).
    pub fn signal_keys(&self, keys: Vec<Vec<u8>>) {
        self.blocked.signal(self, keys);
    }

    /// Counts a key lookup of a read command.
    #[inline]
    pub fn lookup(&self, hit: bool) {
        let c = if hit { &self.keyspace_hits } else { &self.keyspace_misses };
        c.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        if n > 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cursors;

    #[test]
    fn cursors_are_nonzero_and_forget_the_oldest() {
        let mut c = Cursors::default();
        let first = c.remember(b"a".to_vec());
        assert_ne!(first, 0);
        assert_eq!(c.resume(first).as_deref(), Some(&b"a"[..]));
        for i in 0..super::MAX_CURSORS {
            c.remember(i.to_string().into_bytes());
        }
        assert_eq!(c.resume(first), None);
    }
}
