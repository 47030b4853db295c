//! The hash, list, set and sorted set commands over a real TCP connection: replies checked
//! against what Redis replies (values, shapes, nils, error texts), plus what all four types
//! share: WRONGTYPE, TYPE and SCAN TYPE, keys that vanish when emptied or expired, cursor scans
//! of large collections, RESP3 shapes, and MULTI/EXEC. The families' own checks are in
//! `types/`.

mod support;

#[path = "types/hashes.rs"]
mod hashes;
#[path = "types/keys.rs"]
mod keys;
#[path = "types/lists.rs"]
mod lists;
#[path = "types/pipelines.rs"]
mod pipelines;
#[path = "types/sets.rs"]
mod sets;
#[path = "types/zsets.rs"]
mod zsets;

use std::collections::HashSet;
use std::io::Read;
use std::time::Duration;

use scalodb_server::{ServerConfig, ServerHandle};
use support::{encode, start, Client, Reply};

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

pub fn b(s: &str) -> Reply {
    Reply::bulk(s)
}

pub fn ok() -> Reply {
    Reply::Simple("OK".into())
}

pub fn int(n: i64) -> Reply {
    Reply::Int(n)
}

/// An array of bulk strings.
pub fn bulks(items: &[&str]) -> Reply {
    Reply::Array(items.iter().map(|s| b(s)).collect())
}

pub fn arity(name: &str) -> String {
    format!("ERR wrong number of arguments for '{name}' command")
}

/// A server and a client connected to it.
pub fn connect() -> (ServerHandle, Client) {
    let server = start(ServerConfig::default());
    let c = Client::connect(server.local_addr());
    (server, c)
}

/// The members of an array reply as strings, sorted (for replies in no defined order).
pub fn sorted(r: Reply) -> Vec<String> {
    let Reply::Array(items) = r else { panic!("expected an array, got {r:?}") };
    let mut v: Vec<String> = items
        .into_iter()
        .map(|i| match i {
            Reply::Bulk(b) => String::from_utf8(b).unwrap(),
            other => panic!("expected bulk strings, got {other:?}"),
        })
        .collect();
    v.sort();
    v
}

/// The exact bytes of the reply to `args`, which must be `expected.len()` bytes long.
fn raw_reply(c: &mut Client, args: &[&str], expected: &[u8]) {
    let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send_raw(&encode(&raw)).unwrap();
    let mut got = vec![0u8; expected.len()];
    c.reader_mut().read_exact(&mut got).unwrap();
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(expected), "{args:?}");
}

/// One key of each type: `s` string, `h` hash, `l` list, `t` set, `z` sorted set.
fn one_of_each(c: &mut Client) {
    assert_eq!(c.cmd(&["SET", "s", "v"]), ok());
    assert_eq!(c.cmd(&["HSET", "h", "f", "v"]), int(1));
    assert_eq!(c.cmd(&["RPUSH", "l", "a"]), int(1));
    assert_eq!(c.cmd(&["SADD", "t", "a"]), int(1));
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a"]), int(1));
}

#[test]
fn every_type_refuses_the_others_with_wrongtype() {
    let (_server, mut c) = connect();
    one_of_each(&mut c);
    let probes: [(&str, &[&str]); 5] = [
        ("s", &["GET", "APPEND", "INCR", "STRLEN"]),
        ("h", &["HGET", "HLEN", "HSET", "HGETALL"]),
        ("l", &["LPUSH", "LLEN", "LPOP", "LRANGE"]),
        ("t", &["SADD", "SCARD", "SMEMBERS", "SPOP"]),
        ("z", &["ZADD", "ZCARD", "ZRANGE", "ZPOPMIN"]),
    ];
    let args_of = |cmd: &str, key: &'static str| -> Vec<&'static str> {
        match cmd {
            "GET" | "INCR" | "STRLEN" | "HLEN" | "HGETALL" | "LLEN" | "LPOP" | "SCARD" | "SMEMBERS" | "SPOP"
            | "ZCARD" | "ZPOPMIN" => vec![key],
            "APPEND" | "HGET" | "LPUSH" | "SADD" => vec![key, "x"],
            "HSET" => vec![key, "f", "v"],
            "LRANGE" | "ZRANGE" => vec![key, "0", "-1"],
            "ZADD" => vec![key, "1", "m"],
            _ => unreachable!(),
        }
    };
    for (owner, cmds) in probes {
        for (key, _) in probes {
            if key == owner {
                continue;
            }
            for cmd in cmds {
                let mut args = vec![*cmd];
                args.extend(args_of(cmd, key));
                assert_eq!(c.cmd(&args).err_text(), WRONGTYPE, "{args:?}");
            }
        }
    }
    // Nothing was changed by the refused commands.
    assert_eq!(c.cmd(&["GET", "s"]), b("v"));
    assert_eq!(c.cmd(&["HLEN", "h"]), int(1));
    assert_eq!(c.cmd(&["LLEN", "l"]), int(1));
    assert_eq!(c.cmd(&["SCARD", "t"]), int(1));
    assert_eq!(c.cmd(&["ZCARD", "z"]), int(1));
    // SET replaces a value of any type, as in Redis.
    assert_eq!(c.cmd(&["SET", "h", "now a string"]), ok());
    assert_eq!(c.cmd(&["TYPE", "h"]), Reply::Simple("string".into()));
}

#[test]
fn type_and_scan_type_name_each_type() {
    let (_server, mut c) = connect();
    one_of_each(&mut c);
    for (key, name) in [("s", "string"), ("h", "hash"), ("l", "list"), ("t", "set"), ("z", "zset"), ("no", "none")] {
        assert_eq!(c.cmd(&["TYPE", key]), Reply::Simple(name.into()), "{key}");
    }
    for (name, key) in [("string", "s"), ("hash", "h"), ("list", "l"), ("set", "t"), ("zset", "z")] {
        let Reply::Array(parts) = c.cmd(&["SCAN", "0", "COUNT", "100", "TYPE", name]) else { panic!() };
        assert_eq!(parts[0], b("0"));
        assert_eq!(parts[1], bulks(&[key]), "SCAN TYPE {name}");
    }
    assert_eq!(sorted(c.cmd(&["KEYS", "*"])), ["h", "l", "s", "t", "z"]);
}

#[test]
fn collections_emptied_by_removals_disappear() {
    let (_server, mut c) = connect();
    one_of_each(&mut c);
    assert_eq!(c.cmd(&["HDEL", "h", "f"]), int(1));
    assert_eq!(c.cmd(&["LPOP", "l"]), b("a"));
    assert_eq!(c.cmd(&["SREM", "t", "a"]), int(1));
    assert_eq!(c.cmd(&["ZREM", "z", "a"]), int(1));
    for key in ["h", "l", "t", "z"] {
        assert_eq!(c.cmd(&["EXISTS", key]), int(0), "{key}");
        assert_eq!(c.cmd(&["TYPE", key]), Reply::Simple("none".into()), "{key}");
    }
    // DEL removes a whole collection.
    one_of_each(&mut c);
    assert_eq!(c.cmd(&["DEL", "h", "l", "t", "z", "nope"]), int(4));
    assert_eq!(c.cmd(&["EXISTS", "h", "l", "t", "z"]), int(0));
}

#[test]
fn collection_keys_expire() {
    let (_server, mut c) = connect();
    one_of_each(&mut c);
    for key in ["h", "l", "t", "z"] {
        assert_eq!(c.cmd(&["PEXPIRE", key, "100"]), int(1), "{key}");
        assert!(matches!(c.cmd(&["PTTL", key]), Reply::Int(n) if n > 0 && n <= 100), "{key}");
    }
    // A write to a collection keeps its expiry.
    assert_eq!(c.cmd(&["HSET", "h", "g", "w"]), int(1));
    assert!(matches!(c.cmd(&["PTTL", "h"]), Reply::Int(n) if n > 0));
    // EXPIRE's conditions apply to collections too.
    assert_eq!(c.cmd(&["PEXPIRE", "t", "100000", "LT"]), int(0));
    assert_eq!(c.cmd(&["PEXPIRE", "t", "100", "NX"]), int(0));
    std::thread::sleep(Duration::from_millis(250));
    for key in ["h", "l", "t", "z"] {
        assert_eq!(c.cmd(&["EXISTS", key]), int(0), "{key}");
        assert_eq!(c.cmd(&["TYPE", key]), Reply::Simple("none".into()), "{key}");
    }
    assert_eq!(c.cmd(&["HGET", "h", "f"]), Reply::Nil);
    assert_eq!(c.cmd(&["LLEN", "l"]), int(0));
    assert_eq!(c.cmd(&["SISMEMBER", "t", "a"]), int(0));
    assert_eq!(c.cmd(&["ZSCORE", "z", "a"]), Reply::Nil);
    // A collection written again after it expired starts anew, without an expiry.
    assert_eq!(c.cmd(&["HSET", "h", "x", "y"]), int(1));
    assert_eq!(c.cmd(&["HGETALL", "h"]), bulks(&["x", "y"]));
    assert_eq!(c.cmd(&["TTL", "h"]), int(-1));
    assert_eq!(c.cmd(&["EXPIRE", "h", "100"]), int(1));
    assert_eq!(c.cmd(&["PERSIST", "h"]), int(1));
    assert_eq!(c.cmd(&["TTL", "h"]), int(-1));
}

/// Walks a scan of `cmd key` to its end, `count` per call; returns every element (fields or
/// members, without their values) in the order met, and the number of calls.
fn walk(c: &mut Client, cmd: &str, key: &str, count: &str, per: usize) -> (Vec<String>, usize) {
    let (mut cursor, mut seen, mut calls) = ("0".to_string(), Vec::new(), 0);
    loop {
        let Reply::Array(parts) = c.cmd(&[cmd, key, &cursor, "COUNT", count]) else { panic!() };
        calls += 1;
        let Reply::Bulk(next) = &parts[0] else { panic!() };
        let Reply::Array(items) = &parts[1] else { panic!() };
        assert_eq!(items.len() % per, 0);
        for pair in items.chunks(per) {
            let Reply::Bulk(e) = &pair[0] else { panic!() };
            seen.push(String::from_utf8(e.clone()).unwrap());
        }
        cursor = String::from_utf8(next.clone()).unwrap();
        if cursor == "0" {
            return (seen, calls);
        }
        assert!(calls < 10_000, "the scan never ends");
    }
}

#[test]
fn scans_of_large_collections_return_each_element_once() {
    let (_server, mut c) = connect();
    let names: Vec<String> = (0..1000).map(|i| format!("e{i}")).collect();
    for chunk in names.chunks(100) {
        let mut h = vec!["HSET", "h"];
        let mut t = vec!["SADD", "t"];
        let mut z = vec!["ZADD", "z"];
        for n in chunk {
            h.extend([n.as_str(), "v"]);
            t.push(n);
            z.extend(["1.5", n.as_str()]);
        }
        c.cmd(&h);
        c.cmd(&t);
        c.cmd(&z);
    }
    let want: HashSet<&str> = names.iter().map(String::as_str).collect();
    for (cmd, key, per) in [("HSCAN", "h", 2), ("SSCAN", "t", 1), ("ZSCAN", "z", 2)] {
        let (seen, calls) = walk(&mut c, cmd, key, "7", per);
        assert_eq!(seen.len(), 1000, "{cmd} returned an element twice or missed one");
        assert_eq!(seen.iter().map(String::as_str).collect::<HashSet<_>>(), want, "{cmd}");
        assert!(calls >= 1000 / 7, "{cmd} honours COUNT");
    }
    // The values come with the fields and members.
    let Reply::Array(parts) = c.cmd(&["ZSCAN", "z", "0", "COUNT", "2"]) else { panic!() };
    let Reply::Array(items) = &parts[1] else { panic!() };
    assert_eq!(items[1], b("1.5"));
    // MATCH filters, NOVALUES drops HSCAN's values.
    let Reply::Array(parts) = c.cmd(&["HSCAN", "h", "0", "MATCH", "e99*", "COUNT", "2000", "NOVALUES"]) else {
        panic!()
    };
    assert_eq!(parts[0], b("0"));
    assert_eq!(
        sorted(parts[1].clone()),
        ["e99", "e990", "e991", "e992", "e993", "e994", "e995", "e996", "e997", "e998", "e999"]
    );
    // Scanning an absent key or with an unknown cursor ends at once.
    assert_eq!(c.cmd(&["SSCAN", "nope", "0"]), Reply::Array(vec![b("0"), Reply::Array(vec![])]));
    assert_eq!(c.cmd(&["SSCAN", "t", "987654321"]), Reply::Array(vec![b("0"), Reply::Array(vec![])]));
    assert_eq!(c.cmd(&["SSCAN", "t", "x"]).err_text(), "ERR invalid cursor");
    assert_eq!(c.cmd(&["SSCAN", "t", "0", "COUNT"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["HSCAN", "t", "0"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["SSCAN", "t"]).err_text(), arity("sscan"));
}

#[test]
fn resp3_shapes() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["HSET", "h", "a", "1", "b", "2"]), int(2));
    assert_eq!(c.cmd(&["SADD", "t", "x", "y"]), int(2));
    assert_eq!(c.cmd(&["ZADD", "z", "1.5", "m", "-inf", "low"]), int(2));
    assert!(matches!(c.cmd(&["HELLO", "3"]), Reply::Map(_)));
    assert_eq!(c.cmd(&["HGETALL", "h"]), Reply::Map(vec![(b("a"), b("1")), (b("b"), b("2"))]));
    raw_reply(&mut c, &["SMEMBERS", "t"], b"~2\r\n$1\r\nx\r\n$1\r\ny\r\n");
    raw_reply(&mut c, &["ZSCORE", "z", "m"], b",1.5\r\n");
    raw_reply(&mut c, &["ZSCORE", "z", "low"], b",-inf\r\n");
    raw_reply(&mut c, &["ZSCORE", "z", "none"], b"_\r\n");
    raw_reply(&mut c, &["ZRANGE", "z", "0", "0", "WITHSCORES"], b"*1\r\n*2\r\n$3\r\nlow\r\n,-inf\r\n");
    raw_reply(&mut c, &["HRANDFIELD", "h", "-1", "WITHVALUES"], b"*1\r\n*2\r\n$1\r\n");
    // The rest of the pair: a one-byte field and its one-byte value.
    let mut rest = [0u8; 10];
    c.reader_mut().read_exact(&mut rest).unwrap();
    assert!(&rest == b"a\r\n$1\r\n1\r\n" || &rest == b"b\r\n$1\r\n2\r\n", "{rest:?}");
    raw_reply(&mut c, &["LPOP", "nope", "2"], b"_\r\n");
    raw_reply(&mut c, &["ZRANK", "z", "m", "WITHSCORE"], b"*2\r\n:1\r\n,1.5\r\n");
    raw_reply(&mut c, &["ZINCRBY", "z", "1", "m"], b",2.5\r\n");
    // ZPOPMIN without a count is one flat pair; with a count, pairs.
    raw_reply(&mut c, &["ZPOPMIN", "z"], b"*2\r\n$3\r\nlow\r\n,-inf\r\n");
    raw_reply(&mut c, &["ZPOPMAX", "z", "1"], b"*1\r\n*2\r\n$1\r\nm\r\n,2.5\r\n");
    assert!(matches!(c.cmd(&["HELLO", "2"]), Reply::Array(_)));
    assert_eq!(c.cmd(&["ZADD", "z", "1.5", "m"]), int(1));
    raw_reply(&mut c, &["ZSCORE", "z", "m"], b"$3\r\n1.5\r\n");
    raw_reply(&mut c, &["LPOP", "nope", "2"], b"*-1\r\n");
    raw_reply(&mut c, &["LPOP", "nope"], b"$-1\r\n");
    raw_reply(&mut c, &["ZRANK", "z", "none", "WITHSCORE"], b"*-1\r\n");
    raw_reply(&mut c, &["ZRANK", "z", "none"], b"$-1\r\n");
    raw_reply(&mut c, &["SMEMBERS", "t"], b"*2\r\n");
}

#[test]
fn exec_runs_collection_commands_in_order() {
    let (server, mut c) = connect();
    assert_eq!(c.cmd(&["MULTI"]), ok());
    for cmd in [
        &["SET", "a", "1"][..],
        &["HSET", "h", "f", "v"],
        &["HGET", "h", "f"],
        &["INCR", "a"],
        &["GET", "a"],
        &["LPUSH", "a", "x"],
        &["TYPE", "h"],
        &["DEL", "h"],
        &["EXISTS", "h"],
    ] {
        assert_eq!(c.cmd(cmd), Reply::Simple("QUEUED".into()));
    }
    assert_eq!(
        c.cmd(&["EXEC"]),
        Reply::Array(vec![
            ok(),
            int(1),
            b("v"),
            int(2),
            b("2"),
            Reply::Error(WRONGTYPE.into()),
            Reply::Simple("hash".into()),
            int(1),
            int(0),
        ])
    );
    // String commands on a key holding a collection, inside MULTI.
    assert_eq!(c.cmd(&["SADD", "t", "m"]), int(1));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["TYPE", "t"]);
    c.cmd(&["GET", "t"]);
    c.cmd(&["PEXPIRE", "t", "100000"]);
    c.cmd(&["DEL", "t"]);
    assert_eq!(
        c.cmd(&["EXEC"]),
        Reply::Array(vec![Reply::Simple("set".into()), Reply::Error(WRONGTYPE.into()), int(1), int(1)])
    );
    // WATCH still aborts an EXEC of collection commands when a watched key changed.
    let mut other = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["WATCH", "a"]), ok());
    assert_eq!(other.cmd(&["SET", "a", "changed"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["RPUSH", "l", "x"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Nil);
    assert_eq!(c.cmd(&["EXISTS", "l"]), int(0));
    assert_eq!(c.cmd(&["WATCH", "a"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["RPUSH", "l", "x"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Array(vec![int(1)]));
    // A watched key that now holds a collection changed too.
    assert_eq!(c.cmd(&["WATCH", "a"]), ok());
    assert_eq!(other.cmd(&["DEL", "a"]), int(1));
    assert_eq!(other.cmd(&["SADD", "a", "m"]), int(1));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["SET", "b", "1"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Nil);
    assert_eq!(c.cmd(&["EXISTS", "b"]), int(0));
    // Watching a collection key works: a push by another client aborts the EXEC, even one
    // that writes nothing itself.
    assert_eq!(c.cmd(&["WATCH", "l"]), ok());
    assert_eq!(other.cmd(&["RPUSH", "l", "y"]), int(2));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["LLEN", "l"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Nil);
    assert_eq!(c.cmd(&["WATCH", "l"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["LLEN", "l"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Array(vec![int(2)]));
    // An arity error while queueing discards the transaction, as for any command.
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["HSET", "h"]).err_text(), arity("hset"));
    assert!(c.cmd(&["EXEC"]).err_text().starts_with("EXECABORT"));
}

#[test]
fn huge_negative_random_counts_are_refused_not_built() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["SADD", "t", "a"]), int(1));
    assert_eq!(c.cmd(&["HSET", "h", "f", "v"]), int(1));
    assert_eq!(c.cmd(&["ZADD", "z", "1", "m"]), int(1));
    for cmd in [
        &["SRANDMEMBER", "t", "-1000000000000"][..],
        &["HRANDFIELD", "h", "-1000000000000"],
        &["ZRANDMEMBER", "z", "-1000000000000", "WITHSCORES"],
    ] {
        assert!(c.cmd(cmd).err_text().starts_with("ERR the reply would pass the client output limit"), "{cmd:?}");
    }
    assert_eq!(c.cmd(&["SRANDMEMBER", "t", "-3"]), bulks(&["a", "a", "a"]));
}
