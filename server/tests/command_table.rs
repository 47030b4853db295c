//! Pins the command table as clients see it, against `fixtures/command_table.txt`: for every
//! command, the exact bytes of COMMAND INFO, COMMAND DOCS and COMMAND GETKEYS (RESP2 and RESP3),
//! and one readable line (name, arity, flags, key positions, whether MULTI queues it, group,
//! since, summary).
//!
//! COMMAND, COMMAND INFO and COMMAND DOCS without names must be exactly the per-command entries
//! under one header, and COMMAND LIST and COMMAND COUNT must agree with them; the order of those
//! listings is not pinned (Redis does not define it either). After an intended change to the
//! table, regenerate the fixture with
//! `SCALODB_BLESS=1 cargo test -p scalodb-server --test command_table` and review its diff.

mod support;

use std::io::{BufRead, Read};
use std::path::PathBuf;

use scalodb_server::ServerConfig;
use support::{encode, start, Client};

/// A reply's value as a tree (its exact bytes are kept beside it); a map's keys and values are
/// its items in turn.
#[derive(Debug)]
enum Value {
    Line(String),
    Bulk(Vec<u8>),
    Agg(Vec<Value>),
}

fn read_line(c: &mut Client, raw: &mut Vec<u8>) -> (u8, String) {
    let mut line = Vec::new();
    c.reader_mut().read_until(b'\n', &mut line).expect("read a reply line");
    assert!(line.ends_with(b"\r\n"), "reply line without CRLF: {line:?}");
    raw.extend_from_slice(&line);
    (line[0], String::from_utf8(line[1..line.len() - 2].to_vec()).unwrap())
}

fn read_value(c: &mut Client, raw: &mut Vec<u8>) -> Value {
    let (kind, text) = read_line(c, raw);
    match kind {
        b'$' | b'=' => {
            let n: i64 = text.parse().unwrap();
            if n < 0 {
                return Value::Line(text);
            }
            let mut buf = vec![0; n as usize + 2];
            c.reader_mut().read_exact(&mut buf).unwrap();
            raw.extend_from_slice(&buf);
            buf.truncate(n as usize);
            Value::Bulk(buf)
        }
        b'*' | b'~' | b'%' => {
            let n: i64 = text.parse().unwrap();
            if n < 0 {
                return Value::Line(text);
            }
            let n = if kind == b'%' { 2 * n } else { n };
            Value::Agg((0..n).map(|_| read_value(c, raw)).collect())
        }
        _ => Value::Line(text),
    }
}

/// Sends `args` and returns the reply's bytes and value.
fn request(c: &mut Client, args: &[&str]) -> (Vec<u8>, Value) {
    let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    c.send_raw(&encode(&raw)).unwrap();
    let mut bytes = Vec::new();
    let value = read_value(c, &mut bytes);
    (bytes, value)
}

/// The reply's bytes, one RESP line per text line (no reply here holds a CR or LF in a string).
fn transcript(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(!text.replace("\r\n", "").contains(['\r', '\n']), "a reply holds a line break: {text:?}");
    text.replace("\r\n", "\n")
}

fn text(v: &Value) -> String {
    match v {
        Value::Line(t) => t.clone(),
        Value::Bulk(b) => String::from_utf8(b.clone()).unwrap(),
        Value::Agg(..) => panic!("expected a scalar, got {v:?}"),
    }
}

fn items(v: &Value) -> &[Value] {
    match v {
        Value::Agg(items) => items,
        _ => panic!("expected an aggregate, got {v:?}"),
    }
}

/// Arguments for COMMAND GETKEYS: as many as the arity asks for, two more when it is a minimum.
fn probe_args(arity: i64) -> Vec<String> {
    let n = if arity < 0 { -arity + 2 } else { arity };
    (1..n).map(|i| format!("a{i}")).collect()
}

/// Whether `name args` sent after MULTI is queued (rather than run at once), on a connection of
/// its own since some commands that run at once end it (QUIT) or reset it.
fn queued_in_multi(addr: std::net::SocketAddr, name: &str, args: &[String]) -> bool {
    let mut c = Client::connect(addr);
    request(&mut c, &["MULTI"]);
    let mut cmd = vec![name];
    cmd.extend(args.iter().map(String::as_str));
    matches!(request(&mut c, &cmd).1, Value::Line(ref t) if t == "QUEUED")
}

/// Everything the fixture holds, rendered from a live server.
fn render() -> String {
    let server = start(ServerConfig::default());
    let mut c2 = Client::connect(server.local_addr());
    let mut c3 = Client::connect(server.local_addr());
    request(&mut c3, &["HELLO", "3"]);

    let (_, list) = request(&mut c2, &["COMMAND", "LIST"]);
    let mut names: Vec<String> = items(&list).iter().map(text).collect();
    let listed = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), listed, "COMMAND LIST names a command twice");
    let (_, count) = request(&mut c2, &["COMMAND", "COUNT"]);
    assert_eq!(text(&count), names.len().to_string(), "COMMAND COUNT disagrees with COMMAND LIST");

    let mut table = String::new();
    let mut wire = String::new();
    for name in &names {
        let (info_bytes, info) = request(&mut c2, &["COMMAND", "INFO", name]);
        let (docs_bytes, docs) = request(&mut c2, &["COMMAND", "DOCS", name]);
        let fields = items(&items(&info)[0]);
        assert_eq!(fields.len(), 10, "{name}: COMMAND INFO has Redis 7's ten fields");
        assert_eq!(&text(&fields[0]), name);
        let arity: i64 = text(&fields[1]).parse().unwrap();
        let flags: Vec<String> = items(&fields[2]).iter().map(text).collect();
        let doc = items(&items(&docs)[1]);
        let in_multi = if queued_in_multi(server.local_addr(), name, &probe_args(arity)) { "queued" } else { "runs" };
        assert_eq!(doc.len(), 6, "{name}: COMMAND DOCS has summary, since and group");
        table.push_str(&format!(
            "{name} | arity {arity} | flags [{}] | keys {} {} {} | in MULTI {in_multi} | group {} | since {} | {}\n",
            flags.join(", "),
            text(&fields[3]),
            text(&fields[4]),
            text(&fields[5]),
            text(&doc[5]),
            text(&doc[3]),
            text(&doc[1]),
        ));
        wire.push_str(&format!("> COMMAND INFO {name}\n{}", transcript(&info_bytes)));
        wire.push_str(&format!("> COMMAND DOCS {name}\n{}", transcript(&docs_bytes)));
        let probe = probe_args(arity);
        let mut args = vec!["COMMAND", "GETKEYS", name.as_str()];
        args.extend(probe.iter().map(String::as_str));
        wire.push_str(&format!("> {}\n{}", args.join(" "), transcript(&request(&mut c2, &args).0)));
        let info3 = request(&mut c3, &["COMMAND", "INFO", name]).0;
        wire.push_str(&format!("> [RESP3] COMMAND INFO {name}\n{}", transcript(&info3)));
        let docs3 = request(&mut c3, &["COMMAND", "DOCS", name]).0;
        wire.push_str(&format!("> [RESP3] COMMAND DOCS {name}\n{}", transcript(&docs3)));
    }
    for args in [
        &["COMMAND", "COUNT"][..],
        &["COMMAND", "INFO", "get", "nosuch", "set"],
        &["COMMAND", "DOCS", "get", "nosuch"],
        &["COMMAND", "GETKEYS", "nosuch", "k"],
        &["COMMAND", "GETKEYS", "get"],
        &["COMMAND", "GETKEYS"],
        &["COMMAND", "COUNT", "x"],
        &["COMMAND", "LIST", "x"],
        &["COMMAND", "NOSUCH"],
    ] {
        for (c, proto) in [(&mut c2, "RESP2"), (&mut c3, "RESP3")] {
            wire.push_str(&format!("> [{proto}] {}\n{}", args.join(" "), transcript(&request(c, args).0)));
        }
    }
    for (c, proto) in [(&mut c2, "RESP2"), (&mut c3, "RESP3")] {
        check_listings(c, proto, &names);
    }
    format!("# One line per command\n{table}\n# Replies\n{wire}")
}

/// COMMAND, COMMAND INFO and COMMAND DOCS without names are the per-command replies under one
/// header, each command once; COMMAND LIST names the same commands in the same order.
fn check_listings(c: &mut Client, proto: &str, names: &[String]) {
    let (all_bytes, all) = request(c, &["COMMAND"]);
    let (info_bytes, _) = request(c, &["COMMAND", "INFO"]);
    assert_eq!(all_bytes, info_bytes, "{proto}: COMMAND INFO without names differs from COMMAND");
    let order: Vec<String> = items(&all).iter().map(|e| text(&items(e)[0])).collect();
    let (_, list) = request(c, &["COMMAND", "LIST"]);
    assert_eq!(items(&list).iter().map(text).collect::<Vec<_>>(), order, "{proto}: COMMAND LIST order");
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted, names, "{proto}: COMMAND lists other commands than COMMAND LIST");
    let mut want = format!("*{}\r\n", order.len()).into_bytes();
    let mut docs_want =
        if proto == "RESP3" { format!("%{}\r\n", order.len()) } else { format!("*{}\r\n", 2 * order.len()) }
            .into_bytes();
    for name in &order {
        let (one, _) = request(c, &["COMMAND", "INFO", name]);
        want.extend_from_slice(&one[b"*1\r\n".len()..]);
        let (doc, _) = request(c, &["COMMAND", "DOCS", name]);
        let header = if proto == "RESP3" { "%1\r\n".len() } else { "*2\r\n".len() };
        docs_want.extend_from_slice(&doc[header..]);
    }
    assert_eq!(transcript(&all_bytes), transcript(&want), "{proto}: COMMAND is not its entries under one header");
    let (docs_bytes, _) = request(c, &["COMMAND", "DOCS"]);
    assert_eq!(transcript(&docs_bytes), transcript(&docs_want), "{proto}: COMMAND DOCS is not its entries");
}

#[test]
fn command_table_replies_match_the_fixture() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/command_table.txt");
    let got = render();
    if std::env::var_os("SCALODB_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "the command table's replies changed at line {} of {}:\n  want: {:?}\n  got:  {:?}",
            line + 1,
            path.display(),
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
}
