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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_engine_event_is_logged_counted_and_fed_to_latency() {
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(LogLevel::Verbose.tracing())
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let latency = Arc::new(Latency::default());
        latency.threshold_ms.store(1, Ordering::Relaxed);
        let log = EngineLog { latency: latency.clone(), counters: Arc::default() };
        let ms = Duration::from_millis;
        let events = [
            (Event::CheckpointStarted { seq: 7 }, "checkpoint started at sequence 7"),
            (Event::CheckpointFinished { seq: 7, keys: 3, bytes: 99, duration: ms(5) }, "3 keys, 99 bytes"),
            (Event::CheckpointFailed { error: "disk full".into() }, "checkpoint failed"),
            (
                Event::Recovered { checkpoint_keys: 1, records_replayed: 2, torn_records: 1, duration: ms(1) },
                "2 log records replayed, 1 torn records",
            ),
            (Event::SlowFsync { duration: ms(30) }, "slow fsync of the log: 30.000 ms"),
            (Event::LogRotated { segment: 4, duration: ms(2) }, "log moved to segment 4"),
            (Event::IndexGrown { capacity: 1024, duration: ms(3) }, "growing to 1024 slots"),
            (Event::ReadOnly { reason: "fsync failed".into() }, "refuses writes until it is reopened: fsync failed"),
        ];
        tracing::subscriber::with_default(subscriber, || {
            for (e, _) in &events {
                log.on_event(e);
            }
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        for (e, want) in &events {
            assert!(text.contains(want), "{e:?}: no {want:?} in\n{text}");
        }
        assert_eq!(text.lines().count(), events.len(), "{text}");
        let c = &log.counters;
        assert_eq!(c.checkpoints.load(Ordering::Relaxed), 1);
        assert_eq!(c.checkpoint_failures.load(Ordering::Relaxed), 1);
        assert_eq!(c.slow_fsyncs.load(Ordering::Relaxed), 1);
        assert!(c.read_only.load(Ordering::Relaxed));
        let names: Vec<&str> = latency.latest().iter().map(|l| l.0).collect();
        assert_eq!(names, ["checkpoint", "fsync", "index-growth", "log-rotation"]);
    }

    #[test]
    fn warning_level_keeps_only_problems() {
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(LogLevel::Warning.tracing())
            .with_writer(move || writer.clone())
            .finish();
        let log = EngineLog { latency: Arc::default(), counters: Arc::default() };
        tracing::subscriber::with_default(subscriber, || {
            log.on_event(&Event::CheckpointStarted { seq: 1 });
            log.on_event(&Event::ReadOnly { reason: "x".into() });
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("WARN"), "{text}");
    }
}
