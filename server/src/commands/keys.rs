//! Key commands: DEL, EXISTS, TYPE, expiry (EXPIRE family, PERSIST, TTL family), KEYS, SCAN,
//! RANDOMKEY, RENAME and COPY.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::ops::Bound;

use scalodb::{Kind, Moved, Ttl};

use super::args::Args;
use super::kv::{unix_ms, DbKv, Kv};
use super::spec::{command_table, CommandSpec};
use super::{int_arg, reply_err, CmdError, CmdResult, Ctx, SYNTAX};
use crate::glob;
use crate::resp::{parse_i64, Out};

/// The key commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Generic;
    // name        arity  flags            keys        since    handler      summary
    "del"          -2     [WRITE]          (1, -1, 1)  "1.0.0"  del          "Deletes one or more keys.";
    "unlink"       -2     [WRITE FAST]     (1, -1, 1)  "4.0.0"  del          "Deletes one or more keys.";
    "exists"       -2     [READONLY FAST]  (1, -1, 1)  "1.0.0"  exists       "Determines whether one or more keys exist.";
    "type"         2      [READONLY FAST]  (1, 1, 1)   "1.0.0"  type_        "Determines the type of value stored at a key.";
    "expire"       -3     [WRITE FAST]     (1, 1, 1)   "1.0.0"  expire       "Sets the expiration time of a key in seconds.";
    "pexpire"      -3     [WRITE FAST]     (1, 1, 1)   "2.6.0"  pexpire      "Sets the expiration time of a key in milliseconds.";
    "expireat"     -3     [WRITE FAST]     (1, 1, 1)   "1.2.0"  expireat     "Sets the expiration time of a key to a Unix timestamp.";
    "pexpireat"    -3     [WRITE FAST]     (1, 1, 1)   "2.6.0"  pexpireat    "Sets the expiration time of a key to a Unix milliseconds timestamp.";
    "persist"      2      [WRITE FAST]     (1, 1, 1)   "2.2.0"  persist      "Removes the expiration time of a key.";
    "ttl"          2      [READONLY FAST]  (1, 1, 1)   "1.0.0"  ttl          "Returns the expiration time in seconds of a key.";
    "pttl"         2      [READONLY FAST]  (1, 1, 1)   "2.6.0"  pttl         "Returns the expiration time in milliseconds of a key.";
    "expiretime"   2      [READONLY FAST]  (1, 1, 1)   "7.0.0"  expiretime   "Returns the expiration time of a key as a Unix timestamp.";
    "pexpiretime"  2      [READONLY FAST]  (1, 1, 1)   "7.0.0"  pexpiretime  "Returns the expiration time of a key as a Unix milliseconds timestamp.";
    "keys"         2      [READONLY]       -           "1.0.0"  keys         "Returns all key names that match a pattern.";
    "scan"         -2     [READONLY]       -           "2.8.0"  scan         "Iterates over the key names in the database.";
    "randomkey"    1      [READONLY]       -           "1.0.0"  randomkey    "Returns a random key name from the database.";
    "rename"       3      [WRITE]          (1, 2, 1)   "1.0.0"  rename       "Renames a key and overwrites the destination.";
    "renamenx"     3      [WRITE FAST]     (1, 2, 1)   "1.0.0"  renamenx     "Renames a key only when the target key name doesn't exist.";
    "copy"         -3     [WRITE]          (1, 2, 1)   "6.2.0"  copy         "Copies the value of a key to a new key.";
};

/// Longest glob pattern accepted: matching costs up to pattern length × key length per key.
const MAX_PATTERN: usize = 1024;

pub fn del(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let n = ctx.kv(|kv| {
        let mut n = 0;
        for key in args.iter_from(1) {
            n += kv.delete(key)? as i64;
        }
        Ok(n)
    })?;
    out.int(n);
    Ok(())
}

pub fn exists(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let state = ctx.state;
    let n = ctx.kv(|kv| {
        let mut n = 0;
        for key in args.iter_from(1) {
            let hit = kv.contains(key)?;
            state.lookup(hit);
            n += hit as i64;
        }
        Ok(n)
    })?;
    out.int(n);
    Ok(())
}

pub fn type_(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    // Inside EXEC the transaction says, seeing its own writes.
    let kind = ctx.coll().kind_of(args.get(1))?;
    out.simple(kind.map_or("none", Kind::name));
    Ok(())
}

/// Whether `key` holds a hash, list, set or sorted set: such keys are read and written with the
/// engine's typed calls, never inside an engine transaction, which sees string values only.
pub(super) fn is_collection(ctx: &Ctx<'_>, key: &[u8]) -> Result<bool, CmdError> {
    Ok(ctx.db().kind_of(key)?.is_some_and(|k| k != Kind::String))
}

/// EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, with the NX/XX/GT/LT conditions.
fn expire_generic(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, unit: i64, absolute: bool) -> CmdResult {
    let cmd = args.lower(0);
    let n = int_arg(args, 2)?;
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for i in 3..args.len() {
        match args.lower(i).as_str() {
            "nx" => nx = true,
            "xx" => xx = true,
            "gt" => gt = true,
            "lt" => lt = true,
            other => return Err(reply_err(format!("ERR Unsupported option {other}"))),
        }
    }
    if nx && (xx || gt || lt) {
        return Err(reply_err("ERR NX and XX, GT or LT options at the same time are not compatible"));
    }
    if gt && lt {
        return Err(reply_err("ERR GT and LT options at the same time are not compatible"));
    }
    // A time that is not in the future deletes the key (as Redis does), so zero and negative
    // values are valid here; only overflow is an error.
    let bad = || reply_err(format!("ERR invalid expire time in '{cmd}' command"));
    let ms = n.checked_mul(unit).ok_or_else(bad)?;
    let at = if absolute { ms } else { ms.checked_add(unix_ms() as i64).ok_or_else(bad)? };
    let at = at.max(0) as u64;
    let key = args.get(1);
    if ctx.tx.is_none() && is_collection(ctx, key)? {
        // A collection's expiry is changed without rewriting it (the engine keeps the collection
        // and changes the expiry only), so without a transaction: the read of the current expiry
        // for NX/XX/GT/LT and the change are two steps.
        return set_expiry(&mut DbKv(ctx.db()), key, at, (nx, xx, gt, lt), out);
    }
    ctx.atomic(out, |kv, out| set_expiry(kv, key, at, (nx, xx, gt, lt), out))
}

/// Gives `key` the expiry `at` (Unix ms) under EXPIRE's conditions; replies 1 if it did.
fn set_expiry(
    kv: &mut dyn Kv,
    key: &[u8],
    at: u64,
    (nx, xx, gt, lt): (bool, bool, bool, bool),
    out: &mut Out,
) -> CmdResult {
    let current = match kv.ttl(key)? {
        Ttl::Missing => {
            out.int(0);
            return Ok(());
        }
        Ttl::Forever => None,
        Ttl::Remaining(d) => Some(unix_ms() + d.as_millis() as u64),
    };
    let allowed = match current {
        None => !(xx || gt),
        Some(cur) => {
            let refused = nx || (gt && at <= cur) || (lt && at >= cur);
            !refused
        }
    };
    let done = allowed && kv.expire_at(key, Some(at))?;
    out.int(done as i64);
    Ok(())
}

pub fn expire(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    expire_generic(ctx, args, out, 1000, false)
}

pub fn pexpire(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    expire_generic(ctx, args, out, 1, false)
}

pub fn expireat(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    expire_generic(ctx, args, out, 1000, true)
}

pub fn pexpireat(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    expire_generic(ctx, args, out, 1, true)
}

pub fn persist(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let done = ctx.kv(|kv| Ok(kv.expire_at(args.get(1), None)?))?;
    out.int(done as i64);
    Ok(())
}

/// TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for a missing key, -1 for no expiry.
fn ttl_generic(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, millis: bool, absolute: bool) -> CmdResult {
    let ttl = ctx.kv(|kv| Ok(kv.ttl(args.get(1))?))?;
    let n = match ttl {
        Ttl::Missing => -2,
        Ttl::Forever => -1,
        Ttl::Remaining(d) => {
            let ms = d.as_millis() as i64;
            match (absolute, millis) {
                (false, true) => ms,
                // Rounded to the nearest second, as Redis does.
                (false, false) => (ms + 500) / 1000,
                (true, true) => unix_ms() as i64 + ms,
                (true, false) => (unix_ms() as i64 + ms + 500) / 1000,
            }
        }
    };
    out.int(n);
    Ok(())
}

pub fn ttl(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ttl_generic(ctx, args, out, false, false)
}

pub fn pttl(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ttl_generic(ctx, args, out, true, false)
}

pub fn expiretime(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ttl_generic(ctx, args, out, false, true)
}

pub fn pexpiretime(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ttl_generic(ctx, args, out, true, true)
}

fn check_pattern(p: &[u8]) -> CmdResult {
    if p.len() > MAX_PATTERN {
        return Err(reply_err(format!("ERR pattern longer than {MAX_PATTERN} bytes")));
    }
    Ok(())
}

pub fn keys(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let pattern = args.get(1);
    check_pattern(pattern)?;
    let prefix = glob::literal_prefix(pattern);
    let limit = ctx.state.config.limits.max_output_bytes;
    let (mut found, mut bytes) = (Vec::new(), 0usize);
    // Only keys with the pattern's literal prefix can match, so only they are visited.
    ctx.db().scan_prefix(prefix)?.visit(|k, _| {
        if glob::matches(pattern, k, false) {
            bytes += k.len() + 16;
            found.push(k.to_vec());
        }
        bytes <= limit
    })?;
    if bytes > limit {
        return Err(reply_err("ERR the KEYS reply would pass the client output limit; use SCAN instead"));
    }
    out.array(found.len());
    for k in &found {
        out.bulk(k);
    }
    Ok(())
}

pub fn scan(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let cursor = match parse_i64(args.get(1)) {
        Some(c) if c >= 0 => c as u64,
        _ => return Err(reply_err("ERR invalid cursor")),
    };
    let (mut pattern, mut count, mut only_type) = (None, 10usize, None::<String>);
    let mut i = 2;
    while i < args.len() {
        if i + 1 >= args.len() {
            return Err(reply_err(SYNTAX));
        }
        match args.lower(i).as_str() {
            "match" => pattern = Some(args.get(i + 1)),
            "count" => match int_arg(args, i + 1)? {
                c if c >= 1 => count = (c as usize).min(1 << 20),
                _ => return Err(reply_err(SYNTAX)),
            },
            "type" => only_type = Some(args.lower(i + 1)),
            _ => return Err(reply_err(SYNTAX)),
        }
        i += 2;
    }
    if let Some(p) = pattern {
        check_pattern(p)?;
    }
    let prefix = pattern.map_or(&b""[..], glob::literal_prefix);
    let start = match cursor {
        0 => Bound::Included(prefix.to_vec()),
        c => match ctx.state.cursors.lock().resume(c) {
            Some(last) => Bound::Excluded(last),
            // A forgotten or made-up cursor: the iteration is over.
            None => {
                out.array(2);
                out.bulk(b"0");
                out.array(0);
                return Ok(());
            }
        },
    };
    let (mut found, mut examined, mut last, mut more) = (Vec::new(), 0usize, Vec::new(), false);
    ctx.db().scan::<Vec<u8>>((start, Bound::Unbounded))?.visit(|k, _| {
        if !k.starts_with(prefix) {
            // Past every key with the pattern's literal prefix: nothing further can match.
            return false;
        }
        if examined == count {
            more = true;
            return false;
        }
        examined += 1;
        last.clear();
        last.extend_from_slice(k);
        if pattern.is_none_or(|p| glob::matches(p, k, false)) {
            found.push(k.to_vec());
        }
        true
    })?;
    if let Some(wanted) = only_type {
        // The type is looked up once per matching key, after the walk, so the scan above holds
        // nothing while it is read.
        let db = ctx.db();
        let mut kept = Vec::with_capacity(found.len());
        for k in found {
            if db.kind_of(&k)?.is_some_and(|kind| kind.name() == wanted) {
                kept.push(k);
            }
        }
        found = kept;
    }
    let next = if more { ctx.state.cursors.lock().remember(last) } else { 0 };
    out.array(2);
    out.bulk(next.to_string().as_bytes());
    out.array(found.len());
    for k in &found {
        out.bulk(k);
    }
    Ok(())
}

fn random_u64() -> u64 {
    RandomState::new().build_hasher().finish()
}

pub fn randomkey(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    let db = ctx.db();
    let (Some(first), Some(last)) = (db.iter()?.next(), db.iter()?.next_back()) else {
        out.null();
        return Ok(());
    };
    let (first, last) = (first?.0, last?.0);
    // Pick a random point between the first and the last key (after their common prefix) and
    // take the first key from there. Not uniform, but any key can come out.
    let common = first.iter().zip(&last).take_while(|(a, b)| a == b).count();
    let mut probe = first[..common].to_vec();
    let lo = first.get(common).copied().unwrap_or(0) as u64;
    let hi = last.get(common).copied().unwrap_or(255) as u64;
    let r = random_u64();
    probe.push((lo + r % (hi - lo + 1)) as u8);
    probe.extend_from_slice(&random_u64().to_be_bytes());
    let pick = match db.scan::<Vec<u8>>((Bound::Included(probe), Bound::Unbounded))?.next() {
        Some(e) => e?.0,
        None => first,
    };
    out.bulk(&pick);
    Ok(())
}

fn rename_generic(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, nx: bool) -> CmdResult {
    let (src, dst) = (args.get(1), args.get(2));
    // One commit moves the value of any type with its expiry (inside EXEC: the transaction's).
    let moved = if src == dst {
        // Redis answers a rename onto itself without writing: OK, or 0 for RENAMENX.
        match ctx.coll().kind_of(src)? {
            Some(_) => Moved::Taken,
            None => Moved::NoSource,
        }
    } else {
        ctx.coll().rename(src, dst, !nx)?
    };
    match moved {
        Moved::NoSource => return Err(reply_err("ERR no such key")),
        Moved::Taken if nx => out.int(0),
        Moved::Taken => out.ok(),
        Moved::Done if nx => out.int(1),
        Moved::Done => out.ok(),
    }
    Ok(())
}

/// COPY source destination [DB 0] [REPLACE]: 1 if copied, 0 if the source is missing or the
/// destination taken.
pub fn copy(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (src, dst) = (args.get(1), args.get(2));
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        match args.lower(i).as_str() {
            "replace" => replace = true,
            "db" if i + 1 < args.len() => {
                // One database: index 0 is the only one there is.
                match parse_i64(args.get(i + 1)) {
                    Some(0) => {}
                    Some(_) => return Err(reply_err("ERR DB index is out of range")),
                    None => return Err(reply_err("ERR value is not an integer or out of range")),
                }
                i += 1;
            }
            _ => return Err(reply_err(SYNTAX)),
        }
        i += 1;
    }
    if src == dst {
        return Err(reply_err("ERR source and destination objects are the same"));
    }
    let moved = ctx.coll().copy(src, dst, replace)?;
    out.int((moved == Moved::Done) as i64);
    Ok(())
}

pub fn rename(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    rename_generic(ctx, args, out, false)
}

pub fn renamenx(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    rename_generic(ctx, args, out, true)
}
