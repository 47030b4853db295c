//! The memory limit: writes past it fail (NoEviction) or evict least recently used keys, durably.

use std::time::Duration;

use scalodb::{Db, Error, Eviction, Options, SyncMode};

const LIMIT: u64 = 4 << 20;
/// What may stand above the limit: index growth between checks and one write in flight.
const MARGIN: u64 = 1 << 20;

fn opts(eviction: Eviction) -> Options {
    Options { max_memory: Some(LIMIT), eviction, sync: SyncMode::Never, ..Options::default() }
}

#[test]
fn no_eviction_refuses_writes_but_reads_and_deletes_go_on() {
    let db = Db::memory_with(opts(Eviction::NoEviction)).unwrap();
    let mut written = 0u32;
    let err = loop {
        match db.put(format!("k{written:06}"), [1u8; 200]) {
            Ok(()) => written += 1,
            Err(e) => break e,
        }
        assert!(written < 100_000, "the limit never applied");
    };
    assert!(matches!(err, Error::OutOfMemory { limit: LIMIT, .. }), "{err}");
    let st = db.stats().unwrap();
    assert!(st.memory_bytes - st.pending_free_bytes <= LIMIT, "{st:?}");
    assert_eq!(db.get("k000000").unwrap().as_deref(), Some(&[1u8; 200][..]));
    assert!(db.delete("k000000").unwrap());
    assert_eq!(db.stats().unwrap().evictions, 0);
}

#[test]
fn lru_eviction_keeps_memory_under_the_limit_and_evicted_keys_stay_gone() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), opts(Eviction::AllKeysLru)).unwrap();
    let value = |i: u32| vec![(i % 251) as u8; 200];
    // About 3x the limit.
    let n = (3 * LIMIT / 300) as u32;
    for i in 0..n {
        db.put(format!("k{i:06}"), value(i)).unwrap();
        if i % 1000 == 0 {
            // Keep the first keys hot: LRU should spare them.
            for j in 0..10u32 {
                db.get(format!("k{j:06}")).unwrap();
            }
        }
        // The limit covers memory in use; what waits for readers to move on (pending_free_bytes)
        // is freed within milliseconds and bounded on its own.
        let st = db.stats().unwrap();
        let mem = st.memory_bytes - st.pending_free_bytes;
        assert!(mem <= LIMIT + MARGIN, "memory {mem} over the limit at write {i}: {st:?}");
        assert!(st.pending_free_bytes < 8 * MARGIN, "a backlog of freed memory at write {i}: {st:?}");
    }
    let st = db.stats().unwrap();
    assert!(st.evictions > 0 && st.keys < n as u64, "{st:?}");
    let mut present = Vec::new();
    for i in 0..n {
        if let Some(v) = db.get(format!("k{i:06}")).unwrap() {
            assert_eq!(v, value(i), "key {i} survived eviction with a wrong value");
            present.push(i);
        }
    }
    assert_eq!(present.len() as u64, st.keys);
    let hot_kept = (0..10u32).filter(|i| present.contains(i)).count();
    assert!(hot_kept >= 8, "only {hot_kept} of 10 hot keys survived");
    db.close().unwrap();
    let db = Db::open_with(dir.path(), Options { max_memory: None, ..opts(Eviction::AllKeysLru) }).unwrap();
    let after: Vec<u32> = (0..n).filter(|i| db.get(format!("k{i:06}")).unwrap().is_some()).collect();
    assert_eq!(after, present, "evicted keys came back (or kept ones vanished) after reopen");
}

#[test]
fn volatile_lru_evicts_only_keys_with_a_ttl() {
    let db = Db::memory_with(opts(Eviction::VolatileLru)).unwrap();
    for i in 0..5000u32 {
        db.put(format!("fixed{i:05}"), [2u8; 200]).unwrap();
    }
    let mut i = 0u32;
    loop {
        match db.put_with_ttl(format!("cache{i:06}"), [3u8; 200], Duration::from_secs(600)) {
            Ok(()) => i += 1,
            Err(Error::OutOfMemory { .. }) => break,
            Err(e) => panic!("{e}"),
        }
        if i > 40_000 {
            break;
        }
    }
    let st = db.stats().unwrap();
    assert!(st.evictions > 0, "{st:?}");
    for j in 0..5000u32 {
        assert!(db.get(format!("fixed{j:05}")).unwrap().is_some(), "fixed{j} has no TTL and was evicted");
    }
}
