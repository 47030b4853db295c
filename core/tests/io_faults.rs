//! Injected disk faults (EIO, ENOSPC, short writes) at each system call of the log and checkpoint
//! paths. For each fault: the failing call returns `Error::Io` carrying the errno and a message
//! that says what to do; reads (gets and scans) still show every acknowledged write; reopening
//! loses none of them (compared with a model); and afterwards writes either go on (a full disk
//! when a segment is created, any checkpoint step) or are refused with `Error::ReadOnly` until
//! the store is reopened (a failed fsync of the log or of its directory). docs/RELIABILITY.md
//! explains each decision.
//!
//! Failpoints are process-wide, so every test here holds `SERIAL` while it runs.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use scalodb::failpoint::{self, FailAction};
use scalodb::{Db, Error, Options, SyncMode, WriteBatch};

mod support;
use support::tmp_files;

static SERIAL: Mutex<()> = Mutex::new(());

/// Holds the lock that serialises these tests, with every failpoint disarmed before and after.
struct Armed(#[allow(dead_code)] MutexGuard<'static, ()>);

fn serial() -> Armed {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    failpoint::clear();
    Armed(guard)
}

impl Drop for Armed {
    fn drop(&mut self) {
        failpoint::clear();
    }
}

const EIO: FailAction = FailAction::Errno(libc::EIO);
const ENOSPC: FailAction = FailAction::Errno(libc::ENOSPC);

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

fn opts(sync: SyncMode) -> Options {
    Options { sync, auto_checkpoint: false, wal_segment_size: 16 * 1024, ..Options::default() }
}

fn value(i: u64) -> Vec<u8> {
    format!("value-{i}-").repeat(12).into_bytes()
}

/// Acknowledged writes: puts, overwrites, deletes and batches, recorded in the model.
fn write_some(db: &Db, model: &mut Model, from: u64, n: u64) {
    for i in from..from + n {
        let key = format!("key{:05}", i % 700).into_bytes();
        match i % 9 {
            0 => {
                db.delete(&key).unwrap();
                model.remove(&key);
            }
            1 => {
                let mut b = WriteBatch::new();
                b.put(&key, value(i)).put(format!("batch{:05}", i % 300), value(i + 1));
                db.write(b).unwrap();
                model.insert(key, value(i));
                model.insert(format!("batch{:05}", i % 300).into_bytes(), value(i + 1));
            }
            _ => {
                db.put(&key, value(i)).unwrap();
                model.insert(key, value(i));
            }
        }
    }
}

/// Gets and a full scan show exactly the model (ignoring `failed:` keys, whose writes returned an
/// error: those may or may not be there, but never with another value).
fn assert_matches(db: &Db, model: &Model, what: &str) {
    let mut got: Model = db.iter().unwrap().map(|e| e.unwrap()).collect();
    got.retain(|k, v| {
        if let Some(rest) = k.strip_prefix(b"failed:") {
            assert_eq!(v.as_slice(), failed_value(rest), "{what}: a failed write left a wrong value");
            return false;
        }
        true
    });
    assert_eq!(got.len(), model.len(), "{what}: scan shows a different number of keys");
    assert!(got == *model, "{what}: scan differs from the model");
    for (k, v) in model {
        assert_eq!(db.get(k).unwrap().as_ref(), Some(v), "{what}: get {}", String::from_utf8_lossy(k));
    }
}

/// The value of a write expected to fail: at least 200 bytes, so its record is larger than any
/// fill write's and cannot fit where one of those did not.
fn failed_value(suffix: &[u8]) -> Vec<u8> {
    let mut v = [b"attempt-".as_slice(), suffix].concat();
    v.resize(v.len().max(200), b'.');
    v
}

/// Puts new keys (small segments make the log rotate soon) until a put fails; returns that
/// error. Writes before it were acknowledged and go in the model; the failed one does not, so the
/// model comparisons also prove it was never applied (these faults all strike before the append).
fn put_until_error(db: &Db, model: &mut Model, tag: &str) -> Error {
    for i in 0..10_000u64 {
        let key = format!("fill:{tag}:{i:05}");
        let v = value(i);
        match db.put(&key, &v) {
            Ok(()) => {
                model.insert(key.into_bytes(), v);
            }
            Err(e) => return e,
        }
    }
    panic!("{tag}: no write failed");
}

fn errno_of(e: &Error) -> Option<i32> {
    match e {
        Error::Io { source, .. } => source.raw_os_error(),
        _ => None,
    }
}

fn reopen_and_check(dir: &Path, o: Options, model: &Model, what: &str) -> Db {
    let db = Db::open_with(dir, o).unwrap_or_else(|e| panic!("{what}: reopen failed: {e}"));
    assert_matches(&db, model, &format!("{what}, after reopening"));
    db
}

/// Log segment files (`wal-*.log`; not one the log thread is building under a `.tmp` name).
fn segment_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with("wal-") && name.ends_with(".log")
        })
        .count()
}

#[test]
fn a_full_disk_at_segment_preallocation_refuses_writes_until_space_returns() {
    let _s = serial();
    for sync in [SyncMode::Always, SyncMode::Interval(Duration::from_secs(3600)), SyncMode::Never] {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_with(dir.path(), opts(sync)).unwrap();
        let mut model = Model::new();
        write_some(&db, &mut model, 0, 300);
        failpoint::set("wal.preallocate", ENOSPC);
        let err = put_until_error(&db, &mut model, "prealloc");
        assert_eq!(errno_of(&err), Some(libc::ENOSPC), "{sync:?}: {err}");
        let Error::Io { source, .. } = &err else { unreachable!() };
        assert_eq!(source.kind(), std::io::ErrorKind::StorageFull);
        let msg = err.to_string();
        assert!(msg.contains("free space") && msg.contains("retry") && msg.contains("nothing was written"), "{msg}");
        // Retrying while the disk is still full fails the same way (it is not ReadOnly)...
        let again = db.put("failed:prealloc", failed_value(b"prealloc")).unwrap_err();
        assert_eq!(errno_of(&again), Some(libc::ENOSPC), "{sync:?}: {again}");
        assert!(failpoint::hits("wal.preallocate") >= 2, "the retry reached the disk again");
        // The half-made segment file is gone, not left holding space.
        assert_eq!(segment_files(dir.path()) as u64, db.stats().unwrap().wal_segments);
        assert_matches(&db, &model, &format!("{sync:?}, disk full"));
        assert_eq!(db.get("failed:prealloc").unwrap(), None);
        // Space comes back: the very next write works, without reopening.
        failpoint::clear();
        write_some(&db, &mut model, 300, 300);
        assert_matches(&db, &model, &format!("{sync:?}, space back"));
        db.close().unwrap();
        reopen_and_check(dir.path(), opts(sync), &model, &format!("{sync:?}")).close().unwrap();
    }
}

#[test]
fn a_failed_segment_creation_fails_only_the_write_that_needs_it_and_is_retried() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), opts(SyncMode::Always)).unwrap();
    let mut model = Model::new();
    write_some(&db, &mut model, 0, 100);
    // Every creation fails: the log thread cannot prepare the next segment, so once the spare it
    // made before is used, the write that needs a new segment fails (the log is unchanged).
    failpoint::set("wal.create", EIO);
    let mut failed = None;
    for i in 0..4_000u64 {
        let key = format!("fill:{i:05}");
        match db.put(&key, value(i)) {
            Ok(()) => {
                model.insert(key.into_bytes(), value(i));
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    failpoint::clear();
    let err = failed.expect("the segment creation failed");
    assert_eq!(errno_of(&err), Some(libc::EIO), "{err}");
    assert!(err.to_string().contains("check the disk"), "{err}");
    assert_matches(&db, &model, "after a failed creation");
    // The store is not read-only: with the fault gone the next writes create the segment.
    write_some(&db, &mut model, 100, 400);
    assert!(failpoint::hits("wal.create") == 0, "cleared points count from zero");
    db.close().unwrap();
    reopen_and_check(dir.path(), opts(SyncMode::Always), &model, "creation").close().unwrap();
}

#[test]
fn a_failed_fdatasync_under_sync_always_makes_the_store_read_only_until_reopened() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let o = opts(SyncMode::Always);
    let db = Db::open_with(dir.path(), o.clone()).unwrap();
    let mut model = Model::new();
    write_some(&db, &mut model, 0, 200);
    failpoint::set_nth("wal.sync", EIO, 1);
    let err = db.put("failed:sync", failed_value(b"sync")).unwrap_err();
    assert_eq!(errno_of(&err), Some(libc::EIO), "{err}");
    assert!(err.to_string().contains("reopen"), "{err}");
    // The failed write is not shown; nothing else changes until reopen, even with the fault gone.
    assert_eq!(db.get("failed:sync").unwrap(), None);
    assert_refuses_writes(&db);
    assert_matches(&db, &model, "read-only after a failed fsync");
    drop(db);
    let db = reopen_and_check(dir.path(), o, &model, "failed fsync");
    write_some(&db, &mut model, 200, 100);
    assert_matches(&db, &model, "writes after reopening");
}

/// Every kind of write is refused with `Error::ReadOnly`, whose message says to reopen.
fn assert_refuses_writes(db: &Db) {
    let r = db.put("refused", "x");
    assert!(matches!(r, Err(Error::ReadOnly { .. })), "{r:?}");
    assert!(r.unwrap_err().to_string().contains("reopen"));
    assert!(matches!(db.delete("key00002"), Err(Error::ReadOnly { .. })));
    let mut b = WriteBatch::new();
    b.put("refused", "x");
    assert!(matches!(db.write(b), Err(Error::ReadOnly { .. })));
    assert!(matches!(db.checkpoint(), Err(Error::ReadOnly { .. })));
    assert!(matches!(db.sync(), Err(Error::ReadOnly { .. })));
}

#[test]
fn a_failed_background_fsync_under_sync_interval_makes_the_store_read_only() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let o = opts(SyncMode::Interval(Duration::from_millis(20)));
    let db = Db::open_with(dir.path(), o.clone()).unwrap();
    let mut model = Model::new();
    write_some(&db, &mut model, 0, 200);
    failpoint::set("wal.sync", EIO);
    let t0 = Instant::now();
    while failpoint::hits("wal.sync") == 0 {
        assert!(t0.elapsed() < Duration::from_secs(10), "the interval syncer never ran");
        std::thread::sleep(Duration::from_millis(5));
    }
    failpoint::clear();
    // Acknowledged writes stay readable; new ones are refused, even with the disk healthy again.
    let r = db.put("refused", "x");
    assert!(matches!(&r, Err(Error::ReadOnly { reason }) if reason.contains("Input/output error")), "{r:?}");
    assert_refuses_writes(&db);
    assert_matches(&db, &model, "read-only after a failed interval fsync");
    drop(db);
    reopen_and_check(dir.path(), o, &model, "interval fsync").close().unwrap();
}

#[test]
fn a_failed_explicit_sync_under_sync_never_makes_the_store_read_only() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let o = opts(SyncMode::Never);
    let db = Db::open_with(dir.path(), o.clone()).unwrap();
    let mut model = Model::new();
    write_some(&db, &mut model, 0, 200);
    failpoint::set_nth("wal.sync", ENOSPC, 1);
    let err = db.sync().unwrap_err();
    assert_eq!(errno_of(&err), Some(libc::ENOSPC), "{err}");
    assert!(err.to_string().contains("free space"), "{err}");
    assert_refuses_writes(&db);
    assert_matches(&db, &model, "after a failed Db::sync");
    drop(db);
    reopen_and_check(dir.path(), o, &model, "explicit sync").close().unwrap();
}

#[test]
fn a_failed_fsync_of_a_closed_segment_makes_the_store_read_only_in_every_mode() {
    let _s = serial();
    // Every mode fsyncs a full segment (the log thread, after the rotation that closed it; at the
    // latest the next rotation), `Never` included: `Db::sync` then covers the closed segments,
    // and only the last two can lose writes to a power cut.
    for sync in [SyncMode::Always, SyncMode::Interval(Duration::from_secs(3600)), SyncMode::Never] {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_with(dir.path(), opts(sync)).unwrap();
        let mut model = Model::new();
        failpoint::set("wal.sync", EIO);
        // Writes until the fsync of the closed segment fails (or, under Always, the group
        // commit's own): then every write is refused.
        let mut refused = None;
        for i in 0..20_000u64 {
            let key = format!("fill:{i:05}");
            match db.put(&key, value(i)) {
                Ok(()) => {
                    model.insert(key.into_bytes(), value(i));
                }
                Err(e) => {
                    refused = Some(e);
                    break;
                }
            }
            if i % 64 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        failpoint::clear();
        let err = refused.unwrap_or_else(|| panic!("{sync:?}: a failed fsync went unnoticed"));
        // The write that failed was not acknowledged; its record may be in the log anyway.
        let n = model.len() as u64;
        let (failed_key, failed_val) = (format!("fill:{n:05}").into_bytes(), value(n));
        assert!(matches!(err, Error::ReadOnly { .. }) || errno_of(&err) == Some(libc::EIO), "{sync:?}: {err}");
        assert!(err.to_string().contains("reopen"), "{sync:?}: {err}");
        assert_refuses_writes(&db);
        let mut with_failed = model.clone();
        with_failed.insert(failed_key.clone(), failed_val.clone());
        let matches = |db: &Db, what: &str| {
            let got: Model = db.iter().unwrap().map(|e| e.unwrap()).collect();
            assert!(
                got == model || got == with_failed,
                "{sync:?}: {what}: the store differs from what was acknowledged"
            );
        };
        matches(&db, "after a failed segment fsync");
        drop(db);
        let db = Db::open_with(dir.path(), opts(sync)).unwrap();
        matches(&db, "after reopening");
        db.close().unwrap();
    }
}

#[test]
fn a_failed_directory_fsync_after_creating_a_segment_makes_the_store_read_only() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let o = opts(SyncMode::Never);
    let db = Db::open_with(dir.path(), o.clone()).unwrap();
    let mut model = Model::new();
    write_some(&db, &mut model, 0, 50);
    failpoint::set("dir.sync", EIO);
    let err = put_until_error(&db, &mut model, "dirsync");
    assert_eq!(errno_of(&err), Some(libc::EIO), "{err}");
    assert!(err.to_string().contains("syncing directory") && err.to_string().contains("reopen"), "{err}");
    failpoint::clear();
    assert_refuses_writes(&db);
    assert_matches(&db, &model, "after a failed directory fsync");
    drop(db);
    // The segment whose directory entry could not be made durable was never used: the reopened
    // store resumes in the one before it.
    let db = reopen_and_check(dir.path(), o, &model, "directory fsync");
    write_some(&db, &mut model, 50, 300);
    db.close().unwrap();
    reopen_and_check(dir.path(), opts(SyncMode::Never), &model, "directory fsync, twice").close().unwrap();
}

/// One checkpoint fault: where it is armed, and the errno the checkpoint must report.
struct CheckpointFault {
    name: &'static str,
    arm: fn(),
    errno: i32,
}

fn checkpoint_faults() -> Vec<CheckpointFault> {
    vec![
        CheckpointFault { name: "create EIO", arm: || failpoint::set("checkpoint.create", EIO), errno: libc::EIO },
        CheckpointFault {
            name: "write EIO on the 2nd write",
            arm: || failpoint::set_nth("checkpoint.write", EIO, 2),
            errno: libc::EIO,
        },
        CheckpointFault {
            name: "write ENOSPC from the 1st write",
            arm: || failpoint::set("checkpoint.write", ENOSPC),
            errno: libc::ENOSPC,
        },
        CheckpointFault {
            name: "short write, then ENOSPC",
            arm: || {
                failpoint::set_nth("checkpoint.write", FailAction::ShortWrite, 2);
                failpoint::set_from("checkpoint.write", ENOSPC, 3);
            },
            errno: libc::ENOSPC,
        },
        CheckpointFault { name: "fsync EIO", arm: || failpoint::set("checkpoint.before_sync", EIO), errno: libc::EIO },
        CheckpointFault {
            name: "rename EIO",
            arm: || failpoint::set("checkpoint.before_rename", EIO),
            errno: libc::EIO,
        },
        CheckpointFault {
            name: "directory fsync EIO",
            arm: || failpoint::set("checkpoint.after_rename", EIO),
            errno: libc::EIO,
        },
        CheckpointFault {
            name: "unlink of the old checkpoint EIO",
            arm: || failpoint::set("checkpoint.remove", EIO),
            errno: libc::EIO,
        },
        CheckpointFault {
            name: "unlink of a covered segment EIO",
            arm: || failpoint::set("wal.remove", EIO),
            errno: libc::EIO,
        },
        CheckpointFault {
            name: "directory fsync after unlinking segments EIO",
            arm: || failpoint::set("wal.remove_sync", EIO),
            errno: libc::EIO,
        },
    ]
}

#[test]
fn a_checkpoint_failing_at_any_call_keeps_the_previous_checkpoint_and_the_log_and_is_retried() {
    let _s = serial();
    for fault in checkpoint_faults() {
        let what = fault.name;
        let dir = tempfile::tempdir().unwrap();
        let o = opts(SyncMode::Never);
        let db = Db::open_with(dir.path(), o.clone()).unwrap();
        let mut model = Model::new();
        // Over 1 MiB of live data, so the checkpoint file takes several writes of its buffer.
        let big = vec![7u8; 2000];
        for i in 0..800u32 {
            db.put(format!("big{i:04}"), &big).unwrap();
            model.insert(format!("big{i:04}").into_bytes(), big.clone());
        }
        write_some(&db, &mut model, 0, 300);
        db.checkpoint().unwrap();
        let first = db.stats().unwrap().last_checkpoint_seq;
        write_some(&db, &mut model, 300, 300);
        (fault.arm)();
        let err = db.checkpoint().unwrap_err();
        failpoint::clear();
        assert_eq!(errno_of(&err), Some(fault.errno), "{what}: {err}");
        let msg = err.to_string();
        assert!(msg.contains("nothing is lost") || msg.contains("nothing was lost"), "{what}: {msg}");
        assert!(tmp_files(dir.path()).is_empty(), "{what}: left {:?}", tmp_files(dir.path()));
        // Reads and writes go on.
        assert_matches(&db, &model, what);
        write_some(&db, &mut model, 600, 100);
        // A crash now (no close: drop the handle only after copying the files as they are).
        let copy = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(dir.path()).unwrap() {
            let e = e.unwrap();
            let name = e.file_name();
            // Spares the log thread is making (`.tmp`, renamed when ready) are not part of the
            // store yet: a crash copy taken before the rename has none.
            if name == "LOCK" || name.to_string_lossy().ends_with(".tmp") {
                continue;
            }
            match std::fs::copy(e.path(), copy.path().join(&name)) {
                Ok(_) => {}
                // A spare renamed into place just after the listing: as above.
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => panic!("{what}: copying {name:?}: {err}"),
            }
        }
        reopen_and_check(copy.path(), o.clone(), &model, &format!("{what}: crash copy")).close().unwrap();
        // The retry succeeds and covers everything.
        db.checkpoint().unwrap();
        let st = db.stats().unwrap();
        assert!(st.last_checkpoint_seq > first, "{what}: the retry did not checkpoint");
        db.close().unwrap();
        let names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        let checkpoints = names.iter().filter(|n| n.ends_with(".ckpt")).count();
        assert_eq!(checkpoints, 1, "{what}: {names:?}");
        let report = scalodb::verify(dir.path()).unwrap();
        assert_eq!(report.checkpoint_seq, Some(st.last_checkpoint_seq), "{what}");
        reopen_and_check(dir.path(), o, &model, what).close().unwrap();
    }
}

#[test]
fn short_writes_alone_are_completed_and_the_checkpoint_is_whole() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let o = opts(SyncMode::Never);
    let db = Db::open_with(dir.path(), o.clone()).unwrap();
    let mut model = Model::new();
    let big = vec![3u8; 3000];
    for i in 0..1000u32 {
        db.put(format!("big{i:04}"), &big).unwrap();
        model.insert(format!("big{i:04}").into_bytes(), big.clone());
    }
    write_some(&db, &mut model, 0, 500);
    failpoint::set("checkpoint.write", FailAction::ShortWrite);
    db.checkpoint().unwrap();
    let hits = failpoint::hits("checkpoint.write");
    failpoint::clear();
    // 3 MiB through a 1 MiB buffer is 3 writes; each short write needs at least one more.
    assert!(hits >= 6, "only {hits} writes: short writes were not exercised");
    let seq = db.stats().unwrap().last_checkpoint_seq;
    db.close().unwrap();
    let report = scalodb::verify(dir.path()).unwrap();
    assert_eq!(report.checkpoint_seq, Some(seq));
    assert_eq!(report.records, 0, "the checkpoint covers the whole log");
    reopen_and_check(dir.path(), o, &model, "short writes").close().unwrap();
}

#[test]
fn a_backup_that_hits_a_full_disk_fails_cleanly() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), opts(SyncMode::Never)).unwrap();
    let mut model = Model::new();
    write_some(&db, &mut model, 0, 500);
    let dest = tempfile::tempdir().unwrap();
    failpoint::set("checkpoint.write", ENOSPC);
    let err = db.backup(dest.path().join("b")).unwrap_err();
    failpoint::clear();
    assert_eq!(errno_of(&err), Some(libc::ENOSPC), "{err}");
    assert!(tmp_files(&dest.path().join("b")).is_empty());
    assert_matches(&db, &model, "after a failed backup");
    db.put("after", "works").unwrap();
}

#[test]
fn a_checkpoint_goes_ahead_when_the_disk_has_no_room_for_a_new_segment() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let o = opts(SyncMode::Never);
    let db = Db::open_with(dir.path(), o.clone()).unwrap();
    let mut model = Model::new();
    write_some(&db, &mut model, 0, 2000);
    let before = db.stats().unwrap();
    // The checkpoint starts by closing the current segment, which needs a new one: no room.
    failpoint::set("wal.preallocate", ENOSPC);
    db.checkpoint().unwrap();
    assert!(failpoint::hits("wal.preallocate") >= 1, "the checkpoint did not try to rotate");
    failpoint::clear();
    let after = db.stats().unwrap();
    // It freed every closed segment; the current one stays and is appended to.
    assert_eq!(after.wal_segments, 1, "{before:?} -> {after:?}");
    assert!(after.wal_bytes < before.wal_bytes / 4);
    write_some(&db, &mut model, 2000, 50);
    db.close().unwrap();
    let report = scalodb::verify(dir.path()).unwrap();
    assert_eq!(report.checkpoint_seq, Some(after.last_checkpoint_seq));
    reopen_and_check(dir.path(), o, &model, "checkpoint without rotation").close().unwrap();
}

/// Keeps the events a store sends (`Db::set_event_listener`).
#[derive(Default)]
struct Events(Mutex<Vec<scalodb::Event>>);

impl scalodb::EventListener for Events {
    fn on_event(&self, event: &scalodb::Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Events {
    /// Waits (bounded: delivery is on the store's own thread) for an event `pick` accepts.
    fn wait_for(&self, what: &str, pick: impl Fn(&scalodb::Event) -> bool) -> scalodb::Event {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(e) = self.0.lock().unwrap().iter().find(|e| pick(e)) {
                return e.clone();
            }
            assert!(Instant::now() < deadline, "no {what} event in {:?}", self.0.lock().unwrap());
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[test]
fn a_failed_fsync_and_a_failed_checkpoint_are_reported_to_the_event_listener() {
    use scalodb::Event;
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), opts(SyncMode::Always)).unwrap();
    let events = std::sync::Arc::new(Events::default());
    db.set_event_listener(Some(events.clone())).unwrap();
    db.put("a", "1").unwrap();
    failpoint::set("checkpoint.create", EIO);
    assert!(db.checkpoint().is_err());
    failpoint::clear();
    match events.wait_for("checkpoint failure", |e| matches!(e, Event::CheckpointFailed { .. })) {
        Event::CheckpointFailed { error } => assert!(error.contains("nothing is lost"), "{error}"),
        _ => unreachable!(),
    }
    failpoint::set_nth("wal.sync", EIO, 1);
    assert!(db.put("b", "2").is_err());
    match events.wait_for("read-only", |e| matches!(e, Event::ReadOnly { .. })) {
        Event::ReadOnly { reason } => assert!(reason.contains("reopen"), "{reason}"),
        _ => unreachable!(),
    }
    // Reported once, however many writes are refused after it.
    assert!(db.put("c", "3").is_err());
    std::thread::sleep(Duration::from_millis(50));
    let n = events.0.lock().unwrap().iter().filter(|e| matches!(e, Event::ReadOnly { .. })).count();
    assert_eq!(n, 1);
}
