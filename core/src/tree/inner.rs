//! Inner nodes of the ordered index: immutable separator keys and atomic child slots.
//!
//! Separators are stored back to back, so a binary search stays within a few allocations, with
//! their common prefix length and the next 8 bytes of each as an integer: most comparisons in a
//! descent are integer comparisons.

use std::cmp::Ordering as Cmp;

use crossbeam_epoch::Atomic;

use super::leaf::{head_of, lcp};
use super::Node;

pub(super) struct Seps {
    offs: Box<[u32]>,
    bytes: Box<[u8]>,
    heads: Box<[u64]>,
    prefix_len: usize,
}

pub(super) struct Inner {
    /// `children.len() == seps.len() + 1`; child `i` holds keys `k` with `seps[i-1] <= k < seps[i]`.
    pub(super) seps: Seps,
    pub(super) children: Box<[Atomic<Node>]>,
}

impl Seps {
    /// Separators over `keys` (sorted). Each buffer is sized once: an inner node is rebuilt on
    /// every split of a child, so this is on the insert path.
    pub(super) fn from_keys(keys: &[&[u8]]) -> Seps {
        let n = keys.len();
        let mut offs = Vec::with_capacity(n + 1);
        let mut bytes = Vec::with_capacity(keys.iter().map(|k| k.len()).sum());
        offs.push(0u32);
        for k in keys {
            bytes.extend_from_slice(k);
            offs.push(bytes.len() as u32);
        }
        // Separators are sorted: the common prefix of all is that of the first and the last.
        let prefix_len = if n == 0 { 0 } else { lcp(keys[0], keys[n - 1]) };
        let heads = keys.iter().map(|k| head_of(k, prefix_len)).collect();
        Seps { offs: offs.into(), bytes: bytes.into(), heads, prefix_len }
    }

    pub(super) fn len(&self) -> usize {
        self.offs.len() - 1
    }

    pub(super) fn get(&self, i: usize) -> &[u8] {
        &self.bytes[self.offs[i] as usize..self.offs[i + 1] as usize]
    }
}

impl Inner {
    /// The child that holds `key`: the number of separators `<= key`.
    pub(super) fn child_index(&self, key: &[u8]) -> usize {
        let n = self.seps.len();
        let p = self.seps.prefix_len;
        if p > 0 {
            let prefix = &self.seps.get(0)[..p];
            let m = p.min(key.len());
            match key[..m].cmp(&prefix[..m]) {
                Cmp::Less => return 0,
                Cmp::Greater => return n,
                Cmp::Equal if key.len() < p => return 0,
                Cmp::Equal => {}
            }
        }
        let h = head_of(key, p);
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let sep_le_key = match self.seps.heads[mid].cmp(&h) {
                Cmp::Less => true,
                Cmp::Greater => false,
                Cmp::Equal => self.seps.get(mid) <= key,
            };
            if sep_le_key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}
