//! Ordered scans: the options a scan takes, the cursor that walks the engine's iterator (forward
//! or backward, with a limit), and the JavaScript `Scan` class, an iterable iterator usable with
//! `for...of` (and with `for await`, which falls back to the synchronous protocol).

use std::ops::Bound;

use napi::bindgen_prelude::*;
use napi::iterator::ScopedGenerator;
use napi_derive::napi;
use scalodb::{Db, Iter, Snapshot};

use crate::bytes::{Blob, Encoding, Entry};
use crate::error::{invalid, rejection, Code, OrThrow, Result};
use crate::options::ScanOptions;

/// Which keys a scan covers.
enum Range {
    Prefix(Vec<u8>),
    Bounds(Bound<Vec<u8>>, Bound<Vec<u8>>),
}

/// A scan's options, checked and owned (so a background task can carry them).
pub struct Plan {
    range: Range,
    reverse: bool,
    limit: Option<u32>,
    keys: Encoding,
    values: Encoding,
}

fn owned(key: &Either<String, Uint8Array>) -> Vec<u8> {
    match key {
        Either::A(s) => s.as_bytes().to_vec(),
        Either::B(b) => b.to_vec(),
    }
}

fn bound(
    inclusive: &Option<Either<String, Uint8Array>>,
    exclusive: &Option<Either<String, Uint8Array>>,
    names: &str,
) -> Result<Bound<Vec<u8>>> {
    match (inclusive, exclusive) {
        (Some(_), Some(_)) => Err(invalid(format!("give only one of {names}"))),
        (Some(k), None) => Ok(Bound::Included(owned(k))),
        (None, Some(k)) => Ok(Bound::Excluded(owned(k))),
        (None, None) => Ok(Bound::Unbounded),
    }
}

impl Plan {
    pub fn parse(options: Option<ScanOptions>) -> Result<Plan> {
        let Some(o) = options else {
            return Ok(Plan {
                range: Range::Bounds(Bound::Unbounded, Bound::Unbounded),
                reverse: false,
                limit: None,
                keys: Encoding::Buffer,
                values: Encoding::Buffer,
            });
        };
        let lo = bound(&o.gte, &o.gt, "gte and gt")?;
        let hi = bound(&o.lte, &o.lt, "lte and lt")?;
        let range = match &o.prefix {
            Some(p) if lo == Bound::Unbounded && hi == Bound::Unbounded => Range::Prefix(owned(p)),
            Some(_) => return Err(invalid("give either prefix or range bounds (gt, gte, lt, lte), not both")),
            None => Range::Bounds(lo, hi),
        };
        Ok(Plan {
            range,
            reverse: o.reverse.unwrap_or(false),
            limit: o.limit,
            keys: Encoding::parse(o.key_encoding.as_deref())?,
            values: Encoding::parse(o.value_encoding.as_deref())?,
        })
    }
}

impl Plan {
    /// The plan run inside a transaction, which reads its whole range at once (and records it,
    /// so that any change to the range by another commit is a conflict: the limit bounds what is
    /// returned, not what counts as read).
    pub fn run_in(&self, tx: &mut scalodb::Transaction) -> scalodb::Result<Vec<Entry>> {
        let mut entries = match &self.range {
            Range::Prefix(p) => tx.scan_prefix(p)?,
            Range::Bounds(lo, hi) => tx.scan((lo.clone(), hi.clone()))?,
        };
        if self.reverse {
            entries.reverse();
        }
        if let Some(limit) = self.limit {
            entries.truncate(limit as usize);
        }
        Ok(entries
            .into_iter()
            .map(|(k, v)| Entry(Blob { bytes: k, encoding: self.keys }, Blob { bytes: v, encoding: self.values }))
            .collect())
    }
}

/// Where a scan reads from: the live store or a snapshot.
pub enum Source<'a> {
    Db(&'a Db),
    Snapshot(&'a Snapshot),
}

/// An engine iterator walked in the plan's direction, up to its limit.
pub struct Cursor {
    iter: Iter,
    reverse: bool,
    remaining: Option<u32>,
    keys: Encoding,
    values: Encoding,
}

impl Cursor {
    pub fn open(source: Source<'_>, plan: &Plan) -> scalodb::Result<Cursor> {
        let iter = match (&plan.range, source) {
            (Range::Prefix(p), Source::Db(db)) => db.scan_prefix(p)?,
            (Range::Prefix(p), Source::Snapshot(s)) => s.scan_prefix(p)?,
            (Range::Bounds(lo, hi), Source::Db(db)) => db.scan((lo.clone(), hi.clone()))?,
            (Range::Bounds(lo, hi), Source::Snapshot(s)) => s.scan((lo.clone(), hi.clone()))?,
        };
        Ok(Cursor { iter, reverse: plan.reverse, remaining: plan.limit, keys: plan.keys, values: plan.values })
    }

    /// The next entry, ready for JavaScript; `None` at the end of the range or the limit.
    pub fn next_entry(&mut self) -> Option<scalodb::Result<Entry>> {
        if let Some(left) = self.remaining.as_mut() {
            if *left == 0 {
                return None;
            }
            *left -= 1;
        }
        let item = if self.reverse { self.iter.next_back() } else { self.iter.next() }?;
        Some(item.map(|(k, v)| Entry(Blob { bytes: k, encoding: self.keys }, Blob { bytes: v, encoding: self.values })))
    }

    /// Every remaining entry (what `scanAsync` does off the main thread).
    pub fn collect(mut self) -> scalodb::Result<Vec<Entry>> {
        let mut out = Vec::new();
        while let Some(entry) = self.next_entry() {
            out.push(entry?);
        }
        Ok(out)
    }
}

/// An open scan. Iterate it with `for (const [key, value] of scan)`; entries come from one
/// consistent version of the store, taken when the scan was created. Leaving a `for...of` early
/// (or calling `close()`) releases that version at once rather than at garbage collection.
#[napi(iterator)]
pub struct Scan {
    cursor: Option<Cursor>,
}

impl Scan {
    pub fn new(cursor: Cursor) -> Scan {
        Scan { cursor: Some(cursor) }
    }
}

#[napi]
impl<'env> ScopedGenerator<'env> for Scan {
    type Yield = Entry;
    type Next = ();
    type Return = ();

    fn next(&mut self, env: &'env Env, _value: Option<()>) -> Option<Entry> {
        let cursor = self.cursor.as_mut()?;
        match cursor.next_entry() {
            Some(Ok(entry)) => Some(entry),
            Some(Err(e)) => {
                self.cursor = None;
                // The generator protocol has no error channel here: throwing leaves the exception
                // pending, and JavaScript sees it raised by `next()`.
                // SAFETY: `env` is the environment of the `next()` call being served.
                unsafe { napi::JsError::from(crate::error::db_error(e)).throw_into(env.raw()) };
                None
            }
            None => {
                self.cursor = None;
                None
            }
        }
    }

    fn complete(&mut self, _value: Option<()>) -> Option<Entry> {
        self.cursor = None;
        None
    }
}

#[napi]
impl Scan {
    /// Ends the scan and releases the version it reads (also done at the end of the range, and
    /// when a `for...of` loop is left early).
    #[napi]
    pub fn close(&mut self) {
        self.cursor = None;
    }
}

/// `scanAsync`: runs a whole scan on the libuv thread pool and resolves with its entries.
pub struct ScanTask {
    pub db: Db,
    pub plan: Plan,
}

#[napi]
impl Task for ScanTask {
    type Output = scalodb::Result<Vec<Entry>>;
    type JsValue = Vec<Entry>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(Cursor::open(Source::Db(&self.db), &self.plan).and_then(Cursor::collect))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Vec<Entry>> {
        output.or_throw().map_err(|e: napi::Error<Code>| rejection(&env, e))
    }
}
