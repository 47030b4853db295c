//! Copy and rename of keys of every type: the value and its expiry move in one commit, a copied
//! collection is independent of its source, both survive reopen (log replay and checkpoint), and
//! inside a transaction they follow its own writes and conflict like any read.

use std::time::Duration;

use scalodb::{Db, End, Error, Kind, Moved, Options, Ttl, ZAddFlags};

fn open(dir: &std::path::Path) -> Db {
    Db::open_with(dir, Options::default()).unwrap()
}

fn remaining(db: &Db, key: &str) -> Option<Duration> {
    match db.ttl(key).unwrap() {
        Ttl::Remaining(d) => Some(d),
        _ => None,
    }
}

#[test]
fn copy_and_rename_move_every_type_with_its_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path());
    db.put("s", "text").unwrap();
    db.hset("h", &[("a", "1"), ("b", "2")]).unwrap();
    db.expire("h", Duration::from_secs(500)).unwrap();
    db.push("l", End::Right, &["x", "y", "z"]).unwrap();
    db.sadd("set", &["m", "n"]).unwrap();
    db.zadd("z", &[(1.5, "p"), (-2.0, "q")], ZAddFlags::default()).unwrap();

    assert_eq!(db.copy("h", "h2", false).unwrap(), Moved::Done);
    assert!(remaining(&db, "h2").is_some_and(|d| d > Duration::from_secs(400)), "the expiry is copied");
    assert_eq!(db.copy("s", "s2", false).unwrap(), Moved::Done);
    assert_eq!(db.copy("missing", "x", true).unwrap(), Moved::NoSource);
    assert_eq!(db.copy("l", "s", false).unwrap(), Moved::Taken, "no REPLACE: the destination stays");
    assert_eq!(db.get("s").unwrap(), Some(b"text".to_vec()));
    assert_eq!(db.copy("l", "s", true).unwrap(), Moved::Done, "REPLACE overwrites a key of another type");
    assert_eq!(db.kind_of("s").unwrap(), Some(Kind::List));
    assert!(matches!(db.copy("h", "h", true), Err(Error::InvalidArgument(_))));

    // The copy is independent of its source.
    db.hset("h2", &[("a", "changed"), ("c", "3")]).unwrap();
    assert_eq!(db.hget("h", "a").unwrap(), Some(b"1".to_vec()));
    assert_eq!(db.hlen("h").unwrap(), 2);
    assert_eq!(db.hlen("h2").unwrap(), 3);

    assert_eq!(db.rename("set", "set2", true).unwrap(), Moved::Done);
    assert_eq!(db.kind_of("set").unwrap(), None);
    assert_eq!(db.smembers("set2").unwrap(), vec![b"m".to_vec(), b"n".to_vec()]);
    assert_eq!(db.rename("z", "set2", false).unwrap(), Moved::Taken);
    assert_eq!(db.zcard("z").unwrap(), 2);
    assert_eq!(db.rename("z", "z", true).unwrap(), Moved::Done);
    assert_eq!(db.rename("gone", "z", true).unwrap(), Moved::NoSource);
    assert_eq!(db.rename("h", "moved", true).unwrap(), Moved::Done);
    assert!(remaining(&db, "moved").is_some(), "rename keeps the expiry");
    let stats = db.stats().unwrap();

    let check = |db: &Db| {
        assert_eq!(db.kind_of("h").unwrap(), None);
        assert_eq!(db.hgetall("moved").unwrap(), vec![(b"a".to_vec(), b"1".to_vec()), (b"b".to_vec(), b"2".to_vec())]);
        assert!(remaining(db, "moved").is_some());
        assert!(remaining(db, "h2").is_some());
        assert_eq!(db.hget("h2", "a").unwrap(), Some(b"changed".to_vec()));
        assert_eq!(db.lrange("s", 0, -1).unwrap(), vec![b"x".to_vec(), b"y".to_vec(), b"z".to_vec()]);
        assert_eq!(db.get("s2").unwrap(), Some(b"text".to_vec()));
        assert_eq!(db.smembers("set2").unwrap().len(), 2);
        assert_eq!(db.zscore("z", "q").unwrap(), Some(-2.0));
    };
    check(&db);
    drop(db);
    let db = open(dir.path());
    check(&db);
    assert_eq!(db.stats().unwrap().keys, stats.keys, "replay counts the same keys");
    db.checkpoint().unwrap();
    drop(db);
    let db = open(dir.path());
    check(&db);
}

#[test]
fn copy_and_rename_in_a_transaction_follow_its_writes_and_conflict() {
    let db = Db::memory();
    db.sadd("tags", &["a"]).unwrap();
    let mut tx = db.begin().unwrap();
    tx.sadd("tags", &["b"]).unwrap();
    assert_eq!(tx.copy("tags", "copy", false).unwrap(), Moved::Done);
    assert_eq!(tx.scard("copy").unwrap(), 2, "the copy sees the transaction's own add");
    assert_eq!(tx.rename("copy", "renamed", false).unwrap(), Moved::Done);
    assert_eq!(tx.kind_of("copy").unwrap(), None);
    tx.put("str", "v");
    assert_eq!(tx.copy("tags", "str", false).unwrap(), Moved::Taken);
    assert_eq!(tx.copy("nothing", "x", false).unwrap(), Moved::NoSource);
    assert_eq!(db.kind_of("renamed").unwrap(), None, "nothing is visible before commit");
    tx.commit().unwrap();
    assert_eq!(db.smembers("renamed").unwrap(), vec![b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(db.kind_of("copy").unwrap(), None);
    assert_eq!(db.get("str").unwrap(), Some(b"v".to_vec()));

    // A rename's source changed by another commit: the transaction fails and writes nothing.
    let mut tx = db.begin().unwrap();
    assert_eq!(tx.rename("renamed", "again", true).unwrap(), Moved::Done);
    db.sadd("renamed", &["c"]).unwrap();
    assert!(matches!(tx.commit(), Err(Error::Conflict)));
    assert_eq!(db.scard("renamed").unwrap(), 3);
    assert_eq!(db.kind_of("again").unwrap(), None);

    // The expiry a transaction gave its source goes with the copy.
    let mut tx = db.begin().unwrap();
    let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64 + 600_000;
    assert!(tx.expire_at("renamed", at).unwrap());
    assert_eq!(tx.copy("renamed", "c2", true).unwrap(), Moved::Done);
    tx.commit().unwrap();
    assert!(remaining(&db, "c2").is_some_and(|d| d > Duration::from_secs(500)));
}
