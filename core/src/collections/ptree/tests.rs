//! Model tests of `PTree`: keyed operations against a `BTreeMap`, positional ones against a
//! `Vec`, with old versions kept and checked at the end (persistence).

use std::collections::BTreeMap;
use std::ops::Bound;

use proptest::prelude::*;

use super::PTree;

#[derive(Debug, Clone)]
enum KeyedOp {
    Insert(u16, usize),
    Remove(u16),
    Keep,
}

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

fn key(k: u16) -> Vec<u8> {
    format!("k{:05}", k).into_bytes()
}

fn value(k: u16, size: usize) -> Vec<u8> {
    vec![(k % 251) as u8; size]
}

fn keyed_op(keys: u16) -> impl Strategy<Value = KeyedOp> {
    prop_oneof![
        6 => (0..keys, prop_oneof![4 => 0usize..16, 1 => 0usize..3000]).prop_map(|(k, s)| KeyedOp::Insert(k, s)),
        3 => (0..keys).prop_map(KeyedOp::Remove),
        1 => Just(KeyedOp::Keep),
    ]
}

fn same(t: &PTree, m: &BTreeMap<Vec<u8>, Vec<u8>>) {
    let got: Vec<(Vec<u8>, Vec<u8>)> = t.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
    let want: Vec<(Vec<u8>, Vec<u8>)> = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert_eq!(got, want);
    let back: Vec<Vec<u8>> = t.iter().rev().map(|(k, _)| k.to_vec()).collect();
    let want_back: Vec<Vec<u8>> = m.keys().rev().cloned().collect();
    assert_eq!(back, want_back);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn keyed_ops_match_a_btreemap(keys in 1u16..600, ops in prop::collection::vec(keyed_op(600), 1..700)) {
        let mut t = PTree::new();
        let mut m: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut kept: Vec<(PTree, Model)> = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            match *op {
                KeyedOp::Insert(k, s) => {
                    let k = k % keys;
                    prop_assert_eq!(t.insert(&key(k), &value(k, s)), m.insert(key(k), value(k, s)));
                }
                KeyedOp::Remove(k) => {
                    let k = k % keys;
                    prop_assert_eq!(t.remove(&key(k)), m.remove(&key(k)));
                }
                KeyedOp::Keep => kept.push((t.clone(), m.clone())),
            }
            prop_assert_eq!(t.len(), m.len());
            if i % 64 == 0 {
                t.check(true);
            }
        }
        t.check(true);
        same(&t, &m);
        // Point and rank queries over present and absent keys.
        let sorted: Vec<&Vec<u8>> = m.keys().collect();
        for k in 0..keys + 2 {
            let k = key(k);
            prop_assert_eq!(t.get(&k), m.get(&k).map(Vec::as_slice));
            let want = sorted.binary_search(&&k);
            prop_assert_eq!(t.rank(&k), want);
            let below = m.range::<Vec<u8>, _>(..&k).count();
            let upto = m.range::<Vec<u8>, _>(..=&k).count();
            prop_assert_eq!(t.lower_rank(Bound::Included(&k)), below);
            prop_assert_eq!(t.lower_rank(Bound::Excluded(&k)), upto);
            prop_assert_eq!(t.upper_rank(Bound::Included(&k)), upto);
            prop_assert_eq!(t.upper_rank(Bound::Excluded(&k)), below);
        }
        for (r, k) in sorted.iter().enumerate() {
            prop_assert_eq!(t.at(r).map(|(k, _)| k.to_vec()), Some((*k).clone()));
        }
        // A sub-range, both ways.
        let (a, b) = (t.len() / 3, 2 * t.len() / 3);
        let fwd: Vec<Vec<u8>> = t.range(a..b).map(|(k, _)| k.to_vec()).collect();
        prop_assert_eq!(fwd, sorted[a..b].iter().map(|k| (*k).clone()).collect::<Vec<_>>());
        let rev: Vec<Vec<u8>> = t.range(a..b).rev().map(|(k, _)| k.to_vec()).collect();
        prop_assert_eq!(rev, sorted[a..b].iter().rev().map(|k| (*k).clone()).collect::<Vec<_>>());
        // Every old version still reads as it was.
        for (old, model) in &kept {
            old.check(true);
            same(old, model);
        }
        // from_sorted builds the same tree contents.
        let built = PTree::from_sorted(m.iter().map(|(k, v)| (k.as_slice(), v.as_slice())));
        built.check(true);
        same(&built, &m);
    }
}

#[derive(Debug, Clone)]
enum PosOp {
    Insert(usize, usize),
    Remove(usize),
    Set(usize, usize),
    RemoveRange(usize, usize),
    Front(usize),
    Back(usize),
    Keep,
}

fn pos_op() -> impl Strategy<Value = PosOp> {
    let size = prop_oneof![4 => 0usize..12, 1 => 0usize..2500];
    prop_oneof![
        4 => (any::<usize>(), size.clone()).prop_map(|(i, s)| PosOp::Insert(i, s)),
        2 => any::<usize>().prop_map(PosOp::Remove),
        1 => (any::<usize>(), size.clone()).prop_map(|(i, s)| PosOp::Set(i, s)),
        1 => (any::<usize>(), 0usize..80).prop_map(|(i, n)| PosOp::RemoveRange(i, n)),
        2 => size.clone().prop_map(PosOp::Front),
        2 => size.prop_map(PosOp::Back),
        1 => Just(PosOp::Keep),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn positional_ops_match_a_vec(ops in prop::collection::vec(pos_op(), 1..900)) {
        let mut t = PTree::new();
        let mut v: Vec<Vec<u8>> = Vec::new();
        let mut kept: Vec<(PTree, Vec<Vec<u8>>)> = Vec::new();
        for (n, op) in ops.iter().enumerate() {
            let item = |s: usize| vec![(n % 251) as u8; s];
            match *op {
                PosOp::Insert(i, s) => {
                    let i = i % (v.len() + 1);
                    t.insert_at(i, b"", &item(s));
                    v.insert(i, item(s));
                }
                PosOp::Remove(i) if !v.is_empty() => {
                    let i = i % v.len();
                    prop_assert_eq!(t.remove_at(i).1, v.remove(i));
                }
                PosOp::Set(i, s) if !v.is_empty() => {
                    let i = i % v.len();
                    prop_assert_eq!(t.set_value_at(i, &item(s)), std::mem::replace(&mut v[i], item(s)));
                }
                PosOp::RemoveRange(i, len) => {
                    let start = i % (v.len() + 1);
                    let end = (start + len).min(v.len());
                    t.remove_range(start..end);
                    v.drain(start..end);
                }
                PosOp::Front(s) => {
                    t.push_front(b"", &item(s));
                    v.insert(0, item(s));
                }
                PosOp::Back(s) => {
                    t.push_back(b"", &item(s));
                    v.push(item(s));
                }
                PosOp::Keep => kept.push((t.clone(), v.clone())),
                _ => {}
            }
            prop_assert_eq!(t.len(), v.len());
            if n % 64 == 0 {
                t.check(false);
            }
        }
        t.check(false);
        let got: Vec<Vec<u8>> = t.iter().map(|(_, x)| x.to_vec()).collect();
        prop_assert_eq!(&got, &v);
        for (i, x) in v.iter().enumerate() {
            prop_assert_eq!(t.at(i).map(|(_, y)| y), Some(x.as_slice()));
        }
        for (old, model) in &kept {
            old.check(false);
            let got: Vec<Vec<u8>> = old.iter().map(|(_, x)| x.to_vec()).collect();
            prop_assert_eq!(&got, model);
        }
    }
}

#[test]
fn two_hundred_thousand_entries() {
    let mut t = PTree::new();
    let mut m = BTreeMap::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let k = format!("field:{:08}", x % 400_000).into_bytes();
        t.insert(&k, b"val");
        m.insert(k, b"val".to_vec());
    }
    t.check(true);
    let keys: Vec<Vec<u8>> = m.keys().cloned().collect();
    for k in keys.iter().step_by(2) {
        assert!(t.remove(k).is_some());
        m.remove(k);
    }
    t.check(true);
    assert_eq!(t.len(), m.len());
    let lo = b"field:00100000".to_vec();
    let hi = b"field:00200000".to_vec();
    let r = t.lower_rank(Bound::Included(&lo))..t.upper_rank(Bound::Excluded(&hi));
    let got: Vec<Vec<u8>> = t.range(r).map(|(k, _)| k.to_vec()).collect();
    let want: Vec<Vec<u8>> = m.range(lo..hi).map(|(k, _)| k.clone()).collect();
    assert_eq!(got, want);
}

#[test]
fn a_clone_is_untouched_by_edits_and_an_absent_remove_copies_nothing() {
    let mut t = PTree::new();
    for i in 0..5000u32 {
        t.insert(&i.to_be_bytes(), b"x");
    }
    let old = t.clone();
    assert!(t.remove(b"absent").is_none());
    t.insert(&7u32.to_be_bytes(), b"changed");
    t.remove(&8u32.to_be_bytes());
    assert_eq!(old.get(&7u32.to_be_bytes()), Some(&b"x"[..]));
    assert_eq!(old.get(&8u32.to_be_bytes()), Some(&b"x"[..]));
    assert_eq!(t.get(&7u32.to_be_bytes()), Some(&b"changed"[..]));
    assert_eq!(old.len(), 5000);
    assert_eq!(t.len(), 4999);
}
