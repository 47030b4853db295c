//! The text of INFO: the sections and fields client libraries and tools read (`redis_version`,
//! `connected_clients`, `used_memory`, `db0:keys=...`), filled from the engine's `Stats`.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use scalodb::Result;

use super::state::ServerState;

const SECTIONS: [&str; 10] = [
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "commandstats",
    "latencystats",
    "cluster",
    "keyspace",
];

/// Sections INFO with no argument (or `default`) leaves out, as Redis does.
const NOT_DEFAULT: [&str; 2] = ["commandstats", "latencystats"];

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.2}G", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.2}M", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.2}K", b as f64 / 1024.0),
        b => format!("{b}B"),
    }
}

/// The INFO text for the requested sections (none or `default`: all but commandstats and
/// latencystats; `all` or `everything`: every section).
pub fn render(state: &ServerState, wanted: &[String]) -> Result<String> {
    let all = wanted.iter().any(|w| matches!(w.as_str(), "all" | "everything"));
    let default = wanted.is_empty() || wanted.iter().any(|w| w == "default");
    let st = state.db.stats()?;
    let mut s = String::new();
    for section in SECTIONS {
        let picked = all || (default && !NOT_DEFAULT.contains(&section)) || wanted.iter().any(|w| w == section);
        if !picked {
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
                // Clients blocked in BLPOP and the like, and the keys they wait for. Nothing here
                // blocks until a key is deleted (Redis's XREADGROUP does), hence the last 0.
                let (blocked, blocking_keys) = state.blocked.counts();
                let _ = write!(
                    s,
                    "# Clients\r\nconnected_clients:{}\r\nmaxclients:{}\r\nblocked_clients:{blocked}\r\n\
                     total_blocking_keys:{blocking_keys}\r\ntotal_blocking_keys_on_nokey:0\r\n",
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
                // A checkpoint is our RDB save, the log our AOF: Redis's names where they fit.
                let e = &state.engine;
                let _ = write!(
                    s,
                    "# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:{}\r\n\
                     rdb_bgsave_in_progress:0\r\nrdb_last_save_time:{}\r\nrdb_last_bgsave_status:{}\r\n\
                     rdb_last_bgsave_time_sec:{}\r\nrdb_saves:{}\r\nrdb_last_cow_size:0\r\n\
                     aof_enabled:{}\r\naof_rewrite_in_progress:0\r\naof_last_write_status:{}\r\n\
                     aof_current_size:{}\r\n\
                     wal_bytes:{}\r\nwal_segments:{}\r\nlast_checkpoint_seq:{}\r\n\
                     last_checkpoint_unix_ms:{}\r\nlast_checkpoint_keys:{}\r\nlast_checkpoint_bytes:{}\r\n\
                     checkpoint_failures:{}\r\nfsyncs:{}\r\nslow_fsyncs:{}\r\nlog_rotations:{}\r\n",
                    st.sequence.saturating_sub(st.last_checkpoint_seq),
                    st.last_checkpoint_unix_ms / 1000,
                    if e.checkpoint_failures.load(Ordering::Relaxed) > 0 { "err" } else { "ok" },
                    e.last_checkpoint_micros.load(Ordering::Relaxed) / 1_000_000,
                    e.checkpoints.load(Ordering::Relaxed),
                    durable as u8,
                    if e.read_only.load(Ordering::Relaxed) { "err" } else { "ok" },
                    st.wal_bytes,
                    st.wal_bytes,
                    st.wal_segments,
                    st.last_checkpoint_seq,
                    st.last_checkpoint_unix_ms,
                    st.last_checkpoint_keys,
                    e.last_checkpoint_bytes.load(Ordering::Relaxed),
                    e.checkpoint_failures.load(Ordering::Relaxed),
                    st.fsyncs,
                    e.slow_fsyncs.load(Ordering::Relaxed),
                    e.rotations.load(Ordering::Relaxed),
                );
            }
            "stats" => {
                let c = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
                let errors: u64 = state.cmdstats.used().map(|(_, s)| c(&s.failed) + c(&s.rejected)).sum();
                // Channels and patterns with a subscriber; no shard channels (no SSUBSCRIBE).
                let (channels, patterns) = state.pubsub.counts();
                let _ = write!(
                    s,
                    "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\n\
                     instantaneous_ops_per_sec:{}\r\ntotal_net_input_bytes:{}\r\ntotal_net_output_bytes:{}\r\n\
                     keyspace_hits:{}\r\nkeyspace_misses:{}\r\npubsub_channels:{channels}\r\n\
                     pubsub_patterns:{patterns}\r\npubsubshard_channels:0\r\ntotal_error_replies:{errors}\r\n\
                     rejected_connections:{}\r\nexpired_keys:{}\r\nevicted_keys:{}\r\n\
                     total_transactions:{}\r\ntransaction_conflicts:{}\r\n",
                    c(&state.total_connections),
                    c(&state.total_commands),
                    state.ops_per_sec(),
                    c(&state.net_input_bytes),
                    c(&state.net_output_bytes),
                    c(&state.keyspace_hits),
                    c(&state.keyspace_misses),
                    c(&state.rejected_connections),
                    st.expired_keys,
                    st.evictions,
                    st.transactions,
                    st.conflicts,
                );
            }
            "replication" => s.push_str("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"),
            "commandstats" => {
                s.push_str("# Commandstats\r\n");
                for (name, cs) in state.cmdstats.used() {
                    let c = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
                    let (calls, usec) = (c(&cs.calls), c(&cs.nanos) / 1000);
                    let per_call = if calls == 0 { 0.0 } else { c(&cs.nanos) as f64 / 1000.0 / calls as f64 };
                    let _ = write!(
                        s,
                        "cmdstat_{name}:calls={calls},usec={usec},usec_per_call={per_call:.2},rejected_calls={},\
                         failed_calls={}\r\n",
                        c(&cs.rejected),
                        c(&cs.failed),
                    );
                }
            }
            "latencystats" => {
                s.push_str("# Latencystats\r\n");
                for (name, cs) in state.cmdstats.used() {
                    let h = cs.histogram();
                    if h.iter().all(|&n| n == 0) {
                        continue;
                    }
                    let _ = write!(
                        s,
                        "latency_percentiles_usec_{name}:p50={:.3},p99={:.3},p99.9={:.3}\r\n",
                        cs.percentile_us(&h, 0.5),
                        cs.percentile_us(&h, 0.99),
                        cs.percentile_us(&h, 0.999),
                    );
                }
            }
            "cluster" => {
                let _ = write!(s, "# Cluster\r\ncluster_enabled:{}\r\n", state.config.cluster_emulated as u8);
            }
            _ => {
                s.push_str("# Keyspace\r\n");
                if st.keys > 0 {
                    let (expires, avg_ttl) = state.db.ttl_summary()?;
                    let _ = write!(s, "db0:keys={},expires={expires},avg_ttl={avg_ttl}\r\n", st.keys);
                }
            }
        }
    }
    Ok(s)
}
