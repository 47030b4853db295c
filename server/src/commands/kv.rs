//! `Kv`: the few operations commands are written against, with two implementations: straight on
//! the database (each call atomic on its own), and inside an engine transaction (MULTI/EXEC and
//! the read-modify-write commands such as GETSET or APPEND).
//!
//! Inside a transaction an expiry is written with the value (`Transaction::put_with_ttl`); setting
//! or clearing only the expiry of a key rewrites its value with the new expiry, so values and
//! expiries commit together, atomically.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use scalodb::{Db, Error, Result, Transaction, Ttl, WriteBatch};

/// Milliseconds since the Unix epoch.
pub fn unix_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The expiry a write gives its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// No time-to-live (a plain SET clears any).
    Never,
    /// Keep the key's current time-to-live (KEEPTTL, APPEND, INCR...).
    Keep,
    /// Expire at this Unix time in milliseconds.
    At(u64),
}

/// The data operations commands use.
pub trait Kv {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>>;
    fn contains(&mut self, key: &[u8]) -> Result<bool>;
    fn set(&mut self, key: &[u8], value: &[u8], expiry: Expiry) -> Result<()>;
    /// Sets `key` only if it holds no value; returns whether it did.
    fn set_if_absent(&mut self, key: &[u8], value: &[u8]) -> Result<bool>;
    fn set_many(&mut self, pairs: &mut dyn Iterator<Item = (&[u8], &[u8])>) -> Result<()>;
    fn delete(&mut self, key: &[u8]) -> Result<bool>;
    fn ttl(&mut self, key: &[u8]) -> Result<Ttl>;
    /// Sets (`Some`, Unix ms) or removes (`None`) the expiry of a live key; returns whether the
    /// key was live (for `None`: whether it had an expiry). A time in the past deletes the key.
    fn expire_at(&mut self, key: &[u8], at: Option<u64>) -> Result<bool>;
    fn increment(&mut self, key: &[u8], delta: i64) -> Result<i64>;
}

fn remaining(at: u64) -> Option<Duration> {
    let now = unix_ms();
    (at > now).then(|| Duration::from_millis(at - now))
}

/// Every call goes straight to the database.
pub struct DbKv<'a>(pub &'a Db);

impl Kv for DbKv<'_> {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.0.get(key)
    }

    fn contains(&mut self, key: &[u8]) -> Result<bool> {
        self.0.contains(key)
    }

    fn set(&mut self, key: &[u8], value: &[u8], expiry: Expiry) -> Result<()> {
        let at = match expiry {
            Expiry::Never => return self.0.put(key, value),
            Expiry::At(at) => at,
            // Not atomic with the read of the TTL; commands that need that run in a transaction.
            Expiry::Keep => match self.0.ttl(key)? {
                Ttl::Remaining(d) => unix_ms() + d.as_millis() as u64,
                Ttl::Missing | Ttl::Forever => return self.0.put(key, value),
            },
        };
        match remaining(at) {
            Some(d) => self.0.put_with_ttl(key, value, d),
            // Already expired: the key ends up absent, as in Redis.
            None => self.0.delete(key).map(drop),
        }
    }

    fn set_if_absent(&mut self, key: &[u8], value: &[u8]) -> Result<bool> {
        self.0.put_if_absent(key, value)
    }

    fn set_many(&mut self, pairs: &mut dyn Iterator<Item = (&[u8], &[u8])>) -> Result<()> {
        let mut batch = WriteBatch::new();
        for (k, v) in pairs {
            batch.put(k, v);
        }
        self.0.write(batch)
    }

    fn delete(&mut self, key: &[u8]) -> Result<bool> {
        self.0.delete(key)
    }

    fn ttl(&mut self, key: &[u8]) -> Result<Ttl> {
        self.0.ttl(key)
    }

    fn expire_at(&mut self, key: &[u8], at: Option<u64>) -> Result<bool> {
        match at.map(remaining) {
            None => self.0.persist(key),
            Some(Some(d)) => self.0.expire(key, d),
            Some(None) => self.0.delete(key),
        }
    }

    fn increment(&mut self, key: &[u8], delta: i64) -> Result<i64> {
        self.0.increment(key, delta)
    }
}

/// An engine transaction, and the expiries it gave keys (which its reads must see).
pub struct TxStore {
    db: Db,
    tx: Transaction,
    /// The expiry each key written by this transaction ends with (`Some(ms)`, or `None`: none).
    expiries: HashMap<Vec<u8>, Option<u64>>,
}

impl TxStore {
    pub fn begin(db: &Db) -> Result<TxStore> {
        Ok(TxStore { db: db.clone(), tx: db.begin()?, expiries: HashMap::new() })
    }

    /// Adds `key`, whatever it holds, to the transaction's read set (WATCH).
    pub fn watch(&mut self, key: &[u8]) -> Result<()> {
        self.tx.kind_of(key).map(drop)
    }

    /// The engine transaction, for the typed commands (`Ctx::coll`).
    pub fn transaction(&mut self) -> &mut Transaction {
        &mut self.tx
    }

    /// Commits values, collections and expiries atomically. `Err(Error::Conflict)` if something
    /// read (a watched key included) or written changed since the transaction began: a
    /// transaction that wrote nothing is validated all the same, for WATCH.
    pub fn commit(self) -> Result<()> {
        if self.tx.is_read_only() {
            return self.tx.validate();
        }
        self.tx.commit()
    }

    /// Whether `key` holds anything (of any type) as the transaction sees it.
    fn exists(&mut self, key: &[u8]) -> Result<bool> {
        if let Some(Some(at)) = self.expiries.get(key) {
            if *at <= unix_ms() {
                return Ok(false);
            }
        }
        Ok(self.tx.kind_of(key)?.is_some())
    }

    /// Whether `key` holds a collection as the transaction sees it.
    fn holds_collection(&mut self, key: &[u8]) -> Result<bool> {
        Ok(self.tx.kind_of(key)?.is_some_and(|k| k != scalodb::Kind::String))
    }

    /// Buffers `key = value` ending with expiry `at` (Unix ms, in the future) or none.
    fn write(&mut self, key: &[u8], value: &[u8], at: Option<u64>) {
        match at.and_then(remaining) {
            Some(d) => self.tx.put_with_ttl(key, value, d),
            None => self.tx.put(key, value),
        }
        self.expiries.insert(key.to_vec(), at);
    }

    fn current_expiry(&mut self, key: &[u8]) -> Result<Option<u64>> {
        if let Some(&at) = self.expiries.get(key) {
            return Ok(at);
        }
        Ok(match self.db.ttl(key)? {
            Ttl::Remaining(d) => Some(unix_ms() + d.as_millis() as u64),
            Ttl::Missing | Ttl::Forever => None,
        })
    }
}

impl Kv for TxStore {
    fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(Some(at)) = self.expiries.get(key) {
            if *at <= unix_ms() {
                return Ok(None);
            }
        }
        self.tx.get(key)
    }

    fn contains(&mut self, key: &[u8]) -> Result<bool> {
        self.exists(key)
    }

    fn set(&mut self, key: &[u8], value: &[u8], expiry: Expiry) -> Result<()> {
        let at = match expiry {
            Expiry::Never => None,
            Expiry::At(at) => Some(at),
            Expiry::Keep => {
                if self.exists(key)? {
                    self.current_expiry(key)?
                } else {
                    None
                }
            }
        };
        if at.is_some_and(|at| at <= unix_ms()) {
            self.delete(key)?;
            return Ok(());
        }
        self.write(key, value, at);
        Ok(())
    }

    fn set_if_absent(&mut self, key: &[u8], value: &[u8]) -> Result<bool> {
        if self.exists(key)? {
            return Ok(false);
        }
        self.set(key, value, Expiry::Never)?;
        Ok(true)
    }

    fn set_many(&mut self, pairs: &mut dyn Iterator<Item = (&[u8], &[u8])>) -> Result<()> {
        for (k, v) in pairs {
            self.set(k, v, Expiry::Never)?;
        }
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<bool> {
        let existed = self.exists(key)?;
        if existed {
            self.tx.delete(key);
            self.expiries.remove(key);
        }
        Ok(existed)
    }

    fn ttl(&mut self, key: &[u8]) -> Result<Ttl> {
        if !self.exists(key)? {
            return Ok(Ttl::Missing);
        }
        Ok(match self.current_expiry(key)? {
            None => Ttl::Forever,
            Some(at) => Ttl::Remaining(Duration::from_millis(at.saturating_sub(unix_ms()))),
        })
    }

    fn expire_at(&mut self, key: &[u8], at: Option<u64>) -> Result<bool> {
        if !self.exists(key)? {
            return Ok(false);
        }
        if self.holds_collection(key)? {
            // A collection is not rewritten: the engine buffers only its new expiry.
            return match at {
                Some(t) if t <= unix_ms() => self.delete(key),
                Some(t) => {
                    self.tx.expire_at(key, t)?;
                    self.expiries.insert(key.to_vec(), Some(t));
                    Ok(true)
                }
                None => {
                    let had = self.current_expiry(key)?.is_some();
                    if had {
                        self.tx.expire_at(key, 0)?;
                        self.expiries.insert(key.to_vec(), None);
                    }
                    Ok(had)
                }
            };
        }
        let Some(value) = self.get(key)? else {
            return Ok(false);
        };
        match at {
            Some(t) if t <= unix_ms() => self.delete(key),
            Some(t) => {
                self.write(key, &value, Some(t));
                Ok(true)
            }
            None => {
                let had = self.current_expiry(key)?.is_some();
                if had {
                    self.write(key, &value, None);
                }
                Ok(had)
            }
        }
    }

    fn increment(&mut self, key: &[u8], delta: i64) -> Result<i64> {
        let old = match self.get(key)? {
            None => 0,
            Some(v) => std::str::from_utf8(&v)
                .ok()
                .and_then(|t| crate::resp::parse_i64(t.as_bytes()))
                .ok_or_else(|| Error::WrongType("the value is not an integer in decimal text".into()))?,
        };
        let new = old
            .checked_add(delta)
            .ok_or_else(|| Error::InvalidArgument(format!("incrementing {old} by {delta} overflows")))?;
        self.set(key, new.to_string().as_bytes(), Expiry::Keep)?;
        Ok(new)
    }
}
