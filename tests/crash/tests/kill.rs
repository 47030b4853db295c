//! Real processes, really killed: every acknowledged write survives SIGKILL (checkpoints
//! included; puts, batches and typed writes to a hash, a set, a sorted set and a list), no batch
//! is ever half there, a crash at each step of a checkpoint brings the same
//! data back, and a second process cannot open a locked store.
//!
//! `KILL_ROUNDS` sets the number of kill rounds (30 by default; `make soak` runs 1000).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use scalodb::{Db, Error, Options, SyncMode};
use scalodb_crash_tests::*;

const WRITER: &str = env!("CARGO_BIN_EXE_crash-writer");

fn spawn(args: &[&str], env: &[(&str, &str)]) -> (Child, mpsc::Receiver<String>) {
    let mut cmd = Command::new(WRITER);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn crash-writer");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn sigkill(child: &mut Child) {
    // SAFETY: kill(2) on the pid of a child we spawned and have not reaped.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGKILL);
    }
    child.wait().unwrap();
}

fn wait_for(rx: &mpsc::Receiver<String>, want: &str) {
    let line = rx.recv_timeout(Duration::from_secs(30)).expect("child did not answer");
    assert_eq!(line, want);
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Checks every op below `acked_upto` is fully there, and every op at all is all-or-nothing.
fn verify(db: &Db, acked_upto: u64, attempted_upto: u64) -> u64 {
    let mut present_beyond = 0;
    let list = db.lrange("typed:list", 0, -1).unwrap();
    let mut sorted = list.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(list, sorted, "the typed list is out of push order or holds an element twice");
    let listed: std::collections::BTreeSet<Vec<u8>> = list.into_iter().collect();
    for i in 0..attempted_upto {
        let v = value_of(i);
        let name = single_key(i);
        let present = if let Some(kind) = typed_kind(i) {
            match kind {
                0 => match db.hget("typed:hash", &name).unwrap() {
                    Some(g) => {
                        assert_eq!(g, v, "typed op {i} has a wrong value");
                        true
                    }
                    None => false,
                },
                1 => db.sismember("typed:set", &name).unwrap(),
                2 => match db.zscore("typed:zset", &name).unwrap() {
                    Some(s) => {
                        assert_eq!(s, i as f64, "typed op {i} has a wrong score");
                        true
                    }
                    None => false,
                },
                _ => listed.contains(name.as_bytes()),
            }
        } else if is_batch(i) {
            let got: Vec<Option<Vec<u8>>> = (0..BATCH_KEYS).map(|j| db.get(batch_key(i, j)).unwrap()).collect();
            let n = got.iter().filter(|g| g.is_some()).count() as u64;
            assert!(n == 0 || n == BATCH_KEYS, "batch {i} is half there: {n} of {BATCH_KEYS} keys");
            for g in got.into_iter().flatten() {
                assert_eq!(g, v, "batch {i} has a wrong value");
            }
            n == BATCH_KEYS
        } else {
            match db.get(single_key(i)).unwrap() {
                Some(g) => {
                    assert_eq!(g, v, "op {i} has a wrong value");
                    true
                }
                None => false,
            }
        };
        if i < acked_upto {
            assert!(present, "acknowledged op {i} was lost (acknowledged up to {acked_upto})");
        } else if present {
            present_beyond += 1;
        }
    }
    present_beyond
}

fn kill_rounds_from_env() -> u64 {
    std::env::var("KILL_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30)
}

#[test]
fn recovers_acknowledged_writes_after_sigkill() {
    kill_rounds("always", kill_rounds_from_env());
}

/// Without fsyncs a write that returned is still in the OS page cache (the log is a shared
/// mapping), so a killed process loses nothing acknowledged in these modes either.
#[test]
fn recovers_acknowledged_writes_after_sigkill_under_sync_interval_and_never() {
    let rounds = (kill_rounds_from_env() / 2).max(10);
    kill_rounds("interval", rounds);
    kill_rounds("never", rounds);
}

/// Runs `rounds` rounds of: start a writer in sync mode `sync`, kill it at a random moment,
/// reopen and check every acknowledged op is there and no batch is half there.
fn kill_rounds(sync: &str, rounds: u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap().to_string();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ std::process::id() as u64);
    let mut next = 0u64;
    let mut checkpoints_seen = 0;
    let mut torn_seen = 0;
    for round in 0..rounds {
        let start = next.to_string();
        let (mut child, rx) = spawn(&["write", &path, &start, sync], &[]);
        let run_for = Duration::from_millis(30 + rng.next() % 250);
        let t0 = Instant::now();
        let mut acked = next;
        while t0.elapsed() < run_for {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(5)) {
                acked = line.strip_prefix("ack ").unwrap().parse::<u64>().unwrap() + 1;
            }
        }
        sigkill(&mut child);
        // Acks already printed but not yet read still count. The child is dead, so its stdout
        // ends: wait for the reader thread to pass on every line (a busy machine may lag).
        for line in rx.iter() {
            acked = line.strip_prefix("ack ").unwrap().parse::<u64>().unwrap() + 1;
        }
        let opts = Options { sync: SyncMode::Always, auto_checkpoint: false, ..Options::default() };
        let db = Db::open_with(&path, opts).unwrap_or_else(|e| panic!("{sync}, round {round}: reopen failed: {e}"));
        let st = db.stats().unwrap();
        torn_seen += st.torn_records_truncated;
        if st.last_checkpoint_seq > 0 {
            checkpoints_seen += 1;
        }
        // The child may have written one op past its last ack before it died.
        let extra = verify(&db, acked, acked + 2);
        assert!(extra <= 1, "{sync}, round {round}: {extra} unacknowledged ops present");
        next = acked + extra;
        // Ops the child attempted but that did not land are redone by the next child, so
        // continue after whatever is there.
        db.close().unwrap();
    }
    eprintln!("{sync}: {rounds} kill rounds: {next} ops acknowledged, {checkpoints_seen} reopens from a checkpoint, {torn_seen} torn tails cut");
    assert!(next > rounds * 5, "the writer made too little progress ({next} ops)");
    // Only the durable mode is slow enough per op for its log to need checkpoints in every run.
    if sync == "always" {
        assert!(checkpoints_seen > 0, "no round recovered from a checkpoint");
    }
}

#[test]
fn a_crash_at_each_checkpoint_step_brings_the_same_data_back() {
    let (want, want_typed): (BTreeMap<Vec<u8>, Vec<u8>>, String) = {
        let db = Db::memory();
        checkpoint_workload(&db).unwrap();
        (db.iter().unwrap().map(|e| e.unwrap()).collect(), typed_contents(&db))
    };
    assert!(want_typed.lines().count() >= 4, "the workload builds collections");
    for step in
        ["checkpoint.before_sync", "checkpoint.before_rename", "checkpoint.after_rename", "wal.remove", "dir.sync"]
    {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_str().unwrap().to_string();
        let spec = format!("{step}=abort");
        let (mut child, rx) = spawn(&["checkpoint", &path], &[("SCALODB_FAILPOINTS", &spec)]);
        let status = child.wait().unwrap();
        // The child is gone, so its stdout ends: read every line it wrote.
        let lines: Vec<String> = rx.iter().collect();
        if step == "dir.sync" {
            // The directory is synced while the log is created, before any write.
            assert!(!status.success(), "{step}: the child should have crashed");
        } else {
            assert_eq!(lines, vec!["ready".to_string()], "{step}: the crash should come during the checkpoint");
            assert!(!status.success(), "{step}: the child should have crashed");
        }
        let db = Db::open(&path).unwrap_or_else(|e| panic!("{step}: reopen failed: {e}"));
        let got: BTreeMap<Vec<u8>, Vec<u8>> = db.iter().unwrap().map(|e| e.unwrap()).collect();
        if step == "dir.sync" {
            assert!(got.is_empty());
        } else {
            assert_eq!(got, want, "{step}: different data after the crash");
            assert!(typed_contents(&db) == want_typed, "{step}: different collections after the crash");
        }
        db.checkpoint().unwrap();
    }
}

#[test]
fn a_second_process_cannot_open_a_locked_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap().to_string();
    let (mut child, rx) = spawn(&["hold", &path], &[]);
    wait_for(&rx, "ready");
    match Db::open(&path) {
        Err(Error::Locked { .. }) => {}
        other => panic!("expected Locked, got {other:?}"),
    }
    sigkill(&mut child);
    // The kernel released the lock with the process.
    Db::open(&path).unwrap().close().unwrap();
}
