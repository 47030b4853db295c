//! A tiny RESP client for the server tests (`mod support;` in each test file): sends commands as
//! arrays and reads replies of every RESP2/RESP3 type into a `Reply`.
#![allow(dead_code)]

use scalodb_server::{Server, ServerConfig, ServerHandle};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Reply>),
    Map(Vec<(Reply, Reply)>),
}

impl Reply {
    pub fn bulk(s: &str) -> Reply {
        Reply::Bulk(s.as_bytes().to_vec())
    }

    pub fn err_text(&self) -> &str {
        match self {
            Reply::Error(e) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }
}

pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Client { reader: BufReader::new(s.try_clone().unwrap()), writer: s }
    }

    pub fn reader_mut(&mut self) -> &mut BufReader<TcpStream> {
        &mut self.reader
    }

    pub fn send_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)
    }

    pub fn cmd(&mut self, args: &[&str]) -> Reply {
        let raw: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.send_raw(&encode(&raw)).expect("send");
        self.read().expect("read a reply")
    }

    /// Reads one reply; `None` when the server closed the connection.
    pub fn read(&mut self) -> Option<Reply> {
        let mut line = Vec::new();
        if self.reader.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        assert!(line.ends_with(b"\r\n"), "reply line without CRLF: {line:?}");
        let text = String::from_utf8_lossy(&line[1..line.len() - 2]).into_owned();
        Some(match line[0] {
            b'+' => Reply::Simple(text),
            b'-' => Reply::Error(text),
            b':' => Reply::Int(text.parse().unwrap()),
            b'_' => Reply::Nil,
            b'$' | b'=' => {
                let n: i64 = text.parse().unwrap();
                if n < 0 {
                    return Some(Reply::Nil);
                }
                let mut buf = vec![0; n as usize + 2];
                self.reader.read_exact(&mut buf).ok()?;
                buf.truncate(n as usize);
                if line[0] == b'=' {
                    buf.drain(..4);
                }
                Reply::Bulk(buf)
            }
            b'*' | b'~' => {
                let n: i64 = text.parse().unwrap();
                if n < 0 {
                    return Some(Reply::Nil);
                }
                Reply::Array((0..n).map(|_| self.read().unwrap()).collect())
            }
            b'%' => {
                let n: usize = text.parse().unwrap();
                Reply::Map((0..n).map(|_| (self.read().unwrap(), self.read().unwrap())).collect())
            }
            other => panic!("unknown reply type {:?}", other as char),
        })
    }

    /// Whether the server has closed this connection (reads EOF or a reset within 5 s).
    pub fn closed_by_server(&mut self) -> bool {
        self.writer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut b = [0u8; 1];
        match self.reader.read(&mut b) {
            Ok(0) => true,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
            Ok(_) => false,
        }
    }
}

/// Starts a server on an in-memory store on a free loopback port.
pub fn start(config: ServerConfig) -> ServerHandle {
    start_on(scalodb::Db::memory(), config)
}

pub fn start_on(db: scalodb::Db, config: ServerConfig) -> ServerHandle {
    Server::start(db, ServerConfig { addr: "127.0.0.1:0".into(), ..config }).expect("start the server")
}
