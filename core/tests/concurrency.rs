//! Many threads at once: writers apply batches that keep an invariant (every key of a batch holds
//! the same counter), while readers, scans and snapshots check that no read ever sees part of a
//! batch. Also: group commit shares fsyncs between concurrent durable writers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use scalodb::{Db, Options, SyncMode, WriteBatch};

const GROUPS: u32 = 8;
const KEYS_PER_GROUP: u32 = 16;

fn key(group: u32, i: u32) -> String {
    format!("g{group:02}/k{i:03}")
}

fn check_group(values: &[Vec<u8>], what: &str) {
    assert_eq!(values.len(), KEYS_PER_GROUP as usize, "{what}: a batch is partly visible (missing keys)");
    assert!(values.windows(2).all(|w| w[0] == w[1]), "{what}: a batch is partly visible: {values:?}");
}

fn run_invariant_test(db: Db) {
    for g in 0..GROUPS {
        let mut b = WriteBatch::new();
        for i in 0..KEYS_PER_GROUP {
            b.put(key(g, i), 0u64.to_le_bytes());
        }
        db.write(b).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for w in 0..3u64 {
        let db = db.clone();
        threads.push(thread::spawn(move || {
            for round in 1..=2000u64 {
                let g = ((round * 7 + w * 3) % GROUPS as u64) as u32;
                let mut b = WriteBatch::new();
                let stamp = (round << 8 | w).to_le_bytes();
                for i in 0..KEYS_PER_GROUP {
                    b.put(key(g, i), stamp);
                }
                if round % 50 == 0 {
                    // A deleted-then-rewritten group exercises tombstones and garbage collection.
                    let mut d = WriteBatch::new();
                    for i in 0..KEYS_PER_GROUP {
                        d.delete(key(g, i));
                    }
                    db.write(d).unwrap();
                }
                db.write(b).unwrap();
            }
        }));
    }
    for r in 0..3u32 {
        let (db, stop) = (db.clone(), stop.clone());
        threads.push(thread::spawn(move || {
            let mut checks = 0u64;
            while !stop.load(Ordering::Relaxed) || checks < 50 {
                let g = (checks as u32 + r) % GROUPS;
                match r {
                    0 => {
                        let values: Vec<Vec<u8>> =
                            db.scan_prefix(format!("g{g:02}/")).unwrap().map(|e| e.unwrap().1).collect();
                        if !values.is_empty() {
                            check_group(&values, "prefix scan");
                        }
                    }
                    1 => {
                        let snap = db.snapshot().unwrap();
                        let values: Vec<Vec<u8>> =
                            (0..KEYS_PER_GROUP).filter_map(|i| snap.get(key(g, i)).unwrap()).collect();
                        if !values.is_empty() {
                            check_group(&values, "snapshot gets");
                        }
                        let all: Vec<(Vec<u8>, Vec<u8>)> = snap.iter().unwrap().rev().map(|e| e.unwrap()).collect();
                        for chunk in all.chunk_by(|a, b| a.0[..4] == b.0[..4]) {
                            let values: Vec<Vec<u8>> = chunk.iter().map(|(_, v)| v.clone()).collect();
                            check_group(&values, "reverse snapshot scan");
                        }
                    }
                    _ => {
                        // Point reads are not atomic across keys, but each value must be one
                        // that some batch wrote in full.
                        let v = db.get(key(g, 5)).unwrap();
                        if let Some(v) = v {
                            assert_eq!(v.len(), 8);
                        }
                    }
                }
                checks += 1;
            }
        }));
    }
    for t in threads.drain(..3) {
        t.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(db.stats().unwrap().open_views, 0);
}

#[test]
fn readers_never_see_part_of_a_batch_in_memory() {
    run_invariant_test(Db::memory());
}

#[test]
fn readers_never_see_part_of_a_batch_with_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Never, wal_segment_size: 64 * 1024, ..Options::default() };
    run_invariant_test(Db::open_with(dir.path(), opts).unwrap());
}

#[test]
fn concurrent_durable_writers_share_fsyncs() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), Options { sync: SyncMode::Always, ..Options::default() }).unwrap();
    let before = db.stats().unwrap().fsyncs;
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            thread::spawn(move || {
                for i in 0..1000 {
                    db.put(format!("t{t}/{i}"), b"durable").unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let fsyncs = db.stats().unwrap().fsyncs - before;
    eprintln!("4 threads x 1000 durable writes took {fsyncs} fsyncs");
    assert!(fsyncs < 2000, "group commit should share fsyncs: {fsyncs} for 4000 writes");
    assert!(fsyncs > 0);
    assert_eq!(db.stats().unwrap().keys, 4000);
}

#[test]
fn interval_mode_syncs_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Interval(Duration::from_millis(20)), ..Options::default() };
    let db = Db::open_with(dir.path(), opts).unwrap();
    db.put("k", "v").unwrap();
    let start = std::time::Instant::now();
    while db.stats().unwrap().fsyncs == 0 {
        assert!(start.elapsed() < Duration::from_secs(5), "no background fsync within 5 s");
        thread::sleep(Duration::from_millis(5));
    }
}
