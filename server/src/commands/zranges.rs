//! Sorted set range queries (ZRANGE with BYSCORE/BYLEX/REV/LIMIT/WITHSCORES, and the older
//! ZREVRANGE, ZRANGEBYSCORE, ZRANGEBYLEX... forms) and combinations (ZUNION, ZINTER, ZDIFF and
//! their store forms), with the parsing of Redis's score and lexicographic ranges. Their table
//! entries are in `zsets.rs`.

use std::ops::Bound;

use scalodb::{Aggregate, ZSetOp};

use super::args::Args;
use super::typed::{self, int_at};
use super::zsets::{score_bound, scored};
use super::{reply_err, CmdError, CmdResult, Ctx, SYNTAX};
use crate::resp::Out;

const NOT_SCORE_RANGE: &str = "ERR min or max is not a float";
const NOT_LEX_RANGE: &str = "ERR min or max not valid string range item";

/// The score range given by arguments `min` and `max`.
pub(super) fn score_range(args: Args<'_>, min: usize, max: usize) -> Result<(Bound<f64>, Bound<f64>), CmdError> {
    let parse = |i| score_bound(args.get(i)).ok_or_else(|| reply_err(NOT_SCORE_RANGE));
    Ok((parse(min)?, parse(max)?))
}

/// One end of a lexicographic range: `-` (before everything), `+` (after everything), `[a`
/// (inclusive) or `(a` (exclusive).
enum Lex<'a> {
    Lowest,
    Highest,
    At(Bound<&'a [u8]>),
}

fn lex_item(b: &[u8]) -> Option<Lex<'_>> {
    match b {
        b"-" => Some(Lex::Lowest),
        b"+" => Some(Lex::Highest),
        _ => match b.split_first() {
            Some((b'[', rest)) => Some(Lex::At(Bound::Included(rest))),
            Some((b'(', rest)) => Some(Lex::At(Bound::Excluded(rest))),
            _ => None,
        },
    }
}

/// A lexicographic range as the engine takes it, or None for a range that is empty whatever the
/// set holds (`+` as the low end, `-` as the high end).
pub(super) type LexRange<'a> = Option<(Bound<&'a [u8]>, Bound<&'a [u8]>)>;

pub(super) fn lex_range(args: Args<'_>, min: usize, max: usize) -> Result<LexRange<'_>, CmdError> {
    let parse = |i| lex_item(args.get(i)).ok_or_else(|| reply_err(NOT_LEX_RANGE));
    let (lo, hi) = (parse(min)?, parse(max)?);
    let lo = match lo {
        Lex::Lowest => Bound::Unbounded,
        Lex::Highest => return Ok(None),
        Lex::At(b) => b,
    };
    let hi = match hi {
        Lex::Highest => Bound::Unbounded,
        Lex::Lowest => return Ok(None),
        Lex::At(b) => b,
    };
    Ok(Some((lo, hi)))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    Rank,
    Score,
    Lex,
}

/// One range query: what selects members, the order, LIMIT and WITHSCORES.
struct Query {
    by: By,
    rev: bool,
    limit: Option<(i64, i64)>,
    with_scores: bool,
}

/// Runs `q` over the key at argument 1, `a` and `b` being the range's ends as given (for a
/// reversed score or lex range: the high end first, as Redis takes them).
fn run(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, (a, b): (usize, usize), q: Query) -> CmdResult {
    let key = args.get(1);
    let mut db = ctx.coll();
    let (lo, hi) = if q.rev { (b, a) } else { (a, b) };
    // A negative offset selects nothing, as in Redis; a negative count means "all the rest".
    let limit = match q.limit {
        Some((off, _)) if off < 0 => Some(None),
        Some((off, count)) => Some(Some((off as usize, count))),
        None => None,
    };
    let items = match q.by {
        By::Rank => db.zrange(key, int_at(args, a)?, int_at(args, b)?, q.rev)?,
        By::Score => {
            let (min, max) = score_range(args, lo, hi)?;
            match limit {
                Some(None) => db.zcard(key).map(|_| Vec::new())?,
                l => db.zrange_by_score(key, min, max, q.rev, l.flatten())?,
            }
        }
        By::Lex => match (lex_range(args, lo, hi)?, limit) {
            (None, _) | (_, Some(None)) => db.zcard(key).map(|_| Vec::new())?,
            (Some((min, max)), l) => db.zrange_by_lex(key, min, max, q.rev, l.flatten())?,
        },
    };
    if q.with_scores {
        scored(out, &items);
    } else {
        out.array(items.len());
        for (m, _) in &items {
            out.bulk(m);
        }
    }
    Ok(())
}

/// `LIMIT offset count` at argument `i`.
fn limit_at(args: Args<'_>, i: usize) -> Result<(i64, i64), CmdError> {
    if i + 2 >= args.len() {
        return Err(reply_err(SYNTAX));
    }
    Ok((int_at(args, i + 1)?, int_at(args, i + 2)?))
}

/// `ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`.
pub fn zrange(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let mut q = Query { by: By::Rank, rev: false, limit: None, with_scores: false };
    let mut i = 4;
    while i < args.len() {
        match args.lower(i).as_str() {
            "byscore" if q.by == By::Rank => q.by = By::Score,
            "bylex" if q.by == By::Rank => q.by = By::Lex,
            "rev" => q.rev = true,
            "withscores" => q.with_scores = true,
            "limit" => {
                q.limit = Some(limit_at(args, i)?);
                i += 2;
            }
            _ => return Err(reply_err(SYNTAX)),
        }
        i += 1;
    }
    if q.limit.is_some() && q.by == By::Rank {
        return Err(reply_err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"));
    }
    if q.with_scores && q.by == By::Lex {
        return Err(reply_err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    }
    run(ctx, args, out, (2, 3), q)
}

/// `ZREVRANGE key start stop [WITHSCORES]`.
pub fn zrevrange(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let with_scores = match args.len() {
        4 => false,
        5 if args.lower(4) == "withscores" => true,
        _ => return Err(reply_err(SYNTAX)),
    };
    run(ctx, args, out, (2, 3), Query { by: By::Rank, rev: true, limit: None, with_scores })
}

/// The options of the older range forms: `[WITHSCORES] [LIMIT offset count]` (WITHSCORES only
/// by score).
fn old_form(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, by: By, rev: bool) -> CmdResult {
    let mut q = Query { by, rev, limit: None, with_scores: false };
    let mut i = 4;
    while i < args.len() {
        match args.lower(i).as_str() {
            "withscores" if by == By::Score => q.with_scores = true,
            "limit" => {
                q.limit = Some(limit_at(args, i)?);
                i += 2;
            }
            _ => return Err(reply_err(SYNTAX)),
        }
        i += 1;
    }
    run(ctx, args, out, (2, 3), q)
}

pub fn zrangebyscore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    old_form(ctx, args, out, By::Score, false)
}

pub fn zrevrangebyscore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    old_form(ctx, args, out, By::Score, true)
}

pub fn zrangebylex(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    old_form(ctx, args, out, By::Lex, false)
}

pub fn zrevrangebylex(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    old_form(ctx, args, out, By::Lex, true)
}

/// ZUNION, ZINTER, ZDIFF (`numkeys key... [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX]
/// [WITHSCORES]`) and their store forms (a destination first, no WITHSCORES). ZDIFF takes
/// neither WEIGHTS nor AGGREGATE.
fn combine(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, op: ZSetOp, store: bool) -> CmdResult {
    let at = if store { 2 } else { 1 };
    let numkeys = int_at(args, at)?;
    if numkeys < 1 {
        return Err(reply_err(format!("ERR at least 1 input key is needed for '{}' command", args.lower(0))));
    }
    let first = at + 1;
    if numkeys as u64 > (args.len() - first) as u64 {
        return Err(reply_err(SYNTAX));
    }
    let n = numkeys as usize;
    let keys: Vec<&[u8]> = (first..first + n).map(|i| args.get(i)).collect();
    let (mut weights, mut aggregate, mut with_scores) = (Vec::new(), Aggregate::Sum, false);
    let mut i = first + n;
    while i < args.len() {
        match args.lower(i).as_str() {
            "weights" if op != ZSetOp::Diff && i + n < args.len() => {
                weights = (i + 1..=i + n)
                    .map(|j| {
                        typed::parse_float(args.get(j)).ok_or_else(|| reply_err("ERR weight value is not a float"))
                    })
                    .collect::<Result<_, _>>()?;
                i += n;
            }
            "aggregate" if op != ZSetOp::Diff && i + 1 < args.len() => {
                aggregate = match args.lower(i + 1).as_str() {
                    "sum" => Aggregate::Sum,
                    "min" => Aggregate::Min,
                    "max" => Aggregate::Max,
                    _ => return Err(reply_err(SYNTAX)),
                };
                i += 1;
            }
            "withscores" if !store => with_scores = true,
            _ => return Err(reply_err(SYNTAX)),
        }
        i += 1;
    }
    let mut db = ctx.coll();
    if store {
        out.int(db.zcombine_store(op, args.get(1), &keys, &weights, aggregate)? as i64);
        return Ok(());
    }
    let items = db.zcombine(op, &keys, &weights, aggregate)?;
    if with_scores {
        scored(out, &items);
    } else {
        out.array(items.len());
        for (m, _) in &items {
            out.bulk(m);
        }
    }
    Ok(())
}

pub fn zunion(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    combine(ctx, args, out, ZSetOp::Union, false)
}

pub fn zinter(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    combine(ctx, args, out, ZSetOp::Inter, false)
}

pub fn zdiff(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    combine(ctx, args, out, ZSetOp::Diff, false)
}

pub fn zunionstore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    combine(ctx, args, out, ZSetOp::Union, true)
}

pub fn zinterstore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    combine(ctx, args, out, ZSetOp::Inter, true)
}

pub fn zdiffstore(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    combine(ctx, args, out, ZSetOp::Diff, true)
}
