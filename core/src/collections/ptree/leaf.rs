//! Leaves: a run of entries packed into one immutable, shared allocation, and the packing of an
//! edited run back into leaves within the size limits.
//!
//! Buffer layout (one `Arc<[u8]>`, so a one-leaf tree is a single allocation):
//!
//! ```text
//! [width: u8][count: u8] [key_end_0 value_end_0] .. [key_end_n-1 value_end_n-1] [key_0 value_0 .. key_n-1 value_n-1]
//! ```
//!
//! The ends are little-endian integers of `width` bytes, relative to the data area. Entry `i`'s key
//! runs from the previous entry's value end to its key end, its value from there to its value end.
//! `width` is 2 while the data fits 64 KiB, which every leaf within the byte limit does, so an entry
//! costs 4 bytes beyond its key and value; a leaf that holds one big entry alone uses 4 or 8.
//!
//! A leaf is never changed in place: an edit builds a new, exactly sized leaf. The old one is almost
//! always still shared with an older version of the tree, so in-place edits would rarely be possible,
//! and exact sizing keeps memory close to the data.

use std::iter;
use std::sync::Arc;

/// Most entries in a leaf.
pub(super) const MAX_ENTRIES: usize = 64;
/// Most key and value bytes in a leaf, unless it holds a single entry (which may be of any size).
pub(super) const MAX_BYTES: usize = 2048;
/// A leaf with fewer entries than this and fewer bytes than `MIN_BYTES` is underfull: it is merged
/// with a sibling when the two fit in one leaf.
pub(super) const MIN_ENTRIES: usize = MAX_ENTRIES / 4;
pub(super) const MIN_BYTES: usize = MAX_BYTES / 4;

/// Bytes before the offsets: width and count.
const HEAD: usize = 2;

/// A borrowed entry: (key, value).
pub(super) type Entry<'a> = (&'a [u8], &'a [u8]);

#[derive(Clone)]
pub(super) struct Leaf(Arc<[u8]>);

/// The leaves an edited run of entries packs into: usually one, so that case allocates nothing else.
pub(super) enum Packed {
    One(Leaf),
    /// Zero (the run became empty) or several leaves, in order.
    Many(Vec<Leaf>),
}

/// Approximate bytes a heap allocation of `n` bytes takes, with the allocator's header and rounding
/// (a 16-byte granule and an 8-byte header, as glibc's malloc has).
pub(super) fn alloc_cost(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n + 8).next_multiple_of(16).max(32)
    }
}

/// Whether `n` entries of `bytes` key and value bytes in all may share one leaf.
fn fits(n: usize, bytes: usize) -> bool {
    n <= MAX_ENTRIES && (bytes <= MAX_BYTES || n == 1)
}

fn width_for(data: usize) -> usize {
    if data <= u16::MAX as usize {
        2
    } else if data <= u32::MAX as usize {
        4
    } else {
        8
    }
}

/// The shortest separator `s` with `a < s <= b` when `a < b`: `b` cut one byte after its common
/// prefix with `a`. Short separators keep inner nodes small when keys share long prefixes.
pub(super) fn sep_between<'b>(a: &[u8], b: &'b [u8]) -> &'b [u8] {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    &b[..(common + 1).min(b.len())]
}

/// A piece of a leaf being built: a run of an existing leaf's entries, or one entry.
#[derive(Clone, Copy)]
pub(super) enum Part<'a> {
    Run(&'a Leaf, usize, usize),
    One(&'a [u8], &'a [u8]),
}

impl Part<'_> {
    /// Entries and key and value bytes of the part.
    fn size(&self) -> (usize, usize) {
        match *self {
            Part::Run(l, from, to) => (to - from, l.data_before(to) - l.data_before(from)),
            Part::One(k, v) => (1, k.len() + v.len()),
        }
    }
}

fn put(buf: &mut [u8], at: usize, w: usize, x: usize) {
    match w {
        2 => buf[at..at + 2].copy_from_slice(&(x as u16).to_le_bytes()),
        4 => buf[at..at + 4].copy_from_slice(&(x as u32).to_le_bytes()),
        _ => buf[at..at + 8].copy_from_slice(&(x as u64).to_le_bytes()),
    }
}

impl Leaf {
    /// A leaf of `parts` (1 to 255 entries in all), in one exact allocation. A run of another leaf
    /// is copied with one `memcpy` of its data and a pass that shifts its offsets.
    pub(super) fn build(parts: &[Part]) -> Leaf {
        let (mut n, mut data) = (0usize, 0usize);
        for p in parts {
            let (pn, pb) = p.size();
            (n, data) = (n + pn, data + pb);
        }
        assert!((1..=u8::MAX as usize).contains(&n), "a leaf holds 1 to 255 entries, not {n}");
        let w = width_for(data);
        let start = HEAD + 2 * w * n;
        // Collecting a `TrustedLen` iterator allocates the `Arc` once, already zeroed.
        let mut arc: Arc<[u8]> = iter::repeat_n(0u8, start + data).collect();
        let buf = Arc::get_mut(&mut arc).expect("a new Arc is unique");
        buf[0] = w as u8;
        buf[1] = n as u8;
        // `meta`: where the next offsets go; `at`: data bytes written so far.
        let (mut meta, mut at) = (HEAD, 0);
        for p in parts {
            match *p {
                Part::Run(l, from, to) => {
                    let (lo, hi) = (l.data_before(from), l.data_before(to));
                    buf[start + at..start + at + hi - lo]
                        .copy_from_slice(&l.0[l.data_start() + lo..l.data_start() + hi]);
                    for slot in 2 * from..2 * to {
                        put(buf, meta, w, l.end(slot) - lo + at);
                        meta += w;
                    }
                    at += hi - lo;
                }
                Part::One(k, v) => {
                    buf[start + at..start + at + k.len()].copy_from_slice(k);
                    put(buf, meta, w, at + k.len());
                    at += k.len();
                    buf[start + at..start + at + v.len()].copy_from_slice(v);
                    at += v.len();
                    put(buf, meta + w, w, at);
                    meta += 2 * w;
                }
            }
        }
        Leaf(arc)
    }

    /// Data bytes of entries `..i`.
    #[inline]
    fn data_before(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.end(2 * i - 1)
        }
    }

    #[inline]
    fn width(&self) -> usize {
        self.0[0] as usize
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.0[1] as usize
    }

    /// Offset number `slot` (2i: end of key i, 2i + 1: end of value i), relative to the data area.
    #[inline]
    fn end(&self, slot: usize) -> usize {
        let b = &self.0[..];
        match self.width() {
            2 => u16::from_le_bytes([b[HEAD + 2 * slot], b[HEAD + 2 * slot + 1]]) as usize,
            4 => u32::from_le_bytes(b[HEAD + 4 * slot..HEAD + 4 * slot + 4].try_into().expect("4 bytes")) as usize,
            _ => u64::from_le_bytes(b[HEAD + 8 * slot..HEAD + 8 * slot + 8].try_into().expect("8 bytes")) as usize,
        }
    }

    #[inline]
    fn data_start(&self) -> usize {
        HEAD + 2 * self.width() * self.len()
    }

    /// Key and value bytes of all entries.
    #[inline]
    pub(super) fn data_len(&self) -> usize {
        self.0.len() - self.data_start()
    }

    /// Heap this leaf takes: its one allocation, with the `Arc` counts.
    #[inline]
    pub(super) fn heap(&self) -> usize {
        alloc_cost(16 + self.0.len())
    }

    #[inline]
    pub(super) fn entry(&self, i: usize) -> Entry<'_> {
        let start = self.data_start();
        let (from, kend, vend) = (self.data_before(i), self.end(2 * i), self.end(2 * i + 1));
        (&self.0[start + from..start + kend], &self.0[start + kend..start + vend])
    }

    #[inline]
    pub(super) fn key(&self, i: usize) -> &[u8] {
        let start = self.data_start();
        &self.0[start + self.data_before(i)..start + self.end(2 * i)]
    }

    #[inline]
    pub(super) fn value(&self, i: usize) -> &[u8] {
        self.entry(i).1
    }

    pub(super) fn first_key(&self) -> &[u8] {
        self.key(0)
    }

    pub(super) fn last_key(&self) -> &[u8] {
        self.key(self.len() - 1)
    }

    /// Like `slice::binary_search` on the keys.
    pub(super) fn search(&self, key: &[u8]) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.key(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// Entries with a key below `key` (or equal to it, if `inclusive`).
    pub(super) fn count_below(&self, key: &[u8], inclusive: bool) -> usize {
        match self.search(key) {
            Ok(i) => i + inclusive as usize,
            Err(i) => i,
        }
    }

    #[cfg(test)]
    pub(super) fn underfull(&self) -> bool {
        underfull(self.len(), self.data_len())
    }

    /// Whether this leaf and `other` fit in one leaf.
    pub(super) fn can_merge(&self, other: &Leaf) -> bool {
        can_merge((self.len(), self.data_len()), (other.len(), other.data_len()))
    }

    pub(super) fn merged(&self, other: &Leaf) -> Leaf {
        Leaf::build(&[Part::Run(self, 0, self.len()), Part::Run(other, 0, other.len())])
    }

    /// Entries `..at` and `at..` as two leaves (`0 < at < len`).
    pub(super) fn split(&self, at: usize) -> (Leaf, Leaf) {
        (Leaf::build(&[Part::Run(self, 0, at)]), Leaf::build(&[Part::Run(self, at, self.len())]))
    }

    pub(super) fn with_inserted(&self, at: usize, key: &[u8], value: &[u8]) -> Packed {
        pack(&[Part::Run(self, 0, at), Part::One(key, value), Part::Run(self, at, self.len())])
    }

    pub(super) fn with_removed(&self, at: usize) -> Packed {
        pack(&[Part::Run(self, 0, at), Part::Run(self, at + 1, self.len())])
    }

    pub(super) fn with_value(&self, at: usize, value: &[u8]) -> Packed {
        pack(&[Part::Run(self, 0, at), Part::One(self.key(at), value), Part::Run(self, at + 1, self.len())])
    }

    /// Whether the buffer is well formed, for `PTree::check`: offsets in order and in bounds, the
    /// narrowest width used.
    #[cfg(test)]
    pub(super) fn check(&self) {
        let n = self.len();
        assert!(n >= 1, "empty leaf");
        assert!(self.0.len() >= self.data_start(), "leaf shorter than its offsets");
        assert_eq!(self.width(), width_for(self.data_len()), "leaf offset width");
        let mut prev = 0;
        for slot in 0..2 * n {
            assert!(self.end(slot) >= prev, "leaf offsets out of order");
            prev = self.end(slot);
        }
        assert_eq!(prev, self.data_len(), "leaf offsets do not end at the buffer's end");
    }
}

/// Whether a leaf of `n` entries and `bytes` bytes is underfull.
pub(super) fn underfull(n: usize, bytes: usize) -> bool {
    n < MIN_ENTRIES && bytes < MIN_BYTES
}

/// Whether leaves of (entries, bytes) `a` and `b` fit in one.
pub(super) fn can_merge(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 + b.0 <= MAX_ENTRIES && a.1 + b.1 <= MAX_BYTES
}

/// Packs `parts` into leaves: one if they fit, none if they are empty, else several, each within
/// the limits (or a single big entry), cut where the two sides balance.
pub(super) fn pack(parts: &[Part]) -> Packed {
    let (mut n, mut bytes) = (0usize, 0usize);
    for p in parts {
        let (pn, pb) = p.size();
        (n, bytes) = (n + pn, bytes + pb);
    }
    if n == 0 {
        return Packed::Many(Vec::new());
    }
    if fits(n, bytes) {
        return Packed::One(Leaf::build(parts));
    }
    let mut all = Vec::with_capacity(n);
    for p in parts {
        match *p {
            Part::Run(l, from, to) => all.extend((from..to).map(|i| l.entry(i))),
            Part::One(k, v) => all.push((k, v)),
        }
    }
    let mut out = Vec::with_capacity(3);
    split_into(&all, bytes, &mut out);
    Packed::Many(out)
}

/// Cuts `entries` (of `bytes` bytes, too many for one leaf) in two where the fuller side is least
/// full, counting entries and bytes each against their limit, and recurses on each side. An edit of
/// one entry gives at most three leaves: the left part, a big new entry alone, the right part.
fn split_into(entries: &[Entry], bytes: usize, out: &mut Vec<Leaf>) {
    if fits(entries.len(), bytes) {
        out.push(Leaf::build(&entries.iter().map(|&(k, v)| Part::One(k, v)).collect::<Vec<_>>()));
        return;
    }
    let cost = |n: usize, b: usize| (n * MAX_BYTES).max(b.saturating_mul(MAX_ENTRIES));
    let (mut left, mut best, mut cut, mut cut_bytes) = (0, usize::MAX, 1, 0);
    for c in 1..entries.len() {
        left += entries[c - 1].0.len() + entries[c - 1].1.len();
        let worse = cost(c, left).max(cost(entries.len() - c, bytes - left));
        if worse < best {
            (best, cut, cut_bytes) = (worse, c, left);
        }
    }
    split_into(&entries[..cut], cut_bytes, out);
    split_into(&entries[cut..], bytes - cut_bytes, out);
}

/// Greedy full packing for bulk builds: each leaf takes entries until the next would not fit, so
/// no two neighbours could merge.
pub(super) struct Filler<'a> {
    run: Vec<Part<'a>>,
    bytes: usize,
}

impl<'a> Filler<'a> {
    pub(super) fn new() -> Self {
        Filler { run: Vec::with_capacity(MAX_ENTRIES), bytes: 0 }
    }

    /// Adds `e`; returns the completed leaf if `e` did not fit in the current one.
    pub(super) fn push(&mut self, (k, v): Entry<'a>) -> Option<Leaf> {
        let size = k.len() + v.len();
        let done =
            if !self.run.is_empty() && !fits(self.run.len() + 1, self.bytes + size) { self.finish() } else { None };
        self.run.push(Part::One(k, v));
        self.bytes += size;
        done
    }

    pub(super) fn finish(&mut self) -> Option<Leaf> {
        if self.run.is_empty() {
            return None;
        }
        let leaf = Leaf::build(&self.run);
        self.run.clear();
        self.bytes = 0;
        Some(leaf)
    }
}
