//! The two primitives every typed method is written with: `read_coll` (a lock-free read of a
//! collection) and `edit_coll` (one commit of element edits), and the type checks they share.
//!
//! `edit_coll` decides under the commit lock, on the latest applied state: it hands the caller a
//! working copy of the collection (an O(1) clone of its trees), the caller pushes edits that
//! apply to the copy as they are made, and the commit logs the encoded edits and installs the
//! copy itself as the key's new version, so applying repeats no work.

use std::sync::Arc;

use crossbeam_epoch as epoch;

use super::coll::{Coll, Kind};
use super::edit::Edits;
use crate::db::{latest_live, Db};
use crate::error::{Error, Result};
use crate::item::VersionRef;
use crate::wal::ops::OwnedOp;

/// The error of an operation on a key holding another type.
pub(crate) fn wrong_type(holds: Kind, wanted: Kind) -> Error {
    Error::WrongType(format!("{TYPE_MISMATCH} {holds}, not a {wanted}"))
}

/// The start of every type-mismatch message (see `Error::is_type_mismatch`).
pub(crate) const TYPE_MISMATCH: &str = "the key holds a";

/// The collection of kind `kind` in `v`, None if `v` is absent, an error if it holds another type.
pub(crate) fn coll_of<'g>(v: Option<VersionRef<'g>>, kind: Kind) -> Result<Option<&'g Coll>> {
    let Some(v) = v else { return Ok(None) };
    match v.coll() {
        Some(c) if c.kind() == kind => Ok(Some(c)),
        Some(c) => Err(wrong_type(c.kind(), kind)),
        None => Err(wrong_type(Kind::String, kind)),
    }
}

/// What a write found at its key.
pub(crate) struct Found {
    /// The key held a live collection of the wanted kind (else the edits start from empty).
    pub existed: bool,
}

impl Db {
    /// Reads the collection at `key` (None if absent or expired) without a lock.
    pub(crate) fn read_coll<R>(&self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R> {
        let engine = self.engine();
        engine.check_open()?;
        engine.ops.gets.incr();
        let guard = epoch::pin();
        let seq = engine.visible.load(std::sync::atomic::Ordering::Acquire);
        let v = engine.get_at_fresh(key, seq, &guard);
        Ok(f(coll_of(v, kind)?))
    }

    /// The type of the value at `key`, None if there is none.
    pub fn kind_of(&self, key: impl AsRef<[u8]>) -> Result<Option<Kind>> {
        let engine = self.engine();
        engine.check_open()?;
        let guard = epoch::pin();
        let seq = engine.visible.load(std::sync::atomic::Ordering::Acquire);
        Ok(engine.get_at_fresh(key.as_ref(), seq, &guard).map(|v| v.kind()))
    }

    /// One atomic commit of element edits to the collection at `key` (see the file comment).
    /// `f` pushes edits onto the working copy and returns the result; if it pushes none, nothing
    /// is written. An error from `f` writes nothing.
    pub(crate) fn edit_coll<R>(
        &self,
        key: &[u8],
        kind: Kind,
        f: impl FnOnce(&mut Edits, Found) -> Result<R>,
    ) -> Result<R> {
        self.edit_colls(&[key], kind, |edits, found| f(&mut edits[0], Found { existed: found[0] }))
    }

    /// Like `edit_coll` over several keys of one kind in one commit (LMOVE, SMOVE and the store
    /// forms). A key repeated in `keys` is given once: the caller maps positions itself.
    pub(crate) fn edit_colls<R>(
        &self,
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&mut [Edits], &[bool]) -> Result<R>,
    ) -> Result<R> {
        let engine = self.engine();
        for key in keys {
            if key.len() > engine.opts.max_key_size {
                return Err(Error::KeyTooLarge { len: key.len(), max: engine.opts.max_key_size });
            }
        }
        engine.commit_with(|engine, guard| {
            let mut edits = Vec::with_capacity(keys.len());
            let mut existed = Vec::with_capacity(keys.len());
            for key in keys {
                let current = coll_of(latest_live(engine, key, guard), kind)?;
                existed.push(current.is_some());
                edits.push(Edits::new(current.cloned().unwrap_or_else(|| Coll::empty(kind))));
            }
            let result = f(&mut edits, &existed)?;
            let ops = keys
                .iter()
                .zip(edits)
                .zip(existed)
                .filter(|((_, e), _)| !e.is_empty())
                .map(|((key, e), existed)| OwnedOp::Coll {
                    key: key.to_vec(),
                    kind,
                    fresh: !existed,
                    edits: e.encoded,
                    built: Some(Arc::new(e.coll)),
                })
                .collect();
            Ok((ops, result))
        })
    }

    /// One commit that reads the collections of kind `kind` at `keys` (None for an absent key;
    /// another type is an error), lets `f` compute a collection from them, and stores it at `dst`,
    /// replacing what `dst` held whatever its type (deleting it if the result is empty): the
    /// store forms (SINTERSTORE, ZUNIONSTORE...). The log records every element of the result.
    pub(crate) fn combine_store<R>(
        &self,
        dst: &[u8],
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&[Option<Coll>]) -> Result<(Coll, R)>,
    ) -> Result<R> {
        self.combine_store_with(
            dst,
            keys,
            |c| if c.kind() == kind { Ok(c.clone()) } else { Err(wrong_type(c.kind(), kind)) },
            kind,
            f,
        )
    }

    /// `combine_store` with `read` turning each source collection into what `f` takes (or
    /// refusing its type); a string source is refused as not being a `wanted`.
    pub(crate) fn combine_store_with<T, R>(
        &self,
        dst: &[u8],
        keys: &[&[u8]],
        read: impl Fn(&Coll) -> Result<T>,
        wanted: Kind,
        f: impl FnOnce(&[Option<T>]) -> Result<(Coll, R)>,
    ) -> Result<R> {
        let engine = self.engine();
        if dst.len() > engine.opts.max_key_size {
            return Err(Error::KeyTooLarge { len: dst.len(), max: engine.opts.max_key_size });
        }
        engine.commit_with(|engine, guard| {
            let mut sources = Vec::with_capacity(keys.len());
            for key in keys {
                sources.push(match latest_live(engine, key, guard) {
                    None => None,
                    Some(v) => match v.coll() {
                        Some(c) => Some(read(c)?),
                        None => return Err(wrong_type(Kind::String, wanted)),
                    },
                });
            }
            let (coll, result) = f(&sources)?;
            let existed = latest_live(engine, dst, guard).is_some();
            let ops = if coll.is_empty() {
                if existed {
                    vec![OwnedOp::Delete { key: dst.to_vec() }]
                } else {
                    vec![]
                }
            } else {
                let mut encoded = Vec::new();
                super::edit::encode_all(&coll, &mut encoded);
                let kind = coll.kind();
                vec![OwnedOp::Coll {
                    key: dst.to_vec(),
                    kind,
                    fresh: true,
                    edits: encoded,
                    built: Some(Arc::new(coll)),
                }]
            };
            Ok((ops, result))
        })
    }
}

impl crate::snapshot::Snapshot {
    /// Reads the collection at `key` as of this snapshot.
    pub(crate) fn read_coll<R>(&self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R> {
        let engine = &self.view.engine;
        engine.check_open()?;
        let guard = epoch::pin();
        let v = engine.get_at(key, self.view.seq, &guard);
        Ok(f(coll_of(v, kind)?))
    }
}
