//! Backup while in use, and `verify` on healthy and damaged stores.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use scalodb::{verify, Db, Error, Options, SyncMode};

#[test]
fn a_backup_taken_under_load_opens_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Never, wal_segment_size: 64 * 1024, ..Options::default() };
    let db = Db::open_with(dir.path(), opts).unwrap();
    for i in 0..5000u32 {
        db.put(format!("base:{i:05}"), i.to_le_bytes()).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0u32;
            while !stop.load(Ordering::Relaxed) {
                db.put(format!("live:{i:07}"), i.to_le_bytes()).unwrap();
                i += 1;
            }
            i
        })
    };
    let dest = tempfile::tempdir().unwrap();
    let copy_dir = dest.path().join("copy");
    db.backup(&copy_dir).unwrap();
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(matches!(db.backup(&copy_dir), Err(Error::InvalidArgument(_))), "a non-empty destination is refused");
    let copy = Db::open(&copy_dir).unwrap();
    for i in 0..5000u32 {
        assert_eq!(copy.get(format!("base:{i:05}")).unwrap().unwrap(), i.to_le_bytes());
    }
    // The copy is one consistent point: live:N present implies every live:M < N present.
    let live: Vec<u32> = copy
        .scan_prefix("live:")
        .unwrap()
        .map(|e| String::from_utf8(e.unwrap().0[5..].to_vec()).unwrap().parse().unwrap())
        .collect();
    assert!(live.iter().enumerate().all(|(n, &k)| n as u32 == k), "the copy is not a prefix of the writes");
    assert!(live.len() as u32 <= written);
    copy.put("the copy", "is writable").unwrap();
}

#[test]
fn verify_checks_a_healthy_store_and_reports_damage() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Never, auto_checkpoint: false, ..Options::default() };
    let db = Db::open_with(dir.path(), opts).unwrap();
    for i in 0..300u32 {
        db.put(format!("k{i:04}"), [i as u8; 30]).unwrap();
    }
    db.checkpoint().unwrap();
    for i in 0..100u32 {
        db.put(format!("n{i:04}"), [1u8; 30]).unwrap();
    }
    db.close().unwrap();
    let report = verify(dir.path()).unwrap();
    assert_eq!(report.checkpoint_entries, 300);
    assert_eq!(report.records, 100);
    assert!(!report.torn_tail);
    // Damage a record in the middle of the log: verify says where, and changes nothing.
    let seg = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "log"))
        .unwrap();
    let mut bytes = std::fs::read(&seg).unwrap();
    bytes[64 + 200] ^= 0x55;
    std::fs::write(&seg, &bytes).unwrap();
    match verify(dir.path()) {
        Err(Error::Corruption { path, .. }) => assert_eq!(path, seg),
        other => panic!("expected Corruption, got {other:?}"),
    }
    assert_eq!(std::fs::read(&seg).unwrap(), bytes, "verify must not modify files");
}

#[test]
fn backup_and_verify_report_progress_up_to_their_totals() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path()).unwrap();
    for i in 0..5000u32 {
        db.put(format!("k{i:05}"), [7u8; 50]).unwrap();
    }
    let dest = dir.path().join("copy");
    let mut keys = Vec::new();
    db.backup_with_progress(&dest, |done, total| keys.push((done, total))).unwrap();
    assert!(keys.windows(2).all(|w| w[0].0 <= w[1].0), "keys written only grow: {keys:?}");
    assert_eq!(keys.last(), Some(&(5000, 5000)));
    db.checkpoint().unwrap();
    for i in 0..100u32 {
        db.put(format!("after{i}"), b"x").unwrap();
    }
    db.close().unwrap();
    let mut bytes = Vec::new();
    let report = scalodb::verify_with_progress(dir.path(), |done, total| bytes.push((done, total))).unwrap();
    assert_eq!(report.checkpoint_entries, 5000);
    assert!(bytes.len() > 100, "progress during the checkpoint and the log: {} calls", bytes.len());
    assert!(bytes.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 == w[1].1), "bytes read only grow");
    let (done, total) = *bytes.last().unwrap();
    assert_eq!(done, total);
    assert!(total > 5000 * 50, "the total is the files' size: {total}");
}
