//! Hashes on `DB` (Redis's H* commands): a key holding field → value pairs. Each method is one
//! call of the engine's hash API (`scalodb::Db::hset` and so on); a key holding another type
//! throws `ERR_SCALODB_WRONG_TYPE` and changes nothing. Values come back as Buffers; `hgetall`
//! returns a `Map` from field (as a UTF-8 string) to value. `hmget` and `hdel` take their fields
//! as an array here; `scalodb.js` gives them their rest parameters.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::bytes::{bytes_of, Blob};
use crate::db::Database;
use crate::error::{OrThrow, Result};
use crate::types_args::{buffer, buffers, byte_list, cursor_of, field_values, int_of, page_size, FieldMap, FieldValue};

/// One page of `hscan`.
#[napi(object, use_nullable = true)]
pub struct HashScanPage {
    /// The `[field, value]` entries of this page, in field order.
    pub entries: Vec<FieldValue>,
    /// What to pass as `cursor` for the next page; `null` when the walk is done.
    // napi-rs adds the `| null` of an `Option` field itself.
    #[napi(ts_type = "Buffer")]
    pub cursor: Option<Blob>,
}

#[napi]
impl Database {
    /// Sets fields of the hash at `key` (created if absent), given as `{ field: value }`, a
    /// `Map` or `[[field, value], ...]`. Returns how many fields were new (HSET).
    #[napi(
        ts_args_type = "key: string | Uint8Array, fields: Record<string, string | Uint8Array> | Map<string | Uint8Array, string | Uint8Array> | Array<[string | Uint8Array, string | Uint8Array]>"
    )]
    pub fn hset(&self, key: Unknown, fields: Unknown) -> Result<i64> {
        let pairs = field_values(&fields)?;
        Ok(self.db.hset(bytes_of(&key, "key")?, &pairs).or_throw()? as i64)
    }

    /// Sets `field` only if the hash has no such field. Returns whether it was set (HSETNX).
    #[napi(ts_args_type = "key: string | Uint8Array, field: string | Uint8Array, value: string | Uint8Array")]
    pub fn hsetnx(&self, key: Unknown, field: Unknown, value: Unknown) -> Result<bool> {
        self.db.hsetnx(bytes_of(&key, "key")?, bytes_of(&field, "field")?, bytes_of(&value, "value")?).or_throw()
    }

    /// The value of `field`, or `null` (HGET).
    #[napi(ts_args_type = "key: string | Uint8Array, field: string | Uint8Array", ts_return_type = "Buffer | null")]
    pub fn hget(&self, key: Unknown, field: Unknown) -> Result<Option<Blob>> {
        Ok(self.db.hget(bytes_of(&key, "key")?, bytes_of(&field, "field")?).or_throw()?.map(buffer))
    }

    /// The values of `fields`, `null` for each that is absent (HMGET).
    #[napi(
        ts_args_type = "key: string | Uint8Array, ...fields: Array<string | Uint8Array>",
        ts_return_type = "Array<Buffer | null>"
    )]
    pub fn hmget(&self, key: Unknown, fields: Unknown) -> Result<Vec<Option<Blob>>> {
        let fields = byte_list(&fields, "fields")?;
        let values = self.db.hmget(bytes_of(&key, "key")?, &fields).or_throw()?;
        Ok(values.into_iter().map(|v| v.map(buffer)).collect())
    }

    /// Removes `fields`. Returns how many existed (HDEL).
    #[napi(ts_args_type = "key: string | Uint8Array, ...fields: Array<string | Uint8Array>")]
    pub fn hdel(&self, key: Unknown, fields: Unknown) -> Result<i64> {
        let fields = byte_list(&fields, "fields")?;
        Ok(self.db.hdel(bytes_of(&key, "key")?, &fields).or_throw()? as i64)
    }

    /// Whether the hash has `field` (HEXISTS).
    #[napi(ts_args_type = "key: string | Uint8Array, field: string | Uint8Array")]
    pub fn hexists(&self, key: Unknown, field: Unknown) -> Result<bool> {
        self.db.hexists(bytes_of(&key, "key")?, bytes_of(&field, "field")?).or_throw()
    }

    /// The number of fields, 0 for an absent key (HLEN).
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn hlen(&self, key: Unknown) -> Result<i64> {
        Ok(self.db.hlen(bytes_of(&key, "key")?).or_throw()? as i64)
    }

    /// The length in bytes of `field`'s value, 0 if absent (HSTRLEN).
    #[napi(ts_args_type = "key: string | Uint8Array, field: string | Uint8Array")]
    pub fn hstrlen(&self, key: Unknown, field: Unknown) -> Result<i64> {
        Ok(self.db.hstrlen(bytes_of(&key, "key")?, bytes_of(&field, "field")?).or_throw()? as i64)
    }

    /// The whole hash as a `Map` from field, decoded as UTF-8, to value, in field (byte) order;
    /// an empty Map for an absent key (HGETALL). Fields that are not UTF-8 text lose bytes in
    /// the decoding: read those with `hkeys` or `hscan`, which return Buffers.
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "Map<string, Buffer>")]
    pub fn hgetall(&self, key: Unknown) -> Result<FieldMap> {
        Ok(FieldMap(self.db.hgetall(bytes_of(&key, "key")?).or_throw()?))
    }

    /// Every field, in order (HKEYS).
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "Array<Buffer>")]
    pub fn hkeys(&self, key: Unknown) -> Result<Vec<Blob>> {
        Ok(buffers(self.db.hkeys(bytes_of(&key, "key")?).or_throw()?))
    }

    /// Every value, in field order (HVALS).
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "Array<Buffer>")]
    pub fn hvals(&self, key: Unknown) -> Result<Vec<Blob>> {
        Ok(buffers(self.db.hvals(bytes_of(&key, "key")?).or_throw()?))
    }

    /// Adds the safe integer `delta` to the integer in `field` (absent counts as 0) and returns
    /// the new value (HINCRBY). A value that is not an integer throws `ERR_SCALODB_WRONG_TYPE`,
    /// an overflow of 64 bits `ERR_SCALODB_INVALID_ARGUMENT`. A result past 2^53 is rounded to
    /// the nearest JavaScript number (the stored text is exact).
    #[napi(ts_args_type = "key: string | Uint8Array, field: string | Uint8Array, delta: number")]
    pub fn hincrby(&self, key: Unknown, field: Unknown, delta: f64) -> Result<f64> {
        let delta = int_of("delta", delta)?;
        Ok(self.db.hincrby(bytes_of(&key, "key")?, bytes_of(&field, "field")?, delta).or_throw()? as f64)
    }

    /// Adds `delta` to the number in `field` (absent counts as 0) and returns the new value
    /// (HINCRBYFLOAT); the result must be finite.
    #[napi(ts_args_type = "key: string | Uint8Array, field: string | Uint8Array, delta: number")]
    pub fn hincrbyfloat(&self, key: Unknown, field: Unknown, delta: f64) -> Result<f64> {
        self.db.hincrbyfloat(bytes_of(&key, "key")?, bytes_of(&field, "field")?, delta).or_throw()
    }

    /// Random `[field, value]` entries (HRANDFIELD ... WITHVALUES). Without `count`: one entry,
    /// or `null` for an absent key. With `count`: an array of `count` distinct entries (at most
    /// the hash's size) if positive, of `-count` entries that may repeat if negative.
    #[napi(
        ts_generic_types = "N extends number | undefined = undefined",
        ts_args_type = "key: string | Uint8Array, count?: N",
        ts_return_type = "N extends number ? Array<FieldValue> : FieldValue | null"
    )]
    pub fn hrandfield(&self, key: Unknown, count: Option<f64>) -> Result<Either<Option<FieldValue>, Vec<FieldValue>>> {
        let key = bytes_of(&key, "key")?;
        Ok(match count {
            None => Either::A(FieldValue::from_pairs(self.db.hrandfield(key, 1).or_throw()?).pop()),
            Some(n) => Either::B(FieldValue::from_pairs(self.db.hrandfield(key, int_of("count", n)?).or_throw()?)),
        })
    }

    /// One page of a walk over the hash's fields in order (HSCAN): up to `count` (default 10)
    /// entries after `cursor` (`null` or omitted: from the first), and the cursor of the next
    /// page. Fields present for the whole walk are returned exactly once.
    #[napi(ts_args_type = "key: string | Uint8Array, cursor?: string | Uint8Array | null, count?: number")]
    pub fn hscan(&self, key: Unknown, cursor: Option<Unknown>, count: Option<f64>) -> Result<HashScanPage> {
        let after = cursor_of(&cursor)?;
        let (entries, next) = self.db.hscan(bytes_of(&key, "key")?, after.as_deref(), page_size(count)?).or_throw()?;
        Ok(HashScanPage { entries: FieldValue::from_pairs(entries), cursor: next.map(buffer) })
    }
}
