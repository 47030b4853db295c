//! SLOWLOG and LATENCY, in Redis's reply shapes (the logs themselves live in `slowlog.rs` and
//! `latency.rs`, their thresholds in CONFIG, `admin.rs`); SAVE and BGSAVE, which write a
//! checkpoint (our RDB); DEBUG SLEEP, which operators use to check that the slow log and the
//! latency monitor catch a slow command.

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::{reply_err, CmdResult, Ctx};
use crate::resp::{parse_i64, Out};

/// The monitoring commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Server;
    // name     arity  flags    keys  since    handler  summary
    "slowlog"   -2     [ADMIN]  -     "2.2.12" slowlog  "Reads or resets the slow log.";
    "latency"   -2     [ADMIN]  -     "2.8.13" latency  "Reads or resets the latency monitor's spikes.";
    "save"      1      [ADMIN NO_MULTI] - "1.0.0" save   "Writes a checkpoint of the data and waits for it.";
    "bgsave"    -1     [ADMIN NO_MULTI] - "1.0.0" bgsave "Writes a checkpoint of the data in the background.";
    "debug"     -2     [ADMIN NO_MULTI] - "1.0.0" debug  "Blocks the connection for a while (DEBUG SLEEP seconds).";
};

/// Longest DEBUG SLEEP: a typo must not hang a connection for hours.
const MAX_SLEEP_SECS: f64 = 60.0;

pub fn save(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    ctx.db().checkpoint()?;
    out.ok();
    Ok(())
}

pub fn bgsave(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    if args.len() > 2 || (args.len() == 2 && args.lower(1) != "schedule") {
        return Err(reply_err(super::SYNTAX));
    }
    let db = ctx.db().clone();
    // The checkpoint logs its own start, end or failure through the engine listener.
    std::thread::Builder::new()
        .name("scalodb-bgsave".into())
        .spawn(move || {
            let _ = db.checkpoint();
        })
        .map_err(|e| reply_err(format!("ERR could not start the background checkpoint: {e}")))?;
    out.simple("Background saving started");
    Ok(())
}

/// Redis 7's refusal of DEBUG when `enable-debug-command` does not allow this client.
const DEBUG_REFUSED: &str = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", \
you can run it from a local connection, otherwise you need to set this option in the configuration file, and then \
restart the server.";

pub fn debug(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let addr = ctx.session.meta.addr;
    // A Unix-socket client has no address (0.0.0.0:0): it is local.
    let local = addr.ip().is_loopback()
        || matches!(addr.ip(), std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()))
        || (addr.ip().is_unspecified() && addr.port() == 0);
    let allowed = match ctx.state.config.enable_debug_command {
        crate::config::DebugCommand::No => false,
        crate::config::DebugCommand::Local => local,
        crate::config::DebugCommand::Yes => true,
    };
    if !allowed {
        return Err(reply_err(DEBUG_REFUSED.to_string()));
    }
    if args.lower(1) != "sleep" || args.len() != 3 {
        let shown = String::from_utf8_lossy(args.get(1)).into_owned();
        return Err(reply_err(format!("ERR unknown subcommand '{shown}'. Only DEBUG SLEEP <seconds> is supported.")));
    }
    let secs = std::str::from_utf8(args.get(2))
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| reply_err(super::NOT_FLOAT))?;
    // Blocks this connection's worker thread, as DEBUG SLEEP blocks Redis: that is its purpose.
    std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(MAX_SLEEP_SECS)));
    out.ok();
    Ok(())
}

fn unknown_sub(cmd: &str, args: Args<'_>) -> super::CmdError {
    let shown = String::from_utf8_lossy(args.get(1)).into_owned();
    reply_err(format!("ERR unknown subcommand or wrong number of arguments for '{shown}'. Try {cmd} HELP."))
}

pub fn slowlog(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let log = &ctx.state.slowlog;
    match (args.lower(1).as_str(), args.len()) {
        ("get", 2 | 3) => {
            // Redis: 10 by default, -1 for all.
            let count = match args.len() {
                2 => Some(10),
                _ => match parse_i64(args.get(2)) {
                    Some(-1) => None,
                    Some(n) if n >= 0 => Some(n as usize),
                    Some(_) => return Err(reply_err("ERR count should be greater than or equal to -1")),
                    None => return Err(reply_err(super::NOT_INT)),
                },
            };
            log.newest(count, |entries| {
                out.array(entries.len());
                for e in entries {
                    out.array(6);
                    out.int(e.id as i64);
                    out.int(e.unix_secs as i64);
                    out.int(e.micros as i64);
                    out.array(e.argv.len());
                    for a in &e.argv {
                        out.bulk(a);
                    }
                    out.bulk(e.client_addr.as_bytes());
                    out.bulk(e.client_name.as_bytes());
                }
            });
        }
        ("len", 2) => out.int(log.len() as i64),
        ("reset", 2) => {
            log.reset();
            out.ok();
        }
        _ => return Err(unknown_sub("SLOWLOG", args)),
    }
    Ok(())
}

pub fn latency(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let lat = &ctx.state.latency;
    match (args.lower(1).as_str(), args.len()) {
        ("latest", 2) => {
            let latest = lat.latest();
            out.array(latest.len());
            for (name, at, ms, max) in latest {
                out.array(4);
                out.bulk(name.as_bytes());
                out.int(at as i64);
                out.int(ms as i64);
                out.int(max as i64);
            }
        }
        ("history", 3) => {
            let samples = lat.history(args.get(2));
            out.array(samples.len());
            for (at, ms) in samples {
                out.array(2);
                out.int(at as i64);
                out.int(ms as i64);
            }
        }
        ("reset", _) => {
            let names: Vec<&[u8]> = args.iter_from(2).collect();
            out.int(lat.reset(&names) as i64);
        }
        _ => return Err(unknown_sub("LATENCY", args)),
    }
    Ok(())
}
