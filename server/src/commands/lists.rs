//! List commands (LPUSH, LPOP, LRANGE, LSET, LPOS, LMOVE...) on the engine's lists, with Redis's
//! reply shapes: a pop without a count answers an element or nil, with a count an array or a
//! null array.

use scalodb::End;

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::typed::{int_at, NOT_POSITIVE};
use super::{reply_err, CmdError, CmdResult, Ctx, SYNTAX};
use crate::resp::Out;

/// The list commands (columns: `spec.rs`). LMPOP takes its keys after a count, which the key
/// columns cannot say: as in Redis it declares none.
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: List;
    // name        arity  flags            keys       since    handler     summary
    "lpush"        -3     [WRITE FAST]     (1, 1, 1)  "1.0.0"  lpush       "Prepends one or more elements to a list. Creates the key if it doesn't exist.";
    "rpush"        -3     [WRITE FAST]     (1, 1, 1)  "1.0.0"  rpush       "Appends one or more elements to a list. Creates the key if it doesn't exist.";
    "lpushx"       -3     [WRITE FAST]     (1, 1, 1)  "2.2.0"  lpushx      "Prepends one or more elements to a list only when the list exists.";
    "rpushx"       -3     [WRITE FAST]     (1, 1, 1)  "2.2.0"  rpushx      "Appends an element to a list only when the list exists.";
    "lpop"         -2     [WRITE FAST]     (1, 1, 1)  "1.0.0"  lpop        "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.";
    "rpop"         -2     [WRITE FAST]     (1, 1, 1)  "1.0.0"  rpop        "Returns and removes the last elements of the list. Deletes the list if the last element was popped.";
    "llen"         2      [READONLY FAST]  (1, 1, 1)  "1.0.0"  llen        "Returns the length of a list.";
    "lindex"       3      [READONLY]       (1, 1, 1)  "1.0.0"  lindex      "Returns an element from a list by its index.";
    "lrange"       4      [READONLY]       (1, 1, 1)  "1.0.0"  lrange      "Returns a range of elements from a list.";
    "lset"         4      [WRITE]          (1, 1, 1)  "1.0.0"  lset        "Sets the value of an element in a list by its index.";
    "linsert"      5      [WRITE]          (1, 1, 1)  "2.2.0"  linsert     "Inserts an element before or after another element in a list.";
    "lrem"         4      [WRITE]          (1, 1, 1)  "1.0.0"  lrem        "Removes elements from a list. Deletes the list if the last element was removed.";
    "ltrim"        4      [WRITE]          (1, 1, 1)  "1.0.0"  ltrim       "Removes elements from both ends a list. Deletes the list if all elements were trimmed.";
    "lpos"         -3     [READONLY]       (1, 1, 1)  "6.0.6"  lpos        "Returns the index of matching elements in a list.";
    "lmove"        5      [WRITE]          (1, 2, 1)  "6.2.0"  lmove       "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.";
    "rpoplpush"    3      [WRITE]          (1, 2, 1)  "1.2.0"  rpoplpush   "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.";
    "lmpop"        -4     [WRITE]          -          "7.0.0"  lmpop       "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.";
};

fn push(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, end: End, existing: bool) -> CmdResult {
    let values: Vec<&[u8]> = args.iter_from(2).collect();
    let mut db = ctx.coll();
    let len = if existing { db.push_existing(args.get(1), end, &values)? } else { db.push(args.get(1), end, &values)? };
    out.int(len as i64);
    Ok(())
}

pub fn lpush(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    push(ctx, args, out, End::Left, false)
}

pub fn rpush(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    push(ctx, args, out, End::Right, false)
}

pub fn lpushx(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    push(ctx, args, out, End::Left, true)
}

pub fn rpushx(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    push(ctx, args, out, End::Right, true)
}

/// LPOP / RPOP: without a count an element or nil; with one an array, or a null array when the
/// key does not exist.
fn pop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, end: End) -> CmdResult {
    let key = args.get(1);
    match args.len() {
        2 => {
            match ctx.coll().pop(key, end, 1)?.into_iter().next() {
                Some(v) => out.bulk(&v),
                None => out.null(),
            }
            Ok(())
        }
        3 => {
            let count = int_at(args, 2)?;
            if count < 0 {
                return Err(reply_err(NOT_POSITIVE));
            }
            let mut db = ctx.coll();
            // A count of 0 pops nothing, but still tells an existing list (empty array) from a
            // missing key (null array), as Redis does.
            let popped = if count == 0 { None } else { Some(db.pop(key, end, count as usize)?) };
            let popped = match popped {
                Some(p) if !p.is_empty() => p,
                _ if db.llen(key)? > 0 => Vec::new(),
                _ => {
                    out.null_array();
                    return Ok(());
                }
            };
            out.array(popped.len());
            for v in &popped {
                out.bulk(v);
            }
            Ok(())
        }
        _ => Err(reply_err(super::arity_error(&args.lower(0)))),
    }
}

pub fn lpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    pop(ctx, args, out, End::Left)
}

pub fn rpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    pop(ctx, args, out, End::Right)
}

/// `LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]`: `[key, [element, ...]]` from the
/// first non-empty list, or a null array (`blocking::mpop`, which BLMPOP shares).
pub fn lmpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    super::blocking::mpop(ctx, args, out, false)
}

pub fn llen(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().llen(args.get(1))? as i64);
    Ok(())
}

pub fn lindex(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let index = int_at(args, 2)?;
    match ctx.coll().lindex(args.get(1), index)? {
        Some(v) => out.bulk(&v),
        None => out.null(),
    }
    Ok(())
}

pub fn lrange(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (start, stop) = (int_at(args, 2)?, int_at(args, 3)?);
    // Elements go from the list into the reply without a copy of their own.
    let mut first = true;
    let n = ctx.coll().lrange_each(args.get(1), start, stop, |n, v| {
        if std::mem::take(&mut first) {
            out.array(n);
        }
        out.bulk(v);
    })?;
    if n == 0 {
        out.array(0);
    }
    Ok(())
}

pub fn lset(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let index = int_at(args, 2)?;
    ctx.coll().lset(args.get(1), index, args.get(3))?;
    out.ok();
    Ok(())
}

pub fn linsert(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let before = match args.lower(2).as_str() {
        "before" => true,
        "after" => false,
        _ => return Err(reply_err(SYNTAX)),
    };
    out.int(ctx.coll().linsert(args.get(1), before, args.get(3), args.get(4))?);
    Ok(())
}

pub fn lrem(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let count = int_at(args, 2)?;
    out.int(ctx.coll().lrem(args.get(1), count, args.get(3))? as i64);
    Ok(())
}

pub fn ltrim(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (start, stop) = (int_at(args, 2)?, int_at(args, 3)?);
    ctx.coll().ltrim(args.get(1), start, stop)?;
    out.ok();
    Ok(())
}

/// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`: an index or nil without
/// COUNT, an array with it.
pub fn lpos(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (mut rank, mut count, mut maxlen) = (1i64, None::<i64>, 0i64);
    let mut i = 3;
    while i < args.len() {
        if i + 1 >= args.len() {
            return Err(reply_err(SYNTAX));
        }
        let n = int_at(args, i + 1)?;
        match args.lower(i).as_str() {
            "rank" => {
                if n == 0 {
                    return Err(reply_err(
                        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... \
                         or use negative to start from the end of the list",
                    ));
                }
                if n == i64::MIN {
                    return Err(reply_err("ERR value is out of range"));
                }
                rank = n;
            }
            "count" if n < 0 => return Err(reply_err("ERR COUNT can't be negative")),
            "count" => count = Some(n),
            "maxlen" if n < 0 => return Err(reply_err("ERR MAXLEN can't be negative")),
            "maxlen" => maxlen = n,
            _ => return Err(reply_err(SYNTAX)),
        }
        i += 2;
    }
    let want = count.map_or(1, |c| c as usize);
    let found = ctx.coll().lpos(args.get(1), args.get(2), rank, want, maxlen as usize)?;
    match count {
        None => match found.first() {
            Some(&p) => out.int(p as i64),
            None => out.null(),
        },
        Some(_) => {
            out.array(found.len());
            for p in found {
                out.int(p as i64);
            }
        }
    }
    Ok(())
}

fn end_arg(args: Args<'_>, i: usize) -> Result<End, CmdError> {
    match args.lower(i).as_str() {
        "left" => Ok(End::Left),
        "right" => Ok(End::Right),
        _ => Err(reply_err(SYNTAX)),
    }
}

/// LMOVE and RPOPLPUSH. As in Redis, an empty source answers nil without looking at the
/// destination's type.
fn lmove_generic(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, from: End, to: End) -> CmdResult {
    let (src, dst) = (args.get(1), args.get(2));
    let mut db = ctx.coll();
    let moved = if db.llen(src)? == 0 { None } else { db.lmove(src, dst, from, to)? };
    match moved {
        Some(v) => out.bulk(&v),
        None => out.null(),
    }
    Ok(())
}

pub fn lmove(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (from, to) = (end_arg(args, 3)?, end_arg(args, 4)?);
    lmove_generic(ctx, args, out, from, to)
}

pub fn rpoplpush(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    lmove_generic(ctx, args, out, End::Right, End::Left)
}
