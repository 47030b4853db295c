//! Sorted set commands: replies, shapes and error texts as Redis gives them.

use crate::support::Reply;
use crate::{arity, b, bulks, connect, int, ok, sorted, WRONGTYPE};

fn five(c: &mut crate::support::Client) {
    assert_eq!(c.cmd(&["ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"]), int(5));
}

#[test]
fn add_with_conditions_and_increments() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a", "2", "b"]), int(2));
    assert_eq!(c.cmd(&["ZADD", "z", "1.5", "a"]), int(0));
    assert_eq!(c.cmd(&["ZSCORE", "z", "a"]), b("1.5"));
    assert_eq!(c.cmd(&["ZADD", "z", "CH", "1", "a", "2", "b"]), int(1), "CH counts changed members");
    assert_eq!(c.cmd(&["ZADD", "z", "NX", "5", "a", "4", "d"]), int(1));
    assert_eq!(c.cmd(&["ZSCORE", "z", "a"]), b("1"));
    assert_eq!(c.cmd(&["ZADD", "z", "XX", "10", "e"]), int(0));
    assert_eq!(c.cmd(&["ZSCORE", "z", "e"]), Reply::Nil);
    assert_eq!(c.cmd(&["ZADD", "z", "GT", "CH", "0", "a"]), int(0));
    assert_eq!(c.cmd(&["ZADD", "z", "LT", "CH", "0", "a"]), int(1));
    assert_eq!(c.cmd(&["ZADD", "z", "INCR", "2.5", "a"]), b("2.5"));
    assert_eq!(c.cmd(&["ZADD", "z", "NX", "INCR", "1", "a"]), Reply::Nil);
    assert_eq!(c.cmd(&["ZADD", "z", "+inf", "top", "-inf", "bottom"]), int(2));
    assert_eq!(c.cmd(&["ZSCORE", "z", "top"]), b("inf"));
    assert_eq!(c.cmd(&["ZSCORE", "z", "bottom"]), b("-inf"));
    assert_eq!(
        c.cmd(&["ZADD", "z", "NX", "XX", "1", "a"]).err_text(),
        "ERR XX and NX options at the same time are not compatible"
    );
    assert_eq!(
        c.cmd(&["ZADD", "z", "GT", "LT", "1", "a"]).err_text(),
        "ERR GT, LT, and/or NX options at the same time are not compatible"
    );
    assert_eq!(
        c.cmd(&["ZADD", "z", "NX", "GT", "1", "a"]).err_text(),
        "ERR GT, LT, and/or NX options at the same time are not compatible"
    );
    assert_eq!(c.cmd(&["ZADD", "z", "1", "a", "2"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["ZADD", "z", "x", "a"]).err_text(), "ERR value is not a valid float");
    assert_eq!(c.cmd(&["ZADD", "z", "nan", "a"]).err_text(), "ERR value is not a valid float");
    assert_eq!(
        c.cmd(&["ZADD", "z", "INCR", "1", "a", "2", "b"]).err_text(),
        "ERR INCR option supports a single increment-element pair"
    );
    assert_eq!(c.cmd(&["ZINCRBY", "z", "1", "b"]), b("3"));
    assert_eq!(c.cmd(&["ZINCRBY", "z", "-0.5", "new"]), b("-0.5"));
    assert_eq!(c.cmd(&["ZINCRBY", "z", "x", "b"]).err_text(), "ERR value is not a valid float");
    assert_eq!(c.cmd(&["ZINCRBY", "z", "-inf", "top"]).err_text(), "ERR resulting score is not a number (NaN)");
    assert_eq!(c.cmd(&["ZCARD", "z"]), int(6));
    assert_eq!(c.cmd(&["ZMSCORE", "z", "a", "nope", "b"]), Reply::Array(vec![b("2.5"), Reply::Nil, b("3")]));
    assert_eq!(c.cmd(&["ZMSCORE", "missing", "a"]), Reply::Array(vec![Reply::Nil]));
    assert_eq!(c.cmd(&["ZREM", "z", "a", "nope"]), int(1));
    assert_eq!(c.cmd(&["ZREM", "z", "b", "d", "top", "bottom", "new"]), int(5));
    assert_eq!(c.cmd(&["EXISTS", "z"]), int(0));
}

#[test]
fn ranges_by_rank_and_score() {
    let (_server, mut c) = connect();
    five(&mut c);
    assert_eq!(c.cmd(&["ZRANGE", "r", "0", "-1"]), bulks(&["a", "b", "c", "d", "e"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "0", "1", "WITHSCORES"]), bulks(&["a", "1", "b", "2"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "-2", "-1"]), bulks(&["d", "e"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "10", "20"]), bulks(&[]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "0", "1", "REV"]), bulks(&["e", "d"]));
    assert_eq!(c.cmd(&["ZRANGE", "missing", "0", "-1"]), bulks(&[]));
    assert_eq!(c.cmd(&["ZREVRANGE", "r", "0", "0", "WITHSCORES"]), bulks(&["e", "5"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "(1", "3", "BYSCORE"]), bulks(&["b", "c"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "3", "(1", "BYSCORE", "REV"]), bulks(&["c", "b"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"]), bulks(&["b", "c"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2"]), bulks(&["d", "c"]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"]), bulks(&[]));
    assert_eq!(c.cmd(&["ZRANGE", "r", "-inf", "+inf", "BYSCORE", "LIMIT", "3", "-1"]), bulks(&["d", "e"]));
    assert_eq!(c.cmd(&["ZRANGEBYSCORE", "r", "2", "4", "WITHSCORES", "LIMIT", "0", "1"]), bulks(&["b", "2"]));
    assert_eq!(c.cmd(&["ZRANGEBYSCORE", "r", "(5", "+inf"]), bulks(&[]));
    assert_eq!(c.cmd(&["ZREVRANGEBYSCORE", "r", "+inf", "4"]), bulks(&["e", "d"]));
    assert_eq!(c.cmd(&["ZREVRANGEBYSCORE", "r", "4", "(2", "WITHSCORES"]), bulks(&["d", "4", "c", "3"]));
    assert_eq!(c.cmd(&["ZRANGEBYSCORE", "r", "x", "2"]).err_text(), "ERR min or max is not a float");
    assert_eq!(c.cmd(&["ZRANGEBYSCORE", "r", "1", "2", "BOGUS"]).err_text(), "ERR syntax error");
    assert_eq!(
        c.cmd(&["ZRANGE", "r", "0", "1", "LIMIT", "0", "1"]).err_text(),
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    );
    assert_eq!(c.cmd(&["ZRANGE", "r", "a", "1"]).err_text(), "ERR value is not an integer or out of range");
    assert_eq!(c.cmd(&["ZCOUNT", "r", "(1", "3"]), int(2));
    assert_eq!(c.cmd(&["ZCOUNT", "r", "-inf", "+inf"]), int(5));
    assert_eq!(c.cmd(&["ZCOUNT", "r", "4", "2"]), int(0));
    assert_eq!(c.cmd(&["ZCOUNT", "r", "[1", "2"]).err_text(), "ERR min or max is not a float");
    assert_eq!(c.cmd(&["ZRANK", "r", "c"]), int(2));
    assert_eq!(c.cmd(&["ZREVRANK", "r", "a"]), int(4));
    assert_eq!(c.cmd(&["ZRANK", "r", "a", "WITHSCORE"]), Reply::Array(vec![int(0), b("1")]));
    assert_eq!(c.cmd(&["ZREVRANK", "r", "a", "WITHSCORE"]), Reply::Array(vec![int(4), b("1")]));
    assert_eq!(c.cmd(&["ZRANK", "r", "nope"]), Reply::Nil);
    assert_eq!(c.cmd(&["ZRANK", "r", "nope", "WITHSCORE"]), Reply::Nil);
    assert_eq!(c.cmd(&["ZRANK", "r", "a", "BOGUS"]).err_text(), "ERR syntax error");
}

#[test]
fn ranges_by_lex() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["ZADD", "lx", "0", "a", "0", "b", "0", "c", "0", "d"]), int(4));
    assert_eq!(c.cmd(&["ZRANGEBYLEX", "lx", "-", "+"]), bulks(&["a", "b", "c", "d"]));
    assert_eq!(c.cmd(&["ZRANGEBYLEX", "lx", "[b", "(d"]), bulks(&["b", "c"]));
    assert_eq!(c.cmd(&["ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "1", "2"]), bulks(&["b", "c"]));
    assert_eq!(c.cmd(&["ZRANGEBYLEX", "lx", "+", "-"]), bulks(&[]));
    assert_eq!(c.cmd(&["ZREVRANGEBYLEX", "lx", "+", "(b"]), bulks(&["d", "c"]));
    assert_eq!(c.cmd(&["ZRANGE", "lx", "[b", "[c", "BYLEX"]), bulks(&["b", "c"]));
    assert_eq!(c.cmd(&["ZRANGE", "lx", "+", "-", "BYLEX", "REV", "LIMIT", "0", "2"]), bulks(&["d", "c"]));
    assert_eq!(c.cmd(&["ZLEXCOUNT", "lx", "-", "+"]), int(4));
    assert_eq!(c.cmd(&["ZLEXCOUNT", "lx", "(a", "[c"]), int(2));
    assert_eq!(c.cmd(&["ZLEXCOUNT", "lx", "+", "-"]), int(0));
    assert_eq!(c.cmd(&["ZRANGEBYLEX", "lx", "a", "c"]).err_text(), "ERR min or max not valid string range item");
    assert_eq!(c.cmd(&["ZRANGEBYLEX", "lx", "-", "+", "WITHSCORES"]).err_text(), "ERR syntax error");
    assert_eq!(
        c.cmd(&["ZRANGE", "lx", "-", "+", "BYLEX", "WITHSCORES"]).err_text(),
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
    );
    assert_eq!(c.cmd(&["ZREMRANGEBYLEX", "lx", "[a", "(c"]), int(2));
    assert_eq!(c.cmd(&["ZRANGE", "lx", "0", "-1"]), bulks(&["c", "d"]));
}

#[test]
fn pops_and_removals() {
    let (_server, mut c) = connect();
    five(&mut c);
    assert_eq!(c.cmd(&["ZPOPMIN", "r"]), bulks(&["a", "1"]));
    assert_eq!(c.cmd(&["ZPOPMAX", "r", "2"]), bulks(&["e", "5", "d", "4"]));
    assert_eq!(c.cmd(&["ZPOPMIN", "r", "0"]), bulks(&[]));
    assert_eq!(c.cmd(&["ZPOPMIN", "missing"]), bulks(&[]));
    assert_eq!(c.cmd(&["ZPOPMIN", "r", "-1"]).err_text(), "ERR value is out of range, must be positive");
    assert_eq!(c.cmd(&["ZPOPMIN", "r", "10"]), bulks(&["b", "2", "c", "3"]));
    assert_eq!(c.cmd(&["EXISTS", "r"]), int(0));
    five(&mut c);
    assert_eq!(c.cmd(&["ZREMRANGEBYRANK", "r", "0", "1"]), int(2));
    assert_eq!(c.cmd(&["ZREMRANGEBYRANK", "r", "-1", "-1"]), int(1));
    assert_eq!(c.cmd(&["ZRANGE", "r", "0", "-1"]), bulks(&["c", "d"]));
    assert_eq!(c.cmd(&["ZREMRANGEBYSCORE", "r", "(3", "+inf"]), int(1));
    assert_eq!(c.cmd(&["ZREMRANGEBYSCORE", "r", "10", "20"]), int(0));
    assert_eq!(c.cmd(&["ZREMRANGEBYSCORE", "missing", "-inf", "+inf"]), int(0));
    assert_eq!(c.cmd(&["ZREMRANGEBYSCORE", "r", "-inf", "+inf"]), int(1));
    assert_eq!(c.cmd(&["TYPE", "r"]), Reply::Simple("none".into()));
    five(&mut c);
    let one = c.cmd(&["ZRANDMEMBER", "r"]);
    assert!(["a", "b", "c", "d", "e"].iter().any(|m| b(m) == one), "{one:?}");
    assert_eq!(sorted(c.cmd(&["ZRANDMEMBER", "r", "10"])), ["a", "b", "c", "d", "e"]);
    let Reply::Array(rep) = c.cmd(&["ZRANDMEMBER", "r", "-8", "WITHSCORES"]) else { panic!() };
    assert_eq!(rep.len(), 16);
    assert_eq!(c.cmd(&["ZRANDMEMBER", "missing"]), Reply::Nil);
    assert_eq!(c.cmd(&["ZRANDMEMBER", "missing", "2"]), bulks(&[]));
}

#[test]
fn combinations() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["ZADD", "x", "1", "a", "2", "b"]), int(2));
    assert_eq!(c.cmd(&["ZADD", "y", "10", "b", "20", "c"]), int(2));
    assert_eq!(c.cmd(&["ZUNION", "2", "x", "y", "WITHSCORES"]), bulks(&["a", "1", "b", "12", "c", "20"]));
    assert_eq!(
        c.cmd(&["ZUNION", "2", "x", "y", "AGGREGATE", "MAX", "WITHSCORES"]),
        bulks(&["a", "1", "b", "10", "c", "20"])
    );
    assert_eq!(
        c.cmd(&["ZUNION", "2", "x", "y", "WEIGHTS", "2", "0.5", "WITHSCORES"]),
        bulks(&["a", "2", "b", "9", "c", "10"])
    );
    assert_eq!(c.cmd(&["ZINTER", "2", "x", "y", "WITHSCORES"]), bulks(&["b", "12"]));
    assert_eq!(c.cmd(&["ZINTER", "2", "x", "y", "AGGREGATE", "MIN"]), bulks(&["b"]));
    assert_eq!(c.cmd(&["ZDIFF", "2", "x", "y", "WITHSCORES"]), bulks(&["a", "1"]));
    assert_eq!(c.cmd(&["ZINTER", "2", "x", "missing"]), bulks(&[]));
    assert_eq!(c.cmd(&["SADD", "plain", "a"]), int(1));
    assert_eq!(c.cmd(&["ZINTER", "2", "x", "plain", "WITHSCORES"]), bulks(&["a", "2"]), "a set counts as scores of 1");
    assert_eq!(c.cmd(&["ZUNIONSTORE", "d", "2", "x", "y"]), int(3));
    assert_eq!(c.cmd(&["ZRANGE", "d", "0", "-1", "WITHSCORES"]), bulks(&["a", "1", "b", "12", "c", "20"]));
    assert_eq!(c.cmd(&["ZINTERSTORE", "d", "2", "x", "y", "WEIGHTS", "1", "2"]), int(1));
    assert_eq!(c.cmd(&["ZSCORE", "d", "b"]), b("22"));
    assert_eq!(c.cmd(&["ZDIFFSTORE", "d", "2", "y", "x"]), int(1));
    assert_eq!(c.cmd(&["ZRANGE", "d", "0", "-1"]), bulks(&["c"]));
    assert_eq!(c.cmd(&["ZINTERSTORE", "d", "2", "x", "missing"]), int(0));
    assert_eq!(c.cmd(&["EXISTS", "d"]), int(0));
    assert_eq!(c.cmd(&["ZUNION", "0", "x"]).err_text(), "ERR at least 1 input key is needed for 'zunion' command");
    assert_eq!(
        c.cmd(&["ZUNIONSTORE", "d", "0", "x"]).err_text(),
        "ERR at least 1 input key is needed for 'zunionstore' command"
    );
    assert_eq!(c.cmd(&["ZUNION", "3", "x", "y"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["ZUNION", "2", "x", "y", "WEIGHTS", "1"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["ZUNION", "2", "x", "y", "WEIGHTS", "1", "w"]).err_text(), "ERR weight value is not a float");
    assert_eq!(c.cmd(&["ZUNION", "2", "x", "y", "AGGREGATE", "AVG"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["ZDIFF", "2", "x", "y", "WEIGHTS", "1", "2"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["ZUNIONSTORE", "d", "2", "x", "y", "WITHSCORES"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["SET", "s", "v"]), ok());
    assert_eq!(c.cmd(&["ZUNION", "2", "x", "s"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["ZUNIONSTORE", "d", "2", "x", "s"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["ZUNIONSTORE", "s", "1", "x"]), int(2), "a destination of any type is replaced");
    assert_eq!(c.cmd(&["TYPE", "s"]), Reply::Simple("zset".into()));
}

#[test]
fn arity_and_type_errors() {
    let (_server, mut c) = connect();
    for (cmd, args) in [
        ("zadd", &["ZADD", "z", "1"][..]),
        ("zscore", &["ZSCORE", "z"]),
        ("zrange", &["ZRANGE", "z", "0"]),
        ("zcount", &["ZCOUNT", "z", "0"]),
        ("zincrby", &["ZINCRBY", "z", "1"]),
        ("zunionstore", &["ZUNIONSTORE", "d", "1"]),
        ("zrank", &["ZRANK", "z"]),
    ] {
        assert_eq!(c.cmd(args).err_text(), arity(cmd), "{args:?}");
    }
    assert_eq!(c.cmd(&["RPUSH", "l", "x"]), int(1));
    assert_eq!(c.cmd(&["ZADD", "l", "1", "m"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["ZSCORE", "l", "m"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["ZRANGEBYSCORE", "l", "0", "1"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["ZINCRBY", "l", "1", "m"]).err_text(), WRONGTYPE);
}

/// `[key, [[member, score], ...]]`, ZMPOP's reply in RESP2 (scores as text).
fn zpopped(key: &str, pairs: &[(&str, &str)]) -> Reply {
    Reply::Array(vec![b(key), Reply::Array(pairs.iter().map(|(m, s)| bulks(&[m, s])).collect())])
}

#[test]
fn zmpop_pops_from_the_first_sorted_set_that_has_members() {
    let (_server, mut c) = connect();
    five(&mut c);
    assert_eq!(c.cmd(&["ZADD", "other", "-inf", "low"]), int(1));
    assert_eq!(c.cmd(&["ZMPOP", "3", "missing", "r", "other", "MIN"]), zpopped("r", &[("a", "1")]));
    // Pairs even in RESP2 (unlike ZPOPMIN with a count), the highest first for MAX.
    assert_eq!(c.cmd(&["ZMPOP", "1", "r", "max", "COUNT", "2"]), zpopped("r", &[("e", "5"), ("d", "4")]));
    assert_eq!(c.cmd(&["zmpop", "1", "r", "min", "count", "10"]), zpopped("r", &[("b", "2"), ("c", "3")]));
    assert_eq!(c.cmd(&["EXISTS", "r"]), int(0), "popped empty: gone");
    assert_eq!(c.cmd(&["ZMPOP", "2", "r", "other", "MAX"]), zpopped("other", &[("low", "-inf")]));
    crate::lists::raw_reply(&mut c, &["ZMPOP", "2", "r", "other", "MIN"], b"*-1\r\n");
}

#[test]
fn zmpop_refuses_bad_arguments_with_redis_errors() {
    let (_server, mut c) = connect();
    five(&mut c);
    for numkeys in ["0", "-3", "one"] {
        assert_eq!(c.cmd(&["ZMPOP", numkeys, "r", "MIN"]).err_text(), "ERR numkeys should be greater than 0");
    }
    for args in [
        &["ZMPOP", "1", "r", "LEFT"][..],
        &["ZMPOP", "2", "r", "MIN"],
        &["ZMPOP", "1", "r", "MIN", "MAX"],
        &["ZMPOP", "1", "r", "MIN", "COUNT"],
        &["ZMPOP", "1", "r", "MAX", "COUNT", "1", "COUNT", "1"],
        &["ZMPOP", "1", "r", "MAX", "WITHSCORES"],
    ] {
        assert_eq!(c.cmd(args).err_text(), "ERR syntax error", "{args:?}");
    }
    for count in ["0", "-1", "1.5"] {
        assert_eq!(c.cmd(&["ZMPOP", "1", "r", "MIN", "COUNT", count]).err_text(), "ERR count should be greater than 0");
    }
    assert_eq!(c.cmd(&["ZMPOP", "1", "r"]).err_text(), arity("zmpop"));
    assert_eq!(c.cmd(&["RPUSH", "l", "x"]), int(1));
    assert_eq!(c.cmd(&["ZMPOP", "2", "l", "r", "MIN"]).err_text(), WRONGTYPE);
    assert_eq!(c.cmd(&["ZCARD", "r"]), int(5), "refused pops take nothing");
    assert_eq!(c.cmd(&["ZMPOP", "2", "r", "l", "MIN"]), zpopped("r", &[("a", "1")]));
}

#[test]
fn zmpop_in_resp3_and_inside_exec() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["ZADD", "z", "1.5", "m", "2", "n"]), int(2));
    assert!(matches!(c.cmd(&["HELLO", "3"]), Reply::Map(_)));
    crate::lists::raw_reply(
        &mut c,
        &["ZMPOP", "1", "z", "MIN", "COUNT", "2"],
        b"*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nm\r\n,1.5\r\n*2\r\n$1\r\nn\r\n,2\r\n",
    );
    crate::lists::raw_reply(&mut c, &["ZMPOP", "1", "z", "MIN"], b"_\r\n");
    assert!(matches!(c.cmd(&["HELLO", "2"]), Reply::Array(_)));
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["ZADD", "t", "3", "x"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["ZMPOP", "1", "t", "MAX"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["ZMPOP", "1", "t", "MAX"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["EXEC"]), Reply::Array(vec![int(1), zpopped("t", &[("x", "3")]), Reply::Nil]));
}
