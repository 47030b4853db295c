//! Administration commands: INFO, CONFIG, COMMAND, DBSIZE, FLUSHDB, FLUSHALL, TIME.

use std::sync::atomic::Ordering;

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::{int_arg, lookup, reply_err, table, CmdResult, Ctx, SYNTAX};
use crate::encodings::{self, Thresholds};
use crate::resp::Out;
use crate::state::ServerState;
use crate::{glob, info};

/// The administration commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Server;
    // name     arity  flags            keys  since     handler  summary
    "info"      -1     []               -     "1.0.0"   info     "Returns information and statistics about the server.";
    "config"    -2     [ADMIN]          -     "2.0.0"   config   "Reads or changes server parameters.";
    "command"   -1     []               -     "2.8.13"  command  "Returns information about commands.";
    "dbsize"    1      [READONLY FAST]  -     "1.0.0"   dbsize   "Returns the number of keys in the database.";
    "flushdb"   -1     [WRITE]          -     "1.0.0"   flushdb  "Removes all keys from the database.";
    "flushall"  -1     [WRITE]          -     "1.0.0"   flushdb  "Removes all keys from all databases.";
    "time"      1      [FAST]           -     "2.6.0"   time     "Returns the server time.";
};

/// The Redis version the server claims, for clients that enable features by version: the
/// commands and replies here follow Redis 7.2.
pub const REDIS_VERSION: &str = "7.2.0";

pub fn info(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let wanted: Vec<String> = (1..args.len()).map(|i| args.lower(i)).collect();
    let text = info::render(ctx.state, &wanted)?;
    out.verbatim(&text);
    Ok(())
}

/// The parameters CONFIG GET reports, with their current values.
fn config_params(state: &ServerState) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let mut params = vec![
        ("appendonly", yes_no(state.db.path().is_some())),
        ("bind", state.local_addr.ip().to_string()),
        ("databases", "1".into()),
        ("latency-monitor-threshold", state.latency.threshold_ms.load(Ordering::Relaxed).to_string()),
        ("maxclients", state.max_conns.load(Ordering::Relaxed).to_string()),
        ("maxmemory", "0".into()),
        ("maxmemory-policy", "noeviction".into()),
        ("port", state.local_addr.port().to_string()),
        ("protected-mode", yes_no(state.config.protected_mode)),
        ("proto-max-bulk-len", state.config.limits.max_bulk_len.to_string()),
        ("save", String::new()),
        ("slowlog-log-slower-than", state.slowlog.slower_than_us.load(Ordering::Relaxed).to_string()),
        ("slowlog-max-len", state.slowlog.max_len.load(Ordering::Relaxed).to_string()),
        ("timeout", state.idle_timeout_secs.load(Ordering::Relaxed).to_string()),
    ];
    // The encoding thresholds under both their names, as Redis answers for either.
    for (slot, p) in encodings::PARAMS.iter().enumerate() {
        let v = state.encodings.get(slot).to_string();
        params.extend(p.alias.map(|a| (a, v.clone())));
        params.push((p.name, v));
    }
    params
}

fn not_integer(name: &str) -> super::CmdError {
    reply_err(format!(
        "ERR CONFIG SET failed (possibly related to argument '{name}') - argument couldn't be parsed into an integer"
    ))
}

pub fn config(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let sub = args.lower(1);
    let wrong_args = || reply_err(format!("ERR wrong number of arguments for 'config|{sub}' command"));
    match sub.as_str() {
        "get" => {
            if args.len() < 3 {
                return Err(wrong_args());
            }
            let params = config_params(ctx.state);
            let hits: Vec<_> = params
                .iter()
                .filter(|(name, _)| args.iter_from(2).any(|p| glob::matches(p, name.as_bytes(), true)))
                .collect();
            out.map(hits.len());
            for (name, value) in hits {
                out.bulk(name.as_bytes());
                out.bulk(value.as_bytes());
            }
        }
        "set" => {
            if args.len() < 4 || args.len() % 2 != 0 {
                return Err(wrong_args());
            }
            // Check every pair before applying any, so that a bad one changes nothing.
            let (mut changes, mut thresholds) = (Vec::new(), Vec::new());
            for i in (2..args.len()).step_by(2) {
                let name = args.lower(i);
                let any = int_arg(args, i + 1).ok();
                let n = any.filter(|&n| n >= 0);
                if let Some(slot) = Thresholds::find(&name) {
                    match any {
                        Some(v) if v >= encodings::PARAMS[slot].min && v <= i32::MAX as i64 => {
                            thresholds.push((slot, v))
                        }
                        Some(_) => {
                            return Err(reply_err(format!(
                                "ERR CONFIG SET failed (possibly related to argument '{name}') - argument must be \
                                 between {} and {} inclusive",
                                encodings::PARAMS[slot].min,
                                i32::MAX
                            )))
                        }
                        None => return Err(not_integer(&name)),
                    }
                    continue;
                }
                match (name.as_str(), n) {
                    ("slowlog-log-slower-than", _) => match any {
                        Some(v) => changes.push((2, v as u64)),
                        None => return Err(not_integer(&name)),
                    },
                    ("slowlog-max-len" | "latency-monitor-threshold", _) if any.is_none() => {
                        return Err(not_integer(&name))
                    }
                    ("slowlog-max-len" | "latency-monitor-threshold", None) => {
                        return Err(reply_err(format!(
                            "ERR CONFIG SET failed (possibly related to argument '{name}') - argument must be \
                             between 0 and 9223372036854775807 inclusive"
                        )))
                    }
                    ("slowlog-max-len", Some(n)) => changes.push((3, n as u64)),
                    ("latency-monitor-threshold", Some(n)) => changes.push((4, n as u64)),
                    ("maxclients", Some(n)) if n >= 1 => changes.push((0, n as u64)),
                    ("timeout", Some(n)) => changes.push((1, n as u64)),
                    ("maxclients" | "timeout", _) => {
                        return Err(reply_err(format!(
                            "ERR CONFIG SET failed (possibly related to argument '{name}') - argument must be a \
                             number in range"
                        )))
                    }
                    _ => {
                        return Err(reply_err(format!(
                            "ERR Unknown option or number of arguments for CONFIG SET - '{name}'"
                        )))
                    }
                }
            }
            let st = ctx.state;
            for (slot, v) in thresholds {
                st.encodings.set(slot, v);
            }
            for (which, n) in changes {
                match which {
                    0 => st.max_conns.store(n as usize, Ordering::Relaxed),
                    1 => st.idle_timeout_secs.store(n, Ordering::Relaxed),
                    2 => st.slowlog.slower_than_us.store(n as i64, Ordering::Relaxed),
                    3 => st.slowlog.set_max_len(n.min(usize::MAX as u64) as usize),
                    _ => {
                        st.latency.threshold_ms.store(n, Ordering::Relaxed);
                        // The engine reports fsyncs from 100 ms, or from a lower threshold set here.
                        let ms = if n == 0 { 100 } else { n.min(100) };
                        st.db.set_slow_fsync_threshold(std::time::Duration::from_millis(ms));
                    }
                }
            }
            out.ok();
        }
        "resetstat" => {
            let st = ctx.state;
            for c in [
                &st.total_commands,
                &st.total_connections,
                &st.rejected_connections,
                &st.keyspace_hits,
                &st.keyspace_misses,
                &st.net_input_bytes,
                &st.net_output_bytes,
            ] {
                c.store(0, Ordering::Relaxed);
            }
            st.cmdstats.reset();
            out.ok();
        }
        _ => {
            let shown = String::from_utf8_lossy(args.get(1)).into_owned();
            return Err(reply_err(format!("ERR unknown subcommand '{shown}'. Try CONFIG HELP.")));
        }
    }
    Ok(())
}

/// One entry of COMMAND / COMMAND INFO, in Redis 7's ten-field layout.
fn command_info(spec: &CommandSpec, out: &mut Out) {
    out.array(10);
    out.bulk(spec.name.as_bytes());
    out.int(spec.arity as i64);
    out.set(spec.flags.shown().count());
    for f in spec.flags.shown() {
        out.simple(f);
    }
    out.int(spec.keys.first as i64);
    out.int(spec.keys.last as i64);
    out.int(spec.keys.step as i64);
    out.set(0);
    out.set(0);
    out.array(0);
    out.array(0);
}

/// One entry of COMMAND DOCS: summary, version and group.
fn command_docs(spec: &CommandSpec, out: &mut Out) {
    out.bulk(spec.name.as_bytes());
    out.map(3);
    out.bulk(b"summary");
    out.bulk(spec.summary.as_bytes());
    out.bulk(b"since");
    out.bulk(spec.since.as_bytes());
    out.bulk(b"group");
    out.bulk(spec.group.name().as_bytes());
}

pub fn command(_ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    if args.len() == 1 {
        out.array(table::COMMANDS.len());
        for spec in table::COMMANDS {
            command_info(spec, out);
        }
        return Ok(());
    }
    let named = || args.iter_from(2).map(lookup);
    match args.lower(1).as_str() {
        "count" if args.len() == 2 => out.int(table::COMMANDS.len() as i64),
        "list" if args.len() == 2 => {
            out.array(table::COMMANDS.len());
            for spec in table::COMMANDS {
                out.bulk(spec.name.as_bytes());
            }
        }
        "info" => {
            let specs: Vec<_> =
                if args.len() == 2 { table::COMMANDS.iter().copied().map(Some).collect() } else { named().collect() };
            out.array(specs.len());
            for spec in specs {
                match spec {
                    Some(s) => command_info(s, out),
                    None => out.null_array(),
                }
            }
        }
        "docs" => {
            let specs: Vec<_> = if args.len() == 2 { table::COMMANDS.to_vec() } else { named().flatten().collect() };
            out.map(specs.len());
            for spec in specs {
                command_docs(spec, out);
            }
        }
        "getkeys" if args.len() >= 3 => {
            let Some(spec) = lookup(args.get(2)) else {
                return Err(reply_err("ERR Invalid command specified"));
            };
            let n = args.len() - 2;
            if !spec.arity_ok(n) {
                return Err(reply_err("ERR Invalid number of arguments specified for command"));
            }
            let keys = spec.key_positions(n);
            if keys.is_empty() {
                return Err(reply_err("ERR The command has no key arguments"));
            }
            out.array(keys.len());
            for i in keys {
                out.bulk(args.get(2 + i));
            }
        }
        "count" | "list" => return Err(reply_err(SYNTAX)),
        _ => {
            let shown = String::from_utf8_lossy(args.get(1)).into_owned();
            return Err(reply_err(format!("ERR unknown subcommand '{shown}'. Try COMMAND HELP.")));
        }
    }
    Ok(())
}

pub fn dbsize(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    out.int(ctx.db().stats()?.keys as i64);
    Ok(())
}

pub fn flushdb(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    // ASYNC and SYNC are both accepted: the engine clears atomically in one step either way.
    if args.len() == 2 && !matches!(args.lower(1).as_str(), "async" | "sync") || args.len() > 2 {
        return Err(reply_err(SYNTAX));
    }
    ctx.db().clear()?;
    out.ok();
    Ok(())
}

pub fn time(_ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    out.array(2);
    out.bulk_int(now.as_secs() as i64);
    out.bulk_int(now.subsec_micros() as i64);
    Ok(())
}
