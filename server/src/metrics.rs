//! `/metrics`: the server's figures in the Prometheus text exposition format (version 0.0.4),
//! over a minimal HTTP/1.1 endpoint on the server's runtime (`ServerConfig::metrics_addr`).
//!
//! Names follow the widely used Redis exporter's where the meaning is the same
//! (`redis_db_keys{db="db0"}`, `redis_commands_total{cmd="get"}`...), so dashboards made for
//! Redis keep working; figures of our own are `scalodb_*`. The exporter's
//! `redis_instantaneous_ops_per_sec` is left out: `promtool check metrics` rejects its
//! abbreviated unit, and `rate(redis_commands_processed_total[1m])` says the same. The HTTP side answers one request per
//! connection and closes it: GET (or HEAD) of `/metrics`, 404 for other paths, 405 for other
//! methods, 400 for what is not HTTP, each within a bounded read of the request head.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::cmdstats::{bucket_upper_ns, BUCKETS};
use crate::state::ServerState;

/// Longest request head read; a scraper sends a few hundred bytes.
const MAX_HEAD: usize = 8 * 1024;
/// Time a client gets to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Histogram bounds: powers of two nanoseconds from 2^10 (1.024 µs) to 2^34 (17.2 s), which are
/// bucket edges of the per-command histograms, so the cumulative counts are exact.
const LE_POWERS: std::ops::RangeInclusive<u32> = 10..=34;

/// Accepts scrapes until the server stops.
pub async fn serve(listener: TcpListener, state: Arc<ServerState>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            biased;
            _ = shutdown.changed() => return,
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let state = state.clone();
        tokio::spawn(async move {
            // A scraper that goes away mid-answer has nobody to tell.
            let _ = answer(stream, &state).await;
        });
    }
}

async fn answer(mut stream: TcpStream, state: &ServerState) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let complete = tokio::time::timeout(READ_TIMEOUT, async {
        let mut chunk = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
            if head.len() >= MAX_HEAD {
                return false;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => head.extend_from_slice(&chunk[..n]),
            }
        }
        true
    })
    .await
    .unwrap_or(false);
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let parts: Vec<&str> = line.trim_end().split(' ').collect();
    let (status, body, head_only) = match parts.as_slice() {
        _ if !complete => ("400 Bad Request", "bad request\n".to_string(), false),
        [method, target, version] if version.starts_with("HTTP/1.") => {
            let path = target.split('?').next().unwrap_or_default();
            match (*method, path) {
                ("GET" | "HEAD", "/metrics") => ("200 OK", render(state), *method == "HEAD"),
                (_, "/metrics") => ("405 Method Not Allowed", "only GET and HEAD\n".to_string(), false),
                _ => ("404 Not Found", "not found: the metrics are at /metrics\n".to_string(), false),
            }
        }
        _ => ("400 Bad Request", "bad request\n".to_string(), false),
    };
    let content_type = if status.starts_with("200") {
        "text/plain; version=0.0.4; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if status.starts_with("405") {
        reply.push_str("Allow: GET, HEAD\r\n");
    }
    reply.push_str("\r\n");
    if !head_only {
        reply.push_str(&body);
    }
    stream.write_all(reply.as_bytes()).await?;
    stream.shutdown().await
}

/// Resident set size of this process, from /proc (0 where there is none).
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

struct Text(String);

impl Text {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = write!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}\n");
    }

    fn one(&mut self, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
        self.family(name, kind, help);
        let _ = writeln!(self.0, "{name} {value}");
    }
}

/// The whole exposition.
pub fn render(state: &ServerState) -> String {
    let mut t = Text(String::with_capacity(16 * 1024));
    let st = state.db.stats().unwrap_or_default();
    let (expiring, avg_ttl_ms) = state.db.ttl_summary().unwrap_or((0, 0));
    let c = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
    t.one("redis_up", "gauge", "1 while the server answers.", 1);
    t.one("redis_uptime_in_seconds", "gauge", "Seconds since the server started.", state.started.elapsed().as_secs());
    t.one("redis_connected_clients", "gauge", "Clients connected now.", state.connected.load(Ordering::Relaxed));
    t.one("redis_max_clients", "gauge", "maxclients.", state.max_conns.load(Ordering::Relaxed));
    t.one("redis_connections_received_total", "counter", "Connections accepted.", c(&state.total_connections));
    t.one("redis_rejected_connections_total", "counter", "Connections refused.", c(&state.rejected_connections));
    t.one("redis_commands_processed_total", "counter", "Commands run.", c(&state.total_commands));
    t.one("redis_keyspace_hits_total", "counter", "Key lookups that found the key.", c(&state.keyspace_hits));
    t.one("redis_keyspace_misses_total", "counter", "Key lookups that did not.", c(&state.keyspace_misses));
    t.one("redis_expired_keys_total", "counter", "Keys whose time-to-live ran out.", st.expired_keys);
    t.one("redis_evicted_keys_total", "counter", "Keys evicted to stay under the memory limit.", st.evictions);
    t.one("redis_net_input_bytes_total", "counter", "Bytes read from clients.", c(&state.net_input_bytes));
    t.one("redis_net_output_bytes_total", "counter", "Bytes written to clients.", c(&state.net_output_bytes));
    t.one("redis_memory_used_bytes", "gauge", "Memory held for data.", st.memory_bytes);
    t.one("redis_memory_used_rss_bytes", "gauge", "Resident set size of the process.", rss_bytes());
    t.one("redis_memory_max_bytes", "gauge", "maxmemory (0: none).", state.db.options().max_memory.unwrap_or(0));
    t.one("redis_slowlog_length", "gauge", "Entries in the slow log.", state.slowlog.len());
    t.family("redis_db_keys", "gauge", "Keys in the database.");
    let _ = writeln!(t.0, "redis_db_keys{{db=\"db0\"}} {}", st.keys);
    t.family("redis_db_keys_expiring", "gauge", "Keys with a time-to-live.");
    let _ = writeln!(t.0, "redis_db_keys_expiring{{db=\"db0\"}} {expiring}");
    t.family("redis_db_avg_ttl_seconds", "gauge", "Average remaining time-to-live of the keys that have one.");
    let _ = writeln!(t.0, "redis_db_avg_ttl_seconds{{db=\"db0\"}} {}", avg_ttl_ms as f64 / 1000.0);

    let used: Vec<_> = state.cmdstats.used().collect();
    let per_cmd = |t: &mut Text, name: &str, help: &str, f: &dyn Fn(&crate::cmdstats::CmdStat) -> String| {
        t.family(name, "counter", help);
        for (cmd, s) in &used {
            let _ = writeln!(t.0, "{name}{{cmd=\"{cmd}\"}} {}", f(s));
        }
    };
    per_cmd(&mut t, "redis_commands_total", "Calls per command.", &|s| c(&s.calls).to_string());
    per_cmd(&mut t, "redis_commands_duration_seconds_total", "Time spent per command.", &|s| {
        (c(&s.nanos) as f64 / 1e9).to_string()
    });
    per_cmd(&mut t, "redis_commands_rejected_calls_total", "Calls refused before running.", &|s| {
        c(&s.rejected).to_string()
    });
    per_cmd(&mut t, "redis_commands_failed_calls_total", "Calls that ran and failed.", &|s| c(&s.failed).to_string());
    t.family("scalodb_command_duration_seconds", "histogram", "Latency of each command.");
    for (cmd, s) in &used {
        let hist = s.histogram();
        let mut cumulative = 0u64;
        let mut i = 0;
        for p in LE_POWERS {
            let edge = (1u64 << p) - 1;
            while i < BUCKETS && bucket_upper_ns(i) <= edge {
                cumulative += hist[i];
                i += 1;
            }
            let _ = writeln!(
                t.0,
                "scalodb_command_duration_seconds_bucket{{cmd=\"{cmd}\",le=\"{}\"}} {cumulative}",
                (1u64 << p) as f64 / 1e9
            );
        }
        let count: u64 = hist.iter().sum();
        let _ = writeln!(t.0, "scalodb_command_duration_seconds_bucket{{cmd=\"{cmd}\",le=\"+Inf\"}} {count}");
        let _ = writeln!(t.0, "scalodb_command_duration_seconds_sum{{cmd=\"{cmd}\"}} {}", c(&s.nanos) as f64 / 1e9);
        let _ = writeln!(t.0, "scalodb_command_duration_seconds_count{{cmd=\"{cmd}\"}} {count}");
    }

    let e = &state.engine;
    t.one("scalodb_checkpoints_total", "counter", "Checkpoints written since the server started.", c(&e.checkpoints));
    t.one("scalodb_checkpoint_failures_total", "counter", "Checkpoints that failed.", c(&e.checkpoint_failures));
    t.one(
        "scalodb_checkpoint_duration_seconds_total",
        "counter",
        "Time spent writing checkpoints.",
        c(&e.checkpoint_nanos) as f64 / 1e9,
    );
    t.one("scalodb_last_checkpoint_bytes", "gauge", "Size of the last checkpoint file.", c(&e.last_checkpoint_bytes));
    t.one("scalodb_last_checkpoint_keys", "gauge", "Keys in the last checkpoint.", st.last_checkpoint_keys);
    t.one(
        "scalodb_last_checkpoint_timestamp_seconds",
        "gauge",
        "When the last checkpoint was written (0: never).",
        st.last_checkpoint_unix_ms as f64 / 1000.0,
    );
    t.one("scalodb_fsyncs_total", "counter", "fsyncs of the log.", st.fsyncs);
    t.one("scalodb_slow_fsyncs_total", "counter", "fsyncs slower than the slow-fsync threshold.", c(&e.slow_fsyncs));
    t.one("scalodb_log_bytes", "gauge", "Bytes in the log segments on disk.", st.wal_bytes);
    t.one("scalodb_log_segments", "gauge", "Log segment files on disk.", st.wal_segments);
    t.one("scalodb_log_rotations_total", "counter", "Moves of the log to a new segment.", c(&e.rotations));
    t.one("scalodb_index_growths_total", "counter", "Growths of the hash index.", c(&e.index_growths));
    t.one("scalodb_transaction_conflicts_total", "counter", "Transaction commits that met a conflict.", st.conflicts);
    t.0
}
