//! What every connection of one server shares: the database, the configuration, the list of
//! clients (for CLIENT LIST and INFO), counters, and the SCAN cursors.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use scalodb::Db;

use super::config::ServerConfig;

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
