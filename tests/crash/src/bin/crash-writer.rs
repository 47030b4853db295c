//! The child process of the crash tests.
//!
//! `crash-writer write DIR START [always|interval|never]`: writes from op START on in that sync
//!   mode (always by default; puts, batches and typed writes, see the library), printing `ack N` after op N returned (so the parent knows it was
//!   acknowledged), until killed. Small log segments and
//!   checkpoint thresholds make background checkpoints frequent, so kills land inside them too.
//! `crash-writer hold DIR`: opens the store, prints `ready`, and waits to be killed.
//! `crash-writer checkpoint DIR`: builds a known state, prints `ready`, checkpoints (a failpoint
//!   in SCALODB_FAILPOINTS aborts the process at the chosen step), then prints `done`.

use std::io::Write;
use std::time::Duration;

use scalodb::{Db, Options, SyncMode, WriteBatch};
use scalodb_crash_tests::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: crash-writer write DIR START [always|interval|never] | hold DIR | checkpoint DIR";
    let (mode, dir) = match (args.get(1), args.get(2)) {
        (Some(m), Some(d)) => (m.as_str(), d.as_str()),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let mut out = std::io::stdout().lock();
    match mode {
        "write" => {
            let start: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0);
            let sync = match args.get(4).map(String::as_str) {
                Some("interval") => SyncMode::Interval(Duration::from_millis(50)),
                Some("never") => SyncMode::Never,
                _ => SyncMode::Always,
            };
            let opts = Options {
                sync,
                wal_segment_size: 64 * 1024,
                checkpoint_wal_bytes: 256 * 1024,
                checkpoint_wal_ratio: 0.0,
                ..Options::default()
            };
            let db = Db::open_with(dir, opts).expect("open");
            for i in start.. {
                let v = value_of(i);
                if is_batch(i) {
                    let mut b = WriteBatch::new();
                    for j in 0..BATCH_KEYS {
                        b.put(batch_key(i, j), &v);
                    }
                    db.write(b).expect("batch");
                } else if typed_kind(i).is_some() {
                    typed_write(&db, i).expect("typed write");
                } else {
                    db.put(single_key(i), &v).expect("put");
                }
                writeln!(out, "ack {i}").unwrap();
                out.flush().unwrap();
            }
        }
        "hold" => {
            let _db = Db::open(dir).expect("open");
            writeln!(out, "ready").unwrap();
            out.flush().unwrap();
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        "checkpoint" => {
            let opts = Options {
                sync: SyncMode::Always,
                auto_checkpoint: false,
                wal_segment_size: 16 * 1024,
                ..Options::default()
            };
            let db = Db::open_with(dir, opts).expect("open");
            checkpoint_workload(&db).expect("workload");
            writeln!(out, "ready").unwrap();
            out.flush().unwrap();
            db.checkpoint().expect("checkpoint");
            writeln!(out, "done").unwrap();
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
