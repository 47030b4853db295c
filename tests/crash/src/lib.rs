//! Shared definitions of the crash tests: what the child writes, so the parent can check it.
//! `soak` holds what the soak tests share.

pub mod soak;

/// The value written for op number `i`: about 100 bytes that name their op.
pub fn value_of(i: u64) -> Vec<u8> {
    let mut v = format!("value-{i}-").into_bytes();
    while v.len() < 100 {
        v.extend_from_slice(format!("{i:x}").as_bytes());
    }
    v.truncate(100);
    v
}

/// Op `i` is a batch of `BATCH_KEYS` keys when `i % 5 == 4`, else a single put.
pub fn is_batch(i: u64) -> bool {
    i % 5 == 4
}

pub const BATCH_KEYS: u64 = 4;

/// Op `i` with `i % 5 == 2` is a typed write instead of a put: by `(i / 5) % 4`, a field of the
/// hash `typed:hash` (0), a member of the set `typed:set` (1), a member of the sorted set
/// `typed:zset` scored `i` (2), or an element pushed at the right of the list `typed:list` (3),
/// each named `single_key(i)` (the hash field holds `value_of(i)`).
pub fn typed_kind(i: u64) -> Option<u64> {
    (i % 5 == 2).then_some((i / 5) % 4)
}

/// Performs typed op `i` (see `typed_kind`).
pub fn typed_write(db: &scalodb::Db, i: u64) -> scalodb::Result<()> {
    let name = single_key(i);
    match typed_kind(i) {
        Some(0) => db.hset("typed:hash", &[(name.as_bytes(), value_of(i))]).map(|_| ()),
        Some(1) => db.sadd("typed:set", &[name]).map(|_| ()),
        Some(2) => db.zadd("typed:zset", &[(i as f64, name)], scalodb::ZAddFlags::default()).map(|_| ()),
        _ => db.push("typed:list", scalodb::End::Right, &[name]).map(|_| ()),
    }
}

/// Everything the collections of `db` hold, as text, for comparing two stores.
pub fn typed_contents(db: &scalodb::Db) -> String {
    let mut out = String::new();
    for kv in db.iter().unwrap() {
        let (k, _) = kv.unwrap();
        let line = match db.kind_of(&k).unwrap() {
            Some(scalodb::Kind::Hash) => format!("{:?}", db.hgetall(&k).unwrap()),
            Some(scalodb::Kind::Set) => format!("{:?}", db.smembers(&k).unwrap()),
            Some(scalodb::Kind::ZSet) => format!("{:?}", db.zrange(&k, 0, -1, false).unwrap()),
            Some(scalodb::Kind::List) => format!("{:?}", db.lrange(&k, 0, -1).unwrap()),
            _ => continue,
        };
        out.push_str(&format!("{}: {line}\n", String::from_utf8_lossy(&k)));
    }
    out
}

pub fn single_key(i: u64) -> String {
    format!("single:{i:08}")
}

pub fn batch_key(i: u64, j: u64) -> String {
    format!("batch:{i:08}/{j}")
}

/// The deterministic contents the checkpoint-crash child builds before it checkpoints.
pub fn checkpoint_workload(db: &scalodb::Db) -> scalodb::Result<()> {
    for i in 0..600u64 {
        db.put(format!("ck:{:04}", i % 400), value_of(i))?;
        if i % 7 == 0 {
            db.delete(format!("ck:{:04}", (i * 3) % 400))?;
        }
        // Collections too, big enough to span several checkpoint chunks, some emptied again.
        let member = format!("member:{:05}:{}", i, "x".repeat(200));
        db.hset(format!("ckh:{}", i % 3), &[(member.as_bytes(), value_of(i))])?;
        db.zadd("ckz", &[(i as f64, member.as_str())], scalodb::ZAddFlags::default())?;
        db.push("ckl", scalodb::End::Left, &[&member])?;
        if i % 11 == 0 {
            db.pop("ckl", scalodb::End::Right, 2)?;
            db.sadd("cks", &[member.as_str()])?;
        }
    }
    Ok(())
}
