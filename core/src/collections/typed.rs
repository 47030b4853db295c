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

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crossbeam_epoch as epoch;

use super::coll::{Coll, Kind};
use super::edit::Edits;
use crate::db::{latest_live, Db};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::item::VersionRef;
use crate::iter::ReadView;
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

/// Where a staged write set reads the keys it has not written.
pub(crate) enum Base<'a> {
    /// A transaction's snapshot.
    Snapshot(&'a ReadView),
    /// The latest applied state, under the commit lock (a batch with typed writes).
    Latest(&'a Engine, &'a epoch::Guard),
}

impl Base<'_> {
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<VersionRef<'_>>) -> R) -> R {
        match self {
            Base::Snapshot(view) => {
                let guard = epoch::pin();
                f(view.engine.get_at(key, view.seq, &guard))
            }
            Base::Latest(engine, guard) => f(latest_live(engine, key, guard)),
        }
    }

    fn engine(&self) -> &Engine {
        match self {
            Base::Snapshot(view) => &view.engine,
            Base::Latest(engine, _) => engine,
        }
    }
}

/// Typed operations over buffered writes (a transaction's, or a batch's being decided): reads see
/// the buffered writes first, then `base` (recording each key read in `reads`, when given, so that
/// a transaction detects a concurrent change at commit); writes stay buffered.
pub(crate) struct Staged<'a> {
    pub writes: &'a mut BTreeMap<Vec<u8>, Write>,
    pub reads: Option<&'a mut BTreeSet<Vec<u8>>>,
    pub base: Base<'a>,
}

impl Staged<'_> {
    /// The working copy of `key` after `encoded` (edits this write set made before a call that
    /// failed), rebuilt from the base (or from empty when `fresh`).
    fn rebuild(&self, key: &[u8], kind: Kind, fresh: bool, encoded: &[u8], added: usize) -> Result<Edits> {
        let mut coll = match fresh {
            true => Coll::empty(kind),
            false => {
                self.base.read(key, |v| coll_of(v, kind).map(|c| c.cloned()))?.unwrap_or_else(|| Coll::empty(kind))
            }
        };
        for e in super::edit::decode(encoded).expect("edits this write set encoded") {
            super::edit::apply(&mut coll, &e).expect("edits this write set made fit");
        }
        Ok(Edits { coll, encoded: encoded.to_vec(), added })
    }

    fn note_read(&mut self, key: &[u8]) {
        if let Some(r) = self.reads.as_mut() {
            r.insert(key.to_vec());
        }
    }
}

impl Access for Staged<'_> {
    fn read_coll<R>(&mut self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R> {
        self.base.engine().check_open()?;
        match self.writes.get(key) {
            Some(Write::Put(..)) => Err(wrong_type(Kind::String, kind)),
            Some(Write::Delete) => Ok(f(None)),
            Some(Write::Coll { edits, .. }) if edits.coll.is_empty() => Ok(f(None)),
            Some(Write::Coll { edits, .. }) if edits.coll.kind() == kind => Ok(f(Some(&edits.coll))),
            Some(Write::Coll { edits, .. }) => Err(wrong_type(edits.coll.kind(), kind)),
            Some(Write::Expire(_)) | None => {
                self.note_read(key);
                self.base.read(key, |v| coll_of(v, kind).map(f))
            }
        }
    }

    fn edit_colls<R>(
        &mut self,
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&mut [Edits], &[bool]) -> Result<R>,
    ) -> Result<R> {
        self.base.engine().check_open()?;
        // What each key starts from. A working copy this write set already holds is taken out of
        // it, not cloned: it is then the only owner of the nodes it made, so further edits change
        // them in place instead of copying a root-to-leaf path each (many writes to one key in a
        // transaction, a batch or a server pipeline).
        let mut metas = Vec::with_capacity(keys.len());
        for key in keys {
            let from_writes = match self.writes.get(*key) {
                Some(Write::Put(..)) => return Err(wrong_type(Kind::String, kind)),
                Some(Write::Coll { edits, .. }) if edits.coll.kind() == kind => true,
                Some(Write::Coll { edits, .. }) if !edits.coll.is_empty() => {
                    return Err(wrong_type(edits.coll.kind(), kind))
                }
                _ => false,
            };
            metas.push(from_writes);
        }
        let mut work = Vec::with_capacity(keys.len());
        let mut edits = Vec::with_capacity(keys.len());
        let mut existed = Vec::with_capacity(keys.len());
        for (key, &from_writes) in keys.iter().zip(&metas) {
            let (e, fresh, expire) = if from_writes {
                match self.writes.remove(*key) {
                    Some(Write::Coll { edits, fresh, expire }) => (edits, fresh, expire),
                    _ => unreachable!("checked above"),
                }
            } else {
                match self.writes.get(*key) {
                    // Deleted, or emptied earlier in the same write set: free for any type.
                    Some(Write::Delete | Write::Coll { .. }) => (Edits::new(Coll::empty(kind)), true, None),
                    pending => {
                        let expire = match pending {
                            Some(Write::Expire(at)) => Some(*at),
                            _ => None,
                        };
                        self.note_read(key);
                        match self.base.read(key, |v| coll_of(v, kind).map(|c| c.cloned()))? {
                            Some(c) => (Edits::new(c), false, expire),
                            None => (Edits::new(Coll::empty(kind)), true, None),
                        }
                    }
                }
            };
            existed.push(!e.coll.is_empty());
            work.push((e.encoded.len(), e.added, fresh, expire, from_writes));
            edits.push(e);
        }
        let result = f(&mut edits, &existed);
        for (key, ((before, added, fresh, expire, from_writes), mut e)) in keys.iter().zip(work.into_iter().zip(edits))
        {
            let grew = e.encoded.len() > before;
            if result.is_err() && grew && from_writes {
                // The failed call's edits changed the working copy in place: rebuild it from
                // where the write set started plus the edits made before this call.
                e = self.rebuild(key, kind, fresh, &e.encoded[..before], added)?;
            }
            if from_writes || (grew && result.is_ok()) {
                self.writes.insert(key.to_vec(), Write::Coll { edits: e, fresh, expire });
            }
        }
        result
    }

    fn combine<T, R>(
        &mut self,
        dst: Option<&[u8]>,
        keys: &[&[u8]],
        read: ReadSource<'_, T>,
        wanted: Kind,
        f: impl FnOnce(&[Option<T>]) -> Result<(Option<Coll>, R)>,
    ) -> Result<R> {
        self.base.engine().check_open()?;
        let mut sources = Vec::with_capacity(keys.len());
        for key in keys {
            sources.push(match self.writes.get(*key) {
                Some(Write::Put(..)) => return Err(wrong_type(Kind::String, wanted)),
                Some(Write::Delete) => None,
                Some(Write::Coll { edits, .. }) if edits.coll.is_empty() => None,
                Some(Write::Coll { edits, .. }) => Some(read(&edits.coll)?),
                Some(Write::Expire(_)) | None => {
                    self.note_read(key);
                    self.base.read(key, |v| source(v, read, wanted))?
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
                Write::Coll { edits, fresh: true, expire: None }
            };
            self.writes.insert(dst.to_vec(), write);
        }
        Ok(result)
    }

    fn max_element(&self) -> usize {
        self.base.engine().opts.max_value_size
    }
}

/// Typed operations inside a transaction: its buffered writes over its snapshot (`Staged`).
impl Access for Transaction {
    fn read_coll<R>(&mut self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R> {
        self.staged().read_coll(key, kind, f)
    }

    fn edit_colls<R>(
        &mut self,
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&mut [Edits], &[bool]) -> Result<R>,
    ) -> Result<R> {
        self.staged().edit_colls(keys, kind, f)
    }

    fn combine<T, R>(
        &mut self,
        dst: Option<&[u8]>,
        keys: &[&[u8]],
        read: ReadSource<'_, T>,
        wanted: Kind,
        f: impl FnOnce(&[Option<T>]) -> Result<(Option<Coll>, R)>,
    ) -> Result<R> {
        self.staged().combine(dst, keys, read, wanted, f)
    }

    fn max_element(&self) -> usize {
        self.view.engine.opts.max_value_size
    }
}

/// Typed operations on a store or inside one of its transactions, chosen at run time: what a
/// server needs, whose commands run either alone or inside MULTI/EXEC. Every typed method of
/// `Db` and `Transaction` is a method of `Target` too.
pub enum Target<'a> {
    Db(&'a Db),
    Tx(&'a mut Transaction),
}

impl Target<'_> {
    /// The type of the value at `key` (in a transaction: as it sees it, counted as a read).
    pub fn kind_of(&mut self, key: impl AsRef<[u8]>) -> Result<Option<Kind>> {
        match self {
            Target::Db(db) => db.kind_of(key),
            Target::Tx(tx) => tx.kind_of(key),
        }
    }
}

impl Access for Target<'_> {
    fn read_coll<R>(&mut self, key: &[u8], kind: Kind, f: impl FnOnce(Option<&Coll>) -> R) -> Result<R> {
        match self {
            Target::Db(db) => DbAccess(db).read_coll(key, kind, f),
            Target::Tx(tx) => tx.read_coll(key, kind, f),
        }
    }

    fn edit_colls<R>(
        &mut self,
        keys: &[&[u8]],
        kind: Kind,
        f: impl FnOnce(&mut [Edits], &[bool]) -> Result<R>,
    ) -> Result<R> {
        match self {
            Target::Db(db) => DbAccess(db).edit_colls(keys, kind, f),
            Target::Tx(tx) => tx.edit_colls(keys, kind, f),
        }
    }

    fn combine<T, R>(
        &mut self,
        dst: Option<&[u8]>,
        keys: &[&[u8]],
        read: ReadSource<'_, T>,
        wanted: Kind,
        f: impl FnOnce(&[Option<T>]) -> Result<(Option<Coll>, R)>,
    ) -> Result<R> {
        match self {
            Target::Db(db) => DbAccess(db).combine(dst, keys, read, wanted, f),
            Target::Tx(tx) => tx.combine(dst, keys, read, wanted, f),
        }
    }

    fn max_element(&self) -> usize {
        match self {
            Target::Db(db) => DbAccess(db).max_element(),
            Target::Tx(tx) => tx.max_element(),
        }
    }
}

impl Transaction {
    fn staged(&mut self) -> Staged<'_> {
        Staged { writes: &mut self.writes, reads: Some(&mut self.reads), base: Base::Snapshot(&self.view) }
    }
}

/// Commits a batch with typed writes: staged in order under the commit lock, on the latest state
/// (see `batch.rs`).
pub(crate) fn write_typed_batch(engine: &Engine, batch: &crate::batch::WriteBatch) -> Result<()> {
    use crate::batch::{BatchOp, TypedOp};
    engine.commit_with(|engine, guard| {
        let mut writes = BTreeMap::new();
        let mut st = Staged { writes: &mut writes, reads: None, base: Base::Latest(engine, guard) };
        for op in batch.batch_ops() {
            match op {
                BatchOp::Put { key, value, expires_at } => {
                    st.writes.insert(key.clone(), Write::Put(value.clone(), *expires_at));
                }
                BatchOp::Delete { key } => {
                    st.writes.insert(key.clone(), Write::Delete);
                }
                BatchOp::Typed(t) => {
                    match t {
                        TypedOp::HSet { key, field, value } => super::hashes::hset(&mut st, key, &[(field, value)]),
                        TypedOp::HDel { key, field } => super::hashes::hdel(&mut st, key, &[field]),
                        TypedOp::SAdd { key, member } => super::sets::sadd(&mut st, key, &[member]),
                        TypedOp::SRem { key, member } => super::sets::srem(&mut st, key, &[member]),
                        TypedOp::ZAdd { key, score, member } => {
                            super::zsets::zadd(&mut st, key, &[(*score, member)], Default::default())
                        }
                        TypedOp::ZRem { key, member } => super::zsets::zrem(&mut st, key, &[member]),
                        TypedOp::Push { key, end, value } => super::lists::push(&mut st, key, *end, &[value]),
                    }?;
                }
            }
        }
        Ok((ops_of(writes), ()))
    })
}

/// The ops that commit a set of buffered writes.
pub(crate) fn ops_of(writes: BTreeMap<Vec<u8>, Write>) -> Vec<OwnedOp> {
    let mut ops = Vec::with_capacity(writes.len());
    for (key, w) in writes {
        match w {
            Write::Put(value, expires_at) => ops.push(OwnedOp::Put { key, value, expires_at }),
            Write::Delete => ops.push(OwnedOp::Delete { key }),
            Write::Expire(expires_at) => ops.push(OwnedOp::Expire { key, expires_at }),
            // Edits made on a state the committer proved current (a transaction validated the
            // key unchanged since its snapshot; a batch decided under the commit lock). A new
            // expiry follows in the same record, applied after them.
            Write::Coll { edits, fresh, expire } => {
                let op = OwnedOp::Coll {
                    key: key.clone(),
                    kind: edits.coll.kind(),
                    fresh,
                    edits: edits.encoded,
                    built: Some(Arc::new(edits.coll)),
                };
                ops.push(op);
                if let Some(expires_at) = expire {
                    ops.push(OwnedOp::Expire { key, expires_at });
                }
            }
        }
    }
    ops
}

impl Db {
    /// The type of the value at `key`, None if there is none.
    pub fn kind_of(&self, key: impl AsRef<[u8]>) -> Result<Option<Kind>> {
        self.read_latest(key.as_ref(), |v| v.map(|v| v.kind()))
    }
}

/// Declares typed methods written once as generic functions over `Access` (`name(a, args)`) as
/// methods of `Db` (`&self`), of `Transaction` and of `Target` (`&mut self`).
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
        impl crate::collections::typed::Target<'_> {
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
