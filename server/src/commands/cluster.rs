//! The CLUSTER command family, READONLY and READWRITE, and the Redis Cluster hash slot of a key
//! (CRC16-XMODEM of the key or of its hash tag, mod 16384).
//!
//! ScaloDB has no cluster of its own. With `cluster_emulated` set (`--cluster-mode emulated`) the
//! server answers as a cluster of one node that owns every slot, so that cluster-aware clients
//! (which refuse to talk to a server that is not a cluster) connect and route every key to it.
//! Without it, every command here fails as Redis does when cluster support is disabled.

use std::net::IpAddr;

use super::args::Args;
use super::spec::{command_table, CommandSpec};
use super::{reply_err, CmdResult, Ctx};
use crate::resp::Out;
use crate::state::ServerState;

/// The cluster commands (columns: `spec.rs`).
pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: Cluster;
    // name      arity  flags   keys  since    handler   summary
    "cluster"    -2     []      -     "3.0.0"  cluster   "Reports the cluster layout (a single node owning every slot, in emulated cluster mode).";
    "readonly"   1      [FAST]  -     "3.0.0"  readonly  "Lets replicas answer this connection's reads (no replicas here: acknowledged only).";
    "readwrite"  1      [FAST]  -     "3.0.0"  readonly  "Sends this connection's reads to primaries again (acknowledged only).";
};

/// Slots of a Redis cluster; a key belongs to `crc16(key or its tag) % SLOTS`.
pub const SLOTS: u16 = 16384;

const DISABLED: &str = "ERR This instance has cluster support disabled";

/// CRC16-XMODEM lookup table (polynomial 0x1021, no reflection), built at compile time.
const CRC16_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// CRC16-XMODEM (initial value 0, no final xor): the checksum Redis Cluster hashes keys with.
pub fn crc16(data: &[u8]) -> u16 {
    data.iter().fold(0u16, |crc, &b| (crc << 8) ^ CRC16_TABLE[((crc >> 8) as u8 ^ b) as usize])
}

/// The part of `key` that decides its slot: the text between the first `{` and the next `}`
/// when it is not empty (so `{user1}.name` and `{user1}.mail` share a slot), else the whole key.
pub fn hash_tag(key: &[u8]) -> &[u8] {
    if let Some(open) = key.iter().position(|&b| b == b'{') {
        if let Some(len) = key[open + 1..].iter().position(|&b| b == b'}') {
            if len > 0 {
                return &key[open + 1..open + 1 + len];
            }
        }
    }
    key
}

/// The Redis Cluster hash slot of `key` (0..16384).
pub fn key_slot(key: &[u8]) -> u16 {
    crc16(hash_tag(key)) % SLOTS
}

/// A 64-bit hash of `data` under `seed` that never changes: FNV-1a over the seed's bytes and then
/// the data, followed by SplitMix64's finaliser so that every input bit reaches every output bit
/// (FNV-1a alone leaves the high bits weak for short inputs). Not for hash tables facing clients
/// (it is unkeyed), only for ids that must come out the same in every process, on every machine
/// and with every Rust version, which `std`'s hashers do not promise.
fn stable_hash(seed: u64, data: &[u8]) -> u64 {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = FNV_OFFSET;
    for &b in seed.to_le_bytes().iter().chain(data) {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A node id made of `who`: 40 hex digits (160 bits, as Redis's ids), from three seeded hashes.
fn node_id_of(who: &[u8]) -> String {
    let words: Vec<u64> = (1..=3u64).map(|seed| stable_hash(seed, who)).collect();
    format!("{:016x}{:016x}{:08x}", words[0], words[1], words[2] >> 32)
}

/// This node's 40-hex-digit id. Redis keeps a random id in `nodes.conf`; an emulated node has no
/// such file, so the id is derived from what identifies this server: its store's directory (or,
/// for an in-memory store, the process) and the address it is bound to. A restart with the same
/// `--dir` and `--addr` keeps the id, so clients that cache the topology see the same node.
pub fn node_id(state: &ServerState) -> String {
    let mut who = match state.db.path() {
        Some(p) => p.to_string_lossy().into_owned().into_bytes(),
        None => format!("memory:{}", std::process::id()).into_bytes(),
    };
    who.push(0);
    who.extend_from_slice(state.local_addr.to_string().as_bytes());
    node_id_of(&who)
}

/// The IP to announce to this client: the bound address, or, when the server is bound to a
/// wildcard (0.0.0.0 or ::), which no client can connect to, the local address this client's
/// connection reached. When that is not known either, the empty string: a Redis node that does
/// not know its own address announces that, and cluster clients then use the address they
/// dialled.
fn announced_ip(ctx: &Ctx<'_>) -> String {
    let bound = ctx.state.local_addr.ip();
    if !bound.is_unspecified() {
        return bound.to_string();
    }
    let ip = match ctx.session.meta.laddr.ip() {
        // An IPv4 client of a server bound to `::` arrives on a mapped address; announce the
        // IPv4 form, which is what the client dialled.
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    if ip.is_unspecified() {
        String::new()
    } else {
        ip.to_string()
    }
}

fn wrong_args(sub: &str) -> super::CmdError {
    reply_err(format!("ERR wrong number of arguments for 'cluster|{sub}' command"))
}

/// Redis subcommands that change a real cluster's layout; an emulated node has no layout to
/// change, so they get an error that says why rather than "unknown subcommand".
const LAYOUT_CHANGES: &[&str] = &[
    "addslots",
    "addslotsrange",
    "delslots",
    "delslotsrange",
    "flushslots",
    "failover",
    "forget",
    "meet",
    "replicate",
    "reset",
    "setslot",
    "set-config-epoch",
    "bumpepoch",
    "saveconfig",
];

const HELP: &[&str] = &[
    "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "INFO",
    "    Return information about the cluster (one node owning every slot).",
    "KEYSLOT <key>",
    "    Return the hash slot of <key>.",
    "MYID",
    "    Return the node id.",
    "MYSHARDID",
    "    Return the shard id.",
    "NODES",
    "    Return the cluster configuration seen by this node.",
    "SHARDS",
    "    Return the shards of the cluster and their slots.",
    "SLOTS",
    "    Return the slot ranges and the node that serves each.",
    "HELP",
    "    Print this help.",
];

pub fn cluster(ctx: &mut Ctx<'_>, args: Args<'_>, out: &mut Out) -> CmdResult {
    if !ctx.state.config.cluster_emulated {
        return Err(reply_err(DISABLED));
    }
    let sub = args.lower(1);
    let want = match sub.as_str() {
        "keyslot" => Some(3),
        "info" | "myid" | "myshardid" | "nodes" | "shards" | "slots" => Some(2),
        _ => None,
    };
    if want.is_some_and(|n| args.len() != n) {
        return Err(wrong_args(&sub));
    }
    let id = || node_id(ctx.state);
    let ip = announced_ip(ctx);
    let port = ctx.state.local_addr.port();
    match sub.as_str() {
        "keyslot" => out.int(key_slot(args.get(2)) as i64),
        "myid" => out.bulk(id().as_bytes()),
        // One node makes one shard, so the shard takes the node's id (both are 40 hex digits).
        "myshardid" => out.bulk(id().as_bytes()),
        "info" => {
            let text = format!(
                "cluster_state:ok\r\ncluster_slots_assigned:{SLOTS}\r\ncluster_slots_ok:{SLOTS}\r\n\
                 cluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:1\r\ncluster_size:1\r\n\
                 cluster_current_epoch:1\r\ncluster_my_epoch:1\r\ncluster_stats_messages_sent:0\r\n\
                 cluster_stats_messages_received:0\r\ntotal_cluster_links_buffer_limit_exceeded:0\r\n"
            );
            out.verbatim(&text);
        }
        "nodes" => {
            // `ip:port@bus-port`: there is no cluster bus, so its port is 0.
            let line = format!("{} {ip}:{}@0 myself,master - 0 0 1 connected 0-{}\n", id(), port, SLOTS - 1);
            out.verbatim(&line);
        }
        "slots" => {
            out.array(1);
            out.array(3);
            out.int(0);
            out.int(SLOTS as i64 - 1);
            out.array(4);
            out.bulk(ip.as_bytes());
            out.int(port as i64);
            out.bulk(id().as_bytes());
            // Redis 7 adds a map of extra names (hostname...); there are none.
            out.map(0);
        }
        "shards" => {
            out.array(1);
            out.map(2);
            out.bulk(b"slots");
            out.array(2);
            out.int(0);
            out.int(SLOTS as i64 - 1);
            out.bulk(b"nodes");
            out.array(1);
            out.map(7);
            out.bulk(b"id");
            out.bulk(id().as_bytes());
            out.bulk(b"port");
            out.int(port as i64);
            out.bulk(b"ip");
            out.bulk(ip.as_bytes());
            out.bulk(b"endpoint");
            out.bulk(ip.as_bytes());
            out.bulk(b"role");
            out.bulk(b"master");
            out.bulk(b"replication-offset");
            out.int(0);
            out.bulk(b"health");
            out.bulk(b"online");
        }
        "help" => {
            out.array(HELP.len());
            for line in HELP {
                out.simple(line);
            }
        }
        s if LAYOUT_CHANGES.contains(&s) => {
            return Err(reply_err(format!(
                "ERR CLUSTER {} is not supported: this server emulates a cluster of one node that owns every \
                 slot, whose layout cannot change",
                s.to_uppercase()
            )))
        }
        _ => {
            let shown = String::from_utf8_lossy(args.get(1)).into_owned();
            return Err(reply_err(format!("ERR unknown subcommand '{shown}'. Try CLUSTER HELP.")));
        }
    }
    Ok(())
}

/// READONLY and READWRITE: a cluster client sends them to choose whether a replica may answer its
/// reads. There are no replicas, so both only acknowledge (in cluster mode).
pub fn readonly(ctx: &mut Ctx<'_>, _args: Args<'_>, out: &mut Out) -> CmdResult {
    if !ctx.state.config.cluster_emulated {
        return Err(reply_err(DISABLED));
    }
    out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit by bit, straight from the definition (shift left, xor 0x1021 when the top bit falls
    /// out), to check the table-driven version.
    fn crc16_bitwise(data: &[u8]) -> u16 {
        let mut crc = 0u16;
        for &b in data {
            crc ^= (b as u16) << 8;
            for _ in 0..8 {
                crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
            }
        }
        crc
    }

    #[test]
    fn crc16_matches_the_cluster_spec_check_value() {
        // The Redis Cluster specification gives CRC16("123456789") = 0x31C3 (XMODEM).
        assert_eq!(crc16(b"123456789"), 0x31C3);
        assert_eq!(crc16(b""), 0);
    }

    #[test]
    fn crc16_table_agrees_with_the_bitwise_definition() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for len in 0..300 {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            assert_eq!(crc16(&data), crc16_bitwise(&data), "input of {len} bytes");
        }
    }

    #[test]
    fn key_slots_match_the_redis_documentation_examples() {
        // CLUSTER KEYSLOT's documented examples.
        assert_eq!(key_slot(b"somekey"), 11058);
        assert_eq!(key_slot(b"foo{hash_tag}"), 2515);
        assert_eq!(key_slot(b"123456789"), 0x31C3, "0x31C3 is below 16384");
    }

    #[test]
    fn node_ids_are_40_hex_digits_fixed_by_what_identifies_the_node() {
        let id = node_id_of(b"/data\x00127.0.0.1:6379");
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
        assert_eq!(id, node_id_of(b"/data\x00127.0.0.1:6379"), "the same node gets the same id");
        assert_ne!(id, node_id_of(b"/data\x00127.0.0.1:6380"), "another address is another node");
        // Pinned (computed independently): a node's id must not change between builds or machines.
        assert_eq!(stable_hash(1, b"abc"), 0xd05db19d777129f7);
    }

    #[test]
    fn hash_tags_follow_the_first_brace_pair() {
        assert_eq!(hash_tag(b"{user1000}.following"), b"user1000");
        assert_eq!(hash_tag(b"foo{}{bar}"), b"foo{}{bar}", "an empty first tag means the whole key");
        assert_eq!(hash_tag(b"foo{{bar}}zap"), b"{bar", "the tag ends at the first `}}` after the first `{{`");
        assert_eq!(hash_tag(b"foo{bar}{zap}"), b"bar");
        assert_eq!(hash_tag(b"no}brace{"), b"no}brace{");
        assert_eq!(hash_tag(b"{"), b"{");
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"{user1000}.followers"));
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
    }
}
