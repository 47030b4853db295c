//! Set commands: replies, shapes and error texts as Redis gives them.

use crate::support::Reply;
use crate::{arity, b, bulks, connect, int, ok, sorted, WRONGTYPE};

#[test]
fn members() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["SADD", "s", "a", "b", "c", "a"]), int(3));
    assert_eq!(c.cmd(&["SADD", "s", "a"]), int(0));
    assert_eq!(c.cmd(&["SCARD", "s"]), int(3));
    assert_eq!(c.cmd(&["SCARD", "missing"]), int(0));
    assert_eq!(c.cmd(&["SISMEMBER", "s", "a"]), int(1));
    assert_eq!(c.cmd(&["SISMEMBER", "s", "z"]), int(0));
    assert_eq!(c.cmd(&["SISMEMBER", "missing", "a"]), int(0));
    assert_eq!(c.cmd(&["SMISMEMBER", "s", "a", "z", "c"]), Reply::Array(vec![int(1), int(0), int(1)]));
    assert_eq!(c.cmd(&["SMISMEMBER", "missing", "a"]), Reply::Array(vec![int(0)]));
    assert_eq!(sorted(c.cmd(&["SMEMBERS", "s"])), ["a", "b", "c"]);
    assert_eq!(c.cmd(&["SMEMBERS", "missing"]), bulks(&[]));
    assert_eq!(c.cmd(&["SREM", "s", "a", "z"]), int(1));
    assert_eq!(c.cmd(&["SREM", "missing", "a"]), int(0));
    assert_eq!(c.cmd(&["SREM", "s", "b", "c"]), int(2));
    assert_eq!(c.cmd(&["EXISTS", "s"]), int(0));
}

#[test]
fn pops_and_random_members() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["SADD", "p", "1", "2", "3"]), int(3));
    let one = c.cmd(&["SPOP", "p"]);
    assert!([b("1"), b("2"), b("3")].contains(&one), "{one:?}");
    assert_eq!(c.cmd(&["SCARD", "p"]), int(2));
    assert_eq!(c.cmd(&["SPOP", "p", "0"]), bulks(&[]));
    assert_eq!(sorted(c.cmd(&["SPOP", "p", "5"])).len(), 2);
    assert_eq!(c.cmd(&["EXISTS", "p"]), int(0));
    assert_eq!(c.cmd(&["SPOP", "p"]), Reply::Nil);
    assert_eq!(c.cmd(&["SPOP", "p", "2"]), bulks(&[]));
    assert_eq!(c.cmd(&["SPOP", "p", "-1"]).err_text(), "ERR value is out of range, must be positive");
    assert_eq!(c.cmd(&["SADD", "r", "x", "y"]), int(2));
    let one = c.cmd(&["SRANDMEMBER", "r"]);
    assert!([b("x"), b("y")].contains(&one), "{one:?}");
    assert_eq!(sorted(c.cmd(&["SRANDMEMBER", "r", "10"])), ["x", "y"]);
    let Reply::Array(rep) = c.cmd(&["SRANDMEMBER", "r", "-5"]) else { panic!() };
    assert_eq!(rep.len(), 5);
    assert_eq!(c.cmd(&["SRANDMEMBER", "r", "0"]), bulks(&[]));
    assert_eq!(c.cmd(&["SCARD", "r"]), int(2), "SRANDMEMBER removes nothing");
    assert_eq!(c.cmd(&["SRANDMEMBER", "missing"]), Reply::Nil);
    assert_eq!(c.cmd(&["SRANDMEMBER", "missing", "3"]), bulks(&[]));
    assert_eq!(c.cmd(&["SRANDMEMBER", "r", "x"]).err_text(), "ERR value is not an integer or out of range");
}

#[test]
fn moves_and_algebra() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["SADD", "x", "1", "2", "3"]), int(3));
    assert_eq!(c.cmd(&["SADD", "y", "2", "3", "4"]), int(3));
    assert_eq!(c.cmd(&["SINTER", "x", "y"]), bulks(&["2", "3"]));
    assert_eq!(c.cmd(&["SUNION", "x", "y"]), bulks(&["1", "2", "3", "4"]));
    assert_eq!(c.cmd(&["SDIFF", "x", "y"]), bulks(&["1"]));
    assert_eq!(c.cmd(&["SDIFF", "x", "missing"]), bulks(&["1", "2", "3"]));
    assert_eq!(c.cmd(&["SINTER", "x", "missing"]), bulks(&[]));
    assert_eq!(c.cmd(&["SDIFF", "missing", "x"]), bulks(&[]));
    assert_eq!(c.cmd(&["SINTERSTORE", "d", "x", "y"]), int(2));
    assert_eq!(c.cmd(&["SMEMBERS", "d"]), bulks(&["2", "3"]));
    assert_eq!(c.cmd(&["SET", "str", "v"]), ok());
    assert_eq!(c.cmd(&["SUNIONSTORE", "str", "x", "y"]), int(4), "a destination of any type is replaced");
    assert_eq!(c.cmd(&["TYPE", "str"]), Reply::Simple("set".into()));
    assert_eq!(c.cmd(&["SDIFFSTORE", "d", "x", "y"]), int(1));
    assert_eq!(c.cmd(&["SMEMBERS", "d"]), bulks(&["1"]));
    assert_eq!(c.cmd(&["SINTERSTORE", "d", "x", "missing"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "d"]), int(0), "an empty result deletes the destination");
    assert_eq!(c.cmd(&["SINTERCARD", "2", "x", "y"]), int(2));
    assert_eq!(c.cmd(&["SINTERCARD", "2", "x", "y", "LIMIT", "1"]), int(1));
    assert_eq!(c.cmd(&["SINTERCARD", "2", "x", "y", "LIMIT", "0"]), int(2));
    assert_eq!(c.cmd(&["SINTERCARD", "1", "missing"]), int(0));
    assert_eq!(c.cmd(&["SINTERCARD", "0", "x"]).err_text(), "ERR numkeys should be greater than 0");
    assert_eq!(c.cmd(&["SINTERCARD", "n", "x"]).err_text(), "ERR numkeys should be greater than 0");
    assert_eq!(
        c.cmd(&["SINTERCARD", "3", "x", "y"]).err_text(),
        "ERR Number of keys can't be greater than number of args"
    );
    assert_eq!(c.cmd(&["SINTERCARD", "2", "x", "y", "LIMIT", "-1"]).err_text(), "ERR LIMIT can't be negative");
    assert_eq!(c.cmd(&["SINTERCARD", "1", "x", "BOGUS"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["SMOVE", "x", "y", "1"]), int(1));
    assert_eq!(c.cmd(&["SMOVE", "x", "y", "2"]), int(1), "already in the destination");
    assert_eq!(c.cmd(&["SMOVE", "x", "y", "nope"]), int(0));
    assert_eq!(c.cmd(&["SMOVE", "x", "y", "3"]), int(1));
    assert_eq!(c.cmd(&["EXISTS", "x"]), int(0));
    assert_eq!(c.cmd(&["SMEMBERS", "y"]), bulks(&["1", "2", "3", "4"]));
    assert_eq!(c.cmd(&["SMOVE", "y", "y", "1"]), int(1));
    assert_eq!(c.cmd(&["SET", "s", "v"]), ok());
    assert_eq!(c.cmd(&["SMOVE", "y", "s", "1"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["SINTER", "y", "s"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["SUNIONSTORE", "d", "y", "s"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["SINTERCARD", "2", "y", "s"]).err_text(), WRONGTYPE);
}

#[test]
fn arity_and_type_errors() {
    let (_server, mut c) = connect();
    for (cmd, args) in [
        ("sadd", &["SADD", "s"][..]),
        ("srem", &["SREM", "s"]),
        ("sismember", &["SISMEMBER", "s"]),
        ("smove", &["SMOVE", "a", "b"]),
        ("sinter", &["SINTER"]),
        ("sinterstore", &["SINTERSTORE", "d"]),
        ("sintercard", &["SINTERCARD", "1"]),
    ] {
        assert_eq!(c.cmd(args).err_text(), arity(cmd), "{args:?}");
    }
    assert_eq!(c.cmd(&["HSET", "h", "f", "v"]), int(1));
    assert_eq!(c.cmd(&["SADD", "h", "m"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["SMEMBERS", "h"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["SPOP", "h"]).err_text(), WRONGTYPE);
}
