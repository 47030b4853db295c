//! The writer process of the power-cut rounds. Every line it prints ends with the
//! CLOCK_MONOTONIC time (ns) at which the call it reports returned.
//!
//! `powercut-writer run DIR START always|interval|never`: opens the store (64 KiB segments,
//!   automatic checkpoints every 256 KiB of log, so the maintenance thread checkpoints often),
//!   prints `ready T`, then runs the ops of `workload.rs` from START on until killed, printing
//!   `ack I T` after op I returned, `ckpt N T` after an explicit checkpoint taken once ops `0..N`
//!   were acknowledged, and (not under `always`) `sync N T` after `Db::sync` returned likewise.
//!   Under `interval` the interval is `INTERVAL_MS` (100 ms).
//! `powercut-writer steps DIR BACKUP_DIR`: a fixed script under `SyncMode::Always` with 8 KiB
//!   segments and no background checkpoints, so that every run makes the same filesystem steps:
//!   opening a new store, 60 ops (several segment rotations), a checkpoint, 40 ops, a backup to
//!   BACKUP_DIR (`backup N T`), 30 ops, a checkpoint, 20 ops, then `done T`.
//!
//! A failing call prints `error I MESSAGE` and exits 1 (after a power cut every call fails).

use std::io::Write;
use std::time::Duration;

use scalodb::{Db, Options, SyncMode};
use scalodb_powercut::forget::monotonic_ns;
use scalodb_powercut::workload::run_op;

/// The interval of `SyncMode::Interval` in the rounds; the harness adds its margin to it.
pub const INTERVAL_MS: u64 = 100;

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // The harness reading our output is gone only once we are being killed.
    let _ = writeln!(out, "{line} {}", monotonic_ns());
    let _ = out.flush();
}

fn fail(i: u64, e: scalodb::Error) -> ! {
    say(&format!("error {i} {}", e.to_string().replace('\n', " ")));
    std::process::exit(1)
}

fn run(dir: &str, start: u64, mode: &str) {
    let sync = match mode {
        "always" => SyncMode::Always,
        "interval" => SyncMode::Interval(Duration::from_millis(INTERVAL_MS)),
        "never" => SyncMode::Never,
        other => {
            eprintln!("unknown sync mode {other}");
            std::process::exit(2)
        }
    };
    let opts = Options {
        sync,
        wal_segment_size: 64 * 1024,
        checkpoint_wal_bytes: 256 * 1024,
        checkpoint_wal_ratio: 0.0,
        ..Options::default()
    };
    let db = Db::open_with(dir, opts).unwrap_or_else(|e| fail(start, e));
    say("ready");
    for i in start.. {
        run_op(&db, i).unwrap_or_else(|e| fail(i, e));
        say(&format!("ack {i}"));
        let done = i + 1;
        if done % 1500 == 0 {
            db.checkpoint().unwrap_or_else(|e| fail(i, e));
            say(&format!("ckpt {done}"));
        } else if done % 500 == 0 && sync != SyncMode::Always {
            db.sync().unwrap_or_else(|e| fail(i, e));
            say(&format!("sync {done}"));
        }
        // Without an fsync per op the writer would outrun the model; this keeps rounds small.
        if sync != SyncMode::Always && i % 8 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

fn steps(dir: &str, backup: &str) {
    let opts =
        Options { sync: SyncMode::Always, wal_segment_size: 8 * 1024, auto_checkpoint: false, ..Options::default() };
    let db = Db::open_with(dir, opts).unwrap_or_else(|e| fail(0, e));
    say("ready");
    let mut i = 0;
    let mut ops = |db: &Db, n: u64| {
        for _ in 0..n {
            run_op(db, i).unwrap_or_else(|e| fail(i, e));
            say(&format!("ack {i}"));
            i += 1;
        }
        i
    };
    let n = ops(&db, 60);
    db.checkpoint().unwrap_or_else(|e| fail(n, e));
    say(&format!("ckpt {n}"));
    let n = ops(&db, 40);
    db.backup(backup).unwrap_or_else(|e| fail(n, e));
    say(&format!("backup {n}"));
    let n = ops(&db, 30);
    db.checkpoint().unwrap_or_else(|e| fail(n, e));
    say(&format!("ckpt {n}"));
    ops(&db, 20);
    say("done");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.len()) {
        (Some("run"), 5) => run(&args[2], args[3].parse().expect("START is a number"), &args[4]),
        (Some("steps"), 4) => steps(&args[2], &args[3]),
        _ => {
            eprintln!("usage: powercut-writer run DIR START always|interval|never | steps DIR BACKUP_DIR");
            std::process::exit(2);
        }
    }
}
