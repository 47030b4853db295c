//! Hash commands (HSET, HGET, HGETALL, HINCRBY, HSCAN...) on the engine's hashes, with Redis's
//! reply shapes: HGETALL is a map in RESP3, HRANDFIELD WITHVALUES a list of pairs.

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::typed::{self, float_at, int_at};
use super::{arity_error, reply_err, CmdResult, Ctx};
use crate::resp::Out;

/// The hash commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Hash;
    // name         arity  flags            keys       since    handler       summary
    "hset"          -4     [WRITE FAST]     (1, 1, 1)  "2.0.0"  hset          "Creates or modifies the value of a field in a hash.";
    "hsetnx"        4      [WRITE FAST]     (1, 1, 1)  "2.0.0"  hsetnx        "Sets the value of a field in a hash only when the field doesn't exist.";
    "hmset"         -4     [WRITE FAST]     (1, 1, 1)  "2.0.0"  hmset         "Sets the values of multiple fields.";
    "hget"          3      [READONLY FAST]  (1, 1, 1)  "2.0.0"  hget          "Returns the value of a field in a hash.";
    "hmget"         -3     [READONLY FAST]  (1, 1, 1)  "2.0.0"  hmget         "Returns the values of all fields in a hash.";
    "hdel"          -3     [WRITE FAST]     (1, 1, 1)  "2.0.0"  hdel          "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.";
    "hexists"       3      [READONLY FAST]  (1, 1, 1)  "2.0.0"  hexists       "Determines whether a field exists in a hash.";
    "hlen"          2      [READONLY FAST]  (1, 1, 1)  "2.0.0"  hlen          "Returns the number of fields in a hash.";
    "hstrlen"       3      [READONLY FAST]  (1, 1, 1)  "3.2.0"  hstrlen       "Returns the length of the value of a field.";
    "hgetall"       2      [READONLY]       (1, 1, 1)  "2.0.0"  hgetall       "Returns all fields and values in a hash.";
    "hkeys"         2      [READONLY]       (1, 1, 1)  "2.0.0"  hkeys         "Returns all fields in a hash.";
    "hvals"         2      [READONLY]       (1, 1, 1)  "2.0.0"  hvals         "Returns all values in a hash.";
    "hincrby"       4      [WRITE FAST]     (1, 1, 1)  "2.0.0"  hincrby       "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.";
    "hincrbyfloat"  4      [WRITE FAST]     (1, 1, 1)  "2.6.0"  hincrbyfloat  "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.";
    "hrandfield"    -2     [READONLY]       (1, 1, 1)  "6.2.0"  hrandfield    "Returns one or more random fields from a hash.";
    "hscan"         -3     [READONLY]       (1, 1, 1)  "2.8.0"  hscan         "Iterates over fields and values of a hash.";
};

/// A field and its value, borrowed from the arguments.
type Pair<'a> = (&'a [u8], &'a [u8]);

/// The `(field, value)` pairs of HSET/HMSET, or the arity error Redis gives for an odd count.
fn pairs<'a>(args: Args<'a>, name: &str) -> Result<Vec<Pair<'a>>, super::CmdError> {
    if args.len() % 2 != 0 {
        return Err(reply_err(arity_error(name)));
    }
    Ok((2..args.len()).step_by(2).map(|i| (args.get(i), args.get(i + 1))).collect())
}

fn bulks(out: &mut Out, items: &[Vec<u8>]) {
    out.array(items.len());
    for i in items {
        out.bulk(i);
    }
}

pub fn hset(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let added = ctx.coll().hset(args.get(1), &pairs(args, "hset")?)?;
    out.int(added as i64);
    Ok(())
}

pub fn hmset(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    ctx.coll().hset(args.get(1), &pairs(args, "hmset")?)?;
    out.ok();
    Ok(())
}

pub fn hsetnx(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let set = ctx.coll().hsetnx(args.get(1), args.get(2), args.get(3))?;
    out.int(set as i64);
    Ok(())
}

pub fn hget(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    match ctx.coll().hget(args.get(1), args.get(2))? {
        Some(v) => out.bulk(&v),
        None => out.null(),
    }
    Ok(())
}

pub fn hmget(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let fields: Vec<&[u8]> = args.iter_from(2).collect();
    let values = ctx.coll().hmget(args.get(1), &fields)?;
    out.array(values.len());
    for v in values {
        match v {
            Some(v) => out.bulk(&v),
            None => out.null(),
        }
    }
    Ok(())
}

pub fn hdel(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let fields: Vec<&[u8]> = args.iter_from(2).collect();
    out.int(ctx.coll().hdel(args.get(1), &fields)? as i64);
    Ok(())
}

pub fn hexists(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().hexists(args.get(1), args.get(2))? as i64);
    Ok(())
}

pub fn hlen(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().hlen(args.get(1))? as i64);
    Ok(())
}

pub fn hstrlen(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().hstrlen(args.get(1), args.get(2))? as i64);
    Ok(())
}

pub fn hgetall(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let all = ctx.coll().hgetall(args.get(1))?;
    out.map(all.len());
    for (f, v) in &all {
        out.bulk(f);
        out.bulk(v);
    }
    Ok(())
}

pub fn hkeys(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    bulks(out, &ctx.coll().hkeys(args.get(1))?);
    Ok(())
}

pub fn hvals(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    bulks(out, &ctx.coll().hvals(args.get(1))?);
    Ok(())
}

pub fn hincrby(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let delta = int_at(args, 3)?;
    out.int(ctx.coll().hincrby(args.get(1), args.get(2), delta)?);
    Ok(())
}

pub fn hincrbyfloat(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let delta = float_at(args, 3)?;
    if delta.is_infinite() {
        return Err(reply_err("ERR increment would produce NaN or Infinity"));
    }
    let v = ctx.coll().hincrbyfloat(args.get(1), args.get(2), delta)?;
    // A bulk string in both protocols, as Redis replies: the text the field now holds.
    out.bulk(stored_float(v).as_bytes());
    Ok(())
}

pub fn hrandfield(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let key = args.get(1);
    if args.len() == 2 {
        match ctx.coll().hrandfield(key, 1)?.into_iter().next() {
            Some((f, _)) => out.bulk(&f),
            None => out.null(),
        }
        return Ok(());
    }
    let with_values = match args.len() {
        3 => false,
        4 if args.lower(3) == "withvalues" => true,
        _ => return Err(reply_err(super::SYNTAX)),
    };
    let count = typed::rand_count(ctx, args, with_values)?;
    let picked = ctx.coll().hrandfield(key, count)?;
    if !with_values {
        out.array(picked.len());
        for (f, _) in &picked {
            out.bulk(f);
        }
    } else if out.resp3 {
        out.array(picked.len());
        for (f, v) in &picked {
            out.array(2);
            out.bulk(f);
            out.bulk(v);
        }
    } else {
        out.array(picked.len() * 2);
        for (f, v) in &picked {
            out.bulk(f);
            out.bulk(v);
        }
    }
    Ok(())
}

pub fn hscan(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let scan = typed::scan_args(ctx, args, true)?;
    let after = match &scan.after {
        Some(None) => {
            // Still refuse a key of another type, as Redis does for any cursor.
            ctx.coll().hlen(args.get(1))?;
            typed::scan_done(out);
            return Ok(());
        }
        Some(Some(last)) => Some(last.as_slice()),
        None => None,
    };
    let (items, next) = ctx.coll().hscan(args.get(1), after, scan.count)?;
    let kept: Vec<&(Vec<u8>, Vec<u8>)> = items.iter().filter(|(f, _)| scan.keeps(f)).collect();
    let per = if scan.novalues { 1 } else { 2 };
    typed::scan_reply_head(ctx, out, next, kept.len() * per);
    for (f, v) in kept {
        out.bulk(f);
        if !scan.novalues {
            out.bulk(v);
        }
    }
    Ok(())
}

/// The text the engine stores for HINCRBYFLOAT's result (its `format_float`, which is not
/// public): integers without a fraction, others in their shortest form.
fn stored_float(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e17 {
        return format!("{}", v as i64);
    }
    format!("{v}")
}
