//! Wall-clock time in milliseconds since the Unix epoch: the unit of expiry times everywhere.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub(crate) fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The absolute expiry of a time-to-live starting now (never 0, which means "no expiry").
pub(crate) fn expiry_after(ttl: Duration) -> u64 {
    now_ms().saturating_add(ttl.as_millis().min(u64::MAX as u128) as u64).max(1)
}
