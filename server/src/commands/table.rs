//! Every command the server knows, gathered at compile time from the families' declarations
//! (each family file declares its own, beside their handlers), and the index that finds one by
//! name. Adding a command touches only its family's file.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::spec::CommandSpec;
use super::{
    admin, blocking, cluster, connection, hashes, keys, lists, monitoring, multi, object, pubsub, sets, strings, zsets,
};

/// The families, in the order COMMAND, COMMAND DOCS and COMMAND LIST list their commands.
const FAMILIES: [&[CommandSpec]; 15] = [
    connection::COMMANDS,
    admin::COMMANDS,
    monitoring::COMMANDS,
    cluster::COMMANDS,
    multi::COMMANDS,
    strings::COMMANDS,
    keys::COMMANDS,
    object::COMMANDS,
    hashes::COMMANDS,
    lists::COMMANDS,
    blocking::LIST_COMMANDS,
    sets::COMMANDS,
    zsets::COMMANDS,
    blocking::ZSET_COMMANDS,
    pubsub::COMMANDS,
];

const COUNT: usize = {
    let (mut n, mut i) = (0, 0);
    while i < FAMILIES.len() {
        n += FAMILIES[i].len();
        i += 1;
    }
    n
};

/// Every command, once.
pub static COMMANDS: [&CommandSpec; COUNT] = flatten(&FAMILIES);

/// The commands of `families` one after another (`N` is their total).
const fn flatten<const N: usize>(families: &[&'static [CommandSpec]]) -> [&'static CommandSpec; N] {
    let mut out = [&families[0][0]; N];
    let (mut at, mut f) = (0, 0);
    while f < families.len() {
        let mut i = 0;
        while i < families[f].len() {
            out[at] = &families[f][i];
            at += 1;
            i += 1;
        }
        f += 1;
    }
    assert!(at == N, "N must be the number of commands");
    out
}

/// Names longer than this are no command's: `lookup` lowercases into a buffer of this size.
const MAX_NAME: usize = 24;

/// The command named `name` (any case).
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    lookup_id(name).map(|(_, spec)| spec)
}

/// The command named `name` (any case) and its position in [`COMMANDS`], which indexes the
/// per-command counters (`cmdstats.rs`).
pub fn lookup_id(name: &[u8]) -> Option<(usize, &'static CommandSpec)> {
    static INDEX: OnceLock<HashMap<&'static [u8], (usize, &'static CommandSpec)>> = OnceLock::new();
    let index = INDEX.get_or_init(|| COMMANDS.iter().enumerate().map(|(i, &s)| (s.name.as_bytes(), (i, s))).collect());
    let mut lower = [0u8; MAX_NAME];
    if name.len() > lower.len() {
        return None;
    }
    for (d, s) in lower.iter_mut().zip(name) {
        *d = s.to_ascii_lowercase();
    }
    index.get(&lower[..name.len()]).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_declared_once_with_a_lowercase_name_lookup_can_find() {
        let mut names: Vec<&str> = COMMANDS.iter().map(|s| s.name).collect();
        for name in &names {
            assert!(name.len() <= MAX_NAME && !name.bytes().any(|b| b.is_ascii_uppercase()), "{name}");
            assert_eq!(lookup(name.to_uppercase().as_bytes()).map(|s| s.name), Some(*name));
        }
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "a command is declared twice");
    }
}
