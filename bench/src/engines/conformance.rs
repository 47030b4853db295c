//! Tests that every engine adapter behaves the same way through `Store`:
//! puts, gets, overwrites, ordered prefix scans, batching, durable mode, and
//! a checkpoint followed by a reopen that finds every write.

use super::{Engine, Mode, OpenSpec};
use crate::data::{key, prefix, value};
use crate::runner;
use crate::workload::Workload;

fn check(engine: Engine, durable: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mode = if durable { Mode::Durable } else { Mode::Normal };
    let spec = OpenSpec { dir: dir.path(), mode, keys: 1000 };
    let store = engine.open(spec).unwrap();
    let keys = if durable { 50 } else { 1000 };
    let order = crate::data::permutation(keys, 5);
    runner::fill(store.as_ref(), &order, 2).unwrap();
    store.put(&key(7), &value(7, 3)).unwrap();
    store.finish_writes().unwrap();

    let mut seen = Vec::new();
    assert!(store.get(&key(7), &mut |v| seen = v.to_vec()).unwrap());
    assert_eq!(seen, value(7, 3), "{engine}: overwrite not visible");
    assert!(store.get(&key(8), &mut |v| seen = v.to_vec()).unwrap());
    assert_eq!(seen, value(8, 0), "{engine}: wrong value");
    assert!(!store.get(&key(keys), &mut |_| {}).unwrap());

    if !durable && engine.supports(Workload::Scan) {
        let mut got = Vec::new();
        store.scan_prefix(&prefix(3), &mut |k, v| got.push((k.to_vec(), v.to_vec()))).unwrap();
        let want: Vec<_> = (300..400).map(|i| (key(i).to_vec(), value(i, 0).to_vec())).collect();
        assert_eq!(got, want, "{engine}: scan");
        runner::scan(store.as_ref(), keys, 20).unwrap();
        runner::read(store.as_ref(), keys, 500, 2).unwrap();
        runner::mixed(store.as_ref(), keys, 500, 2).unwrap();
    }
    assert_eq!(store.checkpoint().unwrap(), engine.persistent(), "{engine}: checkpoint");
    store.put(&key(9), &value(9, 5)).unwrap();
    store.finish_writes().unwrap();
    store.close().unwrap();

    if engine.persistent() {
        let store = engine.open(OpenSpec { dir: dir.path(), mode: Mode::Scale, keys: 1000 }).unwrap();
        assert!(store.get(&key(9), &mut |v| seen = v.to_vec()).unwrap(), "{engine}: lost a put on reopen");
        assert_eq!(seen, value(9, 5), "{engine}: wrong value after reopen");
        assert!(store.get(&key(keys - 1), &mut |_| {}).unwrap(), "{engine}: lost the fill on reopen");
        store.close().unwrap();
    }
}

#[test]
fn every_engine_behaves_alike() {
    for &engine in Engine::ALL {
        check(engine, false);
        if engine.supports(Workload::Durable) {
            check(engine, true);
        }
    }
}
