//! Publish/subscribe over real TCP connections: delivery to channel and pattern subscribers in
//! order, the confirmations' shapes, PUBSUB introspection, what a subscribed RESP2 connection
//! may run, RESP3 push frames, unsubscribe-all, cleanup on disconnect, and a subscriber that
//! does not read being disconnected at the output limit while the publisher goes on.

mod support;

use std::io::BufRead;
use std::time::{Duration, Instant};

use scalodb_server::{Limits, ServerConfig};
use support::{start, Client, Reply};

fn b(s: &str) -> Reply {
    Reply::bulk(s)
}

fn arr(items: Vec<Reply>) -> Reply {
    Reply::Array(items)
}

fn msg(channel: &str, payload: &str) -> Reply {
    arr(vec![b("message"), b(channel), b(payload)])
}

fn pmsg(pattern: &str, channel: &str, payload: &str) -> Reply {
    arr(vec![b("pmessage"), b(pattern), b(channel), b(payload)])
}

fn confirm(kind: &str, name: &str, n: i64) -> Reply {
    arr(vec![b(kind), b(name), Reply::Int(n)])
}

/// Replies in a fixed order, for those whose order is not defined.
fn sorted(mut v: Vec<Reply>) -> Vec<Reply> {
    v.sort_by_key(|r| format!("{r:?}"));
    v
}

/// Sends a command and reads `n` replies (SUBSCRIBE answers one confirmation per channel).
fn cmd_n(c: &mut Client, args: &[&str], n: usize) -> Vec<Reply> {
    let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send_raw(&support::encode(&raw)).unwrap();
    (0..n).map(|_| c.read().expect("a reply")).collect()
}

/// Waits until PUBSUB NUMSUB says `channel` has `n` subscribers (a subscriber's connection may
/// still be closing when the test goes on).
fn wait_numsub(c: &mut Client, channel: &str, n: i64) {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let r = c.cmd(&["PUBSUB", "NUMSUB", channel]);
        if r == arr(vec![b(channel), Reply::Int(n)]) {
            return;
        }
        assert!(Instant::now() < until, "NUMSUB {channel} stayed {r:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads one RESP3 push frame (`>`), returning its items and checking it was a push.
fn read_push(c: &mut Client) -> Vec<Reply> {
    let mut line = Vec::new();
    c.reader_mut().read_until(b'\n', &mut line).unwrap();
    assert_eq!(line[0], b'>', "expected a push frame, got {:?}", String::from_utf8_lossy(&line));
    let n: usize = String::from_utf8_lossy(&line[1..line.len() - 2]).parse().unwrap();
    (0..n).map(|_| c.read().unwrap()).collect()
}

#[test]
fn subscribers_and_patterns_get_every_message_in_order() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let mut s1 = Client::connect(addr);
    let mut s2 = Client::connect(addr);
    let mut p = Client::connect(addr);
    let mut publisher = Client::connect(addr);
    assert_eq!(
        cmd_n(&mut s1, &["SUBSCRIBE", "news", "sport"], 2),
        [confirm("subscribe", "news", 1), confirm("subscribe", "sport", 2)]
    );
    assert_eq!(cmd_n(&mut s2, &["SUBSCRIBE", "news"], 1), [confirm("subscribe", "news", 1)]);
    assert_eq!(
        cmd_n(&mut p, &["PSUBSCRIBE", "n*", "*s"], 2),
        [confirm("psubscribe", "n*", 1), confirm("psubscribe", "*s", 2)]
    );
    // news: s1, s2, and both patterns of p.
    assert_eq!(publisher.cmd(&["PUBLISH", "news", "one"]), Reply::Int(4));
    assert_eq!(publisher.cmd(&["PUBLISH", "sport", "two"]), Reply::Int(1));
    assert_eq!(publisher.cmd(&["PUBLISH", "nothing", "three"]), Reply::Int(1));
    assert_eq!(publisher.cmd(&["PUBLISH", "weather", "x"]), Reply::Int(0));
    for i in 0..50 {
        assert_eq!(publisher.cmd(&["PUBLISH", "news", &i.to_string()]), Reply::Int(4));
    }
    assert_eq!(s1.read().unwrap(), msg("news", "one"));
    assert_eq!(s1.read().unwrap(), msg("sport", "two"));
    assert_eq!(s2.read().unwrap(), msg("news", "one"));
    for i in 0..50 {
        assert_eq!(s1.read().unwrap(), msg("news", &i.to_string()));
        assert_eq!(s2.read().unwrap(), msg("news", &i.to_string()));
    }
    // p gets one pmessage per matching pattern; which pattern comes first is not defined.
    let first: Vec<Reply> = (0..2).map(|_| p.read().unwrap()).collect();
    assert_eq!(sorted(first), sorted(vec![pmsg("*s", "news", "one"), pmsg("n*", "news", "one")]));
    assert_eq!(p.read().unwrap(), pmsg("n*", "nothing", "three"));
    for i in 0..50 {
        let two: Vec<Reply> = (0..2).map(|_| p.read().unwrap()).collect();
        let i = i.to_string();
        assert_eq!(sorted(two), sorted(vec![pmsg("*s", "news", &i), pmsg("n*", "news", &i)]));
    }
}

#[test]
fn pubsub_introspection() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let mut a = Client::connect(addr);
    let mut bb = Client::connect(addr);
    let mut c = Client::connect(addr);
    cmd_n(&mut a, &["SUBSCRIBE", "alpha", "beta"], 2);
    cmd_n(&mut bb, &["SUBSCRIBE", "alpha"], 1);
    cmd_n(&mut bb, &["PSUBSCRIBE", "a*", "b*", "a*"], 3);
    assert_eq!(c.cmd(&["PUBSUB", "CHANNELS"]), arr(vec![b("alpha"), b("beta")]));
    assert_eq!(c.cmd(&["PUBSUB", "CHANNELS", "b*"]), arr(vec![b("beta")]));
    assert_eq!(c.cmd(&["PUBSUB", "CHANNELS", "z*"]), arr(vec![]));
    assert_eq!(
        c.cmd(&["PUBSUB", "NUMSUB", "alpha", "beta", "gamma"]),
        arr(vec![b("alpha"), Reply::Int(2), b("beta"), Reply::Int(1), b("gamma"), Reply::Int(0)])
    );
    assert_eq!(c.cmd(&["PUBSUB", "NUMSUB"]), arr(vec![]));
    assert_eq!(c.cmd(&["PUBSUB", "NUMPAT"]), Reply::Int(2));
    assert!(c.cmd(&["PUBSUB", "NOPE"]).err_text().starts_with("ERR unknown subcommand 'NOPE'"));
    assert_eq!(
        c.cmd(&["PUBSUB", "NUMPAT", "x"]).err_text(),
        "ERR wrong number of arguments for 'pubsub|numpat' command"
    );
}

#[test]
fn a_subscribed_resp2_connection_runs_only_the_pubsub_commands() {
    let server = start(ServerConfig::default());
    let mut c = Client::connect(server.local_addr());
    cmd_n(&mut c, &["SUBSCRIBE", "ch"], 1);
    assert_eq!(
        c.cmd(&["GET", "k"]).err_text(),
        "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
    );
    assert!(c.cmd(&["PUBLISH", "ch", "x"]).err_text().starts_with("ERR Can't execute 'publish'"));
    assert_eq!(c.cmd(&["PING"]), arr(vec![b("pong"), b("")]));
    assert_eq!(c.cmd(&["PING", "hi"]), arr(vec![b("pong"), b("hi")]));
    assert_eq!(cmd_n(&mut c, &["PSUBSCRIBE", "x*"], 1), [confirm("psubscribe", "x*", 2)]);
    // Once out of every channel and pattern, anything goes again.
    assert_eq!(cmd_n(&mut c, &["UNSUBSCRIBE"], 1), [confirm("unsubscribe", "ch", 1)]);
    assert!(matches!(c.cmd(&["GET", "k"]), Reply::Error(_)));
    assert_eq!(cmd_n(&mut c, &["PUNSUBSCRIBE"], 1), [confirm("punsubscribe", "x*", 0)]);
    assert_eq!(c.cmd(&["GET", "k"]), Reply::Nil);
    assert_eq!(c.cmd(&["PING"]), Reply::Simple("PONG".into()));
    // RESET leaves every subscription too.
    cmd_n(&mut c, &["SUBSCRIBE", "ch"], 1);
    assert_eq!(c.cmd(&["RESET"]), Reply::Simple("RESET".into()));
    assert_eq!(c.cmd(&["PUBSUB", "NUMSUB", "ch"]), arr(vec![b("ch"), Reply::Int(0)]));
}

#[test]
fn unsubscribe_without_names_leaves_every_channel() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let mut c = Client::connect(addr);
    let mut publisher = Client::connect(addr);
    // From nothing: one confirmation with a null channel.
    assert_eq!(cmd_n(&mut c, &["UNSUBSCRIBE"], 1), [arr(vec![b("unsubscribe"), Reply::Nil, Reply::Int(0)])]);
    assert_eq!(cmd_n(&mut c, &["PUNSUBSCRIBE"], 1), [arr(vec![b("punsubscribe"), Reply::Nil, Reply::Int(0)])]);
    cmd_n(&mut c, &["SUBSCRIBE", "a", "b", "c"], 3);
    cmd_n(&mut c, &["PSUBSCRIBE", "p*"], 1);
    let mut left = cmd_n(&mut c, &["UNSUBSCRIBE"], 3);
    left.sort_by_key(|r| format!("{r:?}"));
    let names: Vec<Reply> = left
        .iter()
        .map(|r| match r {
            Reply::Array(items) => items[1].clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, [b("a"), b("b"), b("c")]);
    // The counts went 3, 2, 1 (the pattern remains).
    let mut counts: Vec<i64> = left
        .iter()
        .map(|r| match r {
            Reply::Array(items) => match items[2] {
                Reply::Int(n) => n,
                _ => panic!(),
            },
            _ => panic!(),
        })
        .collect();
    counts.sort_unstable();
    assert_eq!(counts, [1, 2, 3]);
    assert_eq!(publisher.cmd(&["PUBLISH", "a", "x"]), Reply::Int(0));
    assert_eq!(publisher.cmd(&["PUBLISH", "pa", "x"]), Reply::Int(1));
    assert_eq!(c.read().unwrap(), pmsg("p*", "pa", "x"));
    assert_eq!(cmd_n(&mut c, &["UNSUBSCRIBE", "zzz"], 1), [confirm("unsubscribe", "zzz", 1)]);
}

#[test]
fn resp3_gets_push_frames_and_may_run_anything_while_subscribed() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let mut c = Client::connect(addr);
    let mut publisher = Client::connect(addr);
    assert!(matches!(c.cmd(&["HELLO", "3"]), Reply::Map(_)));
    let raw: Vec<&[u8]> = vec![b"SUBSCRIBE", b"ch"];
    c.send_raw(&support::encode(&raw)).unwrap();
    assert_eq!(read_push(&mut c), [b("subscribe"), b("ch"), Reply::Int(1)]);
    assert_eq!(c.cmd(&["SET", "k", "v"]), Reply::Simple("OK".into()));
    assert_eq!(c.cmd(&["GET", "k"]), b("v"));
    assert_eq!(c.cmd(&["PING"]), Reply::Simple("PONG".into()));
    assert_eq!(publisher.cmd(&["PUBLISH", "ch", "hello"]), Reply::Int(1));
    assert_eq!(read_push(&mut c), [b("message"), b("ch"), b("hello")]);
    c.send_raw(&support::encode(&[b"UNSUBSCRIBE"])).unwrap();
    assert_eq!(read_push(&mut c), [b("unsubscribe"), b("ch"), Reply::Int(0)]);
}

#[test]
fn a_closed_connection_leaves_its_channels() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let mut c = Client::connect(addr);
    let mut other = Client::connect(addr);
    cmd_n(&mut c, &["SUBSCRIBE", "a", "b"], 2);
    cmd_n(&mut c, &["PSUBSCRIBE", "x*"], 1);
    assert_eq!(other.cmd(&["PUBSUB", "NUMPAT"]), Reply::Int(1));
    drop(c);
    wait_numsub(&mut other, "a", 0);
    wait_numsub(&mut other, "b", 0);
    assert_eq!(other.cmd(&["PUBSUB", "NUMPAT"]), Reply::Int(0));
    assert_eq!(other.cmd(&["PUBSUB", "CHANNELS"]), arr(vec![]));
    assert_eq!(other.cmd(&["PUBLISH", "xa", "m"]), Reply::Int(0));
}

#[test]
fn a_subscriber_that_does_not_read_is_dropped_and_the_publisher_goes_on() {
    // A 1 MiB output limit makes the pubsub limit 1 MiB (see `pubsub.rs`).
    let limits = Limits { max_output_bytes: 1024 * 1024, ..Limits::default() };
    let server = start(ServerConfig { limits, ..ServerConfig::default() });
    let addr = server.local_addr();
    let mut slow = Client::connect(addr);
    let mut fast = Client::connect(addr);
    let mut publisher = Client::connect(addr);
    cmd_n(&mut slow, &["SUBSCRIBE", "ch"], 1);
    cmd_n(&mut fast, &["SUBSCRIBE", "ch"], 1);
    let payload = "x".repeat(64 * 1024);
    let started = Instant::now();
    let mut sent = 0;
    // `slow` never reads: once the kernel's buffers are full its queue grows past the limit.
    // `fast` reads every message, so it stays subscribed. Each PUBLISH answers promptly.
    let mut dropped = false;
    while sent < 4000 {
        let r = publisher.cmd(&["PUBLISH", "ch", &payload]);
        sent += 1;
        match fast.read().unwrap() {
            Reply::Array(items) => assert_eq!(items[2], b(&payload)),
            other => panic!("{other:?}"),
        }
        if r == Reply::Int(1) {
            dropped = true;
            break;
        }
        assert_eq!(r, Reply::Int(2));
    }
    assert!(dropped, "the slow subscriber was never dropped after {sent} messages in {:?}", started.elapsed());
    wait_numsub(&mut publisher, "ch", 1);
    assert!(drains_then_closes(&mut slow), "the slow subscriber's connection stayed open");
    for _ in 0..10 {
        assert_eq!(publisher.cmd(&["PUBLISH", "ch", "after"]), Reply::Int(1));
        assert_eq!(fast.read().unwrap(), msg("ch", "after"));
    }
}

/// Whether the server closed `c`, once what the kernel had buffered for it is read.
fn drains_then_closes(c: &mut Client) -> bool {
    use std::io::Read;
    let r = c.reader_mut();
    r.get_ref().set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match r.read(&mut chunk) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => return e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

/// One field of `INFO stats`.
fn stats_field(c: &mut Client, field: &str) -> String {
    let Reply::Bulk(text) = c.cmd(&["INFO", "stats"]) else { panic!("INFO is a bulk string") };
    let text = String::from_utf8(text).unwrap();
    let prefix = format!("{field}:");
    let line = text.split("\r\n").find(|l| l.starts_with(&prefix));
    line.unwrap_or_else(|| panic!("INFO stats has no {field}: {text}"))[prefix.len()..].to_string()
}

#[test]
fn info_counts_the_channels_and_patterns_with_subscribers() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let mut c = Client::connect(addr);
    let mut s1 = Client::connect(addr);
    let mut s2 = Client::connect(addr);
    let mut p = Client::connect(addr);
    let counts =
        |c: &mut Client| ["pubsub_channels", "pubsub_patterns", "pubsubshard_channels"].map(|f| stats_field(c, f));
    assert_eq!(counts(&mut c), ["0", "0", "0"]);
    cmd_n(&mut s1, &["SUBSCRIBE", "a", "b"], 2);
    cmd_n(&mut s2, &["SUBSCRIBE", "b", "c"], 2);
    assert_eq!(counts(&mut c), ["3", "0", "0"], "channels, not subscriptions");
    cmd_n(&mut p, &["PSUBSCRIBE", "n*", "m?"], 2);
    cmd_n(&mut s2, &["PSUBSCRIBE", "n*"], 1);
    assert_eq!(counts(&mut c), ["3", "2", "0"], "distinct patterns");
    cmd_n(&mut s1, &["UNSUBSCRIBE", "a"], 1);
    assert_eq!(counts(&mut c), ["2", "2", "0"]);
    cmd_n(&mut p, &["PUNSUBSCRIBE"], 2);
    assert_eq!(counts(&mut c), ["2", "1", "0"], "n* is still s2's");
    // A subscriber that disconnects leaves its channels and patterns.
    drop(s2);
    let until = Instant::now() + Duration::from_secs(10);
    while counts(&mut c) != ["1", "0", "0"] {
        assert!(Instant::now() < until, "counts stayed {:?}", counts(&mut c));
        std::thread::sleep(Duration::from_millis(20));
    }
    cmd_n(&mut s1, &["RESET"], 1);
    assert_eq!(counts(&mut c), ["0", "0", "0"]);
}
