//! A child process that writes and reports what returned (`powercut-writer`, or the server's
//! load client), read line by line on a thread so the harness never blocks on it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One line of `powercut-writer`: a word, a number (absent for `ready` and `done`) and the
/// CLOCK_MONOTONIC time at which the call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub what: String,
    pub n: u64,
    pub t_ns: u64,
    /// The rest of an `error` line.
    pub text: String,
}

impl Event {
    fn parse(line: &str) -> Option<Event> {
        let mut w = line.split_whitespace();
        let what = w.next()?.to_string();
        let rest: Vec<&str> = w.collect();
        match what.as_str() {
            "ready" | "done" => Some(Event { what, n: 0, t_ns: rest.first()?.parse().ok()?, text: String::new() }),
            "error" => {
                let n = rest.first()?.parse().ok()?;
                let t_ns = rest.last()?.parse().ok()?;
                let text = rest[1..rest.len() - 1].join(" ");
                Some(Event { what, n, t_ns, text })
            }
            _ => Some(Event {
                what,
                n: rest.first()?.parse().ok()?,
                t_ns: rest.get(1)?.parse().ok()?,
                text: String::new(),
            }),
        }
    }
}

pub struct Proc {
    child: Child,
    lines: mpsc::Receiver<String>,
    pub stderr: std::path::PathBuf,
}

/// A running child and the lines it printed so far.
impl Proc {
    pub fn spawn(bin: &Path, args: &[&str], stderr: &Path) -> Result<Proc, String> {
        let log = std::fs::File::create(stderr).map_err(|e| format!("creating {}: {e}", stderr.display()))?;
        let mut child = Command::new(bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let out = child.stdout.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Proc { child, lines: rx, stderr: stderr.to_path_buf() })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default().trim().to_string()
    }

    /// The next line, if one comes within `timeout`.
    pub fn line(&self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// Every line already printed.
    pub fn drain(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    pub fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, then every line it printed before dying (its stdout ends with it).
    pub fn kill(mut self) -> Vec<String> {
        // SAFETY: kill(2) on the pid of our own child, which has not been reaped yet.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGKILL);
        }
        let _ = self.child.wait();
        self.lines.iter().collect()
    }

    /// Waits up to `timeout` for the child to exit by itself; kills it after that.
    pub fn wait(mut self, timeout: Duration) -> (Option<std::process::ExitStatus>, Vec<String>) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return (Some(status), self.lines.iter().collect());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        (None, self.kill())
    }
}

impl Drop for Proc {
    /// A test that fails midway leaves no process behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// What a `powercut-writer` run said.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub events: Vec<Event>,
}

impl Report {
    pub fn push_lines(&mut self, lines: &[String]) -> Result<(), String> {
        for l in lines {
            self.events.push(Event::parse(l).ok_or_else(|| format!("writer printed an unreadable line {l:?}"))?);
        }
        Ok(())
    }

    /// Ops `0..n` acknowledged (`start` when none was).
    pub fn acked(&self, start: u64) -> u64 {
        self.events.iter().filter(|e| e.what == "ack").map(|e| e.n + 1).max().unwrap_or(start).max(start)
    }

    /// Ops `0..n` acknowledged at a time before `t_ns`.
    pub fn acked_before(&self, start: u64, t_ns: u64) -> u64 {
        self.events
            .iter()
            .filter(|e| e.what == "ack" && e.t_ns < t_ns)
            .map(|e| e.n + 1)
            .max()
            .unwrap_or(start)
            .max(start)
    }

    /// The largest N of `ckpt N` / `sync N` / `backup N` lines: ops `0..N` were made durable by
    /// a call that returned.
    pub fn durable_mark(&self, what: &str) -> Option<u64> {
        self.events.iter().filter(|e| e.what == what).map(|e| e.n).max()
    }

    pub fn has(&self, what: &str) -> bool {
        self.events.iter().any(|e| e.what == what)
    }
}
