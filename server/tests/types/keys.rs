//! What the key commands do with collections: RENAME and COPY of every type (with the expiry,
//! inside MULTI too), OBJECT ENCODING under Redis's names, and the encoding thresholds of CONFIG.

use crate::support::Reply;
use crate::{b, bulks, connect, int, ok, sorted};

#[test]
fn rename_and_renamenx_move_collections_with_their_expiry() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["HSET", "h", "f", "v", "g", "w"]), int(2));
    assert_eq!(c.cmd(&["EXPIRE", "h", "100"]), int(1));
    assert_eq!(c.cmd(&["RENAME", "h", "g"]), ok());
    assert_eq!(c.cmd(&["EXISTS", "h"]), int(0));
    assert_eq!(c.cmd(&["HGETALL", "g"]), bulks(&["f", "v", "g", "w"]));
    assert!(matches!(c.cmd(&["TTL", "g"]), Reply::Int(t) if t > 90), "RENAME keeps the TTL");
    assert_eq!(c.cmd(&["RENAME", "g", "g"]), ok(), "a rename onto itself is OK");
    assert_eq!(c.cmd(&["RENAMENX", "g", "g"]), int(0));
    assert_eq!(c.cmd(&["RENAME", "nope", "x"]).err_text(), "ERR no such key");
    assert_eq!(c.cmd(&["RPUSH", "l", "a", "b"]), int(2));
    assert_eq!(c.cmd(&["RENAMENX", "l", "g"]), int(0), "the destination is taken");
    assert_eq!(c.cmd(&["LLEN", "l"]), int(2));
    assert_eq!(c.cmd(&["RENAME", "l", "g"]), ok(), "RENAME replaces a hash with a list");
    assert_eq!(c.cmd(&["TYPE", "g"]), Reply::Simple("list".into()));
    assert_eq!(c.cmd(&["TTL", "g"]), int(-1), "the list had no expiry");
    assert_eq!(c.cmd(&["RENAMENX", "g", "fresh"]), int(1));
    assert_eq!(c.cmd(&["LRANGE", "fresh", "0", "-1"]), bulks(&["a", "b"]));
    // A string renamed over a collection replaces it.
    assert_eq!(c.cmd(&["SET", "s", "v"]), ok());
    assert_eq!(c.cmd(&["RENAME", "s", "fresh"]), ok());
    assert_eq!(c.cmd(&["GET", "fresh"]), b("v"));
    // Inside MULTI, on the transaction's own writes.
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["SADD", "tags", "x", "y"]);
    c.cmd(&["RENAME", "tags", "labels"]);
    c.cmd(&["SMEMBERS", "labels"]);
    c.cmd(&["RENAME", "tags", "other"]);
    let Reply::Array(replies) = c.cmd(&["EXEC"]) else { panic!("EXEC") };
    assert_eq!(replies[0], int(2));
    assert_eq!(replies[1], ok());
    assert_eq!(sorted(replies[2].clone()), vec!["x", "y"]);
    assert_eq!(replies[3].err_text(), "ERR no such key");
    assert_eq!(c.cmd(&["SCARD", "labels"]), int(2));
}

#[test]
fn copy_duplicates_any_type_independently() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a", "2", "b"]), int(2));
    assert_eq!(c.cmd(&["PEXPIRE", "z", "100000"]), int(1));
    assert_eq!(c.cmd(&["COPY", "z", "z2"]), int(1));
    assert!(matches!(c.cmd(&["PTTL", "z2"]), Reply::Int(t) if t > 90_000), "COPY keeps the TTL");
    assert_eq!(c.cmd(&["ZADD", "z2", "5", "c"]), int(1));
    assert_eq!(c.cmd(&["ZCARD", "z"]), int(2), "the copy is independent");
    assert_eq!(c.cmd(&["ZRANGE", "z2", "0", "-1"]), bulks(&["a", "b", "c"]));
    assert_eq!(c.cmd(&["SET", "s", "1"]), ok());
    assert_eq!(c.cmd(&["COPY", "z", "s"]), int(0), "no REPLACE: the destination stays");
    assert_eq!(c.cmd(&["GET", "s"]), b("1"));
    assert_eq!(c.cmd(&["COPY", "z", "s", "REPLACE"]), int(1));
    assert_eq!(c.cmd(&["TYPE", "s"]), Reply::Simple("zset".into()));
    assert_eq!(c.cmd(&["COPY", "missing", "x"]), int(0));
    assert_eq!(c.cmd(&["COPY", "z", "z"]).err_text(), "ERR source and destination objects are the same");
    assert_eq!(c.cmd(&["COPY", "z", "y", "DB", "0"]), int(1));
    assert_eq!(c.cmd(&["COPY", "z", "w", "DB", "1"]).err_text(), "ERR DB index is out of range");
    assert_eq!(c.cmd(&["COPY", "z", "w", "NOPE"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["EXISTS", "w"]), int(0));
    assert_eq!(c.cmd(&["SET", "str", "text"]), ok());
    assert_eq!(c.cmd(&["COPY", "str", "str2"]), int(1));
    assert_eq!(c.cmd(&["GET", "str2"]), b("text"));
}

#[test]
fn object_encoding_names_follow_size_and_the_thresholds() {
    let (_server, mut c) = connect();
    let enc = |c: &mut crate::support::Client, k: &str| match c.cmd(&["OBJECT", "ENCODING", k]) {
        Reply::Bulk(v) => String::from_utf8(v).unwrap(),
        other => panic!("OBJECT ENCODING {k}: {other:?}"),
    };
    assert_eq!(c.cmd(&["SET", "n", "12345"]), ok());
    assert_eq!(c.cmd(&["SET", "short", "hello"]), ok());
    assert_eq!(c.cmd(&["SET", "long", &"x".repeat(45)]), ok());
    assert_eq!(enc(&mut c, "n"), "int");
    assert_eq!(enc(&mut c, "short"), "embstr");
    assert_eq!(enc(&mut c, "long"), "raw");
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "missing"]), Reply::Nil);
    assert_eq!(c.cmd(&["HSET", "h", "f", "v"]), int(1));
    assert_eq!(c.cmd(&["RPUSH", "l", "a"]), int(1));
    assert_eq!(c.cmd(&["SADD", "ints", "1", "2", "3"]), int(3));
    assert_eq!(c.cmd(&["SADD", "words", "a", "b"]), int(2));
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a"]), int(1));
    assert_eq!(enc(&mut c, "h"), "listpack");
    assert_eq!(enc(&mut c, "l"), "listpack");
    assert_eq!(enc(&mut c, "ints"), "intset");
    assert_eq!(enc(&mut c, "words"), "listpack");
    assert_eq!(enc(&mut c, "z"), "listpack");
    // A value longer than the threshold, or more entries than one packed leaf holds.
    assert_eq!(c.cmd(&["HSET", "h", "big", &"v".repeat(65)]), int(1));
    assert_eq!(enc(&mut c, "h"), "hashtable");
    let members: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
    let mut cmd = vec!["ZADD".to_string(), "z".into()];
    for m in &members {
        cmd.push("1".into());
        cmd.push(m.clone());
    }
    c.cmd(&cmd.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(enc(&mut c, "z"), "skiplist");
    let mut cmd = vec!["RPUSH", "l"];
    cmd.extend(members.iter().map(String::as_str));
    c.cmd(&cmd);
    assert_eq!(enc(&mut c, "l"), "quicklist");
    let mut cmd = vec!["SADD", "ints"];
    let numbers: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    cmd.extend(numbers.iter().map(String::as_str));
    c.cmd(&cmd);
    assert_eq!(enc(&mut c, "ints"), "hashtable");

    // The thresholds, under both names, change the name a small collection gets.
    assert_eq!(c.cmd(&["CONFIG", "GET", "hash-max-ziplist-entries"]), bulks(&["hash-max-ziplist-entries", "128"]));
    assert_eq!(c.cmd(&["CONFIG", "SET", "hash-max-ziplist-entries", "0"]), ok());
    assert_eq!(c.cmd(&["CONFIG", "GET", "hash-max-listpack-entries"]), bulks(&["hash-max-listpack-entries", "0"]));
    assert_eq!(c.cmd(&["HSET", "small", "f", "v"]), int(1));
    assert_eq!(enc(&mut c, "small"), "hashtable");
    assert_eq!(c.cmd(&["CONFIG", "SET", "set-max-intset-entries", "2", "zset-max-listpack-value", "0"]), ok());
    assert_eq!(c.cmd(&["SADD", "three", "1", "2", "3"]), int(3));
    assert_eq!(enc(&mut c, "three"), "listpack");
    assert_eq!(c.cmd(&["ZADD", "one", "1", "a"]), int(1));
    assert_eq!(enc(&mut c, "one"), "skiplist");
    assert_eq!(c.cmd(&["CONFIG", "SET", "list-max-listpack-size", "1"]), ok());
    assert_eq!(c.cmd(&["RPUSH", "two", "a", "b"]), int(2));
    assert_eq!(enc(&mut c, "two"), "quicklist");
    assert_eq!(c.cmd(&["CONFIG", "SET", "list-max-ziplist-size", "-2"]), ok());
    assert_eq!(enc(&mut c, "two"), "listpack");
    // Bad values change nothing.
    let err = c.cmd(&["CONFIG", "SET", "hash-max-listpack-value", "abc"]).err_text().to_string();
    assert!(err.contains("hash-max-listpack-value") && err.contains("integer"), "{err}");
    assert!(c.cmd(&["CONFIG", "SET", "set-max-listpack-entries", "-1"]).err_text().contains("between 0 and"));
    assert!(c
        .cmd(&["CONFIG", "SET", "zset-max-listpack-entries", "5", "set-max-listpack-entries", "x"])
        .err_text()
        .contains("set-max-listpack-entries"));
    assert_eq!(c.cmd(&["CONFIG", "GET", "zset-max-listpack-entries"]), bulks(&["zset-max-listpack-entries", "128"]));

    assert_eq!(c.cmd(&["OBJECT", "REFCOUNT", "h"]), int(1));
    assert_eq!(
        c.cmd(&["OBJECT", "FREQ", "h"]).err_text().split(',').next(),
        Some("ERR An LFU maxmemory policy is not selected")
    );
    assert!(c
        .cmd(&["OBJECT", "NOPE", "h"])
        .err_text()
        .starts_with("ERR unknown subcommand or wrong number of arguments for 'NOPE'"));
    assert!(matches!(c.cmd(&["OBJECT", "HELP"]), Reply::Array(lines) if lines.len() > 5));
}
