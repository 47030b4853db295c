//! A forgetfs process and its mount: start it, talk to its control socket, unmount it. Dropping
//! a `Mount` always unmounts (lazily if it must) and reaps the process, so a failing test leaves
//! no mount behind.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::forget::CutMode;

/// What the filesystem says of itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsStatus {
    Alive {
        steps: u64,
    },
    /// The power was cut (by a command or a trigger) at CLOCK_MONOTONIC `at_ns`.
    Cut {
        at_ns: u64,
        reason: String,
    },
}

pub struct Mount {
    pub point: PathBuf,
    control: PathBuf,
    stderr: PathBuf,
    child: Option<Child>,
}

fn fusermount(args: &[&str], point: &Path) -> std::io::Result<ExitStatus> {
    Command::new("fusermount3").args(args).arg(point).stdout(Stdio::null()).stderr(Stdio::null()).status()
}

impl Mount {
    /// Starts `forgetfs BACKING POINT CONTROL [--arm ...]` and waits until it is mounted.
    pub fn start(bin: &Path, backing: &Path, point: &Path, control: &Path, arm: Option<&str>) -> Result<Mount, String> {
        let stderr = control.with_extension("stderr");
        let log = std::fs::File::create(&stderr).map_err(|e| format!("creating {}: {e}", stderr.display()))?;
        let mut cmd = Command::new(bin);
        cmd.arg(backing).arg(point).arg(control).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(log);
        if let Some(arm) = arm {
            cmd.arg("--arm").args(arm.split_whitespace());
        }
        let mut child = cmd.spawn().map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut m = Mount { point: point.to_path_buf(), control: control.to_path_buf(), stderr, child: Some(child) };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line.trim() == "ready" => Ok(m),
            other => {
                let status = m.child.as_mut().and_then(|c| c.try_wait().ok().flatten());
                Err(format!(
                    "forgetfs did not mount on {} ({other:?}, exit {status:?}): {}",
                    point.display(),
                    m.stderr_text()
                ))
            }
        }
    }

    fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default().trim().to_string()
    }

    /// Sends one control command and returns the reply (without the final newline).
    pub fn command(&self, line: &str) -> Result<String, String> {
        let fail =
            |e: std::io::Error| format!("forgetfs control socket ({line}): {e}; its stderr: {}", self.stderr_text());
        let mut s = UnixStream::connect(&self.control).map_err(fail)?;
        s.set_read_timeout(Some(Duration::from_secs(60))).map_err(fail)?;
        s.write_all(format!("{line}\n").as_bytes()).map_err(fail)?;
        let mut reply = String::new();
        s.read_to_string(&mut reply).map_err(fail)?;
        Ok(reply.trim_end().to_string())
    }

    pub fn status(&self) -> Result<FsStatus, String> {
        let r = self.command("status")?;
        if let Some(rest) = r.strip_prefix("alive steps=") {
            return Ok(FsStatus::Alive { steps: rest.parse().map_err(|_| format!("bad status {r}"))? });
        }
        if let Some(rest) = r.strip_prefix("dead at=") {
            let (at, reason) = rest.split_once(' ').unwrap_or((rest, ""));
            return Ok(FsStatus::Cut {
                at_ns: at.parse().map_err(|_| format!("bad status {r}"))?,
                reason: reason.into(),
            });
        }
        Err(format!("bad status reply {r:?}"))
    }

    /// Cuts the power now. Returns the filesystem's report of what it took back.
    pub fn cut(&self, mode: CutMode) -> Result<String, String> {
        let r = self.command(&format!("cut {}", mode.words()))?;
        r.strip_prefix("ok ").map(str::to_string).ok_or_else(|| format!("cut failed: {r}"))
    }

    /// The filesystem process is running. If it is not, that is the filesystem's failure, not
    /// the database's: the error says so.
    pub fn check_alive(&mut self) -> Result<(), String> {
        let Some(child) = self.child.as_mut() else { return Err("forgetfs was already unmounted".into()) };
        match child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "the forgetfs process died ({status}): this is a failure of the test filesystem, not of the \
                 database; its stderr: {}",
                self.stderr_text()
            )),
            Err(e) => Err(format!("checking the forgetfs process: {e}")),
        }
    }

    /// Unmounts and waits for the process, which must exit 0.
    pub fn unmount(&mut self) -> Result<(), String> {
        self.check_alive()?;
        // A process killed a moment ago may still be closing its files on the mount.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match fusermount(&["-u"], &self.point) {
                Ok(s) if s.success() => break,
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                other => return Err(format!("fusermount3 -u {} failed: {other:?}", self.point.display())),
            }
        }
        let mut child = self.child.take().expect("checked alive");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    return Err(format!("forgetfs exited with {status} after unmounting: {}", self.stderr_text()))
                }
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err("forgetfs did not exit after being unmounted".into());
                }
                Err(e) => return Err(format!("waiting for forgetfs: {e}")),
            }
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Lazy: even with files still open the mount goes away now.
            if !fusermount(&["-u"], &self.point).is_ok_and(|s| s.success()) {
                let _ = fusermount(&["-u", "-z"], &self.point);
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
