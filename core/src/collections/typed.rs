//! The primitives every typed method is written with, over the two places a typed operation can
//! run: straight on the store (`DbAccess`), or inside a transaction (`Transaction`).
//!
//! On the store, `edit_coll` decides under the commit lock, on the latest applied state: it
//! hands the caller a working copy of the collection (an O(1) clone of its trees), the caller
//! pushes edits that apply to the copy as they are made, and the commit logs the encoded edits
//! and installs the copy itself as the key's new version, so applying repeats no work. In a
//! transaction the working copy is kept with the transaction's buffered writes and logged at
//! commit, after validation proved the key unchanged since the snapshot the edits were made on.
//!
//! Each family writes its methods once, generic over `Access`, and `typed_api!` declares them on
//! `Db` and on `Transaction`.

use std::sync::Arc;

use crossbeam_epoch as epoch;

use super::coll::{Coll, Kind};
use super::edit::Edits;
use crate::db::{latest_live, Db};
use crate::error::{Error, Result};
use crate::item::VersionRef;
use crate::transaction::{Transaction, Write};
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

/// Turns a source collection into what a combining operation takes, or refuses its type.
pub(crate) type ReadSource<'a, T> = &'a dyn Fn(&Coll) -> Result<T>;

/// Where typed operations run (see the file comment).
pub(crate) trait Access {
    /// Reads the collection at `key` (None if absent or expired).
    fn read_coll<R>(&mut self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R>;

    /// One atomic change of the collections at `keys` (distinct; a caller with one key twice
    /// passes it once): `f` pushes edits on their working copies. Edits pushed before `f` fails
    /// are dropped with it.
    fn edit_colls<R>(
        &mut self,
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&mut [Edits], &[bool]) -> Result<R>,
    ) -> Result<R>;

    /// Reads every source at one state (`read` converts each, a string is refused as not a
    /// `wanted`), lets `f` compute a collection, and stores it at `dst` replacing whatever it held
    /// (deleting it if the result is empty); with `dst` None only reads.
    fn combine<T, R>(
        &mut self,
        dst: Option<&[u8]>,
        keys: &[&[u8]],
        read: ReadSource<'_, T>,
        wanted: Kind,
        f: impl FnOnce(&[Option<T>]) -> Result<(Option<Coll>, R)>,
    ) -> Result<R>;

    /// The largest element (field, value, member) allowed.
    fn max_element(&self) -> usize;

    fn edit_coll<R>(&mut self, key: &[u8], kind: Kind, f: impl FnOnce(&mut Edits, Found) -> Result<R>) -> Result<R> {
        self.edit_colls(&[key], kind, |edits, found| f(&mut edits[0], Found { existed: found[0] }))
    }

    /// An element is held to the value size limit before anything is written.
    fn check_element(&self, b: &[u8]) -> Result<()> {
        let max = self.max_element();
        if b.len() > max {
            return Err(Error::ValueTooLarge { len: b.len(), max });
        }
        Ok(())
    }
}

/// A source read under the commit lock or at a snapshot: None if absent.
fn source<T>(v: Option<VersionRef<'_>>, read: ReadSource<'_, T>, wanted: Kind) -> Result<Option<T>> {
    match v {
        None => Ok(None),
        Some(v) => match v.coll() {
            Some(c) => read(c).map(Some),
            None => Err(wrong_type(Kind::String, wanted)),
        },
    }
}

/// The op storing `coll` at `dst` in place of whatever it held (`existed`).
pub(crate) fn replace_op(dst: &[u8], coll: Coll, existed: bool) -> Option<OwnedOp> {
    if coll.is_empty() {
        return existed.then(|| OwnedOp::Delete { key: dst.to_vec() });
    }
    let mut encoded = Vec::new();
    super::edit::encode_all(&coll, &mut encoded);
    Some(OwnedOp::Coll {
        key: dst.to_vec(),
        kind: coll.kind(),
        fresh: true,
        edits: encoded,
        built: Some(Arc::new(coll)),
    })
}

/// Typed operations straight on the store.
pub(crate) struct DbAccess<'a>(pub &'a Db);

impl DbAccess<'_> {
    fn check_key(&self, key: &[u8]) -> Result<()> {
        let max = self.0.engine().opts.max_key_size;
        if key.len() > max {
            return Err(Error::KeyTooLarge { len: key.len(), max });
        }
        Ok(())
    }
}

impl Access for DbAccess<'_> {
    fn read_coll<R>(&mut self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R> {
        let engine = self.0.engine();
        engine.check_open()?;
        engine.ops.gets.incr();
        let guard = epoch::pin();
        let seq = engine.visible.load(std::sync::atomic::Ordering::Acquire);
        let v = engine.get_at_fresh(key, seq, &guard);
        Ok(f(coll_of(v, kind)?))
    }

    fn edit_colls<R>(
        &mut self,
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&mut [Edits], &[bool]) -> Result<R>,
    ) -> Result<R> {
        for key in keys {
            self.check_key(key)?;
        }
        self.0.engine().commit_with(|engine, guard| {
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

    fn combine<T, R>(
        &mut self,
        dst: Option<&[u8]>,
        keys: &[&[u8]],
        read: ReadSource<'_, T>,
        wanted: Kind,
        f: impl FnOnce(&[Option<T>]) -> Result<(Option<Coll>, R)>,
    ) -> Result<R> {
        let engine = self.0.engine();
        let Some(dst) = dst else {
            // A read: one snapshot gives every source at the same sequence, without the lock.
            let snap = self.0.snapshot()?;
            let guard = epoch::pin();
            let mut sources = Vec::with_capacity(keys.len());
            for key in keys {
                sources.push(source(engine.get_at(key, snap.view.seq, &guard), read, wanted)?);
            }
            return f(&sources).map(|(_, r)| r);
        };
        self.check_key(dst)?;
        engine.commit_with(|engine, guard| {
            let mut sources = Vec::with_capacity(keys.len());
            for key in keys {
                sources.push(source(latest_live(engine, key, guard), read, wanted)?);
            }
            let (coll, result) = f(&sources)?;
            let existed = latest_live(engine, dst, guard).is_some();
            let ops = coll.and_then(|c| replace_op(dst, c, existed)).into_iter().collect();
            Ok((ops, result))
        })
    }

    fn max_element(&self) -> usize {
        self.0.engine().opts.max_value_size
    }
}

/// Typed operations inside a transaction: reads see its own writes first, then its snapshot
/// (each key read joins its read set, so a concurrent change to it is a conflict at commit);
/// writes stay buffered with its other writes.
impl Access for Transaction {
    fn read_coll<R>(&mut self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R> {
        self.view.engine.check_open()?;
        match self.writes.get(key) {
            Some(Write::Put(..)) => Err(wrong_type(Kind::String, kind)),
            Some(Write::Delete) => Ok(f(None)),
            Some(Write::Coll { edits, .. }) if edits.coll.is_empty() => Ok(f(None)),
            Some(Write::Coll { edits, .. }) if edits.coll.kind() == kind => Ok(f(Some(&edits.coll))),
            Some(Write::Coll { edits, .. }) => Err(wrong_type(edits.coll.kind(), kind)),
            None => {
                self.reads.insert(key.to_vec());
                let guard = epoch::pin();
                let v = self.view.engine.get_at(key, self.view.seq, &guard);
                Ok(f(coll_of(v, kind)?))
            }
        }
    }

    fn edit_colls<R>(
        &mut self,
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&mut [Edits], &[bool]) -> Result<R>,
    ) -> Result<R> {
        self.view.engine.check_open()?;
        let mut work = Vec::with_capacity(keys.len());
        let mut existed = Vec::with_capacity(keys.len());
        for key in keys {
            let (edits, fresh) = match self.writes.get(*key) {
                Some(Write::Put(..)) => return Err(wrong_type(Kind::String, kind)),
                Some(Write::Delete) => (Edits::new(Coll::empty(kind)), true),
                Some(Write::Coll { edits, fresh }) if edits.coll.kind() == kind => (edits.clone(), *fresh),
                // Emptied earlier in this transaction: the key is free for another type.
                Some(Write::Coll { edits, .. }) if edits.coll.is_empty() => (Edits::new(Coll::empty(kind)), true),
                Some(Write::Coll { edits, .. }) => return Err(wrong_type(edits.coll.kind(), kind)),
                None => {
                    self.reads.insert(key.to_vec());
                    let guard = epoch::pin();
                    match coll_of(self.view.engine.get_at(key, self.view.seq, &guard), kind)? {
                        Some(c) => (Edits::new(c.clone()), false),
                        None => (Edits::new(Coll::empty(kind)), true),
                    }
                }
            };
            existed.push(!edits.coll.is_empty());
            work.push((edits.encoded.len(), fresh, edits));
        }
        let mut edits: Vec<Edits> = work.iter().map(|(_, _, e)| e.clone()).collect();
        let result = f(&mut edits, &existed)?;
        for (key, ((before, fresh, _), e)) in keys.iter().zip(work.into_iter().zip(edits)) {
            if e.encoded.len() > before {
                self.writes.insert(key.to_vec(), Write::Coll { edits: e, fresh });
            }
        }
        Ok(result)
    }

    fn combine<T, R>(
        &mut self,
        dst: Option<&[u8]>,
        keys: &[&[u8]],
        read: ReadSource<'_, T>,
        wanted: Kind,
        f: impl FnOnce(&[Option<T>]) -> Result<(Option<Coll>, R)>,
    ) -> Result<R> {
        self.view.engine.check_open()?;
        let mut sources = Vec::with_capacity(keys.len());
        for key in keys {
            sources.push(match self.writes.get(*key) {
                Some(Write::Put(..)) => return Err(wrong_type(Kind::String, wanted)),
                Some(Write::Delete) => None,
                Some(Write::Coll { edits, .. }) if edits.coll.is_empty() => None,
                Some(Write::Coll { edits, .. }) => Some(read(&edits.coll)?),
                None => {
                    self.reads.insert(key.to_vec());
                    let guard = epoch::pin();
                    source(self.view.engine.get_at(key, self.view.seq, &guard), read, wanted)?
                }
            });
        }
        let (coll, result) = f(&sources)?;
        if let (Some(dst), Some(coll)) = (dst, coll) {
            let write = if coll.is_empty() {
                Write::Delete
            } else {
                let mut edits = Edits::new(coll);
                super::edit::encode_all(&edits.coll, &mut edits.encoded);
                Write::Coll { edits, fresh: true }
            };
            self.writes.insert(dst.to_vec(), write);
        }
        Ok(result)
    }

    fn max_element(&self) -> usize {
        self.view.engine.opts.max_value_size
    }
}

impl Db {
    /// The type of the value at `key`, None if there is none.
    pub fn kind_of(&self, key: impl AsRef<[u8]>) -> Result<Option<Kind>> {
        let engine = self.engine();
        engine.check_open()?;
        let guard = epoch::pin();
        let seq = engine.visible.load(std::sync::atomic::Ordering::Acquire);
        Ok(engine.get_at_fresh(key.as_ref(), seq, &guard).map(|v| v.kind()))
    }
}

/// Declares typed methods written once as generic functions over `Access` (`name(a, args)`) as
/// methods of `Db` (`&self`) and of `Transaction` (`&mut self`).
macro_rules! typed_api {
    ($(
        $(#[$doc:meta])*
        fn $name:ident $(<$($g:ident: $b:path),*>)? ($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;
    )*) => {
        impl crate::db::Db {
            $(
                $(#[$doc])*
                pub fn $name $(<$($g: $b),*>)? (&self, $($arg: $ty),*) -> crate::error::Result<$ret> {
                    $name(&mut crate::collections::typed::DbAccess(self), $($arg),*)
                }
            )*
        }
        impl crate::transaction::Transaction {
            $(
                $(#[$doc])*
                pub fn $name $(<$($g: $b),*>)? (&mut self, $($arg: $ty),*) -> crate::error::Result<$ret> {
                    $name(self, $($arg),*)
                }
            )*
        }
    };
}
pub(crate) use typed_api;
