//! Power cuts under the server: `scalodb serve --sync always` on forgetfs, eight redis-py
//! clients writing (SET, SET EX, DEL, MULTI/EXEC with INCR: `scripts/redis_clients.py`), the
//! server SIGKILLed at a random moment, the power cut, the filesystem mounted again and the server
//! restarted on the same directory. Then every acknowledged reply's write is there: each client's
//! keys hold exactly the state after its acknowledged ops (or after the one in flight too), TTLs
//! included, and every earlier round's keys are as that round left them.
//!
//! Needs the `scalodb` binary (`SCALODB_BIN`, else `target/release/scalodb` or
//! `target/debug/scalodb` next to this test) and a Python with redis-py (`POWERCUT_PYTHON`, else
//! `python3`); `make test-powercut` provides both. `POWERCUT_SERVER_ROUNDS` sets the rounds (10).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use scalodb_powercut::forget::cut::Rng;
use scalodb_powercut::forget::{monotonic_ns, CutMode};
use scalodb_powercut::harness::resp::{Client, Reply};
use scalodb_powercut::harness::writer::Proc;
use scalodb_powercut::harness::{Bins, Rig};

const CLIENTS: u64 = 8;
const KEYS: u64 = 20;

fn bins() -> Bins {
    Bins { forgetfs: env!("CARGO_BIN_EXE_forgetfs").into(), writer: env!("CARGO_BIN_EXE_powercut-writer").into() }
}

fn scalodb_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("SCALODB_BIN") {
        return p.into();
    }
    // target/<profile>/deps/this-test → target/
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    for profile in ["release", "debug"] {
        let p = target.join(profile).join("scalodb");
        if p.exists() {
            return p;
        }
    }
    panic!("no scalodb binary: build it with `cargo build --release -p scalodb-cli` or set SCALODB_BIN");
}

/// A key's value and whether it has a TTL, as the server should hold it.
type State = HashMap<String, (Vec<u8>, bool)>;

fn key(prefix: &str, c: u64, k: u64) -> String {
    format!("{prefix}:c{c}:k{k}")
}

/// Applies op `j` of client `c` (the same ops as `redis_clients.py`).
fn apply(state: &mut State, prefix: &str, c: u64, j: u64) {
    let v = format!("v{c}-{j}").into_bytes();
    match j % 4 {
        0 => {
            state.insert(key(prefix, c, j % KEYS), (v, false));
        }
        1 => {
            state.insert(key(prefix, c, j * 3 % KEYS), (v, true));
        }
        2 => {
            state.remove(&key(prefix, c, j * 7 % KEYS));
        }
        _ => {
            state.insert(key(prefix, c, j % KEYS), (v, false));
            let n = format!("{prefix}:c{c}:n");
            let count = state.get(&n).map_or(0, |(v, _)| String::from_utf8_lossy(v).parse::<u64>().unwrap());
            state.insert(n, ((count + 1).to_string().into_bytes(), false));
        }
    }
}

fn client_keys(prefix: &str, c: u64) -> Vec<String> {
    let mut keys: Vec<String> = (0..KEYS).map(|k| key(prefix, c, k)).collect();
    keys.push(format!("{prefix}:c{c}:n"));
    keys
}

fn read(client: &mut Client, keys: &[String]) -> State {
    let mut out = State::new();
    for k in keys {
        match client.call(&[b"GET", k.as_bytes()]).unwrap() {
            Reply::Bulk(Some(v)) => {
                let ttl = match client.call(&[b"PTTL", k.as_bytes()]).unwrap() {
                    Reply::Int(ms) => ms > 0,
                    other => panic!("PTTL {k}: {other:?}"),
                };
                out.insert(k.clone(), (v, ttl));
            }
            Reply::Bulk(None) => {}
            other => panic!("GET {k}: {other:?}"),
        }
    }
    out
}

struct Server {
    proc: Option<Proc>,
    addr: String,
}

fn start_server(rig: &Rig) -> Server {
    let dir = rig.path("db");
    let p = Proc::spawn(
        &scalodb_bin(),
        &["serve", "--dir", dir.to_str().unwrap(), "--addr", "127.0.0.1:0", "--sync", "always"],
        &rig.log("server.stderr"),
    )
    .unwrap();
    let line = p.line(Duration::from_secs(60));
    let addr = line
        .as_deref()
        .and_then(|l| l.split(" on ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("the server did not start: {line:?}: {}", p.stderr_text()));
    Server { proc: Some(p), addr }
}

#[test]
fn a_power_cut_under_the_server_with_sync_always_loses_no_acknowledged_reply() {
    let python = std::env::var("POWERCUT_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/redis_clients.py");
    let rounds: u64 = std::env::var("POWERCUT_SERVER_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let seed = std::env::var("POWERCUT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(monotonic_ns);
    let mut rng = Rng::new(seed);
    let mut rig = Rig::new(bins()).unwrap();
    rig.mount(None).unwrap();
    let mut server = start_server(&rig);
    let mut kept = State::new(); // every earlier round's keys, as they must stay
    let mut total_acks = 0;
    for round in 0..rounds {
        let prefix = format!("r{round}");
        let (host, port) = server.addr.rsplit_once(':').unwrap();
        let load = Proc::spawn(
            python.as_ref(),
            &[script, host, port, &prefix, &CLIENTS.to_string(), "60"],
            &rig.log("clients.stderr"),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(300 + rng.below(1200)));
        let lines = server.proc.take().unwrap().kill();
        drop(lines);
        let (status, acks) = load.wait(Duration::from_secs(60));
        let ctx = |what: String| format!("round {round} (seed {seed}): {what}");
        assert!(status.is_some_and(|s| s.success()), "{}", ctx(format!("the clients failed: {status:?}")));
        let mut acked = vec![0u64; CLIENTS as usize];
        for l in &acks {
            let mut w = l.split_whitespace().skip(1).map(|x| x.parse::<u64>().unwrap());
            let (c, j) = (w.next().unwrap(), w.next().unwrap());
            acked[c as usize] = acked[c as usize].max(j + 1);
        }
        assert!(acked.iter().sum::<u64>() > 0, "{}", ctx("no reply was acknowledged: is redis-py installed?".into()));
        total_acks += acked.iter().sum::<u64>();
        let mode = if round % 2 == 1 { CutMode::Tear(rng.next_u64()) } else { CutMode::Strict };
        let cut = rig.cut_and_remount(mode).unwrap_or_else(|e| panic!("{}", ctx(e)));
        server = start_server(&rig);
        let mut client = Client::connect(&server.addr).unwrap();
        for c in 0..CLIENTS {
            let keys = client_keys(&prefix, c);
            let got = read(&mut client, &keys);
            let mut want = State::new();
            for j in 0..acked[c as usize] {
                apply(&mut want, &prefix, c, j);
            }
            let mut in_flight = want.clone();
            apply(&mut in_flight, &prefix, c, acked[c as usize]);
            assert!(
                got == want || got == in_flight,
                "{}",
                ctx(format!(
                    "client {c} acknowledged ops 0..{}, but the server holds {got:?}, not {want:?} (cut: {cut})",
                    acked[c as usize]
                ))
            );
            kept.extend(got);
        }
        let old_keys: Vec<String> = kept.keys().filter(|k| !k.starts_with(&format!("{prefix}:"))).cloned().collect();
        let got = read(&mut client, &old_keys);
        let want: State =
            kept.iter().filter(|(k, _)| old_keys.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        assert_eq!(got, want, "{}", ctx("an earlier round's keys changed".into()));
    }
    // SIGTERM: the server stops and closes the store.
    let p = server.proc.take().unwrap();
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(p_id(&p), libc::SIGTERM);
    }
    let (status, _) = p.wait(Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "the server did not stop cleanly: {status:?}");
    rig.finish().unwrap();
    eprintln!("server: {rounds} power-cut rounds, {total_acks} replies acknowledged, none lost");
}

fn p_id(p: &Proc) -> libc::pid_t {
    p.id() as libc::pid_t
}
