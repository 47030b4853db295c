//! The blocking pops over real TCP connections: woken by another client's write, served in the
//! order clients blocked, timeouts (only a lower bound on the time is checked), BLMOVE,
//! BZPOPMIN woken by ZADD, no blocking inside MULTI, a blocked client that disconnects taking
//! nothing, and other clients served meanwhile.

mod support;

use std::time::{Duration, Instant};

use scalodb_server::{ServerConfig, ServerHandle};
use support::{encode, start, Client, Reply};

fn b(s: &str) -> Reply {
    Reply::bulk(s)
}

fn arr(items: Vec<Reply>) -> Reply {
    Reply::Array(items)
}

/// Sends a command without reading its reply (it blocks).
fn send(c: &mut Client, args: &[&str]) {
    let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send_raw(&encode(&raw)).unwrap();
}

/// Gives the server time to run what was just sent: a command that blocks has no reply to wait
/// for, and the order clients block in is what some tests are about.
fn settle() {
    std::thread::sleep(Duration::from_millis(150));
}

fn server() -> (ServerHandle, std::net::SocketAddr) {
    let s = start(ServerConfig::default());
    let addr = s.local_addr();
    (s, addr)
}

#[test]
fn blpop_is_woken_by_a_push_from_another_client() {
    let (_s, addr) = server();
    let mut waiter = Client::connect(addr);
    let mut pusher = Client::connect(addr);
    // Something there already: no blocking.
    assert_eq!(pusher.cmd(&["RPUSH", "q", "a"]), Reply::Int(1));
    assert_eq!(waiter.cmd(&["BLPOP", "empty", "q", "0"]), arr(vec![b("q"), b("a")]));
    send(&mut waiter, &["BLPOP", "q", "other", "0"]);
    // Pipelined after the BLPOP: answered only after it.
    send(&mut waiter, &["PING"]);
    settle();
    // Other clients are not stalled by the blocked one.
    assert_eq!(pusher.cmd(&["SET", "k", "v"]), Reply::Simple("OK".into()));
    assert_eq!(pusher.cmd(&["LPUSH", "other", "x"]), Reply::Int(1));
    assert_eq!(waiter.read().unwrap(), arr(vec![b("other"), b("x")]));
    assert_eq!(waiter.read().unwrap(), Reply::Simple("PONG".into()));
    assert_eq!(pusher.cmd(&["EXISTS", "other"]), Reply::Int(0));
    // BRPOP takes from the right.
    send(&mut waiter, &["BRPOP", "q", "0"]);
    settle();
    assert_eq!(pusher.cmd(&["RPUSH", "q", "1", "2", "3"]), Reply::Int(3));
    assert_eq!(waiter.read().unwrap(), arr(vec![b("q"), b("3")]));
    assert_eq!(pusher.cmd(&["LRANGE", "q", "0", "-1"]), arr(vec![b("1"), b("2")]));
}

#[test]
fn blocked_clients_are_served_in_the_order_they_blocked() {
    let (_s, addr) = server();
    let mut first = Client::connect(addr);
    let mut second = Client::connect(addr);
    let mut third = Client::connect(addr);
    let mut pusher = Client::connect(addr);
    send(&mut first, &["BLPOP", "q", "0"]);
    settle();
    send(&mut second, &["BLPOP", "q", "0"]);
    settle();
    send(&mut third, &["BLPOP", "q", "0"]);
    settle();
    assert_eq!(pusher.cmd(&["RPUSH", "q", "a"]), Reply::Int(1));
    assert_eq!(first.read().unwrap(), arr(vec![b("q"), b("a")]));
    // Two elements at once serve the next two, in order.
    assert_eq!(pusher.cmd(&["RPUSH", "q", "b", "c"]), Reply::Int(2));
    assert_eq!(second.read().unwrap(), arr(vec![b("q"), b("b")]));
    assert_eq!(third.read().unwrap(), arr(vec![b("q"), b("c")]));
    assert_eq!(pusher.cmd(&["EXISTS", "q"]), Reply::Int(0));
}

#[test]
fn a_timeout_answers_a_null_array_after_the_timeout() {
    let (_s, addr) = server();
    let mut c = Client::connect(addr);
    let started = Instant::now();
    assert_eq!(c.cmd(&["BLPOP", "q", "0.3"]), Reply::Nil);
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    let started = Instant::now();
    assert_eq!(c.cmd(&["BZPOPMAX", "z", "0.2"]), Reply::Nil);
    assert!(started.elapsed() >= Duration::from_millis(200));
    // RESP2 answers `*-1`, RESP3 a null.
    send(&mut c, &["BRPOP", "q", "0.1"]);
    let mut line = String::new();
    std::io::BufRead::read_line(c.reader_mut(), &mut line).unwrap();
    assert_eq!(line, "*-1\r\n");
    assert!(matches!(c.cmd(&["HELLO", "3"]), Reply::Map(_)));
    send(&mut c, &["BLMOVE", "q", "d", "LEFT", "RIGHT", "0.1"]);
    line.clear();
    std::io::BufRead::read_line(c.reader_mut(), &mut line).unwrap();
    assert_eq!(line, "_\r\n");
}

#[test]
fn bad_timeouts_and_types_are_refused() {
    let (_s, addr) = server();
    let mut c = Client::connect(addr);
    assert_eq!(c.cmd(&["BLPOP", "q", "abc"]).err_text(), "ERR timeout is not a float or out of range");
    assert_eq!(c.cmd(&["BLPOP", "q", "-1"]).err_text(), "ERR timeout is negative");
    assert_eq!(c.cmd(&["BLMOVE", "a", "b", "UP", "LEFT", "0"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["SET", "s", "v"]), Reply::Simple("OK".into()));
    assert!(c.cmd(&["BLPOP", "s", "0"]).err_text().starts_with("WRONGTYPE"));
    assert!(c.cmd(&["BZPOPMIN", "s", "0"]).err_text().starts_with("WRONGTYPE"));
    assert_eq!(c.cmd(&["BLPOP", "q"]).err_text(), "ERR wrong number of arguments for 'blpop' command");
}

#[test]
fn blmove_and_brpoplpush_block_and_move() {
    let (_s, addr) = server();
    let mut waiter = Client::connect(addr);
    let mut other = Client::connect(addr);
    let mut pusher = Client::connect(addr);
    send(&mut waiter, &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
    settle();
    // A second client waits on the destination: the element BLMOVE pushes there serves it.
    send(&mut other, &["BLPOP", "dst", "0"]);
    settle();
    assert_eq!(pusher.cmd(&["RPUSH", "src", "a", "b"]), Reply::Int(2));
    assert_eq!(waiter.read().unwrap(), b("b"));
    assert_eq!(other.read().unwrap(), arr(vec![b("dst"), b("b")]));
    assert_eq!(pusher.cmd(&["LRANGE", "src", "0", "-1"]), arr(vec![b("a")]));
    assert_eq!(pusher.cmd(&["EXISTS", "dst"]), Reply::Int(0));
    // Not empty: at once.
    assert_eq!(waiter.cmd(&["BRPOPLPUSH", "src", "dst", "0"]), b("a"));
    send(&mut waiter, &["BRPOPLPUSH", "src", "dst", "5"]);
    settle();
    assert_eq!(pusher.cmd(&["LPUSH", "src", "c"]), Reply::Int(1));
    assert_eq!(waiter.read().unwrap(), b("c"));
    assert_eq!(pusher.cmd(&["LRANGE", "dst", "0", "-1"]), arr(vec![b("c"), b("a")]));
}

#[test]
fn bzpopmin_is_woken_by_zadd() {
    let (_s, addr) = server();
    let mut waiter = Client::connect(addr);
    let mut writer = Client::connect(addr);
    send(&mut waiter, &["BZPOPMIN", "z1", "z2", "0"]);
    settle();
    assert_eq!(writer.cmd(&["ZADD", "z2", "3", "c", "1.5", "a"]), Reply::Int(2));
    assert_eq!(waiter.read().unwrap(), arr(vec![b("z2"), b("a"), b("1.5")]));
    assert_eq!(waiter.cmd(&["BZPOPMAX", "z2", "0"]), arr(vec![b("z2"), b("c"), b("3")]));
    // A list pushed to the key a BZPOPMIN waits on does not serve it (wrong type).
    send(&mut waiter, &["BZPOPMIN", "k", "0"]);
    settle();
    assert_eq!(writer.cmd(&["RPUSH", "k", "x"]), Reply::Int(1));
    settle();
    assert_eq!(writer.cmd(&["DEL", "k"]), Reply::Int(1));
    assert_eq!(writer.cmd(&["ZADD", "k", "7", "m"]), Reply::Int(1));
    assert_eq!(waiter.read().unwrap(), arr(vec![b("k"), b("m"), b("7")]));
}

#[test]
fn inside_multi_nothing_blocks() {
    let (_s, addr) = server();
    let mut c = Client::connect(addr);
    assert_eq!(c.cmd(&["MULTI"]), Reply::Simple("OK".into()));
    assert_eq!(c.cmd(&["BLPOP", "q", "0"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["BZPOPMIN", "z", "0"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["BLMOVE", "q", "d", "LEFT", "LEFT", "0"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["RPUSH", "q", "a"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["BLPOP", "q", "0"]), Reply::Simple("QUEUED".into()));
    let started = Instant::now();
    assert_eq!(
        c.cmd(&["EXEC"]),
        arr(vec![Reply::Nil, Reply::Nil, Reply::Nil, Reply::Int(1), arr(vec![b("q"), b("a")])])
    );
    assert!(started.elapsed() < Duration::from_secs(5), "EXEC waited");
}

#[test]
fn exec_that_pushes_serves_a_blocked_client() {
    let (_s, addr) = server();
    let mut waiter = Client::connect(addr);
    let mut c = Client::connect(addr);
    send(&mut waiter, &["BLPOP", "q", "0"]);
    settle();
    assert_eq!(c.cmd(&["MULTI"]), Reply::Simple("OK".into()));
    assert_eq!(c.cmd(&["RPUSH", "q", "x"]), Reply::Simple("QUEUED".into()));
    assert_eq!(c.cmd(&["EXEC"]), arr(vec![Reply::Int(1)]));
    assert_eq!(waiter.read().unwrap(), arr(vec![b("q"), b("x")]));
}

#[test]
fn a_blocked_client_that_disconnects_takes_nothing() {
    let (_s, addr) = server();
    let mut gone = Client::connect(addr);
    let mut waiter = Client::connect(addr);
    let mut pusher = Client::connect(addr);
    send(&mut gone, &["BLPOP", "q", "0"]);
    settle();
    send(&mut waiter, &["BLPOP", "q", "0"]);
    settle();
    drop(gone);
    settle();
    assert_eq!(pusher.cmd(&["RPUSH", "q", "a", "b"]), Reply::Int(2));
    // The first blocked client is gone: the second gets the first element, one is left.
    assert_eq!(waiter.read().unwrap(), arr(vec![b("q"), b("a")]));
    assert_eq!(pusher.cmd(&["LRANGE", "q", "0", "-1"]), arr(vec![b("b")]));
    // And with nobody left waiting, a push stays in the list.
    let mut gone = Client::connect(addr);
    send(&mut gone, &["BLPOP", "fresh", "0"]);
    settle();
    drop(gone);
    settle();
    assert_eq!(pusher.cmd(&["RPUSH", "fresh", "kept"]), Reply::Int(1));
    assert_eq!(pusher.cmd(&["LRANGE", "fresh", "0", "-1"]), arr(vec![b("kept")]));
}
