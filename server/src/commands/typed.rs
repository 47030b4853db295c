//! What the collection families (hashes, lists, sets, sorted sets) share: Redis's number parsing
//! and score formatting, and the HSCAN/SSCAN/ZSCAN cursor, which maps the engine's "resume after
//! this element" to the integer cursor clients expect through the server's SCAN cursor table.

use super::args::Args;
use super::{reply_err, CmdError, Ctx, NOT_INT, SYNTAX};
use crate::glob;
use crate::resp::{parse_i64, Out};

/// Redis's error for a negative count where only positive ones make sense (LPOP, SPOP...).
pub const NOT_POSITIVE: &str = "ERR value is out of range, must be positive";

/// The longest MATCH pattern accepted, as for SCAN: matching costs pattern × element length.
const MAX_PATTERN: usize = 1024;

/// A float as Redis reads one (strtod): decimal or exponent notation, `inf`/`+inf`/`-inf`, no
/// NaN, no surrounding spaces.
pub fn parse_float(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?;
    if s.is_empty() || s.trim() != s {
        return None;
    }
    let v = match s.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        // Rust would also read "nan" and "infinity" spellings; those were handled or are refused.
        t if t.contains("nan") => return None,
        _ => s.parse().ok()?,
    };
    Some(v)
}

/// Argument `i` as an integer, or Redis's error.
pub fn int_at(args: Args<'_>, i: usize) -> Result<i64, CmdError> {
    parse_i64(args.get(i)).ok_or_else(|| reply_err(NOT_INT))
}

/// Argument `i` as a float, or Redis's error.
pub fn float_at(args: Args<'_>, i: usize) -> Result<f64, CmdError> {
    parse_float(args.get(i)).ok_or_else(|| reply_err(super::NOT_FLOAT))
}

/// A score as Redis writes it in text: the shortest form that reads back the same, `inf` and
/// `-inf` for the infinities, an exponent only for very large or small magnitudes.
pub fn format_score(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-5..1e17).contains(&a) {
        return format!("{v}");
    }
    // Rust writes "1e20"; C's printf, which Redis's replies follow, writes "1e+20".
    let s = format!("{v:e}");
    match s.split_once('e') {
        Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
        _ => s,
    }
}

/// A score reply: a bulk string in RESP2, a double in RESP3.
pub fn score(out: &mut Out, v: f64) {
    if out.resp3 {
        out.buf.push(b',');
        out.buf.extend_from_slice(format_score(v).as_bytes());
        out.buf.extend_from_slice(b"\r\n");
    } else {
        out.bulk(format_score(v).as_bytes());
    }
}

/// A score or a null (ZSCORE, ZMSCORE, ZADD INCR).
pub fn opt_score(out: &mut Out, v: Option<f64>) {
    match v {
        Some(v) => score(out, v),
        None => out.null(),
    }
}

/// What `HSCAN key cursor [MATCH p] [COUNT n] [NOVALUES]` (and SSCAN, ZSCAN) asked for.
pub struct ScanArgs<'a> {
    /// Where to resume: None from the start; `Some(None)` for a cursor this server does not
    /// know (forgotten or made up), which ends the walk at once, as SCAN does.
    pub after: Option<Option<Vec<u8>>>,
    pub pattern: Option<&'a [u8]>,
    pub count: usize,
    /// HSCAN NOVALUES: fields only.
    pub novalues: bool,
}

/// Parses the arguments of a collection scan; `novalues_ok` for HSCAN only.
pub fn scan_args<'a>(ctx: &Ctx<'_>, args: Args<'a>, novalues_ok: bool) -> Result<ScanArgs<'a>, CmdError> {
    let cursor = match parse_i64(args.get(2)) {
        Some(c) if c >= 0 => c as u64,
        _ => return Err(reply_err("ERR invalid cursor")),
    };
    let mut s = ScanArgs { after: None, pattern: None, count: 10, novalues: false };
    let mut i = 3;
    while i < args.len() {
        let opt = args.lower(i);
        if opt == "novalues" && novalues_ok {
            s.novalues = true;
            i += 1;
            continue;
        }
        if i + 1 >= args.len() {
            return Err(reply_err(SYNTAX));
        }
        match opt.as_str() {
            "match" => {
                let p = args.get(i + 1);
                if p.len() > MAX_PATTERN {
                    return Err(reply_err(format!("ERR pattern longer than {MAX_PATTERN} bytes")));
                }
                s.pattern = Some(p);
            }
            "count" => match int_at(args, i + 1)? {
                c if c >= 1 => s.count = (c as usize).min(1 << 20),
                _ => return Err(reply_err(SYNTAX)),
            },
            _ => return Err(reply_err(SYNTAX)),
        }
        i += 2;
    }
    if cursor != 0 {
        s.after = Some(ctx.state.cursors.lock().resume(cursor));
    }
    Ok(s)
}

impl ScanArgs<'_> {
    /// Whether an element passes MATCH.
    pub fn keeps(&self, element: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob::matches(p, element, false))
    }
}

/// Writes the cursor part of a scan reply (`next` is the last element returned when the walk
/// is not done) and opens the array of `n` items that follows.
pub fn scan_reply_head(ctx: &Ctx<'_>, out: &mut Out, next: Option<Vec<u8>>, n: usize) {
    let cursor = match next {
        Some(last) => ctx.state.cursors.lock().remember(last),
        None => 0,
    };
    out.array(2);
    out.bulk(cursor.to_string().as_bytes());
    out.array(n);
}

/// The reply of a scan whose cursor this server does not know: the walk is over.
pub fn scan_done(out: &mut Out) {
    out.array(2);
    out.bulk(b"0");
    out.array(0);
}

/// The `count` of HRANDFIELD, SRANDMEMBER and ZRANDMEMBER; with values (WITHVALUES,
/// WITHSCORES) a negative count's repetitions are bounded as Redis bounds them, so that the
/// reply's size cannot overflow. A negative count asks for that many picks whatever the size
/// of the collection, so one whose reply could not fit the client's output limit (each pick
/// takes at least 6 bytes) is refused before the engine builds it in memory.
pub fn rand_count(ctx: &Ctx<'_>, args: Args<'_>, with_values: bool) -> Result<i64, CmdError> {
    let n = int_at(args, 2)?;
    let bound = if with_values { i64::MAX / 2 } else { i64::MAX };
    if n < -bound {
        return Err(reply_err("ERR value is out of range"));
    }
    let per_pick = if with_values { 12 } else { 6 };
    if n < 0 && n.unsigned_abs().saturating_mul(per_pick) > ctx.state.config.limits.max_output_bytes as u64 {
        return Err(reply_err("ERR the reply would pass the client output limit; ask for fewer"));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_and_print_as_redis_does() {
        assert_eq!(parse_float(b"1.5"), Some(1.5));
        assert_eq!(parse_float(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_float(b"1e3"), Some(1000.0));
        for bad in [&b"nan"[..], b"", b" 1", b"1x", b"NaN"] {
            assert_eq!(parse_float(bad), None, "{bad:?}");
        }
        assert_eq!(format_score(1.5), "1.5");
        assert_eq!(format_score(3.0), "3");
        assert_eq!(format_score(-0.0), "0");
        assert_eq!(format_score(f64::INFINITY), "inf");
        assert_eq!(format_score(f64::NEG_INFINITY), "-inf");
        assert_eq!(format_score(0.1), "0.1");
        assert_eq!(format_score(1e20), "1e+20");
        assert_eq!(format_score(1.5e-7), "1.5e-7");
    }
}
