//! Helpers shared by the engine's test files (each `mod support;` brings them in): what the
//! operating system sees of this process and of a store's directory, and a model check.
#![allow(dead_code)] // each test file uses its own subset

use std::collections::BTreeMap;
use std::path::Path;

use scalodb::Db;

/// This process's resident set size, in bytes (`VmRSS`).
pub fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// The names of the checkpoint temporary files (`checkpoint-*.ckpt.tmp`) left in `dir`. (Log
/// segments are built under a `.tmp` name too, by the log thread while the store is open.)
pub fn tmp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("checkpoint-") && n.ends_with(".tmp"))
        .collect()
}

/// Asserts that a scan of `db` and a get of every key both show exactly `model`.
pub fn assert_matches(db: &Db, model: &BTreeMap<Vec<u8>, Vec<u8>>, what: &str) {
    let got: BTreeMap<Vec<u8>, Vec<u8>> = db.iter().unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(got.len(), model.len(), "{what}: scan shows a different number of keys");
    assert!(got == *model, "{what}: scan differs from the model");
    for (k, v) in model {
        assert_eq!(db.get(k).unwrap().as_ref(), Some(v), "{what}: get {}", String::from_utf8_lossy(k));
    }
}
