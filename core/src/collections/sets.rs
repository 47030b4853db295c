//! Sets: `Db` methods for a key holding distinct members (Redis's S* commands), including the
//! algebra (SINTER, SUNION, SDIFF and their store forms) over several keys read at one sequence.

use std::collections::BTreeSet;

use super::coll::{Coll, Kind};
use super::edit::Edit;
use super::ptree::PTree;
use super::random::ScanPage;
use super::typed::{typed_api, Access};
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

typed_api! {
    /// Adds `members`. Returns how many were new (SADD).
    fn sadd<M: AsRef<[u8]>>(key: impl AsRef<[u8]>, members: &[M]) -> usize;

    /// Removes `members`. Returns how many were there (SREM).
    fn srem<M: AsRef<[u8]>>(key: impl AsRef<[u8]>, members: &[M]) -> usize;

    /// Whether `member` is in the set (SISMEMBER).
    fn sismember(key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> bool;

    /// Whether each of `members` is in the set (SMISMEMBER).
    fn smismember<M: AsRef<[u8]>>(key: impl AsRef<[u8]>, members: &[M]) -> Vec<bool>;

    /// The number of members (SCARD).
    fn scard(key: impl AsRef<[u8]>) -> usize;

    /// Every member, in byte order (SMEMBERS).
    fn smembers(key: impl AsRef<[u8]>) -> Vec<Vec<u8>>;

    /// Removes and returns up to `count` random members (SPOP). The log records which ones.
    fn spop(key: impl AsRef<[u8]>, count: usize) -> Vec<Vec<u8>>;

    /// Random members without removing them (SRANDMEMBER): distinct for a positive `count`,
    /// possibly repeated for a negative one.
    fn srandmember(key: impl AsRef<[u8]>, count: i64) -> Vec<Vec<u8>>;

    /// Moves `member` from `src` to `dst` in one commit (SMOVE). Returns false if `src` does not
    /// hold it. Both keys must be sets (or absent).
    fn smove(src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> bool;

    /// The members of `op` over `keys` (SINTER, SUNION, SDIFF), in byte order. Absent keys are
    /// empty sets; every key must be a set. All keys are read at one sequence.
    fn set_algebra<K: AsRef<[u8]>>(op: SetOp, keys: &[K]) -> Vec<Vec<u8>>;

    /// Like `set_algebra`, storing the result at `dst` (replacing what it held, of any type;
    /// deleting it if the result is empty). Returns the result's size (S*STORE). Reads and the
    /// write are one commit.
    fn set_algebra_store<K: AsRef<[u8]>>(op: SetOp, dst: impl AsRef<[u8]>, keys: &[K]) -> usize;

    /// The size of the intersection of `keys`, counting at most `limit` (0: no limit)
    /// (SINTERCARD).
    fn sintercard<K: AsRef<[u8]>>(keys: &[K], limit: usize) -> usize;

    /// Up to `count` members after `after`, and the cursor to pass next (SSCAN).
    fn sscan(key: impl AsRef<[u8]>, after: Option<&[u8]>, count: usize) -> ScanPage<Vec<u8>>;
}

pub(crate) fn sadd<A: Access, M: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, members: &[M]) -> Result<usize> {
    for m in members {
        a.check_element(m.as_ref())?;
    }
    a.edit_coll(key.as_ref(), Kind::Set, |e, _| {
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

pub(crate) fn srem<A: Access, M: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, members: &[M]) -> Result<usize> {
    a.edit_coll(key.as_ref(), Kind::Set, |e, _| {
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

fn sismember<A: Access>(a: &mut A, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<bool> {
    a.read_coll(key.as_ref(), Kind::Set, |c| c.is_some_and(|c| tree(c).get(member.as_ref()).is_some()))
}

fn smismember<A: Access, M: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, members: &[M]) -> Result<Vec<bool>> {
    a.read_coll(key.as_ref(), Kind::Set, |c| {
        members.iter().map(|m| c.is_some_and(|c| tree(c).get(m.as_ref()).is_some())).collect()
    })
}

fn scard<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::Set, |c| c.map_or(0, Coll::len))
}

fn smembers<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<Vec<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::Set, |c| {
        c.map_or_else(Vec::new, |c| tree(c).iter().map(|(m, _)| m.to_vec()).collect())
    })
}

fn spop<A: Access>(a: &mut A, key: impl AsRef<[u8]>, count: usize) -> Result<Vec<Vec<u8>>> {
    a.edit_coll(key.as_ref(), Kind::Set, |e, _| {
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

fn srandmember<A: Access>(a: &mut A, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::Set, |c| {
        let Some(c) = c else { return Vec::new() };
        let t = tree(c);
        super::random::pick_ranks(t.len(), count).into_iter().filter_map(|r| t.at(r).map(|(m, _)| m.to_vec())).collect()
    })
}

fn smove<A: Access>(a: &mut A, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<bool> {
    let (src, dst, member) = (src.as_ref(), dst.as_ref(), member.as_ref());
    if src == dst {
        // The same key: nothing moves, and its type is checked once.
        return sismember(a, src, member);
    }
    a.edit_colls(&[src, dst], Kind::Set, |e, _| {
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

fn set_algebra<A: Access, K: AsRef<[u8]>>(a: &mut A, op: SetOp, keys: &[K]) -> Result<Vec<Vec<u8>>> {
    let keys: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
    a.combine(None, &keys, &read_set, Kind::Set, |sets| Ok((None, combine(op, sets, usize::MAX))))
}

fn set_algebra_store<A: Access, K: AsRef<[u8]>>(
    a: &mut A,
    op: SetOp,
    dst: impl AsRef<[u8]>,
    keys: &[K],
) -> Result<usize> {
    let keys: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
    a.combine(Some(dst.as_ref()), &keys, &read_set, Kind::Set, |sets| {
        let members = combine(op, sets, usize::MAX);
        let n = members.len();
        let mut t = PTree::new();
        for m in &members {
            t.insert(m, &[]);
        }
        Ok((Some(Coll::Set(t)), n))
    })
}

fn sintercard<A: Access, K: AsRef<[u8]>>(a: &mut A, keys: &[K], limit: usize) -> Result<usize> {
    let keys: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
    let limit = if limit == 0 { usize::MAX } else { limit };
    a.combine(None, &keys, &read_set, Kind::Set, |sets| Ok((None, combine(SetOp::Inter, sets, limit).len())))
}

fn sscan<A: Access>(a: &mut A, key: impl AsRef<[u8]>, after: Option<&[u8]>, count: usize) -> Result<ScanPage<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::Set, |c| match c {
        None => (Vec::new(), None),
        Some(c) => {
            let (items, next) = super::random::scan_tree(tree(c), after, count);
            (items.into_iter().map(|(m, _)| m).collect(), next)
        }
    })
}

/// A source of the set algebra: a set, or a type error.
fn read_set(c: &Coll) -> Result<Coll> {
    match c.kind() {
        Kind::Set => Ok(c.clone()),
        other => Err(super::typed::wrong_type(other, Kind::Set)),
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
