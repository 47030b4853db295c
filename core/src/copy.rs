//! Copying and renaming a key of any type (Redis's COPY and RENAME), on the store and inside a
//! transaction.
//!
//! The whole value moves with its expiry in one commit. A collection is shared, not rebuilt:
//! its persistent tree is immutable, so the destination's version points at the same tree and a
//! later edit of either key copies only the nodes it changes. The log still records every
//! element of a copied collection (a fresh `Op::Coll`), because replay must not depend on what
//! the source held at that point of a log that a checkpoint may have cut.

use std::sync::Arc;

use crossbeam_epoch as epoch;

use crate::collections::coll::Coll;
use crate::collections::edit::{encode_all, Edits};
use crate::db::{latest_live, Db};
use crate::error::{Error, Result};
use crate::item::VersionRef;
use crate::transaction::{Transaction, Write};
use crate::wal::ops::OwnedOp;

/// What a copy or a rename did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    /// The value is at the destination.
    Done,
    /// The source holds nothing: nothing changed.
    NoSource,
    /// The destination holds a value and overwriting was not asked for: nothing changed.
    Taken,
}

/// A key's whole value with its expiry (Unix ms, 0: none).
struct Whole {
    value: Value,
    expires_at: u64,
}

enum Value {
    Str(Vec<u8>),
    Coll(Arc<Coll>),
}

impl Whole {
    fn of(v: VersionRef<'_>) -> Whole {
        let value = match v.coll_arc() {
            Some(c) => Value::Coll(c),
            None => Value::Str(v.value().to_vec()),
        };
        Whole { value, expires_at: v.expires_at() }
    }

    /// The ops that store this value at `key`, replacing whatever it held.
    fn ops(self, key: &[u8], out: &mut Vec<OwnedOp>) {
        match self.value {
            Value::Str(value) => out.push(OwnedOp::Put { key: key.to_vec(), value, expires_at: self.expires_at }),
            Value::Coll(coll) => {
                let mut edits = Vec::new();
                encode_all(&coll, &mut edits);
                // A fresh collection starts without an expiry; the source's follows.
                out.push(OwnedOp::Coll { key: key.to_vec(), kind: coll.kind(), fresh: true, edits, built: Some(coll) });
                if self.expires_at != 0 {
                    out.push(OwnedOp::Expire { key: key.to_vec(), expires_at: self.expires_at });
                }
            }
        }
    }

    /// The buffered write that stores this value at a key of a transaction.
    fn write(self) -> Write {
        match self.value {
            Value::Str(v) => Write::Put(v, self.expires_at),
            Value::Coll(coll) => {
                let mut edits = Edits::new(Coll::clone(&coll));
                encode_all(&edits.coll, &mut edits.encoded);
                Write::Coll { edits, fresh: true, expire: (self.expires_at != 0).then_some(self.expires_at) }
            }
        }
    }
}

fn check_key(db: &Db, key: &[u8]) -> Result<()> {
    let max = db.engine().opts.max_key_size;
    if key.len() > max {
        return Err(Error::KeyTooLarge { len: key.len(), max });
    }
    Ok(())
}

impl Db {
    /// Copies the value at `src`, of any type, with its expiry, to `dst` in one commit. Without
    /// `replace`, a `dst` that holds a value is left alone ([`Moved::Taken`]). Copying a key onto
    /// itself is refused with `Error::InvalidArgument`, as Redis refuses it.
    pub fn copy(&self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, replace: bool) -> Result<Moved> {
        let (src, dst) = (src.as_ref(), dst.as_ref());
        if src == dst {
            return Err(Error::InvalidArgument("the source and the destination of a copy are the same key".into()));
        }
        self.move_value(src, dst, replace, false)
    }

    /// Moves the value at `src`, of any type, with its expiry, to `dst` in one commit, replacing
    /// what `dst` held (unless `overwrite` is false: then a `dst` that holds a value is left
    /// alone, [`Moved::Taken`]). Renaming a key to itself changes nothing.
    pub fn rename(&self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, overwrite: bool) -> Result<Moved> {
        self.move_value(src.as_ref(), dst.as_ref(), overwrite, true)
    }

    fn move_value(&self, src: &[u8], dst: &[u8], replace: bool, remove_src: bool) -> Result<Moved> {
        check_key(self, dst)?;
        self.engine().commit_with(|engine, guard| {
            let Some(v) = latest_live(engine, src, guard) else {
                return Ok((Vec::new(), Moved::NoSource));
            };
            if src == dst {
                return Ok((Vec::new(), Moved::Done));
            }
            if !replace && latest_live(engine, dst, guard).is_some() {
                return Ok((Vec::new(), Moved::Taken));
            }
            let mut ops = Vec::with_capacity(3);
            if remove_src {
                ops.push(OwnedOp::Delete { key: src.to_vec() });
            }
            Whole::of(v).ops(dst, &mut ops);
            Ok((ops, Moved::Done))
        })
    }
}

impl Transaction {
    /// [`Db::copy`] inside the transaction: reads `src` (and, without `replace`, `dst`) as the
    /// transaction sees them, and buffers the copy.
    pub fn copy(&mut self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, replace: bool) -> Result<Moved> {
        let (src, dst) = (src.as_ref(), dst.as_ref());
        if src == dst {
            return Err(Error::InvalidArgument("the source and the destination of a copy are the same key".into()));
        }
        self.move_value(src, dst, replace, false)
    }

    /// [`Db::rename`] inside the transaction.
    pub fn rename(&mut self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, overwrite: bool) -> Result<Moved> {
        self.move_value(src.as_ref(), dst.as_ref(), overwrite, true)
    }

    fn move_value(&mut self, src: &[u8], dst: &[u8], replace: bool, remove_src: bool) -> Result<Moved> {
        let max = self.view.engine.opts.max_key_size;
        if dst.len() > max {
            return Err(Error::KeyTooLarge { len: dst.len(), max });
        }
        let Some(whole) = self.whole(src)? else {
            return Ok(Moved::NoSource);
        };
        if src == dst {
            return Ok(Moved::Done);
        }
        if !replace && self.kind_of(dst)?.is_some() {
            return Ok(Moved::Taken);
        }
        if remove_src {
            self.writes.insert(src.to_vec(), Write::Delete);
        }
        self.writes.insert(dst.to_vec(), whole.write());
        Ok(Moved::Done)
    }

    /// The whole value at `key` as this transaction sees it (a read of `key`).
    fn whole(&mut self, key: &[u8]) -> Result<Option<Whole>> {
        self.view.engine.check_open()?;
        let at_snapshot = |tx: &mut Transaction| -> Option<Whole> {
            tx.reads.insert(key.to_vec());
            let guard = epoch::pin();
            tx.view.engine.get_at(key, tx.view.seq, &guard).map(Whole::of)
        };
        Ok(match self.writes.get(key) {
            Some(Write::Put(v, at)) => Some(Whole { value: Value::Str(v.clone()), expires_at: *at }),
            Some(Write::Delete) => None,
            Some(Write::Coll { edits, .. }) if edits.coll.is_empty() => None,
            Some(Write::Coll { edits, fresh, expire }) => {
                let (coll, fresh, expire) = (Arc::new(edits.coll.clone()), *fresh, *expire);
                // Without a new expiry the key keeps the one it had, unless it started afresh.
                let expires_at = match expire {
                    Some(at) => at,
                    None if fresh => 0,
                    None => at_snapshot(self).map_or(0, |w| w.expires_at),
                };
                Some(Whole { value: Value::Coll(coll), expires_at })
            }
            Some(&Write::Expire(at)) => at_snapshot(self).map(|w| Whole { expires_at: at, ..w }),
            None => at_snapshot(self),
        })
    }
}

impl crate::collections::typed::Target<'_> {
    /// [`Db::copy`] or [`Transaction::copy`], whichever this target is.
    pub fn copy(&mut self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, replace: bool) -> Result<Moved> {
        match self {
            Self::Db(db) => db.copy(src, dst, replace),
            Self::Tx(tx) => tx.copy(src, dst, replace),
        }
    }

    /// [`Db::rename`] or [`Transaction::rename`], whichever this target is.
    pub fn rename(&mut self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, overwrite: bool) -> Result<Moved> {
        match self {
            Self::Db(db) => db.rename(src, dst, overwrite),
            Self::Tx(tx) => tx.rename(src, dst, overwrite),
        }
    }
}
