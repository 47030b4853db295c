//! `scalodb serve` under many clients for a long time: 500 connections (one thread each, raw
//! RESP) send pipelined SETs, DELs and GETs on keys they own and keep a model of what the server
//! acknowledged. Every third round is a deep pipeline of plain SETs (which the server commits as
//! one batch), and every third an MSET plus a pipeline of INCRs on the connection's counters: the
//! writes that retire many versions per commit. Reads are checked as they go; at the end every connection reads back all its keys,
//! the server is stopped with SIGTERM, started again on the same directory, and every key is read
//! back once more: zero acknowledged SETs may be lost. The server's RSS and `used_memory` are
//! sampled throughout and must stay flat over the second half.
//!
//! `SOAK_SERVER_SECONDS` (20 by default; `make soak` runs more) and `SOAK_CONNECTIONS` (500) set
//! the size. The server binary is `SCALODB_BIN`, else `scalodb` beside this test's build, built
//! with cargo if it is missing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scalodb_crash_tests::soak::{assert_flat, mib, number_from_env, rss_bytes, seconds_from_env, Rng};

const KEYS_PER_CONN: u64 = 100;
const PIPELINE: usize = 8;
/// SETs in a deep-pipeline round, and keys per MSET and INCRs per counter round.
const DEEP_PIPELINE: usize = 32;
const MSET_KEYS: usize = 8;
const COUNTERS: u64 = 4;

fn conn_keys(c: u64) -> Vec<Vec<u8>> {
    let plain = (0..KEYS_PER_CONN).map(|k| format!("c{c:03}:k{k:03}").into_bytes());
    plain.chain((0..COUNTERS).map(|k| format!("c{c:03}:n{k}").into_bytes())).collect()
}
const SAMPLES: u32 = 30;

/// The `scalodb` binary: `SCALODB_BIN`, or the one in this test's target directory.
fn server_binary() -> PathBuf {
    if let Ok(p) = std::env::var("SCALODB_BIN") {
        return PathBuf::from(p);
    }
    // target/<profile>/deps/soak_server-<hash> -> target/<profile>/scalodb
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
    let bin = profile_dir.join("scalodb");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-p", "scalodb-cli"]);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo to build the scalodb binary");
        assert!(status.success(), "building scalodb-cli failed");
    }
    assert!(bin.exists(), "no scalodb binary at {}; set SCALODB_BIN", bin.display());
    bin
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(bin: &Path, dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = format!("127.0.0.1:{port}");
        let mut child = Command::new(bin)
            .args(["serve", "--addr", &addr, "--max-conns", "1000", "--dir"])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start scalodb serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("scalodb serve exited before it was ready").unwrap();
            if line.contains("serving") {
                break;
            }
        }
        // Keep reading, so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// SIGTERM, as an operator stops it: every acknowledged write must be on disk after.
    fn stop(mut self) {
        // SAFETY: kill(2) on the pid of a child we spawned and have not reaped.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let status = self.child.wait().unwrap();
        assert!(status.success(), "scalodb serve exited with {status} after SIGTERM");
    }
}

/// One RESP connection.
struct Conn {
    out: TcpStream,
    input: BufReader<TcpStream>,
}

#[derive(Debug, PartialEq)]
enum Reply {
    Simple(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
}

impl Conn {
    fn connect(addr: &str) -> Conn {
        let mut tries = 0;
        let s = loop {
            match TcpStream::connect(addr) {
                Ok(s) => break s,
                // 500 connects at once can overflow the listen backlog for a moment.
                Err(_) if tries < 50 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("connecting to {addr}: {e}"),
            }
        };
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s.set_nodelay(true).unwrap();
        Conn { out: s.try_clone().unwrap(), input: BufReader::new(s) }
    }

    fn encode(buf: &mut Vec<u8>, args: &[&[u8]]) {
        buf.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in args {
            buf.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            buf.extend_from_slice(a);
            buf.extend_from_slice(b"\r\n");
        }
    }

    fn send(&mut self, buf: &[u8]) {
        self.out.write_all(buf).expect("sending to the server");
    }

    fn reply(&mut self) -> Reply {
        let mut line = String::new();
        self.input.read_line(&mut line).expect("reading a reply");
        let line = line.trim_end();
        match line.as_bytes().first() {
            Some(b'+') => Reply::Simple(line[1..].to_string()),
            Some(b':') => Reply::Int(line[1..].parse().unwrap()),
            Some(b'$') => {
                let n: i64 = line[1..].parse().unwrap();
                if n < 0 {
                    return Reply::Bulk(None);
                }
                let mut v = vec![0u8; n as usize + 2];
                self.input.read_exact(&mut v).expect("reading a bulk reply");
                v.truncate(n as usize);
                Reply::Bulk(Some(v))
            }
            _ => panic!("unexpected reply from the server: {line:?}"),
        }
    }

    fn command(&mut self, args: &[&[u8]]) -> Reply {
        let mut buf = Vec::new();
        Conn::encode(&mut buf, args);
        self.send(&buf);
        self.reply()
    }
}

/// Reads back every key of `model` on `conn`, pipelined; returns how many are missing or wrong.
fn read_back(conn: &mut Conn, keys: &[Vec<u8>], model: &HashMap<Vec<u8>, Vec<u8>>) -> u64 {
    let mut bad = 0;
    for chunk in keys.chunks(50) {
        let mut buf = Vec::new();
        for k in chunk {
            Conn::encode(&mut buf, &[b"GET", k]);
        }
        conn.send(&buf);
        for k in chunk {
            let got = conn.reply();
            if got != Reply::Bulk(model.get(k).cloned()) {
                eprintln!("MISMATCH {}: got {got:?}", String::from_utf8_lossy(k));
                bad += 1;
            }
        }
    }
    bad
}

#[derive(Default)]
struct Counts {
    sets: u64,
    dels: u64,
    gets_checked: u64,
    lost: u64,
}

fn client(addr: String, c: u64, deadline: Instant, acked: Arc<AtomicU64>) -> (HashMap<Vec<u8>, Vec<u8>>, Counts) {
    let mut conn = Conn::connect(&addr);
    let mut rng = Rng::new(c + 1000);
    let mut model: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    let mut counts = Counts::default();
    let mut n = 0u64;
    let mut round = 0u64;
    let mut buf = Vec::new();
    while Instant::now() < deadline {
        round += 1;
        match round % 3 {
            1 => deep_pipeline_round(&mut conn, &mut rng, c, &mut n, &mut model, &mut counts, &acked),
            2 => mset_and_incr_round(&mut conn, &mut rng, c, &mut n, &mut model, &mut counts, &acked),
            _ => {}
        }
        // A pipeline of SETs and DELs; the model changes only when the replies come back.
        buf.clear();
        let mut sent = Vec::with_capacity(PIPELINE);
        for _ in 0..PIPELINE {
            n += 1;
            let key = format!("c{c:03}:k{:03}", rng.below(KEYS_PER_CONN)).into_bytes();
            if rng.below(10) == 0 {
                Conn::encode(&mut buf, &[b"DEL", &key]);
                sent.push((key, None));
            } else {
                let mut v = format!("v{c}-{n}-").into_bytes();
                v.resize(50 + rng.below(100) as usize, b'x');
                Conn::encode(&mut buf, &[b"SET", &key, &v]);
                sent.push((key, Some(v)));
            }
        }
        conn.send(&buf);
        for (key, v) in sent {
            let r = conn.reply();
            match v {
                Some(v) => {
                    assert_eq!(r, Reply::Simple("OK".into()), "SET {}", String::from_utf8_lossy(&key));
                    model.insert(key, v);
                    counts.sets += 1;
                }
                None => {
                    let was = model.remove(&key).is_some();
                    if r != Reply::Int(i64::from(was)) {
                        eprintln!("MISMATCH DEL {}: {r:?}, model had it: {was}", String::from_utf8_lossy(&key));
                        counts.lost += 1;
                    }
                    counts.dels += 1;
                }
            }
        }
        acked.fetch_add(PIPELINE as u64, Ordering::Relaxed);
        let key = format!("c{c:03}:k{:03}", rng.below(KEYS_PER_CONN)).into_bytes();
        let got = conn.command(&[b"GET", &key]);
        if got != Reply::Bulk(model.get(&key).cloned()) {
            eprintln!("MISMATCH GET {}: {got:?}", String::from_utf8_lossy(&key));
            counts.lost += 1;
        }
        counts.gets_checked += 1;
    }
    counts.lost += read_back(&mut conn, &conn_keys(c), &model);
    (model, counts)
}

/// `DEEP_PIPELINE` plain SETs sent at once.
fn deep_pipeline_round(
    conn: &mut Conn,
    rng: &mut Rng,
    c: u64,
    n: &mut u64,
    model: &mut HashMap<Vec<u8>, Vec<u8>>,
    counts: &mut Counts,
    acked: &AtomicU64,
) {
    let mut buf = Vec::new();
    let mut sent = Vec::with_capacity(DEEP_PIPELINE);
    for _ in 0..DEEP_PIPELINE {
        *n += 1;
        let key = format!("c{c:03}:k{:03}", rng.below(KEYS_PER_CONN)).into_bytes();
        let mut v = format!("d{c}-{n}-").into_bytes();
        v.resize(50 + rng.below(100) as usize, b'y');
        Conn::encode(&mut buf, &[b"SET", &key, &v]);
        sent.push((key, v));
    }
    conn.send(&buf);
    for (key, v) in sent {
        assert_eq!(conn.reply(), Reply::Simple("OK".into()), "SET {}", String::from_utf8_lossy(&key));
        model.insert(key, v);
        counts.sets += 1;
    }
    acked.fetch_add(DEEP_PIPELINE as u64, Ordering::Relaxed);
}

/// One MSET of `MSET_KEYS` keys and, in the same pipeline, an INCR of each counter twice.
fn mset_and_incr_round(
    conn: &mut Conn,
    rng: &mut Rng,
    c: u64,
    n: &mut u64,
    model: &mut HashMap<Vec<u8>, Vec<u8>>,
    counts: &mut Counts,
    acked: &AtomicU64,
) {
    *n += 1;
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = (0..MSET_KEYS)
        .map(|j| {
            (format!("c{c:03}:k{:03}", rng.below(KEYS_PER_CONN)).into_bytes(), format!("m{c}-{n}-{j}").into_bytes())
        })
        .collect();
    let mut args: Vec<&[u8]> = vec![b"MSET"];
    for (k, v) in &pairs {
        args.push(k);
        args.push(v);
    }
    let mut buf = Vec::new();
    Conn::encode(&mut buf, &args);
    let counters: Vec<Vec<u8>> = (0..2 * COUNTERS).map(|k| format!("c{c:03}:n{}", k % COUNTERS).into_bytes()).collect();
    for k in &counters {
        Conn::encode(&mut buf, &[b"INCR", k]);
    }
    conn.send(&buf);
    assert_eq!(conn.reply(), Reply::Simple("OK".into()), "MSET");
    // MSET writes its pairs in order: a key given twice keeps its last value.
    for (k, v) in pairs {
        model.insert(k, v);
        counts.sets += 1;
    }
    for k in counters {
        let before: i64 = model.get(&k).map_or(0, |v| String::from_utf8_lossy(v).parse().unwrap());
        let r = conn.reply();
        if r != Reply::Int(before + 1) {
            eprintln!("MISMATCH INCR {}: {r:?}, model had {before}", String::from_utf8_lossy(&k));
            counts.lost += 1;
        }
        model.insert(k, (before + 1).to_string().into_bytes());
        counts.sets += 1;
    }
    acked.fetch_add(1 + 2 * COUNTERS, Ordering::Relaxed);
}

struct Sample {
    secs: f64,
    acked: u64,
    keys: u64,
    clients: u64,
    used_memory: u64,
    rss: u64,
}

fn used_memory(conn: &mut Conn) -> u64 {
    let Reply::Bulk(Some(info)) = conn.command(&[b"INFO", b"memory"]) else { panic!("INFO gave no text") };
    String::from_utf8_lossy(&info)
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("INFO memory has used_memory")
}

#[test]
fn many_connections_lose_no_acknowledged_set_and_server_memory_stays_flat() {
    let duration = seconds_from_env("SOAK_SERVER_SECONDS", 20);
    let conns = number_from_env("SOAK_CONNECTIONS", 500);
    let bin = server_binary();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&bin, dir.path());
    let start = Instant::now();
    let deadline = start + duration;
    let acked = Arc::new(AtomicU64::new(0));
    let clients: Vec<_> = (0..conns)
        .map(|c| {
            let (addr, acked) = (server.addr.clone(), acked.clone());
            std::thread::Builder::new().stack_size(256 * 1024).spawn(move || client(addr, c, deadline, acked)).unwrap()
        })
        .collect();
    let mut monitor = Conn::connect(&server.addr);
    let mut samples: Vec<Sample> = Vec::new();
    let every = duration / SAMPLES;
    for i in 1..=SAMPLES {
        std::thread::sleep((start + every * i).saturating_duration_since(Instant::now()));
        let Reply::Int(keys) = monitor.command(&[b"DBSIZE"]) else { panic!("DBSIZE") };
        let clients_now = monitor.command(&[b"INFO", b"clients"]);
        let connected = match clients_now {
            Reply::Bulk(Some(t)) => String::from_utf8_lossy(&t)
                .lines()
                .find_map(|l| l.strip_prefix("connected_clients:").and_then(|v| v.trim().parse().ok()))
                .unwrap_or(0),
            _ => 0,
        };
        samples.push(Sample {
            secs: start.elapsed().as_secs_f64(),
            acked: acked.load(Ordering::Relaxed),
            keys: keys as u64,
            clients: connected,
            used_memory: used_memory(&mut monitor),
            rss: rss_bytes(&server.pid()),
        });
    }
    let results: Vec<_> = clients.into_iter().map(|h| h.join().unwrap()).collect();
    drop(monitor);
    let (mut sets, mut dels, mut gets, mut lost) = (0, 0, 0, 0);
    for (_, c) in &results {
        sets += c.sets;
        dels += c.dels;
        gets += c.gets_checked;
        lost += c.lost;
    }
    server.stop();

    // Restart on the same directory: everything acknowledged is still there.
    let server = Server::start(&bin, dir.path());
    let results = Arc::new(results);
    let lost_after_restart: u64 = (0..8u64)
        .map(|part| {
            let (addr, results) = (server.addr.clone(), results.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::connect(&addr);
                let mut bad = 0;
                for c in (part..conns).step_by(8) {
                    bad += read_back(&mut conn, &conn_keys(c), &results[c as usize].0);
                }
                bad
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .sum();
    server.stop();

    let secs = duration.as_secs_f64();
    println!(
        "server soak: {secs:.0} s, {conns} connections, {sets} SETs and {dels} DELs acknowledged, {gets} GETs checked \
         ({:.0} commands/s)",
        (sets + dels + gets) as f64 / secs
    );
    println!("  lost or wrong acknowledged writes: {lost} while running, {lost_after_restart} after a restart");
    println!(
        "  {:>7} {:>10} {:>7} {:>7} {:>12} {:>12}",
        "secs", "acked", "keys", "clients", "used_memory", "server rss"
    );
    for s in &samples {
        println!(
            "  {:>7.1} {:>10} {:>7} {:>7} {:>12} {:>12}",
            s.secs,
            s.acked,
            s.keys,
            s.clients,
            mib(s.used_memory),
            mib(s.rss)
        );
    }
    assert_eq!(lost, 0, "acknowledged writes were lost or wrong while running");
    assert_eq!(lost_after_restart, 0, "acknowledged writes were lost across a restart");
    assert!(sets > conns * 10, "too little traffic to judge ({sets} SETs)");
    assert!(samples.iter().any(|s| s.clients >= conns), "the {conns} connections were never open at once");
    assert_flat("server used_memory", &samples.iter().map(|s| s.used_memory).collect::<Vec<_>>(), 0.25, 1 << 20);
    assert_flat("server RSS", &samples.iter().map(|s| s.rss).collect::<Vec<_>>(), 0.25, 16 << 20);
}
