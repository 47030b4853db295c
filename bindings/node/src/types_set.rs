//! Sets on `DB` (Redis's S* commands): a key holding distinct members, and the algebra over
//! several keys (SINTER, SUNION, SDIFF, their store forms, SINTERCARD). Each method is one call of
//! the engine's set API; a key holding another type throws `ERR_SCALODB_WRONG_TYPE` and changes
//! nothing. Members come back as Buffers, in byte order where the order is defined. Methods with
//! several members or keys take them as an array here; `scalodb.js` gives them their rest
//! parameters.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::SetOp;

use crate::bytes::{bytes_of, Blob};
use crate::db::Database;
use crate::error::{OrThrow, Result};
use crate::types_args::{buffer, buffers, byte_list, count_of, cursor_of, int_of, page_size};

/// One page of `sscan`.
#[napi(object, use_nullable = true)]
pub struct SetScanPage {
    /// The members of this page, in byte order.
    #[napi(ts_type = "Array<Buffer>")]
    pub members: Vec<Blob>,
    /// What to pass as `cursor` for the next page; `null` when the walk is done.
    // napi-rs adds the `| null` of an `Option` field itself.
    #[napi(ts_type = "Buffer")]
    pub cursor: Option<Blob>,
}

impl Database {
    fn algebra(&self, op: SetOp, keys: &Unknown) -> Result<Vec<Blob>> {
        Ok(buffers(self.db.set_algebra(op, &byte_list(keys, "keys")?).or_throw()?))
    }

    fn algebra_store(&self, op: SetOp, dst: &Unknown, keys: &Unknown) -> Result<i64> {
        let keys = byte_list(keys, "keys")?;
        Ok(self.db.set_algebra_store(op, bytes_of(dst, "dst")?, &keys).or_throw()? as i64)
    }
}

#[napi]
impl Database {
    /// Adds `members` to the set at `key` (created if absent). Returns how many were new (SADD).
    #[napi(ts_args_type = "key: string | Uint8Array, ...members: Array<string | Uint8Array>")]
    pub fn sadd(&self, key: Unknown, members: Unknown) -> Result<i64> {
        let members = byte_list(&members, "members")?;
        Ok(self.db.sadd(bytes_of(&key, "key")?, &members).or_throw()? as i64)
    }

    /// Removes `members`. Returns how many were there (SREM).
    #[napi(ts_args_type = "key: string | Uint8Array, ...members: Array<string | Uint8Array>")]
    pub fn srem(&self, key: Unknown, members: Unknown) -> Result<i64> {
        let members = byte_list(&members, "members")?;
        Ok(self.db.srem(bytes_of(&key, "key")?, &members).or_throw()? as i64)
    }

    /// Whether `member` is in the set (SISMEMBER).
    #[napi(ts_args_type = "key: string | Uint8Array, member: string | Uint8Array")]
    pub fn sismember(&self, key: Unknown, member: Unknown) -> Result<bool> {
        self.db.sismember(bytes_of(&key, "key")?, bytes_of(&member, "member")?).or_throw()
    }

    /// Whether each of `members` is in the set (SMISMEMBER).
    #[napi(ts_args_type = "key: string | Uint8Array, ...members: Array<string | Uint8Array>")]
    pub fn smismember(&self, key: Unknown, members: Unknown) -> Result<Vec<bool>> {
        let members = byte_list(&members, "members")?;
        self.db.smismember(bytes_of(&key, "key")?, &members).or_throw()
    }

    /// The number of members, 0 for an absent key (SCARD).
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn scard(&self, key: Unknown) -> Result<i64> {
        Ok(self.db.scard(bytes_of(&key, "key")?).or_throw()? as i64)
    }

    /// Every member, in byte order (SMEMBERS).
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "Array<Buffer>")]
    pub fn smembers(&self, key: Unknown) -> Result<Vec<Blob>> {
        Ok(buffers(self.db.smembers(bytes_of(&key, "key")?).or_throw()?))
    }

    /// Removes and returns a random member, or `null` if the set is empty (SPOP). With `count`:
    /// an array of up to `count` distinct members.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<Buffer> : Buffer | null"
    )]
    pub fn spop(&self, key: Unknown, count: Option<f64>) -> Result<Either<Option<Blob>, Vec<Blob>>> {
        let key = bytes_of(&key, "key")?;
        Ok(match count {
            None => Either::A(self.db.spop(key, 1).or_throw()?.pop().map(buffer)),
            Some(n) => Either::B(buffers(self.db.spop(key, count_of("count", n)?).or_throw()?)),
        })
    }

    /// A random member, or `null` if the set is empty, without removing it (SRANDMEMBER). With
    /// `count`: an array of `count` distinct members (at most the set's size) if positive, of
    /// `-count` members that may repeat if negative.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<Buffer> : Buffer | null"
    )]
    pub fn srandmember(&self, key: Unknown, count: Option<f64>) -> Result<Either<Option<Blob>, Vec<Blob>>> {
        let key = bytes_of(&key, "key")?;
        Ok(match count {
            None => Either::A(self.db.srandmember(key, 1).or_throw()?.pop().map(buffer)),
            Some(n) => Either::B(buffers(self.db.srandmember(key, int_of("count", n)?).or_throw()?)),
        })
    }

    /// Moves `member` from the set `src` to the set `dst`, atomically. Returns false if `src`
    /// does not hold it (SMOVE).
    #[napi(ts_args_type = "src: string | Uint8Array, dst: string | Uint8Array, member: string | Uint8Array")]
    pub fn smove(&self, src: Unknown, dst: Unknown, member: Unknown) -> Result<bool> {
        self.db.smove(bytes_of(&src, "src")?, bytes_of(&dst, "dst")?, bytes_of(&member, "member")?).or_throw()
    }

    /// The members in every one of the sets at `keys` (absent keys are empty sets), in byte
    /// order; all keys are read at one moment (SINTER).
    #[napi(ts_args_type = "...keys: Array<string | Uint8Array>", ts_return_type = "Array<Buffer>")]
    pub fn sinter(&self, keys: Unknown) -> Result<Vec<Blob>> {
        self.algebra(SetOp::Inter, &keys)
    }

    /// The members in any of the sets at `keys`, in byte order (SUNION).
    #[napi(ts_args_type = "...keys: Array<string | Uint8Array>", ts_return_type = "Array<Buffer>")]
    pub fn sunion(&self, keys: Unknown) -> Result<Vec<Blob>> {
        self.algebra(SetOp::Union, &keys)
    }

    /// The members of the first set that are in none of the others, in byte order (SDIFF).
    #[napi(ts_args_type = "...keys: Array<string | Uint8Array>", ts_return_type = "Array<Buffer>")]
    pub fn sdiff(&self, keys: Unknown) -> Result<Vec<Blob>> {
        self.algebra(SetOp::Diff, &keys)
    }

    /// `sinter` stored as the set at `dst` (replacing what it held, of any type; deleting it if
    /// the result is empty), in one commit. Returns the result's size (SINTERSTORE).
    #[napi(ts_args_type = "dst: string | Uint8Array, ...keys: Array<string | Uint8Array>")]
    pub fn sinterstore(&self, dst: Unknown, keys: Unknown) -> Result<i64> {
        self.algebra_store(SetOp::Inter, &dst, &keys)
    }

    /// `sunion` stored at `dst`, as `sinterstore` (SUNIONSTORE).
    #[napi(ts_args_type = "dst: string | Uint8Array, ...keys: Array<string | Uint8Array>")]
    pub fn sunionstore(&self, dst: Unknown, keys: Unknown) -> Result<i64> {
        self.algebra_store(SetOp::Union, &dst, &keys)
    }

    /// `sdiff` stored at `dst`, as `sinterstore` (SDIFFSTORE).
    #[napi(ts_args_type = "dst: string | Uint8Array, ...keys: Array<string | Uint8Array>")]
    pub fn sdiffstore(&self, dst: Unknown, keys: Unknown) -> Result<i64> {
        self.algebra_store(SetOp::Diff, &dst, &keys)
    }

    /// The size of the intersection of the sets at `keys`, counting up to `limit` (0 or
    /// omitted: no limit) (SINTERCARD).
    #[napi(ts_args_type = "keys: Array<string | Uint8Array>, limit?: number")]
    pub fn sintercard(&self, keys: Unknown, limit: Option<f64>) -> Result<i64> {
        let keys = byte_list(&keys, "keys")?;
        let limit = count_of("limit", limit.unwrap_or(0.0))?;
        Ok(self.db.sintercard(&keys, limit).or_throw()? as i64)
    }

    /// One page of a walk over the members in byte order (SSCAN): up to `count` (default 10)
    /// members after `cursor` (`null` or omitted: from the first), and the cursor of the next
    /// page. Members present for the whole walk are returned exactly once.
    #[napi(ts_args_type = "key: string | Uint8Array, cursor?: string | Uint8Array | null, count?: number")]
    pub fn sscan(&self, key: Unknown, cursor: Option<Unknown>, count: Option<f64>) -> Result<SetScanPage> {
        let after = cursor_of(&cursor)?;
        let (members, next) = self.db.sscan(bytes_of(&key, "key")?, after.as_deref(), page_size(count)?).or_throw()?;
        Ok(SetScanPage { members: buffers(members), cursor: next.map(buffer) })
    }
}
