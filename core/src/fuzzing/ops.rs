//! Fuzz target 4: operation sequences against a store and a `BTreeMap` model (see
//! [`ops_sequence`]). Split from `fuzzing.rs` to keep each file to one idea.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Bound;
use std::time::Duration;

use super::{Input, Scratch};
use crate::error::{Error, Result};
use crate::{CasOutcome, Db, Options, SyncMode, Ttl, WriteBatch};

/// Value and whether it has a time-to-live (every TTL here is an hour: nothing expires in a run).
type Model = BTreeMap<Vec<u8>, (Vec<u8>, bool)>;

const MAX_KEY: usize = 24;
const MAX_VALUE: usize = 200;
const HOUR: Duration = Duration::from_secs(3600);

fn ops_options() -> Options {
    Options {
        sync: SyncMode::Never,
        max_key_size: MAX_KEY,
        max_value_size: MAX_VALUE,
        wal_segment_size: 4096,
        auto_checkpoint: false,
        ..Options::default()
    }
}

/// Keys from a small space of shapes (so that ops collide, share prefixes and sort near each
/// other), or raw bytes from the input, sometimes over the size limit.
fn op_key(input: &mut Input<'_>) -> Vec<u8> {
    let b = input.byte();
    match b % 8 {
        0..=2 => format!("k{}", b / 8 % 12).into_bytes(),
        3 => vec![b'a'; usize::from(b / 8) % 6],
        4 => vec![0xff, b / 8],
        5 => format!("user:{:04}", b / 8).into_bytes(),
        _ => {
            let n = usize::from(input.byte()) % (MAX_KEY + 4);
            input.bytes(n).to_vec()
        }
    }
}

fn op_value(input: &mut Input<'_>) -> Vec<u8> {
    let b = input.byte();
    match b % 4 {
        0 => (i64::from(b as i8) * 1000).to_string().into_bytes(),
        1 => vec![b; usize::from(input.byte()) % 260],
        _ => {
            let n = usize::from(b / 4) % 20;
            input.bytes(n).to_vec()
        }
    }
}

fn op_bound(input: &mut Input<'_>) -> Bound<Vec<u8>> {
    match input.byte() % 3 {
        0 => Bound::Unbounded,
        1 => Bound::Included(op_key(input)),
        _ => Bound::Excluded(op_key(input)),
    }
}

fn in_range(k: &[u8], lo: &Bound<Vec<u8>>, hi: &Bound<Vec<u8>>) -> bool {
    let above = match lo {
        Bound::Included(l) => k >= &l[..],
        Bound::Excluded(l) => k > &l[..],
        Bound::Unbounded => true,
    };
    let below = match hi {
        Bound::Included(h) => k <= &h[..],
        Bound::Excluded(h) => k < &h[..],
        Bound::Unbounded => true,
    };
    above && below
}

fn too_large(key: &[u8], value: Option<&[u8]>) -> bool {
    key.len() > MAX_KEY || value.is_some_and(|v| v.len() > MAX_VALUE)
}

/// Checks a size error: `Ok` must mean the sizes were fine, a size error that they were not.
fn sized<T>(r: Result<T>, oversized: bool, what: &str) -> Option<T> {
    match r {
        Ok(v) => {
            assert!(!oversized, "{what}: an oversized key or value was accepted");
            Some(v)
        }
        Err(Error::KeyTooLarge { .. } | Error::ValueTooLarge { .. }) if oversized => None,
        Err(e) => panic!("{what}: unexpected error {e:?}"),
    }
}

/// Runs the op sequence in `data` against a store (on disk in a scratch directory, or in memory)
/// and a `BTreeMap`, comparing every read: gets, scans in both directions with any bounds
/// (mixing `next` and `next_back`), snapshots taken earlier, TTL state, key counts, and the whole
/// contents after every checkpoint and reopen.
pub fn ops_sequence(data: &[u8]) {
    let mut input = Input::new(data);
    let on_disk = input.byte() & 1 == 0;
    let scratch = Scratch::new();
    let open = || {
        if on_disk {
            Db::open_with(scratch.path(), ops_options()).expect("opening the store")
        } else {
            Db::memory_with(ops_options()).expect("opening the store")
        }
    };
    let mut db = open();
    let mut model = Model::new();
    let mut snaps: VecDeque<(crate::Snapshot, Model)> = VecDeque::new();
    let mut steps = 0;
    while !input.is_empty() && steps < 200 {
        steps += 1;
        match input.byte() % 20 {
            0..=3 => {
                let (k, v) = (op_key(&mut input), op_value(&mut input));
                let ttl = input.byte() % 4 == 0;
                let r = if ttl { db.put_with_ttl(&k, &v, HOUR) } else { db.put(&k, &v) };
                if sized(r, too_large(&k, Some(&v)), "put").is_some() {
                    model.insert(k, (v, ttl));
                }
            }
            4 => {
                let k = op_key(&mut input);
                if let Some(existed) = sized(db.delete(&k), too_large(&k, None), "delete") {
                    assert_eq!(existed, model.remove(&k).is_some(), "delete's answer");
                }
            }
            5 => {
                let mut batch = WriteBatch::new();
                let mut after = model.clone();
                let mut oversized = false;
                for _ in 0..1 + input.byte() % 6 {
                    let k = op_key(&mut input);
                    match input.byte() % 3 {
                        0 => {
                            oversized |= too_large(&k, None);
                            batch.delete(&k);
                            after.remove(&k);
                        }
                        n => {
                            let v = op_value(&mut input);
                            oversized |= too_large(&k, Some(&v));
                            if n == 1 {
                                batch.put_with_ttl(&k, &v, HOUR);
                            } else {
                                batch.put(&k, &v);
                            }
                            after.insert(k, (v, n == 1));
                        }
                    }
                }
                if sized(db.write(batch), oversized, "batch").is_some() {
                    model = after;
                }
            }
            6 => {
                let (k, v) = (op_key(&mut input), op_value(&mut input));
                if let Some(written) = sized(db.put_if_absent(&k, &v), too_large(&k, Some(&v)), "put_if_absent") {
                    assert_eq!(written, !model.contains_key(&k), "put_if_absent's answer");
                    if written {
                        model.insert(k, (v, false));
                    }
                }
            }
            7 => compare_and_swap(&db, &mut model, &mut input),
            8 => increment(&db, &mut model, &mut input),
            9 => {
                let k = op_key(&mut input);
                let want = model.get(&k).map(|(v, _)| v.clone());
                assert_eq!(db.get(&k).expect("get"), want, "get");
                assert_eq!(db.contains(&k).expect("contains"), want.is_some(), "contains");
                let ttl = db.ttl(&k).expect("ttl");
                match model.get(&k) {
                    None => assert_eq!(ttl, Ttl::Missing, "ttl of an absent key"),
                    Some((_, false)) => assert_eq!(ttl, Ttl::Forever, "ttl of a key without one"),
                    Some((_, true)) => assert!(matches!(ttl, Ttl::Remaining(_)), "ttl of a key with one"),
                }
            }
            10 => {
                let k = op_key(&mut input);
                let set = input.byte() & 1 == 0;
                let r = if set { db.expire(&k, HOUR) } else { db.persist(&k) };
                if let Some(changed) = sized(r, too_large(&k, None), "expire/persist") {
                    let entry = model.get_mut(&k);
                    let want = if set { entry.is_some() } else { entry.as_ref().is_some_and(|e| e.1) };
                    assert_eq!(changed, want, "expire/persist's answer");
                    if let Some(e) = entry {
                        e.1 = set;
                    }
                }
            }
            11..=12 => {
                let (lo, hi) = (op_bound(&mut input), op_bound(&mut input));
                let pattern = input.byte();
                let want: Vec<_> = model
                    .iter()
                    .filter(|(k, _)| in_range(k, &lo, &hi))
                    .map(|(k, v)| (k.clone(), v.0.clone()))
                    .collect();
                let it = db.scan((lo, hi)).expect("scan");
                check_iter(it, want, pattern, "scan");
            }
            13 => {
                let p = op_key(&mut input);
                let p = &p[..p.len().min(3)];
                let want: Vec<_> =
                    model.iter().filter(|(k, _)| k.starts_with(p)).map(|(k, v)| (k.clone(), v.0.clone())).collect();
                check_iter(db.scan_prefix(p).expect("scan_prefix"), want, input.byte(), "prefix scan");
            }
            14 => {
                if snaps.len() == 3 {
                    snaps.pop_front();
                }
                snaps.push_back((db.snapshot().expect("snapshot"), model.clone()));
            }
            15 => {
                if let Some((snap, frozen)) = snaps.get(usize::from(input.byte()) % snaps.len().max(1)) {
                    let k = op_key(&mut input);
                    assert_eq!(
                        snap.get(&k).expect("snapshot get"),
                        frozen.get(&k).map(|e| e.0.clone()),
                        "snapshot get"
                    );
                    let (lo, hi) = (op_bound(&mut input), op_bound(&mut input));
                    let want: Vec<_> = frozen
                        .iter()
                        .filter(|(k, _)| in_range(k, &lo, &hi))
                        .map(|(k, v)| (k.clone(), v.0.clone()))
                        .collect();
                    check_iter(snap.scan((lo, hi)).expect("snapshot scan"), want, input.byte(), "snapshot scan");
                }
            }
            16 => {
                db.checkpoint().expect("checkpoint");
                check_all(&db, &model, "after a checkpoint");
            }
            17 if on_disk => {
                snaps.clear();
                db.close().expect("close");
                db = open();
                check_all(&db, &model, "after reopening");
            }
            18 => {
                if input.byte() % 8 == 0 {
                    db.clear().expect("clear");
                    model.clear();
                }
            }
            _ => {
                let stats = db.stats().expect("stats");
                assert_eq!(stats.keys, model.len() as u64, "stats().keys");
            }
        }
    }
    check_all(&db, &model, "at the end");
    drop(snaps);
    db.close().expect("close");
}

fn compare_and_swap(db: &Db, model: &mut Model, input: &mut Input<'_>) {
    let k = op_key(input);
    let current = model.get(&k).map(|e| e.0.clone());
    let expected = match input.byte() % 3 {
        0 => None,
        1 => current.clone(),
        _ => Some(op_value(input)),
    };
    let new = if input.byte() % 4 == 0 { None } else { Some(op_value(input)) };
    let oversized = too_large(&k, new.as_deref());
    let r = db.compare_and_swap(&k, expected.as_deref(), new.as_deref());
    // Sizes are checked only when something is written, so an oversized swap that fails its
    // comparison (or deletes) may succeed.
    let r = match r {
        Err(Error::KeyTooLarge { .. } | Error::ValueTooLarge { .. }) if oversized => return,
        other => other.expect("compare_and_swap"),
    };
    if current == expected {
        assert_eq!(r, CasOutcome::Swapped, "compare_and_swap with the right expectation");
        match new {
            Some(v) => {
                model.insert(k, (v, false));
            }
            None => {
                model.remove(&k);
            }
        }
    } else {
        assert_eq!(r, CasOutcome::Failed { current }, "compare_and_swap with a wrong expectation");
    }
}

fn increment(db: &Db, model: &mut Model, input: &mut Input<'_>) {
    let k = op_key(input);
    let scale = if input.byte() % 8 == 0 { i64::MAX / 3 } else { 1 };
    // Large deltas reach the overflow check; saturating keeps the harness itself from overflowing.
    let delta = i64::from(input.u16() as i16).saturating_mul(scale);
    let r = db.increment(&k, delta);
    let old = match model.get(&k) {
        None => Some(0),
        Some((v, _)) => std::str::from_utf8(v).ok().and_then(|t| t.parse::<i64>().ok()),
    };
    match (old, r) {
        (None, Err(Error::WrongType(_))) => {}
        (Some(old), r) => match old.checked_add(delta) {
            None => assert!(matches!(r, Err(Error::InvalidArgument(_))), "an overflowing increment: {r:?}"),
            Some(n) if k.len() > MAX_KEY => assert!(matches!(r, Err(Error::KeyTooLarge { .. })), "{n}: {r:?}"),
            Some(n) => {
                assert_eq!(r.expect("increment"), n, "increment's result");
                let ttl = model.get(&k).is_some_and(|e| e.1);
                model.insert(k, (n.to_string().into_bytes(), ttl));
            }
        },
        (None, r) => panic!("increment of a non-integer must be WrongType, got {r:?}"),
    }
}

/// Consumes an iterator from both ends as `pattern`'s bits say and compares with `want`.
fn check_iter(mut it: crate::Iter, want: Vec<(Vec<u8>, Vec<u8>)>, pattern: u8, what: &str) {
    let mut want: VecDeque<_> = want.into();
    let mut bits = pattern;
    loop {
        let back = bits & 1 == 1;
        bits = bits.rotate_right(1);
        let (got, exp) = if back { (it.next_back(), want.pop_back()) } else { (it.next(), want.pop_front()) };
        let got = got.map(|r| r.expect("iteration"));
        assert_eq!(got, exp, "{what} ({} end)", if back { "back" } else { "front" });
        if exp.is_none() {
            return;
        }
    }
}

fn check_all(db: &Db, model: &Model, what: &str) {
    let got: Vec<_> = db.iter().expect("iter").map(|r| r.expect("iteration")).collect();
    let want: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect();
    assert_eq!(got, want, "contents {what}");
    assert_eq!(db.stats().expect("stats").keys, model.len() as u64, "stats().keys {what}");
}
