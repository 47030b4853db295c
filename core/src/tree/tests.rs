//! Tests of the ordered index against a BTreeMap, including readers walking during appends.
use super::*;
use crate::item::NewVersion;
use crate::reclaim::Reclaimer;
use crossbeam_epoch as epoch;
use std::collections::BTreeMap;

fn keys_of(tree: &Tree, lo: Bound<&[u8]>, hi: Bound<&[u8]>, reverse: bool) -> Vec<Vec<u8>> {
    let guard = epoch::pin();
    let mut out = Vec::new();
    tree.walk(lo, hi, reverse, &guard, &mut |it| {
        out.push(it.key(&guard).to_vec());
        true
    });
    out
}

#[test]
fn matches_a_btreemap_under_random_inserts_and_removes() {
    let guard = epoch::pin();
    let mut rec = Reclaimer::default();
    let tree = Tree::new();
    let mut model: BTreeMap<Vec<u8>, ItemRef> = BTreeMap::new();
    let mut x: u64 = 42;
    for step in 0..20_000u32 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = x % 3000;
        // Keys of varied shape: shared prefixes, short keys, a key that is a prefix of another.
        let key = match n % 4 {
            0 => format!("user:{n:010}").into_bytes(),
            1 => format!("u{n}").into_bytes(),
            2 => vec![b'a'; (n % 20) as usize],
            _ => format!("session:{:x}", n * 2654435761).into_bytes(),
        };
        if let Some(item) = model.remove(&key) {
            assert!(tree.remove(&key, item, &guard, &mut rec), "remove {key:?} at step {step}");
        } else {
            let item = ItemRef::alloc(&key, &NewVersion { seq: 1, expires_at: 0, value: Some(b"v") });
            tree.insert(&key, item, &guard, &mut rec);
            model.insert(key, item);
        }
    }
    let all: Vec<Vec<u8>> = model.keys().cloned().collect();
    assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false), all);
    let mut rev = all.clone();
    rev.reverse();
    assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, true), rev);
    let lo = b"u1".as_slice();
    let hi = b"user:0000001000".as_slice();
    let want: Vec<Vec<u8>> =
        model.range::<[u8], _>((Bound::Excluded(lo), Bound::Included(hi))).map(|(k, _)| k.clone()).collect();
    assert_eq!(keys_of(&tree, Bound::Excluded(lo), Bound::Included(hi), false), want);
    for (k, item) in std::mem::take(&mut model) {
        assert!(tree.remove(&k, item, &guard, &mut rec));
        // SAFETY: removed from the tree and never shared elsewhere.
        unsafe { item.free_now() };
    }
    assert!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false).is_empty());
    rec.shutdown();
}

#[test]
fn a_deep_tree_finds_every_range() {
    let guard = epoch::pin();
    let mut rec = Reclaimer::default();
    let tree = Tree::new();
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut x: u64 = 7;
    for i in 0..150_000u64 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        // Shared prefixes of different lengths, so inner nodes get prefixes and head ties.
        let k = match i % 3 {
            0 => format!("user:{:010}", x >> 44).into_bytes(),
            1 => format!("tenant-0000000000001/user/{:08}", x >> 40).into_bytes(),
            _ => (x >> 16).to_be_bytes().to_vec(),
        };
        keys.push(k);
    }
    keys.sort();
    keys.dedup();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    for i in (1..order.len()).rev() {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        order.swap(i, (x >> 33) as usize % (i + 1));
    }
    let items: Vec<ItemRef> =
        keys.iter().map(|k| ItemRef::alloc(k, &NewVersion { seq: 1, expires_at: 0, value: None })).collect();
    for &i in &order {
        tree.insert(&keys[i], items[i], &guard, &mut rec);
    }
    assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false), keys);
    for probe in (0..keys.len()).step_by(997) {
        let lo = &keys[probe];
        let hi = &keys[(probe + 50).min(keys.len() - 1)];
        let want: Vec<Vec<u8>> = keys.iter().filter(|k| *k >= lo && *k < hi).cloned().collect();
        assert_eq!(keys_of(&tree, Bound::Included(lo), Bound::Excluded(hi), false), want);
    }
    rec.shutdown();
    drop(tree);
    for it in items {
        // SAFETY: the tree is gone; never shared elsewhere.
        unsafe { it.free_now() };
    }
}

#[test]
fn bulk_built_tree_walks_in_order() {
    let guard = epoch::pin();
    let mut rec = Reclaimer::default();
    let items: Vec<ItemRef> = (0..10_000)
        .map(|i| ItemRef::alloc(format!("k{i:06}").as_bytes(), &NewVersion { seq: 1, expires_at: 0, value: None }))
        .collect();
    let tree = Tree::from_sorted(&items, &guard);
    let got = keys_of(&tree, Bound::Included(b"k000100"), Bound::Excluded(b"k000200"), false);
    assert_eq!(got.len(), 100);
    assert_eq!(got[0], b"k000100");
    let extra = ItemRef::alloc(b"k000100x", &NewVersion { seq: 1, expires_at: 0, value: None });
    tree.insert(b"k000100x", extra, &guard, &mut rec);
    let got = keys_of(&tree, Bound::Included(b"k000100"), Bound::Excluded(b"k000102"), false);
    assert_eq!(got, vec![b"k000100".to_vec(), b"k000100x".to_vec(), b"k000101".to_vec()]);
    rec.shutdown();
    drop(tree);
    for it in items.into_iter().chain([extra]) {
        // SAFETY: the tree is gone; the items were never shared elsewhere.
        unsafe { it.free_now() };
    }
}

#[test]
fn readers_walking_during_appends_see_sorted_complete_leaves() {
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    let tree = Tree::new();
    let inserted = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let mut x: u64 = 99;
    let keys: Vec<Vec<u8>> = (0..30_000)
        .map(|i| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            format!("k{:08}:{i}", x >> 40).into_bytes()
        })
        .collect();
    let items: Vec<ItemRef> =
        keys.iter().map(|k| ItemRef::alloc(k, &NewVersion { seq: 1, expires_at: 0, value: None })).collect();
    let mut rec = Reclaimer::default();
    std::thread::scope(|s| {
        for reverse in [false, true] {
            let (tree, inserted, done) = (&tree, &inserted, &done);
            s.spawn(move || {
                let mut walks = 0;
                while !done.load(Ordering::Acquire) || walks < 3 {
                    let before = inserted.load(Ordering::Acquire);
                    let mut got = keys_of(tree, Bound::Unbounded, Bound::Unbounded, reverse);
                    if reverse {
                        got.reverse();
                    }
                    assert!(got.windows(2).all(|w| w[0] < w[1]), "a walk saw keys out of order");
                    assert!(got.len() >= before, "a walk missed inserted keys: {} < {before}", got.len());
                    walks += 1;
                }
            });
        }
        let mut guard = epoch::pin();
        for (i, (k, &item)) in keys.iter().zip(&items).enumerate() {
            tree.insert(k, item, &guard, &mut rec);
            inserted.fetch_add(1, Ordering::Release);
            // Retired nodes go through the real grace period while the readers walk.
            if i % 64 == 63 {
                rec.end_commit(&guard);
                guard.repin();
            }
        }
        done.store(true, Ordering::Release);
    });
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false), sorted);
    rec.shutdown();
    drop(tree);
    for it in items {
        // SAFETY: the tree is gone and the reader threads have ended.
        unsafe { it.free_now() };
    }
}

/// Leaves and inner nodes reached by a walk from the root: (leaves, entries in leaves).
fn shape(tree: &Tree) -> (usize, usize) {
    fn count(node: Shared<'_, Node>, guard: &Guard, acc: &mut (usize, usize)) {
        match node_ref(node) {
            Node::Leaf(leaf) => {
                acc.0 += 1;
                acc.1 += leaf.merged(guard).len();
            }
            Node::Inner(inner) => {
                for c in inner.children.iter() {
                    count(c.load(Ordering::Acquire, guard), guard, acc);
                }
            }
        }
    }
    let guard = epoch::pin();
    let mut acc = (0, 0);
    count(tree.root.load(Ordering::Acquire, &guard), &guard, &mut acc);
    acc
}

#[test]
fn keys_inserted_in_order_leave_the_leaves_full() {
    for descending in [false, true] {
        let guard = epoch::pin();
        let mut rec = Reclaimer::default();
        let tree = Tree::new();
        let n = 20_000u32;
        let keys: Vec<Vec<u8>> = (0..n).map(|i| format!("id:{i:08}").into_bytes()).collect();
        let items: Vec<ItemRef> =
            keys.iter().map(|k| ItemRef::alloc(k, &NewVersion { seq: 1, expires_at: 0, value: None })).collect();
        let order: Vec<usize> = if descending { (0..keys.len()).rev().collect() } else { (0..keys.len()).collect() };
        for &i in &order {
            tree.insert(&keys[i], items[i], &guard, &mut rec);
        }
        assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false), keys);
        let (leaves, entries) = shape(&tree);
        assert_eq!(entries, n as usize);
        // Middle splits would leave about 32 entries per leaf.
        assert!(entries / leaves >= 55, "{} entries per leaf (descending: {descending})", entries / leaves);
        // A random key in the middle still splits in the middle and keeps the order.
        let extra = ItemRef::alloc(b"id:00010000x", &NewVersion { seq: 1, expires_at: 0, value: None });
        tree.insert(b"id:00010000x", extra, &guard, &mut rec);
        let got = keys_of(&tree, Bound::Included(b"id:00010000"), Bound::Excluded(b"id:00010001"), false);
        assert_eq!(got, vec![b"id:00010000".to_vec(), b"id:00010000x".to_vec()]);
        rec.shutdown();
        drop(tree);
        for it in items.into_iter().chain([extra]) {
            // SAFETY: the tree is gone; the items were never shared elsewhere.
            unsafe { it.free_now() };
        }
    }
}

#[test]
fn replacing_an_item_keeps_the_order_and_points_at_the_copy() {
    let guard = epoch::pin();
    let mut rec = Reclaimer::default();
    let tree = Tree::new();
    let keys: Vec<Vec<u8>> = (0..500u32).map(|i| format!("r{:05}", i * 7 % 500).into_bytes()).collect();
    let mut items: Vec<ItemRef> =
        keys.iter().map(|k| ItemRef::alloc(k, &NewVersion { seq: 1, expires_at: 0, value: None })).collect();
    for (k, &it) in keys.iter().zip(&items) {
        tree.insert(k, it, &guard, &mut rec);
    }
    let mut old = Vec::new();
    for i in (0..items.len()).step_by(3) {
        let copy = ItemRef::alloc(&keys[i], &NewVersion { seq: 2, expires_at: 0, value: None });
        assert!(tree.replace_item(&keys[i], items[i], copy, &guard, &mut rec));
        // A second replace of the same old item finds nothing.
        assert!(!tree.replace_item(&keys[i], items[i], copy, &guard, &mut rec));
        old.push(items[i]);
        items[i] = copy;
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false), sorted);
    let mut seen = Vec::new();
    tree.walk(Bound::Unbounded, Bound::Unbounded, false, &guard, &mut |it| {
        seen.push(it);
        true
    });
    for it in &items {
        assert!(seen.contains(it), "an item is not reachable after the replacements");
    }
    for it in &old {
        assert!(!seen.contains(it), "a replaced item is still in the tree");
    }
    rec.shutdown();
    drop(tree);
    for it in items.into_iter().chain(old) {
        // SAFETY: the tree is gone; the items were never shared elsewhere.
        unsafe { it.free_now() };
    }
}
