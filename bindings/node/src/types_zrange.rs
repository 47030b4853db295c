//! Sorted sets on `DB`, by range and across keys: ranges by rank, score and member (ZRANGE,
//! ZRANGEBYSCORE, ZRANGEBYLEX and their REV forms as a `reverse` option), counts (ZCOUNT,
//! ZLEXCOUNT), removals (ZREMRANGEBY*), and combinations (ZUNION, ZINTER, ZDIFF and their store
//! forms). Each method is one call of the engine's sorted-set API, with the bounds and options
//! read into its types. Results are `[member, score]` pairs, members as Buffers.
//!
//! A score range is `min`, `max` (numbers, `-Infinity`/`Infinity` for open ends) with
//! `minExclusive`/`maxExclusive`; a member range is `min`, `max` (byte strings compared
//! bytewise, `null` for an open end) with the same flags. `min` is the low end also with
//! `reverse`, which only changes the order of the result.

use std::ops::Bound;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::{Aggregate, ScoreBound, ZSetOp};

use crate::bytes::{bytes_of, optional_bytes, Bytes};
use crate::db::Database;
use crate::error::{invalid, OrThrow, Result};
use crate::types_args::{byte_list, count_of, int_of, ScoredMember};

/// Options of `zrange`.
#[napi(object)]
pub struct ZRangeOptions {
    /// By descending score (ZREVRANGE): rank 0 is the highest score.
    pub reverse: Option<bool>,
}

/// Whether the ends of a range are excluded (`zcount`, `zlexcount`, `zremRangeByScore`,
/// `zremRangeByLex`).
#[napi(object)]
pub struct ZBoundOptions {
    /// Leave out `min` itself (Redis's `(min`).
    pub min_exclusive: Option<bool>,
    /// Leave out `max` itself (Redis's `(max`).
    pub max_exclusive: Option<bool>,
}

/// Options of `zrangeByScore` and `zrangeByLex`.
#[napi(object)]
pub struct ZRangeByOptions {
    /// Leave out `min` itself (Redis's `(min`).
    pub min_exclusive: Option<bool>,
    /// Leave out `max` itself (Redis's `(max`).
    pub max_exclusive: Option<bool>,
    /// Highest first (ZREVRANGEBYSCORE / ZREVRANGEBYLEX); `min` is still the low end.
    pub reverse: Option<bool>,
    /// Skip this many members of the range, in the result's order (LIMIT offset; default 0).
    pub offset: Option<f64>,
    /// Return at most this many members (LIMIT count; default, or negative: all).
    pub count: Option<f64>,
}

/// Options of `zunion`, `zinter`, `zdiff` and their store forms.
#[napi(object)]
pub struct ZCombineOptions {
    /// One multiplier per key for its scores (default: all 1). `zdiff` takes none.
    pub weights: Option<Vec<f64>>,
    /// How the scores of a member in several keys combine: `'sum'` (default), `'min'`, `'max'`.
    #[napi(ts_type = "'sum' | 'min' | 'max'")]
    pub aggregate: Option<String>,
}

fn score_bound(name: &str, v: f64, exclusive: Option<bool>) -> Result<ScoreBound> {
    if v.is_nan() {
        return Err(invalid(format!("{name} must be a number, not NaN")));
    }
    Ok(if exclusive.unwrap_or(false) { Bound::Excluded(v) } else { Bound::Included(v) })
}

fn lex_bound<'a>(value: &'a Option<Bytes<'a>>, exclusive: Option<bool>) -> Bound<&'a [u8]> {
    match value {
        None => Bound::Unbounded,
        Some(b) if exclusive.unwrap_or(false) => Bound::Excluded(b),
        Some(b) => Bound::Included(b),
    }
}

/// A member-range end: `null`/`undefined` is open.
fn lex_end<'a>(value: &Unknown<'a>, name: &str) -> Result<Option<Bytes<'a>>> {
    optional_bytes(value, name)
}

fn bounds_of(o: Option<ZBoundOptions>) -> (Option<bool>, Option<bool>) {
    o.map_or((None, None), |o| (o.min_exclusive, o.max_exclusive))
}

/// What `zrangeBy*` takes from its options: the exclusive flags, `reverse`, and the LIMIT.
struct RangeBy {
    min_exclusive: Option<bool>,
    max_exclusive: Option<bool>,
    reverse: bool,
    limit: Option<(usize, i64)>,
}

fn range_by(o: Option<ZRangeByOptions>) -> Result<RangeBy> {
    let Some(o) = o else {
        return Ok(RangeBy { min_exclusive: None, max_exclusive: None, reverse: false, limit: None });
    };
    let limit = match (o.offset, o.count) {
        (None, None) => None,
        (offset, count) => Some((count_of("offset", offset.unwrap_or(0.0))?, int_of("count", count.unwrap_or(-1.0))?)),
    };
    Ok(RangeBy {
        min_exclusive: o.min_exclusive,
        max_exclusive: o.max_exclusive,
        reverse: o.reverse.unwrap_or(false),
        limit,
    })
}

fn combine_args<'a>(
    keys: &Unknown<'a>,
    options: Option<ZCombineOptions>,
) -> Result<(Vec<Bytes<'a>>, Vec<f64>, Aggregate)> {
    let keys = byte_list(keys, "keys")?;
    let (weights, aggregate) = options.map_or((None, None), |o| (o.weights, o.aggregate));
    let aggregate = match aggregate.as_deref() {
        None | Some("sum") => Aggregate::Sum,
        Some("min") => Aggregate::Min,
        Some("max") => Aggregate::Max,
        Some(other) => return Err(invalid(format!("aggregate must be 'sum', 'min' or 'max', not '{other}'"))),
    };
    Ok((keys, weights.unwrap_or_default(), aggregate))
}

impl Database {
    fn combine(&self, op: ZSetOp, keys: &Unknown, options: Option<ZCombineOptions>) -> Result<Vec<ScoredMember>> {
        let (keys, weights, aggregate) = combine_args(keys, options)?;
        Ok(ScoredMember::from_scored(self.db.zcombine(op, &keys, &weights, aggregate).or_throw()?))
    }

    fn combine_store(
        &self,
        op: ZSetOp,
        dst: &Unknown,
        keys: &Unknown,
        options: Option<ZCombineOptions>,
    ) -> Result<i64> {
        let (keys, weights, aggregate) = combine_args(keys, options)?;
        Ok(self.db.zcombine_store(op, bytes_of(dst, "dst")?, &keys, &weights, aggregate).or_throw()? as i64)
    }
}

#[napi]
impl Database {
    /// How many members have a score between `min` and `max` (ZCOUNT).
    #[napi(ts_args_type = "key: string | Uint8Array, min: number, max: number, options?: ZBoundOptions")]
    pub fn zcount(&self, key: Unknown, min: f64, max: f64, options: Option<ZBoundOptions>) -> Result<i64> {
        let (lo, hi) = bounds_of(options);
        let (min, max) = (score_bound("min", min, lo)?, score_bound("max", max, hi)?);
        Ok(self.db.zcount(bytes_of(&key, "key")?, min, max).or_throw()? as i64)
    }

    /// How many members are between `min` and `max` in byte order (`null`: open) (ZLEXCOUNT).
    #[napi(
        ts_args_type = "key: string | Uint8Array, min: string | Uint8Array | null, max: string | Uint8Array | null, options?: ZBoundOptions"
    )]
    pub fn zlexcount(&self, key: Unknown, min: Unknown, max: Unknown, options: Option<ZBoundOptions>) -> Result<i64> {
        let (lo, hi) = bounds_of(options);
        let (min, max) = (lex_end(&min, "min")?, lex_end(&max, "max")?);
        Ok(self.db.zlexcount(bytes_of(&key, "key")?, lex_bound(&min, lo), lex_bound(&max, hi)).or_throw()? as i64)
    }

    /// The members from rank `start` to `stop`, both included (negative: from the end), by
    /// ascending score, or descending with `reverse` (ZRANGE / ZREVRANGE).
    #[napi(
        ts_args_type = "key: string | Uint8Array, start: number, stop: number, options?: ZRangeOptions",
        ts_return_type = "Array<ScoredMember>"
    )]
    pub fn zrange(
        &self,
        key: Unknown,
        start: f64,
        stop: f64,
        options: Option<ZRangeOptions>,
    ) -> Result<Vec<ScoredMember>> {
        let (start, stop) = (int_of("start", start)?, int_of("stop", stop)?);
        let rev = options.and_then(|o| o.reverse).unwrap_or(false);
        Ok(ScoredMember::from_scored(self.db.zrange(bytes_of(&key, "key")?, start, stop, rev).or_throw()?))
    }

    /// The members with a score between `min` and `max`, by ascending score (descending with
    /// `reverse`), after `offset` and up to `count` (ZRANGEBYSCORE / ZREVRANGEBYSCORE).
    #[napi(
        ts_args_type = "key: string | Uint8Array, min: number, max: number, options?: ZRangeByOptions",
        ts_return_type = "Array<ScoredMember>"
    )]
    pub fn zrange_by_score(
        &self,
        key: Unknown,
        min: f64,
        max: f64,
        options: Option<ZRangeByOptions>,
    ) -> Result<Vec<ScoredMember>> {
        let o = range_by(options)?;
        let (min, max) = (score_bound("min", min, o.min_exclusive)?, score_bound("max", max, o.max_exclusive)?);
        let found = self.db.zrange_by_score(bytes_of(&key, "key")?, min, max, o.reverse, o.limit).or_throw()?;
        Ok(ScoredMember::from_scored(found))
    }

    /// The members between `min` and `max` in byte order (`null`: open), ascending (descending
    /// with `reverse`), after `offset` and up to `count` (ZRANGEBYLEX / ZREVRANGEBYLEX). As in
    /// Redis, meant for members that all have the same score.
    #[napi(
        ts_args_type = "key: string | Uint8Array, min: string | Uint8Array | null, max: string | Uint8Array | null, options?: ZRangeByOptions",
        ts_return_type = "Array<ScoredMember>"
    )]
    pub fn zrange_by_lex(
        &self,
        key: Unknown,
        min: Unknown,
        max: Unknown,
        options: Option<ZRangeByOptions>,
    ) -> Result<Vec<ScoredMember>> {
        let o = range_by(options)?;
        let (min, max) = (lex_end(&min, "min")?, lex_end(&max, "max")?);
        let (lo, hi) = (lex_bound(&min, o.min_exclusive), lex_bound(&max, o.max_exclusive));
        let found = self.db.zrange_by_lex(bytes_of(&key, "key")?, lo, hi, o.reverse, o.limit).or_throw()?;
        Ok(ScoredMember::from_scored(found))
    }

    /// Removes the members from rank `start` to `stop`, both included (negative: from the
    /// end). Returns how many went (ZREMRANGEBYRANK).
    #[napi(ts_args_type = "key: string | Uint8Array, start: number, stop: number")]
    pub fn zrem_range_by_rank(&self, key: Unknown, start: f64, stop: f64) -> Result<i64> {
        let (start, stop) = (int_of("start", start)?, int_of("stop", stop)?);
        Ok(self.db.zremrange_by_rank(bytes_of(&key, "key")?, start, stop).or_throw()? as i64)
    }

    /// Removes the members with a score between `min` and `max`. Returns how many went
    /// (ZREMRANGEBYSCORE).
    #[napi(ts_args_type = "key: string | Uint8Array, min: number, max: number, options?: ZBoundOptions")]
    pub fn zrem_range_by_score(&self, key: Unknown, min: f64, max: f64, options: Option<ZBoundOptions>) -> Result<i64> {
        let (lo, hi) = bounds_of(options);
        let (min, max) = (score_bound("min", min, lo)?, score_bound("max", max, hi)?);
        Ok(self.db.zremrange_by_score(bytes_of(&key, "key")?, min, max).or_throw()? as i64)
    }

    /// Removes the members between `min` and `max` in byte order (`null`: open). Returns how
    /// many went (ZREMRANGEBYLEX).
    #[napi(
        ts_args_type = "key: string | Uint8Array, min: string | Uint8Array | null, max: string | Uint8Array | null, options?: ZBoundOptions"
    )]
    pub fn zrem_range_by_lex(
        &self,
        key: Unknown,
        min: Unknown,
        max: Unknown,
        options: Option<ZBoundOptions>,
    ) -> Result<i64> {
        let (lo, hi) = bounds_of(options);
        let (min, max) = (lex_end(&min, "min")?, lex_end(&max, "max")?);
        Ok(self.db.zremrange_by_lex(bytes_of(&key, "key")?, lex_bound(&min, lo), lex_bound(&max, hi)).or_throw()?
            as i64)
    }

    /// The members in any of the sorted sets at `keys` (plain sets count as scores of 1), their
    /// scores weighted and combined as `options` say, by ascending score then member; all keys
    /// are read at one moment (ZUNION ... WITHSCORES).
    #[napi(
        ts_args_type = "keys: Array<string | Uint8Array>, options?: ZCombineOptions",
        ts_return_type = "Array<ScoredMember>"
    )]
    pub fn zunion(&self, keys: Unknown, options: Option<ZCombineOptions>) -> Result<Vec<ScoredMember>> {
        self.combine(ZSetOp::Union, &keys, options)
    }

    /// The members in every one of the sorted sets at `keys`, as `zunion` (ZINTER).
    #[napi(
        ts_args_type = "keys: Array<string | Uint8Array>, options?: ZCombineOptions",
        ts_return_type = "Array<ScoredMember>"
    )]
    pub fn zinter(&self, keys: Unknown, options: Option<ZCombineOptions>) -> Result<Vec<ScoredMember>> {
        self.combine(ZSetOp::Inter, &keys, options)
    }

    /// The members of the first sorted set that are in none of the others, with their scores
    /// (ZDIFF).
    #[napi(ts_args_type = "keys: Array<string | Uint8Array>", ts_return_type = "Array<ScoredMember>")]
    pub fn zdiff(&self, keys: Unknown) -> Result<Vec<ScoredMember>> {
        self.combine(ZSetOp::Diff, &keys, None)
    }

    /// `zunion` stored as the sorted set at `dst` (replacing what it held, of any type; deleting
    /// it if the result is empty), in one commit. Returns the result's size (ZUNIONSTORE).
    #[napi(ts_args_type = "dst: string | Uint8Array, keys: Array<string | Uint8Array>, options?: ZCombineOptions")]
    pub fn zunionstore(&self, dst: Unknown, keys: Unknown, options: Option<ZCombineOptions>) -> Result<i64> {
        self.combine_store(ZSetOp::Union, &dst, &keys, options)
    }

    /// `zinter` stored at `dst`, as `zunionstore` (ZINTERSTORE).
    #[napi(ts_args_type = "dst: string | Uint8Array, keys: Array<string | Uint8Array>, options?: ZCombineOptions")]
    pub fn zinterstore(&self, dst: Unknown, keys: Unknown, options: Option<ZCombineOptions>) -> Result<i64> {
        self.combine_store(ZSetOp::Inter, &dst, &keys, options)
    }

    /// `zdiff` stored at `dst`, as `zunionstore` (ZDIFFSTORE).
    #[napi(ts_args_type = "dst: string | Uint8Array, keys: Array<string | Uint8Array>")]
    pub fn zdiffstore(&self, dst: Unknown, keys: Unknown) -> Result<i64> {
        self.combine_store(ZSetOp::Diff, &dst, &keys, None)
    }
}
