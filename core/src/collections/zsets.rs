//! Sorted sets: `Db` methods for a key holding members with scores (Redis's Z* commands).
//!
//! Ranks and score ranges read the score tree (ordered by score, then member), ZSCORE and
//! lexicographic ranges the member tree (see `coll.rs`), so each is O(log n + k).

use std::collections::BTreeMap;
use std::ops::Bound;

use super::coll::{score_key, score_of_key, score_of_value, zkey, Coll, Kind, ZSet};
use super::edit::{Edit, Edits};
use super::typed::{typed_api, Access};
use crate::error::{Error, Result};

fn zset(c: &Coll) -> &ZSet {
    match c {
        Coll::ZSet(z) => z,
        _ => unreachable!("read_coll checked the kind"),
    }
}

/// ZADD's conditions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZAddFlags {
    /// Only add new members.
    pub nx: bool,
    /// Only update existing members.
    pub xx: bool,
    /// Only update when the new score is greater.
    pub gt: bool,
    /// Only update when the new score is less.
    pub lt: bool,
    /// Count changed members, not only added ones.
    pub ch: bool,
}

/// One end of a score range: `Bound::Included(1.5)` is `1.5`, `Excluded` is `(1.5`.
pub type ScoreBound = Bound<f64>;

/// How ZUNION/ZINTER combine scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Aggregate {
    #[default]
    Sum,
    Min,
    Max,
}

/// Which combination of sorted sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZSetOp {
    Union,
    Inter,
    Diff,
}

/// A member and its score.
pub type Scored = (Vec<u8>, f64);

fn check_score(s: f64) -> Result<()> {
    if s.is_nan() {
        return Err(Error::InvalidArgument("the score is not a number (NaN)".into()));
    }
    Ok(())
}

fn set_score(e: &mut Edits, member: &[u8], score: f64) {
    e.push(Edit::ZAdd { member, score });
}

fn score_in(e: &Edits, member: &[u8]) -> Option<f64> {
    zset(&e.coll).members.get(member).map(score_of_value)
}

/// The ranks of the score tree inside `min..max`.
fn score_ranks(z: &ZSet, min: ScoreBound, max: ScoreBound) -> std::ops::Range<usize> {
    let lo = match min {
        Bound::Unbounded => 0,
        Bound::Included(s) => z.scores.lower_rank(Bound::Included(&score_key(s))),
        Bound::Excluded(s) => match u64::from_be_bytes(score_key(s)).checked_add(1) {
            Some(next) => z.scores.lower_rank(Bound::Included(&next.to_be_bytes())),
            None => z.scores.len(),
        },
    };
    let hi = match max {
        Bound::Unbounded => z.scores.len(),
        Bound::Excluded(s) => z.scores.upper_rank(Bound::Excluded(&score_key(s))),
        Bound::Included(s) => match u64::from_be_bytes(score_key(s)).checked_add(1) {
            Some(next) => z.scores.upper_rank(Bound::Excluded(&next.to_be_bytes())),
            None => z.scores.len(),
        },
    };
    lo..hi.max(lo)
}

/// The ranks of the member tree inside a lexicographic range.
fn lex_ranks(z: &ZSet, min: Bound<&[u8]>, max: Bound<&[u8]>) -> std::ops::Range<usize> {
    let lo = z.members.lower_rank(min);
    let hi = z.members.upper_rank(max);
    lo..hi.max(lo)
}

fn entry(k: &[u8]) -> Scored {
    (k[8..].to_vec(), score_of_key(k))
}

/// Applies an offset and a count (LIMIT; a negative count means all) to a range.
fn limit(range: std::ops::Range<usize>, lim: Option<(usize, i64)>, rev: bool) -> std::ops::Range<usize> {
    let Some((offset, count)) = lim else { return range };
    let len = range.len();
    if offset >= len {
        return range.start..range.start;
    }
    let take = if count < 0 { len - offset } else { (count as usize).min(len - offset) };
    if rev {
        range.end - offset - take..range.end - offset
    } else {
        range.start + offset..range.start + offset + take
    }
}

typed_api! {
    /// Adds or updates members (ZADD) under `flags`. Returns how many were added (or changed,
    /// with `ch`). NX with XX, or NX with GT/LT, is an error.
    fn zadd<M: AsRef<[u8]>>(key: impl AsRef<[u8]>, entries: &[(f64, M)], flags: ZAddFlags) -> usize;

    /// ZADD with INCR: adds `delta` to the member's score under `flags`. Returns the new score,
    /// None if a condition prevented the update.
    fn zadd_incr(key: impl AsRef<[u8]>, delta: f64, member: impl AsRef<[u8]>, flags: ZAddFlags) -> Option<f64>;

    /// Adds `delta` to the member's score (absent counts as 0) and returns it (ZINCRBY).
    fn zincrby(key: impl AsRef<[u8]>, delta: f64, member: impl AsRef<[u8]>) -> f64;

    /// Removes members. Returns how many were there (ZREM).
    fn zrem<M: AsRef<[u8]>>(key: impl AsRef<[u8]>, members: &[M]) -> usize;

    /// The score of `member` (ZSCORE).
    fn zscore(key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Option<f64>;

    /// The scores of `members` (ZMSCORE).
    fn zmscore<M: AsRef<[u8]>>(key: impl AsRef<[u8]>, members: &[M]) -> Vec<Option<f64>>;

    /// The number of members (ZCARD).
    fn zcard(key: impl AsRef<[u8]>) -> usize;

    /// How many members have a score in `min..max` (ZCOUNT), in O(log n).
    fn zcount(key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound) -> usize;

    /// How many members are in a lexicographic range (ZLEXCOUNT).
    fn zlexcount(key: impl AsRef<[u8]>, min: Bound<&[u8]>, max: Bound<&[u8]>) -> usize;

    /// The rank of `member` by ascending score (or descending with `rev`), with its score
    /// (ZRANK / ZREVRANK).
    fn zrank(key: impl AsRef<[u8]>, member: impl AsRef<[u8]>, rev: bool) -> Option<(usize, f64)>;

    /// Members from rank `start` to `stop` inclusive (negative from the end), by ascending score
    /// or descending with `rev` (ZRANGE).
    fn zrange(key: impl AsRef<[u8]>, start: i64, stop: i64, rev: bool) -> Vec<Scored>;

    /// Members with a score in `min..max`, ascending (descending with `rev`: still give `min` as
    /// the low end), after LIMIT `offset count` (ZRANGEBYSCORE / ZREVRANGEBYSCORE).
    fn zrange_by_score(key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound, rev: bool, lim: Option<(usize, i64)>) -> Vec<Scored>;

    /// Members in a lexicographic range, ascending (descending with `rev`), after LIMIT
    /// (ZRANGEBYLEX / ZREVRANGEBYLEX).
    fn zrange_by_lex(key: impl AsRef<[u8]>, min: Bound<&[u8]>, max: Bound<&[u8]>, rev: bool, lim: Option<(usize, i64)>) -> Vec<Scored>;

    /// Removes and returns up to `count` members with the lowest scores (the highest with `max`)
    /// (ZPOPMIN / ZPOPMAX).
    fn zpop(key: impl AsRef<[u8]>, max: bool, count: usize) -> Vec<Scored>;

    /// Removes members by rank (ZREMRANGEBYRANK). Returns how many.
    fn zremrange_by_rank(key: impl AsRef<[u8]>, start: i64, stop: i64) -> usize;

    /// Removes members with a score in `min..max` (ZREMRANGEBYSCORE). Returns how many.
    fn zremrange_by_score(key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound) -> usize;

    /// Removes members in a lexicographic range (ZREMRANGEBYLEX). Returns how many.
    fn zremrange_by_lex(key: impl AsRef<[u8]>, min: Bound<&[u8]>, max: Bound<&[u8]>) -> usize;

    /// Random members with their scores (ZRANDMEMBER): distinct for a positive `count`,
    /// possibly repeated for a negative one.
    fn zrandmember(key: impl AsRef<[u8]>, count: i64) -> Vec<Scored>;

    /// Up to `count` members after `after` in member order, and the cursor to pass next (ZSCAN).
    fn zscan(key: impl AsRef<[u8]>, after: Option<&[u8]>, count: usize) -> super::random::ScanPage<Scored>;

    /// ZUNION / ZINTER / ZDIFF of `keys` with `weights` (one per key, or empty for all 1) and
    /// `aggregate`, sorted by score then member. Sets (of SADD) count as scores of 1, as in Redis.
    fn zcombine<K: AsRef<[u8]>>(op: ZSetOp, keys: &[K], weights: &[f64], aggregate: Aggregate) -> Vec<Scored>;

    /// Like `zcombine`, storing the result at `dst` (replacing whatever it held). Returns its size.
    fn zcombine_store<K: AsRef<[u8]>>(op: ZSetOp, dst: impl AsRef<[u8]>, keys: &[K], weights: &[f64], aggregate: Aggregate) -> usize;
}

pub(crate) fn zadd<A: Access, M: AsRef<[u8]>>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    entries: &[(f64, M)],
    flags: ZAddFlags,
) -> Result<usize> {
    check_flags(flags)?;
    for (s, m) in entries {
        check_score(*s)?;
        a.check_element(m.as_ref())?;
    }
    a.edit_coll(key.as_ref(), Kind::ZSet, |e, _| {
        let mut counted = 0;
        for (score, m) in entries {
            let member = m.as_ref();
            if let Some(new) = zadd_one(e, member, *score, flags)? {
                counted += usize::from(new.added || (flags.ch && new.changed));
            }
        }
        Ok(counted)
    })
}

fn zadd_incr<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    delta: f64,
    member: impl AsRef<[u8]>,
    flags: ZAddFlags,
) -> Result<Option<f64>> {
    check_flags(flags)?;
    check_score(delta)?;
    let member = member.as_ref();
    a.check_element(member)?;
    a.edit_coll(key.as_ref(), Kind::ZSet, |e, _| {
        let old = score_in(e, member);
        let new = old.unwrap_or(0.0) + delta;
        if new.is_nan() {
            return Err(Error::InvalidArgument("resulting score is not a number (NaN)".into()));
        }
        Ok(zadd_one(e, member, new, flags)?.map(|_| new))
    })
}

fn zincrby<A: Access>(a: &mut A, key: impl AsRef<[u8]>, delta: f64, member: impl AsRef<[u8]>) -> Result<f64> {
    Ok(zadd_incr(a, key, delta, member, ZAddFlags::default())?.expect("no condition to refuse it"))
}

pub(crate) fn zrem<A: Access, M: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, members: &[M]) -> Result<usize> {
    a.edit_coll(key.as_ref(), Kind::ZSet, |e, _| {
        let mut n = 0;
        for m in members {
            if score_in(e, m.as_ref()).is_some() {
                e.push(Edit::ZRem { member: m.as_ref() });
                n += 1;
            }
        }
        Ok(n)
    })
}

fn zscore<A: Access>(a: &mut A, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<Option<f64>> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| c.and_then(|c| zset(c).members.get(member.as_ref())).map(score_of_value))
}

fn zmscore<A: Access, M: AsRef<[u8]>>(a: &mut A, key: impl AsRef<[u8]>, members: &[M]) -> Result<Vec<Option<f64>>> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| {
        members.iter().map(|m| c.and_then(|c| zset(c).members.get(m.as_ref())).map(score_of_value)).collect()
    })
}

fn zcard<A: Access>(a: &mut A, key: impl AsRef<[u8]>) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| c.map_or(0, Coll::len))
}

fn zcount<A: Access>(a: &mut A, key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| c.map_or(0, |c| score_ranks(zset(c), min, max).len()))
}

fn zlexcount<A: Access>(a: &mut A, key: impl AsRef<[u8]>, min: Bound<&[u8]>, max: Bound<&[u8]>) -> Result<usize> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| c.map_or(0, |c| lex_ranks(zset(c), min, max).len()))
}

fn zrank<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    member: impl AsRef<[u8]>,
    rev: bool,
) -> Result<Option<(usize, f64)>> {
    let member = member.as_ref();
    a.read_coll(key.as_ref(), Kind::ZSet, |c| {
        let z = zset(c?);
        let score = score_of_value(z.members.get(member)?);
        let r = z.scores.rank(&zkey(score, member)).ok()?;
        Some((if rev { z.scores.len() - 1 - r } else { r }, score))
    })
}

fn zrange<A: Access>(a: &mut A, key: impl AsRef<[u8]>, start: i64, stop: i64, rev: bool) -> Result<Vec<Scored>> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| {
        let Some(c) = c else { return Vec::new() };
        let z = zset(c);
        let len = z.scores.len();
        let r = super::lists::clamp_range(len, start, stop);
        if rev {
            z.scores.range(len - r.end..len - r.start).rev().map(|(k, _)| entry(k)).collect()
        } else {
            z.scores.range(r).map(|(k, _)| entry(k)).collect()
        }
    })
}

fn zrange_by_score<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    min: ScoreBound,
    max: ScoreBound,
    rev: bool,
    lim: Option<(usize, i64)>,
) -> Result<Vec<Scored>> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| {
        let Some(c) = c else { return Vec::new() };
        let z = zset(c);
        let r = limit(score_ranks(z, min, max), lim, rev);
        let it = z.scores.range(r).map(|(k, _)| entry(k));
        if rev {
            it.rev().collect()
        } else {
            it.collect()
        }
    })
}

fn zrange_by_lex<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    min: Bound<&[u8]>,
    max: Bound<&[u8]>,
    rev: bool,
    lim: Option<(usize, i64)>,
) -> Result<Vec<Scored>> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| {
        let Some(c) = c else { return Vec::new() };
        let z = zset(c);
        let r = limit(lex_ranks(z, min, max), lim, rev);
        let it = z.members.range(r).map(|(m, s)| (m.to_vec(), score_of_value(s)));
        if rev {
            it.rev().collect()
        } else {
            it.collect()
        }
    })
}

fn zpop<A: Access>(a: &mut A, key: impl AsRef<[u8]>, max: bool, count: usize) -> Result<Vec<Scored>> {
    a.edit_coll(key.as_ref(), Kind::ZSet, |e, _| {
        let z = zset(&e.coll);
        let len = z.scores.len();
        let n = count.min(len);
        let picked: Vec<Scored> = if max {
            z.scores.range(len - n..len).rev().map(|(k, _)| entry(k)).collect()
        } else {
            z.scores.range(0..n).map(|(k, _)| entry(k)).collect()
        };
        for (m, _) in &picked {
            e.push(Edit::ZRem { member: m });
        }
        Ok(picked)
    })
}

fn zremrange_by_rank<A: Access>(a: &mut A, key: impl AsRef<[u8]>, start: i64, stop: i64) -> Result<usize> {
    zremrange(a, key.as_ref(), |z| super::lists::clamp_range(z.scores.len(), start, stop), false)
}

fn zremrange_by_score<A: Access>(a: &mut A, key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound) -> Result<usize> {
    zremrange(a, key.as_ref(), |z| score_ranks(z, min, max), false)
}

fn zremrange_by_lex<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    min: Bound<&[u8]>,
    max: Bound<&[u8]>,
) -> Result<usize> {
    zremrange(a, key.as_ref(), |z| lex_ranks(z, min, max), true)
}

fn zremrange<A: Access>(
    a: &mut A,
    key: &[u8],
    ranks: impl FnOnce(&ZSet) -> std::ops::Range<usize>,
    by_member: bool,
) -> Result<usize> {
    a.edit_coll(key, Kind::ZSet, |e, _| {
        let z = zset(&e.coll);
        let r = ranks(z);
        let members: Vec<Vec<u8>> = if by_member {
            z.members.range(r).map(|(m, _)| m.to_vec()).collect()
        } else {
            z.scores.range(r).map(|(k, _)| k[8..].to_vec()).collect()
        };
        for m in &members {
            e.push(Edit::ZRem { member: m });
        }
        Ok(members.len())
    })
}

fn zrandmember<A: Access>(a: &mut A, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<Scored>> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| {
        let Some(c) = c else { return Vec::new() };
        let z = zset(c);
        super::random::pick_ranks(z.members.len(), count)
            .into_iter()
            .filter_map(|r| z.members.at(r).map(|(m, s)| (m.to_vec(), score_of_value(s))))
            .collect()
    })
}

fn zscan<A: Access>(
    a: &mut A,
    key: impl AsRef<[u8]>,
    after: Option<&[u8]>,
    count: usize,
) -> Result<super::random::ScanPage<Scored>> {
    a.read_coll(key.as_ref(), Kind::ZSet, |c| match c {
        None => (Vec::new(), None),
        Some(c) => {
            let (items, next) = super::random::scan_tree(&zset(c).members, after, count);
            (items.into_iter().map(|(m, s)| (m, score_of_value(&s))).collect(), next)
        }
    })
}

fn zcombine<A: Access, K: AsRef<[u8]>>(
    a: &mut A,
    op: ZSetOp,
    keys: &[K],
    weights: &[f64],
    aggregate: Aggregate,
) -> Result<Vec<Scored>> {
    let keys: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
    a.combine(None, &keys, &read_scored, Kind::ZSet, |sources| Ok((None, combine(op, sources, weights, aggregate)?)))
}

fn zcombine_store<A: Access, K: AsRef<[u8]>>(
    a: &mut A,
    op: ZSetOp,
    dst: impl AsRef<[u8]>,
    keys: &[K],
    weights: &[f64],
    aggregate: Aggregate,
) -> Result<usize> {
    // Computed under the commit lock, so the sources cannot change between read and write.
    let keys: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
    a.combine(Some(dst.as_ref()), &keys, &read_scored, Kind::ZSet, |sources| {
        let out = combine(op, sources, weights, aggregate)?;
        let mut z = ZSet::default();
        for (m, s) in &out {
            z.members.insert(m, &super::coll::score_value(*s));
            z.scores.insert(&zkey(*s, m), &[]);
        }
        Ok((Some(Coll::ZSet(z)), out.len()))
    })
}

fn check_flags(f: ZAddFlags) -> Result<()> {
    if f.nx && f.xx {
        return Err(Error::InvalidArgument("XX and NX options at the same time are not compatible".into()));
    }
    if (f.gt && f.lt) || (f.nx && (f.gt || f.lt)) {
        return Err(Error::InvalidArgument("GT, LT, and/or NX options at the same time are not compatible".into()));
    }
    Ok(())
}

struct Outcome {
    added: bool,
    changed: bool,
}

/// One member of a ZADD. None if a condition skipped it.
fn zadd_one(e: &mut Edits, member: &[u8], score: f64, f: ZAddFlags) -> Result<Option<Outcome>> {
    match score_in(e, member) {
        None => {
            if f.xx {
                return Ok(None);
            }
            set_score(e, member, score);
            Ok(Some(Outcome { added: true, changed: true }))
        }
        Some(old) => {
            if f.nx || (f.gt && score <= old) || (f.lt && score >= old) {
                return Ok(None);
            }
            if old != score {
                set_score(e, member, score);
            }
            Ok(Some(Outcome { added: false, changed: old != score }))
        }
    }
}

/// A source of ZUNION & co as read: None for an absent key.
pub(crate) type Source = Option<Vec<Scored>>;

fn scored_of(c: &Coll) -> Option<Vec<Scored>> {
    match c {
        Coll::ZSet(z) => Some(z.members.iter().map(|(m, s)| (m.to_vec(), score_of_value(s))).collect()),
        Coll::Set(t) => Some(t.iter().map(|(m, _)| (m.to_vec(), 1.0)).collect()),
        _ => None,
    }
}

/// A source of ZUNION & co: a sorted set, or a set (its members score 1, as in Redis).
fn read_scored(c: &Coll) -> Result<Vec<Scored>> {
    scored_of(c).ok_or_else(|| super::typed::wrong_type(c.kind(), Kind::ZSet))
}

fn combine(op: ZSetOp, sources: &[Source], weights: &[f64], agg: Aggregate) -> Result<Vec<Scored>> {
    if !weights.is_empty() && weights.len() != sources.len() {
        return Err(Error::InvalidArgument("there must be one weight per key".into()));
    }
    let w = |i: usize| weights.get(i).copied().unwrap_or(1.0);
    let fold = |a: f64, b: f64| {
        let r = match agg {
            Aggregate::Sum => a + b,
            Aggregate::Min => a.min(b),
            Aggregate::Max => a.max(b),
        };
        // inf + -inf: Redis makes it 0.
        if r.is_nan() {
            0.0
        } else {
            r
        }
    };
    let weighted = |s: f64, i: usize| {
        let r = s * w(i);
        if r.is_nan() {
            0.0
        } else {
            r
        }
    };
    let mut acc: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
    match op {
        ZSetOp::Union => {
            for (i, s) in sources.iter().enumerate() {
                for (m, sc) in s.iter().flatten() {
                    let v = weighted(*sc, i);
                    acc.entry(m.clone()).and_modify(|a| *a = fold(*a, v)).or_insert(v);
                }
            }
        }
        ZSetOp::Inter => {
            if sources.iter().any(Option::is_none) {
                return Ok(Vec::new());
            }
            let Some(Some(first)) = sources.first() else { return Ok(Vec::new()) };
            let maps: Vec<BTreeMap<&[u8], f64>> =
                sources[1..].iter().map(|s| s.iter().flatten().map(|(m, sc)| (m.as_slice(), *sc)).collect()).collect();
            'member: for (m, sc) in first {
                let mut v = weighted(*sc, 0);
                for (j, map) in maps.iter().enumerate() {
                    match map.get(m.as_slice()) {
                        Some(s) => v = fold(v, weighted(*s, j + 1)),
                        None => continue 'member,
                    }
                }
                acc.insert(m.clone(), v);
            }
        }
        ZSetOp::Diff => {
            let Some(Some(first)) = sources.first() else { return Ok(Vec::new()) };
            let others: std::collections::HashSet<&[u8]> =
                sources[1..].iter().flatten().flatten().map(|(m, _)| m.as_slice()).collect();
            for (m, sc) in first {
                if !others.contains(m.as_slice()) {
                    acc.insert(m.clone(), *sc);
                }
            }
        }
    }
    // -0 is 0, as the score tree stores it, so that ties order by member.
    let mut out: Vec<Scored> = acc.into_iter().map(|(m, s)| (m, if s == 0.0 { 0.0 } else { s })).collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}
