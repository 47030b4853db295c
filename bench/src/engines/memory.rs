//! The in-memory baselines: a `BTreeMap` and a `HashMap` behind a
//! `parking_lot::RwLock`. They persist nothing.

use super::Store;
use crate::BoxResult;
use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

/// How the BTreeMap baseline is configured.
pub const SETTINGS_BTREE: &str = "RwLock<BTreeMap<Vec<u8>, Vec<u8>>> (parking_lot), persists nothing";
/// How the HashMap baseline is configured.
pub const SETTINGS_HASH: &str =
    "RwLock<HashMap<Vec<u8>, Vec<u8>>> (parking_lot, std SipHash), persists nothing; no scan";

/// What a checkpoint is for the baselines.
pub const CHECKPOINT: &str = "none: the baselines keep nothing on disk";

/// Ordered in-memory baseline.
#[derive(Default)]
pub struct BTreeStore {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
}

impl Store for BTreeStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        self.map.write().insert(key.to_vec(), value.to_vec());
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        match self.map.read().get(key) {
            Some(value) => {
                visit(value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        let map = self.map.read();
        for (key, value) in map.range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded)) {
            if !key.starts_with(prefix) {
                break;
            }
            visit(key, value);
        }
        Ok(())
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        Ok(())
    }
}

/// Unordered in-memory baseline.
#[derive(Default)]
pub struct HashStore {
    map: RwLock<HashMap<Vec<u8>, Vec<u8>>>,
}

impl Store for HashStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        self.map.write().insert(key.to_vec(), value.to_vec());
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        match self.map.read().get(key) {
            Some(value) => {
                visit(value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, _prefix: &[u8], _visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        Err("a hash map has no key order to scan".into())
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        Ok(())
    }
}
