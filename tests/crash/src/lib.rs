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
    }
    Ok(())
}
