//! A checkpoint that fails at any step (disk errors injected at each one) leaves the store whole:
//! the same data comes back after reopening, and a later checkpoint succeeds.
//!
//! Failpoints are process-wide, so this file holds a single test that runs the cases in turn.

use scalodb::failpoint::{self, FailAction};
use scalodb::{Db, Error, Options, SyncMode};

#[test]
fn injected_disk_faults_lose_nothing() {
    a_checkpoint_failing_at_each_step_loses_nothing();
    a_failed_fsync_makes_the_store_read_only_until_reopened();
}

fn a_checkpoint_failing_at_each_step_loses_nothing() {
    let steps = ["checkpoint.before_sync", "checkpoint.before_rename", "checkpoint.after_rename", "wal.remove"];
    for step in steps {
        let dir = tempfile::tempdir().unwrap();
        let opts =
            Options { sync: SyncMode::Never, auto_checkpoint: false, wal_segment_size: 4096, ..Options::default() };
        let db = Db::open_with(dir.path(), opts.clone()).unwrap();
        for i in 0..200u32 {
            db.put(format!("key{i:03}"), [i as u8; 40]).unwrap();
        }
        db.checkpoint().unwrap();
        for i in 0..50u32 {
            db.put(format!("key{i:03}"), b"second").unwrap();
            db.delete(format!("key{:03}", 199 - i)).unwrap();
        }
        let want: Vec<_> = db.iter().unwrap().map(|e| e.unwrap()).collect();
        failpoint::set(step, FailAction::Error);
        let r = db.checkpoint();
        failpoint::clear();
        assert!(matches!(r, Err(Error::Io { .. })), "{step}: {r:?}");
        // Reads and writes go on after a failed checkpoint.
        assert_eq!(db.get("key000").unwrap().as_deref(), Some(&b"second"[..]));
        db.close().unwrap();
        let db = Db::open_with(dir.path(), opts.clone()).unwrap();
        let got: Vec<_> = db.iter().unwrap().map(|e| e.unwrap()).collect();
        assert_eq!(got, want, "{step}");
        db.checkpoint().unwrap();
        db.close().unwrap();
        let db = Db::open_with(dir.path(), opts).unwrap();
        let got: Vec<_> = db.iter().unwrap().map(|e| e.unwrap()).collect();
        assert_eq!(got, want, "{step}, after a good checkpoint");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("checkpoint-") && n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{step}: {leftovers:?}");
    }
}

fn a_failed_fsync_makes_the_store_read_only_until_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Always, ..Options::default() };
    let db = Db::open_with(dir.path(), opts.clone()).unwrap();
    db.put("before", "ok").unwrap();
    failpoint::set("wal.sync", FailAction::Error);
    let r = db.put("during", "fails");
    failpoint::clear();
    assert!(matches!(r, Err(Error::Io { .. })), "{r:?}");
    // The unacknowledged write is never shown, later writes are refused, reads go on.
    assert_eq!(db.get("during").unwrap(), None);
    assert!(matches!(db.put("after", "refused"), Err(Error::ReadOnly { .. })));
    assert_eq!(db.get("before").unwrap().as_deref(), Some(&b"ok"[..]));
    drop(db);
    let db = Db::open_with(dir.path(), opts).unwrap();
    assert_eq!(db.get("before").unwrap().as_deref(), Some(&b"ok"[..]));
    db.put("after", "works again").unwrap();
}
