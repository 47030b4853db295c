//! SLOWLOG and LATENCY, in Redis's reply shapes; the logs themselves live in `slowlog.rs` and
//! `latency.rs`, their thresholds in CONFIG (`admin.rs`).

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::{reply_err, CmdResult, Ctx};
use crate::resp::{parse_i64, Out};

/// The monitoring commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Server;
    // name     arity  flags    keys  since    handler  summary
    "slowlog"   -2     [ADMIN]  -     "2.2.12" slowlog  "Reads or resets the slow log.";
    "latency"   -2     [ADMIN]  -     "2.8.13" latency  "Reads or resets the latency monitor's spikes.";
};

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
