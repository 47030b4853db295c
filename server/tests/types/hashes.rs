//! Hash commands: replies, shapes and error texts as Redis gives them.

use crate::support::Reply;
use crate::{arity, b, bulks, connect, int, ok, sorted, WRONGTYPE};

#[test]
fn set_get_and_delete_fields() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["HSET", "h", "f1", "v1", "f2", "v2"]), int(2));
    assert_eq!(c.cmd(&["HSET", "h", "f1", "v1"]), int(0), "an unchanged field is not new");
    assert_eq!(c.cmd(&["HSET", "h", "f1", "x"]), int(0), "an updated field is not new");
    assert_eq!(c.cmd(&["HGET", "h", "f1"]), b("x"));
    assert_eq!(c.cmd(&["HGET", "h", "nope"]), Reply::Nil);
    assert_eq!(c.cmd(&["HGET", "missing", "f"]), Reply::Nil);
    assert_eq!(c.cmd(&["HMSET", "h", "a", "1", "b", "22"]), ok());
    assert_eq!(c.cmd(&["HSETNX", "h", "a", "9"]), int(0));
    assert_eq!(c.cmd(&["HSETNX", "h", "c", "3"]), int(1));
    assert_eq!(c.cmd(&["HMGET", "h", "f1", "nope", "a"]), Reply::Array(vec![b("x"), Reply::Nil, b("1")]));
    assert_eq!(c.cmd(&["HMGET", "missing", "a"]), Reply::Array(vec![Reply::Nil]));
    assert_eq!(c.cmd(&["HLEN", "h"]), int(5));
    assert_eq!(c.cmd(&["HLEN", "missing"]), int(0));
    assert_eq!(c.cmd(&["HSTRLEN", "h", "b"]), int(2));
    assert_eq!(c.cmd(&["HSTRLEN", "h", "nope"]), int(0));
    assert_eq!(c.cmd(&["HEXISTS", "h", "a"]), int(1));
    assert_eq!(c.cmd(&["HEXISTS", "h", "nope"]), int(0));
    assert_eq!(c.cmd(&["HGETALL", "h"]), bulks(&["a", "1", "b", "22", "c", "3", "f1", "x", "f2", "v2"]));
    assert_eq!(c.cmd(&["HKEYS", "h"]), bulks(&["a", "b", "c", "f1", "f2"]));
    assert_eq!(c.cmd(&["HVALS", "h"]), bulks(&["1", "22", "3", "x", "v2"]));
    assert_eq!(c.cmd(&["HGETALL", "missing"]), Reply::Array(vec![]));
    assert_eq!(c.cmd(&["HKEYS", "missing"]), Reply::Array(vec![]));
    assert_eq!(c.cmd(&["HDEL", "h", "a", "b", "nope"]), int(2));
    assert_eq!(c.cmd(&["HDEL", "missing", "a"]), int(0));
    assert_eq!(c.cmd(&["HDEL", "h", "c", "f1", "f2"]), int(3));
    assert_eq!(c.cmd(&["EXISTS", "h"]), int(0));
    // Binary-safe fields and values.
    assert_eq!(c.cmd(&["HSET", "bin", "", "a\r\nb"]), int(1));
    assert_eq!(c.cmd(&["HGET", "bin", ""]), b("a\r\nb"));
}

#[test]
fn increments() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["HINCRBY", "h", "n", "5"]), int(5));
    assert_eq!(c.cmd(&["HINCRBY", "h", "n", "-7"]), int(-2));
    assert_eq!(c.cmd(&["HGET", "h", "n"]), b("-2"));
    assert_eq!(c.cmd(&["HSET", "h", "s", "text", "big", "9223372036854775807"]), int(2));
    assert_eq!(c.cmd(&["HINCRBY", "h", "s", "1"]).err_text(), "ERR hash value is not an integer");
    assert_eq!(c.cmd(&["HINCRBY", "h", "n", "x"]).err_text(), "ERR value is not an integer or out of range");
    assert_eq!(c.cmd(&["HINCRBY", "h", "big", "1"]).err_text(), "ERR increment or decrement would overflow");
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "10.5"]), b("10.5"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "-0.5"]), b("10"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "n", "0.25"]), b("-1.75"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "1e3"]), b("1010"));
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "s", "1"]).err_text(), "ERR hash value is not a float");
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "abc"]).err_text(), "ERR value is not a valid float");
    assert_eq!(c.cmd(&["HINCRBYFLOAT", "h", "f", "inf"]).err_text(), "ERR increment would produce NaN or Infinity");
    assert_eq!(c.cmd(&["HGET", "h", "f"]), b("1010"), "a refused increment changes nothing");
    assert_eq!(c.cmd(&["SET", "s", "1"]), ok());
    assert_eq!(c.cmd(&["HINCRBY", "s", "f", "1"]).err_text(), WRONGTYPE);
}

#[test]
fn random_fields() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["HSET", "h", "a", "1", "b", "2", "c", "3"]), int(3));
    let one = c.cmd(&["HRANDFIELD", "h"]);
    assert!([b("a"), b("b"), b("c")].contains(&one), "{one:?}");
    assert_eq!(sorted(c.cmd(&["HRANDFIELD", "h", "10"])), ["a", "b", "c"], "distinct, at most all");
    assert_eq!(sorted(c.cmd(&["HRANDFIELD", "h", "2"])).len(), 2);
    let Reply::Array(rep) = c.cmd(&["HRANDFIELD", "h", "-7"]) else { panic!() };
    assert_eq!(rep.len(), 7, "a negative count may repeat");
    let Reply::Array(pairs) = c.cmd(&["HRANDFIELD", "h", "3", "WITHVALUES"]) else { panic!() };
    assert_eq!(pairs.len(), 6);
    for p in pairs.chunks(2) {
        let expected = match &p[0] {
            Reply::Bulk(f) if f == b"a" => b("1"),
            Reply::Bulk(f) if f == b"b" => b("2"),
            _ => b("3"),
        };
        assert_eq!(p[1], expected);
    }
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "0"]), Reply::Array(vec![]));
    assert_eq!(c.cmd(&["HRANDFIELD", "missing"]), Reply::Nil);
    assert_eq!(c.cmd(&["HRANDFIELD", "missing", "3"]), Reply::Array(vec![]));
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "1", "nope"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["HRANDFIELD", "h", "x"]).err_text(), "ERR value is not an integer or out of range");
}

#[test]
fn arity_and_type_errors() {
    let (_server, mut c) = connect();
    for (cmd, args) in [
        ("hset", &["HSET", "h", "f"][..]),
        ("hset", &["HSET", "h", "f", "v", "g"]),
        ("hmset", &["HMSET", "h", "f"]),
        ("hget", &["HGET", "h"]),
        ("hdel", &["HDEL", "h"]),
        ("hgetall", &["HGETALL"]),
        ("hincrby", &["HINCRBY", "h", "f"]),
        ("hsetnx", &["HSETNX", "h", "f"]),
    ] {
        assert_eq!(c.cmd(args).err_text(), arity(cmd), "{args:?}");
    }
    assert_eq!(c.cmd(&["EXISTS", "h"]), int(0));
    assert_eq!(c.cmd(&["RPUSH", "l", "x"]), int(1));
    assert_eq!(c.cmd(&["HSET", "l", "f", "v"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["HGETALL", "l"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["HSET", "h", "f", "v"]), int(1));
    assert_eq!(c.cmd(&["GET", "h"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["INCR", "h"]).err_text(), WRONGTYPE);
}
