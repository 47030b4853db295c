//! Random picks (HRANDFIELD, SRANDMEMBER, SPOP, ZRANDMEMBER) and cursor scans (HSCAN, SSCAN,
//! ZSCAN) over a collection's tree: both work on ranks, which the counted tree finds in
//! O(log n).

use std::cell::Cell;

use super::ptree::PTree;

/// One page of a cursor scan (HSCAN, SSCAN, ZSCAN): the elements, and the cursor to pass next
/// (None when the walk is done).
pub type ScanPage<T> = (Vec<T>, Option<Vec<u8>>);

thread_local! {
    /// A per-thread xorshift state, seeded from the OS's hasher randomness: picks need to be
    /// unpredictable enough for sampling, not for cryptography.
    static RNG: Cell<u64> = Cell::new(crate::hash::random_seed() | 1);
}

/// A random number below `n` (n > 0).
pub(crate) fn below(n: usize) -> usize {
    RNG.with(|r| {
        let mut x = r.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r.set(x);
        ((x as u128 * n as u128) >> 64) as usize
    })
}

/// The ranks to return for a random pick of `count` among `len` (Redis's rule): a positive count
/// gives distinct ranks, at most `len` of them, in random order; a negative one gives `-count`
/// ranks that may repeat.
pub(crate) fn pick_ranks(len: usize, count: i64) -> Vec<usize> {
    if len == 0 || count == 0 {
        return Vec::new();
    }
    if count < 0 {
        let n = count.unsigned_abs().min(usize::MAX as u64) as usize;
        return (0..n).map(|_| below(len)).collect();
    }
    let n = (count as u64).min(len as u64) as usize;
    if n * 2 >= len {
        // Most of the collection: shuffle all ranks and keep a prefix.
        let mut all: Vec<usize> = (0..len).collect();
        for i in (1..len).rev() {
            all.swap(i, below(i + 1));
        }
        all.truncate(n);
        return all;
    }
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let r = below(len);
        if seen.insert(r) {
            out.push(r);
        }
    }
    out
}

/// Up to `count` entries after `after` in key order and the cursor for the next call: the last
/// key returned, or None at the end. Keys present for the whole walk come exactly once.
#[allow(clippy::type_complexity)]
pub(crate) fn scan_tree(t: &PTree, after: Option<&[u8]>, count: usize) -> (Vec<(Vec<u8>, Vec<u8>)>, Option<Vec<u8>>) {
    let start = after.map_or(0, |a| t.lower_rank(std::ops::Bound::Excluded(a)));
    let end = start.saturating_add(count.max(1)).min(t.len());
    let out: Vec<(Vec<u8>, Vec<u8>)> = t.range(start..end).map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
    let next = if end < t.len() { out.last().map(|(k, _)| k.clone()) } else { None };
    (out, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_follow_redis_counts() {
        assert!(pick_ranks(0, 5).is_empty());
        let mut p = pick_ranks(10, 20);
        p.sort();
        assert_eq!(p, (0..10).collect::<Vec<_>>(), "a count past the size gives every rank once");
        let p = pick_ranks(1000, 10);
        assert_eq!(p.len(), 10);
        assert_eq!(p.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        let p = pick_ranks(3, -50);
        assert_eq!(p.len(), 50);
        assert!(p.iter().all(|&r| r < 3));
        let hits: std::collections::HashSet<_> = p.into_iter().collect();
        assert_eq!(hits.len(), 3, "50 picks among 3 hit each (chance of failure ~ 3 * (2/3)^50)");
    }
}
