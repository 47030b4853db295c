//! CLUSTER, READONLY and READWRITE over the wire: disabled by default (Redis's error), and in
//! emulated cluster mode a cluster of one node owning every slot, with a stable node id, the real
//! hash slot from KEYSLOT, and an announced address a client can dial.

mod support;

use scalodb::Db;
use scalodb_server::{Server, ServerConfig};
use support::{start, start_on, Client, Reply};

fn emulated() -> ServerConfig {
    ServerConfig { cluster_emulated: true, ..ServerConfig::default() }
}

fn text(r: Reply) -> String {
    match r {
        Reply::Bulk(b) => String::from_utf8(b).unwrap(),
        other => panic!("expected a bulk string, got {other:?}"),
    }
}

fn int(r: &Reply) -> i64 {
    match r {
        Reply::Int(n) => *n,
        other => panic!("expected an integer, got {other:?}"),
    }
}

#[test]
fn cluster_commands_answer_as_redis_without_cluster_support_by_default() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    for cmd in
        [&["CLUSTER", "INFO"][..], &["CLUSTER", "SLOTS"], &["CLUSTER", "KEYSLOT", "k"], &["READONLY"], &["READWRITE"]]
    {
        assert_eq!(c.cmd(cmd).err_text(), "ERR This instance has cluster support disabled", "{cmd:?}");
    }
    let info = text(c.cmd(&["INFO"]));
    assert!(info.contains("# Cluster\r\ncluster_enabled:0\r\n"), "{info}");
    assert!(info.contains("redis_mode:standalone\r\n"), "{info}");
}

#[test]
fn emulated_mode_reports_one_node_that_owns_every_slot() {
    let server = start(emulated());
    let port = server.local_addr().port() as i64;
    let mut c = Client::connect(server.local_addr());
    let id = text(c.cmd(&["CLUSTER", "MYID"]));
    assert_eq!(id.len(), 40);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");

    let Reply::Array(ranges) = c.cmd(&["CLUSTER", "SLOTS"]) else { panic!("SLOTS is an array") };
    assert_eq!(ranges.len(), 1);
    let Reply::Array(range) = &ranges[0] else { panic!("a range is an array") };
    assert_eq!((int(&range[0]), int(&range[1])), (0, 16383));
    assert_eq!(range.len(), 3, "one primary, no replicas");
    let Reply::Array(node) = &range[2] else { panic!("a node is an array") };
    assert_eq!(node[0], Reply::bulk("127.0.0.1"));
    assert_eq!(int(&node[1]), port);
    assert_eq!(node[2], Reply::bulk(&id));

    let nodes = text(c.cmd(&["CLUSTER", "NODES"]));
    assert_eq!(nodes, format!("{id} 127.0.0.1:{port}@0 myself,master - 0 0 1 connected 0-16383\n"));

    let info = text(c.cmd(&["CLUSTER", "INFO"]));
    for line in ["cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:1", "cluster_size:1"] {
        assert!(info.split("\r\n").any(|l| l == line), "CLUSTER INFO lacks {line}: {info}");
    }
    let info = text(c.cmd(&["INFO", "cluster"]));
    assert_eq!(info, "# Cluster\r\ncluster_enabled:1\r\n");
    assert!(text(c.cmd(&["INFO", "server"])).contains("redis_mode:cluster\r\n"));
    assert_eq!(c.cmd(&["READONLY"]), Reply::Simple("OK".into()));
    assert_eq!(c.cmd(&["READWRITE"]), Reply::Simple("OK".into()));
    assert_eq!(text(c.cmd(&["CLUSTER", "MYSHARDID"])), id);
}

#[test]
fn emulated_shards_reply_is_a_map_in_resp3() {
    let server = start(emulated());
    let mut c = Client::connect(server.local_addr());
    assert!(matches!(c.cmd(&["HELLO", "3"]), Reply::Map(_)));
    let id = text(c.cmd(&["CLUSTER", "MYID"]));
    let Reply::Array(shards) = c.cmd(&["CLUSTER", "SHARDS"]) else { panic!("SHARDS is an array") };
    assert_eq!(shards.len(), 1);
    let Reply::Map(shard) = &shards[0] else { panic!("a shard is a map in RESP3") };
    assert_eq!(shard[0], (Reply::bulk("slots"), Reply::Array(vec![Reply::Int(0), Reply::Int(16383)])));
    assert_eq!(shard[1].0, Reply::bulk("nodes"));
    let Reply::Array(nodes) = &shard[1].1 else { panic!("nodes is an array") };
    let Reply::Map(node) = &nodes[0] else { panic!("a node is a map") };
    let field = |name: &str| node.iter().find(|(k, _)| *k == Reply::bulk(name)).map(|(_, v)| v.clone());
    assert_eq!(field("id"), Some(Reply::bulk(&id)));
    assert_eq!(field("ip"), Some(Reply::bulk("127.0.0.1")));
    assert_eq!(field("port"), Some(Reply::Int(server.local_addr().port() as i64)));
    assert_eq!(field("role"), Some(Reply::bulk("master")));
    assert_eq!(field("health"), Some(Reply::bulk("online")));
}

#[test]
fn keyslot_is_the_redis_hash_slot() {
    let server = start(emulated());
    let mut c = Client::connect(server.local_addr());
    // CRC16("123456789") = 0x31C3 per the cluster specification; the others are the examples of
    // Redis's CLUSTER KEYSLOT documentation.
    assert_eq!(c.cmd(&["CLUSTER", "KEYSLOT", "123456789"]), Reply::Int(0x31C3));
    assert_eq!(c.cmd(&["CLUSTER", "KEYSLOT", "somekey"]), Reply::Int(11058));
    assert_eq!(c.cmd(&["CLUSTER", "KEYSLOT", "foo{hash_tag}"]), Reply::Int(2515));
    assert_eq!(c.cmd(&["CLUSTER", "KEYSLOT", "{hash_tag}.other"]), Reply::Int(2515));
    assert_eq!(c.cmd(&["CLUSTER", "KEYSLOT", "hash_tag"]), Reply::Int(2515));
    assert_eq!(c.cmd(&["CLUSTER", "KEYSLOT", ""]), Reply::Int(0));
    assert_ne!(c.cmd(&["CLUSTER", "KEYSLOT", "{}hash_tag"]), Reply::Int(2515), "an empty tag hashes the whole key");
    assert_eq!(
        c.cmd(&["CLUSTER", "KEYSLOT"]).err_text(),
        "ERR wrong number of arguments for 'cluster|keyslot' command"
    );
    assert_eq!(
        c.cmd(&["CLUSTER", "SLOTS", "x"]).err_text(),
        "ERR wrong number of arguments for 'cluster|slots' command"
    );
    assert_eq!(c.cmd(&["CLUSTER", "NOPE"]).err_text(), "ERR unknown subcommand 'NOPE'. Try CLUSTER HELP.");
    assert!(c.cmd(&["CLUSTER", "ADDSLOTS", "1"]).err_text().starts_with("ERR CLUSTER ADDSLOTS is not supported"));
    assert!(matches!(c.cmd(&["CLUSTER", "HELP"]), Reply::Array(lines) if lines.len() > 5));
}

#[test]
fn node_id_survives_a_restart_on_the_same_directory_and_address() {
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path()).unwrap();
    let server = start_on(db.clone(), emulated());
    let addr = server.local_addr();
    let first = text(Client::connect(addr).cmd(&["CLUSTER", "MYID"]));
    server.stop().unwrap();
    drop(server);
    db.close().unwrap();

    let db = Db::open(dir.path()).unwrap();
    let config = ServerConfig { addr: addr.to_string(), ..emulated() };
    let server = Server::start(db.clone(), config).unwrap();
    assert_eq!(text(Client::connect(addr).cmd(&["CLUSTER", "MYID"])), first);

    let elsewhere = start_on(Db::open(other.path()).unwrap(), emulated());
    assert_ne!(text(Client::connect(elsewhere.local_addr()).cmd(&["CLUSTER", "MYID"])), first);
    server.stop().unwrap();
}

#[test]
fn a_wildcard_bind_is_never_announced() {
    let server = Server::start(Db::memory(), ServerConfig { addr: "0.0.0.0:0".into(), ..emulated() }).unwrap();
    let port = server.local_addr().port();
    let mut c = Client::connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    let Reply::Array(ranges) = c.cmd(&["CLUSTER", "SLOTS"]) else { panic!("SLOTS is an array") };
    let Reply::Array(range) = &ranges[0] else { panic!("a range is an array") };
    let Reply::Array(node) = &range[2] else { panic!("a node is an array") };
    // The address the client reached (127.0.0.1), or the empty address that tells cluster clients
    // to use the one they dialled when the connection's local address is not recorded.
    let ip = text(node[0].clone());
    assert!(ip == "127.0.0.1" || ip.is_empty(), "announced {ip:?} for a server bound to 0.0.0.0");
    let nodes = text(c.cmd(&["CLUSTER", "NODES"]));
    assert!(!nodes.contains("0.0.0.0"), "{nodes}");
}

#[test]
fn command_table_lists_the_cluster_commands() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    let Reply::Array(infos) = c.cmd(&["COMMAND", "INFO", "cluster", "readonly", "readwrite"]) else { panic!() };
    assert_eq!(infos.len(), 3);
    for (info, name) in infos.iter().zip(["cluster", "readonly", "readwrite"]) {
        let Reply::Array(fields) = info else { panic!("{name} is missing from COMMAND INFO: {info:?}") };
        assert_eq!(fields[0], Reply::bulk(name));
    }
}
