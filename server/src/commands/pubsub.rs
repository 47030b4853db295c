//! SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB, on `crate::pubsub`.
//!
//! The confirmations are Redis's `[kind, name, count]`, one per channel or pattern, sent as
//! pushes on a RESP3 connection. What a RESP2 connection may run once subscribed is checked by
//! the dispatcher (`super::execute`), since it concerns every command.

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::{reply_err, CmdResult, Ctx};
use crate::pubsub::{confirm, limit};
use crate::resp::Out;

/// The pub/sub commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Pubsub;
    // name          arity  flags   keys  since    handler       summary
    "subscribe"      -2     []      -     "2.0.0"  subscribe     "Listens for messages published to channels.";
    "unsubscribe"    -1     []      -     "2.0.0"  unsubscribe   "Stops listening to messages posted to channels.";
    "psubscribe"     -2     []      -     "2.0.0"  psubscribe    "Listens for messages published to channels that match one or more patterns.";
    "punsubscribe"   -1     []      -     "2.0.0"  punsubscribe  "Stops listening to messages published to channels that match one or more patterns.";
    "publish"        3      [FAST]  -     "2.0.0"  publish       "Posts a message to a channel.";
    "pubsub"         -2     []      -     "2.8.0"  pubsub        "A container for Pub/Sub commands.";
};

fn subscribe_generic(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, pattern: bool) -> CmdResult {
    let kind = if pattern { "psubscribe" } else { "subscribe" };
    for name in args.iter_from(1) {
        ctx.state.pubsub.subscribe(&mut ctx.session.subs, name, pattern);
        confirm(out, kind, Some(name), ctx.session.subs.count());
    }
    Ok(())
}

/// Without names: from every channel (or pattern), one confirmation each, or a single one with
/// a null name when there were none.
fn unsubscribe_generic(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out, pattern: bool) -> CmdResult {
    let kind = if pattern { "punsubscribe" } else { "unsubscribe" };
    let names: Vec<Vec<u8>> = if args.len() > 1 {
        args.iter_from(1).map(<[u8]>::to_vec).collect()
    } else {
        let subs = &ctx.session.subs;
        let mut all: Vec<Vec<u8>> = if pattern { &subs.patterns } else { &subs.channels }.iter().cloned().collect();
        all.sort_unstable();
        all
    };
    if names.is_empty() {
        confirm(out, kind, None, ctx.session.subs.count());
    }
    for name in &names {
        ctx.state.pubsub.unsubscribe(&mut ctx.session.subs, name, pattern);
        confirm(out, kind, Some(name), ctx.session.subs.count());
    }
    Ok(())
}

pub fn subscribe(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    subscribe_generic(ctx, args, out, false)
}

pub fn psubscribe(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    subscribe_generic(ctx, args, out, true)
}

pub fn unsubscribe(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    unsubscribe_generic(ctx, args, out, false)
}

pub fn punsubscribe(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    unsubscribe_generic(ctx, args, out, true)
}

/// PUBLISH: the number of deliveries (a client subscribed to the channel and to a matching
/// pattern counts twice, as in Redis).
pub fn publish(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let n = ctx.state.pubsub.publish(args.get(1), args.get(2), limit(ctx.state));
    out.int(n as i64);
    Ok(())
}

/// PING on a subscribed RESP2 connection: `["pong", message or ""]`. False if it failed.
pub fn subscribed_ping(args: Args<'_>, out: &mut Out) -> bool {
    if args.len() > 2 {
        out.error(&super::arity_error("ping"));
        return false;
    }
    out.array(2);
    out.bulk(b"pong");
    out.bulk(if args.len() == 2 { args.get(1) } else { b"" });
    true
}

/// PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | HELP.
pub fn pubsub(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let hub = &ctx.state.pubsub;
    match (args.lower(1).as_str(), args.len()) {
        ("channels", 2 | 3) => {
            let mut channels = hub.channels((args.len() == 3).then(|| args.get(2)));
            channels.sort_unstable();
            out.array(channels.len());
            for c in &channels {
                out.bulk(c);
            }
        }
        ("numsub", _) => {
            out.map(args.len() - 2);
            for c in args.iter_from(2) {
                out.bulk(c);
                out.int(hub.numsub(c) as i64);
            }
        }
        ("numpat", 2) => out.int(hub.numpat() as i64),
        ("help", 2) => {
            let lines = [
                "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "HELP",
                "    Print this help.",
            ];
            out.array(lines.len());
            for l in lines {
                out.simple(l);
            }
        }
        ("channels" | "numpat" | "help", _) => {
            return Err(reply_err(super::arity_error(&format!("pubsub|{}", args.lower(1)))));
        }
        _ => {
            let shown = String::from_utf8_lossy(args.get(1)).into_owned();
            return Err(reply_err(format!("ERR unknown subcommand '{shown}'. Try PUBSUB HELP.")));
        }
    }
    Ok(())
}
