//! Progress bars on stderr for the long commands (`load`, `dump`, `backup`, `verify`): bytes or
//! keys done, rate and time left, drawn only when stderr is a terminal, so that a piped or
//! redirected run prints exactly what it printed before.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

fn styled(pb: ProgressBar, template: &str) -> ProgressBar {
    // The templates are constants of this file: a bad one is a bug, caught by the tests.
    pb.set_style(ProgressStyle::with_template(template).expect("a valid progress template").progress_chars("=> "));
    pb
}

/// Bytes of `total` (a spinner with bytes and rate when the size is unknown, as for a pipe).
pub fn bytes(what: &str, total: Option<u64>) -> ProgressBar {
    let pb = match total {
        Some(t) => styled(
            ProgressBar::with_draw_target(Some(t), target()),
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {elapsed} elapsed, {eta} left",
        ),
        None => {
            styled(ProgressBar::with_draw_target(None, target()), "{spinner} {msg} {bytes} {bytes_per_sec} {elapsed}")
        }
    };
    pb.set_message(what.to_string());
    pb
}

/// Keys of `total`.
pub fn keys(what: &str, total: u64) -> ProgressBar {
    let pb = styled(
        ProgressBar::with_draw_target(Some(total), target()),
        "{msg} [{bar:30}] {human_pos}/{human_len} keys {per_sec} {elapsed} elapsed, {eta} left",
    );
    pb.set_message(what.to_string());
    pb
}
