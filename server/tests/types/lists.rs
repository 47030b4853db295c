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

/// The exact bytes of the reply to `args` (for the shapes `Reply` does not tell apart: a null
/// array from a null bulk string, RESP3 doubles).
pub fn raw_reply(c: &mut crate::support::Client, args: &[&str], expected: &[u8]) {
    let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send_raw(&crate::support::encode(&raw)).unwrap();
    let mut got = vec![0u8; expected.len()];
    std::io::Read::read_exact(c.reader_mut(), &mut got).unwrap();
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(expected), "{args:?}");
}

/// `[key, [elements]]`, LMPOP's reply.
fn popped(key: &str, elements: &[&str]) -> Reply {
    Reply::Array(vec![b(key), bulks(elements)])
}

#[test]
fn lmpop_pops_from_the_first_list_that_has_elements() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "b", "1", "2", "3", "4"]), int(4));
    assert_eq!(c.cmd(&["RPUSH", "c", "x"]), int(1));
    // `a` is missing, `b` comes before `c`.
    assert_eq!(c.cmd(&["LMPOP", "3", "a", "b", "c", "LEFT"]), popped("b", &["1"]));
    assert_eq!(c.cmd(&["LMPOP", "2", "b", "c", "right", "COUNT", "2"]), popped("b", &["4", "3"]));
    assert_eq!(c.cmd(&["lmpop", "1", "b", "left", "count", "10"]), popped("b", &["2"]), "fewer than COUNT");
    assert_eq!(c.cmd(&["EXISTS", "b"]), int(0), "popped empty: gone");
    assert_eq!(c.cmd(&["LMPOP", "2", "b", "c", "LEFT"]), popped("c", &["x"]));
    // Nothing anywhere: a null array (RESP2 `*-1`).
    raw_reply(&mut c, &["LMPOP", "2", "b", "c", "LEFT"], b"*-1\r\n");
    raw_reply(&mut c, &["LMPOP", "1", "b", "RIGHT", "COUNT", "3"], b"*-1\r\n");
    // The same key twice is tried twice, harmlessly.
    assert_eq!(c.cmd(&["RPUSH", "d", "y", "z"]), int(2));
    assert_eq!(c.cmd(&["LMPOP", "2", "d", "d", "RIGHT"]), popped("d", &["z"]));
    assert_eq!(c.cmd(&["LRANGE", "d", "0", "-1"]), bulks(&["y"]));
}

#[test]
fn lmpop_refuses_bad_arguments_with_redis_errors() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "l", "v"]), int(1));
    for numkeys in ["0", "-1", "x", "1.5", "99999999999999999999"] {
        assert_eq!(
            c.cmd(&["LMPOP", numkeys, "l", "LEFT"]).err_text(),
            "ERR numkeys should be greater than 0",
            "{numkeys}"
        );
    }
    for args in [
        &["LMPOP", "1", "l", "UP"][..],
        &["LMPOP", "2", "l", "LEFT"],
        &["LMPOP", "5", "l", "m", "LEFT"],
        &["LMPOP", "1", "l", "RIGHT", "LEFT"],
        &["LMPOP", "1", "l", "LEFT", "COUNT"],
        &["LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"],
        &["LMPOP", "1", "l", "LEFT", "BOGUS", "1"],
        &["LMPOP", "1", "l", "MIN"],
    ] {
        assert_eq!(c.cmd(args).err_text(), "ERR syntax error", "{args:?}");
    }
    for count in ["0", "-1", "x"] {
        assert_eq!(
            c.cmd(&["LMPOP", "1", "l", "LEFT", "COUNT", count]).err_text(),
            "ERR count should be greater than 0",
            "{count}"
        );
    }
    assert_eq!(c.cmd(&["LMPOP", "1", "l"]).err_text(), arity("lmpop"));
    assert_eq!(c.cmd(&["LMPOP"]).err_text(), arity("lmpop"));
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["v"]), "refused pops take nothing");
}

#[test]
fn lmpop_stops_at_a_key_of_another_type_only_before_a_non_empty_list() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["SET", "s", "v"]), ok());
    assert_eq!(c.cmd(&["ZADD", "z", "1", "m"]), int(1));
    assert_eq!(c.cmd(&["RPUSH", "l", "a", "b"]), int(2));
    assert_eq!(c.cmd(&["LMPOP", "2", "s", "l", "LEFT"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["LMPOP", "3", "missing", "z", "l", "LEFT"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["a", "b"]), "a refused pop takes nothing");
    // Redis looks no further than the first list with elements.
    assert_eq!(c.cmd(&["LMPOP", "2", "l", "s", "LEFT"]), popped("l", &["a"]));
}

#[test]
fn lmpop_in_resp3_and_inside_exec() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["RPUSH", "l", "a", "b"]), int(2));
    assert!(matches!(c.cmd(&["HELLO", "3"]), Reply::Map(_)));
    raw_reply(&mut c, &["LMPOP", "1", "l", "RIGHT", "COUNT", "2"], b"*2\r\n$1\r\nl\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n");
    raw_reply(&mut c, &["LMPOP", "1", "l", "LEFT"], b"_\r\n");
    assert!(matches!(c.cmd(&["HELLO", "2"]), Reply::Array(_)));
    // Inside EXEC it pops what the transaction's own commands pushed.
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["LMPOP", "1", "m", "LEFT"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["RPUSH", "m", "x", "y"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["LMPOP", "2", "l", "m", "LEFT", "COUNT", "5"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["EXEC"]), Reply::Array(vec![Reply::Nil, int(2), popped("m", &["x", "y"])]));
    assert_eq!(c.cmd(&["EXISTS", "m"]), int(0));
}
