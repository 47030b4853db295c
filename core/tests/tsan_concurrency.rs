//! Concurrency stress aimed at the lock-free structures, written to be run under ThreadSanitizer
//! (`make check-tsan`, see fuzz/fuzz.mk) and small enough to run in `make test` as well: readers
//! probe the hash index while the writer grows it through several resizes and deletes from it;
//! readers touch items while eviction unlinks them; durable writers share group-commit fsyncs
//! while snapshots, scans and checkpoints register read views and the writer trims versions.
//!
//! Each test also checks what readers see, so a plain run proves behaviour; under TSan any access
//! to item, version, table or tree memory without a happens-before edge to its writer (or to its
//! free) is reported as a data race.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use scalodb::{Db, Eviction, Options, SyncMode, WriteBatch};

fn key(i: u64) -> String {
    format!("key:{i:08}")
}

fn first_value(i: u64) -> Vec<u8> {
    format!("first:{i}").into_bytes()
}

fn second_value(i: u64) -> Vec<u8> {
    format!("second:{i}:{}", "x".repeat((i % 40) as usize)).into_bytes()
}

/// Large enough that 12 000 of them pass a 2 MiB memory limit several times over.
fn big_value(i: u64) -> Vec<u8> {
    format!("big:{i}:{}", "y".repeat(300)).into_bytes()
}

/// A cheap per-thread sequence of pseudo-random numbers (xorshift).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Keys written in phase 1; the hash table starts with 1 024 slots, so it is resized (a new table
/// published, the old one retired through the epoch) four times on the way.
const KEYS: u64 = 7_000;

#[test]
fn hash_index_resizes_and_removals_under_lock_free_readers() {
    let db = Db::memory();
    let inserted = Arc::new(AtomicU64::new(0));
    let phase2 = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let mut readers = Vec::new();
    for r in 0..2u64 {
        let (db, inserted, phase2, done) = (db.clone(), inserted.clone(), phase2.clone(), done.clone());
        readers.push(thread::spawn(move || {
            let mut rng = 0x9e37_79b9_7f4a_7c15 ^ (r + 1);
            let mut reads = 0u64;
            while !done.load(Ordering::Acquire) {
                let upto = inserted.load(Ordering::Acquire);
                if upto == 0 {
                    thread::yield_now();
                    continue;
                }
                let i = next(&mut rng) % upto;
                let got = db.get(key(i)).unwrap();
                // Read the phase after the get: deletes may have started while it ran.
                let deleting = phase2.load(Ordering::Acquire);
                let ok = match &got {
                    Some(v) => *v == first_value(i) || (deleting && i % 2 == 1 && *v == second_value(i)),
                    None => deleting && i % 2 == 0,
                };
                assert!(ok, "reader saw {got:?} for key {i} (deleting: {deleting})");
                if reads % 64 == 0 {
                    let lo = next(&mut rng) % KEYS;
                    let entries: Vec<_> = db.scan(key(lo)..key(lo + 50)).unwrap().map(|e| e.unwrap()).collect();
                    assert!(entries.windows(2).all(|w| w[0].0 < w[1].0), "scan out of order");
                    for (k, v) in &entries {
                        let i: u64 = std::str::from_utf8(&k[4..]).unwrap().parse().unwrap();
                        let ok = if i < KEYS { *v == first_value(i) || *v == second_value(i) } else { v == b"filler" };
                        assert!(ok, "scan saw {v:?} for key {i}");
                    }
                }
                reads += 1;
            }
            reads
        }));
    }
    for i in 0..KEYS {
        db.put(key(i), first_value(i)).unwrap();
        inserted.store(i + 1, Ordering::Release);
    }
    phase2.store(true, Ordering::Release);
    for i in 0..KEYS {
        if i % 2 == 0 {
            assert!(db.delete(key(i)).unwrap());
        } else {
            db.put(key(i), second_value(i)).unwrap();
        }
    }
    // Deleted items are unlinked a few per commit: keep committing until they are all gone, so
    // removals (DELETED slots) and their reuse by new inserts happen while readers run.
    for i in 0..KEYS / 2 {
        db.put(key(KEYS + i), b"filler").unwrap();
    }
    done.store(true, Ordering::Release);
    for r in readers {
        assert!(r.join().unwrap() > 0, "a reader never ran");
    }
    assert_eq!(db.get(key(1)).unwrap(), Some(second_value(1)));
    assert_eq!(db.get(key(2)).unwrap(), None);
}

#[test]
fn eviction_unlinks_items_while_readers_touch_them() {
    let opts = Options { max_memory: Some(2 << 20), eviction: Eviction::AllKeysLru, ..Options::in_memory() };
    let db = Db::memory_with(opts).unwrap();
    let written = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (db, written, done) = (db.clone(), written.clone(), done.clone());
        thread::spawn(move || {
            let mut rng = 0x2545_f491_4f6c_dd1d;
            while !done.load(Ordering::Acquire) {
                let upto = written.load(Ordering::Acquire).max(1);
                let i = next(&mut rng) % upto;
                if let Some(v) = db.get(key(i)).unwrap() {
                    assert_eq!(v, big_value(i), "an evicted or live key showed a foreign value");
                }
            }
        })
    };
    for i in 0..12_000 {
        db.put(key(i), big_value(i)).unwrap();
        written.store(i + 1, Ordering::Release);
    }
    done.store(true, Ordering::Release);
    reader.join().unwrap();
    assert!(db.stats().unwrap().evictions > 0, "the memory limit was never reached");
}

const GROUPS: u64 = 4;
const PER_GROUP: u64 = 8;

/// Every key of a group is written in one batch with the same stamp; a reader that sees two
/// stamps in one group saw half a commit.
fn group_key(g: u64, i: u64) -> String {
    format!("g{g}/{i}")
}

fn check_groups(entries: &[(Vec<u8>, Vec<u8>)], what: &str) {
    assert_eq!(entries.len() as u64, GROUPS * PER_GROUP, "{what}: keys missing");
    for group in entries.chunks(PER_GROUP as usize) {
        assert!(group.windows(2).all(|w| w[0].1 == w[1].1), "{what}: a batch is partly visible");
    }
}

#[test]
fn group_commit_with_read_views_and_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Always, wal_segment_size: 64 * 1024, ..Options::default() };
    let db = Db::open_with(dir.path(), opts).unwrap();
    for g in 0..GROUPS {
        let mut b = WriteBatch::new();
        for i in 0..PER_GROUP {
            b.put(group_key(g, i), 0u64.to_le_bytes());
        }
        db.write(b).unwrap();
    }
    let done = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for w in 0..3u64 {
        let db = db.clone();
        threads.push(thread::spawn(move || {
            for round in 1..=150u64 {
                let g = (round + w) % GROUPS;
                let mut b = WriteBatch::new();
                for i in 0..PER_GROUP {
                    b.put(group_key(g, i), (round << 8 | w).to_le_bytes());
                }
                db.write(b).unwrap();
            }
        }));
    }
    let observers: Vec<_> = (0..2u64)
        .map(|n| {
            let (db, done) = (db.clone(), done.clone());
            thread::spawn(move || {
                while !done.load(Ordering::Acquire) {
                    if n == 0 {
                        let snap = db.snapshot().unwrap();
                        let first: Vec<_> = snap.iter().unwrap().map(|e| e.unwrap()).collect();
                        check_groups(&first, "snapshot");
                        thread::yield_now();
                        let again: Vec<_> = snap.iter().unwrap().map(|e| e.unwrap()).collect();
                        assert_eq!(first, again, "a snapshot changed while writers went on");
                    } else {
                        let entries: Vec<_> = db.iter().unwrap().rev().map(|e| e.unwrap()).rev().collect();
                        check_groups(&entries, "reverse scan");
                    }
                }
            })
        })
        .collect();
    let checkpointer = {
        let (db, done) = (db.clone(), done.clone());
        thread::spawn(move || {
            while !done.load(Ordering::Acquire) {
                db.checkpoint().unwrap();
                thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    for t in threads {
        t.join().unwrap();
    }
    done.store(true, Ordering::Release);
    for t in observers {
        t.join().unwrap();
    }
    checkpointer.join().unwrap();
    let before: Vec<_> = db.iter().unwrap().map(|e| e.unwrap()).collect();
    db.close().unwrap();
    let db = Db::open(dir.path()).unwrap();
    let after: Vec<_> = db.iter().unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(before, after, "acknowledged durable writes lost across a reopen");
    check_groups(&after, "after reopening");
}

/// Versions kept by snapshots are trimmed, and items replaced by compact copies, after the
/// snapshots close, while readers keep reading the same keys through the hash index and scans.
#[test]
fn released_snapshots_are_trimmed_and_items_compacted_under_lock_free_readers() {
    let db = Db::memory();
    let value = |round: u64, i: u64| format!("r{round}:{i}:{}", "z".repeat((i % 30) as usize)).into_bytes();
    let check = |k: &[u8], v: &[u8]| {
        let i: u64 = std::str::from_utf8(&k[4..]).unwrap().parse().unwrap();
        let text = std::str::from_utf8(v).unwrap();
        let round: u64 = text[1..text.find(':').unwrap()].parse().unwrap();
        assert_eq!(v, value(round, i), "key {i} holds a value it was never given");
    };
    for i in 0..KEYS {
        db.put(key(i), value(0, i)).unwrap();
    }
    let base = db.stats().unwrap().memory_bytes;
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    thread::scope(|s| {
        for t in 0..2u64 {
            let (db, stop, reads) = (db.clone(), stop.clone(), reads.clone());
            s.spawn(move || {
                let mut rng = 0x9e37_79b9_7f4a_7c15 ^ (t + 1);
                while !stop.load(Ordering::Acquire) {
                    let i = next(&mut rng) % KEYS;
                    let k = key(i);
                    let v = db.get(&k).unwrap().expect("a key that is never deleted");
                    check(k.as_bytes(), &v);
                    if i % 64 == 0 {
                        for entry in db.scan_prefix(format!("key:{:05}", i / 1000)).unwrap().take(50) {
                            let (k, v) = entry.unwrap();
                            check(&k, &v);
                        }
                    }
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // Two overlapping snapshots, so the trimmer sees versions the second still needs.
        let first = db.snapshot().unwrap();
        for i in 0..KEYS {
            db.put(key(i), value(1, i)).unwrap();
        }
        let second = db.snapshot().unwrap();
        for round in 2..4 {
            for i in 0..KEYS {
                db.put(key(i), value(round, i)).unwrap();
            }
        }
        assert_eq!(first.get(key(5)).unwrap().unwrap(), value(0, 5));
        drop(first);
        assert_eq!(second.get(key(5)).unwrap().unwrap(), value(1, 5));
        drop(second);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while db.stats().unwrap().memory_bytes * 5 > base * 6 && std::time::Instant::now() < deadline {
            thread::sleep(std::time::Duration::from_millis(20));
        }
        stop.store(true, Ordering::Release);
    });
    let mem = db.stats().unwrap().memory_bytes;
    assert!(mem * 5 <= base * 6, "memory_bytes {mem} after both snapshots closed (base {base})");
    assert!(reads.load(Ordering::Relaxed) > 0);
    for i in 0..KEYS {
        assert_eq!(db.get(key(i)).unwrap().unwrap(), value(3, i));
    }
}
