//! Connection commands: PING, ECHO, QUIT, HELLO, AUTH, SELECT, CLIENT.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::{reply_err, CmdResult, Ctx, NOT_INT, SYNTAX};
use crate::resp::{parse_i64, Out};
use crate::session::ReplyMode;
use crate::state::{ClientMeta, ServerState};

/// The connection commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Connection;
    // name   arity  flags                         keys  since    handler  summary
    "ping"    -1     [FAST]                        -     "1.0.0"  ping     "Returns the server's liveliness response.";
    "echo"    2      [FAST]                        -     "1.0.0"  echo     "Returns the given string.";
    "quit"    -1     [NO_AUTH FAST RUNS_IN_MULTI]  -     "1.0.0"  quit     "Closes the connection.";
    "reset"   1      [NO_AUTH FAST RUNS_IN_MULTI]  -     "6.2.0"  reset    "Resets the connection: ends MULTI and WATCH, RESP2, replies on, and deauthenticates.";
    "hello"   -1     [NO_AUTH FAST]                -     "6.0.0"  hello    "Handshakes with the server: protocol version, authentication, client name.";
    "auth"    -2     [NO_AUTH FAST]                -     "1.0.0"  auth     "Authenticates the connection.";
    "select"  2      [FAST]                        -     "1.0.0"  select   "Changes the selected database (only database 0 exists).";
    "client"  -2     []                            -     "2.4.0"  client   "Names, identifies and lists client connections.";
};

pub fn ping(_ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    match args.len() {
        1 => out.simple("PONG"),
        2 => out.bulk(args.get(1)),
        _ => return Err(reply_err(super::arity_error("ping"))),
    }
    Ok(())
}

pub fn echo(_ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    out.bulk(args.get(1));
    Ok(())
}

pub fn quit(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    ctx.session.quit = true;
    out.ok();
    Ok(())
}

/// Compares in time that depends only on the lengths, so a client cannot guess the password
/// byte by byte from response times.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a username and password; the only user is `default`, as in Redis without ACLs.
fn check_auth(state: &ServerState, user: Option<&[u8]>, pass: &[u8]) -> CmdResult {
    let wrong = || reply_err("WRONGPASS invalid username-password pair or user is disabled.");
    match &state.config.password {
        None if user.is_none() => Err(reply_err(
            "ERR AUTH <password> called without any password configured for the default user. \
             Are you sure your configuration is correct?",
        )),
        // Without a password the default user accepts any password, as in Redis.
        None if user == Some(b"default") => Ok(()),
        None => Err(wrong()),
        Some(p) if user.is_none_or(|u| u == b"default") && same_secret(p.as_bytes(), pass) => Ok(()),
        Some(_) => Err(wrong()),
    }
}

pub fn auth(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let (user, pass) = match args.len() {
        2 => (None, args.get(1)),
        3 => (Some(args.get(1)), args.get(2)),
        _ => return Err(reply_err(super::SYNTAX)),
    };
    check_auth(ctx.state, user, pass)?;
    ctx.session.authenticated = true;
    out.ok();
    Ok(())
}

fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

pub fn hello(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let mut resp3 = out.resp3;
    if args.len() >= 2 {
        match parse_i64(args.get(1)) {
            Some(2) => resp3 = false,
            Some(3) => resp3 = true,
            Some(_) => return Err(reply_err("NOPROTO unsupported protocol version")),
            None => return Err(reply_err("ERR Protocol version is not an integer or out of range")),
        }
    }
    let (mut auth, mut name) = (None, None);
    let mut i = 2;
    while i < args.len() {
        match args.lower(i).as_str() {
            "auth" if i + 2 < args.len() => {
                auth = Some((args.get(i + 1), args.get(i + 2)));
                i += 3;
            }
            "setname" if i + 1 < args.len() => {
                name = Some(args.get(i + 1));
                i += 2;
            }
            other => return Err(reply_err(format!("ERR Syntax error in HELLO option '{other}'"))),
        }
    }
    if let Some((user, pass)) = auth {
        check_auth(ctx.state, Some(user), pass)?;
        ctx.session.authenticated = true;
    }
    if !ctx.session.authenticated {
        return Err(reply_err(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> \
             AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol \
             version at the same time",
        ));
    }
    if let Some(n) = name {
        if !valid_name(n) {
            return Err(reply_err("ERR Client names cannot contain spaces, newlines or special characters."));
        }
        *ctx.session.meta.name.lock() = String::from_utf8_lossy(n).into_owned();
    }
    out.resp3 = resp3;
    ctx.session.meta.resp3.store(resp3, Ordering::Relaxed);
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(super::admin::REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(if resp3 { 3 } else { 2 });
    out.bulk(b"id");
    out.int(ctx.session.meta.id as i64);
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}

/// Only database 0 exists: the engine has one keyspace. `SELECT 0` succeeds so that clients
/// configured with database 0 work; any other index gets Redis's out-of-range error.
pub fn select(_ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    match parse_i64(args.get(1)) {
        Some(0) => out.ok(),
        Some(_) => return Err(reply_err("ERR DB index is out of range")),
        None => return Err(reply_err(NOT_INT)),
    }
    Ok(())
}

/// One line of CLIENT LIST / CLIENT INFO.
pub fn client_line(state: &ServerState, m: &ClientMeta) -> String {
    let age = m.created.elapsed();
    let idle_ms = (age.as_millis() as u64).saturating_sub(m.last_active_ms.load(Ordering::Relaxed));
    let _ = state;
    format!(
        "id={} addr={} laddr={} fd=0 name={} age={} idle={} flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 \
         watch=0 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 \
         events=r cmd=client|list user=default redir=-1 resp={} lib-name={} lib-ver={}\n",
        m.id,
        m.addr,
        m.laddr,
        m.name.lock(),
        age.as_secs(),
        idle_ms / 1000,
        if m.resp3.load(Ordering::Relaxed) { 3 } else { 2 },
        m.lib_name.lock(),
        m.lib_ver.lock(),
    )
}

pub fn client(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let sub = args.lower(1);
    let wrong_args = || reply_err(format!("ERR wrong number of arguments for 'client|{sub}' command"));
    let meta = ctx.session.meta.clone();
    match sub.as_str() {
        "id" => out.int(meta.id as i64),
        "getname" => match meta.name.lock().as_str() {
            "" => out.null(),
            n => out.bulk(n.as_bytes()),
        },
        "setname" => {
            if args.len() != 3 {
                return Err(wrong_args());
            }
            if !valid_name(args.get(2)) {
                return Err(reply_err("ERR Client names cannot contain spaces, newlines or special characters."));
            }
            *meta.name.lock() = String::from_utf8_lossy(args.get(2)).into_owned();
            out.ok();
        }
        "setinfo" => {
            if args.len() != 4 {
                return Err(wrong_args());
            }
            let value = String::from_utf8_lossy(args.get(3)).into_owned();
            if !valid_name(args.get(3)) {
                return Err(reply_err(
                    "ERR lib-name and lib-ver cannot contain spaces, newlines or special characters.",
                ));
            }
            match args.lower(2).as_str() {
                "lib-name" => *meta.lib_name.lock() = value,
                "lib-ver" => *meta.lib_ver.lock() = value,
                other => return Err(reply_err(format!("ERR Unrecognized option '{other}'"))),
            }
            out.ok();
        }
        "list" => {
            let mut clients: Vec<_> = ctx.state.clients.lock().values().cloned().collect();
            clients.sort_by_key(|m| m.id);
            let text: String = clients.iter().map(|m| client_line(ctx.state, m)).collect();
            out.verbatim(&text);
        }
        "info" => out.verbatim(&client_line(ctx.state, &meta)),
        "kill" => return client_kill(ctx, &args, out),
        "reply" => {
            if args.len() != 3 {
                return Err(wrong_args());
            }
            ctx.session.reply = match args.lower(2).as_str() {
                "on" => {
                    out.ok();
                    ReplyMode::On
                }
                "off" => ReplyMode::Off,
                "skip" => ReplyMode::SkipNext,
                _ => return Err(reply_err(SYNTAX)),
            };
        }
        "help" => {
            let lines = [
                "CLIENT <subcommand> [<arg> ...]. Subcommands are:",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are: ID <client-id>, ADDR <ip:port>, LADDR <ip:port>,",
                "    MAXAGE <seconds>, SKIPME (YES|NO) (default YES: not this connection).",
                "LIST",
                "    Return information about client connections.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETINFO <LIB-NAME|LIB-VER> <value>",
                "    Set the client library name or version.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
            ];
            out.array(lines.len());
            for l in lines {
                out.simple(l);
            }
        }
        _ => {
            let shown = String::from_utf8_lossy(args.get(1)).into_owned();
            return Err(reply_err(format!("ERR unknown subcommand '{shown}'. Try CLIENT HELP.")));
        }
    }
    Ok(())
}

/// Marks `m` killed and wakes its connection, which closes after answering what it has read.
fn kill(m: &ClientMeta) {
    tracing::info!("client id={} addr={} killed by CLIENT KILL", m.id, m.addr);
    m.killed.store(true, Ordering::Release);
    m.kill.notify_one();
}

/// CLIENT KILL, in the old form (`ip:port`, replies OK) and with filters (replies a count).
fn client_kill(ctx: &mut Ctx<'_>, args: &Args<'_>, out: &mut Out) -> CmdResult {
    let me = ctx.session.meta.id;
    let clients: Vec<Arc<ClientMeta>> = ctx.state.clients.lock().values().cloned().collect();
    if args.len() == 3 {
        let addr = args.get(2);
        let Some(m) = clients.iter().find(|m| m.addr.to_string().as_bytes() == addr) else {
            return Err(reply_err("ERR No such client"));
        };
        kill(m);
        out.ok();
        return Ok(());
    }
    if args.len() < 4 || args.len() % 2 != 0 {
        return Err(reply_err(SYNTAX));
    }
    let (mut id, mut addr, mut laddr, mut max_age, mut skip_me) = (None, None, None, None, true);
    for pair in (2..args.len()).step_by(2) {
        let value = args.get(pair + 1);
        match args.lower(pair).as_str() {
            "id" => id = Some(parse_i64(value).ok_or_else(|| reply_err("ERR client-id should be greater than 0"))?),
            "addr" => addr = Some(value.to_vec()),
            "laddr" => laddr = Some(value.to_vec()),
            "maxage" => max_age = Some(parse_i64(value).ok_or_else(|| reply_err(NOT_INT))?),
            "skipme" => {
                skip_me = match value.to_ascii_lowercase().as_slice() {
                    b"yes" => true,
                    b"no" => false,
                    _ => return Err(reply_err(SYNTAX)),
                }
            }
            _ => return Err(reply_err(SYNTAX)),
        }
    }
    let mut killed = 0;
    for m in &clients {
        let matches = id.is_none_or(|id| m.id as i64 == id)
            && addr.as_ref().is_none_or(|a| m.addr.to_string().as_bytes() == a.as_slice())
            && laddr.as_ref().is_none_or(|a| m.laddr.to_string().as_bytes() == a.as_slice())
            && max_age.is_none_or(|age| m.created.elapsed().as_secs() as i64 >= age)
            && !(skip_me && m.id == me);
        if matches {
            kill(m);
            killed += 1;
        }
    }
    out.int(killed);
    Ok(())
}

/// RESET: the connection as it was when it connected (no MULTI, no WATCH, RESP2, replies on,
/// and unauthenticated when a password is set). Its name stays.
pub fn reset(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    let s = &mut *ctx.session;
    s.multi = None;
    s.multi_failed = false;
    s.watch = None;
    s.reply = ReplyMode::On;
    s.authenticated = ctx.state.config.password.is_none();
    out.resp3 = false;
    s.meta.resp3.store(false, Ordering::Relaxed);
    out.simple("RESET");
    Ok(())
}
