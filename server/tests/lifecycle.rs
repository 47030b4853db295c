//! Starting and stopping: port 0, graceful stop with clients connected and a pipeline in flight,
//! `wait` from another thread, and a restart that recovers every acknowledged write.

mod support;

use std::time::Duration;

use scalodb::{Db, Options, SyncMode};
use scalodb_server::{Server, ServerConfig};
use support::{start_on, Client, Reply};

#[test]
fn stop_answers_what_was_received_and_restart_recovers_acknowledged_writes() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { sync: SyncMode::Interval(Duration::from_secs(1)), ..Options::default() };
    let db = Db::open_with(dir.path(), opts.clone()).unwrap();
    let server = start_on(db.clone(), ServerConfig::default());
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);

    let mut idle = Client::connect(addr);
    assert_eq!(idle.cmd(&["PING"]), Reply::Simple("PONG".into()));
    let mut c = Client::connect(addr);
    for i in 0..200 {
        assert_eq!(c.cmd(&["SET", &format!("acked:{i}"), "v"]), Reply::Simple("OK".into()));
    }
    // A pipeline in flight when the stop begins.
    let mut pipeline = Vec::new();
    for i in 0..2000 {
        pipeline.extend(support::encode(&[b"SET", format!("p:{i}").as_bytes(), b"v"]));
    }
    c.send_raw(&pipeline).unwrap();
    let server = std::sync::Arc::new(server);
    let waiter = {
        let s = server.clone();
        std::thread::spawn(move || s.wait())
    };
    std::thread::sleep(Duration::from_millis(50));
    server.stop().unwrap();
    waiter.join().unwrap();
    let mut acked = 0;
    while let Some(r) = c.read() {
        assert_eq!(r, Reply::Simple("OK".into()));
        acked += 1;
    }
    assert!(idle.closed_by_server(), "stop closes idle connections");
    assert!(std::net::TcpStream::connect(addr).is_err(), "stop stops accepting");
    db.close().unwrap();

    let db = Db::open_with(dir.path(), opts).unwrap();
    for i in 0..200 {
        assert!(db.contains(format!("acked:{i}")).unwrap());
    }
    for i in 0..acked {
        assert!(db.contains(format!("p:{i}")).unwrap(), "acknowledged write p:{i} lost");
    }
    // The same directory serves again.
    let server = Server::start(db, ServerConfig { addr: "127.0.0.1:0".into(), ..ServerConfig::default() }).unwrap();
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["GET", "acked:0"]), Reply::bulk("v"));
    server.stop().unwrap();
    server.stop().unwrap();
}

#[test]
fn a_busy_address_is_an_error() {
    let first = start_on(Db::memory(), ServerConfig::default());
    let addr = first.local_addr().to_string();
    let second = Server::start(Db::memory(), ServerConfig { addr, ..ServerConfig::default() });
    assert!(matches!(second, Err(scalodb::Error::Io { .. })));
}

#[test]
fn the_handle_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<scalodb_server::ServerHandle>();
}

#[test]
fn serves_a_unix_socket_and_cleans_it_up() {
    use std::io::{Read, Write};
    use std::os::unix::net::{UnixListener, UnixStream};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scalodb.sock");
    // A socket file left by a killed server (nobody listens on it) is replaced.
    drop(UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let config = ServerConfig { addr: "127.0.0.1:0".into(), unix_socket: Some(path.clone()), ..Default::default() };
    let db = Db::memory();
    let server = Server::start(db.clone(), config.clone()).unwrap();

    let mut s = UnixStream::connect(&path).unwrap();
    s.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\nu\r\n$2\r\nv1\r\nPING\r\n").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while got.len() < 12 {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "the server closed the Unix connection");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(&got[..], b"+OK\r\n+PONG\r\n");
    assert_eq!(db.get("u").unwrap().as_deref(), Some(&b"v1"[..]));
    // TCP still works beside it, and a second server cannot take a live socket.
    let mut c = Client::connect(server.local_addr());
    assert_eq!(c.cmd(&["GET", "u"]), Reply::bulk("v1"));
    let err = Server::start(Db::memory(), config).err().expect("the socket is in use");
    assert!(err.to_string().contains("scalodb.sock"), "{err}");

    drop(s);
    server.stop().unwrap();
    assert!(!path.exists(), "stop removes the socket file");

    // A path that is not a socket is never removed.
    std::fs::write(&path, b"data").unwrap();
    let config = ServerConfig { addr: "127.0.0.1:0".into(), unix_socket: Some(path.clone()), ..Default::default() };
    let err = Server::start(Db::memory(), config).err().expect("a regular file is refused");
    assert!(err.to_string().contains("not a socket"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"data");
}

#[test]
fn a_closed_store_cannot_be_served() {
    let db = Db::memory();
    db.close().unwrap();
    let err = Server::start(db, ServerConfig { addr: "127.0.0.1:0".into(), ..Default::default() }).err();
    assert!(matches!(err, Some(scalodb::Error::Closed)), "{err:?}");
}
