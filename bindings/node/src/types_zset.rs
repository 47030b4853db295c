//! Sorted sets on `DB`, one member at a time (Redis's ZADD, ZINCRBY, ZREM, ZSCORE, ZRANK, ZPOP*,
//! ZRANDMEMBER, ZSCAN...); ranges and combinations are in `types_zrange.rs`. Each method is one
//! call of the engine's sorted-set API; a key holding another type throws
//! `ERR_SCALODB_WRONG_TYPE` and changes nothing. Members come back as Buffers, with their scores
//! as `[member, score]` pairs. `zrem` and `zmscore` take their members as an array here;
//! `scalodb.js` gives them their rest parameters.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::ZAddFlags;

use crate::bytes::{bytes_of, Blob};
use crate::db::Database;
use crate::error::{OrThrow, Result};
use crate::types_args::{buffer, byte_list, count_of, cursor_of, int_of, page_size, scored_entries, ScoredMember};

/// ZADD's conditions. Every field defaults to false; `nx` with `xx`, or `nx` with `gt`/`lt`,
/// throws `ERR_SCALODB_INVALID_ARGUMENT`.
#[napi(object)]
pub struct ZAddOptions {
    /// Only add new members, never update existing ones.
    pub nx: Option<bool>,
    /// Only update existing members, never add new ones.
    pub xx: Option<bool>,
    /// Only update a member when the new score is greater than its current one.
    pub gt: Option<bool>,
    /// Only update a member when the new score is less than its current one.
    pub lt: Option<bool>,
    /// Count the members whose score changed, not only the added ones (`zadd` only).
    pub ch: Option<bool>,
}

fn flags(options: Option<ZAddOptions>) -> ZAddFlags {
    let Some(o) = options else { return ZAddFlags::default() };
    let on = |b: Option<bool>| b.unwrap_or(false);
    ZAddFlags { nx: on(o.nx), xx: on(o.xx), gt: on(o.gt), lt: on(o.lt), ch: on(o.ch) }
}

/// One page of `zscan`.
#[napi(object, use_nullable = true)]
pub struct ZSetScanPage {
    /// The `[member, score]` entries of this page, in member (byte) order.
    pub entries: Vec<ScoredMember>,
    /// What to pass as `cursor` for the next page; `null` when the walk is done.
    // napi-rs adds the `| null` of an `Option` field itself.
    #[napi(ts_type = "Buffer")]
    pub cursor: Option<Blob>,
}

/// A method's result with an optional `count`: one entry or `null` without it, an array with it.
pub type OneOrMany = Either<Option<ScoredMember>, Vec<ScoredMember>>;

impl Database {
    fn pop_scored(&self, key: &Unknown, max: bool, count: Option<f64>) -> Result<OneOrMany> {
        let key = bytes_of(key, "key")?;
        Ok(match count {
            None => Either::A(ScoredMember::from_scored(self.db.zpop(key, max, 1).or_throw()?).pop()),
            Some(n) => Either::B(ScoredMember::from_scored(self.db.zpop(key, max, count_of("count", n)?).or_throw()?)),
        })
    }

    fn rank_of(&self, key: &Unknown, member: &Unknown, rev: bool) -> Result<Option<i64>> {
        let rank = self.db.zrank(bytes_of(key, "key")?, bytes_of(member, "member")?, rev).or_throw()?;
        Ok(rank.map(|(r, _)| r as i64))
    }
}

#[napi]
impl Database {
    /// Adds members to the sorted set at `key` (created if absent) or updates their scores,
    /// under the conditions of `options`. `entries` is `[[score, member], ...]`, or
    /// `{ member: score }` / a `Map` from member to score. Returns how many members were added
    /// (or changed, with `ch`) (ZADD). A NaN score throws `ERR_SCALODB_INVALID_ARGUMENT`.
    #[napi(
        ts_args_type = "key: string | Uint8Array, entries: Array<[number, string | Uint8Array]> | Record<string, number> | Map<string | Uint8Array, number>, options?: ZAddOptions"
    )]
    pub fn zadd(&self, key: Unknown, entries: Unknown, options: Option<ZAddOptions>) -> Result<i64> {
        let entries = scored_entries(&entries)?;
        Ok(self.db.zadd(bytes_of(&key, "key")?, &entries, flags(options)).or_throw()? as i64)
    }

    /// ZADD ... INCR: adds `delta` to the score of `member` (absent counts as 0) under the
    /// conditions of `options` (`ch` does not apply). Returns the new score, or `null` if a
    /// condition refused the update.
    #[napi(
        ts_args_type = "key: string | Uint8Array, delta: number, member: string | Uint8Array, options?: ZAddOptions",
        ts_return_type = "number | null"
    )]
    pub fn zadd_incr(
        &self,
        key: Unknown,
        delta: f64,
        member: Unknown,
        options: Option<ZAddOptions>,
    ) -> Result<Option<f64>> {
        self.db.zadd_incr(bytes_of(&key, "key")?, delta, bytes_of(&member, "member")?, flags(options)).or_throw()
    }

    /// Adds `delta` to the score of `member` (absent counts as 0) and returns the new score
    /// (ZINCRBY).
    #[napi(ts_args_type = "key: string | Uint8Array, delta: number, member: string | Uint8Array")]
    pub fn zincrby(&self, key: Unknown, delta: f64, member: Unknown) -> Result<f64> {
        self.db.zincrby(bytes_of(&key, "key")?, delta, bytes_of(&member, "member")?).or_throw()
    }

    /// Removes `members`. Returns how many were there (ZREM).
    #[napi(ts_args_type = "key: string | Uint8Array, ...members: Array<string | Uint8Array>")]
    pub fn zrem(&self, key: Unknown, members: Unknown) -> Result<i64> {
        let members = byte_list(&members, "members")?;
        Ok(self.db.zrem(bytes_of(&key, "key")?, &members).or_throw()? as i64)
    }

    /// The score of `member`, or `null` (ZSCORE).
    #[napi(ts_args_type = "key: string | Uint8Array, member: string | Uint8Array", ts_return_type = "number | null")]
    pub fn zscore(&self, key: Unknown, member: Unknown) -> Result<Option<f64>> {
        self.db.zscore(bytes_of(&key, "key")?, bytes_of(&member, "member")?).or_throw()
    }

    /// The scores of `members`, `null` for each that is absent (ZMSCORE).
    #[napi(
        ts_args_type = "key: string | Uint8Array, ...members: Array<string | Uint8Array>",
        ts_return_type = "Array<number | null>"
    )]
    pub fn zmscore(&self, key: Unknown, members: Unknown) -> Result<Vec<Option<f64>>> {
        let members = byte_list(&members, "members")?;
        self.db.zmscore(bytes_of(&key, "key")?, &members).or_throw()
    }

    /// The number of members, 0 for an absent key (ZCARD).
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn zcard(&self, key: Unknown) -> Result<i64> {
        Ok(self.db.zcard(bytes_of(&key, "key")?).or_throw()? as i64)
    }

    /// The rank of `member` by ascending score (0 the lowest; equal scores in member order), or
    /// `null` (ZRANK).
    #[napi(ts_args_type = "key: string | Uint8Array, member: string | Uint8Array", ts_return_type = "number | null")]
    pub fn zrank(&self, key: Unknown, member: Unknown) -> Result<Option<i64>> {
        self.rank_of(&key, &member, false)
    }

    /// The rank of `member` by descending score (0 the highest), or `null` (ZREVRANK).
    #[napi(ts_args_type = "key: string | Uint8Array, member: string | Uint8Array", ts_return_type = "number | null")]
    pub fn zrevrank(&self, key: Unknown, member: Unknown) -> Result<Option<i64>> {
        self.rank_of(&key, &member, true)
    }

    /// Removes and returns the member with the lowest score as `[member, score]`, or `null`
    /// (ZPOPMIN). With `count`: an array of up to `count` of them, lowest first.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<ScoredMember> : ScoredMember | null"
    )]
    pub fn zpopmin(&self, key: Unknown, count: Option<f64>) -> Result<OneOrMany> {
        self.pop_scored(&key, false, count)
    }

    /// Removes and returns the member with the highest score, or `null` (ZPOPMAX). With
    /// `count`: an array of up to `count` of them, highest first.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<ScoredMember> : ScoredMember | null"
    )]
    pub fn zpopmax(&self, key: Unknown, count: Option<f64>) -> Result<OneOrMany> {
        self.pop_scored(&key, true, count)
    }

    /// A random `[member, score]`, or `null`, without removing it (ZRANDMEMBER ... WITHSCORES).
    /// With `count`: an array of `count` distinct entries (at most the set's size) if positive,
    /// of `-count` entries that may repeat if negative.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<ScoredMember> : ScoredMember | null"
    )]
    pub fn zrandmember(&self, key: Unknown, count: Option<f64>) -> Result<OneOrMany> {
        let key = bytes_of(&key, "key")?;
        Ok(match count {
            None => Either::A(ScoredMember::from_scored(self.db.zrandmember(key, 1).or_throw()?).pop()),
            Some(n) => Either::B(ScoredMember::from_scored(self.db.zrandmember(key, int_of("count", n)?).or_throw()?)),
        })
    }

    /// One page of a walk over the members in byte order (ZSCAN): up to `count` (default 10)
    /// `[member, score]` entries after `cursor` (`null` or omitted: from the first), and the
    /// cursor of the next page. Members present for the whole walk are returned exactly once.
    #[napi(ts_args_type = "key: string | Uint8Array, cursor?: string | Uint8Array | null, count?: number")]
    pub fn zscan(&self, key: Unknown, cursor: Option<Unknown>, count: Option<f64>) -> Result<ZSetScanPage> {
        let after = cursor_of(&cursor)?;
        let (entries, next) = self.db.zscan(bytes_of(&key, "key")?, after.as_deref(), page_size(count)?).or_throw()?;
        Ok(ZSetScanPage { entries: ScoredMember::from_scored(entries), cursor: next.map(buffer) })
    }
}
