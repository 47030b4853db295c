//! Lists: `Db` methods for a key holding a sequence of elements (Redis's L* commands). The list
//! is a positional tree, so both ends and any index are O(log n) away.

use super::coll::{Coll, Kind};
use super::edit::Edit;
use super::ptree::PTree;
use super::typed::{typed_api, Access};
use crate::error::{Error, Result};

/// An end of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Left,
    Right,
}

fn tree(c: &Coll) -> &PTree {
    match c {
        Coll::List(t) => t,
        _ => unreachable!("read_coll checked the kind"),
    }
}

fn list(e: &super::edit::Edits) -> &PTree {
    tree(&e.coll)
}

/// Redis's `start..=stop` with negative indexes from the end, as a clamped range of ranks.
pub(crate) fn clamp_range(len: usize, start: i64, stop: i64) -> std::ops::Range<usize> {
    let len_i = len as i64;
    let mut s = if start < 0 { len_i + start } else { start };
    let mut e = if stop < 0 { len_i + stop } else { stop };
    if s < 0 {
        s = 0;
    }
    if e >= len_i {
        e = len_i - 1;
    }
    if s > e || s >= len_i {
        return 0..0;
    }
    s as usize..(e + 1) as usize
}

/// A Redis index (negative from the end) as a rank, if it is inside the list.
fn rank_of(len: usize, index: i64) -> Option<usize> {
    let i = if index < 0 { len as i64 + index } else { index };
    (0..len as i64).contains(&i).then_some(i as usize)
}

typed_api! {
    /// Pushes `values` one by one at `end` (LPUSH / RPUSH: LPUSH a b c leaves c first). Returns
    /// the new length.
    fn push<V: AsRef<[u8]>>(key: impl AsRef<[u8]>, end: End, values: &[V]) -> usize;

    /// Like `push`, only if the list exists (LPUSHX / RPUSHX). Returns the length, 0 if absent.
    fn push_existing<V: AsRef<[u8]>>(key: impl AsRef<[u8]>, end: End, values: &[V]) -> usize;

    /// Removes and returns up to `count` elements from `end` (LPOP / RPOP with a count).
    fn pop(key: impl AsRef<[u8]>, end: End, count: usize) -> Vec<Vec<u8>>;

    /// The length, 0 if absent (LLEN).
    fn llen(key: impl AsRef<[u8]>) -> usize;

    /// The element at `index` (negative counts from the end) (LINDEX).
    fn lindex(key: impl AsRef<[u8]>, index: i64) -> Option<Vec<u8>>;

    /// The elements from `start` to `stop` inclusive, Redis's way (LRANGE).
    fn lrange(key: impl AsRef<[u8]>, start: i64, stop: i64) -> Vec<Vec<u8>>;

    /// `lrange` without copying: calls `f(n, element)` for each of the `n` elements in order,
    /// borrowed from the list, and returns `n` (for a server writing them straight into a reply).
    fn lrange_each<F: FnMut(usize, &[u8])>(key: impl AsRef<[u8]>, start: i64, stop: i64, f: F) -> usize;

    /// Sets the element at `index` (LSET): an absent key or an index outside the list is an
    /// error (`InvalidArgument`, saying which).
    fn lset(key: impl AsRef<[u8]>, index: i64, value: impl AsRef<[u8]>) -> ();

    /// Inserts `value` before (or after) the first element equal to `pivot` (LINSERT). Returns the
    /// new length, -1 if there is no pivot, 0 if the key is absent.
    fn linsert(key: impl AsRef<[u8]>, before: bool, pivot: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> i64;

    /// Removes elements equal to `value` (LREM): the first `count` from the head if positive,
    /// the last `-count` if negative, all if 0. Returns how many went.
    fn lrem(key: impl AsRef<[u8]>, count: i64, value: impl AsRef<[u8]>) -> usize;

    /// Keeps only the elements from `start` to `stop` inclusive (LTRIM).
    fn ltrim(key: impl AsRef<[u8]>, start: i64, stop: i64) -> ();

    /// The positions of elements equal to `value` (LPOS): `rank` picks the first match to
    /// report (1 the first, -1 the last, and so on; 0 is an error), `count` how many (0: all),
    /// `maxlen` how many elements to look at (0: all).
    fn lpos(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, rank: i64, count: usize, maxlen: usize) -> Vec<usize>;

    /// Pops from `from` of `src` and pushes at `to` of `dst` in one commit (LMOVE). Returns the
    /// element, None if `src` is empty. `src` may be `dst` (a rotation).
    fn lmove(src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, from: End, to: End) -> Option<Vec<u8>>;
}

pub(crate) fn push<A: Access, V: AsRef<[u8]>>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    end: End,
    values: &[V],
) -> Result<usize> {
    push_inner(a, key.as_ref(), end, values, false)
}

fn push_existing<A: Access, V: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, end: End, values: &[V]) -> Result<usize> {
    push_inner(a, key.as_ref(), end, values, true)
}

fn push_inner<A: Access, V: AsRef<[u8]>>(
    a: &mut A,
    key: &[u8],
    end: End,
    values: &[V],
    existing: bool,
) -> Result<usize> {
    for v in values {
        a.check_element(v.as_ref())?;
    }
    a.edit_coll(key, Kind::List, |e, found| {
        if existing && !found.existed {
            return Ok(0);
        }
        for v in values {
            let index = match end {
                End::Left => 0,
                End::Right => list(e).len() as u64,
            };
            e.push(Edit::LInsert { index, value: v.as_ref() });
        }
        Ok(list(e).len())
    })
}

fn pop<A: Access>(a: &mut A, key: impl AsRef<[u8]>, end: End, count: usize) -> Result<Vec<Vec<u8>>> {
    a.edit_coll(key.as_ref(), Kind::List, |e, _| {
        let n = count.min(list(e).len());
        let range = match end {
            End::Left => 0..n,
            End::Right => list(e).len() - n..list(e).len(),
        };
        let mut out: Vec<Vec<u8>> = list(e).range(range.clone()).map(|(_, v)| v.to_vec()).collect();
        if end == End::Right {
            out.reverse();
        }
        if n > 0 {
            e.push(Edit::LRemoveRange { start: range.start as u64, end: range.end as u64 });
        }
        Ok(out)
    })
}

fn llen<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::List, |c| c.map_or(0, Coll::len))
}

fn lindex<A: Access>(a: &mut A, key: impl AsRef<[u8]>, index: i64) -> Result<Option<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::List, |c| {
        let t = tree(c?);
        rank_of(t.len(), index).and_then(|r| t.at(r)).map(|(_, v)| v.to_vec())
    })
}

fn lrange<A: Access>(a: &mut A, key: impl AsRef<[u8]>, start: i64, stop: i64) -> Result<Vec<Vec<u8>>> {
    a.read_coll(key.as_ref(), Kind::List, |c| {
        let Some(c) = c else { return Vec::new() };
        let t = tree(c);
        t.range(clamp_range(t.len(), start, stop)).map(|(_, v)| v.to_vec()).collect()
    })
}

fn lrange_each<A: Access, F: FnMut(usize, &[u8])>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    start: i64,
    stop: i64,
    mut f: F,
) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::List, |c| {
        let Some(c) = c else { return 0 };
        let t = tree(c);
        let ranks = clamp_range(t.len(), start, stop);
        let n = ranks.len();
        t.range(ranks).for_each(|(_, v)| f(n, v));
        n
    })
}

fn lset<A: Access>(a: &mut A, key: impl AsRef<[u8]>, index: i64, value: impl AsRef<[u8]>) -> Result<()> {
    let value = value.as_ref();
    a.check_element(value)?;
    a.edit_coll(key.as_ref(), Kind::List, |e, found| {
        if !found.existed {
            return Err(Error::InvalidArgument("no such key".into()));
        }
        let r = rank_of(list(e).len(), index).ok_or_else(|| Error::InvalidArgument("index out of range".into()))?;
        e.push(Edit::LSet { index: r as u64, value });
        Ok(())
    })
}

fn linsert<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    before: bool,
    pivot: impl AsRef<[u8]>,
    value: impl AsRef<[u8]>,
) -> Result<i64> {
    let (pivot, value) = (pivot.as_ref(), value.as_ref());
    a.check_element(value)?;
    a.edit_coll(key.as_ref(), Kind::List, |e, found| {
        if !found.existed {
            return Ok(0);
        }
        let Some(r) = list(e).iter().position(|(_, v)| v == pivot) else { return Ok(-1) };
        let index = if before { r } else { r + 1 } as u64;
        e.push(Edit::LInsert { index, value });
        Ok(list(e).len() as i64)
    })
}

fn lrem<A: Access>(a: &mut A, key: impl AsRef<[u8]>, count: i64, value: impl AsRef<[u8]>) -> Result<usize> {
    let value = value.as_ref();
    a.edit_coll(key.as_ref(), Kind::List, |e, _| {
        let mut hits: Vec<usize> =
            list(e).iter().enumerate().filter(|(_, (_, v))| *v == value).map(|(i, _)| i).collect();
        let limit = if count == 0 { hits.len() } else { count.unsigned_abs().min(hits.len() as u64) as usize };
        if count < 0 {
            hits.reverse();
        }
        hits.truncate(limit);
        // Remove from the back so earlier ranks stay valid.
        hits.sort_unstable_by(|a, b| b.cmp(a));
        for &r in &hits {
            e.push(Edit::LRemove { index: r as u64 });
        }
        Ok(hits.len())
    })
}

fn ltrim<A: Access>(a: &mut A, key: impl AsRef<[u8]>, start: i64, stop: i64) -> Result<()> {
    a.edit_coll(key.as_ref(), Kind::List, |e, _| {
        let len = list(e).len();
        let keep = clamp_range(len, start, stop);
        if keep.end < len {
            e.push(Edit::LRemoveRange { start: keep.end as u64, end: len as u64 });
        }
        if keep.start > 0 || keep.is_empty() {
            let cut = if keep.is_empty() { list(e).len() } else { keep.start };
            if cut > 0 {
                e.push(Edit::LRemoveRange { start: 0, end: cut as u64 });
            }
        }
        Ok(())
    })
}

fn lpos<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    value: impl AsRef<[u8]>,
    rank: i64,
    count: usize,
    maxlen: usize,
) -> Result<Vec<usize>> {
    if rank == 0 {
        return Err(Error::InvalidArgument("RANK can't be zero".into()));
    }
    let value = value.as_ref();
    a.read_coll(key.as_ref(), Kind::List, |c| {
        let Some(c) = c else { return Vec::new() };
        let t = tree(c);
        let len = t.len();
        let scan = if maxlen == 0 { len } else { maxlen.min(len) };
        let want = if count == 0 { usize::MAX } else { count };
        let mut skip = rank.unsigned_abs() - 1;
        let mut out = Vec::new();
        let mut visit = |i: usize, v: &[u8]| -> bool {
            if v == value {
                if skip > 0 {
                    skip -= 1;
                } else {
                    out.push(i);
                    if out.len() >= want {
                        return false;
                    }
                }
            }
            true
        };
        if rank > 0 {
            for (i, (_, v)) in t.range(0..scan).enumerate() {
                if !visit(i, v) {
                    break;
                }
            }
        } else {
            for (j, (_, v)) in t.range(len - scan..len).rev().enumerate() {
                if !visit(len - 1 - j, v) {
                    break;
                }
            }
        }
        out
    })
}

fn lmove<A: Access>(
    a: &mut A,
    src: impl AsRef<[u8]>,
    dst: impl AsRef<[u8]>,
    from: End,
    to: End,
) -> Result<Option<Vec<u8>>> {
    let (src, dst) = (src.as_ref(), dst.as_ref());
    let take = |e: &mut super::edit::Edits| -> Option<Vec<u8>> {
        let len = list(e).len();
        if len == 0 {
            return None;
        }
        let r = if from == End::Left { 0 } else { len - 1 };
        let v = list(e).at(r).map(|(_, v)| v.to_vec())?;
        e.push(Edit::LRemove { index: r as u64 });
        Some(v)
    };
    let put = |e: &mut super::edit::Edits, v: &[u8]| {
        let index = if to == End::Left { 0 } else { list(e).len() as u64 };
        e.push(Edit::LInsert { index, value: v });
    };
    // As Redis: an empty source answers None before the destination's type is looked at.
    if a.read_coll(src, Kind::List, |c| c.map_or(0, Coll::len))? == 0 {
        return Ok(None);
    }
    if src == dst {
        return a.edit_coll(src, Kind::List, |e, _| {
            let v = take(e);
            if let Some(v) = &v {
                put(e, v);
            }
            Ok(v)
        });
    }
    a.edit_colls(&[src, dst], Kind::List, |e, _| {
        let (a, b) = e.split_at_mut(1);
        let v = take(&mut a[0]);
        if let Some(v) = &v {
            put(&mut b[0], v);
        }
        Ok(v)
    })
}
