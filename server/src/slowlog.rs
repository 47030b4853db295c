//! SLOWLOG: the last `slowlog-max-len` commands that ran at least `slowlog-log-slower-than`
//! microseconds, with their arguments cut as Redis cuts them (32 arguments, 128 bytes each).
//!
//! The threshold is an atomic read by every command; the list's mutex is taken only by a command
//! that is slow enough to be logged (every command with a threshold of 0, which an operator sets
//! on purpose and briefly), so on the normal path nothing here is shared but one cache line.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};

use parking_lot::Mutex;

/// Arguments kept per entry; the last kept one says how many more there were.
const MAX_ARGS: usize = 32;
/// Bytes kept per argument.
const MAX_ARG_BYTES: usize = 128;

pub struct Entry {
    pub id: u64,
    pub unix_secs: u64,
    pub micros: u64,
    pub argv: Vec<Vec<u8>>,
    pub client_addr: String,
    pub client_name: String,
}

pub struct SlowLog {
    /// `slowlog-log-slower-than` in µs; negative: off.
    pub slower_than_us: AtomicI64,
    /// `slowlog-max-len`.
    pub max_len: AtomicUsize,
    next_id: AtomicU64,
    /// Newest first. Guards only the list.
    entries: Mutex<VecDeque<Entry>>,
}

impl Default for SlowLog {
    fn default() -> Self {
        SlowLog {
            slower_than_us: AtomicI64::new(10_000),
            max_len: AtomicUsize::new(128),
            next_id: AtomicU64::new(0),
            entries: Mutex::new(VecDeque::new()),
        }
    }
}

/// Arguments as SLOWLOG shows them.
fn trimmed(args: &[&[u8]]) -> Vec<Vec<u8>> {
    let n = args.len();
    let keep = if n > MAX_ARGS { MAX_ARGS - 1 } else { n };
    let mut out: Vec<Vec<u8>> = args[..keep]
        .iter()
        .map(|a| {
            if a.len() > MAX_ARG_BYTES {
                let mut s = a[..MAX_ARG_BYTES].to_vec();
                s.extend_from_slice(format!("... ({} more bytes)", a.len() - MAX_ARG_BYTES).as_bytes());
                s
            } else {
                a.to_vec()
            }
        })
        .collect();
    if n > MAX_ARGS {
        out.push(format!("... ({} more arguments)", n - keep).into_bytes());
    }
    out
}

impl SlowLog {
    /// True when a command of `micros` µs belongs in the log.
    #[inline]
    pub fn wants(&self, micros: u64) -> bool {
        let t = self.slower_than_us.load(Ordering::Relaxed);
        t >= 0 && micros >= t as u64
    }

    /// Logs a command (the caller checked [`SlowLog::wants`]).
    pub fn push(&self, args: &[&[u8]], micros: u64, client_addr: String, client_name: String) {
        let max = self.max_len.load(Ordering::Relaxed);
        if max == 0 {
            return;
        }
        let unix_secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let entry = Entry {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            unix_secs,
            micros,
            argv: trimmed(args),
            client_addr,
            client_name,
        };
        let mut list = self.entries.lock();
        list.push_front(entry);
        list.truncate(max);
    }

    pub fn len(&self) -> usize {
        self.entries.lock().len()
    }

    pub fn reset(&self) {
        self.entries.lock().clear();
    }

    /// Applies a new `slowlog-max-len` to the entries already logged.
    pub fn set_max_len(&self, n: usize) {
        self.max_len.store(n, Ordering::Relaxed);
        self.entries.lock().truncate(n);
    }

    /// Calls `f` with the newest `count` entries (all with `None`), newest first.
    pub fn newest(&self, count: Option<usize>, f: impl FnOnce(&mut dyn ExactSizeIterator<Item = &Entry>)) {
        let list = self.entries.lock();
        let n = count.unwrap_or(list.len()).min(list.len());
        f(&mut list.iter().take(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_trimmed_as_redis_trims_them() {
        let long = vec![b'A'; 130];
        let t = trimmed(&[&b"set"[..], b"k", &long]);
        assert_eq!(t[2], [&[b'A'; 128][..], b"... (2 more bytes)"].concat());
        let many: Vec<Vec<u8>> = (0..35).map(|i| i.to_string().into_bytes()).collect();
        let t = trimmed(&many.iter().map(Vec::as_slice).collect::<Vec<_>>());
        assert_eq!(t.len(), 32);
        assert_eq!(t[30], b"30");
        assert_eq!(t[31], b"... (4 more arguments)");
    }
}
