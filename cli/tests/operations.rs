//! What scripts and terminals get from the long commands: `stats --json` and `verify --json`
//! parse as JSON with the store's figures; `load` draws progress under a pseudo-terminal (through
//! util-linux's `script`) and prints nothing extra when stderr is a pipe; completions and the man
//! page come from the clap definitions.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_scalodb");

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "exit {:?}, stderr: {}", o.status.code(), String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A dump of `n` keys (every third with an expiry an hour away) in `dir/dump.txt`.
fn write_dump(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("dump.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let later = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() + 3_600_000;
    writeln!(f, "scalodb-dump 1").unwrap();
    for i in 0..n {
        let hex = |s: String| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
        let exp = if i % 3 == 0 { later } else { 0 };
        writeln!(f, "{} {} {exp}", hex(format!("key{i:06}")), hex("v".repeat(100))).unwrap();
    }
    f.flush().unwrap();
    path
}

fn load_piped(db: &str, dump: &std::path::Path) -> Output {
    Command::new(BIN)
        .args(["load", db])
        .stdin(std::fs::File::open(dump).unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn stats_and_verify_json_parse_with_the_stores_figures() {
    let dir = tempfile::tempdir().unwrap();
    let dump = write_dump(dir.path(), 300);
    let db = dir.path().join("db");
    let db = db.to_str().unwrap();
    ok(&load_piped(db, &dump));
    let stats: serde_json::Value =
        serde_json::from_str(&ok(&Command::new(BIN).args(["stats", db, "--json"]).output().unwrap())).unwrap();
    assert_eq!(stats["keys"], 300);
    assert_eq!(stats["keys_with_ttl"], 100);
    assert!(stats["avg_ttl_ms"].as_u64().unwrap() > 3_000_000, "{stats}");
    for field in scalodb::Stats::FIELDS {
        assert!(stats[field].is_u64(), "{field} missing from {stats}");
    }
    let verify: serde_json::Value =
        serde_json::from_str(&ok(&Command::new(BIN).args(["verify", db, "--json"]).output().unwrap())).unwrap();
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["torn_tail"], false);
    assert!(verify["records"].as_u64().unwrap() >= 1, "{verify}");
}

#[test]
fn load_draws_progress_on_a_terminal_and_nothing_extra_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let dump = write_dump(dir.path(), 3000);
    let piped_db = dir.path().join("piped");
    let out = load_piped(piped_db.to_str().unwrap(), &dump);
    ok(&out);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "scalodb: loaded 3000 keys\n");
    let dumped = Command::new(BIN).args(["dump", piped_db.to_str().unwrap()]).output().unwrap();
    ok(&dumped);
    assert_eq!(String::from_utf8_lossy(&dumped.stderr), "scalodb: dumped 3000 keys\n");

    // `script -qec CMD /dev/null` runs CMD with a pseudo-terminal as its stdin, stdout and stderr.
    let tty_db = dir.path().join("tty");
    let cmd = format!("{BIN} load {} < {}", tty_db.display(), dump.display());
    let out = Command::new("script").args(["-qec", &cmd, "/dev/null"]).stdin(Stdio::null()).output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{shown}");
    let size = std::fs::metadata(&dump).unwrap().len();
    assert!(size > 600_000, "{size}");
    // The finished bar: the message, a full bar, the bytes read of the file's size.
    assert!(shown.contains("loaded 3000 keys ["), "no progress bar in {shown:?}");
    assert!(shown.contains("=]"), "the bar is not full in {shown:?}");
    assert!(shown.contains("KiB/") || shown.contains("MiB/"), "no byte counts in {shown:?}");
    assert!(shown.contains("scalodb: loaded 3000 keys"), "{shown:?}");
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let bash = ok(&Command::new(BIN).args(["completions", "bash"]).output().unwrap());
    assert!(bash.contains("_scalodb()") && bash.contains("serve"), "{bash}");
    let zsh = ok(&Command::new(BIN).args(["completions", "zsh"]).output().unwrap());
    assert!(zsh.starts_with("#compdef scalodb"), "{zsh}");
    let man = ok(&Command::new(BIN).arg("man").output().unwrap());
    assert!(man.contains(".TH scalodb 1") && man.contains("serve"), "{man}");
    // Hidden: not in the help a user reads.
    let help = ok(&Command::new(BIN).arg("--help").output().unwrap());
    assert!(!help.contains("completions") && !help.contains("\n  man"), "{help}");
}

#[test]
fn verify_and_backup_draw_progress_on_a_terminal_and_nothing_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let dump = write_dump(dir.path(), 3000);
    let db = dir.path().join("db");
    ok(&load_piped(db.to_str().unwrap(), &dump));
    let piped = Command::new(BIN).args(["verify", db.to_str().unwrap()]).output().unwrap();
    ok(&piped);
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "", "a piped verify prints no progress");
    let copy = dir.path().join("copy-piped");
    let piped = Command::new(BIN).args(["backup", db.to_str().unwrap(), copy.to_str().unwrap()]).output().unwrap();
    ok(&piped);
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "", "a piped backup prints no progress");

    let on_tty = |cmd: String| {
        let out = Command::new("script").args(["-qec", &cmd, "/dev/null"]).stdin(Stdio::null()).output().unwrap();
        let shown = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{shown}");
        shown
    };
    let shown = on_tty(format!("{BIN} verify {}", db.display()));
    assert!(shown.contains("verifying ["), "no progress bar in {shown:?}");
    assert!(shown.contains("ok: checkpoint"), "{shown:?}");
    let shown = on_tty(format!("{BIN} backup {} {}", db.display(), dir.path().join("copy-tty").display()));
    assert!(shown.contains("backing up") && shown.contains("keys"), "no progress bar in {shown:?}");
    ok(&Command::new(BIN).args(["verify", dir.path().join("copy-tty").to_str().unwrap()]).output().unwrap());
}
