//! Time-to-live: expired keys vanish at once from every read path, expiry survives a reopen, and
//! the memory of expired keys comes back without the application doing anything.

use std::thread::sleep;
use std::time::{Duration, Instant};

use scalodb::{Db, Options, SyncMode, Ttl};

#[test]
fn expired_keys_are_invisible_to_every_read() {
    let db = Db::memory();
    db.put("keep", "v").unwrap();
    db.put_with_ttl("gone", "v", Duration::from_millis(50)).unwrap();
    let snap = db.snapshot().unwrap();
    assert_eq!(db.get("gone").unwrap().as_deref(), Some(&b"v"[..]));
    assert!(matches!(db.ttl("gone").unwrap(), Ttl::Remaining(d) if d <= Duration::from_millis(50)));
    sleep(Duration::from_millis(80));
    assert_eq!(db.get("gone").unwrap(), None);
    assert_eq!(snap.get("gone").unwrap(), None, "snapshots hide expired keys too");
    let keys: Vec<Vec<u8>> = db.iter().unwrap().map(|e| e.unwrap().0).collect();
    assert_eq!(keys, vec![b"keep".to_vec()]);
    assert_eq!(db.stats().unwrap().keys, 1);
    assert_eq!(db.ttl("gone").unwrap(), Ttl::Missing);
    assert_eq!(db.ttl("keep").unwrap(), Ttl::Forever);
}

#[test]
fn expire_persist_and_ttl() {
    let db = Db::memory();
    assert!(!db.expire("absent", Duration::from_secs(1)).unwrap());
    db.put("k", "v").unwrap();
    assert!(!db.persist("k").unwrap(), "no TTL to remove");
    assert!(db.expire("k", Duration::from_secs(100)).unwrap());
    match db.ttl("k").unwrap() {
        Ttl::Remaining(d) => assert!(d > Duration::from_secs(98) && d <= Duration::from_secs(100), "{d:?}"),
        other => panic!("{other:?}"),
    }
    assert!(db.persist("k").unwrap());
    assert_eq!(db.ttl("k").unwrap(), Ttl::Forever);
    assert!(db.expire("k", Duration::from_millis(30)).unwrap());
    sleep(Duration::from_millis(60));
    assert_eq!(db.get("k").unwrap(), None);
    // Writing the key again starts over without a TTL.
    db.put("k", "again").unwrap();
    assert_eq!(db.ttl("k").unwrap(), Ttl::Forever);
}

#[test]
fn expiry_survives_a_reopen_and_keys_that_expired_while_closed_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Never, auto_checkpoint: false, ..Options::default() };
    let db = Db::open_with(dir.path(), opts.clone()).unwrap();
    db.put_with_ttl("short", "v", Duration::from_millis(200)).unwrap();
    db.put_with_ttl("long", "v", Duration::from_secs(3600)).unwrap();
    db.put("later", "v").unwrap();
    db.expire("later", Duration::from_millis(200)).unwrap();
    db.put_with_ttl("ckpt-short", "v", Duration::from_millis(200)).unwrap();
    db.checkpoint().unwrap();
    db.put_with_ttl("wal-short", "v", Duration::from_millis(200)).unwrap();
    db.close().unwrap();
    sleep(Duration::from_millis(300));
    let db = Db::open_with(dir.path(), opts).unwrap();
    for k in ["short", "later", "ckpt-short", "wal-short"] {
        assert_eq!(db.get(k).unwrap(), None, "{k} expired while the store was closed");
    }
    assert!(matches!(db.ttl("long").unwrap(), Ttl::Remaining(d) if d > Duration::from_secs(3500)));
    assert_eq!(db.stats().unwrap().keys, 1);
}

#[test]
fn memory_of_expired_keys_comes_back_within_seconds() {
    let db = Db::memory();
    let n = 1_000_000u32;
    let value = [5u8; 32];
    for i in 0..n {
        db.put(format!("session:{i:08}"), value).unwrap();
    }
    let full = db.stats().unwrap().memory_bytes;
    // Half the keys get a short TTL; they expire while (or soon after) this loop runs.
    for i in (0..n).step_by(2) {
        assert!(db.expire(format!("session:{i:08}"), Duration::from_millis(300)).unwrap());
    }
    let start = Instant::now();
    // Readers go on while the sweeper works.
    let reader = {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut reads = 0u64;
            while start.elapsed() < Duration::from_secs(2) {
                assert!(db.get(format!("session:{:08}", (reads * 7 % n as u64) | 1)).unwrap().is_some());
                reads += 1;
            }
            reads
        })
    };
    loop {
        let mem = db.stats().unwrap().memory_bytes;
        if mem < full * 65 / 100 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "memory {mem} still near {full} after 10 s");
        sleep(Duration::from_millis(100));
    }
    let took = start.elapsed();
    assert!(reader.join().unwrap() > 1000, "readers made progress during the sweep");
    let st = db.stats().unwrap();
    assert_eq!(st.keys, n as u64 / 2);
    eprintln!("half of {n} keys expired; memory {full} -> {} in {took:?}", st.memory_bytes);
}

#[test]
fn a_ttl_removed_or_extended_after_a_checkpoint_survives_a_reopen_after_the_old_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { auto_checkpoint: false, ..Options::default() };
    let db = Db::open_with(dir.path(), opts.clone()).unwrap();
    db.put_with_ttl("persisted", "p", Duration::from_millis(100)).unwrap();
    db.put_with_ttl("extended", "e", Duration::from_millis(100)).unwrap();
    db.put_with_ttl("expires", "x", Duration::from_millis(100)).unwrap();
    // The checkpoint holds the short expiries; the log after it removes or extends two of them.
    db.checkpoint().unwrap();
    assert!(db.persist("persisted").unwrap());
    assert!(db.expire("extended", Duration::from_secs(3600)).unwrap());
    db.close().unwrap();
    sleep(Duration::from_millis(150));
    let db = Db::open_with(dir.path(), opts).unwrap();
    assert_eq!(db.get("persisted").unwrap().as_deref(), Some(&b"p"[..]));
    assert_eq!(db.ttl("persisted").unwrap(), Ttl::Forever);
    assert_eq!(db.get("extended").unwrap().as_deref(), Some(&b"e"[..]));
    assert!(matches!(db.ttl("extended").unwrap(), Ttl::Remaining(d) if d > Duration::from_secs(3000)));
    assert_eq!(db.get("expires").unwrap(), None);
    assert_eq!(db.stats().unwrap().keys, 2);
}
