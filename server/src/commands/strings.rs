//! String commands: GET, SET and its variants, MGET/MSET, counters, APPEND and ranges.

use super::args::Args;
use super::kv::{unix_ms, Expiry};
use super::spec::{command_table, CommandSpec};
use super::{int_arg, reply_err, CmdError, CmdResult, Ctx, NOT_FLOAT, SYNTAX};
use crate::resp::Out;

/// The string commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: String;
    // name        arity  flags            keys        since    handler      summary
    "get"          2      [READONLY FAST]  (1, 1, 1)   "1.0.0"  get          "Returns the string value of a key.";
    "set"          -3     [WRITE]          (1, 1, 1)   "1.0.0"  set          "Sets the string value of a key, ignoring its type.";
    "setnx"        3      [WRITE FAST]     (1, 1, 1)   "1.0.0"  setnx        "Sets the value of a key only when the key doesn't exist.";
    "setex"        4      [WRITE]          (1, 1, 1)   "2.0.0"  setex        "Sets the value and expiration time of a key.";
    "psetex"       4      [WRITE]          (1, 1, 1)   "2.6.0"  psetex       "Sets the value and expiration time in milliseconds of a key.";
    "getdel"       2      [WRITE FAST]     (1, 1, 1)   "6.2.0"  getdel       "Returns the string value of a key after deleting the key.";
    "getex"        -2     [WRITE FAST]     (1, 1, 1)   "6.2.0"  getex        "Returns the string value of a key after setting its expiration time.";
    "getset"       3      [WRITE FAST]     (1, 1, 1)   "1.0.0"  getset       "Returns the previous string value of a key after setting it to a new value.";
    "mget"         -2     [READONLY FAST]  (1, -1, 1)  "1.0.0"  mget         "Atomically returns the string values of one or more keys.";
    "mset"         -3     [WRITE]          (1, -1, 2)  "1.0.1"  mset         "Atomically creates or modifies the string values of one or more keys.";
    "msetnx"       -3     [WRITE]          (1, -1, 2)  "1.0.1"  msetnx       "Atomically sets multiple keys only when none of them exist.";
    "incr"         2      [WRITE FAST]     (1, 1, 1)   "1.0.0"  incr         "Increments the integer value of a key by one.";
    "decr"         2      [WRITE FAST]     (1, 1, 1)   "1.0.0"  decr         "Decrements the integer value of a key by one.";
    "incrby"       3      [WRITE FAST]     (1, 1, 1)   "1.0.0"  incrby       "Increments the integer value of a key by a number.";
    "decrby"       3      [WRITE FAST]     (1, 1, 1)   "1.0.0"  decrby       "Decrements a number from the integer value of a key.";
    "incrbyfloat"  3      [WRITE FAST]     (1, 1, 1)   "2.6.0"  incrbyfloat  "Increment the floating point value of a key by a number.";
    "append"       3      [WRITE FAST]     (1, 1, 1)   "2.0.0"  append       "Appends a string to the value of a key.";
    "strlen"       2      [READONLY FAST]  (1, 1, 1)   "2.2.0"  strlen       "Returns the length of a string value.";
    "getrange"     4      [READONLY]       (1, 1, 1)   "2.4.0"  getrange     "Returns a substring of the string stored at a key.";
    "substr"       4      [READONLY]       (1, 1, 1)   "1.0.0"  getrange     "Returns a substring from a string value.";
    "setrange"     4      [WRITE]          (1, 1, 1)   "2.2.0"  setrange     "Overwrites a part of a string value with another by an offset.";
};

/// The Unix time in ms of an expiry given as `n` units of `unit_ms` (relative unless `absolute`),
/// or Redis's error for a time that is not positive or overflows.
pub fn expiry_from(n: i64, unit_ms: i64, absolute: bool, cmd: &str) -> Result<u64, CmdError> {
    let bad = || reply_err(format!("ERR invalid expire time in '{cmd}' command"));
    if n <= 0 {
        return Err(bad());
    }
    let ms = n.checked_mul(unit_ms).ok_or_else(bad)?;
    let at = if absolute { ms } else { ms.checked_add(unix_ms() as i64).ok_or_else(bad)? };
    Ok(at as u64)
}

/// Parses `EX s | PX ms | EXAT s | PXAT ms` at `args[i]`; returns the expiry time.
fn expiry_option(args: Args<'_>, i: usize, cmd: &str) -> Result<Option<u64>, CmdError> {
    let (unit, absolute) = match args.lower(i).as_str() {
        "ex" => (1000, false),
        "px" => (1, false),
        "exat" => (1000, true),
        "pxat" => (1, true),
        _ => return Ok(None),
    };
    if i + 1 >= args.len() {
        return Err(reply_err(SYNTAX));
    }
    let n = int_arg(args, i + 1)?;
    expiry_from(n, unit, absolute, cmd).map(Some)
}

pub fn get(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let value = ctx.kv(|kv| Ok(kv.get(args.get(1))?))?;
    ctx.state.lookup(value.is_some());
    match value {
        Some(v) => out.bulk(&v),
        None => out.null(),
    }
    Ok(())
}

pub fn set(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (key, value) = (args.get(1), args.get(2));
    let (mut nx, mut xx, mut get, mut expiry) = (false, false, false, None::<Expiry>);
    let mut i = 3;
    while i < args.len() {
        let opt = args.lower(i);
        match opt.as_str() {
            "nx" if !xx => nx = true,
            "xx" if !nx => xx = true,
            "get" => get = true,
            "keepttl" if expiry.is_none() => expiry = Some(Expiry::Keep),
            _ => match expiry_option(args, i, "set")? {
                Some(at) if expiry.is_none() => {
                    expiry = Some(Expiry::At(at));
                    i += 1;
                }
                _ => return Err(reply_err(SYNTAX)),
            },
        }
        i += 1;
    }
    let expiry = expiry.unwrap_or(Expiry::Never);
    if !nx && !xx && !get && expiry != Expiry::Keep {
        ctx.kv(|kv| Ok(kv.set(key, value, expiry)?))?;
        out.ok();
        return Ok(());
    }
    if nx && !get && expiry == Expiry::Never {
        let written = ctx.kv(|kv| Ok(kv.set_if_absent(key, value)?))?;
        if written {
            out.ok()
        } else {
            out.null()
        }
        return Ok(());
    }
    ctx.atomic(out, |kv, out| {
        let old = kv.get(key)?;
        let write = !(nx && old.is_some() || xx && old.is_none());
        if write {
            kv.set(key, value, expiry)?;
        }
        match (get, old) {
            (true, Some(v)) => out.bulk(&v),
            (true, None) => out.null(),
            (false, _) if write => out.ok(),
            (false, _) => out.null(),
        }
        Ok(())
    })
}

pub fn setnx(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let written = ctx.kv(|kv| Ok(kv.set_if_absent(args.get(1), args.get(2))?))?;
    out.int(written as i64);
    Ok(())
}

fn set_with_expiry(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, unit: i64, cmd: &str) -> CmdResult {
    let at = expiry_from(int_arg(args, 2)?, unit, false, cmd)?;
    ctx.kv(|kv| Ok(kv.set(args.get(1), args.get(3), Expiry::At(at))?))?;
    out.ok();
    Ok(())
}

pub fn setex(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    set_with_expiry(ctx, args, out, 1000, "setex")
}

pub fn psetex(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    set_with_expiry(ctx, args, out, 1, "psetex")
}

pub fn getset(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ctx.atomic(out, |kv, out| {
        match kv.get(args.get(1))? {
            Some(v) => out.bulk(&v),
            None => out.null(),
        }
        kv.set(args.get(1), args.get(2), Expiry::Never)?;
        Ok(())
    })
}

pub fn getdel(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ctx.atomic(out, |kv, out| {
        match kv.get(args.get(1))? {
            Some(v) => {
                kv.delete(args.get(1))?;
                out.bulk(&v);
            }
            None => out.null(),
        }
        Ok(())
    })
}

pub fn getex(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    // `None`: leave the expiry; `Some(None)`: PERSIST; `Some(Some(at))`: expire at.
    let change = match args.len() {
        2 => None,
        3 if args.lower(2) == "persist" => Some(None),
        4 => match expiry_option(args, 2, "getex")? {
            Some(at) => Some(Some(at)),
            None => return Err(reply_err(SYNTAX)),
        },
        _ => return Err(reply_err(SYNTAX)),
    };
    ctx.atomic(out, |kv, out| {
        match kv.get(args.get(1))? {
            Some(v) => {
                if let Some(at) = change {
                    kv.expire_at(args.get(1), at)?;
                }
                out.bulk(&v);
            }
            None => out.null(),
        }
        Ok(())
    })
}

pub fn mget(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.array(args.len() - 1);
    let state = ctx.state;
    ctx.kv(|kv| {
        for key in args.iter_from(1) {
            let value = kv.get(key)?;
            state.lookup(value.is_some());
            match value {
                Some(v) => out.bulk(&v),
                None => out.null(),
            }
        }
        Ok(())
    })
}

fn pairs(args: Args<'_>) -> impl Iterator<Item = (&[u8], &[u8])> {
    (1..args.len()).step_by(2).map(move |i| (args.get(i), args.get(i + 1)))
}

pub fn mset(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    if args.len() % 2 == 0 {
        return Err(reply_err(super::arity_error("mset")));
    }
    ctx.kv(|kv| Ok(kv.set_many(&mut pairs(args))?))?;
    out.ok();
    Ok(())
}

pub fn msetnx(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    if args.len() % 2 == 0 {
        return Err(reply_err(super::arity_error("msetnx")));
    }
    ctx.atomic(out, |kv, out| {
        for (k, _) in pairs(args) {
            if kv.contains(k)? {
                out.int(0);
                return Ok(());
            }
        }
        kv.set_many(&mut pairs(args))?;
        out.int(1);
        Ok(())
    })
}

fn incr_by(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, delta: i64) -> CmdResult {
    let n = ctx.kv(|kv| Ok(kv.increment(args.get(1), delta)?))?;
    out.int(n);
    Ok(())
}

pub fn incr(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    incr_by(ctx, args, out, 1)
}

pub fn decr(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    incr_by(ctx, args, out, -1)
}

pub fn incrby(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let d = int_arg(args, 2)?;
    incr_by(ctx, args, out, d)
}

pub fn decrby(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let d = int_arg(args, 2)?;
    let d = d.checked_neg().ok_or_else(|| reply_err("ERR decrement would overflow"))?;
    incr_by(ctx, args, out, d)
}

/// A float as Redis accepts one: no spaces, not NaN or infinite.
fn parse_float(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    if s.is_empty() || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

pub fn incrbyfloat(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let delta = parse_float(args.get(2)).ok_or_else(|| reply_err(NOT_FLOAT))?;
    ctx.atomic(out, |kv, out| {
        let old = match kv.get(args.get(1))? {
            None => 0.0,
            Some(v) => parse_float(&v).ok_or_else(|| reply_err(NOT_FLOAT))?,
        };
        let new = old + delta;
        if !new.is_finite() {
            return Err(reply_err("ERR increment would produce NaN or Infinity"));
        }
        // Rust prints the shortest text that reads back as the same number, never in exponent
        // form: what Redis's human-readable format gives for these values.
        let text = format!("{new}");
        kv.set(args.get(1), text.as_bytes(), Expiry::Keep)?;
        out.bulk(text.as_bytes());
        Ok(())
    })
}

pub fn append(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ctx.atomic(out, |kv, out| {
        let mut v = kv.get(args.get(1))?.unwrap_or_default();
        v.extend_from_slice(args.get(2));
        kv.set(args.get(1), &v, Expiry::Keep)?;
        out.int(v.len() as i64);
        Ok(())
    })
}

pub fn strlen(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let n = ctx.kv(|kv| Ok(kv.get(args.get(1))?.map_or(0, |v| v.len())))?;
    out.int(n as i64);
    Ok(())
}

/// The byte range GETRANGE returns for `start..=end` (negative counts from the end) of a string
/// of `len` bytes.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    if len == 0 || (start < 0 && end < 0 && start > end) {
        return None;
    }
    let fix = |i: i64| if i < 0 { (len + i).max(0) } else { i };
    let (start, end) = (fix(start), fix(end).min(len - 1));
    (start <= end).then_some((start as usize, end as usize))
}

pub fn getrange(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (start, end) = (int_arg(args, 2)?, int_arg(args, 3)?);
    let v = ctx.kv(|kv| Ok(kv.get(args.get(1))?))?.unwrap_or_default();
    match clamp_range(start, end, v.len()) {
        Some((s, e)) => out.bulk(&v[s..=e]),
        None => out.bulk(b""),
    }
    Ok(())
}

pub fn setrange(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let offset = int_arg(args, 2)?;
    if offset < 0 {
        return Err(reply_err("ERR offset is out of range"));
    }
    let piece = args.get(3);
    let max = ctx.state.config.limits.max_bulk_len;
    let end = (offset as usize).checked_add(piece.len()).filter(|&e| e <= max);
    let Some(end) = end else {
        return Err(reply_err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    };
    ctx.atomic(out, |kv, out| {
        let current = kv.get(args.get(1))?;
        if piece.is_empty() {
            // Nothing to write: Redis neither creates nor changes the key.
            out.int(current.map_or(0, |v| v.len()) as i64);
            return Ok(());
        }
        let mut v = current.unwrap_or_default();
        if v.len() < end {
            v.resize(end, 0);
        }
        v[offset as usize..end].copy_from_slice(piece);
        kv.set(args.get(1), &v, Expiry::Keep)?;
        out.int(v.len() as i64);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::{clamp_range, parse_float};

    #[test]
    fn ranges_follow_redis() {
        assert_eq!(clamp_range(0, 3, 13), Some((0, 3)));
        assert_eq!(clamp_range(-3, -1, 13), Some((10, 12)));
        assert_eq!(clamp_range(0, -1, 13), Some((0, 12)));
        assert_eq!(clamp_range(10, 100, 13), Some((10, 12)));
        assert_eq!(clamp_range(5, 3, 13), None);
        assert_eq!(clamp_range(-1, -5, 13), None);
        assert_eq!(clamp_range(0, 0, 0), None);
    }

    #[test]
    fn floats_refuse_what_redis_refuses() {
        assert_eq!(parse_float(b"10.5"), Some(10.5));
        assert_eq!(parse_float(b"5.0e3"), Some(5000.0));
        for bad in [&b"inf"[..], b"nan", b" 1", b"1 ", b"", b"abc"] {
            assert_eq!(parse_float(bad), None);
        }
    }
}
