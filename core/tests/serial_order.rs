//! Four writers at once, checked against one serial order: every snapshot, every reader and
//! every recovered copy of the store must show a prefix of a single total order of commits.
//!
//! Writer `t` makes commits 1..=ROUNDS. Commit `i` sets `w{t}` and `w{t}/copy` to `i` and adds
//! the new key `n{t}/{i}`; every even commit is a transaction that also reads and increments the
//! shared `total`, so lost updates or a non-serializable interleaving break `total`. The state
//! a reader sees is summed up by the vector `V[t]` = `w{t}`. In a prefix of a serial order:
//! - `w{t}/copy == w{t}` (batches are atomic), `n{t}/` holds exactly `V[t]` keys (the new keys
//!   of one commit appear with it), and `total == sum over t of V[t] / 2` (transactions are
//!   serializable and none is lost);
//! - the vectors of all the states anyone saw form a chain under componentwise <=, and along
//!   snapshot sequence numbers they only grow: a state that two observers disagree on the order
//!   of cannot come from one total order.
//!
//! The "recovered" states are hot backups taken while the writers run, opened afterwards, and
//! the store itself reopened at the end.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use scalodb::{Db, Options, Snapshot, SyncMode, WriteBatch};

const WRITERS: usize = 4;
const ROUNDS: u64 = 2_000;

type Vector = [u64; WRITERS];

fn num(v: Option<Vec<u8>>) -> u64 {
    v.map_or(0, |v| std::str::from_utf8(&v).unwrap().parse().unwrap())
}

fn commit(db: &Db, t: usize, i: u64) {
    let v = i.to_string();
    let fresh = format!("n{t}/{i:06}");
    if i % 2 == 1 {
        let mut b = WriteBatch::new();
        b.put(format!("w{t}"), &v);
        b.put(format!("w{t}/copy"), &v);
        b.put(&fresh, &v);
        db.write(b).unwrap();
    } else {
        db.transaction_with_retries(u32::MAX, |tx| {
            let total = num(tx.get("total")?);
            tx.put("total", (total + 1).to_string());
            tx.put(format!("w{t}"), &v);
            tx.put(format!("w{t}/copy"), &v);
            tx.put(&fresh, &v);
            Ok(())
        })
        .unwrap();
    }
}

/// Reads the state a snapshot shows, checks it is a consistent prefix, and returns its vector.
/// `full` also counts the new keys of every writer (a scan; done on some snapshots only).
fn observe(snap: &Snapshot, full: bool, what: &str) -> Vector {
    let mut v = [0; WRITERS];
    for (t, slot) in v.iter_mut().enumerate() {
        *slot = num(snap.get(format!("w{t}")).unwrap());
        assert_eq!(num(snap.get(format!("w{t}/copy")).unwrap()), *slot, "{what}: half of a batch of writer {t}");
        if full {
            let n = snap.scan_prefix(format!("n{t}/")).unwrap().count() as u64;
            assert_eq!(n, *slot, "{what}: writer {t} made {slot} commits but {n} of its new keys are visible");
        }
    }
    let total = num(snap.get("total").unwrap());
    assert_eq!(total, v.iter().map(|x| x / 2).sum::<u64>(), "{what}: total {total} for {v:?}: a lost update");
    v
}

fn leq(a: &Vector, b: &Vector) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y)
}

#[test]
fn concurrent_writers_are_seen_in_one_serial_order_by_readers_snapshots_and_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let db = Db::open_with(&path, Options { sync: SyncMode::Never, ..Options::default() }).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    // (snapshot sequence, vector) of every state a reader looked at.
    let seen: Arc<Mutex<Vec<(u64, Vector)>>> = Arc::default();
    let mut readers = Vec::new();
    for r in 0..2 {
        let (db, stop, seen) = (db.clone(), stop.clone(), seen.clone());
        readers.push(thread::spawn(move || {
            let mut n = 0u64;
            let mut last = [0; WRITERS];
            while !stop.load(Ordering::Acquire) || n < 10 {
                let snap = db.snapshot().unwrap();
                let v = observe(&snap, n % 16 == r, "snapshot");
                assert!(leq(&last, &v), "a reader went back in time: {last:?} then {v:?}");
                last = v;
                seen.lock().unwrap().push((snap.sequence(), v));
                // Plain reads, outside any snapshot, never go back either.
                for (t, &before) in v.iter().enumerate() {
                    assert!(num(db.get(format!("w{t}")).unwrap()) >= before, "a get went back in time");
                }
                n += 1;
            }
        }));
    }
    let backups = Arc::new(Mutex::new(Vec::new()));
    let backup_thread = {
        let (db, stop, backups, root) = (db.clone(), stop.clone(), backups.clone(), dir.path().to_path_buf());
        thread::spawn(move || {
            let mut j = 0;
            while !stop.load(Ordering::Acquire) && j < 6 {
                let dest = root.join(format!("backup-{j}"));
                db.backup(&dest).unwrap();
                backups.lock().unwrap().push(dest);
                j += 1;
                thread::sleep(std::time::Duration::from_millis(20));
            }
        })
    };
    let writers: Vec<_> = (0..WRITERS)
        .map(|t| {
            let db = db.clone();
            thread::spawn(move || {
                for i in 1..=ROUNDS {
                    commit(&db, t, i);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Release);
    for r in readers {
        r.join().unwrap();
    }
    backup_thread.join().unwrap();
    db.close().unwrap();
    drop(db);

    let mut states: Vec<(Option<u64>, Vector)> = seen.lock().unwrap().iter().map(|&(s, v)| (Some(s), v)).collect();
    let backups = backups.lock().unwrap().clone();
    assert!(!backups.is_empty(), "no backup was taken while the writers ran");
    for b in &backups {
        let copy = Db::open(b).unwrap();
        states.push((None, observe(&copy.snapshot().unwrap(), true, "a backup")));
        copy.close().unwrap();
    }
    let reopened = Db::open(&path).unwrap();
    let last = observe(&reopened.snapshot().unwrap(), true, "the reopened store");
    assert_eq!(last, [ROUNDS; WRITERS], "the reopened store lost commits");
    states.push((None, last));

    // One total order: sorted by how much they hold, each state contains the one before.
    states.sort_by_key(|(_, v)| v.iter().sum::<u64>());
    for pair in states.windows(2) {
        assert!(leq(&pair[0].1, &pair[1].1), "no serial order explains both {:?} and {:?}", pair[0].1, pair[1].1);
    }
    // And that order is the order of the snapshots' sequence numbers.
    let mut by_seq: Vec<(u64, Vector)> = states.iter().filter_map(|&(s, v)| s.map(|s| (s, v))).collect();
    by_seq.sort_by_key(|&(s, _)| s);
    for pair in by_seq.windows(2) {
        assert!(
            leq(&pair[0].1, &pair[1].1),
            "sequence {} shows {:?} but the later {} shows {:?}",
            pair[0].0,
            pair[0].1,
            pair[1].0,
            pair[1].1
        );
        if pair[0].0 == pair[1].0 {
            assert_eq!(pair[0].1, pair[1].1, "two snapshots at sequence {} differ", pair[0].0);
        }
    }
    assert!(by_seq.len() >= 20, "the readers looked only {} times", by_seq.len());
}
