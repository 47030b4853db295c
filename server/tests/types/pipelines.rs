//! Pipelined typed writes, which the server commits together (`grouped.rs`): each command gets
//! the reply it would have had alone, in order, around errors, strings, MULTI and blocked
//! clients, and concurrent pipelines to one key lose nothing.

use crate::support::{encode, Client, Reply};
use crate::{b, bulks, connect, int, ok, WRONGTYPE};

fn pipeline(c: &mut Client, cmds: &[&[&str]]) -> Vec<Reply> {
    let mut bytes = Vec::new();
    for cmd in cmds {
        let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_bytes()).collect();
        bytes.extend(encode(&args));
    }
    c.send_raw(&bytes).unwrap();
    cmds.iter().map(|_| c.read().expect("a reply")).collect()
}

#[test]
fn a_pipeline_of_typed_writes_answers_each_as_alone() {
    let (_server, mut c) = connect();
    assert_eq!(c.cmd(&["SET", "str", "x"]), ok());
    let replies = pipeline(
        &mut c,
        &[
            &["RPUSH", "l", "a", "b"],
            &["LPUSH", "l", "z"],
            &["SADD", "str", "m"],
            &["HSET", "h", "f", "1"],
            &["HINCRBY", "h", "f", "not-a-number"],
            &["HINCRBY", "h", "f", "41"],
            &["SET", "plain", "v"],
            &["RPOP", "l"],
            &["ZADD", "z", "1", "a", "2", "b"],
            &["ZADD", "z", "nan", "c"],
            &["GET", "plain"],
            &["SREM", "nothing", "m"],
            &["LPUSH", "h", "x"],
            &["HSET", "h", "g", "2"],
        ],
    );
    assert_eq!(replies[0], int(2));
    assert_eq!(replies[1], int(3));
    assert_eq!(replies[2].err_text(), WRONGTYPE);
    assert_eq!(replies[3], int(1));
    assert_eq!(replies[4].err_text(), "ERR value is not an integer or out of range");
    assert_eq!(replies[5], int(42));
    assert_eq!(replies[6], ok());
    assert_eq!(replies[7], b("b"));
    assert_eq!(replies[8], int(2));
    assert!(replies[9].err_text().starts_with("ERR"), "{:?}", replies[9]);
    assert_eq!(replies[10], b("v"));
    assert_eq!(replies[11], int(0));
    assert_eq!(replies[12].err_text(), WRONGTYPE);
    assert_eq!(replies[13], int(1));
    assert_eq!(c.cmd(&["LRANGE", "l", "0", "-1"]), bulks(&["z", "a"]));
    assert_eq!(c.cmd(&["HGETALL", "h"]), bulks(&["f", "42", "g", "2"]));
    assert_eq!(c.cmd(&["ZCARD", "z"]), int(2));
    assert_eq!(c.cmd(&["GET", "str"]), b("x"));

    // MULTI in the middle of a pipeline: what follows it is queued, not grouped.
    let replies = pipeline(&mut c, &[&["SADD", "s", "1"], &["MULTI"], &["SADD", "s", "2"], &["EXEC"], &["SCARD", "s"]]);
    assert_eq!(replies[0], int(1));
    assert_eq!(replies[1], ok());
    assert_eq!(replies[2], Reply::Simple("QUEUED".into()));
    assert_eq!(replies[3], Reply::Array(vec![int(1)]));
    assert_eq!(replies[4], int(2));
}

#[test]
fn a_grouped_push_wakes_a_blocked_client() {
    let (server, mut c) = connect();
    let addr = server.local_addr();
    let waiter = std::thread::spawn(move || {
        let mut w = Client::connect(addr);
        w.cmd(&["BLPOP", "jobs", "5"])
    });
    // The waiter is registered before the push.
    for _ in 0..100 {
        let info = match c.cmd(&["INFO", "clients"]) {
            Reply::Bulk(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        };
        if info.contains("blocked_clients:1") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let replies =
        pipeline(&mut c, &[&["SADD", "other", "x"], &["RPUSH", "jobs", "j1", "j2"], &["HSET", "h", "f", "v"]]);
    assert_eq!(replies, vec![int(1), int(2), int(1)]);
    assert_eq!(waiter.join().unwrap(), bulks(&["jobs", "j1"]));
    assert_eq!(c.cmd(&["LRANGE", "jobs", "0", "-1"]), bulks(&["j2"]));
}

#[test]
fn concurrent_pipelines_to_one_key_lose_nothing() {
    let (server, mut c) = connect();
    let addr = server.local_addr();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut w = Client::connect(addr);
                for round in 0..50 {
                    let items: Vec<String> = (0..32).map(|i| format!("{t}:{round}:{i}")).collect();
                    let cmds: Vec<Vec<&str>> = items.iter().map(|i| vec!["RPUSH", "shared", i.as_str()]).collect();
                    let cmds: Vec<&[&str]> = cmds.iter().map(Vec::as_slice).collect();
                    for r in pipeline(&mut w, &cmds) {
                        assert!(matches!(r, Reply::Int(n) if n > 0), "{r:?}");
                    }
                    let adds: Vec<Vec<String>> =
                        (0..8).map(|i| vec!["SADD".into(), "members".into(), format!("{t}-{round}-{i}")]).collect();
                    let adds: Vec<Vec<&str>> = adds.iter().map(|a| a.iter().map(String::as_str).collect()).collect();
                    let adds: Vec<&[&str]> = adds.iter().map(Vec::as_slice).collect();
                    assert!(pipeline(&mut w, &adds).iter().all(|r| *r == int(1)));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(c.cmd(&["LLEN", "shared"]), int(4 * 50 * 32));
    assert_eq!(c.cmd(&["SCARD", "members"]), int(4 * 50 * 8));
}
