//! Sets: `Db` methods for a key holding distinct members (Redis's S* commands), including the
//! algebra (SINTER, SUNION, SDIFF and their store forms) over several keys read at one sequence.

use std::collections::BTreeSet;

use super::coll::{Coll, Kind};
use super::edit::Edit;
use super::ptree::PTree;
use super::random::ScanPage;
use crate::db::Db;
use crate::error::Result;

fn tree(c: &Coll) -> &PTree {
    match c {
        Coll::Set(t) => t,
        _ => unreachable!("read_coll checked the kind"),
    }
}

/// Which algebra operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    Inter,
    Union,
    Diff,
}

impl Db {
    /// Adds `members`. Returns how many were new (SADD).
    pub fn sadd<M: AsRef<[u8]>>(&self, key: impl AsRef<[u8]>, members: &[M]) -> Result<usize> {
        for m in members {
            self.check_element(m.as_ref())?;
        }
        self.edit_coll(key.as_ref(), Kind::Set, |e, _| {
            let mut added = 0;
            for m in members {
                let member = m.as_ref();
                let Coll::Set(t) = &e.coll else { unreachable!() };
                if t.get(member).is_none() {
                    e.push(Edit::SAdd { member });
                    added += 1;
                }
            }
            Ok(added)
        })
    }

    /// Removes `members`. Returns how many were there (SREM).
    pub fn srem<M: AsRef<[u8]>>(&self, key: impl AsRef<[u8]>, members: &[M]) -> Result<usize> {
        self.edit_coll(key.as_ref(), Kind::Set, |e, _| {
            let mut removed = 0;
            for m in members {
                let member = m.as_ref();
                let Coll::Set(t) = &e.coll else { unreachable!() };
                if t.get(member).is_some() {
                    e.push(Edit::SRem { member });
                    removed += 1;
                }
            }
            Ok(removed)
        })
    }

    /// Whether `member` is in the set (SISMEMBER).
    pub fn sismember(&self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<bool> {
        self.read_coll(key.as_ref(), Kind::Set, |c| c.is_some_and(|c| tree(c).get(member.as_ref()).is_some()))
    }

    /// Whether each of `members` is in the set (SMISMEMBER).
    pub fn smismember<M: AsRef<[u8]>>(&self, key: impl AsRef<[u8]>, members: &[M]) -> Result<Vec<bool>> {
        self.read_coll(key.as_ref(), Kind::Set, |c| {
            members.iter().map(|m| c.is_some_and(|c| tree(c).get(m.as_ref()).is_some())).collect()
        })
    }

    /// The number of members (SCARD).
    pub fn scard(&self, key: impl AsRef<[u8]>) -> Result<usize> {
        self.read_coll(key.as_ref(), Kind::Set, |c| c.map_or(0, Coll::len))
    }

    /// Every member, in byte order (SMEMBERS).
    pub fn smembers(&self, key: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
        self.read_coll(key.as_ref(), Kind::Set, |c| {
            c.map_or_else(Vec::new, |c| tree(c).iter().map(|(m, _)| m.to_vec()).collect())
        })
    }

    /// Removes and returns up to `count` random members (SPOP). The log records which ones.
    pub fn spop(&self, key: impl AsRef<[u8]>, count: usize) -> Result<Vec<Vec<u8>>> {
        self.edit_coll(key.as_ref(), Kind::Set, |e, _| {
            let Coll::Set(t) = &e.coll else { unreachable!() };
            let picked: Vec<Vec<u8>> = super::random::pick_ranks(t.len(), count.min(i64::MAX as usize) as i64)
                .into_iter()
                .filter_map(|r| t.at(r).map(|(m, _)| m.to_vec()))
                .collect();
            for m in &picked {
                e.push(Edit::SRem { member: m });
            }
            Ok(picked)
        })
    }

    /// Random members without removing them (SRANDMEMBER): distinct for a positive `count`,
    /// possibly repeated for a negative one.
    pub fn srandmember(&self, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<Vec<u8>>> {
        self.read_coll(key.as_ref(), Kind::Set, |c| {
            let Some(c) = c else { return Vec::new() };
            let t = tree(c);
            super::random::pick_ranks(t.len(), count)
                .into_iter()
                .filter_map(|r| t.at(r).map(|(m, _)| m.to_vec()))
                .collect()
        })
    }

    /// Moves `member` from `src` to `dst` in one commit (SMOVE). Returns false if `src` does not
    /// hold it. Both keys must be sets (or absent).
    pub fn smove(&self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<bool> {
        let (src, dst, member) = (src.as_ref(), dst.as_ref(), member.as_ref());
        if src == dst {
            // The same key: nothing moves, and its type is checked once.
            return self.sismember(src, member);
        }
        self.edit_colls(&[src, dst], Kind::Set, |e, _| {
            let Coll::Set(t) = &e[0].coll else { unreachable!() };
            if t.get(member).is_none() {
                return Ok(false);
            }
            e[0].push(Edit::SRem { member });
            let Coll::Set(d) = &e[1].coll else { unreachable!() };
            if d.get(member).is_none() {
                e[1].push(Edit::SAdd { member });
            }
            Ok(true)
        })
    }

    /// The members of `op` over `keys` (SINTER, SUNION, SDIFF), in byte order. Absent keys are
    /// empty sets; every key must be a set. All keys are read at one sequence.
    pub fn set_algebra<K: AsRef<[u8]>>(&self, op: SetOp, keys: &[K]) -> Result<Vec<Vec<u8>>> {
        let snap = self.snapshot()?;
        let mut sets: Vec<Option<Coll>> = Vec::with_capacity(keys.len());
        for k in keys {
            sets.push(snap.read_coll(k.as_ref(), Kind::Set, |c| c.cloned())?);
        }
        Ok(combine(op, &sets, usize::MAX))
    }

    /// Like `set_algebra`, storing the result at `dst` (replacing what it held, of any type;
    /// deleting it if the result is empty). Returns the result's size (S*STORE). Reads and the
    /// write are one commit.
    pub fn set_algebra_store<K: AsRef<[u8]>>(&self, op: SetOp, dst: impl AsRef<[u8]>, keys: &[K]) -> Result<usize> {
        let keys: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
        self.combine_store(dst.as_ref(), &keys, Kind::Set, |sets| {
            let members = combine(op, sets, usize::MAX);
            let n = members.len();
            let mut t = PTree::new();
            for m in &members {
                t.insert(m, &[]);
            }
            Ok((Coll::Set(t), n))
        })
    }

    /// The size of the intersection of `keys`, counting at most `limit` (0: no limit)
    /// (SINTERCARD).
    pub fn sintercard<K: AsRef<[u8]>>(&self, keys: &[K], limit: usize) -> Result<usize> {
        let snap = self.snapshot()?;
        let mut sets: Vec<Option<Coll>> = Vec::with_capacity(keys.len());
        for k in keys {
            sets.push(snap.read_coll(k.as_ref(), Kind::Set, |c| c.cloned())?);
        }
        Ok(combine(SetOp::Inter, &sets, if limit == 0 { usize::MAX } else { limit }).len())
    }

    /// Up to `count` members after `after`, and the cursor to pass next (SSCAN).
    pub fn sscan(&self, key: impl AsRef<[u8]>, after: Option<&[u8]>, count: usize) -> Result<ScanPage<Vec<u8>>> {
        self.read_coll(key.as_ref(), Kind::Set, |c| match c {
            None => (Vec::new(), None),
            Some(c) => {
                let (items, next) = super::random::scan_tree(tree(c), after, count);
                (items.into_iter().map(|(m, _)| m).collect(), next)
            }
        })
    }
}

/// Combines sets (None: an absent key) in byte order, stopping at `limit` members.
fn combine(op: SetOp, sets: &[Option<Coll>], limit: usize) -> Vec<Vec<u8>> {
    let trees: Vec<Option<&PTree>> = sets.iter().map(|s| s.as_ref().map(tree)).collect();
    let mut out = Vec::new();
    match op {
        SetOp::Inter => {
            if trees.iter().any(Option::is_none) {
                return out;
            }
            let mut ts: Vec<&PTree> = trees.into_iter().flatten().collect();
            // Walk the smallest, probe the others: O(smallest * k log n).
            ts.sort_by_key(|t| t.len());
            let Some((first, rest)) = ts.split_first() else { return out };
            for (m, _) in first.iter() {
                if out.len() >= limit {
                    break;
                }
                if rest.iter().all(|t| t.get(m).is_some()) {
                    out.push(m.to_vec());
                }
            }
        }
        SetOp::Union => {
            let mut all = BTreeSet::new();
            for t in trees.into_iter().flatten() {
                all.extend(t.iter().map(|(m, _)| m.to_vec()));
            }
            out = all.into_iter().take(limit).collect();
        }
        SetOp::Diff => {
            let Some(Some(first)) = trees.first() else { return out };
            for (m, _) in first.iter() {
                if out.len() >= limit {
                    break;
                }
                if !trees[1..].iter().flatten().any(|t| t.get(m).is_some()) {
                    out.push(m.to_vec());
                }
            }
        }
    }
    out
}
