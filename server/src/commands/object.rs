//! OBJECT: what the server can tell about a key's value (its encoding, under Redis's names: see
//! `encodings.rs`).

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::{reply_err, CmdResult, Ctx};
use crate::resp::Out;

/// The OBJECT command (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Generic;
    // name    arity  flags       keys       since    handler  summary
    "object"   -2     [READONLY]  (2, 2, 1)  "2.2.3"  object   "Returns information about a key's value (OBJECT ENCODING, REFCOUNT, IDLETIME, FREQ, HELP).";
};

const HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Print this help.",
];

pub fn object(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    let sub = args.lower(1);
    if sub == "help" && args.len() == 2 {
        out.array(HELP.len());
        for line in HELP {
            out.simple(line);
        }
        return Ok(());
    }
    if args.len() != 3 || !matches!(sub.as_str(), "encoding" | "refcount" | "idletime" | "freq") {
        let shown = String::from_utf8_lossy(args.get(1)).into_owned();
        return Err(reply_err(format!(
            "ERR unknown subcommand or wrong number of arguments for '{shown}'. Try OBJECT HELP."
        )));
    }
    let Some(layout) = ctx.db().layout(args.get(2))? else {
        out.null();
        return Ok(());
    };
    match sub.as_str() {
        "encoding" => out.bulk(ctx.state.encodings.name(&layout).as_bytes()),
        // Values are never shared between keys as Redis shares small integers.
        "refcount" => out.int(1),
        // Access times are kept for eviction in coarse units the server does not expose.
        "idletime" => out.int(0),
        _ => {
            return Err(reply_err(
                "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when \
                 switching between policies at runtime LRU and LFU data will take some time to adjust.",
            ))
        }
    }
    Ok(())
}
