//! MULTI, EXEC, DISCARD, WATCH and UNWATCH on the engine's optimistic transactions.
//!
//! WATCH begins an engine transaction (or extends the one begun) and reads the watched keys, so
//! they are in its read set. EXEC runs the queued commands inside that transaction and commits:
//! if a watched key (or anything else the commands read) changed since, the commit conflicts and
//! EXEC replies with a null array, as Redis does when a watched key changed. Without WATCH, a
//! conflict is retried: Redis's MULTI never fails for concurrency.
//!
//! The engine's transactions read and write string values only. A queue with a hash, list, set
//! or sorted set command, or naming a key that holds one, therefore runs without a transaction:
//! each command in order, straight on the database, after checking the watched keys. Its
//! replies are those of the commands run one after another, but other clients' writes may land
//! between them (they are not isolated), which Redis's EXEC does not allow. WATCH of a key that
//! holds a collection is refused, since its value cannot be read into a transaction.

use scalodb::Error;

use super::args::Args;
use super::keys::is_collection;
use super::kv::TxStore;
use super::spec::{command_table, CommandSpec, Group};
use super::{account, lookup_id, reply_err, run, CmdError, CmdResult, Ctx};
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
    for key in args.iter_from(1) {
        if is_collection(ctx, key)? {
            return Err(reply_err("ERR WATCH of a hash, list, set or sorted set key is not supported yet"));
        }
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
        if needs_direct(ctx, &queue)? {
            return exec_direct(ctx, &queue, watching.then_some(store), out);
        }
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
            // A watched key that now holds a collection changed, as a conflict says.
            Err(e) if watching && (matches!(e, Error::Conflict) || e.is_type_mismatch()) => {
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

/// Whether the queue must run without an engine transaction (see the file comment): it has a
/// collection command, or one of its keys holds a collection now.
fn needs_direct(ctx: &Ctx<'_>, queue: &[Vec<Vec<u8>>]) -> Result<bool, CmdError> {
    for cmd in queue {
        let args = Args::Owned(cmd);
        let (_, spec) = lookup_id(args.get(0)).expect("queued commands are known");
        if matches!(spec.group, Group::Hash | Group::List | Group::Set | Group::SortedSet) {
            return Ok(true);
        }
        for i in spec.key_positions(args.len()) {
            if is_collection(ctx, args.get(i))? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Runs the queue command by command on the database: in order, each atomic on its own, not
/// isolated from other clients as a whole. A changed watched key aborts it first (null array).
fn exec_direct(ctx: &mut Ctx<'_>, queue: &[Vec<Vec<u8>>], watched: Option<TxStore>, out: &mut Out) -> CmdResult {
    if let Some(tx) = watched {
        // The watch transaction wrote nothing, so committing it only compares the watched
        // values with the current ones.
        match tx.commit() {
            Ok(()) => {}
            Err(e) if matches!(e, Error::Conflict) || e.is_type_mismatch() => {
                out.null_array();
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        }
    }
    out.array(queue.len());
    for cmd in queue {
        let args = Args::Owned(cmd);
        let (id, spec) = lookup_id(args.get(0)).expect("queued commands are known");
        let started = std::time::Instant::now();
        let mut inner = Ctx { state: ctx.state, session: &mut *ctx.session, tx: None };
        let ok = run(spec, &mut inner, args, out);
        account(ctx.state, ctx.session, (id, spec), args, 1, started.elapsed(), ok);
    }
    Ok(())
}
