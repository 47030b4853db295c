//! The RESP wire format: an incremental request parser whose caps are checked before anything is
//! allocated, and a reply encoder that speaks RESP2 or RESP3.
//!
//! The parser never copies arguments: a parsed request is a list of spans into the connection's
//! read buffer. It keeps its progress between reads, so a large request arriving in many pieces
//! is scanned once, not once per piece.

/// The caps the parser applies to one request.
#[derive(Clone, Copy, Debug)]
pub struct ParseLimits {
    pub max_args: usize,
    pub max_bulk_len: usize,
    pub max_request_bytes: usize,
    pub max_inline_len: usize,
}

/// A malformed or oversized request. The connection answers with the message and closes, as
/// Redis does: after a framing error nothing later in the stream can be trusted.
#[derive(Debug, PartialEq, Eq)]
pub struct ProtocolError(pub String);

fn proto_err(msg: impl Into<String>) -> ProtocolError {
    ProtocolError(format!("ERR Protocol error: {}", msg.into()))
}

/// Longest header line (`*N` or `$N`) accepted: a count needs at most 20 digits.
const MAX_HEADER_LINE: usize = 32;

#[derive(Debug)]
enum State {
    /// Between requests.
    Idle,
    /// Inside a `*N` request: `remaining` bulk strings to go, the next one starting at `pos`
    /// (offset from the start of the request).
    Multi { remaining: usize, pos: usize },
}

/// Parses requests out of a byte buffer, keeping progress across calls.
#[derive(Debug)]
pub struct Parser {
    /// Argument spans `(start, end)` relative to the start of the request.
    args: Vec<(usize, usize)>,
    state: State,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

/// Finds `\r\n` in `buf` within the first `max` bytes; `Err` if there is none and `max` bytes are
/// already there (the line is too long).
fn find_crlf(buf: &[u8], max: usize) -> Result<Option<usize>, ()> {
    let window = &buf[..buf.len().min(max)];
    match window.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && window[i - 1] == b'\r' => Ok(Some(i - 1)),
        Some(_) => Err(()),
        None if buf.len() >= max => Err(()),
        None => Ok(None),
    }
}

/// A decimal integer, strictly: an optional `-` and digits, nothing else.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => return None,
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 20 || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let v = (d - b'0') as i64;
        n = if neg { n.checked_mul(10)?.checked_sub(v)? } else { n.checked_mul(10)?.checked_add(v)? };
    }
    if neg && n == 0 {
        return None;
    }
    Some(n)
}

impl Parser {
    pub fn new() -> Parser {
        Parser { args: Vec::new(), state: State::Idle }
    }

    /// The argument spans of the request `parse` last completed, relative to where it started.
    pub fn args(&self) -> &[(usize, usize)] {
        &self.args
    }

    /// Whether a request has been started but not finished.
    pub fn in_progress(&self) -> bool {
        matches!(self.state, State::Multi { .. })
    }

    /// Tries to complete one request at the start of `buf`. `Ok(Some(n))`: a request of `n` bytes
    /// is complete and [`Parser::args`] holds its arguments (possibly none, for an empty line or
    /// `*0`, which callers skip). `Ok(None)`: more bytes are needed; call again with the same
    /// start and more bytes after it.
    pub fn parse(&mut self, buf: &[u8], lim: &ParseLimits) -> Result<Option<usize>, ProtocolError> {
        if let State::Idle = self.state {
            self.args.clear();
            let Some(&first) = buf.first() else { return Ok(None) };
            if first != b'*' {
                return self.parse_inline(buf, lim);
            }
            let line = match find_crlf(buf, MAX_HEADER_LINE) {
                Ok(Some(end)) => end,
                Ok(None) => return Ok(None),
                Err(()) => return Err(proto_err("invalid multibulk length")),
            };
            let n = parse_i64(&buf[1..line]).ok_or_else(|| proto_err("invalid multibulk length"))?;
            if n > lim.max_args as i64 {
                return Err(proto_err("invalid multibulk length"));
            }
            if n <= 0 {
                // `*0` and `*-1` are empty requests: nothing to run.
                return Ok(Some(line + 2));
            }
            // Reserve for what a small request needs, never for the declared count.
            self.args.reserve((n as usize).min(16));
            self.state = State::Multi { remaining: n as usize, pos: line + 2 };
        }
        let State::Multi { mut remaining, mut pos } = self.state else { unreachable!() };
        let result = loop {
            if remaining == 0 {
                break Ok(Some(pos));
            }
            let rest = &buf[pos.min(buf.len())..];
            let Some(&first) = rest.first() else { break Ok(None) };
            if first != b'$' {
                break Err(proto_err(format!("expected '$', got '{}'", first as char)));
            }
            let line = match find_crlf(rest, MAX_HEADER_LINE) {
                Ok(Some(end)) => end,
                Ok(None) => break Ok(None),
                Err(()) => break Err(proto_err("invalid bulk length")),
            };
            let len = match parse_i64(&rest[1..line]) {
                Some(l) if l >= 0 && l as usize <= lim.max_bulk_len => l as usize,
                _ => break Err(proto_err("invalid bulk length")),
            };
            let start = pos + line + 2;
            let end = start + len;
            if end + 2 > lim.max_request_bytes {
                break Err(proto_err("request too large"));
            }
            if buf.len() < end + 2 {
                break Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                break Err(proto_err("bulk string not terminated by CRLF"));
            }
            self.args.push((start, end));
            pos = end + 2;
            remaining -= 1;
        };
        match result {
            Ok(Some(n)) => {
                self.state = State::Idle;
                Ok(Some(n))
            }
            Ok(None) => {
                self.state = State::Multi { remaining, pos };
                Ok(None)
            }
            Err(e) => {
                self.state = State::Idle;
                self.args.clear();
                Err(e)
            }
        }
    }

    /// An inline command: words separated by spaces, optionally in single or double quotes.
    fn parse_inline(&mut self, buf: &[u8], lim: &ParseLimits) -> Result<Option<usize>, ProtocolError> {
        let window = &buf[..buf.len().min(lim.max_inline_len)];
        let Some(nl) = window.iter().position(|&b| b == b'\n') else {
            if buf.len() >= lim.max_inline_len {
                return Err(proto_err("too big inline request"));
            }
            return Ok(None);
        };
        let line_end = if nl > 0 && buf[nl - 1] == b'\r' { nl - 1 } else { nl };
        let mut i = 0;
        while i < line_end {
            let c = buf[i];
            if c == b' ' || c == b'\t' {
                i += 1;
                continue;
            }
            if c == b'"' || c == b'\'' {
                let close = buf[i + 1..line_end].iter().position(|&b| b == c);
                let Some(off) = close else { return Err(proto_err("unbalanced quotes in request")) };
                self.args.push((i + 1, i + 1 + off));
                i = i + 2 + off;
                if i < line_end && buf[i] != b' ' && buf[i] != b'\t' {
                    return Err(proto_err("unbalanced quotes in request"));
                }
            } else {
                let start = i;
                while i < line_end && buf[i] != b' ' && buf[i] != b'\t' {
                    i += 1;
                }
                self.args.push((start, i));
            }
            if self.args.len() > lim.max_args {
                return Err(proto_err("invalid multibulk length"));
            }
        }
        Ok(Some(nl + 1))
    }
}

/// Writes an unsigned integer in decimal without allocating.
fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

fn push_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_u64(out, n.unsigned_abs());
}

/// Reply encoder for one connection: appends to its output buffer in the protocol the client
/// chose with HELLO (2 or 3).
pub struct Out {
    pub buf: Vec<u8>,
    pub resp3: bool,
}

impl Out {
    pub fn new() -> Out {
        Out { buf: Vec::with_capacity(16 * 1024), resp3: false }
    }

    fn header(&mut self, tag: u8, n: usize) {
        self.buf.push(tag);
        push_u64(&mut self.buf, n as u64);
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    pub fn simple(&mut self, s: &str) {
        self.buf.push(b'+');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error reply; `msg` starts with its code (`ERR`, `WRONGTYPE`...). Line breaks in it
    /// would break the framing, so they become spaces.
    pub fn error(&mut self, msg: &str) {
        self.buf.push(b'-');
        self.buf.extend(msg.bytes().map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }));
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn int(&mut self, n: i64) {
        self.buf.push(b':');
        push_i64(&mut self.buf, n);
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn bulk(&mut self, b: &[u8]) {
        self.header(b'$', b.len());
        self.buf.extend_from_slice(b);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string of an integer (`$2\r\n42\r\n`).
    pub fn bulk_int(&mut self, n: i64) {
        let mut tmp = Vec::with_capacity(20);
        push_i64(&mut tmp, n);
        self.bulk(&tmp);
    }

    /// The absent value: RESP2 null bulk string, RESP3 null.
    pub fn null(&mut self) {
        self.buf.extend_from_slice(if self.resp3 { b"_\r\n" } else { b"$-1\r\n" });
    }

    /// The absent array (an aborted EXEC): RESP2 null array, RESP3 null.
    pub fn null_array(&mut self) {
        self.buf.extend_from_slice(if self.resp3 { b"_\r\n" } else { b"*-1\r\n" });
    }

    pub fn array(&mut self, n: usize) {
        self.header(b'*', n);
    }

    /// A map of `n` pairs: RESP3 map, RESP2 flat array of `2n` items.
    pub fn map(&mut self, n: usize) {
        if self.resp3 {
            self.header(b'%', n);
        } else {
            self.header(b'*', 2 * n);
        }
    }

    /// A set of `n` items: RESP3 set, RESP2 array.
    pub fn set(&mut self, n: usize) {
        self.header(if self.resp3 { b'~' } else { b'*' }, n);
    }

    /// Text for humans (INFO, CLIENT LIST): RESP3 verbatim string, RESP2 bulk string.
    pub fn verbatim(&mut self, text: &str) {
        if self.resp3 {
            self.header(b'=', text.len() + 4);
            self.buf.extend_from_slice(b"txt:");
            self.buf.extend_from_slice(text.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(text.as_bytes());
        }
    }
}

impl Default for Out {
    fn default() -> Self {
        Out::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: ParseLimits =
        ParseLimits { max_args: 8, max_bulk_len: 100, max_request_bytes: 1000, max_inline_len: 64 };

    fn args(p: &Parser, buf: &[u8]) -> Vec<Vec<u8>> {
        p.args().iter().map(|&(s, e)| buf[s..e].to_vec()).collect()
    }

    #[test]
    fn parses_a_request_delivered_one_byte_at_a_time() {
        let req = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
        let mut p = Parser::new();
        for end in 0..req.len() {
            assert_eq!(p.parse(&req[..end], &LIM), Ok(None), "complete too early at {end}");
        }
        assert_eq!(p.parse(req, &LIM), Ok(Some(req.len())));
        assert_eq!(args(&p, req), vec![b"SET".to_vec(), b"k".to_vec(), b"hello".to_vec()]);
    }

    #[test]
    fn refuses_counts_and_lengths_over_the_caps_before_the_data() {
        let mut p = Parser::new();
        assert!(p.parse(b"*9\r\n", &LIM).is_err());
        let mut p = Parser::new();
        assert!(p.parse(b"*1\r\n$101\r\n", &LIM).is_err());
        let mut p = Parser::new();
        assert!(p.parse(b"*1\r\n$99999999999999999999999\r\n", &LIM).is_err());
        let mut p = Parser::new();
        assert!(p.parse(b"*1\r\n$-5\r\n", &LIM).is_err());
        let mut p = Parser::new();
        assert!(p.parse(b"*1\r\nxyz\r\n", &LIM).is_err());
        let mut p = Parser::new();
        assert!(p.parse(b"*1\r\n$3\r\nabcXY", &LIM).is_err());
    }

    #[test]
    fn parses_inline_commands_with_quotes() {
        let mut p = Parser::new();
        let line = b"SET  \"a b\" 'c'\r\nPING";
        assert_eq!(p.parse(line, &LIM), Ok(Some(16)));
        assert_eq!(args(&p, line), vec![b"SET".to_vec(), b"a b".to_vec(), b"c".to_vec()]);
        assert!(Parser::new().parse(b"GET \"x\r\n", &LIM).is_err());
        assert!(Parser::new().parse(&[b'a'; 64], &LIM).is_err());
    }

    #[test]
    fn integers_are_strict() {
        assert_eq!(parse_i64(b"-42"), Some(-42));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [&b""[..], b"9223372036854775808", b"+1", b"01", b"1 ", b"-", b"-0", b"1e3"] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn encodes_nulls_by_protocol() {
        let mut o = Out::new();
        o.null();
        o.resp3 = true;
        o.null();
        o.map(1);
        assert_eq!(o.buf, b"$-1\r\n_\r\n%1\r\n");
    }
}
