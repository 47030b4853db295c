//! Collections through the public API: each type against a plain model, across checkpoints and
//! reopens; type errors; TTLs, snapshots and deletes on whole collections.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use proptest::prelude::*;
use scalodb::{Db, End, Error, Kind, Options, SetOp, ZAddFlags};

fn open(dir: &std::path::Path) -> Db {
    Db::open_with(dir, Options::default()).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    HSet(u8, u8),
    HDel(u8),
    HIncr(u8, i8),
    SAdd(u8),
    SRem(u8),
    SPop,
    ZAdd(u8, i16),
    ZRem(u8),
    ZPopMin,
    Push(bool, u8),
    Pop(bool),
    LSet(i8, u8),
    LTrim(i8, i8),
    Del(u8),
    Checkpoint,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..20u8, any::<u8>()).prop_map(|(f, v)| Op::HSet(f, v)),
        (0..20u8).prop_map(Op::HDel),
        (20..24u8, any::<i8>()).prop_map(|(f, d)| Op::HIncr(f, d)),
        (0..30u8).prop_map(Op::SAdd),
        (0..30u8).prop_map(Op::SRem),
        Just(Op::SPop),
        (0..30u8, any::<i16>()).prop_map(|(m, s)| Op::ZAdd(m, s)),
        (0..30u8).prop_map(Op::ZRem),
        Just(Op::ZPopMin),
        (any::<bool>(), any::<u8>()).prop_map(|(l, v)| Op::Push(l, v)),
        any::<bool>().prop_map(Op::Pop),
        (any::<i8>(), any::<u8>()).prop_map(|(i, v)| Op::LSet(i, v)),
        (any::<i8>(), any::<i8>()).prop_map(|(a, b)| Op::LTrim(a, b)),
        (0..4u8).prop_map(Op::Del),
        Just(Op::Checkpoint),
        Just(Op::Reopen),
    ]
}

#[derive(Default, Clone, Debug, PartialEq)]
struct Model {
    hash: BTreeMap<Vec<u8>, Vec<u8>>,
    set: BTreeSet<Vec<u8>>,
    zset: BTreeMap<Vec<u8>, f64>,
    list: VecDeque<Vec<u8>>,
}

fn check(db: &Db, m: &Model) {
    let hash: BTreeMap<Vec<u8>, Vec<u8>> = db.hgetall("h").unwrap().into_iter().collect();
    assert_eq!(hash, m.hash);
    assert_eq!(db.hlen("h").unwrap(), m.hash.len());
    let set: BTreeSet<Vec<u8>> = db.smembers("s").unwrap().into_iter().collect();
    assert_eq!(set, m.set);
    let mut z: Vec<(Vec<u8>, f64)> = m.zset.iter().map(|(k, v)| (k.clone(), *v)).collect();
    z.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    assert_eq!(db.zrange("z", 0, -1, false).unwrap(), z);
    for (i, (member, score)) in z.iter().enumerate() {
        assert_eq!(db.zrank("z", member, false).unwrap(), Some((i, *score)));
    }
    let list: Vec<Vec<u8>> = m.list.iter().cloned().collect();
    assert_eq!(db.lrange("l", 0, -1).unwrap(), list);
    let expect_kind = |key: &str, kind: Kind, present: bool| {
        assert_eq!(db.kind_of(key).unwrap(), present.then_some(kind), "{key}");
    };
    expect_kind("h", Kind::Hash, !m.hash.is_empty());
    expect_kind("s", Kind::Set, !m.set.is_empty());
    expect_kind("z", Kind::ZSet, !m.zset.is_empty());
    expect_kind("l", Kind::List, !m.list.is_empty());
    let keys: Vec<Vec<u8>> = db.iter().unwrap().map(|kv| kv.unwrap().0).collect();
    let mut want: Vec<Vec<u8>> = Vec::new();
    for (k, present) in
        [("h", !m.hash.is_empty()), ("l", !m.list.is_empty()), ("s", !m.set.is_empty()), ("z", !m.zset.is_empty())]
    {
        if present {
            want.push(k.as_bytes().to_vec());
        }
    }
    assert_eq!(keys, want, "the keyspace holds the keys only, never their elements");
}

fn index(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { len as i64 + i } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

fn clamp(len: usize, start: i64, stop: i64) -> std::ops::Range<usize> {
    let l = len as i64;
    let s = if start < 0 { (l + start).max(0) } else { start };
    let e = if stop < 0 { l + stop } else { stop.min(l - 1) };
    if s > e || s >= l {
        0..0
    } else {
        s as usize..e as usize + 1
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_type_matches_its_model_across_checkpoints_and_reopens(ops in prop::collection::vec(op(), 1..150)) {
        let dir = tempfile::tempdir().unwrap();
        let mut db = open(dir.path());
        let mut m = Model::default();
        for op in ops {
            match op {
                Op::HSet(f, v) => {
                    let new = !m.hash.contains_key(&vec![f]);
                    prop_assert_eq!(db.hset("h", &[(vec![f], vec![v])]).unwrap(), usize::from(new));
                    m.hash.insert(vec![f], vec![v]);
                }
                Op::HDel(f) => {
                    prop_assert_eq!(db.hdel("h", &[vec![f]]).unwrap(), usize::from(m.hash.remove(&vec![f]).is_some()));
                }
                Op::HIncr(f, d) => {
                    let old: i64 = m.hash.get(&vec![f]).map_or(0, |v| String::from_utf8_lossy(v).parse().unwrap());
                    prop_assert_eq!(db.hincrby("h", [f], d as i64).unwrap(), old + d as i64);
                    m.hash.insert(vec![f], (old + d as i64).to_string().into_bytes());
                }
                Op::SAdd(x) => {
                    prop_assert_eq!(db.sadd("s", &[[x]]).unwrap(), usize::from(m.set.insert(vec![x])));
                }
                Op::SRem(x) => {
                    prop_assert_eq!(db.srem("s", &[[x]]).unwrap(), usize::from(m.set.remove(&vec![x])));
                }
                Op::SPop => {
                    let got = db.spop("s", 1).unwrap();
                    prop_assert_eq!(got.len(), usize::from(!m.set.is_empty()));
                    for g in got {
                        prop_assert!(m.set.remove(&g));
                    }
                }
                Op::ZAdd(x, s) => {
                    let new = !m.zset.contains_key(&vec![x]);
                    prop_assert_eq!(db.zadd("z", &[(s as f64, [x])], ZAddFlags::default()).unwrap(), usize::from(new));
                    m.zset.insert(vec![x], s as f64);
                }
                Op::ZRem(x) => {
                    prop_assert_eq!(db.zrem("z", &[[x]]).unwrap(), usize::from(m.zset.remove(&vec![x]).is_some()));
                }
                Op::ZPopMin => {
                    let got = db.zpop("z", false, 1).unwrap();
                    let min = m.zset.iter().map(|(k, v)| (k.clone(), *v)).min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                    prop_assert_eq!(got.first().cloned(), min.clone());
                    if let Some((k, _)) = min {
                        m.zset.remove(&k);
                    }
                }
                Op::Push(left, v) => {
                    let end = if left { End::Left } else { End::Right };
                    if left { m.list.push_front(vec![v]) } else { m.list.push_back(vec![v]) }
                    prop_assert_eq!(db.push("l", end, &[[v]]).unwrap(), m.list.len());
                }
                Op::Pop(left) => {
                    let end = if left { End::Left } else { End::Right };
                    let want = if left { m.list.pop_front() } else { m.list.pop_back() };
                    prop_assert_eq!(db.pop("l", end, 1).unwrap(), want.into_iter().collect::<Vec<_>>());
                }
                Op::LSet(i, v) => {
                    let r = db.lset("l", i as i64, [v]);
                    match index(m.list.len(), i as i64) {
                        Some(r_) if !m.list.is_empty() => { prop_assert!(r.is_ok()); m.list[r_] = vec![v]; }
                        _ => prop_assert!(matches!(r, Err(Error::InvalidArgument(_)))),
                    }
                }
                Op::LTrim(a, b) => {
                    db.ltrim("l", a as i64, b as i64).unwrap();
                    let keep = clamp(m.list.len(), a as i64, b as i64);
                    m.list = m.list.iter().skip(keep.start).take(keep.len()).cloned().collect();
                }
                Op::Del(k) => {
                    let key = ["h", "s", "z", "l"][k as usize];
                    db.delete(key).unwrap();
                    match k { 0 => m.hash.clear(), 1 => m.set.clear(), 2 => m.zset.clear(), _ => m.list.clear() }
                }
                Op::Checkpoint => db.checkpoint().unwrap(),
                Op::Reopen => {
                    db.close().unwrap();
                    drop(db);
                    db = open(dir.path());
                }
            }
            check(&db, &m);
        }
        db.close().unwrap();
        drop(db);
        let db = open(dir.path());
        check(&db, &m);
        let report = scalodb::verify(dir.path());
        prop_assert!(report.is_ok(), "{:?}", report.err());
    }
}

#[test]
fn a_key_holds_one_type_and_a_wrong_one_changes_nothing() {
    let db = Db::memory();
    db.put("str", "v").unwrap();
    db.hset("h", &[("f", "1")]).unwrap();
    let is_mismatch = |r: Result<usize, Error>| matches!(&r, Err(e) if e.is_type_mismatch());
    assert!(is_mismatch(db.sadd("str", &["x"])));
    assert!(is_mismatch(db.sadd("h", &["x"])));
    assert!(is_mismatch(db.push("h", End::Left, &["x"])));
    assert!(matches!(db.get("h"), Err(e) if e.is_type_mismatch()));
    assert!(matches!(db.increment("h", 1), Err(e) if e.is_type_mismatch()));
    assert!(matches!(db.increment("str", 1), Err(e) if !e.is_type_mismatch()));
    assert_eq!(db.get("str").unwrap(), Some(b"v".to_vec()));
    assert_eq!(db.hgetall("h").unwrap(), vec![(b"f".to_vec(), b"1".to_vec())]);
    // A SET replaces a collection, as in Redis.
    db.put("h", "now a string").unwrap();
    assert_eq!(db.kind_of("h").unwrap(), Some(Kind::String));
    assert_eq!(db.hlen("str").map_err(|e| e.is_type_mismatch()), Err(true));
}

#[test]
fn ttl_snapshot_and_empty_collections() {
    let db = Db::memory();
    db.sadd("s", &["a", "b"]).unwrap();
    let snap = db.snapshot().unwrap();
    db.srem("s", &["a", "b"]).unwrap();
    assert_eq!(db.kind_of("s").unwrap(), None, "an emptied collection is deleted");
    assert_eq!(db.stats().unwrap().keys, 0);
    assert_eq!(db.set_algebra(SetOp::Union, &["s"]).unwrap(), Vec::<Vec<u8>>::new());
    drop(snap);
    db.hset("h", &[("f", "v")]).unwrap();
    assert!(db.expire("h", Duration::from_millis(30)).unwrap());
    db.hset("h", &[("g", "w")]).unwrap();
    assert_eq!(db.hlen("h").unwrap(), 2, "an edit keeps the key's expiry and its fields");
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(db.hlen("h").unwrap(), 0);
    assert_eq!(db.hset("h", &[("x", "y")]).unwrap(), 1, "an expired hash is gone: HSET starts a new one");
    assert_eq!(db.hgetall("h").unwrap(), vec![(b"x".to_vec(), b"y".to_vec())]);
    assert_eq!(db.ttl("h").unwrap(), scalodb::Ttl::Forever);
}

#[test]
fn a_big_hash_survives_checkpoint_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    let pairs: Vec<(String, String)> = (0..50_000).map(|i| (format!("field:{i}"), format!("v{i}"))).collect();
    for chunk in pairs.chunks(1000) {
        db.hset("big", chunk).unwrap();
    }
    let snap = db.snapshot().unwrap();
    db.hdel("big", &["field:7"]).unwrap();
    assert_eq!(snap.get("x").unwrap(), None);
    db.checkpoint().unwrap();
    drop(snap);
    for i in 10..2010 {
        db.hset("big", &[(format!("field:{i}"), "updated")]).unwrap();
    }
    db.close().unwrap();
    drop(db);
    let db = open(dir.path());
    assert_eq!(db.hlen("big").unwrap(), 49_999);
    assert_eq!(db.hget("big", "field:7").unwrap(), None);
    assert_eq!(db.hget("big", "field:8").unwrap(), Some(b"v8".to_vec()));
    assert_eq!(db.hget("big", "field:20").unwrap(), Some(b"updated".to_vec()));
    assert_eq!(db.hget("big", "field:40000").unwrap(), Some(b"v40000".to_vec()));
    let (page, next) = db.hscan("big", None, 10).unwrap();
    assert_eq!(page.len(), 10);
    let (page2, _) = db.hscan("big", next.as_deref(), 10).unwrap();
    assert!(page2[0].0 > page[9].0);
}

#[test]
fn rewriting_one_field_of_a_big_hash_frees_the_old_versions() {
    let db = Db::memory();
    let pairs: Vec<(String, String)> = (0..20_000).map(|i| (format!("field:{i:06}"), "v".repeat(20))).collect();
    for chunk in pairs.chunks(500) {
        db.hset("h", chunk).unwrap();
    }
    let settle = |db: &Db| {
        // Reclaiming waits for an epoch: a few more commits and a pause let it run.
        for _ in 0..64 {
            db.put("tick", "x").unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
        db.stats().unwrap().memory_bytes
    };
    let before = settle(&db);
    for i in 0..20_000 {
        db.hset("h", &[("field:000123", format!("value {i}"))]).unwrap();
    }
    let after = settle(&db);
    // Each write copied a path of a few KiB: kept, 20 000 of them would be ~100 MB.
    assert!(after < before + before / 2, "memory grew from {before} to {after} bytes");
    assert_eq!(db.hlen("h").unwrap(), 20_000);
}

#[test]
fn lrange_each_borrows_what_lrange_copies() {
    let db = Db::memory();
    let items: Vec<String> = (0..300).map(|i| format!("e{i}")).collect();
    db.push("l", End::Right, &items).unwrap();
    for (start, stop) in [(0, -1), (5, 9), (-10, -1), (250, 1000), (7, 3), (-1000, 2), (400, 500)] {
        let mut seen = Vec::new();
        let n = db
            .lrange_each("l", start, stop, |n, v| {
                seen.push(v.to_vec());
                assert!(n >= seen.len());
            })
            .unwrap();
        let want = db.lrange("l", start, stop).unwrap();
        assert_eq!(n, want.len(), "{start}..{stop}");
        assert_eq!(seen, want, "{start}..{stop}");
    }
    assert_eq!(db.lrange_each("missing", 0, -1, |_, _| panic!("no elements")).unwrap(), 0);
    db.put("s", "x").unwrap();
    assert!(matches!(db.lrange_each("s", 0, -1, |_, _| {}), Err(e) if e.is_type_mismatch()));
}
