//! The operations of the power-cut writer, a pure function of their number, and the model that
//! says which prefix of them a store holds.
//!
//! Op `i` writes values that name `i`, so a value can only come from the op that wrote it. Keys
//! are drawn from a bounded space, so ops overwrite and delete earlier ones' keys. Kinds, by
//! `i % 10`: puts (0, 1, 6, 9), a put with a TTL (3), a batch of three puts and a delete of an
//! earlier op's key (4), a delete (5), a put of a 2 KiB value (7, to fill segments quickly), and a
//! batch of a put and a put with a TTL (8).
//!
//! [`Model::find_prefix`] replays ops one by one over the state the store had at the start of a
//! round and counts the keys whose value differs from the store's; the store holds exactly the
//! prefixes where that count is zero. A half-applied batch, a lost write or a value from an op
//! past the prefix leaves no such prefix.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use scalodb::{Db, Ttl, WriteBatch};

/// TTLs written are this long, so nothing expires during a test.
pub const TTL: Duration = Duration::from_secs(3600);

/// One change an op makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Put { key: Vec<u8>, value: Vec<u8>, ttl: bool },
    Delete { key: Vec<u8> },
}

fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x.wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 32
}

fn plain_key(i: u64) -> Vec<u8> {
    format!("k:{:05}", mix(i) % 3000).into_bytes()
}

fn value(i: u64, len: usize) -> Vec<u8> {
    let mut v = format!("v{i}-").into_bytes();
    let fill = format!("{i:x}");
    while v.len() < len {
        v.extend_from_slice(fill.as_bytes());
    }
    v.truncate(len);
    v
}

/// The changes of op `i`, applied atomically (one commit).
pub fn op(i: u64) -> Vec<Change> {
    let put = |key: Vec<u8>, len: usize, ttl: bool| Change::Put { key, value: value(i, len), ttl };
    match i % 10 {
        3 => vec![put(format!("t:{:04}", i % 2000).into_bytes(), 100, true)],
        4 => {
            let mut c: Vec<Change> =
                (0..3).map(|j| put(format!("b:{:04}/{j}", i % 1000).into_bytes(), 100, false)).collect();
            c.push(Change::Delete { key: plain_key(i - 4) });
            c
        }
        5 => vec![Change::Delete { key: plain_key(i - 5) }],
        7 => vec![put(plain_key(i), 2048, false)],
        8 => vec![put(plain_key(i), 100, false), put(format!("t:{:04}", (i + 1000) % 2000).into_bytes(), 100, true)],
        _ => vec![put(plain_key(i), 100, false)],
    }
}

/// Commits op `i` to `db`.
pub fn run_op(db: &Db, i: u64) -> scalodb::Result<()> {
    let changes = op(i);
    if let [single] = changes.as_slice() {
        return match single {
            Change::Put { key, value, ttl: false } => db.put(key, value),
            Change::Put { key, value, ttl: true } => db.put_with_ttl(key, value, TTL),
            Change::Delete { key } => db.delete(key).map(|_| ()),
        };
    }
    let mut b = WriteBatch::new();
    for c in &changes {
        match c {
            Change::Put { key, value, ttl: false } => b.put(key, value),
            Change::Put { key, value, ttl: true } => b.put_with_ttl(key, value, TTL),
            Change::Delete { key } => b.delete(key),
        };
    }
    db.write(b)
}

/// A key's value in the model, and whether it was written with a TTL.
type Entry = (Vec<u8>, bool);

/// The state after the first `applied` ops.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub applied: u64,
    state: HashMap<Vec<u8>, Entry>,
}

/// Which prefix a store holds.
#[derive(Debug)]
pub struct Found {
    /// The longest prefix the store matches (ops `0..ops`).
    pub ops: u64,
    /// Every matching prefix length within the bounds (several when an op changed nothing).
    pub matches: Vec<u64>,
}

impl Model {
    /// Reads the whole store (values and whether each key has a TTL).
    pub fn read_store(db: &Db) -> scalodb::Result<HashMap<Vec<u8>, Entry>> {
        let mut out = HashMap::new();
        for e in db.iter()? {
            let (k, v) = e?;
            let ttl = match db.ttl(&k)? {
                Ttl::Remaining(_) => true,
                Ttl::Forever => false,
                Ttl::Missing => continue, // expired between the scan and now: none should
            };
            out.insert(k, (v, ttl));
        }
        Ok(out)
    }

    /// Finds the longest prefix `0..n` with `lo <= n <= hi` and `n >= self.applied` that `store`
    /// holds exactly, and moves the model there. On failure, says how the nearest prefix differs.
    pub fn find_prefix(&mut self, store: &HashMap<Vec<u8>, Entry>, lo: u64, hi: u64) -> Result<Found, String> {
        let lo = lo.max(self.applied);
        let differs = |state: &HashMap<Vec<u8>, Entry>, k: &[u8]| state.get(k) != store.get(k);
        let mut mismatches = {
            let keys: HashSet<&Vec<u8>> = store.keys().chain(self.state.keys()).collect();
            keys.into_iter().filter(|k| differs(&self.state, k)).count()
        };
        // One list per op replayed: each key it changed and the entry it had before.
        let mut undo: Vec<Vec<(Vec<u8>, Option<Entry>)>> = Vec::new();
        let mut matches = Vec::new();
        let mut best: Option<(usize, u64)> = None;
        let mut n = self.applied;
        loop {
            if n >= lo && mismatches == 0 {
                matches.push(n);
            }
            if n >= lo && best.is_none_or(|(m, _)| mismatches < m) {
                best = Some((mismatches, n));
            }
            if n >= hi {
                break;
            }
            let mut changed = Vec::new();
            for c in op(n) {
                let key = match &c {
                    Change::Put { key, .. } | Change::Delete { key } => key.clone(),
                };
                let before = differs(&self.state, &key);
                let old = match c {
                    Change::Put { key, value, ttl } => self.state.insert(key, (value, ttl)),
                    Change::Delete { key } => self.state.remove(&key),
                };
                let after = differs(&self.state, &key);
                changed.push((key, old));
                match (before, after) {
                    (true, false) => mismatches -= 1,
                    (false, true) => mismatches += 1,
                    _ => {}
                }
            }
            undo.push(changed);
            n += 1;
        }
        let target = matches.last().copied();
        // Back to the chosen prefix (or to the start, on failure).
        let back_to = target.unwrap_or(self.applied);
        while n > back_to {
            let changed = undo.pop().expect("one list per op replayed");
            for (key, old) in changed.into_iter().rev() {
                match old {
                    Some(e) => self.state.insert(key, e),
                    None => self.state.remove(&key),
                };
            }
            n -= 1;
        }
        match target {
            Some(ops) => {
                self.applied = ops;
                Ok(Found { ops, matches })
            }
            None => {
                let (m, near) = best.unwrap_or((usize::MAX, lo));
                let mut probe = self.clone();
                while probe.applied < near {
                    probe.apply(probe.applied);
                }
                let mut diffs: Vec<String> = store
                    .keys()
                    .chain(probe.state.keys())
                    .filter(|k| probe.state.get(*k) != store.get(*k))
                    .take(6)
                    .map(|k| {
                        let show = |e: Option<&Entry>| {
                            e.map_or("absent".to_string(), |(v, t)| {
                                format!(
                                    "{}{}",
                                    String::from_utf8_lossy(&v[..v.len().min(16)]),
                                    if *t { " (ttl)" } else { "" }
                                )
                            })
                        };
                        format!(
                            "{}: store {} / model {}",
                            String::from_utf8_lossy(k),
                            show(store.get(k)),
                            show(probe.state.get(k))
                        )
                    })
                    .collect();
                diffs.dedup();
                Err(format!(
                    "the store holds no prefix of ops {lo}..={hi} (the model starts at {}); nearest is {near} ops with \
                     {m} keys differing, e.g. {}",
                    self.applied,
                    diffs.join("; ")
                ))
            }
        }
    }

    /// Applies op `i` (which must be the next one).
    pub fn apply(&mut self, i: u64) {
        assert_eq!(i, self.applied);
        for c in op(i) {
            match c {
                Change::Put { key, value, ttl } => self.state.insert(key, (value, ttl)),
                Change::Delete { key } => self.state.remove(&key),
            };
        }
        self.applied += 1;
    }

    pub fn len(&self) -> usize {
        self.state.len()
    }

    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }
}
