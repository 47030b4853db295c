//! Memory under loads that retire a lot per commit, measured the way the operating system sees
//! it (resident set size), not only by the store's own counters: batches, transactions, deletes,
//! expiry, eviction, `clear`, and versions kept by a snapshot that was then released.
//!
//! RSS is per process, so these tests take turns (`SERIAL`) and measure growth within one test.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use scalodb::{Db, Eviction, Options, WriteBatch};

mod support;
use support::rss_bytes;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const MIB: u64 = 1 << 20;
const KEYS: u64 = 1000;
const OPS: u64 = 3_000_000;
const BATCH: u64 = 16;
/// Retired objects wait for readers a few milliseconds. A mass expiry retires everything that
/// expired since the last sweep at once (tens of thousands here); a backlog that grew with the
/// work (the old defect) would reach millions.
const PENDING_MAX: u64 = 400_000;

fn key(i: u64) -> String {
    format!("key:{:04}", i % KEYS)
}

/// Runs `step` (which performs `BATCH` operations starting at op `i`) until `ops` operations,
/// and checks that RSS grows by less than 64 MiB after the first million and that the backlog of
/// retired objects stays bounded throughout. (Before the reclaimer, batches of 16 grew RSS by
/// about 130 bytes per write: 130 MiB per million.)
fn check_bounded(what: &str, db: &Db, ops: u64, mut step: impl FnMut(u64)) {
    let mut after_first_million = 0;
    let mut pending_max = 0;
    let mut i = 0;
    while i < ops {
        step(i);
        i += BATCH;
        if i % 100_000 < BATCH {
            pending_max = pending_max.max(db.stats().unwrap().pending_free_objects);
        }
        if after_first_million == 0 && i >= 1_000_000 {
            after_first_million = rss_bytes();
        }
    }
    let grown = rss_bytes().saturating_sub(after_first_million);
    eprintln!("{what}: RSS +{} MiB after the first million, at most {pending_max} objects pending", grown / MIB);
    assert!(grown < 64 * MIB, "{what}: RSS grew by {} MiB after the first million operations", grown / MIB);
    assert!(pending_max < PENDING_MAX, "{what}: {pending_max} retired objects were waiting to be freed");
}

#[test]
fn batches_of_overwrites_keep_rss_and_the_free_backlog_bounded() {
    let _s = serial();
    let db = Db::memory();
    let value = [7u8; 100];
    check_bounded("WriteBatch of 16 puts", &db, OPS, |i| {
        let mut b = WriteBatch::new();
        for j in 0..BATCH {
            b.put(key(i + j), value);
        }
        db.write(b).unwrap();
    });
    assert_eq!(db.stats().unwrap().keys, KEYS);
}

#[test]
fn put_many_of_overwrites_keeps_rss_and_the_free_backlog_bounded() {
    let _s = serial();
    let db = Db::memory();
    let value = [8u8; 100];
    // What the server's MSET and pipelined SETs commit: borrowed pairs, one record.
    check_bounded("put_many of 16 pairs", &db, OPS, |i| {
        let keys: Vec<String> = (0..BATCH).map(|j| key(i + j)).collect();
        let pairs: Vec<(&str, &[u8])> = keys.iter().map(|k| (k.as_str(), &value[..])).collect();
        db.put_many(&pairs).unwrap();
    });
    assert_eq!(db.stats().unwrap().keys, KEYS);
}

#[test]
fn transactions_of_overwrites_keep_rss_and_the_free_backlog_bounded() {
    let _s = serial();
    let db = Db::memory();
    let value = [3u8; 100];
    check_bounded("transactions of 16 puts", &db, OPS, |i| {
        db.transaction(|tx| {
            for j in 0..BATCH {
                tx.put(key(i + j), value);
            }
            Ok(())
        })
        .unwrap();
    });
    assert_eq!(db.stats().unwrap().keys, KEYS);
}

#[test]
fn batches_of_puts_and_deletes_keep_rss_and_the_free_backlog_bounded() {
    let _s = serial();
    let db = Db::memory();
    let value = [5u8; 100];
    // Half the batch writes keys, the other half deletes keys written by the batch before, so
    // every commit both allocates items and retires deleted ones.
    check_bounded("batches of 8 puts and 8 deletes", &db, OPS, |i| {
        let mut b = WriteBatch::new();
        for j in 0..BATCH / 2 {
            b.put(key(i + j), value);
            b.delete(key(i + j + KEYS / 2));
        }
        db.write(b).unwrap();
    });
}

#[test]
fn batches_of_expiring_puts_keep_rss_and_the_free_backlog_bounded() {
    let _s = serial();
    let db = Db::memory();
    let value = [9u8; 100];
    // Keys live 1 ms: the maintenance thread (and stats) sweep expired ones in large batches.
    check_bounded("batches of 16 puts with a 1 ms TTL", &db, 2_000_000, |i| {
        let mut b = WriteBatch::new();
        for j in 0..BATCH {
            b.put_with_ttl(format!("ttl:{}", (i + j) % 100_000), value, Duration::from_millis(1));
        }
        db.write(b).unwrap();
    });
}

#[test]
fn eviction_under_batches_of_new_keys_keeps_rss_and_the_free_backlog_bounded() {
    let _s = serial();
    let opts = Options { max_memory: Some(4 * MIB), eviction: Eviction::AllKeysLru, ..Options::in_memory() };
    let db = Db::memory_with(opts).unwrap();
    let value = [1u8; 100];
    // Every key is new, so every put evicts an old one once the limit is reached.
    check_bounded("batches of 16 new keys under a 4 MiB limit", &db, 2_000_000, |i| {
        let mut b = WriteBatch::new();
        for j in 0..BATCH {
            b.put(format!("new:{:09}", i + j), value);
        }
        db.write(b).unwrap();
    });
    assert!(db.stats().unwrap().evictions > 1_900_000);
}

#[test]
fn clearing_a_million_keys_then_writing_keeps_peak_rss_under_one_and_a_half_times() {
    let _s = serial();
    let db = Db::memory();
    let value = [2u8; 100];
    for chunk in 0..1000u64 {
        let mut b = WriteBatch::new();
        for j in 0..1000u64 {
            b.put(format!("user:{:07}", chunk * 1000 + j), value);
        }
        db.write(b).unwrap();
    }
    let before = rss_bytes();
    db.clear().unwrap();
    eprintln!("RSS before clear: {} MiB", before / MIB);
    let mut peak = rss_bytes();
    for i in 0..200_000u64 {
        db.put(format!("small:{i:06}"), [4u8; 20]).unwrap();
        if i % 5000 == 0 {
            peak = peak.max(rss_bytes());
        }
    }
    peak = peak.max(rss_bytes());
    eprintln!("peak RSS after clear and 200 000 puts: {} MiB", peak / MIB);
    assert!(peak * 2 < before * 3, "RSS before clear {} MiB, peak after it {} MiB", before / MIB, peak / MIB);
    assert_eq!(db.stats().unwrap().keys, 200_000);
    assert_eq!(db.get("user:0000001").unwrap(), None);
}

#[test]
fn versions_a_released_snapshot_kept_are_freed_without_writing_the_keys_again() {
    let _s = serial();
    let db = Db::memory();
    let n = 100_000u64;
    for i in 0..n {
        db.put(format!("k:{i:06}"), [0u8; 100]).unwrap();
    }
    let base = db.stats().unwrap().memory_bytes;
    let snap = db.snapshot().unwrap();
    for round in 1..=5u8 {
        for i in 0..n {
            db.put(format!("k:{i:06}"), [round; 100]).unwrap();
        }
    }
    let held = db.stats().unwrap().memory_bytes;
    assert!(held > base * 4, "the snapshot should hold 5 versions per key: {held} vs base {base}");
    assert_eq!(snap.get("k:000007").unwrap().unwrap(), vec![0u8; 100]);
    drop(snap);
    // The trimmer runs in the background; give it a generous bound, then check the figure.
    let start = Instant::now();
    let mut now = held;
    while start.elapsed() < Duration::from_secs(30) {
        now = db.stats().unwrap().memory_bytes;
        if now * 5 <= base * 6 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(now * 5 <= base * 6, "memory_bytes {now} after the snapshot was dropped, base {base}, held {held}");
    for i in (0..n).step_by(997) {
        assert_eq!(db.get(format!("k:{i:06}")).unwrap().unwrap(), vec![5u8; 100]);
    }
    assert_eq!(db.iter().unwrap().count() as u64, n);
}

#[test]
fn rss_goes_back_to_the_os_after_most_keys_expire() {
    let _s = serial();
    let start_rss = rss_bytes();
    let db = Db::memory();
    let value = [6u8; 100];
    // 900 000 session-like keys, then 100 000 that stay: the sessions' memory lies below the
    // data that stays, so only asking the allocator to release free pages gives it back (memory
    // freed at the top of the heap would go back on its own).
    for chunk in 0..1000u64 {
        let mut b = WriteBatch::new();
        for j in 0..1000u64 {
            b.put(format!("s:{:07}", chunk * 1000 + j), value);
        }
        db.write(b).unwrap();
    }
    // The sessions get a TTL only now, however long the fill took.
    for i in 0..900_000u64 {
        assert!(db.expire(format!("s:{i:07}"), Duration::from_secs(1)).unwrap());
    }
    let full = rss_bytes();
    // A bound on liveness, not a timing: a loaded debug run needs tens of seconds to sweep 900 000 keys.
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut rss, mut mem);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let stats = db.stats().unwrap();
        mem = stats.memory_bytes;
        rss = rss_bytes();
        // What the store holds, plus what the process held before it existed, with 50% slack.
        let explained = mem + start_rss;
        if stats.keys == 100_000 && rss * 2 <= explained * 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "RSS {} MiB with {} keys (full: {} MiB), memory_bytes {} MiB, process before {} MiB",
            rss / MIB,
            stats.keys,
            full / MIB,
            mem / MIB,
            start_rss / MIB
        );
    }
    assert_eq!(db.get("s:0950000").unwrap().unwrap(), value.to_vec());
}
