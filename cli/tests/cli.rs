//! The `scalodb` command end to end: round trips through every subcommand, exit codes, dump and
//! load with TTLs, verify on a damaged copy, and a backup of a store another handle holds open.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use scalodb::{Db, Ttl};

const BIN: &str = env!("CARGO_BIN_EXE_scalodb");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run scalodb")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "exit {:?}, stderr: {}", o.status.code(), String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn put_get_del_scan_stats_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("db");
    let d = d.to_str().unwrap();
    ok(&run(&["put", d, "user:1", "alice"]));
    ok(&run(&["put", d, "user:2", "bob"]));
    ok(&run(&["put", d, "other", "x\ty"]));
    assert_eq!(ok(&run(&["get", d, "user:1"])), "alice");
    assert_eq!(ok(&run(&["scan", d, "--prefix", "user:"])), "user:1\talice\nuser:2\tbob\n");
    assert_eq!(ok(&run(&["scan", d, "--reverse", "--limit", "1"])), "user:2\tbob\n");
    assert_eq!(ok(&run(&["scan", d, "--start", "o", "--end", "user:2"])), "other\tx\\x09y\nuser:1\talice\n");
    assert!(ok(&run(&["stats", d])).contains("keys: 3"));
    ok(&run(&["del", d, "user:1"]));
    let missing = run(&["get", d, "user:1"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not found"));
    assert_eq!(run(&["del", d, "user:1"]).status.code(), Some(1));
}

#[test]
fn errors_go_to_stderr_with_nonzero_codes() {
    let usage = run(&["get"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(!usage.stderr.is_empty());
    let nodir = run(&["get", "/nonexistent/scalodb-dir", "k"]);
    assert_eq!(nodir.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nodir.stderr).contains("not a directory"));
    // Locked: another handle holds the store.
    let dir = tempfile::tempdir().unwrap();
    let _db = Db::open(dir.path()).unwrap();
    let locked = run(&["get", dir.path().to_str().unwrap(), "k"]);
    assert_eq!(locked.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&locked.stderr).contains("in use"));
    for sub in ["get", "put", "del", "scan", "stats", "verify", "dump", "load", "backup"] {
        let help = run(&[sub, "--help"]);
        assert!(help.status.success() && !help.stdout.is_empty(), "{sub} --help");
    }
}

#[test]
fn dump_and_load_round_trip_with_ttls() {
    let src = tempfile::tempdir().unwrap();
    {
        let db = Db::open(src.path()).unwrap();
        db.put(b"\x00bin\xff", [0u8, 1, 2, 255]).unwrap();
        db.put("plain", "text value").unwrap();
        db.put_with_ttl("session", "s", std::time::Duration::from_secs(3600)).unwrap();
    }
    let dump = run(&["dump", src.path().to_str().unwrap()]);
    let text = ok(&dump);
    assert!(text.starts_with("scalodb-dump 2\n"));
    assert_eq!(text.lines().count(), 4);
    let dest = tempfile::tempdir().unwrap();
    let d = dest.path().join("loaded");
    ok(&run_stdin(&["load", d.to_str().unwrap()], text.as_bytes()));
    let db = Db::open(&d).unwrap();
    assert_eq!(db.get(b"\x00bin\xff").unwrap().unwrap(), vec![0u8, 1, 2, 255]);
    assert_eq!(db.get("plain").unwrap().as_deref(), Some(&b"text value"[..]));
    assert!(matches!(db.ttl("session").unwrap(), Ttl::Remaining(d) if d.as_secs() > 3500));
    assert_eq!(db.ttl("plain").unwrap(), Ttl::Forever);
    drop(db);
    let bad = run_stdin(&["load", d.to_str().unwrap()], b"not a dump\n");
    assert_ne!(bad.status.code(), Some(0));
}

#[test]
fn dump_and_load_carry_every_type_and_read_version_1() {
    use scalodb::{End, Kind, ZAddFlags};
    let src = tempfile::tempdir().unwrap();
    let fields: Vec<(String, String)> = (0..2500).map(|i| (format!("f{i:05}"), format!("v{i}"))).collect();
    {
        let db = Db::open(src.path()).unwrap();
        db.hset("big", &fields).unwrap();
        db.hset("h", &[("a", &b"\x00\xff"[..])]).unwrap();
        db.expire("h", std::time::Duration::from_secs(3600)).unwrap();
        db.push("l", End::Right, &["x", "y", "x"]).unwrap();
        db.sadd("s", &["m", "n"]).unwrap();
        db.zadd("z", &[(0.1, "a"), (-1e300, "b"), (f64::INFINITY, "c")], ZAddFlags::default()).unwrap();
        db.put("str", "v").unwrap();
    }
    let text = ok(&run(&["dump", src.path().to_str().unwrap()]));
    assert!(text.starts_with("scalodb-dump 2\n"));
    assert_eq!(text.lines().count(), 1 + 6 + 2500 + 1 + 3 + 2 + 3, "a line per key and per element");
    let dest = tempfile::tempdir().unwrap();
    let d = dest.path().join("loaded");
    ok(&run_stdin(&["load", d.to_str().unwrap()], text.as_bytes()));
    let db = Db::open(&d).unwrap();
    assert_eq!(db.hlen("big").unwrap(), 2500);
    assert_eq!(db.hget("big", "f02499").unwrap().as_deref(), Some(&b"v2499"[..]));
    assert_eq!(db.hget("h", "a").unwrap().as_deref(), Some(&b"\x00\xff"[..]));
    assert!(matches!(db.ttl("h").unwrap(), Ttl::Remaining(d) if d.as_secs() > 3500));
    assert_eq!(db.ttl("big").unwrap(), Ttl::Forever);
    assert_eq!(db.lrange("l", 0, -1).unwrap(), vec![b"x".to_vec(), b"y".to_vec(), b"x".to_vec()]);
    assert_eq!(db.smembers("s").unwrap(), vec![b"m".to_vec(), b"n".to_vec()]);
    assert_eq!(db.zscore("z", "a").unwrap(), Some(0.1));
    assert_eq!(db.zscore("z", "b").unwrap(), Some(-1e300));
    assert_eq!(db.zscore("z", "c").unwrap(), Some(f64::INFINITY));
    assert_eq!(db.kind_of("str").unwrap(), Some(Kind::String));
    drop(db);

    // A version 1 dump (strings only) still loads; a short or damaged collection is refused.
    let d1 = dest.path().join("v1");
    ok(&run_stdin(&["load", d1.to_str().unwrap()], b"scalodb-dump 1\n6b 76 0\n"));
    assert_eq!(Db::open(&d1).unwrap().get("k").unwrap().as_deref(), Some(&b"v"[..]));
    let d2 = dest.path().join("short");
    let short = run_stdin(&["load", d2.to_str().unwrap()], b"scalodb-dump 2\n6b hash 0 2\n61 62\n");
    assert_ne!(short.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&short.stderr).contains("short"), "{}", String::from_utf8_lossy(&short.stderr));
    let nan = run_stdin(&["load", d2.to_str().unwrap()], b"scalodb-dump 2\n6b zset 0 1\n61 NaN\n");
    assert!(String::from_utf8_lossy(&nan.stderr).contains("bad score"));
}

#[test]
fn verify_passes_a_healthy_store_and_fails_a_corrupted_copy() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Db::open(dir.path()).unwrap();
        for i in 0..50 {
            db.put(format!("k{i:03}"), "some value bytes").unwrap();
        }
        db.checkpoint().unwrap();
        for i in 0..50 {
            db.put(format!("n{i:03}"), "more").unwrap();
        }
    }
    let out = ok(&run(&["verify", dir.path().to_str().unwrap()]));
    assert!(out.starts_with("ok:") && out.contains("50 entries") && out.contains("50 records"), "{out}");
    let copy = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, copy.path().join(p.file_name().unwrap())).unwrap();
    }
    let seg = std::fs::read_dir(copy.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "log"))
        .unwrap();
    let mut b = std::fs::read(&seg).unwrap();
    b[64 + 100] ^= 1;
    std::fs::write(&seg, b).unwrap();
    let bad = run(&["verify", copy.path().to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(msg.contains("corruption") && msg.contains(".log"), "{msg}");
}

#[test]
fn backup_of_a_closed_store_and_of_one_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    {
        let db = Db::open(dir.path()).unwrap();
        for i in 0..1000 {
            db.put(format!("k{i:04}"), format!("v{i}")).unwrap();
        }
    }
    let cold = out.path().join("cold");
    ok(&run(&["backup", dir.path().to_str().unwrap(), cold.to_str().unwrap()]));
    assert_eq!(Db::open(&cold).unwrap().stats().unwrap().keys, 1000);

    // In use: this process holds the store open and keeps writing during the backup.
    let db = Db::open(dir.path()).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                db.put(format!("live{i:08}"), "x").unwrap();
                i += 1;
            }
        })
    };
    let hot = out.path().join("hot");
    ok(&run(&["backup", dir.path().to_str().unwrap(), hot.to_str().unwrap()]));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    let copy = Db::open(&hot).unwrap();
    for i in 0..1000 {
        assert_eq!(copy.get(format!("k{i:04}")).unwrap().unwrap(), format!("v{i}").into_bytes());
    }
    let live: Vec<u64> = copy
        .scan_prefix("live")
        .unwrap()
        .map(|e| String::from_utf8(e.unwrap().0[4..].to_vec()).unwrap().parse().unwrap())
        .collect();
    assert!(live.iter().enumerate().all(|(n, &k)| n as u64 == k), "the hot copy is not a prefix of the writes");
}

/// The command as users build it has no fault injection: points that would abort it or fail its
/// fsyncs, named in SCALODB_FAILPOINTS, change nothing.
#[test]
fn the_command_ignores_the_failpoints_variable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("db");
    let d = d.to_str().unwrap();
    let with_env = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("SCALODB_FAILPOINTS", "wal.sync=abort,dir.sync=abort,wal.create=eio,checkpoint.create=abort")
            .output()
            .expect("run scalodb")
    };
    ok(&with_env(&["put", d, "k", "v"]));
    assert_eq!(ok(&with_env(&["get", d, "k"])), "v");
    ok(&with_env(&["verify", d]));
}
