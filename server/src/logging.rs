//! The server's log: `tracing` events at Redis's four levels (`--loglevel`), written to a file
//! (`--logfile`) or stderr, and the engine listener that turns the store's events
//! (`scalodb::Event`) into log lines, LATENCY spikes and the counters `/metrics` reports.
//!
//! What is logged: the startup line, checkpoints, recovery, slow fsyncs, the switch to read-only,
//! refused clients, protocol errors and killed clients; never a line per command. Redis's
//! `notice` is tracing's INFO, `verbose` DEBUG, `debug` TRACE, `warning` WARN.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use scalodb::{Event, EventListener};

use crate::latency::Latency;

/// Redis's log levels, most verbose first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
}

impl LogLevel {
    /// The level named as in redis.conf (`debug`, `verbose`, `notice`, `warning`).
    pub fn parse(name: &str) -> Option<LogLevel> {
        match name.to_ascii_lowercase().as_str() {
            "debug" => Some(LogLevel::Debug),
            "verbose" => Some(LogLevel::Verbose),
            "notice" => Some(LogLevel::Notice),
            "warning" => Some(LogLevel::Warning),
            _ => None,
        }
    }

    fn tracing(self) -> tracing::Level {
        match self {
            LogLevel::Debug => tracing::Level::TRACE,
            LogLevel::Verbose => tracing::Level::DEBUG,
            LogLevel::Notice => tracing::Level::INFO,
            LogLevel::Warning => tracing::Level::WARN,
        }
    }
}

/// Where the log goes; see `ServerConfig::log`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogConfig {
    pub level: LogLevel,
    /// Appended to; `None`: stderr.
    pub file: Option<PathBuf>,
}

/// Installs the process-wide subscriber. A process has one: if the embedding program installed
/// its own first, the server's events go there and this does nothing.
pub fn init(cfg: &LogConfig) -> scalodb::Result<()> {
    let builder = tracing_subscriber::fmt().with_max_level(cfg.level.tracing()).with_ansi(false).with_target(false);
    let _ = match &cfg.file {
        Some(path) => {
            let file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| {
                scalodb::Error::Io { context: format!("opening the log file {}", path.display()), source: e }
            })?;
            builder.with_writer(std::sync::Mutex::new(file)).try_init()
        }
        None => builder.with_writer(std::io::stderr).try_init(),
    };
    Ok(())
}

/// The engine's events as counted for `/metrics` and INFO.
#[derive(Default)]
pub struct EngineCounters {
    pub checkpoints: AtomicU64,
    pub checkpoint_failures: AtomicU64,
    pub checkpoint_nanos: AtomicU64,
    pub last_checkpoint_bytes: AtomicU64,
    pub last_checkpoint_micros: AtomicU64,
    pub slow_fsyncs: AtomicU64,
    pub rotations: AtomicU64,
    pub index_growths: AtomicU64,
    /// The store turned read-only after a failed write to disk.
    pub read_only: std::sync::atomic::AtomicBool,
}

/// The listener the server installs on its store.
pub struct EngineLog {
    pub latency: Arc<Latency>,
    pub counters: Arc<EngineCounters>,
}

fn ms(d: std::time::Duration) -> u64 {
    d.as_millis() as u64
}

impl EventListener for EngineLog {
    fn on_event(&self, event: &Event) {
        let c = &self.counters;
        match event {
            Event::CheckpointStarted { seq } => tracing::info!("checkpoint started at sequence {seq}"),
            Event::CheckpointFinished { seq, keys, bytes, duration } => {
                c.checkpoints.fetch_add(1, Ordering::Relaxed);
                c.checkpoint_nanos.fetch_add(duration.as_nanos() as u64, Ordering::Relaxed);
                c.last_checkpoint_bytes.store(*bytes, Ordering::Relaxed);
                c.last_checkpoint_micros.store(duration.as_micros() as u64, Ordering::Relaxed);
                self.latency.record("checkpoint", ms(*duration));
                tracing::info!(
                    "checkpoint finished at sequence {seq}: {keys} keys, {bytes} bytes in {:.3}s",
                    duration.as_secs_f64()
                );
            }
            Event::CheckpointFailed { error } => {
                c.checkpoint_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("checkpoint failed (the log is kept; it will be tried again): {error}");
            }
            Event::Recovered { checkpoint_keys, records_replayed, torn_records, duration } => tracing::info!(
                "store opened in {:.3}s: {checkpoint_keys} keys from the checkpoint, {records_replayed} log records \
                 replayed, {torn_records} torn records cut off the log tail",
                duration.as_secs_f64()
            ),
            Event::SlowFsync { duration } => {
                c.slow_fsyncs.fetch_add(1, Ordering::Relaxed);
                self.latency.record("fsync", ms(*duration));
                tracing::info!("slow fsync of the log: {:.3} ms", duration.as_secs_f64() * 1000.0);
            }
            Event::LogRotated { segment, duration } => {
                c.rotations.fetch_add(1, Ordering::Relaxed);
                self.latency.record("log-rotation", ms(*duration));
                tracing::debug!("log moved to segment {segment} ({} µs)", duration.as_micros());
            }
            Event::IndexGrown { capacity, duration } => {
                c.index_growths.fetch_add(1, Ordering::Relaxed);
                self.latency.record("index-growth", ms(*duration));
                tracing::debug!("hash index growing to {capacity} slots ({} µs)", duration.as_micros());
            }
            Event::ReadOnly { reason } => {
                c.read_only.store(true, Ordering::Relaxed);
                tracing::warn!("the store refuses writes until it is reopened: {reason}")
            }
            other => tracing::debug!("engine event: {other:?}"),
        }
    }
}
