//! Set commands (SADD, SMEMBERS, SPOP, the algebra SINTER/SUNION/SDIFF and their store forms,
//! SINTERCARD, SSCAN...) on the engine's sets, with Redis's reply shapes: whole sets are RESP3
//! sets, random picks arrays.

use scalodb::SetOp;

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::typed::{self, int_at, NOT_POSITIVE};
use super::{reply_err, CmdResult, Ctx};
use crate::resp::Out;

/// The set commands (columns: `spec.rs`). SINTERCARD's keys follow a count, which the key
/// columns cannot say, so it declares none (Redis marks it movablekeys).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Set;
    // name          arity  flags            keys        since    handler       summary
    "sadd"           -3     [WRITE FAST]     (1, 1, 1)   "1.0.0"  sadd          "Adds one or more members to a set. Creates the key if it doesn't exist.";
    "srem"           -3     [WRITE FAST]     (1, 1, 1)   "1.0.0"  srem          "Removes one or more members from a set. Deletes the set if the last member was removed.";
    "sismember"      3      [READONLY FAST]  (1, 1, 1)   "1.0.0"  sismember     "Determines whether a member belongs to a set.";
    "smismember"     -3     [READONLY FAST]  (1, 1, 1)   "6.2.0"  smismember    "Determines whether multiple members belong to a set.";
    "scard"          2      [READONLY FAST]  (1, 1, 1)   "1.0.0"  scard         "Returns the number of members in a set.";
    "smembers"       2      [READONLY]       (1, 1, 1)   "1.0.0"  smembers      "Returns all members of a set.";
    "spop"           -2     [WRITE FAST]     (1, 1, 1)   "1.0.0"  spop          "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.";
    "srandmember"    -2     [READONLY]       (1, 1, 1)   "1.0.0"  srandmember   "Get one or multiple random members from a set";
    "smove"          4      [WRITE FAST]     (1, 2, 1)   "1.0.0"  smove         "Moves a member from one set to another.";
    "sinter"         -2     [READONLY]       (1, -1, 1)  "1.0.0"  sinter        "Returns the intersect of multiple sets.";
    "sunion"         -2     [READONLY]       (1, -1, 1)  "1.0.0"  sunion        "Returns the union of multiple sets.";
    "sdiff"          -2     [READONLY]       (1, -1, 1)  "1.0.0"  sdiff         "Returns the difference of multiple sets.";
    "sinterstore"    -3     [WRITE]          (1, -1, 1)  "1.0.0"  sinterstore   "Stores the intersect of multiple sets in a key.";
    "sunionstore"    -3     [WRITE]          (1, -1, 1)  "1.0.0"  sunionstore   "Stores the union of multiple sets in a key.";
    "sdiffstore"     -3     [WRITE]          (1, -1, 1)  "1.0.0"  sdiffstore    "Stores the difference of multiple sets in a key.";
    "sintercard"     -3     [READONLY]       -           "7.0.0"  sintercard    "Returns the number of members of the intersect of multiple sets.";
    "sscan"          -3     [READONLY]       (1, 1, 1)   "2.8.0"  sscan         "Iterates over members of a set.";
};

fn members(out: &mut Out, items: &[Vec<u8>]) {
    out.set(items.len());
    for m in items {
        out.bulk(m);
    }
}

pub fn sadd(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let m: Vec<&[u8]> = args.iter_from(2).collect();
    out.int(ctx.coll().sadd(args.get(1), &m)? as i64);
    Ok(())
}

pub fn srem(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let m: Vec<&[u8]> = args.iter_from(2).collect();
    out.int(ctx.coll().srem(args.get(1), &m)? as i64);
    Ok(())
}

pub fn sismember(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().sismember(args.get(1), args.get(2))? as i64);
    Ok(())
}

pub fn smismember(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let m: Vec<&[u8]> = args.iter_from(2).collect();
    let hits = ctx.coll().smismember(args.get(1), &m)?;
    out.array(hits.len());
    for h in hits {
        out.int(h as i64);
    }
    Ok(())
}

pub fn scard(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().scard(args.get(1))? as i64);
    Ok(())
}

pub fn smembers(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    members(out, &ctx.coll().smembers(args.get(1))?);
    Ok(())
}

/// SPOP key: a member or nil; SPOP key count: a set (empty for a missing key).
pub fn spop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    match args.len() {
        2 => match ctx.coll().spop(args.get(1), 1)?.into_iter().next() {
            Some(m) => out.bulk(&m),
            None => out.null(),
        },
        3 => {
            let count = int_at(args, 2)?;
            if count < 0 {
                return Err(reply_err(NOT_POSITIVE));
            }
            let popped = if count == 0 {
                // Nothing to pop, but the key's type is still checked.
                ctx.coll().scard(args.get(1))?;
                Vec::new()
            } else {
                ctx.coll().spop(args.get(1), count as usize)?
            };
            members(out, &popped);
        }
        _ => return Err(reply_err(super::SYNTAX)),
    }
    Ok(())
}

/// SRANDMEMBER key: a member or nil; with a count an array (distinct members for a positive
/// count, possibly repeated for a negative one).
pub fn srandmember(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    match args.len() {
        2 => match ctx.coll().srandmember(args.get(1), 1)?.into_iter().next() {
            Some(m) => out.bulk(&m),
            None => out.null(),
        },
        3 => {
            let count = typed::rand_count(ctx, args, false)?;
            let picked = ctx.coll().srandmember(args.get(1), count)?;
            out.array(picked.len());
            for m in &picked {
                out.bulk(m);
            }
        }
        _ => return Err(reply_err(super::SYNTAX)),
    }
    Ok(())
}

pub fn smove(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().smove(args.get(1), args.get(2), args.get(3))? as i64);
    Ok(())
}

fn algebra(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, op: SetOp) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter_from(1).collect();
    members(out, &ctx.coll().set_algebra(op, &keys)?);
    Ok(())
}

pub fn sinter(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    algebra(ctx, args, out, SetOp::Inter)
}

pub fn sunion(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    algebra(ctx, args, out, SetOp::Union)
}

pub fn sdiff(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    algebra(ctx, args, out, SetOp::Diff)
}

fn algebra_store(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, op: SetOp) -> CmdResult {
    let keys: Vec<&[u8]> = args.iter_from(2).collect();
    out.int(ctx.coll().set_algebra_store(op, args.get(1), &keys)? as i64);
    Ok(())
}

pub fn sinterstore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    algebra_store(ctx, args, out, SetOp::Inter)
}

pub fn sunionstore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    algebra_store(ctx, args, out, SetOp::Union)
}

pub fn sdiffstore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    algebra_store(ctx, args, out, SetOp::Diff)
}

/// `SINTERCARD numkeys key [key ...] [LIMIT limit]`.
pub fn sintercard(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    // Redis gives this text for a count that is not a number too.
    let numkeys = int_at(args, 1).map_err(|_| reply_err("ERR numkeys should be greater than 0"))?;
    if numkeys <= 0 {
        return Err(reply_err("ERR numkeys should be greater than 0"));
    }
    let first = 2usize;
    if numkeys as u64 > (args.len() - first) as u64 {
        return Err(reply_err("ERR Number of keys can't be greater than number of args"));
    }
    let end = first + numkeys as usize;
    let mut limit = 0usize;
    let mut i = end;
    while i < args.len() {
        if args.lower(i) == "limit" && i + 1 < args.len() {
            let n = int_at(args, i + 1).map_err(|_| reply_err("ERR LIMIT can't be negative"))?;
            if n < 0 {
                return Err(reply_err("ERR LIMIT can't be negative"));
            }
            limit = n as usize;
            i += 2;
        } else {
            return Err(reply_err(super::SYNTAX));
        }
    }
    let keys: Vec<&[u8]> = (first..end).map(|i| args.get(i)).collect();
    out.int(ctx.coll().sintercard(&keys, limit)? as i64);
    Ok(())
}

pub fn sscan(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let scan = typed::scan_args(ctx, args, false)?;
    let after = match &scan.after {
        Some(None) => {
            ctx.coll().scard(args.get(1))?;
            typed::scan_done(out);
            return Ok(());
        }
        Some(Some(last)) => Some(last.as_slice()),
        None => None,
    };
    let (items, next) = ctx.coll().sscan(args.get(1), after, scan.count)?;
    let kept: Vec<&Vec<u8>> = items.iter().filter(|m| scan.keeps(m)).collect();
    typed::scan_reply_head(ctx, out, next, kept.len());
    for m in kept {
        out.bulk(m);
    }
    Ok(())
}
