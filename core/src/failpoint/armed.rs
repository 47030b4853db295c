//! The armed implementation of failpoints (feature `failpoints`): rules per point, hit counts,
//! and the rules `SCALODB_FAILPOINTS` gives a child process.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

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
static FROM_ENV: OnceLock<std::result::Result<(), String>> = OnceLock::new();

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

fn parse_action(s: &str) -> Option<FailAction> {
    Some(match s {
        "abort" => FailAction::Abort,
        "error" => FailAction::Error,
        "eio" => FailAction::Errno(libc::EIO),
        "enospc" => FailAction::Errno(libc::ENOSPC),
        "short" => FailAction::ShortWrite,
        _ => return None,
    })
}

/// One `name=action[@N[+]]` rule of `SCALODB_FAILPOINTS`.
fn parse_rule(part: &str) -> std::result::Result<(&str, FailAction, Hits), String> {
    let (name, rest) = part.split_once('=').ok_or_else(|| format!("`{part}` has no `=action`"))?;
    let (action, when) = rest.split_once('@').unwrap_or((rest, ""));
    let action = parse_action(action)
        .ok_or_else(|| format!("`{part}`: unknown action `{action}` (abort, error, eio, enospc or short)"))?;
    let count = |n: &str| {
        n.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| format!("`{part}`: `{n}` is not a hit number"))
    };
    let hits = match (when, when.strip_suffix('+')) {
        ("", _) => Hits::Every,
        (_, Some(n)) => Hits::From(count(n)?),
        (n, None) => Hits::Only(count(n)?),
    };
    Ok((name, action, hits))
}

/// Arms the points named in `SCALODB_FAILPOINTS` (read once per process, when the first store
/// opens). A rule that does not parse is an error for every open, never taken as some default.
pub(crate) fn load_from_env() -> crate::Result<()> {
    let loaded = FROM_ENV.get_or_init(|| {
        let Ok(spec) = std::env::var("SCALODB_FAILPOINTS") else { return Ok(()) };
        let rules =
            spec.split(',').filter(|p| !p.is_empty()).map(parse_rule).collect::<std::result::Result<Vec<_>, _>>()?;
        for (name, action, hits) in rules {
            add_rule(name, hits, action, false);
        }
        Ok(())
    });
    loaded.clone().map_err(|e| crate::Error::InvalidArgument(format!("SCALODB_FAILPOINTS: {e}")))
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
        assert!(matches!(parse_rule("wal.sync=abort@3+"), Ok(("wal.sync", FailAction::Abort, Hits::From(3)))));
        assert!(parse_rule("wal.sync=abrot").unwrap_err().contains("unknown action `abrot`"));
        assert!(parse_rule("wal.sync").is_err());
        assert!(parse_rule("wal.sync=eio@0").is_err());
        assert_eq!(hits(p), 0);
    }
}
