//! The fuzz target body of the RESP request parser, shared by the cargo-fuzz target
//! `fuzz/fuzz_targets/resp_requests.rs` and the corpus replay test (`server/tests/fuzz_corpus.rs`),
//! so that `make test` re-runs every saved input on stable Rust.
//!
//! Not a public API: compiled only with the `fuzzing` feature, hidden from the docs and free to
//! change. It drives the real parser; nothing here re-implements it.

use crate::resp::{parse_i64, ParseLimits, Parser};
use crate::Limits;

/// Parses `data` as a client's byte stream, once whole and once delivered in fuzzer-chosen
/// pieces as a connection receives it. Properties: no panic; both deliveries yield the same
/// requests and the same error; every completed request and every argument respects the limits;
/// the parser never asks for more bytes once the caps are reached (so a connection's buffer stays
/// bounded); strict integers round-trip.
///
/// The first byte chooses the caps (small ones taken from the next bytes, or the server's
/// defaults) and the size of the pieces; the rest is the stream.
pub fn resp_requests(data: &[u8]) {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let sel = byte(0);
    let (lim, header) = if sel & 1 == 0 {
        let lim = ParseLimits {
            max_args: usize::from(byte(1) % 12) + 1,
            max_bulk_len: usize::from(byte(2) % 48),
            max_request_bytes: usize::from(u16::from_le_bytes([byte(3), byte(4)]) % 600),
            max_inline_len: usize::from(byte(5) % 96) + 1,
        };
        (lim, 6)
    } else {
        let l = Limits::default();
        let lim = ParseLimits {
            max_args: l.max_args,
            max_bulk_len: l.max_bulk_len,
            max_request_bytes: l.max_request_bytes,
            max_inline_len: l.max_inline_len,
        };
        (lim, 1)
    };
    let step = usize::from(sel >> 1) % 17 + 1;
    let stream = &data[header.min(data.len())..];

    let whole = parse_stream(stream, &lim, stream.len());
    let pieces = parse_stream(stream, &lim, step);
    assert_eq!(whole, pieces, "the parser's answer depends on how the bytes arrived");

    // A strict integer is exactly the canonical decimal text of its value.
    for word in stream.split(|&b| b == b'\r' || b == b'\n' || b == b' ') {
        if let Some(n) = parse_i64(word) {
            assert_eq!(n.to_string().as_bytes(), word, "parse_i64 accepted a non-canonical integer");
        }
    }
    let _ = parse_i64(stream);
}

/// What parsing a stream produced: every request's arguments, then how it stopped.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    requests: Vec<Vec<Vec<u8>>>,
    error: Option<String>,
    /// Bytes of the unfinished last request.
    pending: usize,
}

/// Feeds `stream` to one parser `step` bytes at a time, the way `conn.rs` does.
fn parse_stream(stream: &[u8], lim: &ParseLimits, step: usize) -> Parsed {
    // The longest request header line the parser looks at before giving up on it.
    const HEADER_LINE: usize = 32;
    let cap = lim.max_request_bytes.max(lim.max_inline_len).max(HEADER_LINE + 2);
    let mut parser = Parser::new();
    let mut out = Parsed { requests: Vec::new(), error: None, pending: 0 };
    let (mut start, mut have) = (0, 0);
    loop {
        let buf = &stream[start..have];
        match parser.parse(buf, lim) {
            Ok(Some(n)) => {
                assert!(n > 0 && n <= buf.len(), "request length {n} outside the {} bytes given", buf.len());
                assert!(n <= cap, "a {n}-byte request passed the caps {lim:?}");
                let args = parser.args();
                assert!(args.len() <= lim.max_args, "{} arguments passed max_args {}", args.len(), lim.max_args);
                let mut req = Vec::with_capacity(args.len());
                for &(s, e) in args {
                    assert!(s <= e && e <= n, "argument span {s}..{e} outside the {n}-byte request");
                    assert!(e - s <= lim.max_bulk_len.max(lim.max_inline_len), "argument longer than the caps");
                    req.push(buf[s..e].to_vec());
                }
                out.requests.push(req);
                start += n;
            }
            Ok(None) => {
                // Asking for more is only allowed while the request can still fit the caps;
                // otherwise a client could grow the connection's buffer without bound.
                assert!(buf.len() < cap + HEADER_LINE, "parser wants more after {} bytes (caps {lim:?})", buf.len());
                if have == stream.len() {
                    out.pending = buf.len();
                    return out;
                }
                have = (have + step).min(stream.len());
            }
            Err(e) => {
                out.error = Some(e.0);
                return out;
            }
        }
    }
}
