//! The hash index grows through many resizes (incrementally: two tables, a few slots migrated
//! per insert) while lock-free readers look up every key written so far and a snapshot taken
//! early stays open. Every key must stay readable throughout, and the snapshot must keep
//! showing exactly what it showed when it was taken, old values included.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use scalodb::Db;

/// The index starts at about a thousand slots: 300 000 keys take it through eight or more
/// doublings, each migrated while the writes and reads below go on.
const KEYS: u64 = 300_000;
/// Keys that exist when the snapshot is taken, then overwritten while it is open.
const EARLY: u64 = 2_000;

fn key(i: u64) -> String {
    format!("key:{i:08}")
}

fn value(i: u64) -> String {
    format!("v{i}")
}

fn overwritten(i: u64) -> String {
    format!("new{i}")
}

#[test]
fn every_key_stays_readable_while_the_hash_index_grows_under_readers_and_a_snapshot() {
    let db = Db::memory();
    for i in 0..EARLY {
        db.put(key(i), value(i)).unwrap();
    }
    let snap = Arc::new(db.snapshot().unwrap());
    let written = Arc::new(AtomicU64::new(EARLY));
    let overwrite_done = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let mut readers = Vec::new();
    for r in 0..2u64 {
        let (db, written, overwrite_done, done) = (db.clone(), written.clone(), overwrite_done.clone(), done.clone());
        readers.push(thread::spawn(move || {
            let mut rng = 0x2545_f491_4f6c_dd1d_u64 ^ r;
            let mut reads = 0u64;
            while !done.load(Ordering::Acquire) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let upto = written.load(Ordering::Acquire);
                let i = rng % upto;
                let over = overwrite_done.load(Ordering::Acquire);
                let got = db.get(key(i)).unwrap();
                let ok = match got.as_deref() {
                    Some(v) if i < EARLY => v == value(i).as_bytes() || v == overwritten(i).as_bytes(),
                    Some(v) => v == value(i).as_bytes(),
                    None => false,
                };
                assert!(ok, "key {i} of {upto} written read as {got:?}");
                if over && i < EARLY {
                    assert_eq!(got.as_deref(), Some(overwritten(i).as_bytes()), "key {i} went back to its old value");
                }
                reads += 1;
            }
            reads
        }));
    }
    let snap_reader = {
        let (snap, done) = (snap.clone(), done.clone());
        thread::spawn(move || {
            let mut rounds = 0u64;
            while !done.load(Ordering::Acquire) || rounds == 0 {
                for i in (rounds % 7..EARLY).step_by(7) {
                    assert_eq!(snap.get(key(i)).unwrap(), Some(value(i).into_bytes()), "the snapshot lost key {i}");
                }
                assert_eq!(
                    snap.get(key(EARLY + rounds % (KEYS - EARLY))).unwrap(),
                    None,
                    "the snapshot sees a later key"
                );
                rounds += 1;
            }
            rounds
        })
    };
    for i in EARLY..KEYS {
        db.put(key(i), value(i)).unwrap();
        written.store(i + 1, Ordering::Release);
        // Halfway, overwrite every early key: the snapshot keeps their old versions alive.
        if i == KEYS / 2 {
            for j in 0..EARLY {
                db.put(key(j), overwritten(j)).unwrap();
            }
            overwrite_done.store(true, Ordering::Release);
        }
    }
    done.store(true, Ordering::Release);
    for r in readers {
        assert!(r.join().unwrap() > 1000, "a reader hardly ran");
    }
    assert!(snap_reader.join().unwrap() > 0);

    // Afterwards: the snapshot still shows its state in full, and the store shows every key.
    let early: Vec<_> = snap.iter().unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(early.len() as u64, EARLY);
    assert!(early.iter().all(|(k, v)| {
        let i: u64 = std::str::from_utf8(&k[4..]).unwrap().parse().unwrap();
        *v == value(i).into_bytes()
    }));
    for i in 0..KEYS {
        let want = if i < EARLY { overwritten(i) } else { value(i) };
        assert_eq!(db.get(key(i)).unwrap(), Some(want.into_bytes()), "key {i} after the growth");
    }
    assert_eq!(db.stats().unwrap().keys, KEYS);
}
