//! The portable dump format (docs/FORMAT.md): a header line `scalodb-dump 2`, then in key order one
//! line per string key, `<key hex> <value hex> <expiry>`, and for a hash, list, set or sorted set a
//! line `<key hex> <type> <expiry> <count>` followed by its `count` elements, one per line. Text
//! only, so it survives any transport; key order, so a load builds the same store. Version 1 dumps
//! (strings only, the same string lines) still load.

use std::io::{BufRead, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use scalodb::{Db, End, Error, Kind, Result, Ttl, WriteBatch, ZAddFlags};

pub const HEADER: &str = "scalodb-dump 2";
/// The header of dumps written before collections existed: string lines only.
const HEADER_V1: &str = "scalodb-dump 1";
/// Elements per write while loading a large collection.
const CHUNK: usize = 1000;

fn hex(b: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &c in b {
        out.push(DIGITS[(c >> 4) as usize] as char);
        out.push(DIGITS[(c & 15) as usize] as char);
    }
}

fn unhex(s: &str, line: usize) -> Result<Vec<u8>> {
    let bad = || Error::InvalidArgument(format!("dump line {line}: bad hex"));
    if !s.len().is_multiple_of(2) {
        return Err(bad());
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| bad())).collect()
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Writes every live key of a consistent snapshot (values, elements and expiries as of that
/// snapshot). Returns the number of keys.
pub fn dump(db: &Db, out: &mut impl Write, progress: &indicatif::ProgressBar) -> Result<u64> {
    let io = |e: std::io::Error| Error::Io { context: "writing the dump".into(), source: e };
    writeln!(out, "{HEADER}").map_err(io)?;
    let snap = db.snapshot()?;
    // Typed reads at the snapshot; it writes nothing.
    let mut reader = snap.transaction();
    let mut n = 0;
    let mut line = String::new();
    for entry in snap.iter()? {
        let (k, v) = entry?;
        let expires_at = match snap.ttl(&k)? {
            Ttl::Remaining(d) => now_ms() + d.as_millis() as u64,
            _ => 0,
        };
        line.clear();
        hex(&k, &mut line);
        // A collection's scan value is empty: its type says which it is.
        let kind = if v.is_empty() { snap.kind_of(&k)?.unwrap_or(Kind::String) } else { Kind::String };
        match kind {
            Kind::String => {
                line.push(' ');
                hex(&v, &mut line);
                line.push_str(&format!(" {expires_at}\n"));
            }
            Kind::Hash => {
                let pairs = reader.hgetall(&k)?;
                line.push_str(&format!(" hash {expires_at} {}\n", pairs.len()));
                for (f, v) in pairs {
                    hex(&f, &mut line);
                    line.push(' ');
                    hex(&v, &mut line);
                    line.push('\n');
                }
            }
            Kind::List | Kind::Set => {
                let items = if kind == Kind::List { reader.lrange(&k, 0, -1)? } else { reader.smembers(&k)? };
                line.push_str(&format!(" {kind} {expires_at} {}\n", items.len()));
                for item in items {
                    hex(&item, &mut line);
                    line.push('\n');
                }
            }
            Kind::ZSet => {
                let entries = reader.zrange(&k, 0, -1, false)?;
                line.push_str(&format!(" zset {expires_at} {}\n", entries.len()));
                for (m, score) in entries {
                    hex(&m, &mut line);
                    // Rust prints the shortest text that parses back to the same f64.
                    line.push_str(&format!(" {score}\n"));
                }
            }
        }
        out.write_all(line.as_bytes()).map_err(io)?;
        n += 1;
        progress.inc(1);
    }
    out.flush().map_err(io)?;
    Ok(n)
}

/// One collection being read from a dump: its elements are written in chunks as they come.
struct Pending {
    key: Vec<u8>,
    kind: Kind,
    expires_at: u64,
    left: usize,
    hash: Vec<(Vec<u8>, Vec<u8>)>,
    items: Vec<Vec<u8>>,
    scored: Vec<(f64, Vec<u8>)>,
    /// Already expired: its elements are read and dropped.
    skip: bool,
}

impl Pending {
    fn flush(&mut self, db: &Db) -> Result<()> {
        match self.kind {
            _ if self.skip => {}
            Kind::Hash if !self.hash.is_empty() => drop(db.hset(&self.key, &self.hash)?),
            Kind::List if !self.items.is_empty() => drop(db.push(&self.key, End::Right, &self.items)?),
            Kind::Set if !self.items.is_empty() => drop(db.sadd(&self.key, &self.items)?),
            Kind::ZSet if !self.scored.is_empty() => drop(db.zadd(&self.key, &self.scored, ZAddFlags::default())?),
            _ => {}
        }
        self.hash.clear();
        self.items.clear();
        self.scored.clear();
        Ok(())
    }
}

/// Reads a dump and writes its entries (strings in batches, collections in chunks of elements,
/// each then given its expiry). Entries already expired are skipped.
pub fn load(db: &Db, input: impl BufRead, progress: &indicatif::ProgressBar) -> Result<u64> {
    let mut lines = input.lines();
    let io = |e: std::io::Error| Error::Io { context: "reading the dump".into(), source: e };
    let v2 = match lines.next() {
        Some(Ok(h)) if h == HEADER => true,
        Some(Ok(h)) if h == HEADER_V1 => false,
        _ => return Err(Error::InvalidArgument(format!("not a dump: the first line must be {HEADER:?}"))),
    };
    let mut batch = WriteBatch::new();
    let mut n = 0;
    let mut pending: Option<Pending> = None;
    let bad = |no: usize, what: &str| Error::InvalidArgument(format!("dump line {no}: {what}"));
    for (i, line) in lines.enumerate() {
        let line = line.map_err(io)?;
        let no = i + 2;
        let parts: Vec<&str> = line.split(' ').collect();
        if let Some(p) = pending.as_mut() {
            match (p.kind, parts.as_slice()) {
                (Kind::Hash, [f, v]) => p.hash.push((unhex(f, no)?, unhex(v, no)?)),
                (Kind::List | Kind::Set, [item]) => p.items.push(unhex(item, no)?),
                (Kind::ZSet, [m, score]) => {
                    let score: f64 = score.parse().map_err(|_| bad(no, "bad score"))?;
                    if score.is_nan() {
                        return Err(bad(no, "bad score"));
                    }
                    p.scored.push((score, unhex(m, no)?));
                }
                _ => return Err(bad(no, &format!("expected an element of the {} above", p.kind))),
            }
            p.left -= 1;
            if p.left == 0 || p.hash.len() + p.items.len() + p.scored.len() >= CHUNK {
                p.flush(db)?;
            }
            if p.left == 0 {
                if p.expires_at != 0 && !p.skip {
                    match p.expires_at.checked_sub(now_ms()).filter(|&ms| ms > 0) {
                        Some(ms) => drop(db.expire(&p.key, Duration::from_millis(ms))?),
                        // It expired while loading.
                        None => drop(db.delete(&p.key)?),
                    }
                }
                pending = None;
            }
            continue;
        }
        match parts.as_slice() {
            [k, v, e] => {
                let (key, value) = (unhex(k, no)?, unhex(v, no)?);
                let expires_at: u64 = e.parse().map_err(|_| bad(no, "bad expiry"))?;
                if expires_at == 0 {
                    batch.put(&key, &value);
                } else {
                    let now = now_ms();
                    if expires_at <= now {
                        continue;
                    }
                    batch.put_with_ttl(&key, &value, Duration::from_millis(expires_at - now));
                }
            }
            [k, kind, e, count] if v2 => {
                let kind = match *kind {
                    "hash" => Kind::Hash,
                    "list" => Kind::List,
                    "set" => Kind::Set,
                    "zset" => Kind::ZSet,
                    _ => return Err(bad(no, "unknown type")),
                };
                let expires_at: u64 = e.parse().map_err(|_| bad(no, "bad expiry"))?;
                let left: usize = count.parse().ok().filter(|&c| c > 0).ok_or_else(|| bad(no, "bad element count"))?;
                // Strings before it go first, so the store fills in key order.
                db.write(std::mem::take(&mut batch))?;
                let key = unhex(k, no)?;
                // A key the dump holds twice would merge: the later one replaces it instead.
                db.delete(&key)?;
                let skip = expires_at != 0 && expires_at <= now_ms();
                let (hash, items, scored) = (Vec::new(), Vec::new(), Vec::new());
                pending = Some(Pending { key, kind, expires_at, left, hash, items, scored, skip });
                if skip {
                    continue;
                }
            }
            _ => return Err(bad(no, if v2 { "expected 3 or 4 fields" } else { "expected 3 fields" })),
        }
        n += 1;
        if batch.len() >= 1000 {
            db.write(std::mem::take(&mut batch))?;
            progress.set_message(format!("loading: {n} keys"));
        }
    }
    if let Some(p) = pending {
        return Err(Error::InvalidArgument(format!("the dump ends {} elements short of its last {}", p.left, p.kind)));
    }
    db.write(batch)?;
    Ok(n)
}
