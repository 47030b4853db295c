//! The option objects JavaScript passes (`open`, `put`, scans) and their translation into the
//! engine's types. Field names are camelCase on the JavaScript side.

use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::{Options, SyncMode};

use crate::error::{invalid, Result};

/// Options of `open()`. Every field is optional; the defaults are the engine's.
#[napi(object)]
#[derive(Default)]
pub struct OpenOptions {
    /// When a write is forced to disk: `'always'` (every write is fsynced before it returns;
    /// survives a power cut), `'interval'` (the default: a write has reached the OS when it
    /// returns, so it survives a crash of the process, and a background thread fsyncs every
    /// `syncIntervalMs`) or `'never'` (the OS writes back when it likes).
    #[napi(ts_type = "'always' | 'interval' | 'never'")]
    pub sync: Option<String>,
    /// Period of the background fsync with `sync: 'interval'`, in milliseconds (default 1000).
    pub sync_interval_ms: Option<u32>,
    /// Longest key accepted, in bytes (default 65536).
    pub max_key_size: Option<u32>,
    /// Longest value accepted, in bytes (default 64 MiB).
    pub max_value_size: Option<u32>,
    /// Size of each log segment file, in bytes (default 16 MiB).
    pub wal_segment_size: Option<f64>,
    /// A background checkpoint starts when the log passes this many bytes (default 64 MiB)...
    pub checkpoint_wal_bytes: Option<f64>,
    /// ...and holds more than this many times the live data (default 2).
    pub checkpoint_wal_ratio: Option<f64>,
    /// Run checkpoints in the background when those thresholds are passed (default true).
    pub auto_checkpoint: Option<bool>,
}

/// A JavaScript number that must be a whole number of bytes.
fn byte_count(name: &str, v: f64) -> Result<u64> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= u64::MAX as f64 {
        Ok(v as u64)
    } else {
        Err(invalid(format!("{name} must be a non-negative integer, not {v}")))
    }
}

impl OpenOptions {
    /// The engine options, starting from the engine defaults.
    pub fn to_engine(&self) -> Result<Options> {
        let mut o = Options::default();
        let interval = Duration::from_millis(u64::from(self.sync_interval_ms.unwrap_or(1000)));
        o.sync = match self.sync.as_deref() {
            None | Some("interval") => SyncMode::Interval(interval),
            Some("always") => SyncMode::Always,
            Some("never") => SyncMode::Never,
            Some(other) => return Err(invalid(format!("sync must be 'always', 'interval' or 'never', not '{other}'"))),
        };
        if let Some(v) = self.max_key_size {
            o.max_key_size = v as usize;
        }
        if let Some(v) = self.max_value_size {
            o.max_value_size = v as usize;
        }
        if let Some(v) = self.wal_segment_size {
            o.wal_segment_size = byte_count("walSegmentSize", v)?;
        }
        if let Some(v) = self.checkpoint_wal_bytes {
            o.checkpoint_wal_bytes = byte_count("checkpointWalBytes", v)?;
        }
        if let Some(v) = self.checkpoint_wal_ratio {
            o.checkpoint_wal_ratio = v;
        }
        if let Some(v) = self.auto_checkpoint {
            o.auto_checkpoint = v;
        }
        Ok(o)
    }
}

/// Options of a single `put`.
#[napi(object)]
pub struct PutOptions {
    /// Time to live in milliseconds: the key reads as absent once it has passed.
    pub ttl: Option<f64>,
}

/// A JavaScript number of milliseconds (named `name` in errors) as a duration.
pub fn millis(name: &str, ms: f64) -> Result<Duration> {
    // The range also rules out NaN and infinities, and keeps `from_secs_f64` from panicking on
    // huge values (1e19 ms is some 300 million years, past any expiry the engine can store).
    if (0.0..1e19).contains(&ms) {
        Ok(Duration::from_secs_f64(ms / 1000.0))
    } else {
        Err(invalid(format!("{name} must be a non-negative number of milliseconds, not {ms}")))
    }
}

/// The TTL of `options`, if one was given.
pub fn ttl_of(options: &Option<PutOptions>) -> Result<Option<Duration>> {
    options.as_ref().and_then(|o| o.ttl).map(|ms| millis("ttl", ms)).transpose()
}

/// Options of `scan()`, `scanAsync()` and `Snapshot#scan()`. Give either `prefix` or range bounds
/// (`gt`/`gte` and `lt`/`lte`), or nothing for every key.
#[napi(object)]
pub struct ScanOptions {
    /// Only keys that start with these bytes.
    pub prefix: Option<Either<String, Uint8Array>>,
    /// Keys greater than this.
    pub gt: Option<Either<String, Uint8Array>>,
    /// Keys greater than or equal to this.
    pub gte: Option<Either<String, Uint8Array>>,
    /// Keys less than this.
    pub lt: Option<Either<String, Uint8Array>>,
    /// Keys less than or equal to this.
    pub lte: Option<Either<String, Uint8Array>>,
    /// Walk from the last key to the first.
    pub reverse: Option<bool>,
    /// Stop after this many entries.
    pub limit: Option<u32>,
    /// How keys are returned: `'buffer'` (default) or `'utf8'` strings.
    #[napi(ts_type = "'buffer' | 'utf8'")]
    pub key_encoding: Option<String>,
    /// How values are returned: `'buffer'` (default) or `'utf8'` strings.
    #[napi(ts_type = "'buffer' | 'utf8'")]
    pub value_encoding: Option<String>,
}
