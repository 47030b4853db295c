//! Lists on `DB` (Redis's L* commands): a key holding a sequence of elements. Each method is one
//! call of the engine's list API (`scalodb::Db::push`, `pop`, `lrange`...); a key holding another
//! type throws `ERR_SCALODB_WRONG_TYPE` and changes nothing. Indexes are Redis's: 0 is the first
//! element, -1 the last. Elements come back as Buffers. The push methods take their values as an
//! array here; `scalodb.js` gives them their rest parameters.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::End;

use crate::bytes::{bytes_of, Blob};
use crate::db::Database;
use crate::error::{invalid, OrThrow, Result};
use crate::types_args::{buffer, buffers, byte_list, count_of, end_of, int_of};

/// Options of `lpos`.
#[napi(object)]
pub struct LposOptions {
    /// Which match to start from: 1 (the default) the first, 2 the second..., -1 the last, -2
    /// the one before... (0 is an error).
    pub rank: Option<f64>,
    /// Return an array of up to this many positions (0: all), rather than the first one.
    pub count: Option<f64>,
    /// Look at no more than this many elements (0, the default: all).
    pub maxlen: Option<f64>,
}

impl Database {
    fn push_at(&self, key: &Unknown, values: &Unknown, end: End, existing: bool) -> Result<i64> {
        let values = byte_list(values, "values")?;
        let key = bytes_of(key, "key")?;
        let len = if existing { self.db.push_existing(key, end, &values) } else { self.db.push(key, end, &values) };
        Ok(len.or_throw()? as i64)
    }

    fn pop_at(&self, key: &Unknown, end: End, count: Option<f64>) -> Result<Either<Option<Blob>, Vec<Blob>>> {
        let key = bytes_of(key, "key")?;
        Ok(match count {
            None => Either::A(self.db.pop(key, end, 1).or_throw()?.pop().map(buffer)),
            Some(n) => Either::B(buffers(self.db.pop(key, end, count_of("count", n)?).or_throw()?)),
        })
    }
}

#[napi]
impl Database {
    /// Pushes `values` one by one at the head (`lpush('k', 'a', 'b')` leaves `b` first), creating
    /// the list if absent. Returns the new length (LPUSH).
    #[napi(ts_args_type = "key: string | Uint8Array, ...values: Array<string | Uint8Array>")]
    pub fn lpush(&self, key: Unknown, values: Unknown) -> Result<i64> {
        self.push_at(&key, &values, End::Left, false)
    }

    /// Pushes `values` at the tail, creating the list if absent. Returns the new length (RPUSH).
    #[napi(ts_args_type = "key: string | Uint8Array, ...values: Array<string | Uint8Array>")]
    pub fn rpush(&self, key: Unknown, values: Unknown) -> Result<i64> {
        self.push_at(&key, &values, End::Right, false)
    }

    /// `lpush` only if the list exists. Returns its length, 0 if absent (LPUSHX).
    #[napi(ts_args_type = "key: string | Uint8Array, ...values: Array<string | Uint8Array>")]
    pub fn lpushx(&self, key: Unknown, values: Unknown) -> Result<i64> {
        self.push_at(&key, &values, End::Left, true)
    }

    /// `rpush` only if the list exists. Returns its length, 0 if absent (RPUSHX).
    #[napi(ts_args_type = "key: string | Uint8Array, ...values: Array<string | Uint8Array>")]
    pub fn rpushx(&self, key: Unknown, values: Unknown) -> Result<i64> {
        self.push_at(&key, &values, End::Right, true)
    }

    /// Removes and returns the first element, or `null` if the list is empty (LPOP). With
    /// `count`: an array of up to `count` elements, first to last.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<Buffer> : Buffer | null"
    )]
    pub fn lpop(&self, key: Unknown, count: Option<f64>) -> Result<Either<Option<Blob>, Vec<Blob>>> {
        self.pop_at(&key, End::Left, count)
    }

    /// Removes and returns the last element, or `null` (RPOP). With `count`: an array of up to
    /// `count` elements, last first.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<Buffer> : Buffer | null"
    )]
    pub fn rpop(&self, key: Unknown, count: Option<f64>) -> Result<Either<Option<Blob>, Vec<Blob>>> {
        self.pop_at(&key, End::Right, count)
    }

    /// The length, 0 for an absent key (LLEN).
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn llen(&self, key: Unknown) -> Result<i64> {
        Ok(self.db.llen(bytes_of(&key, "key")?).or_throw()? as i64)
    }

    /// The element at `index` (negative: from the end), or `null` (LINDEX).
    #[napi(ts_args_type = "key: string | Uint8Array, index: number", ts_return_type = "Buffer | null")]
    pub fn lindex(&self, key: Unknown, index: f64) -> Result<Option<Blob>> {
        Ok(self.db.lindex(bytes_of(&key, "key")?, int_of("index", index)?).or_throw()?.map(buffer))
    }

    /// The elements from `start` to `stop`, both included (negative: from the end; out-of-range
    /// indexes are clamped), as Redis's LRANGE.
    #[napi(ts_args_type = "key: string | Uint8Array, start: number, stop: number", ts_return_type = "Array<Buffer>")]
    pub fn lrange(&self, key: Unknown, start: f64, stop: f64) -> Result<Vec<Blob>> {
        let (start, stop) = (int_of("start", start)?, int_of("stop", stop)?);
        Ok(buffers(self.db.lrange(bytes_of(&key, "key")?, start, stop).or_throw()?))
    }

    /// Sets the element at `index` (LSET). An absent key or an index outside the list throws
    /// `ERR_SCALODB_INVALID_ARGUMENT`.
    #[napi(ts_args_type = "key: string | Uint8Array, index: number, value: string | Uint8Array")]
    pub fn lset(&self, key: Unknown, index: f64, value: Unknown) -> Result<()> {
        let index = int_of("index", index)?;
        self.db.lset(bytes_of(&key, "key")?, index, bytes_of(&value, "value")?).or_throw()
    }

    /// Inserts `value` before or after the first element equal to `pivot` (LINSERT). Returns the
    /// new length, -1 if there is no such element, 0 if the key is absent.
    #[napi(
        ts_args_type = "key: string | Uint8Array, where: 'before' | 'after', pivot: string | Uint8Array, value: string | Uint8Array"
    )]
    pub fn linsert(&self, key: Unknown, place: String, pivot: Unknown, value: Unknown) -> Result<i64> {
        let before = match place.as_str() {
            "before" => true,
            "after" => false,
            other => return Err(invalid(format!("where must be 'before' or 'after', not '{other}'"))),
        };
        self.db
            .linsert(bytes_of(&key, "key")?, before, bytes_of(&pivot, "pivot")?, bytes_of(&value, "value")?)
            .or_throw()
    }

    /// Removes elements equal to `value`: the first `count` if positive, the last `-count` if
    /// negative, all of them if 0. Returns how many went (LREM).
    #[napi(ts_args_type = "key: string | Uint8Array, count: number, value: string | Uint8Array")]
    pub fn lrem(&self, key: Unknown, count: f64, value: Unknown) -> Result<i64> {
        let count = int_of("count", count)?;
        Ok(self.db.lrem(bytes_of(&key, "key")?, count, bytes_of(&value, "value")?).or_throw()? as i64)
    }

    /// Keeps only the elements from `start` to `stop`, both included (LTRIM).
    #[napi(ts_args_type = "key: string | Uint8Array, start: number, stop: number")]
    pub fn ltrim(&self, key: Unknown, start: f64, stop: f64) -> Result<()> {
        let (start, stop) = (int_of("start", start)?, int_of("stop", stop)?);
        self.db.ltrim(bytes_of(&key, "key")?, start, stop).or_throw()
    }

    /// The index of the first element equal to `value`, or `null` (LPOS); see `LposOptions`.
    /// With `count` among the options: an array of indexes.
    #[napi(
        ts_generic_types = "O extends LposOptions = {}",
        ts_args_type = "key: string | Uint8Array, value: string | Uint8Array, options?: O",
        ts_return_type = "O extends { count: number } ? Array<number> : number | null"
    )]
    pub fn lpos(
        &self,
        key: Unknown,
        value: Unknown,
        options: Option<LposOptions>,
    ) -> Result<Either<Option<i64>, Vec<i64>>> {
        let o = options.unwrap_or(LposOptions { rank: None, count: None, maxlen: None });
        let rank = int_of("rank", o.rank.unwrap_or(1.0))?;
        let maxlen = count_of("maxlen", o.maxlen.unwrap_or(0.0))?;
        let count = o.count.map(|c| count_of("count", c)).transpose()?;
        let found = self
            .db
            .lpos(bytes_of(&key, "key")?, bytes_of(&value, "value")?, rank, count.unwrap_or(1), maxlen)
            .or_throw()?;
        let mut found = found.into_iter().map(|i| i as i64);
        Ok(match count {
            None => Either::A(found.next()),
            Some(_) => Either::B(found.collect()),
        })
    }

    /// Pops an element from one end (`'left'` or `'right'`) of `src` and pushes it at an end of
    /// `dst`, atomically; returns it, or `null` if `src` is empty (LMOVE). `src` may be `dst`.
    #[napi(
        ts_args_type = "src: string | Uint8Array, dst: string | Uint8Array, from: 'left' | 'right', to: 'left' | 'right'",
        ts_return_type = "Buffer | null"
    )]
    pub fn lmove(&self, src: Unknown, dst: Unknown, from: String, to: String) -> Result<Option<Blob>> {
        let (from, to) = (end_of("from", &from)?, end_of("to", &to)?);
        Ok(self.db.lmove(bytes_of(&src, "src")?, bytes_of(&dst, "dst")?, from, to).or_throw()?.map(buffer))
    }
}
