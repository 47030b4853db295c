//! The typed writes of one pipeline (LPUSH, SADD, HSET, ZADD, ... outside MULTI) committed
//! together: one engine transaction runs them in order and commits once.
//!
//! Why: every write to a collection copies the root-to-leaf path of its persistent tree, since
//! readers may still hold the version before it. Inside one write set the working copy is owned
//! alone after its first edit (`Staged::edit_colls`), so a pipeline of writes to one key copies
//! that path once, and logs and applies one record instead of one per command.
//!
//! Each command still gets exactly the reply it would have had alone: a command that fails
//! (WRONGTYPE, a bad argument) changes nothing and answers its error while the others go on, as
//! in EXEC. If the commit fails (a concurrent change of the same keys, a full disk, the memory
//! limit), the replies are dropped and the commands run again; after a second conflict, or any
//! other failure, each runs on its own, so an error reaches exactly the commands it would have
//! reached alone.

use scalodb::Error;

use super::commands::kv::TxStore;
use super::commands::{account, args::Args, lookup_id, run, Ctx, Flags, Group};
use super::resp::Out;
use super::session::{ReplyMode, Session};
use super::state::ServerState;

/// Longest run of typed writes committed together (bounds the record and the first reply's wait).
pub const MAX_GROUP: usize = 64;

/// Whether the request `spans` of `buf` can join the pipeline's group: a write of the hash, list,
/// set or sorted-set families that does not block, with a valid arity, from an authenticated
/// client outside MULTI and subscriptions, with replies on (the checks `execute` would make).
pub fn groupable(session: &Session, buf: &[u8], spans: &[(usize, usize)]) -> bool {
    if spans.is_empty()
        || !session.authenticated
        || session.multi.is_some()
        || session.reply != ReplyMode::On
        || session.subs.count() > 0
    {
        return false;
    }
    let Some((_, spec)) = lookup_id(&buf[spans[0].0..spans[0].1]) else { return false };
    spec.has(Flags::WRITE)
        && !spec.has(Flags::BLOCKING)
        && matches!(spec.group, Group::Hash | Group::List | Group::Set | Group::SortedSet)
        && spec.arity_ok(spans.len())
}

/// Runs and commits `group` (absolute spans into `buf`), answering each in order, or returns
/// false having written nothing when the caller must run each on its own.
pub fn commit(
    state: &ServerState,
    session: &mut Session,
    buf: &[u8],
    group: &[Vec<(usize, usize)>],
    out: &mut Out,
) -> bool {
    let mark = out.buf.len();
    for _attempt in 0..2 {
        let started = std::time::Instant::now();
        let Ok(mut tx) = TxStore::begin(&state.db) else { return false };
        let mut oks = Vec::with_capacity(group.len());
        for spans in group {
            let args = Args::Spans { buf, spans };
            let id = lookup_id(args.get(0)).expect("checked by groupable");
            let mut ctx = Ctx { state, session, tx: Some(&mut tx) };
            oks.push((id, run(id.1, &mut ctx, args, out)));
        }
        match tx.commit() {
            Ok(()) => {
                let each = started.elapsed() / group.len() as u32;
                for (spans, (id, ok)) in group.iter().zip(oks) {
                    account(state, session, id, Args::Spans { buf, spans }, 1, each, ok);
                }
                if !session.touched.is_empty() {
                    state.signal_keys(std::mem::take(&mut session.touched));
                }
                return true;
            }
            Err(e) => {
                out.buf.truncate(mark);
                session.touched.clear();
                if !matches!(e, Error::Conflict) {
                    return false;
                }
            }
        }
    }
    false
}
