//! A default build carries no fault injection: `SCALODB_FAILPOINTS` names points that would abort
//! the process or fail every fsync, and the store works as if it were not set. (With the
//! `failpoints` feature this file compiles to nothing: the fault tests cover that build.)
#![cfg(not(feature = "failpoints"))]

use scalodb::{Db, Options, SyncMode};

#[test]
fn a_default_build_ignores_the_failpoints_variable() {
    std::env::set_var("SCALODB_FAILPOINTS", "wal.sync=abort,dir.sync=abort,wal.create=eio,checkpoint.create=abort");
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Always, wal_segment_size: 64 * 1024, ..Options::default() };
    let db = Db::open_with(dir.path(), opts.clone()).unwrap();
    for i in 0..2000u32 {
        db.put(format!("k{i:05}"), [7u8; 100]).unwrap();
    }
    db.sync().unwrap();
    db.checkpoint().unwrap();
    db.close().unwrap();
    let db = Db::open_with(dir.path(), opts).unwrap();
    assert_eq!(db.stats().unwrap().keys, 2000);
    assert!(db.stats().unwrap().wal_segments >= 1);
}
