//! Hostile and careless clients: garbage bytes, truncated frames, huge declared lengths, too
//! many clients, clients that never read, idle clients, and the caps before AUTH. The server
//! must answer with an error (or close) and keep serving everyone else, without allocating what
//! a request merely declares.

mod support;

use std::time::{Duration, Instant};

use scalodb_server::{Limits, ServerConfig};
use support::{start, Client, Reply};

/// Tests that measure memory run one at a time (the other tests of this file allocate too, but
/// far less than the bounds checked).
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Resident memory of this process (the server runs in it), in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

fn still_serves(addr: std::net::SocketAddr) {
    let mut c = Client::connect(addr);
    assert_eq!(c.cmd(&["PING"]), Reply::Simple("PONG".into()));
}

#[test]
fn garbage_and_truncated_frames_never_break_the_server() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    // A fixed pseudo-random sequence, so a failure can be replayed.
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for round in 0..200 {
        let mut c = Client::connect(addr);
        let len = 1 + (round * 37) % 300;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x as u8);
        }
        if round % 3 == 0 {
            bytes.insert(0, b'*');
        } else if round % 3 == 1 {
            bytes.splice(0..0, b"*2\r\n$3\r\nGET\r\n$".iter().copied());
        }
        let _ = c.send_raw(&bytes);
        drop(c);
    }
    for truncated in [&b"*3\r\n$3\r\nSET\r\n$1\r\nk"[..], b"*2\r\n$3\r\nGE", b"*", b"*1\r\n$5\r\nhel"] {
        let mut c = Client::connect(addr);
        c.send_raw(truncated).unwrap();
    }
    still_serves(addr);
}

#[test]
fn malformed_requests_get_protocol_errors_and_are_closed() {
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let cases: [(&[u8], &str); 5] = [
        (b"*99999999999\r\n", "ERR Protocol error: invalid multibulk length"),
        (b"*1\r\n$99999999999\r\n", "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n$-3\r\n", "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n+GET\r\n", "ERR Protocol error: expected '$', got '+'"),
        (b"SET \"unbalanced\r\n", "ERR Protocol error: unbalanced quotes in request"),
    ];
    for (req, expected) in cases {
        let mut c = Client::connect(addr);
        c.send_raw(req).unwrap();
        assert_eq!(c.read(), Some(Reply::Error(expected.into())), "{}", String::from_utf8_lossy(req));
        assert!(c.closed_by_server());
    }
    still_serves(addr);
}

#[test]
fn declared_lengths_are_not_allocated() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let server = start(ServerConfig::default());
    let before = rss();
    let mut clients = Vec::new();
    // Twenty clients each declare a 60 MiB argument (under the cap) and send ten bytes of it.
    for _ in 0..20 {
        let mut c = Client::connect(server.local_addr());
        c.send_raw(b"*2\r\n$3\r\nSET\r\n$62914560\r\n0123456789").unwrap();
        clients.push(c);
    }
    still_serves(server.local_addr());
    std::thread::sleep(Duration::from_millis(200));
    let grown = rss().saturating_sub(before);
    assert!(grown < 64 << 20, "memory grew by {grown} bytes for 20 × 60 MiB declared");
}

#[test]
fn a_client_that_never_reads_cannot_grow_server_memory() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let server = start(ServerConfig::default());
    let addr = server.local_addr();
    let mut setter = Client::connect(addr);
    let value = "v".repeat(1 << 20);
    assert_eq!(setter.cmd(&["SET", "big", &value]), Reply::Simple("OK".into()));
    let before = rss();
    let mut lazy = Client::connect(addr);
    // 2000 GETs of 1 MiB = 2 GiB of replies, never read.
    let get = support::encode(&[b"GET", b"big"]);
    let mut pipeline = Vec::new();
    for _ in 0..2000 {
        pipeline.extend_from_slice(&get);
    }
    let writer = std::thread::spawn(move || {
        let _ = lazy.send_raw(&pipeline);
        lazy
    });
    std::thread::sleep(Duration::from_millis(1500));
    let grown = rss().saturating_sub(before);
    assert!(grown < 256 << 20, "memory grew by {grown} bytes for a client that does not read");
    still_serves(addr);
    server.stop().unwrap();
    drop(writer.join().unwrap());
}

#[test]
fn max_conns_refuses_the_next_client() {
    let server = start(ServerConfig { max_conns: 2, ..ServerConfig::default() });
    let addr = server.local_addr();
    let mut a = Client::connect(addr);
    let mut b = Client::connect(addr);
    assert_eq!(a.cmd(&["PING"]), Reply::Simple("PONG".into()));
    assert_eq!(b.cmd(&["PING"]), Reply::Simple("PONG".into()));
    let mut c = Client::connect(addr);
    assert_eq!(c.read(), Some(Reply::Error("ERR max number of clients reached".into())));
    assert!(c.closed_by_server());
    drop(a);
    // The freed slot is given back once the server sees the disconnect.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut d = Client::connect(addr);
        d.send_raw(&support::encode(&[b"PING"])).unwrap();
        match d.read() {
            Some(Reply::Simple(p)) if p == "PONG" => break,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            other => panic!("slot not freed: {other:?}"),
        }
    }
}

#[test]
fn idle_clients_are_closed() {
    let config = ServerConfig { idle_timeout: Some(Duration::from_millis(200)), ..ServerConfig::default() };
    let server = start(config);
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["PING"]), Reply::Simple("PONG".into()));
    std::thread::sleep(Duration::from_millis(500));
    assert!(c.closed_by_server());
}

#[test]
fn password_gates_commands_and_caps_requests_before_auth() {
    let config = ServerConfig { password: Some("s3cret".into()), ..ServerConfig::default() };
    let server = start(config);
    let addr = server.local_addr();
    let mut c = Client::connect(addr);
    assert_eq!(c.cmd(&["GET", "k"]).err_text(), "NOAUTH Authentication required.");
    assert_eq!(c.cmd(&["AUTH", "wrong"]).err_text(), "WRONGPASS invalid username-password pair or user is disabled.");
    assert_eq!(c.cmd(&["AUTH", "default", "s3cret"]), Reply::Simple("OK".into()));
    assert_eq!(c.cmd(&["SET", "k", "v"]), Reply::Simple("OK".into()));

    let mut h = Client::connect(addr);
    assert!(h.cmd(&["HELLO", "3"]).err_text().starts_with("NOAUTH"));
    assert!(matches!(h.cmd(&["HELLO", "3", "AUTH", "default", "s3cret"]), Reply::Map(_)));

    // Before AUTH, 11 arguments or a 17 KiB argument are refused outright.
    let mut big = Client::connect(addr);
    big.send_raw(b"*11\r\n").unwrap();
    assert_eq!(big.read(), Some(Reply::Error("ERR Protocol error: invalid multibulk length".into())));
    let mut long = Client::connect(addr);
    long.send_raw(format!("*2\r\n$4\r\nAUTH\r\n${}\r\n", 17 * 1024).as_bytes()).unwrap();
    assert_eq!(long.read(), Some(Reply::Error("ERR Protocol error: invalid bulk length".into())));
    // After AUTH the full caps apply.
    let many: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
    let mut args = vec!["DEL", "k"];
    args.extend(many.iter().map(String::as_str));
    assert_eq!(c.cmd(&args), Reply::Int(1));
}

#[test]
fn custom_caps_apply() {
    let limits = Limits { max_args: 3, max_bulk_len: 10, ..Limits::default() };
    let server = start(ServerConfig { limits, ..ServerConfig::default() });
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["SET", "k", "0123456789"]), Reply::Simple("OK".into()));
    c.send_raw(&support::encode(&[b"SET", b"k", b"01234567890"])).unwrap();
    assert_eq!(c.read(), Some(Reply::Error("ERR Protocol error: invalid bulk length".into())));
    let mut d = Client::connect(server.local_addr());
    d.send_raw(&support::encode(&[b"MSET", b"a", b"1", b"b", b"2"])).unwrap();
    assert_eq!(d.read(), Some(Reply::Error("ERR Protocol error: invalid multibulk length".into())));
}
