//! The blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP,
//! and the pop of LMPOP and ZMPOP, which BLMPOP and BZMPOP share.
//!
//! Each command first tries its pop like the non-blocking form. If every key is empty it asks
//! the connection to block (`Session::block`) and writes no reply; the connection queues it in
//! `crate::blocking::Registry`, where a later write serves it by calling [`serve`] with the same
//! arguments, or its timeout answers a null array. Inside MULTI (and anywhere a command runs
//! nested, as in EXEC) nothing blocks: an empty pop answers nil at once, as Redis does.

use std::time::{Duration, Instant};

use scalodb::End;

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::typed::{parse_float, score};
use super::{engine_error, reply_err, CmdError, CmdResult, Ctx, SYNTAX};
use crate::blocking::BlockRequest;
use crate::resp::{parse_i64, Out};
use crate::state::ServerState;

/// The blocking list commands (columns: `spec.rs`). BLMPOP takes its keys after a count, which
/// the key columns cannot say: as in Redis it declares none (nor does BZMPOP).
pub(super) const LIST_COMMANDS: &[CommandSpec] = command_table! { group: List;
    // name       arity  flags             keys        since    handler     summary
    "blpop"       -3     [WRITE BLOCKING]  (1, -2, 1)  "2.0.0"  blpop       "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.";
    "brpop"       -3     [WRITE BLOCKING]  (1, -2, 1)  "2.0.0"  brpop       "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.";
    "brpoplpush"  4      [WRITE BLOCKING]  (1, 2, 1)   "2.2.0"  brpoplpush  "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.";
    "blmove"      6      [WRITE BLOCKING]  (1, 2, 1)   "6.2.0"  blmove      "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.";
    "blmpop"      -5     [WRITE BLOCKING]  -           "7.0.0"  blmpop      "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.";
};

/// The blocking sorted set commands (columns: `spec.rs`).
pub(super) const ZSET_COMMANDS: &[CommandSpec] = command_table! { group: SortedSet;
    // name     arity  flags                  keys        since    handler   summary
    "bzpopmin"  -3     [WRITE FAST BLOCKING]  (1, -2, 1)  "5.0.0"  bzpopmin  "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.";
    "bzpopmax"  -3     [WRITE FAST BLOCKING]  (1, -2, 1)  "5.0.0"  bzpopmax  "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.";
    "bzmpop"    -5     [WRITE BLOCKING]       -           "7.0.0"  bzmpop    "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.";
};

/// Longest timeout accepted (Redis refuses what overflows its millisecond clock; this is about
/// 317 years, far beyond any real wait, and keeps `Instant` arithmetic from overflowing).
const MAX_TIMEOUT_SECS: f64 = 1e10;

/// What one try of a blocking command's pop did.
pub enum Served {
    /// It answered (an element, or an error): the reply is in `out`. For BLMOVE, the key it
    /// pushed to, whose own waiters may now be served.
    Yes(Option<Vec<u8>>),
    /// Nothing to pop; `out` is untouched. `wrong_type`: a key held another type (skipped while
    /// blocked, as Redis serves a blocked client only from a key of the type it waits for).
    No { wrong_type: bool },
}

/// The timeout argument: seconds as a decimal, 0 for none.
fn deadline(args: Args<'_>, i: usize) -> Result<Option<Instant>, CmdError> {
    let secs = parse_float(args.get(i)).ok_or_else(|| reply_err("ERR timeout is not a float or out of range"))?;
    if secs < 0.0 {
        return Err(reply_err("ERR timeout is negative"));
    }
    if !secs.is_finite() || secs > MAX_TIMEOUT_SECS {
        return Err(reply_err("ERR timeout is out of range"));
    }
    Ok((secs > 0.0).then(|| Instant::now() + Duration::from_secs_f64(secs)))
}

fn end_at(args: Args<'_>, i: usize) -> Option<End> {
    match args.lower(i).as_str() {
        "left" => Some(End::Left),
        "right" => Some(End::Right),
        _ => None,
    }
}

/// The arguments of LMPOP, ZMPOP, BLMPOP and BZMPOP from their `numkeys` on:
/// `numkeys key [key ...] LEFT|RIGHT [COUNT count]` (MIN|MAX for the sorted sets).
pub(super) struct Mpop {
    /// The positions of the keys, in the order they are tried.
    pub keys: std::ops::Range<usize>,
    /// LEFT (lists) or MIN (sorted sets); otherwise RIGHT or MAX.
    pub first: bool,
    /// Elements to pop at most from the key that has some (1 without COUNT).
    pub count: usize,
}

/// Parses the arguments of a multi-key pop whose `numkeys` is argument `at`, with Redis's
/// errors: `numkeys` and COUNT must be integers above 0, the keys and the end must be there,
/// and anything else (a second COUNT included) is a syntax error.
pub(super) fn mpop_args(args: Args<'_>, at: usize, zset: bool) -> Result<Mpop, CmdError> {
    let numkeys =
        parse_i64(args.get(at)).filter(|&n| n > 0).ok_or_else(|| reply_err("ERR numkeys should be greater than 0"))?;
    // The keys, then the end: all within the arguments.
    if numkeys as u64 >= (args.len() - at - 1) as u64 {
        return Err(reply_err(SYNTAX));
    }
    let end_at = at + 1 + numkeys as usize;
    let first = match (args.lower(end_at).as_str(), zset) {
        ("left", false) | ("min", true) => true,
        ("right", false) | ("max", true) => false,
        _ => return Err(reply_err(SYNTAX)),
    };
    let mut count = None;
    let mut i = end_at + 1;
    while i < args.len() {
        if count.is_some() || args.lower(i) != "count" || i + 1 == args.len() {
            return Err(reply_err(SYNTAX));
        }
        let n = parse_i64(args.get(i + 1))
            .filter(|&n| n > 0)
            .ok_or_else(|| reply_err("ERR count should be greater than 0"))?;
        count = Some(usize::try_from(n).unwrap_or(usize::MAX));
        i += 2;
    }
    Ok(Mpop { keys: at + 1..end_at, first, count: count.unwrap_or(1) })
}

/// The pop of LMPOP and ZMPOP (and BLMPOP's and BZMPOP's tries): up to `count` elements from the
/// first key, in order, that holds some, one engine call (one commit) for that key. The reply is
/// `[key, [element, ...]]`, or for sorted sets `[key, [[member, score], ...]]` in both protocols.
/// A key of the wrong type met before that one is an error if `strict`, skipped otherwise.
fn mpop_on(db: &mut scalodb::Target<'_>, args: Args<'_>, m: &Mpop, zset: bool, out: &mut Out, strict: bool) -> Served {
    let mut wrong_type = false;
    for i in m.keys.clone() {
        let key = args.get(i);
        let popped = if zset {
            db.zpop(key, !m.first, m.count).map(|v| {
                if !v.is_empty() {
                    out.array(2);
                    out.bulk(key);
                    out.array(v.len());
                    for (member, s) in &v {
                        out.array(2);
                        out.bulk(member);
                        score(out, *s);
                    }
                }
                !v.is_empty()
            })
        } else {
            let end = if m.first { End::Left } else { End::Right };
            db.pop(key, end, m.count).map(|v| {
                if !v.is_empty() {
                    out.array(2);
                    out.bulk(key);
                    out.array(v.len());
                    for e in &v {
                        out.bulk(e);
                    }
                }
                !v.is_empty()
            })
        };
        match popped {
            Ok(true) => return Served::Yes(None),
            Ok(false) => {}
            Err(e) if e.is_type_mismatch() && !strict => wrong_type = true,
            Err(e) => return answer_error(out, &e),
        }
    }
    Served::No { wrong_type }
}

/// LMPOP and ZMPOP: the pop, or a null array when every key is empty.
pub(super) fn mpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, zset: bool) -> CmdResult {
    let m = mpop_args(args, 1, zset)?;
    if let Served::No { .. } = mpop_on(&mut ctx.coll(), args, &m, zset, out, true) {
        out.null_array();
    }
    Ok(())
}

/// Runs one try of the blocking command `args` on the database. `strict`: a key of the wrong
/// type is an error reply (the command's own first try); otherwise it is skipped (a writer
/// serving a client that is already blocked).
pub fn serve(state: &ServerState, args: Args<'_>, out: &mut Out, strict: bool) -> Served {
    serve_on(&mut scalodb::Target::Db(&state.db), args, out, strict)
}

/// `serve` on `db`: the database, or the EXEC transaction (a blocking command inside EXEC pops
/// what the transaction's own earlier commands pushed).
fn serve_on(db: &mut scalodb::Target<'_>, args: Args<'_>, out: &mut Out, strict: bool) -> Served {
    let name = args.lower(0);
    let mut wrong_type = false;
    match name.as_str() {
        "blpop" | "brpop" => {
            let end = if name == "blpop" { End::Left } else { End::Right };
            for i in 1..args.len() - 1 {
                let key = args.get(i);
                match db.pop(key, end, 1) {
                    Ok(v) => {
                        if let Some(v) = v.into_iter().next() {
                            out.array(2);
                            out.bulk(key);
                            out.bulk(&v);
                            return Served::Yes(None);
                        }
                    }
                    Err(e) if e.is_type_mismatch() && !strict => wrong_type = true,
                    Err(e) => return answer_error(out, &e),
                }
            }
        }
        "bzpopmin" | "bzpopmax" => {
            for i in 1..args.len() - 1 {
                let key = args.get(i);
                match db.zpop(key, name == "bzpopmax", 1) {
                    Ok(v) => {
                        if let Some((member, s)) = v.into_iter().next() {
                            out.array(3);
                            out.bulk(key);
                            out.bulk(&member);
                            score(out, s);
                            return Served::Yes(None);
                        }
                    }
                    Err(e) if e.is_type_mismatch() && !strict => wrong_type = true,
                    Err(e) => return answer_error(out, &e),
                }
            }
        }
        "blmove" | "brpoplpush" => {
            let (from, to) = if name == "blmove" {
                match (end_at(args, 3), end_at(args, 4)) {
                    (Some(f), Some(t)) => (f, t),
                    _ => {
                        out.error(SYNTAX);
                        return Served::Yes(None);
                    }
                }
            } else {
                (End::Right, End::Left)
            };
            let (src, dst) = (args.get(1), args.get(2));
            // As LMOVE: an empty source is nothing to do, whatever the destination holds.
            match db.llen(src) {
                Ok(0) => {}
                Ok(_) => match db.lmove(src, dst, from, to) {
                    Ok(Some(v)) => {
                        out.bulk(&v);
                        return Served::Yes(Some(dst.to_vec()));
                    }
                    Ok(None) => {}
                    Err(e) => return answer_error(out, &e),
                },
                Err(e) if e.is_type_mismatch() && !strict => wrong_type = true,
                Err(e) => return answer_error(out, &e),
            }
        }
        "blmpop" | "bzmpop" => {
            let zset = name == "bzmpop";
            // Checked when the command came; a request that blocked parses again the same.
            match mpop_args(args, 2, zset) {
                Ok(m) => return mpop_on(db, args, &m, zset, out, strict),
                Err(e) => {
                    out.error(&match e {
                        CmdError::Msg(m) => m,
                        CmdError::Db(e) => engine_error(&e),
                    });
                    return Served::Yes(None);
                }
            }
        }
        _ => unreachable!("serve is only called for the blocking commands"),
    }
    Served::No { wrong_type }
}

fn answer_error(out: &mut Out, e: &scalodb::Error) -> Served {
    out.error(&engine_error(e));
    Served::Yes(None)
}

/// The common handler: try, then block or (where blocking is not allowed) answer nil.
fn blocking(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, timeout_at: usize, keys: &[usize]) -> CmdResult {
    let name = args.lower(0);
    if name == "blmove" && (end_at(args, 3).is_none() || end_at(args, 4).is_none()) {
        return Err(reply_err(SYNTAX));
    }
    let deadline = deadline(args, timeout_at)?;
    if let Served::Yes(_) = serve_on(&mut ctx.coll(), args, out, true) {
        // BLMOVE's destination is signalled by the dispatcher, as for any write (its key
        // positions cover it).
        return Ok(());
    }
    // Only a command the client sent itself blocks: not inside MULTI or EXEC.
    if ctx.tx.is_some() || ctx.session.depth > 1 || ctx.session.multi.is_some() {
        if name == "blmove" || name == "brpoplpush" {
            out.null();
        } else {
            out.null_array();
        }
        return Ok(());
    }
    let mut key_list: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
    for &i in keys {
        let k = args.get(i);
        if !key_list.iter().any(|x| x == k) {
            key_list.push(k.to_vec());
        }
    }
    ctx.session.block = Some(BlockRequest { args: args.to_owned_vec(), keys: key_list, deadline });
    Ok(())
}

fn pop_keys(args: Args<'_>) -> Vec<usize> {
    (1..args.len() - 1).collect()
}

pub fn blpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    blocking(ctx, args, out, args.len() - 1, &pop_keys(args))
}

pub fn brpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    blocking(ctx, args, out, args.len() - 1, &pop_keys(args))
}

pub fn bzpopmin(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    blocking(ctx, args, out, args.len() - 1, &pop_keys(args))
}

pub fn bzpopmax(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    blocking(ctx, args, out, args.len() - 1, &pop_keys(args))
}

/// BRPOPLPUSH waits on its source only.
pub fn brpoplpush(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    blocking(ctx, args, out, 3, &[1])
}

pub fn blmove(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    blocking(ctx, args, out, 5, &[1])
}

/// `BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]`: the arguments are checked
/// before the timeout, as Redis does.
pub fn blmpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let keys: Vec<usize> = mpop_args(args, 2, false)?.keys.collect();
    blocking(ctx, args, out, 1, &keys)
}

/// `BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]`.
pub fn bzmpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let keys: Vec<usize> = mpop_args(args, 2, true)?.keys.collect();
    blocking(ctx, args, out, 1, &keys)
}
