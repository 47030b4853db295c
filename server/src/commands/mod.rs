//! Command dispatch: the checks every command goes through (authentication, arity, MULTI
//! queueing), the context handlers run with, and the mapping of engine errors to Redis error
//! replies. Each family file declares its commands beside their handlers (`spec.rs` says how);
//! `table.rs` gathers them.

pub mod admin;
pub mod args;
pub mod blocking;
mod cluster;
mod connection;
mod hashes;
mod keys;
pub mod kv;
mod lists;
mod monitoring;
mod multi;
mod object;
mod pubsub;
mod sets;
mod spec;
mod strings;
mod table;
mod typed;
mod zranges;
mod zsets;

use scalodb::{Db, Error};

use self::args::Args;
use self::kv::{DbKv, Kv, TxStore};
use super::resp::{parse_i64, Out};
use super::session::Session;
use super::state::ServerState;

pub use self::spec::{CommandSpec, Flags, Group};
pub use self::table::{lookup, lookup_id, COMMANDS};

pub const SYNTAX: &str = "ERR syntax error";
pub const NOT_INT: &str = "ERR value is not an integer or out of range";
pub const NOT_FLOAT: &str = "ERR value is not a valid float";
pub const NOAUTH: &str = "NOAUTH Authentication required.";
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

/// `InvalidArgument` texts of the typed engine calls that are word for word what Redis replies
/// (after `ERR `).
const REDIS_TEXTS: [&str; 6] = [
    "no such key",
    "index out of range",
    "increment would produce NaN or Infinity",
    "resulting score is not a number (NaN)",
    "XX and NX options at the same time are not compatible",
    "GT, LT, and/or NX options at the same time are not compatible",
];

/// Why a command failed: an engine error, or a reply the command chose.
#[derive(Debug)]
pub enum CmdError {
    Db(Error),
    Msg(String),
}

impl From<Error> for CmdError {
    fn from(e: Error) -> Self {
        CmdError::Db(e)
    }
}

pub type CmdResult = Result<(), CmdError>;

/// An error reply with this text (which starts with its code, e.g. `ERR`).
pub fn reply_err(msg: impl Into<String>) -> CmdError {
    CmdError::Msg(msg.into())
}

/// The Redis error reply for an engine error.
pub fn engine_error(e: &Error) -> String {
    match e {
        _ if e.is_type_mismatch() => WRONGTYPE.into(),
        // The engine's texts for a field that is not a number (HINCRBY, HINCRBYFLOAT).
        Error::WrongType(m) if m.contains("hash value is not an integer") => "ERR hash value is not an integer".into(),
        Error::WrongType(m) if m.contains("hash value is not a float") => "ERR hash value is not a float".into(),
        Error::WrongType(_) => NOT_INT.into(),
        // Engine texts that are Redis's own error messages.
        Error::InvalidArgument(m) if REDIS_TEXTS.contains(&m.as_str()) => format!("ERR {m}"),
        Error::InvalidArgument(m) if m.contains("overflows") => "ERR increment or decrement would overflow".into(),
        Error::ValueTooLarge { .. } => "ERR string exceeds maximum allowed size (proto-max-bulk-len)".into(),
        Error::OutOfMemory { .. } => "OOM command not allowed when used memory > 'maxmemory'.".into(),
        Error::ReadOnly { .. } => format!("MISCONF {e}"),
        _ => format!("ERR {e}"),
    }
}

/// Handles one command: `args.get(0)` is its name.
pub type Handler = fn(&mut Ctx<'_>, Args<'_>, &mut Out) -> CmdResult;

pub fn arity_error(name: &str) -> String {
    format!("ERR wrong number of arguments for '{name}' command")
}

fn unknown_command(args: Args<'_>) -> String {
    let show = |b: &[u8]| {
        let s = String::from_utf8_lossy(&b[..b.len().min(128)]).into_owned();
        s.replace(['\r', '\n'], " ")
    };
    let mut msg = format!("ERR unknown command '{}', with args beginning with: ", show(args.get(0)));
    for a in args.iter_from(1) {
        msg.push_str(&format!("'{}' ", show(a)));
    }
    msg
}

/// What a command runs with.
pub struct Ctx<'a> {
    pub state: &'a ServerState,
    pub session: &'a mut Session,
    /// The transaction of an EXEC in progress.
    pub tx: Option<&'a mut TxStore>,
}

/// Attempts of a read-modify-write command whose transaction keeps meeting conflicts.
const ATOMIC_ATTEMPTS: usize = 16;

impl Ctx<'_> {
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Where this command's typed operations run: the EXEC transaction, or the database.
    pub fn coll(&mut self) -> scalodb::Target<'_> {
        match self.tx.as_deref_mut() {
            Some(tx) => scalodb::Target::Tx(tx.transaction()),
            None => scalodb::Target::Db(&self.state.db),
        }
    }

    /// Runs `f` on the store of this command: the EXEC transaction, or the database.
    pub fn kv<R>(&mut self, f: impl FnOnce(&mut dyn Kv) -> Result<R, CmdError>) -> Result<R, CmdError> {
        match self.tx.as_deref_mut() {
            Some(tx) => f(tx),
            None => f(&mut DbKv(&self.state.db)),
        }
    }

    /// Runs `f` atomically: inside the EXEC transaction, or in an engine transaction of its own
    /// retried on conflict. `f` may run more than once, so its replies are cut back each time.
    pub fn atomic(&mut self, out: &mut Out, mut f: impl FnMut(&mut dyn Kv, &mut Out) -> CmdResult) -> CmdResult {
        if let Some(tx) = self.tx.as_deref_mut() {
            return f(tx, out);
        }
        let mark = out.buf.len();
        for _ in 0..ATOMIC_ATTEMPTS {
            let mut tx = TxStore::begin(&self.state.db)?;
            f(&mut tx, out)?;
            match tx.commit() {
                Ok(()) => return Ok(()),
                Err(Error::Conflict) => out.buf.truncate(mark),
                Err(e) => {
                    out.buf.truncate(mark);
                    return Err(e.into());
                }
            }
        }
        Err(reply_err("ERR the command met a concurrent change of its keys too many times; retry it"))
    }
}

/// Argument `i` as an integer, or Redis's error.
pub fn int_arg(args: Args<'_>, i: usize) -> Result<i64, CmdError> {
    parse_i64(args.get(i)).ok_or_else(|| reply_err(NOT_INT))
}

/// Runs `spec` and writes its reply (or its error) to `out`. Returns false if it failed.
///
/// After a write that succeeded, its keys are noted in `Session::touched` when some client is
/// blocked, and `execute` serves those keys' blocked clients once the client's request is done.
/// This is the one hook for every command that may add elements to a key (LPUSH, LMOVE's
/// destination, ZADD, ZUNIONSTORE, SUNIONSTORE, RENAME, COPY, ...): each declares the WRITE flag
/// and its key positions, so no command file has to call anything, and the commands EXEC runs
/// pass here too (they are served after EXEC's commit). A write that added nothing costs its
/// waiters one try that finds nothing.
pub fn run(spec: &CommandSpec, ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> bool {
    ctx.session.depth += 1;
    let result = (spec.handler)(ctx, args, out);
    ctx.session.depth -= 1;
    match result {
        Ok(()) => {
            if spec.has(Flags::WRITE) && ctx.state.blocked.any() {
                ctx.session.touched.extend(spec.key_positions(args.len()).into_iter().map(|i| args.get(i).to_vec()));
            }
            true
        }
        Err(CmdError::Db(e)) => {
            out.error(&engine_error(&e));
            false
        }
        Err(CmdError::Msg(m)) => {
            out.error(&m);
            false
        }
    }
}

/// What a RESP2 connection with subscriptions may run (Redis's rule; RESP3 may run anything).
const SUBSCRIBED_OK: [&str; 7] = ["subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset"];

/// Accounts for `calls` runs of command `id` (whose entry is `spec`) that took `took` together: the
/// per-command counters always; the slow log and LATENCY when it was slow enough (each checks
/// an atomic threshold before anything else).
pub fn account(
    state: &ServerState,
    session: &mut Session,
    (id, spec): (usize, &CommandSpec),
    args: Args<'_>,
    calls: u64,
    took: std::time::Duration,
    ok: bool,
) {
    if session.pending.note(id, calls, took, !ok) {
        session.pending.flush(&state.cmdstats);
    }
    let each = took / calls.max(1) as u32;
    let micros = each.as_micros() as u64;
    // AUTH and HELLO carry passwords: never kept.
    if state.slowlog.wants(micros) && !spec.has(Flags::NO_AUTH) {
        let name = session.meta.name.lock().clone();
        let argv: Vec<&[u8]> = args.iter_from(0).collect();
        state.slowlog.push(&argv, micros, session.meta.addr.to_string(), name);
    }
    let ms = each.as_millis() as u64;
    if state.latency.wants(ms) {
        state.latency.record(if spec.has(Flags::FAST) { "fast-command" } else { "command" }, ms);
    }
}

/// Runs one request from a client: checks, MULTI queueing, then the command.
pub fn execute(state: &ServerState, session: &mut Session, args: Args<'_>, out: &mut Out) {
    let Some((id, spec)) = lookup_id(args.get(0)) else {
        if session.multi.is_some() {
            session.multi_failed = true;
        }
        out.error(&unknown_command(args));
        return;
    };
    if !session.authenticated && !spec.has(Flags::NO_AUTH) {
        state.cmdstats.rejected(id);
        out.error(NOAUTH);
        return;
    }
    if !spec.arity_ok(args.len()) {
        if session.multi.is_some() {
            session.multi_failed = true;
        }
        state.cmdstats.rejected(id);
        out.error(&arity_error(spec.name));
        return;
    }
    let subscribed = session.subs.count() > 0 && !out.resp3;
    if subscribed && !SUBSCRIBED_OK.contains(&spec.name) {
        state.cmdstats.rejected(id);
        out.error(&format!(
            "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            spec.name
        ));
        return;
    }
    if let Some(queue) = session.multi.as_mut() {
        if spec.has(Flags::NO_MULTI) {
            session.multi_failed = true;
            state.cmdstats.rejected(id);
            out.error(&format!("ERR Command not allowed inside a transaction: {}", spec.name.to_uppercase()));
            return;
        }
        if !spec.has(Flags::RUNS_IN_MULTI) {
            if queue.len() >= state.config.limits.max_multi_queue {
                session.multi_failed = true;
                out.error("ERR too many commands queued in this transaction");
                return;
            }
            queue.push(args.to_owned_vec());
            out.simple("QUEUED");
            return;
        }
    }
    let started = std::time::Instant::now();
    let mut ctx = Ctx { state, session, tx: None };
    let ok = if subscribed && spec.name == "ping" {
        // Subscribed RESP2 PING answers in the shape of a message: `["pong", arg or ""]`.
        pubsub::subscribed_ping(args, out)
    } else {
        run(spec, &mut ctx, args, out)
    };
    account(state, session, (id, spec), args, 1, started.elapsed(), ok);
    if ok && spec.name == "reset" {
        // RESET also leaves every channel and pattern, silently.
        state.pubsub.drop_all(&mut session.subs);
    }
    if !session.touched.is_empty() {
        state.signal_keys(std::mem::take(&mut session.touched));
    }
}
