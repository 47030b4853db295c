//! Model test: random sequences of puts, deletes, batches, scans, snapshots, checkpoints and
//! reopens, checked step by step against a `BTreeMap`.

use std::collections::BTreeMap;
use std::ops::Bound;

use proptest::prelude::*;
use scalodb::{Db, Options, SyncMode, WriteBatch};

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

#[derive(Debug, Clone)]
enum Action {
    Put(u16, Vec<u8>),
    Delete(u16),
    Get(u16),
    Batch(Vec<(u16, Option<Vec<u8>>)>),
    Scan { lo: Option<u16>, hi: Option<u16>, inclusive: bool, reverse: bool },
    Prefix(u16, bool),
    TakeSnapshot,
    CheckSnapshot,
    Checkpoint,
    Reopen,
}

/// Keys of several shapes, so that prefixes, short keys and shared prefixes all occur.
fn key(i: u16) -> Vec<u8> {
    match i % 5 {
        0 => format!("user:{:010}", i).into_bytes(),
        1 => format!("u{}", i / 5).into_bytes(),
        2 => vec![b'a'; (i % 23) as usize],
        3 => format!("session:{:x}", (i as u32).wrapping_mul(2654435761)).into_bytes(),
        _ => vec![0xff, (i >> 8) as u8, i as u8],
    }
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..40),
        1 => prop::collection::vec(any::<u8>(), 500..3000),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    let k = 0u16..300;
    prop_oneof![
        30 => (k.clone(), value()).prop_map(|(k, v)| Action::Put(k, v)),
        10 => k.clone().prop_map(Action::Delete),
        10 => k.clone().prop_map(Action::Get),
        6 => prop::collection::vec((k.clone(), prop::option::of(value())), 1..8).prop_map(Action::Batch),
        6 => (prop::option::of(k.clone()), prop::option::of(k.clone()), any::<bool>(), any::<bool>())
            .prop_map(|(lo, hi, inclusive, reverse)| Action::Scan { lo, hi, inclusive, reverse }),
        3 => (k.clone(), any::<bool>()).prop_map(|(k, r)| Action::Prefix(k, r)),
        2 => Just(Action::TakeSnapshot),
        2 => Just(Action::CheckSnapshot),
        2 => Just(Action::Checkpoint),
        2 => Just(Action::Reopen),
    ]
}

fn collect(it: scalodb::Iter) -> Vec<(Vec<u8>, Vec<u8>)> {
    it.map(|e| e.expect("iteration")).collect()
}

fn options() -> Options {
    Options { sync: SyncMode::Never, wal_segment_size: 4096, auto_checkpoint: false, ..Options::default() }
}

fn run(actions: Vec<Action>, persistent: bool) {
    let dir = tempfile::tempdir().unwrap();
    let open = || if persistent { Db::open_with(dir.path(), options()).unwrap() } else { Db::memory() };
    let mut db = open();
    let mut model = Model::new();
    let mut snapshot: Option<(scalodb::Snapshot, Model)> = None;
    for (step, action) in actions.into_iter().enumerate() {
        match action {
            Action::Put(k, v) => {
                db.put(key(k), &v).unwrap();
                model.insert(key(k), v);
            }
            Action::Delete(k) => {
                let existed = db.delete(key(k)).unwrap();
                assert_eq!(existed, model.remove(&key(k)).is_some(), "delete at step {step}");
            }
            Action::Get(k) => assert_eq!(db.get(key(k)).unwrap(), model.get(&key(k)).cloned(), "get at step {step}"),
            Action::Batch(ops) => {
                let mut batch = WriteBatch::new();
                for (k, v) in ops {
                    match v {
                        Some(v) => {
                            batch.put(key(k), &v);
                            model.insert(key(k), v);
                        }
                        None => {
                            batch.delete(key(k));
                            model.remove(&key(k));
                        }
                    }
                }
                db.write(batch).unwrap();
            }
            Action::Scan { lo, hi, inclusive, reverse } => {
                let lo = lo.map_or(Bound::Unbounded, |k| Bound::Included(key(k)));
                let hi = hi.map_or(Bound::Unbounded, |k| {
                    if inclusive {
                        Bound::Included(key(k))
                    } else {
                        Bound::Excluded(key(k))
                    }
                });
                let valid = match (&lo, &hi) {
                    (Bound::Included(a), Bound::Included(b)) => a <= b,
                    (Bound::Included(a), Bound::Excluded(b)) => a < b,
                    _ => true,
                };
                if !valid {
                    continue; // BTreeMap::range panics on inverted ranges
                }
                let mut want: Vec<(Vec<u8>, Vec<u8>)> =
                    model.range((lo.clone(), hi.clone())).map(|(k, v)| (k.clone(), v.clone())).collect();
                let it = db.scan((lo, hi)).unwrap();
                let got = if reverse { collect_rev(it) } else { collect(it) };
                if reverse {
                    want.reverse();
                }
                assert_eq!(got, want, "scan at step {step}");
            }
            Action::Prefix(k, reverse) => {
                let p = key(k);
                let p = &p[..p.len().min(4)];
                let mut want: Vec<(Vec<u8>, Vec<u8>)> =
                    model.iter().filter(|(k, _)| k.starts_with(p)).map(|(k, v)| (k.clone(), v.clone())).collect();
                let it = db.scan_prefix(p).unwrap();
                let got = if reverse { collect_rev(it) } else { collect(it) };
                if reverse {
                    want.reverse();
                }
                assert_eq!(got, want, "prefix scan at step {step}");
            }
            Action::TakeSnapshot => snapshot = Some((db.snapshot().unwrap(), model.clone())),
            Action::CheckSnapshot => {
                if let Some((snap, frozen)) = &snapshot {
                    let got = collect(snap.iter().unwrap());
                    let want: Vec<(Vec<u8>, Vec<u8>)> = frozen.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    assert_eq!(got, want, "snapshot at step {step}");
                    for k in (0..300).step_by(37) {
                        assert_eq!(snap.get(key(k)).unwrap(), frozen.get(&key(k)).cloned());
                    }
                }
            }
            Action::Checkpoint => db.checkpoint().unwrap(),
            Action::Reopen => {
                if persistent {
                    snapshot = None;
                    db.close().unwrap();
                    db = open();
                    assert_eq!(db.stats().unwrap().torn_records_truncated, 0);
                }
            }
        }
    }
    let got = collect(db.iter().unwrap());
    let want: Vec<(Vec<u8>, Vec<u8>)> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert_eq!(got, want, "final contents");
    let st = db.stats().unwrap();
    assert_eq!(st.keys, model.len() as u64);
    assert_eq!(st.key_bytes, model.keys().map(|k| k.len() as u64).sum::<u64>());
    assert_eq!(st.value_bytes, model.values().map(|v| v.len() as u64).sum::<u64>());
}

fn collect_rev(it: scalodb::Iter) -> Vec<(Vec<u8>, Vec<u8>)> {
    it.rev().map(|e| e.expect("iteration")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn persistent_store_matches_a_btreemap(actions in prop::collection::vec(action(), 1..150)) {
        run(actions, true);
    }

    #[test]
    fn memory_store_matches_a_btreemap(actions in prop::collection::vec(action(), 1..300)) {
        run(actions, false);
    }
}

/// Cases the random model found once, kept so that every run checks them.
#[test]
fn found_cases_of_the_persistent_model() {
    // A checkpoint rotates into an empty segment; the next record (a batch bigger than a
    // segment) goes into a larger segment after it. Recovery once took the empty segment for one
    // that lost its tail to a power cut, and cut that batch off a cleanly closed store.
    let batch = vec![(0, Some(vec![1; 1435])), (282, Some(vec![2; 981])), (176, Some(vec![3; 2299]))];
    run(vec![Action::Put(0, vec![]), Action::Checkpoint, Action::Batch(batch), Action::Reopen], true);
}

#[test]
fn iterating_from_both_ends_meets_in_the_middle() {
    let db = Db::memory();
    for i in 0..1000u32 {
        db.put(format!("k{i:04}"), i.to_le_bytes()).unwrap();
    }
    let mut it = db.iter().unwrap();
    let mut seen = Vec::new();
    loop {
        let a = it.next();
        let b = it.next_back();
        match (a, b) {
            (None, None) => break,
            (a, b) => {
                seen.extend(a.map(|e| e.unwrap().0));
                seen.extend(b.map(|e| e.unwrap().0));
            }
        }
    }
    seen.sort();
    let want: Vec<Vec<u8>> = (0..1000u32).map(|i| format!("k{i:04}").into_bytes()).collect();
    assert_eq!(seen, want);
}
