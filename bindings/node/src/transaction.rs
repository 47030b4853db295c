//! `db.transaction(fn)` and the `Transaction` its callback receives: an optimistic, serializable
//! transaction of the engine. The callback reads from a snapshot and buffers writes; when it
//! returns, the writes commit atomically, or, if something it read or wrote was changed by another
//! commit meanwhile, the callback runs again in a fresh transaction. The retry loop lives here
//! rather than in the engine's `Db::transaction` because each attempt calls back into JavaScript.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::bytes::{bytes_of, Blob, Encoding, Entry};
use crate::db::Database;
use crate::error::{db_error, internal, invalid, rejection, OrThrow, Result, CLOSED};
use crate::options::ScanOptions;
use crate::scan::Plan;

/// Retries after a conflict when `TransactionOptions.retries` is not given (the engine's default).
const DEFAULT_RETRIES: u32 = 10;

/// Options of `db.transaction()`.
#[napi(object)]
pub struct TransactionOptions {
    /// How many times the callback runs again after a conflicting commit (default 10) before
    /// `transaction()` throws `ERR_SCALODB_CONFLICT`.
    pub retries: Option<u32>,
}

/// One attempt's engine transaction, shared by the JavaScript `Transaction` object and the retry
/// loop, which takes it back to commit it. `None` once the callback has returned.
type Shared = Rc<RefCell<Option<scalodb::Transaction>>>;

/// The transaction a `db.transaction()` callback receives. Valid only while the callback runs:
/// kept and used later, every method throws `ERR_SCALODB_CLOSED`.
#[napi]
pub struct Transaction {
    inner: Shared,
}

impl Transaction {
    fn with<T>(&self, f: impl FnOnce(&mut scalodb::Transaction) -> Result<T>) -> Result<T> {
        // Methods never call back into JavaScript while holding the borrow, so it cannot be
        // taken twice; the error path only guards against a future change breaking that.
        let mut slot = self.inner.try_borrow_mut().map_err(|_| invalid("the transaction is busy"))?;
        match slot.as_mut() {
            Some(tx) => f(tx),
            None => Err(Error::new(CLOSED, "the transaction has ended: its callback returned".to_string())),
        }
    }

    fn value(&self, key: &Unknown, encoding: Encoding) -> Result<Option<Blob>> {
        let key = bytes_of(key, "key")?;
        let value = self.with(|tx| tx.get(&key).or_throw())?;
        Ok(value.map(|bytes| Blob { bytes, encoding }))
    }
}

#[napi]
impl Transaction {
    /// The value of `key` as this transaction sees it (its own writes included), or `null`.
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "Buffer | null")]
    pub fn get(&self, key: Unknown) -> Result<Option<Blob>> {
        self.value(&key, Encoding::Buffer)
    }

    /// `get`, decoded as UTF-8.
    #[napi(ts_args_type = "key: string | Uint8Array", ts_return_type = "string | null")]
    pub fn get_string(&self, key: Unknown) -> Result<Option<Blob>> {
        self.value(&key, Encoding::Utf8)
    }

    /// Whether `key` holds a value as this transaction sees it.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn has(&self, key: Unknown) -> Result<bool> {
        Ok(self.value(&key, Encoding::Buffer)?.is_some())
    }

    /// Buffers a put; it is written when the callback returns.
    #[napi(ts_args_type = "key: string | Uint8Array, value: string | Uint8Array")]
    pub fn put(&self, key: Unknown, value: Unknown) -> Result<()> {
        let (key, value) = (bytes_of(&key, "key")?, bytes_of(&value, "value")?);
        self.with(|tx| {
            tx.put(key, value);
            Ok(())
        })
    }

    /// Buffers a delete; it is written when the callback returns.
    #[napi(ts_args_type = "key: string | Uint8Array")]
    pub fn delete(&self, key: Unknown) -> Result<()> {
        let key = bytes_of(&key, "key")?;
        self.with(|tx| {
            tx.delete(key);
            Ok(())
        })
    }

    /// The entries of a range or prefix as this transaction sees them, as an array (the same
    /// options as `db.scan()`). The whole range counts as read, even past `limit`: a key another
    /// commit adds to it, changes or removes makes this transaction conflict.
    #[napi]
    pub fn scan(&self, options: Option<ScanOptions>) -> Result<Vec<Entry>> {
        let plan = Plan::parse(options)?;
        self.with(|tx| plan.run_in(tx).or_throw())
    }

    /// The sequence number of the snapshot this transaction reads.
    #[napi(getter)]
    pub fn sequence(&self) -> Result<i64> {
        self.with(|tx| Ok(tx.sequence() as i64))
    }
}

#[napi]
impl Database {
    /// Runs `fn(tx)` in a transaction and commits its writes when it returns; returns what it
    /// returned. If it throws, nothing is written and the error propagates. If the commit
    /// conflicts, `fn` runs again in a fresh transaction, up to `retries` times (with a short
    /// pause that grows), then `ERR_SCALODB_CONFLICT` is thrown. `fn` must be synchronous: a
    /// returned Promise rolls back and throws `ERR_SCALODB_INVALID_ARGUMENT`.
    #[napi(
        ts_generic_types = "T",
        ts_args_type = "fn: (tx: Transaction) => T, options?: TransactionOptions",
        ts_return_type = "T"
    )]
    pub fn transaction<'a>(
        &self,
        env: &'a Env,
        f: Unknown<'a>,
        options: Option<TransactionOptions>,
    ) -> napi::Result<Unknown<'a>> {
        // Taken as `Unknown` and checked here, so that a non-function gets our code rather than
        // napi-rs's conversion error.
        if f.get_type()? != ValueType::Function {
            return Err(rejection(env, invalid("transaction() takes a function")));
        }
        // SAFETY: `f` was just checked to be a JavaScript function.
        let f = unsafe { f.cast::<Function<'a, Transaction, Unknown<'a>>>() }?;
        // Errors are built as JavaScript objects (`rejection`) because this method returns napi's
        // own error type: that is what lets it rethrow the callback's error object unchanged.
        let retries = options.and_then(|o| o.retries).unwrap_or(DEFAULT_RETRIES);
        let mut attempt = 0;
        loop {
            let tx = self.db.begin().map_err(|e| rejection(env, db_error(e)))?;
            let shared: Shared = Rc::new(RefCell::new(Some(tx)));
            let returned = f.call(Transaction { inner: shared.clone() });
            // The attempt ends here whatever happened: a kept `tx` object is closed from now on.
            let tx = shared.try_borrow_mut().ok().and_then(|mut slot| slot.take());
            // A throw from `fn` drops `tx` (a rollback) and propagates the very error thrown.
            let out = returned?;
            if out.is_promise().map_err(|e| rejection(env, internal(e)))? {
                return Err(rejection(
                    env,
                    invalid(
                        "the transaction callback returned a Promise: it must be synchronous (its writes \
                         were rolled back)",
                    ),
                ));
            }
            let tx = tx.ok_or_else(|| rejection(env, internal(napi::Error::from_reason("transaction lost"))))?;
            match tx.commit() {
                Ok(()) => return Ok(out),
                Err(scalodb::Error::Conflict) if attempt < retries => {
                    attempt += 1;
                    // Contending writers spread out a little more after each conflict.
                    std::thread::sleep(Duration::from_micros(50 << attempt.min(6)));
                }
                Err(e) => return Err(rejection(env, db_error(e))),
            }
        }
    }
}
