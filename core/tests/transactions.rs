//! Transactions are serializable: concurrent transfers keep the total exact, write skew and
//! phantoms are rejected, and a failed or panicking transaction writes nothing.

use std::sync::Arc;
use std::thread;

use scalodb::{CasOutcome, Db, Error};

fn num(v: Option<Vec<u8>>) -> i64 {
    v.map_or(0, |v| String::from_utf8(v).unwrap().parse().unwrap())
}

#[test]
fn concurrent_transfers_keep_the_total_exact() {
    let db = Db::memory();
    for a in 0..100 {
        db.put(format!("acct:{a:03}"), "1000").unwrap();
    }
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let db = db.clone();
            thread::spawn(move || {
                let mut x = t * 7919 + 1;
                for _ in 0..500 {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let (from, to) = ((x >> 33) % 100, (x >> 45) % 100);
                    if from == to {
                        continue;
                    }
                    let amount = ((x >> 20) % 50) as i64;
                    db.transaction_with_retries(1000, |tx| {
                        let a = num(tx.get(format!("acct:{from:03}"))?);
                        let b = num(tx.get(format!("acct:{to:03}"))?);
                        tx.put(format!("acct:{from:03}"), (a - amount).to_string());
                        tx.put(format!("acct:{to:03}"), (b + amount).to_string());
                        Ok(())
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let total: i64 = db.scan_prefix("acct:").unwrap().map(|e| num(Some(e.unwrap().1))).sum();
    assert_eq!(total, 100 * 1000);
    let st = db.stats().unwrap();
    assert!(st.transactions >= 1900, "{st:?}");
}

#[test]
fn write_skew_is_rejected() {
    let db = Db::memory();
    db.put("x", "1").unwrap();
    db.put("y", "1").unwrap();
    // Invariant: x + y >= 1. Each transaction checks it and sets one to 0.
    let mut t1 = db.begin().unwrap();
    let mut t2 = db.begin().unwrap();
    assert_eq!(num(t1.get("x").unwrap()) + num(t1.get("y").unwrap()), 2);
    assert_eq!(num(t2.get("x").unwrap()) + num(t2.get("y").unwrap()), 2);
    t1.put("x", "0");
    t2.put("y", "0");
    t1.commit().unwrap();
    assert!(matches!(t2.commit(), Err(Error::Conflict)));
    assert_eq!(num(db.get("x").unwrap()) + num(db.get("y").unwrap()), 1);
    let st = db.stats().unwrap();
    assert_eq!((st.transactions, st.conflicts), (1, 1), "a failed commit counts as a conflict");
}

#[test]
fn a_key_found_absent_or_a_scanned_range_that_changes_is_a_conflict() {
    let db = Db::memory();
    let mut t = db.begin().unwrap();
    assert_eq!(t.get("new").unwrap(), None);
    t.put("other", "1");
    db.put("new", "appeared").unwrap();
    assert!(matches!(t.commit(), Err(Error::Conflict)));

    db.put("r:1", "a").unwrap();
    let mut t = db.begin().unwrap();
    assert_eq!(t.scan_prefix("r:").unwrap().len(), 1);
    t.put("count", "1");
    db.put("r:2", "phantom").unwrap();
    assert!(matches!(t.commit(), Err(Error::Conflict)));

    // Without interference the same transaction commits, and sees its own writes.
    let mut t = db.begin().unwrap();
    t.put("r:3", "mine");
    let seen: Vec<Vec<u8>> = t.scan_prefix("r:").unwrap().into_iter().map(|(k, _)| k).collect();
    assert_eq!(seen, vec![b"r:1".to_vec(), b"r:2".to_vec(), b"r:3".to_vec()]);
    t.commit().unwrap();
    assert_eq!(db.get("r:3").unwrap().as_deref(), Some(&b"mine"[..]));
}

#[test]
fn a_failing_or_panicking_transaction_leaves_nothing_behind() {
    let db = Arc::new(Db::memory());
    let r: Result<(), Error> = db.transaction(|tx| {
        tx.put("a", "1");
        Err(Error::InvalidArgument("the application changed its mind".into()))
    });
    assert!(matches!(r, Err(Error::InvalidArgument(_))));
    assert_eq!(db.get("a").unwrap(), None);
    let db2 = db.clone();
    let panicked = thread::spawn(move || {
        db2.transaction(|tx| {
            tx.put("b", "1");
            panic!("boom");
            #[allow(unreachable_code)]
            Ok(())
        })
    })
    .join();
    assert!(panicked.is_err());
    assert_eq!(db.get("b").unwrap(), None);
    assert_eq!(db.stats().unwrap().keys, 0);
}

#[test]
fn conditional_writes() {
    let db = Db::memory();
    assert!(db.put_if_absent("k", "first").unwrap());
    assert!(!db.put_if_absent("k", "second").unwrap());
    assert_eq!(db.get("k").unwrap().as_deref(), Some(&b"first"[..]));

    assert_eq!(
        db.compare_and_swap("k", Some(b"wrong"), Some(b"x")).unwrap(),
        CasOutcome::Failed { current: Some(b"first".to_vec()) }
    );
    assert_eq!(db.compare_and_swap("k", Some(b"first"), Some(b"x")).unwrap(), CasOutcome::Swapped);
    assert_eq!(db.compare_and_swap("k", Some(b"x"), None).unwrap(), CasOutcome::Swapped);
    assert_eq!(db.get("k").unwrap(), None);
    assert_eq!(db.compare_and_swap("k", Some(b"x"), Some(b"y")).unwrap(), CasOutcome::Failed { current: None });
    assert_eq!(db.compare_and_swap("k", None, Some(b"y")).unwrap(), CasOutcome::Swapped);
    assert_eq!(db.get("k").unwrap().as_deref(), Some(&b"y"[..]));

    assert_eq!(db.increment("n", 5).unwrap(), 5);
    assert_eq!(db.increment("n", -7).unwrap(), -2);
    assert_eq!(db.get("n").unwrap().as_deref(), Some(&b"-2"[..]));
    assert!(matches!(db.increment("k", 1), Err(Error::WrongType(_))));
    db.put("big", i64::MAX.to_string()).unwrap();
    assert!(matches!(db.increment("big", 1), Err(Error::InvalidArgument(_))));
    db.put_with_ttl("t", "1", std::time::Duration::from_secs(100)).unwrap();
    db.increment("t", 1).unwrap();
    assert!(matches!(db.ttl("t").unwrap(), scalodb::Ttl::Remaining(_)), "increment keeps the TTL");
}

#[test]
fn concurrent_increments_lose_no_update() {
    let db = Db::memory();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            thread::spawn(move || {
                for _ in 0..2000 {
                    db.increment("counter", 1).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(db.get("counter").unwrap().as_deref(), Some(&b"8000"[..]));
}

#[test]
fn clear_deletes_everything_atomically_and_contains_sees_it() {
    let db = Db::memory();
    for i in 0..100 {
        db.put(format!("k{i}"), "v").unwrap();
    }
    assert!(db.contains("k5").unwrap());
    let snap = db.snapshot().unwrap();
    db.clear().unwrap();
    assert!(!db.contains("k5").unwrap());
    assert_eq!(db.stats().unwrap().keys, 0);
    assert_eq!(db.iter().unwrap().count(), 0);
    assert_eq!(snap.iter().unwrap().count(), 100, "a snapshot taken before still sees everything");
}

#[test]
fn expiries_written_in_a_transaction_commit_with_it_and_survive_reopen() {
    use scalodb::Ttl;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Db::open(dir.path()).unwrap();
        db.put("short", "v").unwrap();
        let mut tx = db.begin().unwrap();
        tx.put_with_ttl("session", "s1", Duration::from_secs(100));
        tx.put_with_ttl("short", "v", Duration::from_millis(150));
        tx.put("plain", "p");
        // Nothing is visible, expiry included, before the commit.
        assert_eq!(db.ttl("session").unwrap(), Ttl::Missing);
        assert_eq!(db.ttl("short").unwrap(), Ttl::Forever);
        assert_eq!(tx.get("session").unwrap().as_deref(), Some(&b"s1"[..]));
        tx.commit().unwrap();
        match db.ttl("session").unwrap() {
            Ttl::Remaining(d) => assert!(d > Duration::from_secs(98) && d <= Duration::from_secs(100), "{d:?}"),
            other => panic!("session ttl {other:?}"),
        }
        assert_eq!(db.ttl("plain").unwrap(), Ttl::Forever);
        db.close().unwrap();
    }
    std::thread::sleep(Duration::from_millis(200));
    let db = Db::open(dir.path()).unwrap();
    assert!(matches!(db.ttl("session").unwrap(), Ttl::Remaining(_)), "the expiry was logged with the value");
    assert_eq!(db.get("short").unwrap(), None, "the short expiry passed while the store was closed");
    assert_eq!(db.get("plain").unwrap().as_deref(), Some(&b"p"[..]));
}
