//! The text of INFO: the sections and fields client libraries and tools read (`redis_version`,
//! `connected_clients`, `used_memory`, `db0:keys=...`), filled from the engine's `Stats`.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use scalodb::Result;

use super::state::ServerState;

const SECTIONS: [&str; 8] =
    ["server", "clients", "memory", "persistence", "stats", "replication", "cluster", "keyspace"];

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.2}G", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.2}M", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.2}K", b as f64 / 1024.0),
        b => format!("{b}B"),
    }
}

/// The INFO text for the requested sections (`all`, `default`, `everything` or none: every
/// section).
pub fn render(state: &ServerState, wanted: &[String]) -> Result<String> {
    let all = wanted.is_empty() || wanted.iter().any(|w| matches!(w.as_str(), "all" | "default" | "everything"));
    let st = state.db.stats()?;
    let mut s = String::new();
    for section in SECTIONS {
        if !all && !wanted.iter().any(|w| w == section) {
            continue;
        }
        if !s.is_empty() {
            s.push_str("\r\n");
        }
        match section {
            "server" => {
                let up = state.started.elapsed().as_secs();
                let _ = write!(
                    s,
                    "# Server\r\nredis_version:{}\r\nscalodb_version:{}\r\nredis_mode:{}\r\n\
                     os:{} {}\r\narch_bits:{}\r\nmultiplexing_api:epoll\r\nprocess_id:{}\r\n\
                     tcp_port:{}\r\nuptime_in_seconds:{up}\r\nuptime_in_days:{}\r\n",
                    super::commands::admin::REDIS_VERSION,
                    env!("CARGO_PKG_VERSION"),
                    if state.config.cluster_emulated { "cluster" } else { "standalone" },
                    std::env::consts::OS,
                    std::env::consts::ARCH,
                    usize::BITS,
                    std::process::id(),
                    state.local_addr.port(),
                    up / 86400,
                );
            }
            "clients" => {
                let _ = write!(
                    s,
                    "# Clients\r\nconnected_clients:{}\r\nmaxclients:{}\r\nblocked_clients:0\r\n",
                    state.connected.load(Ordering::Relaxed),
                    state.max_conns.load(Ordering::Relaxed),
                );
            }
            "memory" => {
                let _ = write!(
                    s,
                    "# Memory\r\nused_memory:{m}\r\nused_memory_human:{}\r\nmaxmemory:0\r\n\
                     maxmemory_policy:noeviction\r\nkey_bytes:{}\r\nvalue_bytes:{}\r\n",
                    human(st.memory_bytes),
                    st.key_bytes,
                    st.value_bytes,
                    m = st.memory_bytes,
                );
            }
            "persistence" => {
                let durable = state.db.path().is_some();
                let _ = write!(
                    s,
                    "# Persistence\r\nloading:0\r\naof_enabled:{}\r\n\
                     wal_bytes:{}\r\nwal_segments:{}\r\nlast_checkpoint_seq:{}\r\n\
                     last_checkpoint_unix_ms:{}\r\nfsyncs:{}\r\n",
                    durable as u8,
                    st.wal_bytes,
                    st.wal_segments,
                    st.last_checkpoint_seq,
                    st.last_checkpoint_unix_ms,
                    st.fsyncs,
                );
            }
            "stats" => {
                let _ = write!(
                    s,
                    "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\n\
                     rejected_connections:{}\r\nexpired_keys:{}\r\nevicted_keys:{}\r\n\
                     total_transactions:{}\r\ntransaction_conflicts:{}\r\n",
                    state.total_connections.load(Ordering::Relaxed),
                    state.total_commands.load(Ordering::Relaxed),
                    state.rejected_connections.load(Ordering::Relaxed),
                    st.expired_keys,
                    st.evictions,
                    st.transactions,
                    st.conflicts,
                );
            }
            "replication" => s.push_str("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"),
            "cluster" => {
                let _ = write!(s, "# Cluster\r\ncluster_enabled:{}\r\n", state.config.cluster_emulated as u8);
            }
            _ => {
                s.push_str("# Keyspace\r\n");
                if st.keys > 0 {
                    // The engine does not count keys with an expiry, so `expires` is not reported
                    // as a number it cannot vouch for.
                    let _ = write!(s, "db0:keys={},expires=0,avg_ttl=0\r\n", st.keys);
                }
            }
        }
    }
    Ok(s)
}
