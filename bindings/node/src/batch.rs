//! `WriteBatch`: puts and deletes collected in JavaScript and applied atomically by `db.write()`
//! (or `db.writeAsync()`): readers, and recovery after a crash, see all of them or none.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::bytes::bytes_of;
use crate::error::Result;
use crate::options::{ttl_of, PutOptions};

/// A group of writes applied together. `new WriteBatch().put('a', '1').delete('b')`.
#[napi]
#[derive(Default)]
pub struct WriteBatch {
    pub(crate) inner: scalodb::WriteBatch,
}

#[napi]
impl WriteBatch {
    #[napi(constructor)]
    pub fn new() -> WriteBatch {
        WriteBatch::default()
    }

    /// Adds a put of `value` under `key` (with an optional TTL). Returns the batch.
    #[napi(ts_args_type = "key: string | Uint8Array, value: string | Uint8Array, options?: PutOptions")]
    pub fn put<'a>(
        &mut self,
        this: This<'a>,
        key: Unknown,
        value: Unknown,
        options: Option<PutOptions>,
    ) -> Result<This<'a>> {
        let key = bytes_of(&key, "key")?;
        let value = bytes_of(&value, "value")?;
        match ttl_of(&options)? {
            Some(ttl) => self.inner.put_with_ttl(key, value, ttl),
            None => self.inner.put(key, value),
        };
        Ok(this)
    }

    /// Adds a delete of `key` (nothing happens if it is absent). Returns the batch.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn delete<'a>(&mut self, this: This<'a>, key: Unknown) -> Result<This<'a>> {
        self.inner.delete(bytes_of(&key, "key")?);
        Ok(this)
    }

    /// Writes added so far.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }

    /// Removes every write, so the batch can be reused.
    #[napi]
    pub fn clear(&mut self) {
        self.inner.clear();
    }
}
