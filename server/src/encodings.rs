//! Redis's encoding thresholds (`hash-max-listpack-entries` and the rest, with their older
//! `ziplist` names), which clients and tools set with CONFIG SET, and the encoding names OBJECT
//! ENCODING answers with.
//!
//! ScaloDB's layout is not Redis's: a collection is one packed leaf (up to 64 entries and 2 KiB:
//! compact, like a listpack or an intset) or a counted B+ tree (like a hashtable, skiplist or
//! quicklist), and the leaf's capacity is fixed. So the thresholds do not change the layout; they
//! decide, as in Redis, which name a collection gets: the compact name only while it is one leaf
//! *and* within the thresholds. Setting them lower than the leaf makes OBJECT ENCODING report the
//! large encoding sooner, as Redis would; setting them higher cannot make a tree compact.

use std::sync::atomic::{AtomicI64, Ordering};

use scalodb::{Kind, Layout};

/// One threshold parameter.
pub struct Param {
    pub name: &'static str,
    /// The name Redis accepted before 7.0, still accepted as an alias.
    pub alias: Option<&'static str>,
    pub default: i64,
    pub min: i64,
}

/// The parameters, in the order of the `Thresholds` slots.
pub const PARAMS: [Param; 8] = [
    Param { name: "hash-max-listpack-entries", alias: Some("hash-max-ziplist-entries"), default: 128, min: 0 },
    Param { name: "hash-max-listpack-value", alias: Some("hash-max-ziplist-value"), default: 64, min: 0 },
    Param { name: "set-max-intset-entries", alias: None, default: 512, min: 0 },
    Param { name: "set-max-listpack-entries", alias: None, default: 128, min: 0 },
    Param { name: "set-max-listpack-value", alias: None, default: 64, min: 0 },
    Param { name: "zset-max-listpack-entries", alias: Some("zset-max-ziplist-entries"), default: 128, min: 0 },
    Param { name: "zset-max-listpack-value", alias: Some("zset-max-ziplist-value"), default: 64, min: 0 },
    // Positive: elements per node; -1 to -5: 4 KiB to 64 KiB per node.
    Param { name: "list-max-listpack-size", alias: Some("list-max-ziplist-size"), default: -2, min: i32::MIN as i64 },
];

const HASH_ENTRIES: usize = 0;
const HASH_VALUE: usize = 1;
const SET_INTSET: usize = 2;
const SET_ENTRIES: usize = 3;
const SET_VALUE: usize = 4;
const ZSET_ENTRIES: usize = 5;
const ZSET_VALUE: usize = 6;
const LIST_SIZE: usize = 7;

/// The current values, changed at run time by CONFIG SET.
pub struct Thresholds {
    values: [AtomicI64; PARAMS.len()],
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { values: PARAMS.map(|p| AtomicI64::new(p.default)) }
    }
}

impl Thresholds {
    /// The slot of the parameter named `name` (lowercase; either name).
    pub fn find(name: &str) -> Option<usize> {
        PARAMS.iter().position(|p| p.name == name || p.alias == Some(name))
    }

    pub fn get(&self, slot: usize) -> i64 {
        self.values[slot].load(Ordering::Relaxed)
    }

    pub fn set(&self, slot: usize, v: i64) {
        self.values[slot].store(v, Ordering::Relaxed);
    }

    fn within(&self, entries: usize, value: usize, l: &Layout) -> bool {
        let fits = |slot: usize, n: usize| self.get(slot) >= 0 && n as u64 <= self.get(slot) as u64;
        fits(entries, l.len) && fits(value, l.longest)
    }

    /// Redis's name for the encoding equivalent to `l` (see the file comment).
    pub fn name(&self, l: &Layout) -> &'static str {
        match l.kind {
            Kind::String if l.integers && l.len <= 20 => "int",
            Kind::String if l.len <= 44 => "embstr",
            Kind::String => "raw",
            Kind::Hash if l.compact && self.within(HASH_ENTRIES, HASH_VALUE, l) => "listpack",
            Kind::Hash => "hashtable",
            Kind::Set if l.compact && l.integers && l.len as u64 <= self.get(SET_INTSET).max(0) as u64 => "intset",
            Kind::Set if l.compact && self.within(SET_ENTRIES, SET_VALUE, l) => "listpack",
            Kind::Set => "hashtable",
            Kind::ZSet if l.compact && self.within(ZSET_ENTRIES, ZSET_VALUE, l) => "listpack",
            Kind::ZSet => "skiplist",
            Kind::List if l.compact && self.list_fits(l) => "listpack",
            Kind::List => "quicklist",
        }
    }

    /// Whether a list fits one node of Redis's quicklist under `list-max-listpack-size`.
    fn list_fits(&self, l: &Layout) -> bool {
        match self.get(LIST_SIZE) {
            0 => false,
            n if n > 0 => l.len as u64 <= n as u64,
            // -1 is 4 KiB, each step down doubles it, up to 64 KiB from -5 on.
            n => l.bytes <= 4096 << ((-n - 1).min(4) as u32),
        }
    }
}
