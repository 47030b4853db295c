//! The control socket of forgetfs: one command per connection, one line each way (`trace` answers
//! with many lines and `end`).
//!
//! - `status` → `alive steps=N` or `dead at=NS REASON`
//! - `cut [strict | random SEED | tear SEED]` → `ok REPORT`: the power goes off now
//! - `arm KIND:N [strict | random SEED | tear SEED]` → `ok`: cut just before the Nth operation of
//!   KIND (create, mkdir, write, setsize, fallocate, fsync, fsyncdir, rename, unlink, rmdir), or
//!   before the Nth step of any kind but write with `step:N`, or before the Nth operation of
//!   KIND (not write) on PATH (relative to the root, as `trace` prints it) with `KIND@PATH:N`
//! - `counts` → `ok create=N mkdir=N ...`
//! - `trace` → one `N KIND PATH` line per step so far (a rename's PATH is `FROM->TO`), then `end`

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::{Arc, Mutex};

use super::{CutMode, Forget, Trigger};

/// Answers one command line.
pub fn answer(state: &Mutex<Forget>, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Ok(mut f) = state.lock() else { return "err the model's lock is poisoned".into() };
    match words.first().copied() {
        Some("status") => match f.dead() {
            Some(d) => format!("dead at={} {}", d.at_ns, d.reason),
            None => format!("alive steps={}", f.steps()),
        },
        Some("cut") => match CutMode::parse(&words[1..]) {
            Some(mode) => match f.cut_now(mode) {
                Ok(r) => format!("ok {r}"),
                Err(e) => format!("err {e}"),
            },
            None => "err usage: cut [strict | random SEED | tear SEED]".into(),
        },
        Some("arm") => {
            let trigger = words.get(1).and_then(|spec| Trigger::parse(spec, CutMode::parse(&words[2..])?));
            match trigger {
                Some(t) => {
                    f.arm(t);
                    "ok".into()
                }
                None => "err usage: arm KIND:N [strict | random SEED | tear SEED]".into(),
            }
        }
        Some("counts") => {
            let counts: Vec<String> = f.counts().iter().map(|(k, n)| format!("{}={n}", k.name())).collect();
            format!("ok {}", counts.join(" "))
        }
        Some("trace") => {
            let mut out = String::new();
            for s in f.trace() {
                out.push_str(&format!("{} {} {}\n", s.n, s.kind.name(), s.path));
            }
            out.push_str("end");
            out
        }
        _ => "err unknown command (status, cut, arm, counts, trace)".into(),
    }
}

fn serve_one(state: &Mutex<Forget>, stream: UnixStream) -> std::io::Result<()> {
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let reply = answer(state, line.trim());
    let mut w = &stream;
    w.write_all(reply.as_bytes())?;
    w.write_all(b"\n")
}

/// Serves the socket on a thread of its own for as long as the process lives.
pub fn spawn(state: Arc<Mutex<Forget>>, listener: UnixListener) -> std::io::Result<()> {
    std::thread::Builder::new().name("forgetfs-control".into()).spawn(move || {
        for stream in listener.incoming() {
            match stream {
                Ok(s) => {
                    if let Err(e) = serve_one(&state, s) {
                        eprintln!("forgetfs: control connection: {e}");
                    }
                }
                Err(e) => eprintln!("forgetfs: control socket: {e}"),
            }
        }
    })?;
    Ok(())
}
