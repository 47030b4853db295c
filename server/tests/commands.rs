//! The server's replies to each command family, checked byte for byte against what Redis
//! replies (values, nils, errors) over a real TCP connection.

mod support;

use std::time::Duration;

use scalodb_server::ServerConfig;
use support::{encode, start, Client, Reply};

fn b(s: &str) -> Reply {
    Reply::bulk(s)
}

fn ok() -> Reply {
    Reply::Simple("OK".into())
}

#[test]
fn connection_commands() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["PING"]), Reply::Simple("PONG".into()));
    assert_eq!(c.cmd(&["ping", "hi"]), b("hi"));
    c.send_raw(b"PING\r\n").unwrap();
    assert_eq!(c.read(), Some(Reply::Simple("PONG".into())));
    assert_eq!(c.cmd(&["ECHO", "x y"]), b("x y"));
    assert_eq!(c.cmd(&["SELECT", "0"]), ok());
    assert_eq!(c.cmd(&["SELECT", "1"]).err_text(), "ERR DB index is out of range");
    assert_eq!(c.cmd(&["CLIENT", "SETNAME", "worker"]), ok());
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), b("worker"));
    assert!(matches!(c.cmd(&["CLIENT", "ID"]), Reply::Int(n) if n > 0));
    assert_eq!(c.cmd(&["CLIENT", "SETINFO", "LIB-NAME", "mine"]), ok());
    let Reply::Bulk(list) = c.cmd(&["CLIENT", "LIST"]) else { panic!() };
    let list = String::from_utf8(list).unwrap();
    assert!(list.contains("name=worker") && list.contains("lib-name=mine"), "{list}");
    assert_eq!(c.cmd(&["FOO", "a", "b"]).err_text(), "ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
    assert_eq!(c.cmd(&["GET"]).err_text(), "ERR wrong number of arguments for 'get' command");
    assert_eq!(
        c.cmd(&["AUTH", "x"]).err_text().split('.').next().unwrap(),
        "ERR AUTH <password> called without any password configured for the default user"
    );
    let Reply::Bulk(info) = c.cmd(&["INFO"]) else { panic!() };
    let info = String::from_utf8(info).unwrap();
    for field in ["redis_version:", "connected_clients:1", "used_memory:", "# Persistence", "total_commands_processed:"]
    {
        assert!(info.contains(field), "INFO lacks {field}");
    }
    assert!(matches!(c.cmd(&["COMMAND", "COUNT"]), Reply::Int(n) if n > 50));
    let Reply::Array(docs) = c.cmd(&["COMMAND", "DOCS", "get"]) else { panic!() };
    assert_eq!(docs[0], b("get"));
    assert_eq!(c.cmd(&["CONFIG", "GET", "maxclient*"]), Reply::Array(vec![b("maxclients"), b("1000")]));
    assert_eq!(c.cmd(&["QUIT"]), ok());
    assert!(c.closed_by_server());
}

#[test]
fn hello_switches_to_resp3() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["GET", "none"]), Reply::Nil);
    let Reply::Map(fields) = c.cmd(&["HELLO", "3"]) else { panic!("HELLO 3 replies with a map") };
    assert!(fields.contains(&(b("proto"), Reply::Int(3))));
    c.send_raw(b"*2\r\n$3\r\nGET\r\n$4\r\nnone\r\n").unwrap();
    let mut raw = [0u8; 3];
    std::io::Read::read_exact(&mut c.reader_mut(), &mut raw).unwrap();
    assert_eq!(&raw, b"_\r\n", "RESP3 null");
    assert_eq!(c.cmd(&["HELLO", "4"]).err_text(), "NOPROTO unsupported protocol version");
    assert!(matches!(c.cmd(&["HELLO", "2"]), Reply::Array(_)));
}

#[test]
fn strings() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["SET", "k", "v"]), ok());
    assert_eq!(c.cmd(&["GET", "k"]), b("v"));
    assert_eq!(c.cmd(&["SET", "k", "w", "NX"]), Reply::Nil);
    assert_eq!(c.cmd(&["SET", "k", "w", "XX", "GET"]), b("v"));
    assert_eq!(c.cmd(&["SET", "n", "w", "XX"]), Reply::Nil);
    assert_eq!(c.cmd(&["SET", "k", "w", "NX", "XX"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["SET", "k", "w", "EX", "0"]).err_text(), "ERR invalid expire time in 'set' command");
    assert_eq!(c.cmd(&["SET", "k", "w", "EX", "x"]).err_text(), "ERR value is not an integer or out of range");
    assert_eq!(c.cmd(&["SET", "t", "1", "EX", "100"]), ok());
    assert_eq!(c.cmd(&["TTL", "t"]), Reply::Int(100));
    assert_eq!(c.cmd(&["SET", "t", "2", "KEEPTTL"]), ok());
    assert_eq!(c.cmd(&["TTL", "t"]), Reply::Int(100));
    assert_eq!(c.cmd(&["SET", "t", "3"]), ok());
    assert_eq!(c.cmd(&["TTL", "t"]), Reply::Int(-1));
    assert_eq!(c.cmd(&["SETNX", "k", "z"]), Reply::Int(0));
    assert_eq!(c.cmd(&["SETEX", "e", "50", "v"]), ok());
    assert!(matches!(c.cmd(&["PTTL", "e"]), Reply::Int(ms) if ms > 49_000 && ms <= 50_000));
    assert_eq!(c.cmd(&["PSETEX", "p", "30", "v"]), ok());
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(c.cmd(&["GET", "p"]), Reply::Nil);
    assert_eq!(c.cmd(&["GETSET", "k", "a"]), b("w"));
    assert_eq!(c.cmd(&["GETDEL", "k"]), b("a"));
    assert_eq!(c.cmd(&["GETDEL", "k"]), Reply::Nil);
    assert_eq!(c.cmd(&["SET", "g", "v"]), ok());
    assert_eq!(c.cmd(&["GETEX", "g", "EX", "70"]), b("v"));
    assert_eq!(c.cmd(&["TTL", "g"]), Reply::Int(70));
    assert_eq!(c.cmd(&["GETEX", "g", "PERSIST"]), b("v"));
    assert_eq!(c.cmd(&["TTL", "g"]), Reply::Int(-1));
    assert_eq!(c.cmd(&["MSET", "a", "1", "b", "2"]), ok());
    assert_eq!(c.cmd(&["MSET", "a", "1", "b"]).err_text(), "ERR wrong number of arguments for 'mset' command");
    assert_eq!(c.cmd(&["MGET", "a", "zz", "b"]), Reply::Array(vec![b("1"), Reply::Nil, b("2")]));
    assert_eq!(c.cmd(&["MSETNX", "a", "9", "c", "3"]), Reply::Int(0));
    assert_eq!(c.cmd(&["MSETNX", "c", "3", "d", "4"]), Reply::Int(1));
    assert_eq!(c.cmd(&["INCR", "a"]), Reply::Int(2));
    assert_eq!(c.cmd(&["INCRBY", "a", "10"]), Reply::Int(12));
    assert_eq!(c.cmd(&["DECR", "a"]), Reply::Int(11));
    assert_eq!(c.cmd(&["DECRBY", "a", "20"]), Reply::Int(-9));
    assert_eq!(c.cmd(&["INCR", "g"]).err_text(), "ERR value is not an integer or out of range");
    assert_eq!(c.cmd(&["SET", "big", "9223372036854775807"]), ok());
    assert_eq!(c.cmd(&["INCR", "big"]).err_text(), "ERR increment or decrement would overflow");
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "10.5"]), b("10.5"));
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "0.1"]), b("10.6"));
    assert_eq!(c.cmd(&["INCRBYFLOAT", "f", "x"]).err_text(), "ERR value is not a valid float");
    assert_eq!(c.cmd(&["SET", "s", "Hello", "EX", "100"]), ok());
    assert_eq!(c.cmd(&["APPEND", "s", " World"]), Reply::Int(11));
    assert_eq!(c.cmd(&["TTL", "s"]), Reply::Int(100), "APPEND keeps the TTL");
    assert_eq!(c.cmd(&["STRLEN", "s"]), Reply::Int(11));
    assert_eq!(c.cmd(&["GETRANGE", "s", "-5", "-1"]), b("World"));
    assert_eq!(c.cmd(&["GETRANGE", "s", "0", "100"]), b("Hello World"));
    assert_eq!(c.cmd(&["SETRANGE", "s", "6", "Redis"]), Reply::Int(11));
    assert_eq!(c.cmd(&["GET", "s"]), b("Hello Redis"));
    assert_eq!(c.cmd(&["SETRANGE", "pad", "3", "x"]), Reply::Int(4));
    assert_eq!(c.cmd(&["GET", "pad"]), Reply::Bulk(b"\0\0\0x".to_vec()));
    assert_eq!(c.cmd(&["SETRANGE", "pad", "-1", "x"]).err_text(), "ERR offset is out of range");
}

#[test]
fn keys_and_expiry() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    for k in ["user:1", "user:2", "user:10", "other"] {
        assert_eq!(c.cmd(&["SET", k, "v"]), ok());
    }
    assert_eq!(c.cmd(&["EXISTS", "user:1", "user:1", "nope"]), Reply::Int(2));
    assert_eq!(c.cmd(&["TYPE", "other"]), Reply::Simple("string".into()));
    assert_eq!(c.cmd(&["TYPE", "nope"]), Reply::Simple("none".into()));
    assert_eq!(c.cmd(&["KEYS", "user:?"]), Reply::Array(vec![b("user:1"), b("user:2")]));
    assert_eq!(c.cmd(&["DBSIZE"]), Reply::Int(4));
    assert_eq!(c.cmd(&["EXPIRE", "other", "100"]), Reply::Int(1));
    assert_eq!(c.cmd(&["EXPIRE", "other", "50", "GT"]), Reply::Int(0));
    assert_eq!(c.cmd(&["EXPIRE", "other", "50", "LT"]), Reply::Int(1));
    assert_eq!(c.cmd(&["TTL", "other"]), Reply::Int(50));
    assert_eq!(c.cmd(&["EXPIRE", "other", "5", "NX"]), Reply::Int(0));
    assert_eq!(c.cmd(&["PERSIST", "other"]), Reply::Int(1));
    assert_eq!(c.cmd(&["PERSIST", "other"]), Reply::Int(0));
    assert_eq!(c.cmd(&["TTL", "nope"]), Reply::Int(-2));
    assert_eq!(c.cmd(&["PEXPIRE", "other", "100000"]), Reply::Int(1));
    let Reply::Int(at) = c.cmd(&["PEXPIRETIME", "other"]) else { panic!() };
    assert_eq!(c.cmd(&["PEXPIREAT", "user:10", &at.to_string()]), Reply::Int(1));
    assert_eq!(c.cmd(&["EXPIRETIME", "user:10"]), Reply::Int((at + 500) / 1000));
    assert_eq!(c.cmd(&["EXPIREAT", "user:10", "1"]), Reply::Int(1));
    assert_eq!(c.cmd(&["EXISTS", "user:10"]), Reply::Int(0), "an expiry in the past deletes");
    assert_eq!(c.cmd(&["EXPIRE", "nope", "10"]), Reply::Int(0));
    assert_eq!(c.cmd(&["RENAME", "other", "moved"]), ok());
    assert!(matches!(c.cmd(&["TTL", "moved"]), Reply::Int(t) if t > 90), "RENAME keeps the TTL");
    assert_eq!(c.cmd(&["RENAME", "nope", "x"]).err_text(), "ERR no such key");
    assert_eq!(c.cmd(&["RENAMENX", "moved", "user:1"]), Reply::Int(0));
    assert_eq!(c.cmd(&["RENAMENX", "moved", "fresh"]), Reply::Int(1));
    assert!(matches!(c.cmd(&["RANDOMKEY"]), Reply::Bulk(_)));
    assert_eq!(c.cmd(&["DEL", "fresh", "user:1", "nope"]), Reply::Int(2));
    assert_eq!(c.cmd(&["UNLINK", "user:2"]), Reply::Int(1));
    assert_eq!(c.cmd(&["FLUSHDB"]), ok());
    assert_eq!(c.cmd(&["DBSIZE"]), Reply::Int(0));
    assert_eq!(c.cmd(&["RANDOMKEY"]), Reply::Nil);
}

#[test]
fn scan_returns_every_key_exactly_once() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    for i in 0..500 {
        let k = format!("{}:{i}", if i % 2 == 0 { "even" } else { "odd" });
        assert_eq!(c.cmd(&["SET", &k, "v"]), ok());
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let Reply::Array(r) = c.cmd(&["SCAN", &cursor, "MATCH", "even:*", "COUNT", "37"]) else { panic!() };
        let Reply::Bulk(next) = &r[0] else { panic!() };
        let Reply::Array(keys) = &r[1] else { panic!() };
        for k in keys {
            let Reply::Bulk(k) = k else { panic!() };
            assert!(k.starts_with(b"even:"));
            assert!(seen.insert(k.clone()), "key returned twice");
        }
        cursor = String::from_utf8(next.clone()).unwrap();
        calls += 1;
        if cursor == "0" {
            break;
        }
        assert!(calls < 100, "SCAN does not end");
    }
    assert_eq!(seen.len(), 250);
    assert_eq!(c.cmd(&["SCAN", "x"]).err_text(), "ERR invalid cursor");
}

#[test]
fn hostile_glob_patterns_finish_quickly() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    let key = "a".repeat(5000);
    assert_eq!(c.cmd(&["SET", &key, "v"]), ok());
    let pattern = format!("{}b", "a*".repeat(400));
    let started = std::time::Instant::now();
    assert_eq!(c.cmd(&["KEYS", &pattern]), Reply::Array(vec![]));
    assert!(started.elapsed() < Duration::from_secs(3), "KEYS took {:?}", started.elapsed());
    assert!(c.cmd(&["KEYS", &"*".repeat(2000)]).err_text().starts_with("ERR pattern longer"));
}

#[test]
fn multi_exec_and_watch() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    let mut other = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["SET", "a", "1"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["INCR", "a"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["SET", "e", "x", "EX", "100"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["GET", "a"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["MULTI"]).err_text(), "ERR MULTI calls can not be nested");
    assert_eq!(c.cmd(&["EXEC"]), Reply::Array(vec![ok(), Reply::Int(2), ok(), b("2")]));
    assert_eq!(c.cmd(&["TTL", "e"]), Reply::Int(100), "expiries set inside EXEC apply");
    // Expiries set, kept and cleared inside EXEC commit with the values.
    assert_eq!(c.cmd(&["SET", "p", "1", "EX", "500"]), ok());
    assert_eq!(c.cmd(&["SET", "k", "1", "EX", "300"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["EXPIRE", "a", "200"]);
    c.cmd(&["PERSIST", "p"]);
    c.cmd(&["INCR", "k"]);
    c.cmd(&["TTL", "k"]);
    c.cmd(&["EXPIRE", "missing", "10"]);
    assert_eq!(
        c.cmd(&["EXEC"]),
        Reply::Array(vec![Reply::Int(1), Reply::Int(1), Reply::Int(2), Reply::Int(300), Reply::Int(0)])
    );
    assert_eq!(c.cmd(&["TTL", "a"]), Reply::Int(200));
    assert_eq!(c.cmd(&["TTL", "p"]), Reply::Int(-1));
    assert_eq!(c.cmd(&["TTL", "k"]), Reply::Int(300), "INCR keeps the expiry");
    assert_eq!(c.cmd(&["GET", "a"]), b("2"), "EXPIRE in EXEC keeps the value");
    assert_eq!(c.cmd(&["EXEC"]).err_text(), "ERR EXEC without MULTI");
    assert_eq!(c.cmd(&["DISCARD"]).err_text(), "ERR DISCARD without MULTI");

    // A queued error aborts EXEC.
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["NOPE"]).err_text().split(',').next().unwrap(), "ERR unknown command 'NOPE'");
    assert_eq!(c.cmd(&["EXEC"]).err_text(), "EXECABORT Transaction discarded because of previous errors.");

    // A runtime error is a reply inside EXEC's array.
    assert_eq!(c.cmd(&["SET", "s", "text"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["INCR", "s"]);
    c.cmd(&["SET", "after", "1"]);
    let Reply::Array(r) = c.cmd(&["EXEC"]) else { panic!() };
    assert_eq!(r[0].err_text(), "ERR value is not an integer or out of range");
    assert_eq!(r[1], ok());

    // WATCH: a change by another client makes EXEC reply nil and write nothing.
    assert_eq!(c.cmd(&["WATCH", "a"]), ok());
    assert_eq!(other.cmd(&["SET", "a", "changed"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["SET", "w", "1"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Nil);
    assert_eq!(c.cmd(&["EXISTS", "w"]), Reply::Int(0));

    // Read-only EXEC after a watched change also fails.
    assert_eq!(c.cmd(&["WATCH", "a"]), ok());
    assert_eq!(other.cmd(&["SET", "a", "again"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["GET", "a"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Nil);

    // Without a change, EXEC runs; UNWATCH forgets.
    assert_eq!(c.cmd(&["WATCH", "a"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["WATCH", "b"]).err_text(), "ERR WATCH inside MULTI is not allowed");
    assert_eq!(c.cmd(&["DISCARD"]), ok());
    assert_eq!(c.cmd(&["WATCH", "a"]), ok());
    assert_eq!(c.cmd(&["UNWATCH"]), ok());
    assert_eq!(other.cmd(&["SET", "a", "third"]), ok());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    c.cmd(&["SET", "w", "1"]);
    assert_eq!(c.cmd(&["EXEC"]), Reply::Array(vec![ok()]));
}

#[test]
fn concurrent_incr_loses_no_update() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let mut c = Client::connect(addr);
                for _ in 0..250 {
                    assert!(matches!(c.cmd(&["INCR", "n"]), Reply::Int(_)));
                    assert!(matches!(c.cmd(&["APPEND", "s", "x"]), Reply::Int(_)));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut c = Client::connect(addr);
    assert_eq!(c.cmd(&["GET", "n"]), b("1000"));
    assert_eq!(c.cmd(&["STRLEN", "s"]), Reply::Int(1000), "APPEND is atomic");
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    let mut batch = Vec::new();
    for i in 0..2000 {
        batch.extend(support::encode(&[b"SET", format!("k{i}").as_bytes(), format!("{i}").as_bytes()]));
        batch.extend(support::encode(&[b"GET", format!("k{i}").as_bytes()]));
    }
    c.send_raw(&batch).unwrap();
    for i in 0..2000 {
        assert_eq!(c.read(), Some(ok()));
        assert_eq!(c.read(), Some(b(&i.to_string())));
    }
}

#[test]
fn pipelined_sets_commit_together_yet_answer_as_if_alone() {
    use scalodb::{Db, Options};
    let db = Db::memory_with(Options { max_value_size: 1000, ..Options::default() }).unwrap();
    let server = support::start_on(db.clone(), ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    let before = db.stats().unwrap();
    // Runs of plain SETs (longer than one batch), broken by reads of the keys just set, an
    // INCR, a SET with options, and an oversize value that makes its batch fail.
    let mut req = Vec::new();
    let mut want = Vec::new();
    for i in 0..600 {
        req.extend(support::encode(&[b"SET", format!("p{i}").as_bytes(), format!("{i}").as_bytes()]));
        want.push(ok());
        if i % 97 == 0 {
            req.extend(support::encode(&[b"GET", format!("p{i}").as_bytes()]));
            want.push(b(&i.to_string()));
        }
        if i == 300 {
            req.extend(support::encode(&[b"set", b"big", &[b'x'; 2000]]));
            want.push(Reply::Error(String::new()));
            req.extend(support::encode(&[b"INCR", b"p300"]));
            want.push(Reply::Int(301));
            req.extend(support::encode(&[b"SET", b"t", b"1", b"EX", b"100"]));
            want.push(ok());
        }
    }
    c.send_raw(&req).unwrap();
    for (i, w) in want.iter().enumerate() {
        let got = c.read().unwrap();
        match w {
            Reply::Error(_) => assert!(got.err_text().starts_with("ERR"), "reply {i}: {got:?}"),
            w => assert_eq!(&got, w, "reply {i}"),
        }
    }
    assert_eq!(c.cmd(&["GET", "p599"]), b("599"));
    assert_eq!(c.cmd(&["GET", "p300"]), b("301"));
    assert_eq!(c.cmd(&["EXISTS", "big"]), Reply::Int(0));
    assert_eq!(c.cmd(&["TTL", "t"]), Reply::Int(100));
    assert_eq!(db.stats().unwrap().keys, before.keys + 601);
}

#[test]
fn pipelined_increments_commit_together_yet_answer_as_if_alone() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["SET", "text", "abc"]), ok());
    assert_eq!(c.cmd(&["SET", "big", &(i64::MAX - 1).to_string()]), ok());
    assert_eq!(c.cmd(&["SET", "ttl", "10", "EX", "100"]), ok());
    let cmds: Vec<Vec<&str>> = vec![
        vec!["INCR", "n"],
        vec!["INCR", "n"],
        vec!["INCRBY", "n", "10"],
        vec!["INCR", "text"],
        vec!["DECR", "m"],
        vec!["INCR", "big"],
        vec!["INCR", "big"],
        vec!["DECRBY", "n", "2"],
        vec!["INCRBY", "n", "x"],
        vec!["INCR", "ttl"],
        vec!["SET", "s", "1"],
        vec!["INCR", "s"],
        vec!["GET", "n"],
    ];
    let mut req = Vec::new();
    for cmd in &cmds {
        let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_bytes()).collect();
        req.extend(support::encode(&args));
    }
    c.send_raw(&req).unwrap();
    let want = [
        Reply::Int(1),
        Reply::Int(2),
        Reply::Int(12),
        Reply::Error("ERR value is not an integer or out of range".into()),
        Reply::Int(-1),
        Reply::Int(i64::MAX),
        Reply::Error("ERR increment or decrement would overflow".into()),
        Reply::Int(10),
        Reply::Error("ERR value is not an integer or out of range".into()),
        Reply::Int(11),
        ok(),
        Reply::Int(2),
        b("10"),
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(&c.read().unwrap(), w, "reply {i} to {:?}", cmds[i]);
    }
    assert_eq!(c.cmd(&["GET", "text"]), b("abc"));
    assert_eq!(c.cmd(&["GET", "big"]), b(&i64::MAX.to_string()));
    assert_eq!(c.cmd(&["TTL", "ttl"]), Reply::Int(100), "an increment keeps the expiry");
}

#[test]
fn pipelined_increments_from_many_clients_lose_no_update() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let mut c = Client::connect(addr);
                let mut req = Vec::new();
                for _ in 0..500 {
                    req.extend(support::encode(&[b"INCR", b"shared"]));
                    req.extend(support::encode(&[b"INCRBY", b"other", b"3"]));
                }
                c.send_raw(&req).unwrap();
                for _ in 0..1000 {
                    assert!(matches!(c.read(), Some(Reply::Int(_))));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut c = Client::connect(addr);
    assert_eq!(c.cmd(&["GET", "shared"]), b("2000"));
    assert_eq!(c.cmd(&["GET", "other"]), b("6000"));
}

#[test]
fn client_kill_reply_and_reset() {
    let server = start(ServerConfig { password: Some("pw".into()), ..ServerConfig::default() });
    let addr = server.local_addr();
    let mut c = Client::connect(addr);
    assert_eq!(c.cmd(&["AUTH", "pw"]), ok());
    let mut victim = Client::connect(addr);
    assert_eq!(victim.cmd(&["AUTH", "pw"]), ok());
    let Reply::Int(victim_id) = victim.cmd(&["CLIENT", "ID"]) else { panic!() };

    // CLIENT KILL by id closes that connection and only that one.
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", &victim_id.to_string()]), Reply::Int(1));
    assert!(victim.closed_by_server(), "the killed client is disconnected");
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", &victim_id.to_string()]), Reply::Int(0));
    // SKIPME yes (the default) spares the caller; the old form names an address.
    assert_eq!(c.cmd(&["CLIENT", "KILL", "MAXAGE", "0"]), Reply::Int(0));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "10.9.9.9:1"]).err_text(), "ERR No such client");
    let mut other = Client::connect(addr);
    assert_eq!(other.cmd(&["AUTH", "pw"]), ok());
    let Reply::Bulk(info) = other.cmd(&["CLIENT", "INFO"]) else { panic!() };
    let info = String::from_utf8(info).unwrap();
    let other_addr = info.split_whitespace().find_map(|f| f.strip_prefix("addr=")).unwrap().to_string();
    assert_eq!(c.cmd(&["CLIENT", "KILL", &other_addr]), ok());
    assert!(other.closed_by_server());
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", "1", "SKIPME"]).err_text(), "ERR syntax error");

    // CLIENT REPLY: OFF drops replies until ON; SKIP drops only the next one.
    c.send_raw(&encode(&[b"CLIENT", b"REPLY", b"OFF"])).unwrap();
    c.send_raw(&encode(&[b"SET", b"r", b"1"])).unwrap();
    c.send_raw(&encode(&[b"GET", b"r"])).unwrap();
    assert_eq!(c.cmd(&["CLIENT", "REPLY", "ON"]), ok());
    c.send_raw(&encode(&[b"CLIENT", b"REPLY", b"SKIP"])).unwrap();
    c.send_raw(&encode(&[b"INCR", b"r"])).unwrap();
    assert_eq!(c.cmd(&["GET", "r"]), b("2"), "commands ran while their replies were dropped");

    // RESET ends MULTI and deauthenticates.
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["SET", "q", "1"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["RESET"]), Reply::Simple("RESET".into()));
    assert_eq!(c.cmd(&["GET", "r"]).err_text(), "NOAUTH Authentication required.");
    assert_eq!(c.cmd(&["AUTH", "pw"]), ok());
    assert_eq!(c.cmd(&["EXEC"]).err_text(), "ERR EXEC without MULTI");
    assert_eq!(c.cmd(&["EXISTS", "q"]), Reply::Int(0), "the queued SET was discarded");
}

#[test]
fn command_getkeys_follows_the_table() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "SET", "k", "v", "EX", "10"]), Reply::Array(vec![b("k")]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"]), Reply::Array(vec![b("a"), b("b")]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "DEL", "x", "y", "z"]), Reply::Array(vec![b("x"), b("y"), b("z")]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "RENAME", "from", "to"]), Reply::Array(vec![b("from"), b("to")]));
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "PING"]).err_text(), "ERR The command has no key arguments");
    assert_eq!(c.cmd(&["COMMAND", "GETKEYS", "NOPE", "k"]).err_text(), "ERR Invalid command specified");
    assert_eq!(
        c.cmd(&["COMMAND", "GETKEYS", "GET"]).err_text(),
        "ERR Invalid number of arguments specified for command"
    );
}

#[test]
fn debug_is_refused_unless_enable_debug_command_allows_it() {
    use scalodb_server::DebugCommand;
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    let refused = c.cmd(&["DEBUG", "SLEEP", "0"]);
    assert!(refused.err_text().starts_with("ERR DEBUG command not allowed."), "{refused:?}");
    // `local` admits this loopback client; `yes` anyone.
    for allow in [DebugCommand::Local, DebugCommand::Yes] {
        let server = start(ServerConfig { enable_debug_command: allow, ..ServerConfig::default() });
        let mut c = Client::connect(server.local_addr());
        assert_eq!(c.cmd(&["DEBUG", "SLEEP", "0"]), ok());
        assert!(c.cmd(&["DEBUG", "SLEEP", "-1"]).err_text().starts_with("ERR"));
    }
}

#[test]
fn commands_run_by_exec_count_in_commandstats_as_in_redis() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["MULTI"]), ok());
    assert_eq!(c.cmd(&["SET", "k", "1"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["INCR", "k"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["INCR", "k"]), Reply::Simple("QUEUED".into()));
    assert!(matches!(c.cmd(&["EXEC"]), Reply::Array(_)));
    let Reply::Bulk(info) = c.cmd(&["INFO", "commandstats"]) else { panic!("INFO is a bulk string") };
    let info = String::from_utf8(info).unwrap();
    let calls = |cmd: &str| {
        let line = info.lines().find(|l| l.starts_with(&format!("cmdstat_{cmd}:"))).unwrap_or_else(|| panic!("{info}"));
        line.split(&[':', ','][..]).find_map(|f| f.strip_prefix("calls=")).unwrap().parse::<u64>().unwrap()
    };
    assert_eq!((calls("set"), calls("incr"), calls("exec"), calls("multi")), (1, 2, 1, 1), "{info}");
}
