//! MULTI, EXEC, DISCARD, WATCH and UNWATCH on the engine's optimistic transactions.
//!
//! WATCH begins an engine transaction (or extends the one begun) and reads the watched keys, so
//! they are in its read set. EXEC runs the queued commands inside that transaction and commits:
//! if a watched key (or anything else the commands read) changed since, the commit conflicts and
//! EXEC replies with a null array, as Redis does when a watched key changed. Without WATCH, a
//! conflict is retried: Redis's MULTI never fails for concurrency.
//!
//! Commands on hashes, lists, sets and sorted sets run inside the same transaction
//! (`Ctx::coll`), so a queue mixing them with strings commits as one, isolated from other
//! clients. WATCH works on keys of any type: a watched key written by anyone since makes EXEC
//! answer a null array, even when the transaction itself writes nothing.

use scalodb::Error;

use super::args::Args;
use super::kv::TxStore;
use super::spec::{command_table, CommandSpec};
use super::{account, lookup_id, reply_err, run, CmdResult, Ctx};
use crate::resp::Out;

/// The transaction commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Transactions;
    // name    arity  flags                 keys        since    handler  summary
    "multi"    1      [FAST RUNS_IN_MULTI]  -           "1.2.0"  multi    "Starts a transaction.";
    "exec"     1      [RUNS_IN_MULTI]       -           "1.2.0"  exec     "Executes all commands in a transaction.";
    "discard"  1      [FAST RUNS_IN_MULTI]  -           "2.0.0"  discard  "Discards a transaction.";
    "watch"    -2     [FAST RUNS_IN_MULTI]  (1, -1, 1)  "2.2.0"  watch    "Monitors changes to keys to determine the execution of a transaction.";
    "unwatch"  1      [FAST]                -           "2.2.0"  unwatch  "Forgets about watched keys of a transaction.";
};

/// Times an unwatched EXEC is run again after conflicts before giving up.
const EXEC_ATTEMPTS: usize = 16;

pub fn multi(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    if ctx.session.multi.is_some() {
        return Err(reply_err("ERR MULTI calls can not be nested"));
    }
    ctx.session.multi = Some(Vec::new());
    ctx.session.multi_failed = false;
    out.ok();
    Ok(())
}

pub fn discard(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    if ctx.session.multi.take().is_none() {
        return Err(reply_err("ERR DISCARD without MULTI"));
    }
    ctx.session.multi_failed = false;
    ctx.session.watch = None;
    out.ok();
    Ok(())
}

pub fn watch(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    if ctx.session.multi.is_some() {
        ctx.session.multi_failed = true;
        return Err(reply_err("ERR WATCH inside MULTI is not allowed"));
    }
    let tx = match ctx.session.watch.as_mut() {
        Some(tx) => tx,
        None => ctx.session.watch.insert(TxStore::begin(&ctx.state.db)?),
    };
    for key in args.iter_from(1) {
        tx.watch(key)?;
    }
    out.ok();
    Ok(())
}

pub fn unwatch(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    ctx.session.watch = None;
    out.ok();
    Ok(())
}

pub fn exec(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    let Some(queue) = ctx.session.multi.take() else {
        return Err(reply_err("ERR EXEC without MULTI"));
    };
    let watched = ctx.session.watch.take();
    if std::mem::take(&mut ctx.session.multi_failed) {
        return Err(reply_err("EXECABORT Transaction discarded because of previous errors."));
    }
    let watching = watched.is_some();
    let mut store = match watched {
        Some(tx) => tx,
        None => TxStore::begin(&ctx.state.db)?,
    };
    let mark = out.buf.len();
    // What each queued command took, accounted (INFO commandstats, SLOWLOG, LATENCY) as Redis
    // accounts the commands EXEC runs, once the attempt that answers has committed.
    let mut ran = Vec::with_capacity(queue.len());
    for attempt in 1.. {
        out.array(queue.len());
        ran.clear();
        for cmd in &queue {
            let args = Args::Owned(cmd);
            // Every queued command was found in the table when it was queued.
            let (id, spec) = lookup_id(args.get(0)).expect("queued commands are known");
            let started = std::time::Instant::now();
            let mut inner = Ctx { state: ctx.state, session: &mut *ctx.session, tx: Some(&mut store) };
            let ok = run(spec, &mut inner, args, out);
            ran.push((id, spec, started.elapsed(), ok));
        }
        match store.commit() {
            Ok(()) => {
                for (cmd, &(id, spec, took, ok)) in queue.iter().zip(&ran) {
                    account(ctx.state, ctx.session, (id, spec), Args::Owned(cmd), 1, took, ok);
                }
                return Ok(());
            }
            Err(Error::Conflict) if watching => {
                out.buf.truncate(mark);
                out.null_array();
                return Ok(());
            }
            Err(Error::Conflict) if attempt < EXEC_ATTEMPTS => {
                out.buf.truncate(mark);
                store = TxStore::begin(&ctx.state.db)?;
            }
            Err(e) => {
                out.buf.truncate(mark);
                return Err(e.into());
            }
        }
    }
    unreachable!("the loop returns")
}
