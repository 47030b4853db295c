//! Tests of `PTree`: model tests (by key against a `BTreeMap`, by rank against a `Vec`) with old
//! versions kept and re-checked at the end, a 200 000-entry run, bulk build against inserts, big
//! entries, and the memory per entry.

use std::collections::BTreeMap;
use std::ops::Bound;

use proptest::prelude::*;
use proptest::sample::select;

use super::PTree;

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

fn contents(t: &PTree) -> Entries {
    t.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect()
}

fn map_contents(m: &BTreeMap<Vec<u8>, Vec<u8>>) -> Entries {
    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn data_of(entries: &Entries) -> usize {
    entries.iter().map(|(k, v)| k.len() + v.len()).sum()
}

fn value(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| seed.wrapping_add(i as u8)).collect()
}

/// A small deterministic generator (xorshift), for the scale tests and bulk ops.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Mostly small values, some big enough that a few fill a leaf's byte limit.
fn value_len() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0..8usize, 2 => 0..80usize, 1 => 300..3000usize]
}

/// Keys from small alphabets (so ops hit the same keys), some with a long shared prefix.
fn key() -> impl Strategy<Value = Vec<u8>> {
    let short = prop::collection::vec(select(vec![b'a', b'b', b'c']), 0..4);
    prop_oneof![
        3 => short.clone(),
        1 => short.prop_map(|s| [&b"a-long-shared-prefix:"[..], &s].concat()),
        1 => prop::collection::vec(any::<u8>(), 0..6),
    ]
}

fn bound(kind: u8, k: &[u8]) -> Bound<&[u8]> {
    match kind % 3 {
        0 => Bound::Included(k),
        1 => Bound::Excluded(k),
        _ => Bound::Unbounded,
    }
}

/// Checks `t.range(lo..hi)` against `model[lo..hi]` forwards, backwards, or from both ends in turn.
fn check_range(t: &PTree, model: &Entries, a: u16, b: u16, how: u8) {
    let n = model.len() + 1;
    let (lo, hi) = ((a as usize % n).min(b as usize % n), (a as usize % n).max(b as usize % n));
    let it = t.range(lo..hi);
    assert_eq!(it.len(), hi - lo);
    let want = &model[lo..hi];
    let got: Entries = match how % 3 {
        0 => it.map(|(k, v)| (k.to_vec(), v.to_vec())).collect(),
        1 => {
            let mut v: Entries = it.rev().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
            v.reverse();
            v
        }
        _ => {
            let (mut it, mut front, mut back) = (it, Vec::new(), Vec::new());
            loop {
                match (it.next(), it.next_back()) {
                    (Some(f), Some(b)) => {
                        front.push((f.0.to_vec(), f.1.to_vec()));
                        back.push((b.0.to_vec(), b.1.to_vec()));
                    }
                    (Some(f), None) => front.push((f.0.to_vec(), f.1.to_vec())),
                    (None, _) => break,
                }
            }
            assert!(it.next().is_none() && it.next_back().is_none());
            back.reverse();
            front.extend(back);
            front
        }
    };
    assert_eq!(got, want);
}

#[derive(Debug, Clone)]
enum KeyedOp {
    Insert(Vec<u8>, usize, u8),
    Remove(Vec<u8>),
    Lookup(Vec<u8>, u8, u8),
    Range(u16, u16, u8),
    RemoveRange(u16, u16),
    /// Inserts small entries (0), removes (1), or inserts entries big enough to fill a leaf alone
    /// (2), for `count` keys from a wider space: trees grow several levels deep and shrink again.
    Bulk(u16, u64, u8),
    Snapshot,
}

fn keyed_op() -> impl Strategy<Value = KeyedOp> {
    prop_oneof![
        8 => (key(), value_len(), any::<u8>()).prop_map(|(k, l, s)| KeyedOp::Insert(k, l, s)),
        4 => key().prop_map(KeyedOp::Remove),
        3 => (key(), any::<u8>(), any::<u8>()).prop_map(|(k, a, b)| KeyedOp::Lookup(k, a, b)),
        2 => (any::<u16>(), any::<u16>(), any::<u8>()).prop_map(|(a, b, h)| KeyedOp::Range(a, b, h)),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| KeyedOp::RemoveRange(a, b)),
        1 => (0..1200u16, any::<u64>(), any::<u8>()).prop_map(|(n, s, r)| KeyedOp::Bulk(n, s | 1, r % 3)),
        1 => Just(KeyedOp::Snapshot),
    ]
}

fn run_keyed(ops: Vec<KeyedOp>) {
    let mut t = PTree::new();
    let mut m: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut snapshots = Vec::new();
    for (step, op) in ops.into_iter().enumerate() {
        match op {
            KeyedOp::Insert(k, len, seed) => {
                let v = value(len, seed);
                assert_eq!(t.insert(&k, &v), m.insert(k, v));
            }
            KeyedOp::Remove(k) => assert_eq!(t.remove(&k), m.remove(&k)),
            KeyedOp::Lookup(k, lo, hi) => {
                assert_eq!(t.get(&k), m.get(&k).map(|v| &v[..]));
                let below = m.range::<[u8], _>((Bound::Unbounded, Bound::Excluded(&k[..]))).count();
                assert_eq!(t.rank(&k), if m.contains_key(&k) { Ok(below) } else { Err(below) });
                assert_eq!(t.at(below), m.iter().nth(below).map(|(k, v)| (&k[..], &v[..])));
                let count = |b: (Bound<&[u8]>, Bound<&[u8]>)| m.range::<[u8], _>(b).count();
                let lower = match bound(lo, &k) {
                    Bound::Included(k) => count((Bound::Unbounded, Bound::Excluded(k))),
                    Bound::Excluded(k) => count((Bound::Unbounded, Bound::Included(k))),
                    Bound::Unbounded => 0,
                };
                assert_eq!(t.lower_rank(bound(lo, &k)), lower);
                assert_eq!(t.upper_rank(bound(hi, &k)), count((Bound::Unbounded, bound(hi, &k))));
            }
            KeyedOp::Range(a, b, how) => check_range(&t, &map_contents(&m), a, b, how),
            KeyedOp::RemoveRange(a, b) => {
                let n = m.len() + 1;
                let (lo, hi) = ((a as usize % n).min(b as usize % n), (a as usize % n).max(b as usize % n));
                let doomed: Vec<Vec<u8>> = m.keys().skip(lo).take(hi - lo).cloned().collect();
                for k in doomed {
                    m.remove(&k);
                }
                t.remove_range(lo..hi);
            }
            KeyedOp::Bulk(count, seed, mode) => {
                let mut rng = Rng(seed);
                for _ in 0..count {
                    let k = format!("k{:04}", rng.below(3000)).into_bytes();
                    if mode == 1 {
                        assert_eq!(t.remove(&k), m.remove(&k));
                    } else {
                        let len = if mode == 0 { rng.below(24) } else { 1100 + rng.below(400) };
                        let v = value(len, rng.next() as u8);
                        assert_eq!(t.insert(&k, &v), m.insert(k, v));
                    }
                }
            }
            KeyedOp::Snapshot => snapshots.push((t.clone(), map_contents(&m))),
        }
        assert_eq!(t.len(), m.len());
        assert_eq!(t.is_empty(), m.is_empty());
        assert_eq!(t.data_bytes(), m.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>());
        t.check_keyed();
        if step % 16 == 0 {
            assert_eq!(contents(&t), map_contents(&m));
        }
    }
    assert_eq!(contents(&t), map_contents(&m));
    for (old, want) in snapshots {
        old.check_keyed();
        assert_eq!(contents(&old), want, "an old version changed");
    }
}

#[derive(Debug, Clone)]
enum PosOp {
    InsertAt(u16, Vec<u8>, usize, u8),
    RemoveAt(u16),
    SetValueAt(u16, usize, u8),
    RemoveRange(u16, u16),
    PushFront(usize, u8),
    PushBack(usize, u8),
    At(u16),
    Range(u16, u16, u8),
    /// Splits at a rank; keeps both halves joined again, or only one.
    Split(u16, u8),
    /// Appends (or prepends) a bulk-built tree of this many entries, small or a leaf each.
    Append(u16, bool, bool),
    /// Removes this many entries at random ranks.
    RemoveMany(u16, u64),
    Snapshot,
}

/// List entries have empty keys; some get a key to show positional edits keep it.
fn pos_key() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![4 => Just(Vec::new()), 1 => prop::collection::vec(any::<u8>(), 0..5)]
}

fn pos_op() -> impl Strategy<Value = PosOp> {
    prop_oneof![
        6 => (any::<u16>(), pos_key(), value_len(), any::<u8>()).prop_map(|(p, k, l, s)| PosOp::InsertAt(p, k, l, s)),
        4 => any::<u16>().prop_map(PosOp::RemoveAt),
        2 => (any::<u16>(), value_len(), any::<u8>()).prop_map(|(p, l, s)| PosOp::SetValueAt(p, l, s)),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| PosOp::RemoveRange(a, b)),
        3 => (value_len(), any::<u8>()).prop_map(|(l, s)| PosOp::PushFront(l, s)),
        4 => (value_len(), any::<u8>()).prop_map(|(l, s)| PosOp::PushBack(l, s)),
        2 => any::<u16>().prop_map(PosOp::At),
        2 => (any::<u16>(), any::<u16>(), any::<u8>()).prop_map(|(a, b, h)| PosOp::Range(a, b, h)),
        1 => (any::<u16>(), any::<u8>()).prop_map(|(p, h)| PosOp::Split(p, h)),
        1 => (0..3000u16, any::<bool>(), any::<bool>()).prop_map(|(n, f, big)| PosOp::Append(n % if big { 1500 } else { 3000 }, f, big)),
        1 => (0..1000u16, any::<u64>()).prop_map(|(n, s)| PosOp::RemoveMany(n, s | 1)),
        1 => Just(PosOp::Snapshot),
    ]
}

fn run_positional(ops: Vec<PosOp>) {
    let mut t = PTree::default();
    let mut m: Entries = Vec::new();
    let mut snapshots = Vec::new();
    for (step, op) in ops.into_iter().enumerate() {
        let at = |p: u16, n: usize| p as usize % n;
        match op {
            PosOp::InsertAt(p, k, len, seed) => {
                let (i, v) = (at(p, m.len() + 1), value(len, seed));
                t.insert_at(i, &k, &v);
                m.insert(i, (k, v));
            }
            PosOp::RemoveAt(p) if !m.is_empty() => {
                let i = at(p, m.len());
                assert_eq!(t.remove_at(i), m.remove(i));
            }
            PosOp::SetValueAt(p, len, seed) if !m.is_empty() => {
                let (i, v) = (at(p, m.len()), value(len, seed));
                assert_eq!(t.set_value_at(i, &v), std::mem::replace(&mut m[i].1, v));
            }
            PosOp::RemoveRange(a, b) => {
                let (a, b) = (at(a, m.len() + 1), at(b, m.len() + 1));
                t.remove_range(a.min(b)..a.max(b));
                m.drain(a.min(b)..a.max(b));
            }
            PosOp::PushFront(len, seed) => {
                t.push_front(b"", &value(len, seed));
                m.insert(0, (Vec::new(), value(len, seed)));
            }
            PosOp::PushBack(len, seed) => {
                t.push_back(b"", &value(len, seed));
                m.push((Vec::new(), value(len, seed)));
            }
            PosOp::At(p) => {
                let i = at(p, m.len() + 1);
                assert_eq!(t.at(i), m.get(i).map(|(k, v)| (&k[..], &v[..])));
            }
            PosOp::Range(a, b, how) => check_range(&t, &m, a, b, how),
            PosOp::Split(p, how) => {
                let i = at(p, m.len() + 1);
                let right = t.split_off(i);
                t.check();
                right.check();
                assert_eq!(contents(&right), m[i..]);
                match how % 3 {
                    0 => t.append(right),
                    1 => m.truncate(i),
                    _ => {
                        t = right;
                        m.drain(..i);
                    }
                }
            }
            PosOp::Append(n, front, big) => {
                let len = |i: usize| if big { 1100 + i % 400 } else { i % 7 };
                let new: Entries = (0..n as usize).map(|i| (Vec::new(), value(len(i), i as u8))).collect();
                let other = PTree::from_sorted(new.iter().map(|(k, v)| (&k[..], &v[..])));
                if front {
                    let mut other = other;
                    other.append(std::mem::take(&mut t));
                    t = other;
                    m.splice(0..0, new);
                } else {
                    t.append(other);
                    m.extend(new);
                }
            }
            PosOp::RemoveMany(n, seed) => {
                let mut rng = Rng(seed);
                for _ in 0..(n as usize).min(m.len()) {
                    let i = rng.below(m.len());
                    assert_eq!(t.remove_at(i), m.remove(i));
                }
            }
            PosOp::Snapshot => snapshots.push((t.clone(), m.clone())),
            PosOp::RemoveAt(_) | PosOp::SetValueAt(..) => {}
        }
        assert_eq!(t.len(), m.len());
        assert_eq!(t.data_bytes(), data_of(&m));
        t.check();
        if step % 16 == 0 {
            assert_eq!(contents(&t), m);
        }
    }
    assert_eq!(contents(&t), m);
    for (old, want) in snapshots {
        old.check();
        assert_eq!(contents(&old), want, "an old version changed");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn keyed_ops_match_a_btreemap(ops in prop::collection::vec(keyed_op(), 1..300)) {
        run_keyed(ops);
    }

    #[test]
    fn positional_ops_match_a_vec(ops in prop::collection::vec(pos_op(), 1..300)) {
        run_positional(ops);
    }

    #[test]
    fn from_sorted_equals_inserts(
        entries in prop::collection::btree_map(prop::collection::vec(any::<u8>(), 0..12), value_len(), 0..1500),
    ) {
        let entries: Entries = entries.into_iter().map(|(k, l)| { let v = value(l, k.len() as u8); (k, v) }).collect();
        let built = PTree::from_sorted(entries.iter().map(|(k, v)| (&k[..], &v[..])));
        let mut inserted = PTree::new();
        for (k, v) in entries.iter().rev() {
            inserted.insert(k, v);
        }
        let (mut built, mut inserted) = (built, inserted);
        for round in 0..2 {
            built.check_keyed();
            inserted.check_keyed();
            prop_assert_eq!(contents(&built), contents(&inserted));
            prop_assert_eq!(built.data_bytes(), inserted.data_bytes());
            // Then both take the same removals: full bulk-built leaves must rebalance like any.
            for (k, _) in entries.iter().skip(round).step_by(3) {
                prop_assert_eq!(built.remove(k), inserted.remove(k));
            }
        }
    }
}

#[test]
fn is_send_sync_and_cheap_to_clone() {
    fn send_sync<T: Send + Sync + Clone + Default>() {}
    send_sync::<PTree>();
    let t = PTree::from_sorted([(&b"a"[..], &b"1"[..])]);
    assert_eq!(format!("{t:?}"), "PTree { len: 1, data_bytes: 2 }");
    assert!(t.heap_bytes() <= 64, "a one-entry tree is one small allocation");
}

#[test]
fn empty_keys_values_and_big_entries() {
    let mut t = PTree::new();
    assert_eq!(t.insert(b"", b""), None);
    assert_eq!(t.get(b""), Some(&b""[..]));
    let (big, huge) = (value(70_000, 1), value(300_000, 2));
    t.insert(b"big", &big);
    t.insert(b"huge", &huge);
    for i in 0..200u32 {
        t.insert(format!("small{i:03}").as_bytes(), &i.to_be_bytes());
    }
    t.check_keyed();
    assert_eq!(t.get(b"big"), Some(&big[..]));
    assert_eq!(t.get(b"huge"), Some(&huge[..]));
    assert_eq!(t.data_bytes(), 3 + 70_000 + 4 + 300_000 + 200 * 12);
    assert_eq!(t.set_value_at(t.rank(b"huge").unwrap(), b"x"), huge);
    assert_eq!(t.remove(b"big"), Some(big));
    t.check_keyed();
    assert_eq!(t.len(), 202);
    assert_eq!(t.remove(b"absent"), None);
}

/// 200 000 keys inserted in random order, half removed, with range queries against the model and
/// a version from before the removals still intact.
#[test]
fn two_hundred_thousand_entries() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ids: Vec<u32> = (0..200_000).collect();
    rng.shuffle(&mut ids);
    let key = |i: u32| format!("member:{:09}", i.wrapping_mul(2_654_435_761) % 1_000_000_007).into_bytes();
    let (mut t, mut m) = (PTree::new(), BTreeMap::new());
    for &i in &ids {
        let v = value(rng.below(12), i as u8);
        assert_eq!(t.insert(&key(i), &v), None);
        m.insert(key(i), v);
    }
    t.check_keyed();
    assert_eq!(contents(&t), map_contents(&m));
    let before = (t.clone(), map_contents(&m));
    rng.shuffle(&mut ids);
    for &i in &ids[..100_000] {
        assert_eq!(t.remove(&key(i)), m.remove(&key(i)));
    }
    t.check_keyed();
    assert_eq!(t.len(), 100_000);
    assert_eq!(contents(&t), map_contents(&m));
    for _ in 0..400 {
        let (a, b) = (key(rng.next() as u32), key(rng.next() as u32));
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let from = t.lower_rank(Bound::Included(&lo));
        let to = t.upper_rank(Bound::Excluded(&hi));
        assert!(t.range(from..to.max(from)).eq(m.range(lo.clone()..hi.clone()).map(|(k, v)| (&k[..], &v[..]))));
        let back: Vec<&[u8]> = t.range(from..to.max(from)).rev().take(5).map(|(k, _)| k).collect();
        let want_back: Vec<&[u8]> = m.range(lo..hi).rev().take(5).map(|(k, _)| &k[..]).collect();
        assert_eq!(back, want_back);
    }
    let r = rng.below(100_000);
    assert_eq!(t.at(r).map(|(k, _)| t.rank(k)), Some(Ok(r)));
    before.0.check_keyed();
    assert_eq!(contents(&before.0), before.1);
    t.remove_range(10..99_990);
    t.check_keyed();
    assert_eq!(t.len(), 20);
}

/// Bytes the allocator has handed out and not taken back, across all threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn allocated() -> usize {
    // SAFETY: mallinfo2 has no preconditions; it only reads the allocator's statistics.
    unsafe { libc::mallinfo2() }.uordblks
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn allocated() -> usize {
    0
}

/// Heap per entry for 1M entries of 10-byte keys and 3-byte values, by inserts in random order and
/// by a bulk build. Run with `--nocapture --test-threads=1` for the figures (the allocator's own
/// count is meaningful only when no other test allocates at the same time).
#[test]
fn memory_per_entry() {
    const N: usize = 1_000_000;
    let key = |i: usize| format!("{:010}", i.wrapping_mul(2_654_435_761) % 10_000_000_000);
    let mut order: Vec<usize> = (0..N).collect();
    Rng(7).shuffle(&mut order);
    let base = allocated();
    let start = std::time::Instant::now();
    let mut t = PTree::new();
    for &i in &order {
        t.insert(key(i).as_bytes(), b"val");
    }
    let insert_time = start.elapsed();
    let malloc_inserted = allocated().saturating_sub(base);
    let sorted: Entries = contents(&t);
    let base = allocated();
    let built = PTree::from_sorted(sorted.iter().map(|(k, v)| (&k[..], &v[..])));
    let malloc_built = allocated().saturating_sub(base);
    assert_eq!(built.len(), t.len());
    t.check_keyed();
    let per = |b: usize| b as f64 / t.len() as f64;
    // Copy-on-write: each insert goes into a tree whose previous version is still held (as an MVCC
    // reader would), so the whole path is copied; then the previous version is let go.
    let keys: Vec<String> = (0..100_000).map(|i| key(i * 7 + 3)).collect();
    let mut v = t.clone();
    let start = std::time::Instant::now();
    for k in &keys {
        let old = v.clone();
        v.insert(k.as_bytes(), b"new");
        drop(old);
    }
    let cow_time = start.elapsed();
    let mut u = PTree::new();
    let start = std::time::Instant::now();
    for k in &keys {
        u.insert(k.as_bytes(), b"new");
    }
    let small_time = start.elapsed();
    drop(u);
    println!(
        "ptree memory, {} entries of 10+3 bytes: random inserts {:.1} B/entry (heap_bytes; malloc {:.1}), \
         from_sorted {:.1} B/entry (malloc {:.1}); random insert into 1M: {:.0} ns unshared (key formatting \
         included), {:.0} ns with the previous version held; into a 100k tree, unshared: {:.0} ns",
        t.len(),
        per(t.heap_bytes()),
        per(malloc_inserted),
        per(built.heap_bytes()),
        per(malloc_built),
        insert_time.as_nanos() as f64 / N as f64,
        cow_time.as_nanos() as f64 / 100_000.0,
        small_time.as_nanos() as f64 / 100_000.0,
    );
    assert!(per(t.heap_bytes()) <= 13.0 + 12.0, "random inserts: {:.1} B/entry", per(t.heap_bytes()));
    assert!(per(built.heap_bytes()) <= 13.0 + 8.0, "bulk build: {:.1} B/entry", per(built.heap_bytes()));
    built.check_keyed();
}
