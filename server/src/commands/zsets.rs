//! Sorted set commands on the engine's sorted sets: the table of every Z* command, and the
//! member commands (ZADD, ZSCORE, ZRANK, ZPOP*, ZREMRANGEBY*, ZRANDMEMBER, ZSCAN...).
//! `zranges.rs` holds the range queries and the combinations (ZUNION, ZINTER, ZDIFF), and the
//! parsing of score and lexicographic ranges both use.
//!
//! Scores are RESP2 bulk strings and RESP3 doubles (`typed::score`).

use std::ops::Bound;

use scalodb::ZAddFlags;

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::typed::{self, int_at, NOT_POSITIVE};
use super::zranges::{
    lex_range, score_range, zdiff, zdiffstore, zinter, zinterstore, zrange, zrangebylex, zrangebyscore, zrevrange,
    zrevrangebylex, zrevrangebyscore, zunion, zunionstore,
};
use super::{reply_err, CmdResult, Ctx, NOT_FLOAT, SYNTAX};
use crate::resp::Out;

/// The sorted set commands (columns: `spec.rs`). ZUNION, ZINTER, ZDIFF and ZMPOP take their keys
/// after a count, which the key columns cannot say: as in Redis they declare none (the store
/// forms declare their destination).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: SortedSet;
    // name              arity  flags            keys       since    handler            summary
    "zadd"               -4     [WRITE FAST]     (1, 1, 1)  "1.2.0"  zadd               "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.";
    "zincrby"            4      [WRITE FAST]     (1, 1, 1)  "1.2.0"  zincrby            "Increments the score of a member in a sorted set.";
    "zrem"               -3     [WRITE FAST]     (1, 1, 1)  "1.2.0"  zrem               "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.";
    "zscore"             3      [READONLY FAST]  (1, 1, 1)  "1.2.0"  zscore             "Returns the score of a member in a sorted set.";
    "zmscore"            -3     [READONLY FAST]  (1, 1, 1)  "6.2.0"  zmscore            "Returns the score of one or more members in a sorted set.";
    "zcard"              2      [READONLY FAST]  (1, 1, 1)  "1.2.0"  zcard              "Returns the number of members in a sorted set.";
    "zcount"             4      [READONLY FAST]  (1, 1, 1)  "2.0.0"  zcount             "Returns the count of members in a sorted set that have scores within a range.";
    "zlexcount"          4      [READONLY FAST]  (1, 1, 1)  "2.8.9"  zlexcount          "Returns the number of members in a sorted set within a lexicographical range.";
    "zrank"              -3     [READONLY FAST]  (1, 1, 1)  "2.0.0"  zrank              "Returns the index of a member in a sorted set ordered by ascending scores.";
    "zrevrank"           -3     [READONLY FAST]  (1, 1, 1)  "2.0.0"  zrevrank           "Returns the index of a member in a sorted set ordered by descending scores.";
    "zrange"             -4     [READONLY]       (1, 1, 1)  "1.2.0"  zrange             "Returns members in a sorted set within a range of indexes.";
    "zrevrange"          -4     [READONLY]       (1, 1, 1)  "1.2.0"  zrevrange          "Returns members in a sorted set within a range of indexes in reverse order.";
    "zrangebyscore"      -4     [READONLY]       (1, 1, 1)  "1.0.5"  zrangebyscore      "Returns members in a sorted set within a range of scores.";
    "zrevrangebyscore"   -4     [READONLY]       (1, 1, 1)  "2.2.0"  zrevrangebyscore   "Returns members in a sorted set within a range of scores in reverse order.";
    "zrangebylex"        -4     [READONLY]       (1, 1, 1)  "2.8.9"  zrangebylex        "Returns members in a sorted set within a lexicographical range.";
    "zrevrangebylex"     -4     [READONLY]       (1, 1, 1)  "2.8.9"  zrevrangebylex     "Returns members in a sorted set within a lexicographical range in reverse order.";
    "zpopmin"            -2     [WRITE FAST]     (1, 1, 1)  "5.0.0"  zpopmin            "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.";
    "zpopmax"            -2     [WRITE FAST]     (1, 1, 1)  "5.0.0"  zpopmax            "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.";
    "zmpop"              -4     [WRITE]          -          "7.0.0"  zmpop              "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.";
    "zremrangebyrank"    4      [WRITE]          (1, 1, 1)  "2.0.0"  zremrangebyrank    "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.";
    "zremrangebyscore"   4      [WRITE]          (1, 1, 1)  "1.2.0"  zremrangebyscore   "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.";
    "zremrangebylex"     4      [WRITE]          (1, 1, 1)  "2.8.9"  zremrangebylex     "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.";
    "zunion"             -3     [READONLY]       -          "6.2.0"  zunion             "Returns the union of multiple sorted sets.";
    "zinter"             -3     [READONLY]       -          "6.2.0"  zinter             "Returns the intersect of multiple sorted sets.";
    "zdiff"              -3     [READONLY]       -          "6.2.0"  zdiff              "Returns the difference between multiple sorted sets.";
    "zunionstore"        -4     [WRITE]          (1, 1, 1)  "2.0.0"  zunionstore        "Stores the union of multiple sorted sets in a key.";
    "zinterstore"        -4     [WRITE]          (1, 1, 1)  "2.0.0"  zinterstore        "Stores the intersect of multiple sorted sets in a key.";
    "zdiffstore"         -4     [WRITE]          (1, 1, 1)  "6.2.0"  zdiffstore         "Stores the difference of multiple sorted sets in a key.";
    "zrandmember"        -2     [READONLY]       (1, 1, 1)  "6.2.0"  zrandmember        "Returns one or more random members from a sorted set.";
    "zscan"              -3     [READONLY]       (1, 1, 1)  "2.8.0"  zscan              "Iterates over members and scores of a sorted set.";
};

/// Members with their scores: RESP2 a flat array, RESP3 an array of `[member, score]` pairs.
pub(super) fn scored(out: &mut Out, items: &[(Vec<u8>, f64)]) {
    if out.resp3 {
        out.array(items.len());
        for (m, s) in items {
            out.array(2);
            out.bulk(m);
            typed::score(out, *s);
        }
    } else {
        out.array(items.len() * 2);
        for (m, s) in items {
            out.bulk(m);
            typed::score(out, *s);
        }
    }
}

/// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]`.
pub fn zadd(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let mut flags = ZAddFlags::default();
    let mut incr = false;
    let mut i = 2;
    while i < args.len() {
        match args.lower(i).as_str() {
            "nx" => flags.nx = true,
            "xx" => flags.xx = true,
            "gt" => flags.gt = true,
            "lt" => flags.lt = true,
            "ch" => flags.ch = true,
            "incr" => incr = true,
            _ => break,
        }
        i += 1;
    }
    let rest = args.len() - i;
    if rest == 0 || rest % 2 != 0 {
        return Err(reply_err(SYNTAX));
    }
    if flags.nx && flags.xx {
        return Err(reply_err("ERR XX and NX options at the same time are not compatible"));
    }
    if (flags.gt && flags.lt) || (flags.nx && (flags.gt || flags.lt)) {
        return Err(reply_err("ERR GT, LT, and/or NX options at the same time are not compatible"));
    }
    if incr && rest > 2 {
        return Err(reply_err("ERR INCR option supports a single increment-element pair"));
    }
    let mut entries = Vec::with_capacity(rest / 2);
    for j in (i..args.len()).step_by(2) {
        let s = typed::parse_float(args.get(j)).ok_or_else(|| reply_err(NOT_FLOAT))?;
        entries.push((s, args.get(j + 1)));
    }
    if incr {
        let (delta, member) = entries[0];
        let v = ctx.coll().zadd_incr(args.get(1), delta, member, flags)?;
        typed::opt_score(out, v);
    } else {
        out.int(ctx.coll().zadd(args.get(1), &entries, flags)? as i64);
    }
    Ok(())
}

pub fn zincrby(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let delta = typed::float_at(args, 2)?;
    let v = ctx.coll().zincrby(args.get(1), delta, args.get(3))?;
    typed::score(out, v);
    Ok(())
}

pub fn zrem(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let m: Vec<&[u8]> = args.iter_from(2).collect();
    out.int(ctx.coll().zrem(args.get(1), &m)? as i64);
    Ok(())
}

pub fn zscore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let v = ctx.coll().zscore(args.get(1), args.get(2))?;
    typed::opt_score(out, v);
    Ok(())
}

pub fn zmscore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let m: Vec<&[u8]> = args.iter_from(2).collect();
    let scores = ctx.coll().zmscore(args.get(1), &m)?;
    out.array(scores.len());
    for s in scores {
        typed::opt_score(out, s);
    }
    Ok(())
}

pub fn zcard(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.coll().zcard(args.get(1))? as i64);
    Ok(())
}

pub fn zcount(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (min, max) = score_range(args, 2, 3)?;
    out.int(ctx.coll().zcount(args.get(1), min, max)? as i64);
    Ok(())
}

pub fn zlexcount(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let n = match lex_range(args, 2, 3)? {
        Some((min, max)) => ctx.coll().zlexcount(args.get(1), min, max)?,
        // An empty range ("+" as the low end...): still check the key's type.
        None => ctx.coll().zcard(args.get(1)).map(|_| 0)?,
    };
    out.int(n as i64);
    Ok(())
}

/// ZRANK / ZREVRANK `key member [WITHSCORE]`: the rank, or `[rank, score]`; nil when absent
/// (a null array in RESP2 with WITHSCORE, as Redis replies).
fn rank(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, rev: bool) -> CmdResult {
    let with_score = match args.len() {
        3 => false,
        4 if args.lower(3) == "withscore" => true,
        4 => return Err(reply_err(SYNTAX)),
        _ => return Err(reply_err(super::arity_error(&args.lower(0)))),
    };
    match ctx.coll().zrank(args.get(1), args.get(2), rev)? {
        Some((r, s)) if with_score => {
            out.array(2);
            out.int(r as i64);
            typed::score(out, s);
        }
        Some((r, _)) => out.int(r as i64),
        None if with_score => out.null_array(),
        None => out.null(),
    }
    Ok(())
}

pub fn zrank(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    rank(ctx, args, out, false)
}

pub fn zrevrank(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    rank(ctx, args, out, true)
}

/// ZPOPMIN / ZPOPMAX `key [count]`: without a count one `[member, score]` (flat in both
/// protocols); with a count RESP3 gets pairs, as Redis replies.
fn zpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, max: bool) -> CmdResult {
    let count = match args.len() {
        2 => None,
        3 => match int_at(args, 2)? {
            n if n < 0 => return Err(reply_err(NOT_POSITIVE)),
            n => Some(n as usize),
        },
        _ => return Err(reply_err(super::arity_error(&args.lower(0)))),
    };
    let popped = match count {
        Some(0) => ctx.coll().zcard(args.get(1)).map(|_| Vec::new())?,
        n => ctx.coll().zpop(args.get(1), max, n.unwrap_or(1))?,
    };
    if count.is_some() {
        scored(out, &popped);
    } else {
        out.array(popped.len() * 2);
        for (m, s) in &popped {
            out.bulk(m);
            typed::score(out, *s);
        }
    }
    Ok(())
}

pub fn zpopmin(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    zpop(ctx, args, out, false)
}

pub fn zpopmax(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    zpop(ctx, args, out, true)
}

/// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`: `[key, [[member, score], ...]]` from
/// the first non-empty sorted set (pairs in RESP2 too, unlike ZPOPMIN), or a null array
/// (`blocking::mpop`, which BZMPOP shares).
pub fn zmpop(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    super::blocking::mpop(ctx, args, out, true)
}

pub fn zremrangebyrank(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (start, stop) = (int_at(args, 2)?, int_at(args, 3)?);
    out.int(ctx.coll().zremrange_by_rank(args.get(1), start, stop)? as i64);
    Ok(())
}

pub fn zremrangebyscore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (min, max) = score_range(args, 2, 3)?;
    out.int(ctx.coll().zremrange_by_score(args.get(1), min, max)? as i64);
    Ok(())
}

pub fn zremrangebylex(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let n = match lex_range(args, 2, 3)? {
        Some((min, max)) => ctx.coll().zremrange_by_lex(args.get(1), min, max)?,
        None => ctx.coll().zcard(args.get(1)).map(|_| 0)?,
    };
    out.int(n as i64);
    Ok(())
}

/// `ZRANDMEMBER key [count [WITHSCORES]]`.
pub fn zrandmember(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let key = args.get(1);
    if args.len() == 2 {
        match ctx.coll().zrandmember(key, 1)?.into_iter().next() {
            Some((m, _)) => out.bulk(&m),
            None => out.null(),
        }
        return Ok(());
    }
    let with_scores = match args.len() {
        3 => false,
        4 if args.lower(3) == "withscores" => true,
        _ => return Err(reply_err(SYNTAX)),
    };
    let count = typed::rand_count(ctx, args, with_scores)?;
    let picked = ctx.coll().zrandmember(key, count)?;
    if with_scores {
        scored(out, &picked);
    } else {
        out.array(picked.len());
        for (m, _) in &picked {
            out.bulk(m);
        }
    }
    Ok(())
}

/// ZSCAN: members and their scores, the scores as text in both protocols (as Redis's scans
/// reply).
pub fn zscan(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let scan = typed::scan_args(ctx, args, false)?;
    let after = match &scan.after {
        Some(None) => {
            ctx.coll().zcard(args.get(1))?;
            typed::scan_done(out);
            return Ok(());
        }
        Some(Some(last)) => Some(last.as_slice()),
        None => None,
    };
    let (items, next) = ctx.coll().zscan(args.get(1), after, scan.count)?;
    let kept: Vec<&(Vec<u8>, f64)> = items.iter().filter(|(m, _)| scan.keeps(m)).collect();
    typed::scan_reply_head(ctx, out, next, kept.len() * 2);
    for (m, s) in kept {
        out.bulk(m);
        out.bulk(typed::format_score(*s).as_bytes());
    }
    Ok(())
}

/// One end of a score range as Redis writes it: `1.5`, `(1.5` (exclusive), `-inf`, `+inf`.
pub(super) fn score_bound(b: &[u8]) -> Option<Bound<f64>> {
    match b.strip_prefix(b"(") {
        Some(rest) => typed::parse_float(rest).map(Bound::Excluded),
        None => typed::parse_float(b).map(Bound::Included),
    }
}
