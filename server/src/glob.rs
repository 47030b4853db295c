//! Glob matching for KEYS, SCAN MATCH and CONFIG GET: `*`, `?`, `[abc]`, `[^a-z]` and `\`
//! escapes, as Redis's patterns have them.
//!
//! The matcher is the two-pointer algorithm: on a mismatch it goes back only to the last `*`
//! seen, so its time is at most pattern length × key length whatever the pattern (a recursive
//! matcher is exponential on patterns like `a*a*a*a*b`).

/// One step of a pattern: what it matches and where the next step starts.
enum Token {
    Star,
    One(bool),
}

/// Reads the token at `p[i]` against byte `c` (for `Star` the byte is not consumed).
fn token(p: &[u8], i: usize, c: u8, nocase: bool) -> (Token, usize) {
    let eq = |a: u8, b: u8| if nocase { a.eq_ignore_ascii_case(&b) } else { a == b };
    match p[i] {
        b'*' => (Token::Star, i + 1),
        b'?' => (Token::One(true), i + 1),
        b'\\' if i + 1 < p.len() => (Token::One(eq(p[i + 1], c)), i + 2),
        b'[' => {
            let mut j = i + 1;
            let negate = j < p.len() && p[j] == b'^';
            if negate {
                j += 1;
            }
            let mut hit = false;
            // A class left open runs to the end of the pattern, as in Redis.
            while j < p.len() && p[j] != b']' {
                if p[j] == b'\\' && j + 1 < p.len() {
                    hit |= eq(p[j + 1], c);
                    j += 2;
                } else if j + 2 < p.len() && p[j + 1] == b'-' && p[j + 2] != b']' {
                    let (mut lo, mut hi) = (p[j], p[j + 2]);
                    if lo > hi {
                        std::mem::swap(&mut lo, &mut hi);
                    }
                    hit |= (lo..=hi).contains(&c)
                        || (nocase && (lo..=hi).contains(&c.to_ascii_lowercase()))
                        || (nocase && (lo..=hi).contains(&c.to_ascii_uppercase()));
                    j += 3;
                } else {
                    hit |= eq(p[j], c);
                    j += 1;
                }
            }
            let next = if j < p.len() { j + 1 } else { j };
            (Token::One(hit != negate), next)
        }
        other => (Token::One(eq(other, c)), i + 1),
    }
}

/// Whether `s` matches the glob `pattern` (bytes compared exactly, or ASCII case-insensitively
/// with `nocase`).
pub fn matches(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    let (mut pi, mut si) = (0, 0);
    // Where to resume after the last `*`: pattern index after it, and the next string index.
    let mut resume: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < pattern.len() {
            match token(pattern, pi, s[si], nocase) {
                (Token::Star, next) => {
                    resume = Some((next, si));
                    pi = next;
                    continue;
                }
                (Token::One(true), next) => {
                    pi = next;
                    si += 1;
                    continue;
                }
                (Token::One(false), _) => {}
            }
        }
        match resume {
            Some((rp, rs)) => {
                // Let the last `*` swallow one more byte and try again from there.
                resume = Some((rp, rs + 1));
                pi = rp;
                si = rs + 1;
            }
            None => return false,
        }
    }
    // The string is used up: what is left of the pattern must be stars only.
    pattern[pi..].iter().all(|&b| b == b'*')
}

/// Whether a pattern is a literal prefix followed by `*` only (`user:*`), so that a scan can be
/// limited to that prefix. Returns the prefix.
pub fn literal_prefix(pattern: &[u8]) -> &[u8] {
    let end = pattern.iter().position(|&b| matches!(b, b'*' | b'?' | b'[' | b'\\')).unwrap_or(pattern.len());
    &pattern[..end]
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn matches_like_redis_patterns() {
        let yes: &[(&str, &str)] = &[
            ("*", ""),
            ("*", "anything"),
            ("h?llo", "hello"),
            ("h*llo", "heeeello"),
            ("h[ae]llo", "hallo"),
            ("h[^e]llo", "hallo"),
            ("h[a-b]llo", "hbllo"),
            ("h[b-a]llo", "hallo"),
            ("user:*:name", "user:42:name"),
            ("a\\*b", "a*b"),
            ("[\\]]", "]"),
            ("*a*b*c", "xxaxxbxxc"),
        ];
        for (p, s) in yes {
            assert!(matches(p.as_bytes(), s.as_bytes(), false), "{p} should match {s}");
        }
        let no: &[(&str, &str)] = &[
            ("h?llo", "hllo"),
            ("h[^e]llo", "hello"),
            ("h[a-b]llo", "hcllo"),
            ("a\\*b", "axb"),
            ("abc", "abcd"),
            ("*a", "b"),
            ("", "a"),
        ];
        for (p, s) in no {
            assert!(!matches(p.as_bytes(), s.as_bytes(), false), "{p} should not match {s}");
        }
        assert!(matches(b"HELLO*", b"hello world", true));
    }

    #[test]
    fn hostile_patterns_finish_quickly() {
        let s = vec![b'a'; 10_000];
        let mut p = b"a*".repeat(200);
        p.push(b'b');
        let start = std::time::Instant::now();
        assert!(!matches(&p, &s, false));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
