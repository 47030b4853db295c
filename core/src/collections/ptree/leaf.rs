//! A leaf of the persistent tree: its entries packed in one byte buffer.
//!
//! `buf` holds key 0, value 0, key 1, value 1, ... back to back; `ends[2i]` is where key `i` ends
//! and `ends[2i + 1]` where its value ends. Against a `Vec<u8>` per key and value this saves two
//! allocations (and their headers) per entry: a small field costs its bytes plus 8.

/// Most entries in a leaf, and most bytes (unless one entry alone is bigger).
pub(super) const MAX_ENTRIES: usize = 64;
pub(super) const MAX_BYTES: usize = 2048;

#[derive(Clone, Default)]
pub(super) struct Leaf {
    buf: Vec<u8>,
    ends: Vec<u32>,
}

impl Leaf {
    pub(super) fn len(&self) -> usize {
        self.ends.len() / 2
    }

    pub(super) fn bytes(&self) -> usize {
        self.buf.len()
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[2 * i - 1] as usize
        }
    }

    pub(super) fn key(&self, i: usize) -> &[u8] {
        &self.buf[self.start(i)..self.ends[2 * i] as usize]
    }

    pub(super) fn value(&self, i: usize) -> &[u8] {
        &self.buf[self.ends[2 * i] as usize..self.ends[2 * i + 1] as usize]
    }

    pub(super) fn entry(&self, i: usize) -> (&[u8], &[u8]) {
        (self.key(i), self.value(i))
    }

    /// Binary search by key, like `slice::binary_search`.
    pub(super) fn find(&self, key: &[u8]) -> Result<usize, usize> {
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

    /// Appends an entry at the end.
    pub(super) fn push(&mut self, key: &[u8], value: &[u8]) {
        self.buf.extend_from_slice(key);
        self.ends.push(self.buf.len() as u32);
        self.buf.extend_from_slice(value);
        self.ends.push(self.buf.len() as u32);
    }

    pub(super) fn insert(&mut self, i: usize, key: &[u8], value: &[u8]) {
        let at = self.start(i);
        let add = key.len() + value.len();
        self.buf.splice(at..at, key.iter().chain(value).copied());
        for e in &mut self.ends[2 * i..] {
            *e += add as u32;
        }
        let k_end = (at + key.len()) as u32;
        self.ends.splice(2 * i..2 * i, [k_end, (at + add) as u32]);
    }

    pub(super) fn remove(&mut self, i: usize) -> (Vec<u8>, Vec<u8>) {
        let (k, v) = (self.key(i).to_vec(), self.value(i).to_vec());
        let at = self.start(i);
        let gone = k.len() + v.len();
        self.buf.drain(at..at + gone);
        self.ends.drain(2 * i..2 * i + 2);
        for e in &mut self.ends[2 * i..] {
            *e -= gone as u32;
        }
        (k, v)
    }

    pub(super) fn set_value(&mut self, i: usize, value: &[u8]) -> Vec<u8> {
        let old = self.value(i).to_vec();
        let (from, to) = (self.ends[2 * i] as usize, self.ends[2 * i + 1] as usize);
        self.buf.splice(from..to, value.iter().copied());
        let delta = value.len() as i64 - old.len() as i64;
        for e in &mut self.ends[2 * i + 1..] {
            *e = (*e as i64 + delta) as u32;
        }
        old
    }

    /// Replaces key `i` (its value stays).
    pub(super) fn set_key(&mut self, i: usize, key: &[u8]) {
        let (from, to) = (self.start(i), self.ends[2 * i] as usize);
        let delta = key.len() as i64 - (to - from) as i64;
        self.buf.splice(from..to, key.iter().copied());
        for e in &mut self.ends[2 * i..] {
            *e = (*e as i64 + delta) as u32;
        }
    }

    /// Keeps entries `..n`, returning the rest as a new leaf.
    pub(super) fn split_at(&mut self, n: usize) -> Leaf {
        let mut right = Leaf::default();
        for i in n..self.len() {
            let (k, v) = self.entry(i);
            right.push(k, v);
        }
        let at = self.start(n);
        self.buf.truncate(at);
        self.ends.truncate(2 * n);
        right
    }

    /// Too big: more entries or bytes than a leaf holds, with at least two entries to split.
    pub(super) fn overfull(&self) -> bool {
        self.len() >= 2 && (self.len() > MAX_ENTRIES || self.bytes() > MAX_BYTES)
    }

    /// Small enough to merge with a neighbour.
    pub(super) fn underfull(&self) -> bool {
        self.len() < MAX_ENTRIES / 4 && self.bytes() < MAX_BYTES / 4
    }

    /// Splits off the second half (by bytes, keeping at least one entry on each side).
    pub(super) fn split(&mut self) -> Leaf {
        let n = self.len();
        let half = self.bytes() / 2;
        let mut cut = (1..n).find(|&i| self.start(i) >= half).unwrap_or(n - 1).max(1);
        if self.len() > MAX_ENTRIES && cut > n / 2 {
            cut = n / 2;
        }
        let mut right = Leaf::default();
        for i in cut..n {
            let (k, v) = self.entry(i);
            right.push(k, v);
        }
        let at = self.start(cut);
        self.buf.truncate(at);
        self.buf.shrink_to_fit();
        self.ends.truncate(2 * cut);
        self.ends.shrink_to_fit();
        right
    }

    /// Appends every entry of `other`.
    pub(super) fn append(&mut self, other: &Leaf) {
        for i in 0..other.len() {
            let (k, v) = other.entry(i);
            self.push(k, v);
        }
    }
}
