//! List commands: replies, shapes and error texts as Redis gives them.

use crate::support::Reply;
use crate::{arity, b, bulks, connect, int, ok, WRONGTYPE};

#[test]
fn push_index_and_ranges() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "l", "a", "b", "c"]), int(3));
    assert_eq!(c.cmd(&["LPUSH", "l", "y", "z"]), int(5), "LPUSH y z leaves z first");
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["z", "y", "a", "b", "c"]));
    assert_eq!(c.cmd(&["LRANGE", "l", "-2", "-1"]), bulks(&["b", "c"]));
    assert_eq!(c.cmd(&["LRANGE", "l", "-100", "1"]), bulks(&["z", "y"]));
    assert_eq!(c.cmd(&["LRANGE", "l", "3", "100"]), bulks(&["b", "c"]));
    assert_eq!(c.cmd(&["LRANGE", "l", "5", "10"]), bulks(&[]));
    assert_eq!(c.cmd(&["LRANGE", "l", "2", "1"]), bulks(&[]));
    assert_eq!(c.cmd(&["LRANGE", "missing", "0", "-1"]), bulks(&[]));
    assert_eq!(c.cmd(&["LRANGE", "l", "x", "1"]).err_text(), "ERR value is not an integer or out of range");
    assert_eq!(c.cmd(&["LINDEX", "l", "0"]), b("z"));
    assert_eq!(c.cmd(&["LINDEX", "l", "-1"]), b("c"));
    assert_eq!(c.cmd(&["LINDEX", "l", "5"]), Reply::Nil);
    assert_eq!(c.cmd(&["LINDEX", "l", "-6"]), Reply::Nil);
    assert_eq!(c.cmd(&["LINDEX", "missing", "0"]), Reply::Nil);
    assert_eq!(c.cmd(&["LLEN", "l"]), int(5));
    assert_eq!(c.cmd(&["LLEN", "missing"]), int(0));
    assert_eq!(c.cmd(&["LPUSHX", "missing", "a"]), int(0));
    assert_eq!(c.cmd(&["RPUSHX", "missing", "a"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "missing"]), int(0));
    assert_eq!(c.cmd(&["RPUSHX", "l", "d", "e"]), int(7));
    assert_eq!(c.cmd(&["LPUSHX", "l", "x"]), int(8));
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["x", "z", "y", "a", "b", "c", "d", "e"]));
}

#[test]
fn set_insert_remove_trim() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "l", "a", "b", "c"]), int(3));
    assert_eq!(c.cmd(&["LSET", "l", "0", "A"]), ok());
    assert_eq!(c.cmd(&["LSET", "l", "-1", "C"]), ok());
    assert_eq!(c.cmd(&["LSET", "l", "3", "x"]).err_text(), "ERR index out of range");
    assert_eq!(c.cmd(&["LSET", "l", "-4", "x"]).err_text(), "ERR index out of range");
    assert_eq!(c.cmd(&["LSET", "missing", "0", "x"]).err_text(), "ERR no such key");
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["A", "b", "C"]));
    assert_eq!(c.cmd(&["LINSERT", "l", "BEFORE", "b", "b0"]), int(4));
    assert_eq!(c.cmd(&["LINSERT", "l", "after", "C", "D"]), int(5));
    assert_eq!(c.cmd(&["LINSERT", "l", "AFTER", "nope", "x"]), int(-1));
    assert_eq!(c.cmd(&["LINSERT", "missing", "AFTER", "a", "x"]), int(0));
    assert_eq!(c.cmd(&["LINSERT", "l", "MIDDLE", "b", "x"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["A", "b0", "b", "C", "D"]));
    assert_eq!(c.cmd(&["RPUSH", "r", "x", "a", "x", "b", "x", "c", "x"]), int(7));
    assert_eq!(c.cmd(&["LREM", "r", "2", "x"]), int(2), "the first two from the head");
    assert_eq!(c.cmd(&["LRANGE", "r", "0", "-1"]), bulks(&["a", "b", "x", "c", "x"]));
    assert_eq!(c.cmd(&["LREM", "r", "-1", "x"]), int(1), "the last one");
    assert_eq!(c.cmd(&["LRANGE", "r", "0", "-1"]), bulks(&["a", "b", "x", "c"]));
    assert_eq!(c.cmd(&["LREM", "r", "0", "nope"]), int(0));
    assert_eq!(c.cmd(&["LREM", "missing", "0", "x"]), int(0));
    assert_eq!(c.cmd(&["LTRIM", "r", "1", "-2"]), ok());
    assert_eq!(c.cmd(&["LRANGE", "r", "0", "-1"]), bulks(&["b", "x"]));
    assert_eq!(c.cmd(&["LTRIM", "r", "-1", "10"]), ok());
    assert_eq!(c.cmd(&["LRANGE", "r", "0", "-1"]), bulks(&["x"]));
    assert_eq!(c.cmd(&["LTRIM", "missing", "0", "1"]), ok());
    assert_eq!(c.cmd(&["LTRIM", "r", "5", "10"]), ok());
    assert_eq!(c.cmd(&["EXISTS", "r"]), int(0), "trimmed to nothing: gone");
    assert_eq!(c.cmd(&["LREM", "l", "0", "A"]), int(1));
    assert_eq!(c.cmd(&["LREM", "l", "0", "b0"]), int(1));
    assert_eq!(c.cmd(&["LREM", "l", "0", "b"]), int(1));
    assert_eq!(c.cmd(&["LREM", "l", "0", "C"]), int(1));
    assert_eq!(c.cmd(&["LREM", "l", "0", "D"]), int(1));
    assert_eq!(c.cmd(&["TYPE", "l"]), Reply::Simple("none".into()));
}

#[test]
fn pops_have_redis_shapes() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "q", "1", "2", "3", "4", "5"]), int(5));
    assert_eq!(c.cmd(&["LPOP", "q"]), b("1"));
    assert_eq!(c.cmd(&["RPOP", "q"]), b("5"));
    assert_eq!(c.cmd(&["LPOP", "q", "2"]), bulks(&["2", "3"]));
    assert_eq!(c.cmd(&["LPOP", "q", "0"]), bulks(&[]), "an existing list: an empty array");
    assert_eq!(c.cmd(&["RPOP", "q", "10"]), bulks(&["4"]));
    assert_eq!(c.cmd(&["EXISTS", "q"]), int(0));
    assert_eq!(c.cmd(&["LPOP", "q"]), Reply::Nil);
    assert_eq!(c.cmd(&["RPOP", "q", "2"]), Reply::Nil, "a missing key with a count: a null array");
    assert_eq!(c.cmd(&["LPOP", "q", "0"]), Reply::Nil);
    assert_eq!(c.cmd(&["LPOP", "q", "-1"]).err_text(), "ERR value is out of range, must be positive");
    assert_eq!(c.cmd(&["LPOP", "q", "x"]).err_text(), "ERR value is not an integer or out of range");
    assert_eq!(c.cmd(&["LPOP", "q", "1", "2"]).err_text(), arity("lpop"));
    assert_eq!(c.cmd(&["RPUSH", "q", "a", "b", "c"]), int(3));
    assert_eq!(c.cmd(&["RPOP", "q", "2"]), bulks(&["c", "b"]), "RPOP with a count pops from the tail");
}

#[test]
fn positions() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "p", "a", "b", "c", "a", "b", "c", "a"]), int(7));
    assert_eq!(c.cmd(&["LPOS", "p", "a"]), int(0));
    assert_eq!(c.cmd(&["LPOS", "p", "c"]), int(2));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "RANK", "2"]), int(3));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "RANK", "-1"]), int(6));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "RANK", "-2"]), int(3));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "RANK", "4"]), Reply::Nil);
    assert_eq!(c.cmd(&["LPOS", "p", "a", "COUNT", "0"]), Reply::Array(vec![int(0), int(3), int(6)]));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "COUNT", "2"]), Reply::Array(vec![int(0), int(3)]));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "COUNT", "0", "RANK", "-1"]), Reply::Array(vec![int(6), int(3), int(0)]));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "COUNT", "0", "MAXLEN", "4"]), Reply::Array(vec![int(0), int(3)]));
    assert_eq!(c.cmd(&["LPOS", "p", "c", "MAXLEN", "2"]), Reply::Nil);
    assert_eq!(c.cmd(&["LPOS", "p", "zz"]), Reply::Nil);
    assert_eq!(c.cmd(&["LPOS", "p", "zz", "COUNT", "1"]), Reply::Array(vec![]));
    assert_eq!(c.cmd(&["LPOS", "missing", "a"]), Reply::Nil);
    assert!(c.cmd(&["LPOS", "p", "a", "RANK", "0"]).err_text().starts_with("ERR RANK can't be zero"));
    assert_eq!(c.cmd(&["LPOS", "p", "a", "COUNT", "-1"]).err_text(), "ERR COUNT can't be negative");
    assert_eq!(c.cmd(&["LPOS", "p", "a", "MAXLEN", "-1"]).err_text(), "ERR MAXLEN can't be negative");
    assert_eq!(c.cmd(&["LPOS", "p", "a", "COUNT"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["LPOS", "p", "a", "BOGUS", "1"]).err_text(), "ERR syntax error");
}

#[test]
fn moves_between_lists() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "src", "a", "b", "c"]), int(3));
    assert_eq!(c.cmd(&["LMOVE", "src", "dst", "LEFT", "RIGHT"]), b("a"));
    assert_eq!(c.cmd(&["LMOVE", "src", "dst", "right", "left"]), b("c"));
    assert_eq!(c.cmd(&["LRANGE", "dst", "0", "-1"]), bulks(&["c", "a"]));
    assert_eq!(c.cmd(&["RPOPLPUSH", "src", "dst"]), b("b"));
    assert_eq!(c.cmd(&["EXISTS", "src"]), int(0));
    assert_eq!(c.cmd(&["LMOVE", "src", "dst", "LEFT", "LEFT"]), Reply::Nil);
    assert_eq!(c.cmd(&["RPOPLPUSH", "dst", "dst"]), b("a"), "a rotation");
    assert_eq!(c.cmd(&["LRANGE", "dst", "0", "-1"]), bulks(&["a", "b", "c"]));
    assert_eq!(c.cmd(&["LMOVE", "dst", "x", "UP", "LEFT"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["SET", "s", "v"]), ok());
    assert_eq!(c.cmd(&["LMOVE", "dst", "s", "LEFT", "LEFT"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["LRANGE", "dst", "0", "-1"]), bulks(&["a", "b", "c"]), "a refused move changes nothing");
    assert_eq!(c.cmd(&["RPOPLPUSH", "s", "dst"]).err_text(), WRONGTYPE);
    // An empty source answers nil whatever the destination holds, as in Redis.
    assert_eq!(c.cmd(&["RPOPLPUSH", "nothing", "s"]), Reply::Nil);
}

#[test]
fn arity_and_type_errors() {
    let (_server, mut c) = connect();
    for (cmd, args) in [
        ("lpush", &["LPUSH", "l"][..]),
        ("rpush", &["RPUSH"]),
        ("lrange", &["LRANGE", "l", "0"]),
        ("lset", &["LSET", "l", "0"]),
        ("linsert", &["LINSERT", "l", "BEFORE", "a"]),
        ("lmove", &["LMOVE", "a", "b", "LEFT"]),
        ("lpos", &["LPOS", "l"]),
    ] {
        assert_eq!(c.cmd(args).err_text(), arity(cmd), "{args:?}");
    }
    assert_eq!(c.cmd(&["SADD", "t", "m"]), int(1));
    assert_eq!(c.cmd(&["LPUSH", "t", "x"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["LINDEX", "t", "0"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["LSET", "t", "0", "x"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["SET", "s", "v"]), ok());
    assert_eq!(c.cmd(&["RPUSHX", "s", "x"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["LPOS", "s", "x"]).err_text(), WRONGTYPE);
}
