//! The portable dump format: a header line `scalodb-dump 1`, then one line per key:
//! `<key as hex> <value as hex> <expiry in ms since the Unix epoch, 0 for none>`. Text only, so
//! it survives any transport; key order, so a load builds the same store.

use std::io::{BufRead, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use scalodb::{Db, Error, Result, Ttl, WriteBatch};

pub const HEADER: &str = "scalodb-dump 1";

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

/// Writes every live key of a consistent snapshot. Returns the number of keys.
pub fn dump(db: &Db, out: &mut impl Write, progress: &indicatif::ProgressBar) -> Result<u64> {
    let io = |e: std::io::Error| Error::Io { context: "writing the dump".into(), source: e };
    writeln!(out, "{HEADER}").map_err(io)?;
    let snap = db.snapshot()?;
    let mut n = 0;
    let mut line = String::new();
    for entry in snap.iter()? {
        let (k, v) = entry?;
        // Dump lines hold strings only: a collection (whose scan value is empty) would come back
        // as an empty string, so it is refused rather than lost.
        if v.is_empty() {
            if let Some(kind) = db.kind_of(&k)?.filter(|k| *k != scalodb::Kind::String) {
                return Err(Error::InvalidArgument(format!(
                    "key {:?} holds a {kind}: the dump format holds strings only (use `scalodb backup` \
                     for a store with collections)",
                    String::from_utf8_lossy(&k)
                )));
            }
        }
        // The snapshot fixes values; the expiry is read now (a TTL set since is a newer write).
        let expires_at = match db.ttl(&k)? {
            Ttl::Remaining(d) => now_ms() + d.as_millis() as u64,
            _ => 0,
        };
        line.clear();
        hex(&k, &mut line);
        line.push(' ');
        hex(&v, &mut line);
        line.push_str(&format!(" {expires_at}\n"));
        out.write_all(line.as_bytes()).map_err(io)?;
        n += 1;
        progress.inc(1);
    }
    out.flush().map_err(io)?;
    Ok(n)
}

/// Reads a dump and writes its entries (in batches). Entries already expired are skipped.
pub fn load(db: &Db, input: impl BufRead, progress: &indicatif::ProgressBar) -> Result<u64> {
    let mut lines = input.lines();
    let io = |e: std::io::Error| Error::Io { context: "reading the dump".into(), source: e };
    match lines.next() {
        Some(Ok(h)) if h == HEADER => {}
        _ => return Err(Error::InvalidArgument(format!("not a dump: the first line must be {HEADER:?}"))),
    }
    let mut batch = WriteBatch::new();
    let mut n = 0;
    for (i, line) in lines.enumerate() {
        let line = line.map_err(io)?;
        let no = i + 2;
        let mut parts = line.split(' ');
        let (Some(k), Some(v), Some(e), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(Error::InvalidArgument(format!("dump line {no}: expected 3 fields")));
        };
        let (key, value) = (unhex(k, no)?, unhex(v, no)?);
        let expires_at: u64 = e.parse().map_err(|_| Error::InvalidArgument(format!("dump line {no}: bad expiry")))?;
        if expires_at == 0 {
            batch.put(&key, &value);
        } else {
            let now = now_ms();
            if expires_at <= now {
                continue;
            }
            batch.put_with_ttl(&key, &value, Duration::from_millis(expires_at - now));
        }
        n += 1;
        if batch.len() >= 1000 {
            db.write(std::mem::take(&mut batch))?;
            progress.set_message(format!("loading: {n} keys"));
        }
    }
    db.write(batch)?;
    Ok(n)
}
