//! The work behind the `*Async` methods: each runs one blocking engine call on the libuv thread
//! pool (so an fsync with `sync: 'always'`, a checkpoint, a backup or a close never stalls the
//! event loop) and settles a Promise with the result, rejecting with an `ERR_SCALODB_*` error.

use std::path::PathBuf;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use scalodb::{Db, WriteBatch};

use crate::error::{db_error, rejection};

/// One blocking call on the store.
pub enum Job {
    Put { key: Vec<u8>, value: Vec<u8>, ttl: Option<Duration> },
    Delete { key: Vec<u8> },
    Write(WriteBatch),
    Backup(PathBuf),
    Checkpoint,
    Sync,
    Close,
}

/// A job whose Promise resolves with nothing.
pub struct VoidTask {
    pub db: Db,
    pub job: Job,
}

/// `deleteAsync`: resolves with whether the key existed.
pub struct DeleteTask {
    pub db: Db,
    pub key: Vec<u8>,
}

#[napi]
impl Task for VoidTask {
    type Output = scalodb::Result<()>;
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let db = &self.db;
        Ok(match std::mem::replace(&mut self.job, Job::Sync) {
            Job::Put { key, value, ttl: None } => db.put(key, value),
            Job::Put { key, value, ttl: Some(ttl) } => db.put_with_ttl(key, value, ttl),
            Job::Delete { key } => db.delete(key).map(|_| ()),
            Job::Write(batch) => db.write(batch),
            Job::Backup(dest) => db.backup(dest),
            Job::Checkpoint => db.checkpoint(),
            Job::Sync => db.sync(),
            Job::Close => db.close(),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<()> {
        output.map_err(|e| rejection(&env, db_error(e)))
    }
}

#[napi]
impl Task for DeleteTask {
    type Output = scalodb::Result<bool>;
    type JsValue = bool;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.db.delete(&self.key))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<bool> {
        output.map_err(|e| rejection(&env, db_error(e)))
    }
}
