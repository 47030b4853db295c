//! Named points where tests make the engine fail (an errno, a short write) or crash (abort the
//! process), optionally only on the Nth time execution reaches the point.
//!
//! Off by default and costing one relaxed load when off. Every system call on the durability path
//! goes through `fsutil.rs`, which checks the point named after it:
//!
//! | point | call | where |
//! |---|---|---|
//! | `wal.create` | `open(O_CREAT\|O_EXCL)` | a new log segment's `.tmp` file (open, rotation) |
//! | `wal.preallocate` | `posix_fallocate` | a new log segment (a full disk shows up here) |
//! | `wal.create_sync` | `fdatasync` | the new segment's header, before it is renamed |
//! | `wal.create_rename` | `rename` | the new segment's `.tmp` into place |
//! | `dir.parent_sync` | `fsync` of a parent directory | a store or backup directory just created |
//! | `wal.sync` | `fdatasync` | group commit, interval syncer, rotation, `Db::sync`, close |
//! | `dir.sync` | `fsync` of the directory | after a log segment is created or removed |
//! | `wal.remove` | `unlink` | log segments a checkpoint covers |
//! | `checkpoint.create` | `open(O_CREAT\|O_TRUNC)` | the checkpoint's `.tmp` file |
//! | `checkpoint.write` | `write` | every write of the `.tmp` file (short writes allowed) |
//! | `checkpoint.before_sync` | `fsync` | the `.tmp` file |
//! | `checkpoint.before_rename` | `rename` | `.tmp` into place |
//! | `checkpoint.after_rename` | `fsync` of the directory | after the rename |
//! | `checkpoint.remove` | `unlink` | checkpoints the new one supersedes |
//!
//! Tests in this crate call [`set`], [`set_nth`] or [`set_from`]; a child process in a crash test
//! is configured with `SCALODB_FAILPOINTS=name=action[@N[+]],...` (action `abort`, `error`, `eio`,
//! `enospc` or `short`; `@N` only the Nth hit, `@N+` the Nth and every later one), read when the
//! first database opens. Points are process-wide: tests that arm them must not run concurrently.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use parking_lot::Mutex;

/// What happens when execution reaches an armed point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailAction {
    /// The call at that point fails with a generic I/O error (`ErrorKind::Other`).
    Error,
    /// The call fails with this errno (`libc::EIO`, `libc::ENOSPC`...), as the kernel would.
    Errno(i32),
    /// A write at that point writes only part of its buffer and reports the shorter length, as
    /// `write(2)` may; the caller must write the rest. At points that do not write it is an EIO.
    ShortWrite,
    /// The process aborts there, as if it were killed.
    Abort,
}

/// Which hits of a point a rule applies to, counting from 1 since the point was first armed.
#[derive(Clone, Copy, Debug)]
enum Hits {
    Every,
    Only(u64),
    From(u64),
}

struct Point {
    name: String,
    hits: u64,
    rules: Vec<(Hits, FailAction)>,
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The armed points (guards nothing else; taken only when `ACTIVE` is set).
static POINTS: Mutex<Vec<Point>> = Mutex::new(Vec::new());
static FROM_ENV: Once = Once::new();

fn add_rule(name: &str, hits: Hits, action: FailAction, replace: bool) {
    let mut points = POINTS.lock();
    match points.iter_mut().find(|p| p.name == name) {
        Some(p) if replace => p.rules = vec![(hits, action)],
        Some(p) => p.rules.push((hits, action)),
        None => points.push(Point { name: name.to_string(), hits: 0, rules: vec![(hits, action)] }),
    }
    ACTIVE.store(true, Ordering::Release);
}

/// Arms `name` with `action` on every hit (replacing earlier rules of the same point).
pub fn set(name: &str, action: FailAction) {
    add_rule(name, Hits::Every, action, true);
}

/// Adds a rule to `name`: `action` on its `n`th hit only (1 = the next one if the point was not
/// armed before). Rules added first win when several apply.
pub fn set_nth(name: &str, action: FailAction, n: u64) {
    add_rule(name, Hits::Only(n), action, false);
}

/// Adds a rule to `name`: `action` on its `n`th hit and every later one.
pub fn set_from(name: &str, action: FailAction, n: u64) {
    add_rule(name, Hits::From(n), action, false);
}

/// How many times execution reached `name` since it was armed (0 if it is not armed).
pub fn hits(name: &str) -> u64 {
    POINTS.lock().iter().find(|p| p.name == name).map_or(0, |p| p.hits)
}

/// Disarms every point and forgets their hit counts.
pub fn clear() {
    POINTS.lock().clear();
    ACTIVE.store(false, Ordering::Release);
}

fn parse_action(s: &str) -> FailAction {
    match s {
        "abort" => FailAction::Abort,
        "eio" => FailAction::Errno(libc::EIO),
        "enospc" => FailAction::Errno(libc::ENOSPC),
        "short" => FailAction::ShortWrite,
        _ => FailAction::Error,
    }
}

pub(crate) fn load_from_env() {
    FROM_ENV.call_once(|| {
        let Ok(spec) = std::env::var("SCALODB_FAILPOINTS") else { return };
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (name, rest) = part.split_once('=').unwrap_or((part, "error"));
            let (action, when) = rest.split_once('@').unwrap_or((rest, ""));
            let action = parse_action(action);
            match (when.strip_suffix('+'), when) {
                (_, "") => set(name, action),
                (Some(n), _) => set_from(name, action, n.parse().unwrap_or(1)),
                (None, n) => set_nth(name, action, n.parse().unwrap_or(1)),
            }
        }
    });
}

/// The action armed for this hit of `name`, if any. Counts the hit.
#[cold]
fn fire(name: &str) -> Option<FailAction> {
    let mut points = POINTS.lock();
    let p = points.iter_mut().find(|p| p.name == name)?;
    p.hits += 1;
    let n = p.hits;
    p.rules
        .iter()
        .find(|(h, _)| match *h {
            Hits::Every => true,
            Hits::Only(k) => n == k,
            Hits::From(k) => n >= k,
        })
        .map(|&(_, a)| a)
}

fn injected(name: &str, action: FailAction) -> io::Error {
    match action {
        FailAction::Errno(errno) => io::Error::from_raw_os_error(errno),
        FailAction::ShortWrite => io::Error::from_raw_os_error(libc::EIO),
        FailAction::Error => io::Error::other(format!("injected failure at {name}")),
        FailAction::Abort => std::process::abort(),
    }
}

/// Checks point `name`: Ok when it is not armed for this hit.
#[inline]
pub(crate) fn hit(name: &str) -> io::Result<()> {
    if !ACTIVE.load(Ordering::Relaxed) {
        return Ok(());
    }
    match fire(name) {
        None => Ok(()),
        Some(action) => Err(injected(name, action)),
    }
}

/// Checks a point before a write of `len` bytes: how many bytes the write may pass to the kernel
/// (`len`, or fewer for an injected short write), or the injected error.
#[inline]
pub(crate) fn hit_write(name: &str, len: usize) -> io::Result<usize> {
    if !ACTIVE.load(Ordering::Relaxed) {
        return Ok(len);
    }
    match fire(name) {
        None => Ok(len),
        Some(FailAction::ShortWrite) => Ok((len / 2).max(1).min(len)),
        Some(action) => Err(injected(name, action)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fire_on_the_hits_they_name_and_short_writes_shorten() {
        // A point no engine code checks, so other tests in this binary are not disturbed.
        let p = "test.only";
        set_nth(p, FailAction::ShortWrite, 2);
        set_from(p, FailAction::Errno(libc::ENOSPC), 4);
        assert_eq!(hit_write(p, 10).unwrap(), 10);
        assert_eq!(hit_write(p, 10).unwrap(), 5);
        assert_eq!(hit_write(p, 1).unwrap(), 1);
        assert_eq!(hit_write(p, 10).unwrap_err().raw_os_error(), Some(libc::ENOSPC));
        assert_eq!(hit(p).unwrap_err().kind(), io::ErrorKind::StorageFull);
        assert_eq!(hits(p), 5);
        set(p, FailAction::Errno(libc::EIO));
        assert_eq!(hit(p).unwrap_err().raw_os_error(), Some(libc::EIO));
        POINTS.lock().retain(|q| q.name != p);
        assert!(hit(p).is_ok());
        assert_eq!(hits(p), 0);
    }
}
