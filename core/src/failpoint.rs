//! Named points where tests make the engine fail (an I/O error) or crash (abort the process).
//!
//! Off by default and costing one relaxed load when off. Tests in this crate call [`set`]; a child
//! process in a crash test is configured with `SCALODB_FAILPOINTS=name=abort,other=error`, read
//! when the first database opens.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use parking_lot::Mutex;

/// What happens when execution reaches an armed point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailAction {
    /// The operation at that point returns an I/O error.
    Error,
    /// The process aborts there, as if it were killed.
    Abort,
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static POINTS: Mutex<Vec<(String, FailAction)>> = Mutex::new(Vec::new());
static FROM_ENV: Once = Once::new();

/// Arms `name` with `action` (replacing an earlier setting of the same point).
pub fn set(name: &str, action: FailAction) {
    let mut points = POINTS.lock();
    points.retain(|(n, _)| n != name);
    points.push((name.to_string(), action));
    ACTIVE.store(true, Ordering::Release);
}

/// Disarms every point.
pub fn clear() {
    POINTS.lock().clear();
    ACTIVE.store(false, Ordering::Release);
}

pub(crate) fn load_from_env() {
    FROM_ENV.call_once(|| {
        let Ok(spec) = std::env::var("SCALODB_FAILPOINTS") else { return };
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (name, action) = part.split_once('=').unwrap_or((part, "error"));
            let action = if action == "abort" { FailAction::Abort } else { FailAction::Error };
            set(name, action);
        }
    });
}

/// Checks point `name`: Ok when it is not armed.
#[inline]
pub(crate) fn hit(name: &str) -> io::Result<()> {
    if !ACTIVE.load(Ordering::Relaxed) {
        return Ok(());
    }
    let action = POINTS.lock().iter().find(|(n, _)| n == name).map(|(_, a)| *a);
    match action {
        None => Ok(()),
        Some(FailAction::Error) => Err(io::Error::other(format!("injected failure at {name}"))),
        Some(FailAction::Abort) => std::process::abort(),
    }
}
