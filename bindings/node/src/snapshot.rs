//! `Snapshot`: a read view fixed at one moment; later writes are invisible to it. It holds old
//! versions in memory until released, so release it (`close()`) when done rather than waiting
//! for garbage collection.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::bytes::{bytes_of, Blob, Encoding};
use crate::error::{OrThrow, Result, CLOSED};
use crate::options::ScanOptions;
use crate::scan::{Cursor, Plan, Scan, Source};

/// A consistent, unchanging view of the store, from `db.snapshot()`.
#[napi]
pub struct Snapshot {
    inner: Option<scalodb::Snapshot>,
}

impl Snapshot {
    pub fn new(inner: scalodb::Snapshot) -> Snapshot {
        Snapshot { inner: Some(inner) }
    }

    fn view(&self) -> Result<&scalodb::Snapshot> {
        self.inner.as_ref().ok_or_else(|| Error::new(CLOSED, "the snapshot was closed".to_string()))
    }
}

#[napi]
impl Snapshot {
    /// The value of `key` as of the snapshot, as a Buffer, or `null`.
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "Buffer | null")]
    pub fn get(&self, key: Unknown) -> Result<Option<Blob>> {
        let value = self.view()?.get(bytes_of(&key, "key")?).or_throw()?;
        Ok(value.map(|bytes| Blob { bytes, encoding: Encoding::Buffer }))
    }

    /// The value of `key` as of the snapshot, decoded as UTF-8, or `null`.
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "string | null")]
    pub fn get_string(&self, key: Unknown) -> Result<Option<Blob>> {
        let value = self.view()?.get(bytes_of(&key, "key")?).or_throw()?;
        Ok(value.map(|bytes| Blob { bytes, encoding: Encoding::Utf8 }))
    }

    /// Whether `key` holds a value as of the snapshot.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn has(&self, key: Unknown) -> Result<bool> {
        Ok(self.view()?.get(bytes_of(&key, "key")?).or_throw()?.is_some())
    }

    /// The entries as of the snapshot, in key order; see `ScanOptions`.
    #[napi]
    pub fn scan(&self, options: Option<ScanOptions>) -> Result<Scan> {
        let plan = Plan::parse(options)?;
        Ok(Scan::new(Cursor::open(Source::Snapshot(self.view()?), &plan).or_throw()?))
    }

    /// The sequence number the snapshot reads at.
    #[napi(getter)]
    pub fn sequence(&self) -> Result<i64> {
        Ok(self.view()?.sequence() as i64)
    }

    /// Releases the snapshot (idempotent). Scans already opened from it keep working.
    #[napi]
    pub fn close(&mut self) {
        self.inner = None;
    }
}
