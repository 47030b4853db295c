//! The blocking pops over real TCP connections: woken by another client's write, served in the
//! order clients blocked, timeouts (only a lower bound on the time is checked), BLMOVE,
//! BZPOPMIN woken by ZADD, BLMPOP and BZMPOP, no blocking inside MULTI, a blocked client that
//! disconnects taking nothing, other clients served meanwhile, and INFO's count of blocked
//! clients.

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

/// Reads the next reply's bytes, which must be `expected` exactly.
fn read_raw(c: &mut Client, expected: &[u8]) {
    let mut got = vec![0u8; expected.len()];
    std::io::Read::read_exact(c.reader_mut(), &mut got).unwrap();
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(expected));
}

/// `[key, [elements]]`, BLMPOP's reply.
fn popped(key: &str, elements: &[&str]) -> Reply {
    arr(vec![b(key), arr(elements.iter().map(|e| b(e)).collect())])
}

/// `[key, [[member, score], ...]]`, BZMPOP's reply in RESP2.
fn zpopped(key: &str, pairs: &[(&str, &str)]) -> Reply {
    arr(vec![b(key), arr(pairs.iter().map(|(m, s)| arr(vec![b(m), b(s)])).collect())])
}

#[test]
fn blmpop_serves_blocked_clients_in_order_each_up_to_its_count() {
    let (_s, addr) = server();
    let mut first = Client::connect(addr);
    let mut second = Client::connect(addr);
    let mut third = Client::connect(addr);
    let mut pusher = Client::connect(addr);
    send(&mut first, &["BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "2"]);
    settle();
    send(&mut second, &["BLMPOP", "0", "1", "b", "RIGHT"]);
    settle();
    send(&mut third, &["BLMPOP", "0", "2", "b", "a", "LEFT", "COUNT", "5"]);
    settle();
    // One push serves all three, in the order they blocked.
    assert_eq!(pusher.cmd(&["RPUSH", "b", "1", "2", "3", "4"]), Reply::Int(4));
    assert_eq!(first.read().unwrap(), popped("b", &["1", "2"]));
    assert_eq!(second.read().unwrap(), popped("b", &["4"]));
    assert_eq!(third.read().unwrap(), popped("b", &["3"]));
    assert_eq!(pusher.cmd(&["EXISTS", "b"]), Reply::Int(0));
    // Something there already: no blocking, the first key with elements in order.
    assert_eq!(pusher.cmd(&["RPUSH", "a", "x"]), Reply::Int(1));
    assert_eq!(pusher.cmd(&["RPUSH", "b", "y"]), Reply::Int(1));
    assert_eq!(first.cmd(&["BLMPOP", "0", "3", "none", "b", "a", "RIGHT"]), popped("b", &["y"]));
    // A push to a list nobody waits for stays there; one to the second key waited for serves.
    send(&mut first, &["BLMPOP", "5", "2", "p", "q", "LEFT"]);
    settle();
    assert_eq!(pusher.cmd(&["LPUSH", "other", "o"]), Reply::Int(1));
    assert_eq!(pusher.cmd(&["LPUSH", "q", "v"]), Reply::Int(1));
    assert_eq!(first.read().unwrap(), popped("q", &["v"]));
    assert_eq!(pusher.cmd(&["LRANGE", "other", "0", "-1"]), arr(vec![b("o")]));
}

#[test]
fn bzmpop_is_woken_by_zadd_and_skips_keys_of_another_type_while_blocked() {
    let (_s, addr) = server();
    let mut waiter = Client::connect(addr);
    let mut writer = Client::connect(addr);
    send(&mut waiter, &["BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "2"]);
    settle();
    assert_eq!(writer.cmd(&["ZADD", "z2", "1", "a", "2", "b", "3", "c"]), Reply::Int(3));
    assert_eq!(waiter.read().unwrap(), zpopped("z2", &[("c", "3"), ("b", "2")]));
    assert_eq!(waiter.cmd(&["BZMPOP", "0", "1", "z2", "MIN"]), zpopped("z2", &[("a", "1")]));
    // A list pushed to a key it waits on does not serve it: the next key does.
    send(&mut waiter, &["BZMPOP", "0", "2", "k", "z3", "MIN"]);
    settle();
    assert_eq!(writer.cmd(&["RPUSH", "k", "x"]), Reply::Int(1));
    settle();
    assert_eq!(writer.cmd(&["ZADD", "z3", "7", "m"]), Reply::Int(1));
    assert_eq!(waiter.read().unwrap(), zpopped("z3", &[("m", "7")]));
    assert_eq!(writer.cmd(&["LRANGE", "k", "0", "-1"]), arr(vec![b("x")]));
    // And a BLMPOP likewise skips a sorted set.
    send(&mut waiter, &["BLMPOP", "0", "2", "z4", "l", "LEFT"]);
    settle();
    assert_eq!(writer.cmd(&["ZADD", "z4", "1", "m"]), Reply::Int(1));
    settle();
    assert_eq!(writer.cmd(&["RPUSH", "l", "e"]), Reply::Int(1));
    assert_eq!(waiter.read().unwrap(), popped("l", &["e"]));
}

#[test]
fn a_served_bzmpop_answers_in_its_own_protocol() {
    let (_s, addr) = server();
    let mut waiter = Client::connect(addr);
    let mut writer = Client::connect(addr);
    assert!(matches!(waiter.cmd(&["HELLO", "3"]), Reply::Map(_)));
    send(&mut waiter, &["BZMPOP", "0", "1", "z", "MIN", "COUNT", "2"]);
    settle();
    assert_eq!(writer.cmd(&["ZADD", "z", "1.5", "m", "-inf", "low", "9", "top"]), Reply::Int(3));
    read_raw(&mut waiter, b"*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$3\r\nlow\r\n,-inf\r\n*2\r\n$1\r\nm\r\n,1.5\r\n");
    send(&mut waiter, &["BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "2"]);
    settle();
    assert_eq!(writer.cmd(&["RPUSH", "l", "a", "b", "c"]), Reply::Int(3));
    read_raw(&mut waiter, b"*2\r\n$1\r\nl\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n");
}

#[test]
fn blmpop_and_bzmpop_time_out_with_a_null() {
    let (_s, addr) = server();
    let mut c = Client::connect(addr);
    let started = Instant::now();
    send(&mut c, &["BLMPOP", "0.3", "2", "q", "r", "LEFT"]);
    read_raw(&mut c, b"*-1\r\n");
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    let started = Instant::now();
    send(&mut c, &["BZMPOP", "0.2", "1", "z", "MAX", "COUNT", "3"]);
    read_raw(&mut c, b"*-1\r\n");
    assert!(started.elapsed() >= Duration::from_millis(200), "{:?}", started.elapsed());
    assert!(matches!(c.cmd(&["HELLO", "3"]), Reply::Map(_)));
    send(&mut c, &["BLMPOP", "0.1", "1", "q", "RIGHT"]);
    read_raw(&mut c, b"_\r\n");
    send(&mut c, &["BZMPOP", "0.1", "1", "z", "MIN"]);
    read_raw(&mut c, b"_\r\n");
    // Nothing was left behind: a push afterwards stays in the list.
    assert_eq!(c.cmd(&["RPUSH", "q", "kept"]), Reply::Int(1));
    assert_eq!(c.cmd(&["LLEN", "q"]), Reply::Int(1));
}

#[test]
fn blmpop_and_bzmpop_refuse_bad_arguments() {
    let (_s, addr) = server();
    let mut c = Client::connect(addr);
    let numkeys = "ERR numkeys should be greater than 0";
    let count = "ERR count should be greater than 0";
    assert_eq!(c.cmd(&["BLMPOP", "0", "0", "q", "LEFT"]).err_text(), numkeys);
    assert_eq!(c.cmd(&["BLMPOP", "0", "x", "q", "LEFT"]).err_text(), numkeys);
    assert_eq!(c.cmd(&["BZMPOP", "0", "-1", "z", "MIN"]).err_text(), numkeys);
    assert_eq!(c.cmd(&["BLMPOP", "0", "1", "q", "MIN"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["BLMPOP", "0", "3", "q", "r", "LEFT"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["BLMPOP", "0", "1", "q", "LEFT", "COUNT"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["BZMPOP", "0", "1", "z", "LEFT"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["BZMPOP", "0", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"]).err_text(), "ERR syntax error");
    assert_eq!(c.cmd(&["BLMPOP", "0", "1", "q", "LEFT", "COUNT", "0"]).err_text(), count);
    assert_eq!(c.cmd(&["BZMPOP", "0", "1", "z", "MAX", "COUNT", "-2"]).err_text(), count);
    assert_eq!(c.cmd(&["BLMPOP", "x", "1", "q", "LEFT"]).err_text(), "ERR timeout is not a float or out of range");
    assert_eq!(c.cmd(&["BZMPOP", "-1", "1", "z", "MIN"]).err_text(), "ERR timeout is negative");
    assert_eq!(c.cmd(&["BLMPOP", "0", "1", "q"]).err_text(), "ERR wrong number of arguments for 'blmpop' command");
    assert_eq!(c.cmd(&["BZMPOP", "0", "1", "z"]).err_text(), "ERR wrong number of arguments for 'bzmpop' command");
    assert_eq!(c.cmd(&["SET", "s", "v"]), Reply::Simple("OK".into()));
    assert!(c.cmd(&["BLMPOP", "0", "2", "q", "s", "LEFT"]).err_text().starts_with("WRONGTYPE"));
    assert!(c.cmd(&["BZMPOP", "0", "1", "s", "MAX"]).err_text().starts_with("WRONGTYPE"));
    // Nobody was left blocked by a refused command.
    assert_eq!(info_field(&mut c, "clients", "blocked_clients"), "0");
}

#[test]
fn inside_multi_blmpop_and_bzmpop_answer_at_once() {
    let (_s, addr) = server();
    let mut c = Client::connect(addr);
    let queued = || Reply::Simple("QUEUED".into());
    assert_eq!(c.cmd(&["MULTI"]), Reply::Simple("OK".into()));
    assert_eq!(c.cmd(&["BLMPOP", "0", "1", "q", "LEFT"]), queued());
    assert_eq!(c.cmd(&["BZMPOP", "0", "1", "z", "MIN"]), queued());
    assert_eq!(c.cmd(&["RPUSH", "q", "a", "b"]), queued());
    assert_eq!(c.cmd(&["ZADD", "z", "1", "m"]), queued());
    assert_eq!(c.cmd(&["BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "5"]), queued());
    assert_eq!(c.cmd(&["BZMPOP", "0", "1", "z", "MIN"]), queued());
    let started = Instant::now();
    assert_eq!(
        c.cmd(&["EXEC"]),
        arr(vec![
            Reply::Nil,
            Reply::Nil,
            Reply::Int(2),
            Reply::Int(1),
            popped("q", &["b", "a"]),
            zpopped("z", &[("m", "1")])
        ])
    );
    assert!(started.elapsed() < Duration::from_secs(5), "EXEC waited");
    // The nils are null arrays, as outside MULTI.
    assert_eq!(c.cmd(&["MULTI"]), Reply::Simple("OK".into()));
    assert_eq!(c.cmd(&["BLMPOP", "0", "1", "q", "LEFT"]), queued());
    send(&mut c, &["EXEC"]);
    read_raw(&mut c, b"*1\r\n*-1\r\n");
}

/// One field of `INFO section`.
fn info_field(c: &mut Client, section: &str, field: &str) -> String {
    let Reply::Bulk(text) = c.cmd(&["INFO", section]) else { panic!("INFO is a bulk string") };
    let text = String::from_utf8(text).unwrap();
    let prefix = format!("{field}:");
    let line = text.split("\r\n").find(|l| l.starts_with(&prefix));
    line.unwrap_or_else(|| panic!("INFO {section} has no {field}: {text}"))[prefix.len()..].to_string()
}

/// Waits until INFO's `field` reads `want` (a disconnect is noticed by the server a little later).
fn wait_info(c: &mut Client, section: &str, field: &str, want: &str) {
    let until = Instant::now() + Duration::from_secs(10);
    while info_field(c, section, field) != want {
        assert!(Instant::now() < until, "{field} stayed {}", info_field(c, section, field));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn info_counts_blocked_clients_and_the_keys_they_wait_for() {
    let (_s, addr) = server();
    let mut c = Client::connect(addr);
    let mut first = Client::connect(addr);
    let mut second = Client::connect(addr);
    let counts =
        |c: &mut Client| (info_field(c, "clients", "blocked_clients"), info_field(c, "clients", "total_blocking_keys"));
    let n = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(counts(&mut c), n("0", "0"));
    send(&mut first, &["BLPOP", "a", "b", "0"]);
    settle();
    assert_eq!(counts(&mut c), n("1", "2"));
    send(&mut second, &["BZMPOP", "0", "2", "b", "z", "MIN"]);
    settle();
    assert_eq!(counts(&mut c), n("2", "3"), "a and b for the first, b and z for the second");
    assert_eq!(c.cmd(&["RPUSH", "a", "x"]), Reply::Int(1));
    assert_eq!(first.read().unwrap(), arr(vec![b("a"), b("x")]));
    assert_eq!(counts(&mut c), n("1", "2"));
    assert_eq!(c.cmd(&["ZADD", "z", "1", "m"]), Reply::Int(1));
    assert_eq!(second.read().unwrap(), zpopped("z", &[("m", "1")]));
    assert_eq!(counts(&mut c), n("0", "0"));
    // A timeout and a disconnect unblock too.
    assert_eq!(first.cmd(&["BLMPOP", "0.1", "1", "q", "LEFT"]), Reply::Nil);
    assert_eq!(counts(&mut c), n("0", "0"));
    send(&mut second, &["BRPOP", "q", "0"]);
    settle();
    assert_eq!(counts(&mut c), n("1", "1"));
    drop(second);
    wait_info(&mut c, "clients", "blocked_clients", "0");
    assert_eq!(counts(&mut c), n("0", "0"));
    assert_eq!(info_field(&mut c, "clients", "total_blocking_keys_on_nokey"), "0");
}
