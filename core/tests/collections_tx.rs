//! Typed operations inside transactions and batches: own writes visible, atomic commit with
//! strings, rollback, conflicts on collections read or written, a batch refused whole on a type
//! error, and a model test of transactions mixing types.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use scalodb::{Db, End, Error, Kind, Options, SetOp, ZAddFlags};

#[test]
fn a_transaction_mixes_types_and_sees_its_own_writes() {
    let db = Db::memory();
    db.sadd("tags", &["old"]).unwrap();
    let mut tx = db.begin().unwrap();
    tx.put("name", "ada");
    assert_eq!(tx.hset("user", &[("name", "ada"), ("lang", "rust")]).unwrap(), 2);
    assert_eq!(tx.sadd("tags", &["new", "old"]).unwrap(), 1);
    assert_eq!(tx.push("queue", End::Right, &["a", "b"]).unwrap(), 2);
    assert_eq!(tx.zadd("board", &[(3.0, "ada"), (1.0, "bob")], ZAddFlags::default()).unwrap(), 2);
    assert_eq!(tx.hget("user", "lang").unwrap(), Some(b"rust".to_vec()));
    assert_eq!(tx.scard("tags").unwrap(), 2);
    assert_eq!(tx.zrange("board", 0, -1, false).unwrap()[0].0, b"bob".to_vec());
    assert_eq!(tx.set_algebra(SetOp::Union, &["tags"]).unwrap().len(), 2);
    // Nothing is visible outside before the commit.
    assert_eq!(db.hlen("user").unwrap(), 0);
    assert_eq!(db.scard("tags").unwrap(), 1);
    tx.commit().unwrap();
    assert_eq!(db.get("name").unwrap(), Some(b"ada".to_vec()));
    assert_eq!(db.hlen("user").unwrap(), 2);
    assert_eq!(db.smembers("tags").unwrap(), vec![b"new".to_vec(), b"old".to_vec()]);
    assert_eq!(db.lrange("queue", 0, -1).unwrap(), vec![b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(db.zscore("board", "ada").unwrap(), Some(3.0));

    let mut tx = db.begin().unwrap();
    tx.hset("user", &[("name", "grace")]).unwrap();
    tx.rollback();
    assert_eq!(db.hget("user", "name").unwrap(), Some(b"ada".to_vec()));
}

#[test]
fn types_inside_a_transaction_follow_its_own_writes() {
    let db = Db::memory();
    db.hset("h", &[("f", "1")]).unwrap();
    let mut tx = db.begin().unwrap();
    tx.put("s", "string");
    assert!(matches!(tx.sadd("s", &["x"]), Err(e) if e.is_type_mismatch()));
    assert!(matches!(tx.get("h"), Err(e) if e.is_type_mismatch()));
    tx.delete("h");
    assert_eq!(tx.hlen("h").unwrap(), 0);
    assert_eq!(tx.push("h", End::Left, &["now a list"]).unwrap(), 1, "deleted in the transaction: free for any type");
    assert_eq!(tx.srem("nothing", &["x"]).unwrap(), 0);
    tx.commit().unwrap();
    assert_eq!(db.kind_of("h").unwrap(), Some(Kind::List));
    assert_eq!(db.kind_of("s").unwrap(), Some(Kind::String));
    assert_eq!(db.kind_of("nothing").unwrap(), None);
}

#[test]
fn a_collection_read_or_written_concurrently_is_a_conflict() {
    let db = Db::memory();
    db.hset("h", &[("n", "1")]).unwrap();
    let mut tx = db.begin().unwrap();
    assert_eq!(tx.hget("h", "n").unwrap(), Some(b"1".to_vec()));
    tx.put("copy", "1");
    db.hset("h", &[("n", "2")]).unwrap();
    assert!(matches!(tx.commit(), Err(Error::Conflict)));
    assert_eq!(db.get("copy").unwrap(), None);

    let mut tx = db.begin().unwrap();
    tx.hincrby("h", "n", 10).unwrap();
    db.sadd("other", &["x"]).unwrap(); // unrelated: no conflict
    tx.commit().unwrap();
    assert_eq!(db.hget("h", "n").unwrap(), Some(b"12".to_vec()));

    let mut tx = db.begin().unwrap();
    tx.push("q", End::Left, &["job"]).unwrap();
    db.push("q", End::Left, &["other job"]).unwrap();
    assert!(matches!(tx.commit(), Err(Error::Conflict)));
    assert_eq!(db.llen("q").unwrap(), 1);

    // The retrying helper reruns the closure on a fresh snapshot.
    let n = db.transaction(|tx| tx.hincrby("h", "n", 1)).unwrap();
    assert_eq!(n, 13);
}

#[test]
fn a_batch_mixes_types_atomically_and_a_type_error_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), Options::default()).unwrap();
    let mut b = scalodb::WriteBatch::new();
    b.put("plain", "1")
        .hset("user", "name", "ada")
        .hset("user", "lang", "rust")
        .sadd("tags", "a")
        .sadd("tags", "b")
        .srem("tags", "a")
        .zadd("board", 2.0, "ada")
        .zadd("board", 1.0, "bob")
        .zrem("board", "bob")
        .push("q", End::Right, "1")
        .push("q", End::Left, "0")
        .hdel("user", "lang");
    db.write(b).unwrap();
    let check = |db: &Db| {
        assert_eq!(db.get("plain").unwrap(), Some(b"1".to_vec()));
        assert_eq!(db.hgetall("user").unwrap(), vec![(b"name".to_vec(), b"ada".to_vec())]);
        assert_eq!(db.smembers("tags").unwrap(), vec![b"b".to_vec()]);
        assert_eq!(db.zrange("board", 0, -1, false).unwrap(), vec![(b"ada".to_vec(), 2.0)]);
        assert_eq!(db.lrange("q", 0, -1).unwrap(), vec![b"0".to_vec(), b"1".to_vec()]);
    };
    check(&db);
    // A typed write to a string (one the store holds, or one the batch wrote) fails the batch.
    let mut b = scalodb::WriteBatch::new();
    b.put("fresh", "x").sadd("plain", "m");
    assert!(matches!(db.write(b), Err(e) if e.is_type_mismatch()));
    let mut b = scalodb::WriteBatch::new();
    b.hset("user", "name", "grace").put("k", "v").push("k", End::Left, "no");
    assert!(matches!(db.write(b), Err(e) if e.is_type_mismatch()));
    assert_eq!(db.get("fresh").unwrap(), None);
    assert_eq!(db.hget("user", "name").unwrap(), Some(b"ada".to_vec()));
    // A delete earlier in the batch frees the key for another type.
    let mut b = scalodb::WriteBatch::new();
    b.delete("plain").sadd("plain", "now a set");
    db.write(b).unwrap();
    assert_eq!(db.kind_of("plain").unwrap(), Some(Kind::Set));
    db.close().unwrap();
    drop(db);
    let db = Db::open_with(dir.path(), Options::default()).unwrap();
    assert_eq!(db.smembers("plain").unwrap(), vec![b"now a set".to_vec()]);
    assert_eq!(db.hgetall("user").unwrap(), vec![(b"name".to_vec(), b"ada".to_vec())]);
    assert_eq!(db.lrange("q", 0, -1).unwrap(), vec![b"0".to_vec(), b"1".to_vec()]);
}

#[derive(Debug, Clone)]
enum TxOp {
    HSet(u8, u8, u8),
    SAdd(u8, u8),
    SRem(u8, u8),
    ZIncr(u8, u8, i8),
    Push(u8, u8),
    Pop(u8),
    Put(u8, u8),
    Del(u8),
}

fn tx_op() -> impl Strategy<Value = TxOp> {
    prop_oneof![
        (0..4u8, 0..4u8, any::<u8>()).prop_map(|(k, f, v)| TxOp::HSet(k, f, v)),
        (0..4u8, 0..6u8).prop_map(|(k, m)| TxOp::SAdd(k, m)),
        (0..4u8, 0..6u8).prop_map(|(k, m)| TxOp::SRem(k, m)),
        (0..4u8, 0..6u8, any::<i8>()).prop_map(|(k, m, d)| TxOp::ZIncr(k, m, d)),
        (0..4u8, any::<u8>()).prop_map(|(k, v)| TxOp::Push(k, v)),
        (0..4u8).prop_map(TxOp::Pop),
        (0..4u8, any::<u8>()).prop_map(|(k, v)| TxOp::Put(k, v)),
        (0..4u8).prop_map(TxOp::Del),
    ]
}

/// The model: each key holds one value of one type, or nothing.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Str(Vec<u8>),
    Hash(BTreeMap<u8, u8>),
    Set(BTreeSet<u8>),
    ZSet(BTreeMap<u8, f64>),
    List(Vec<u8>),
}

type Model = BTreeMap<u8, Val>;

fn key(k: u8) -> [u8; 2] {
    [b'k', b'0' + k]
}

/// Runs `op` on the transaction and the model alike; a type error must match between them and
/// changes neither.
fn run(tx: &mut scalodb::Transaction, m: &mut Model, op: &TxOp) {
    let mismatch = |r: Result<(), Error>, ok: bool| match r {
        Ok(()) => assert!(ok, "{op:?} should be a type error"),
        Err(e) => assert!(!ok && e.is_type_mismatch(), "{op:?}: {e:?}"),
    };
    match *op {
        TxOp::HSet(k, f, v) => {
            let ok = matches!(m.get(&k), None | Some(Val::Hash(_)));
            mismatch(tx.hset(key(k), &[([f], [v])]).map(|_| ()), ok);
            if ok {
                let Val::Hash(h) = m.entry(k).or_insert(Val::Hash(BTreeMap::new())) else { unreachable!() };
                h.insert(f, v);
            }
        }
        TxOp::SAdd(k, x) | TxOp::SRem(k, x) => {
            let add = matches!(op, TxOp::SAdd(..));
            let ok = matches!(m.get(&k), None | Some(Val::Set(_)));
            let r = if add { tx.sadd(key(k), &[[x]]) } else { tx.srem(key(k), &[[x]]) };
            mismatch(r.map(|_| ()), ok);
            if ok {
                let Val::Set(s) = m.entry(k).or_insert(Val::Set(BTreeSet::new())) else { unreachable!() };
                if add {
                    s.insert(x);
                } else {
                    s.remove(&x);
                }
                if s.is_empty() {
                    m.remove(&k);
                }
            }
        }
        TxOp::ZIncr(k, x, d) => {
            let ok = matches!(m.get(&k), None | Some(Val::ZSet(_)));
            let r = tx.zincrby(key(k), d as f64, [x]);
            mismatch(r.map(|_| ()), ok);
            if ok {
                let Val::ZSet(z) = m.entry(k).or_insert(Val::ZSet(BTreeMap::new())) else { unreachable!() };
                *z.entry(x).or_insert(0.0) += d as f64;
            }
        }
        TxOp::Push(k, v) => {
            let ok = matches!(m.get(&k), None | Some(Val::List(_)));
            mismatch(tx.push(key(k), End::Right, &[[v]]).map(|_| ()), ok);
            if ok {
                let Val::List(l) = m.entry(k).or_insert(Val::List(Vec::new())) else { unreachable!() };
                l.push(v);
            }
        }
        TxOp::Pop(k) => {
            let ok = matches!(m.get(&k), None | Some(Val::List(_)));
            let r = tx.pop(key(k), End::Left, 1);
            match (&r, m.get_mut(&k)) {
                (Ok(got), Some(Val::List(l))) => {
                    assert_eq!(got, &vec![vec![l.remove(0)]]);
                    if l.is_empty() {
                        m.remove(&k);
                    }
                }
                (Ok(got), None) => assert!(got.is_empty()),
                _ => mismatch(r.map(|_| ()), ok),
            }
        }
        TxOp::Put(k, v) => {
            tx.put(key(k), [v]);
            m.insert(k, Val::Str(vec![v]));
        }
        TxOp::Del(k) => {
            tx.delete(key(k));
            m.remove(&k);
        }
    }
}

fn read_all(db: &Db) -> Model {
    let mut m = Model::new();
    for k in 0..4u8 {
        let key = key(k);
        let v = match db.kind_of(key).unwrap() {
            None => continue,
            Some(Kind::String) => Val::Str(db.get(key).unwrap().unwrap()),
            Some(Kind::Hash) => Val::Hash(db.hgetall(key).unwrap().into_iter().map(|(f, v)| (f[0], v[0])).collect()),
            Some(Kind::Set) => Val::Set(db.smembers(key).unwrap().into_iter().map(|x| x[0]).collect()),
            Some(Kind::ZSet) => {
                Val::ZSet(db.zrange(key, 0, -1, false).unwrap().into_iter().map(|(x, s)| (x[0], s)).collect())
            }
            Some(Kind::List) => Val::List(db.lrange(key, 0, -1).unwrap().into_iter().map(|x| x[0]).collect()),
        };
        m.insert(k, v);
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn transactions_mixing_types_match_the_model(
        txs in prop::collection::vec((prop::collection::vec(tx_op(), 1..8), any::<bool>()), 1..40)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_with(dir.path(), Options::default()).unwrap();
        let mut model = Model::new();
        for (ops, commit) in &txs {
            let mut tx = db.begin().unwrap();
            let mut m = model.clone();
            for op in ops {
                run(&mut tx, &mut m, op);
            }
            if *commit {
                tx.commit().unwrap();
                model = m;
            } else {
                tx.rollback();
            }
            prop_assert_eq!(read_all(&db), model.clone());
        }
        db.close().unwrap();
        drop(db);
        let db = Db::open_with(dir.path(), Options::default()).unwrap();
        prop_assert_eq!(read_all(&db), model);
    }
}

#[test]
fn a_transaction_sees_types_and_sets_expiries_of_any_key() {
    let db = Db::memory();
    db.hset("h", &[("f", "v")]).unwrap();
    db.put("s", "v").unwrap();
    let mut tx = db.begin().unwrap();
    assert_eq!(tx.kind_of("h").unwrap(), Some(Kind::Hash));
    assert_eq!(tx.kind_of("s").unwrap(), Some(Kind::String));
    assert_eq!(tx.kind_of("none").unwrap(), None);
    let later = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64 + 60_000;
    assert!(tx.expire_at("h", later).unwrap());
    assert!(!tx.expire_at("none", later).unwrap());
    tx.hset("h", &[("g", "w")]).unwrap();
    tx.sadd("set", &["m"]).unwrap();
    assert!(tx.expire_at("set", later).unwrap(), "a collection the transaction created");
    tx.commit().unwrap();
    assert!(matches!(db.ttl("h").unwrap(), scalodb::Ttl::Remaining(_)));
    assert!(matches!(db.ttl("set").unwrap(), scalodb::Ttl::Remaining(_)));
    assert_eq!(db.hlen("h").unwrap(), 2);
    let mut tx = db.begin().unwrap();
    assert!(tx.expire_at("h", 0).unwrap());
    tx.commit().unwrap();
    assert_eq!(db.ttl("h").unwrap(), scalodb::Ttl::Forever);
    // An expiry in the past makes the key expire at commit.
    let mut tx = db.begin().unwrap();
    assert!(tx.expire_at("set", 1).unwrap());
    tx.commit().unwrap();
    assert_eq!(db.kind_of("set").unwrap(), None);
}

#[test]
fn lmove_from_an_empty_source_ignores_the_destination_type() {
    let db = Db::memory();
    db.put("dst", "string").unwrap();
    assert_eq!(db.lmove("nothing", "dst", End::Left, End::Right).unwrap(), None);
    db.push("src", End::Left, &["x"]).unwrap();
    assert!(matches!(db.lmove("src", "dst", End::Left, End::Right), Err(e) if e.is_type_mismatch()));
    assert_eq!(db.llen("src").unwrap(), 1, "a refused move changes nothing");
}

/// A call that fails after changing the working copy (a sorted-set add whose second score is
/// NaN) leaves the transaction's earlier writes to that key as they were, whether the key was
/// written before in the transaction or not.
#[test]
fn a_failed_call_leaves_the_transactions_earlier_writes_intact() {
    let db = Db::memory();
    db.zadd("stored", &[(1.0, "x")], ZAddFlags::default()).unwrap();
    let mut tx = db.begin().unwrap();
    for key in ["z", "stored"] {
        assert_eq!(tx.zadd(key, &[(1.0, "a")], ZAddFlags::default()).unwrap(), 1);
        for i in 0..100 {
            tx.zadd(key, &[(i as f64, format!("m{i}"))], ZAddFlags::default()).unwrap();
        }
        let before = tx.zrange(key, 0, -1, false).unwrap();
        assert!(tx.zadd(key, &[(2.0, "b"), (f64::NAN, "c")], ZAddFlags::default()).is_err());
        assert_eq!(tx.zrange(key, 0, -1, false).unwrap(), before, "{key}: the failed call changed nothing");
        assert_eq!(tx.zscore(key, "b").unwrap(), None);
    }
    tx.commit().unwrap();
    assert_eq!(db.zcard("z").unwrap(), 101);
    assert_eq!(db.zcard("stored").unwrap(), 102);
    assert_eq!(db.zscore("z", "b").unwrap(), None);
}
