//! `PTree`: a persistent counted B+ tree of (key, value) byte strings, the storage of every
//! collection.
//!
//! Persistent: a clone is O(1) and shares every node; an edit copies the nodes on its path that
//! are shared (`node.rs`) and leaves the old tree intact for whoever still reads it (an older
//! version of the key, a snapshot, a checkpoint). Counted: every inner node knows how many
//! entries each child holds, so the entry at rank r, the rank of a key, and an insert at rank r
//! are O(log n). Entries are ordered by key for the keyed operations (hashes, sets, sorted sets)
//! or by position for the positional ones (lists, whose keys are empty); a tree uses one family.
//!
//! Leaves pack their entries (`leaf.rs`), at most 64 entries or 2 KiB, so the copy an edit makes
//! stays small; inner nodes hold up to 32 children. A collection of a few dozen small elements
//! is a single leaf: one node, two buffers.

mod iter;
mod leaf;
mod node;
#[cfg(test)]
mod tests;

use std::ops::{Bound, Range};
use std::sync::Arc;

pub(crate) use iter::Iter;
use leaf::Leaf;
use node::Node;

#[derive(Clone, Default)]
pub(crate) struct PTree {
    root: Option<Arc<Node>>,
    len: usize,
    data: usize,
}

impl PTree {
    pub(crate) fn new() -> PTree {
        PTree::default()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The bytes of every key and value.
    pub(crate) fn data_bytes(&self) -> usize {
        self.data
    }

    /// An estimate of the heap this tree owns if it shares nothing: the packed bytes, 8 bytes of
    /// offsets per entry, and the nodes' own overhead for leaves about three quarters full.
    pub(crate) fn heap_bytes(&self) -> usize {
        if self.len == 0 {
            return 0;
        }
        let leaves = self.len.div_ceil(leaf::MAX_ENTRIES * 3 / 4).max(1);
        let inner = leaves.div_ceil(node::MAX_FAN * 3 / 4);
        self.data + self.len * 8 + leaves * 112 + inner * (112 + node::MAX_FAN * 24)
    }

    fn leaf_for_key(&self, key: &[u8]) -> Option<(&Leaf, usize)> {
        let mut node = self.root.as_deref()?;
        let mut start = 0;
        loop {
            match node {
                Node::Leaf(l) => return Some((l, start)),
                Node::Inner(n) => {
                    let i = n.child_for_key(key);
                    start += n.counts[..i].iter().sum::<usize>();
                    node = &n.children[i];
                }
            }
        }
    }

    /// The leaf holding rank `rank` (< len) and the rank of its first entry.
    fn leaf_for_rank(&self, rank: usize) -> Option<(&Leaf, usize)> {
        if rank >= self.len {
            return None;
        }
        let mut node = self.root.as_deref()?;
        let mut start = 0;
        loop {
            match node {
                Node::Leaf(l) => return Some((l, start)),
                Node::Inner(n) => {
                    let (i, s) = n.child_for_rank(rank - start, false);
                    start += s;
                    node = &n.children[i];
                }
            }
        }
    }

    pub(crate) fn get(&self, key: &[u8]) -> Option<&[u8]> {
        let (l, _) = self.leaf_for_key(key)?;
        l.find(key).ok().map(|i| l.value(i))
    }

    /// Inserts or replaces `key` (keyed trees). Returns the old value.
    pub(crate) fn insert(&mut self, key: &[u8], value: &[u8]) -> Option<Vec<u8>> {
        let root = self.root.get_or_insert_with(|| Arc::new(Node::Leaf(Leaf::default())));
        let old = node::insert(root, key, value);
        node::grow_root(root);
        match &old {
            Some(o) => self.data = self.data + value.len() - o.len(),
            None => {
                self.len += 1;
                self.data += key.len() + value.len();
            }
        }
        old
    }

    pub(crate) fn remove(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        let root = self.root.as_mut()?;
        let old = node::remove(root, key)?;
        self.len -= 1;
        self.data -= key.len() + old.len();
        if !node::shrink_root(root) {
            self.root = None;
        }
        Some(old)
    }

    /// Like `slice::binary_search`: Ok(rank) of `key`, or Err(the number of keys below it).
    pub(crate) fn rank(&self, key: &[u8]) -> Result<usize, usize> {
        let Some((l, start)) = self.leaf_for_key(key) else { return Err(0) };
        match l.find(key) {
            Ok(i) => Ok(start + i),
            Err(i) => Err(start + i),
        }
    }

    /// The rank of the first entry inside the lower bound.
    pub(crate) fn lower_rank(&self, bound: Bound<&[u8]>) -> usize {
        match bound {
            Bound::Unbounded => 0,
            Bound::Included(k) => self.rank(k).unwrap_or_else(|r| r),
            Bound::Excluded(k) => self.rank(k).map_or_else(|r| r, |r| r + 1),
        }
    }

    /// One past the rank of the last entry inside the upper bound.
    pub(crate) fn upper_rank(&self, bound: Bound<&[u8]>) -> usize {
        match bound {
            Bound::Unbounded => self.len,
            Bound::Included(k) => self.rank(k).map_or_else(|r| r, |r| r + 1),
            Bound::Excluded(k) => self.rank(k).unwrap_or_else(|r| r),
        }
    }

    pub(crate) fn at(&self, rank: usize) -> Option<(&[u8], &[u8])> {
        let (l, start) = self.leaf_for_rank(rank)?;
        Some(l.entry(rank - start))
    }

    /// Inserts an entry at `rank` (positional trees). Panics if `rank > len`.
    pub(crate) fn insert_at(&mut self, rank: usize, key: &[u8], value: &[u8]) {
        assert!(rank <= self.len, "insert at {rank} past the end ({})", self.len);
        let root = self.root.get_or_insert_with(|| Arc::new(Node::Leaf(Leaf::default())));
        node::insert_at(root, rank, key, value);
        node::grow_root(root);
        self.len += 1;
        self.data += key.len() + value.len();
    }

    /// Removes the entry at `rank`. Panics if `rank >= len`.
    pub(crate) fn remove_at(&mut self, rank: usize) -> (Vec<u8>, Vec<u8>) {
        assert!(rank < self.len, "remove at {rank} past the end ({})", self.len);
        let root = self.root.as_mut().expect("a non-empty tree has a root");
        let out = node::remove_at(root, rank);
        self.len -= 1;
        self.data -= out.0.len() + out.1.len();
        if !node::shrink_root(root) {
            self.root = None;
        }
        out
    }

    /// Replaces the value at `rank`. Panics if `rank >= len`.
    pub(crate) fn set_value_at(&mut self, rank: usize, value: &[u8]) -> Vec<u8> {
        assert!(rank < self.len, "set at {rank} past the end ({})", self.len);
        let root = self.root.as_mut().expect("a non-empty tree has a root");
        let old = node::set_value_at(root, rank, value);
        node::grow_root(root);
        self.data = self.data + value.len() - old.len();
        old
    }

    /// Removes the entries at `ranks`. A range covering the whole tree drops it in O(1).
    pub(crate) fn remove_range(&mut self, ranks: Range<usize>) {
        assert!(ranks.start <= ranks.end && ranks.end <= self.len, "range past the end");
        if ranks.start == 0 && ranks.end == self.len {
            *self = PTree::new();
            return;
        }
        for r in ranks.rev() {
            self.remove_at(r);
        }
    }

    #[cfg(test)]
    pub(crate) fn push_back(&mut self, key: &[u8], value: &[u8]) {
        self.insert_at(self.len, key, value);
    }

    #[cfg(test)]
    pub(crate) fn push_front(&mut self, key: &[u8], value: &[u8]) {
        self.insert_at(0, key, value);
    }

    /// The entries at `ranks` (clamped to the tree), both directions.
    pub(crate) fn range(&self, ranks: Range<usize>) -> Iter<'_> {
        let end = ranks.end.min(self.len);
        Iter::new(self, ranks.start.min(end), end)
    }

    pub(crate) fn iter(&self) -> Iter<'_> {
        self.range(0..self.len)
    }

    /// Builds a tree from entries already in order, leaves packed full.
    pub(crate) fn from_sorted<'a>(entries: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> PTree {
        let mut level: Vec<Arc<Node>> = Vec::new();
        let mut leaf = Leaf::default();
        let (mut len, mut data) = (0, 0);
        for (k, v) in entries {
            if leaf.len() > 0 && (leaf.len() >= leaf::MAX_ENTRIES || leaf.bytes() + k.len() + v.len() > leaf::MAX_BYTES)
            {
                level.push(Arc::new(Node::Leaf(std::mem::take(&mut leaf))));
            }
            leaf.push(k, v);
            len += 1;
            data += k.len() + v.len();
        }
        if leaf.len() > 0 {
            level.push(Arc::new(Node::Leaf(leaf)));
        }
        while level.len() > 1 {
            let mut up = Vec::with_capacity(level.len().div_ceil(node::MAX_FAN));
            let mut rest = level.into_iter().peekable();
            while rest.peek().is_some() {
                let mut inner = node::Inner::default();
                for child in rest.by_ref().take(node::MAX_FAN) {
                    inner.counts.push(child.count());
                    let at = inner.firsts.len();
                    inner.firsts.insert(at, child.first_key(), &[]);
                    inner.children.push(child);
                }
                up.push(Arc::new(Node::Inner(inner)));
            }
            level = up;
        }
        PTree { root: level.pop(), len, data }
    }

    /// Checks the tree's invariants (tests): counts, first keys, equal depth, key order for
    /// keyed trees, leaf sizes.
    #[cfg(test)]
    pub(crate) fn check(&self, keyed: bool) {
        fn walk(n: &Node, depth: usize, leaf_depth: &mut Option<usize>, keyed: bool) -> usize {
            match n {
                Node::Leaf(l) => {
                    assert!(l.len() > 0, "empty leaf");
                    assert!(!l.overfull(), "overfull leaf");
                    if keyed {
                        for i in 1..l.len() {
                            assert!(l.key(i - 1) < l.key(i), "leaf out of order");
                        }
                    }
                    assert_eq!(*leaf_depth.get_or_insert(depth), depth, "leaves at different depths");
                    l.len()
                }
                Node::Inner(inner) => {
                    assert!(inner.children.len() <= node::MAX_FAN);
                    assert_eq!(inner.children.len(), inner.counts.len());
                    assert_eq!(inner.children.len(), inner.firsts.len());
                    let mut total = 0;
                    for (i, c) in inner.children.iter().enumerate() {
                        let got = walk(c, depth + 1, leaf_depth, keyed);
                        assert_eq!(got, inner.counts[i], "stale count");
                        assert_eq!(inner.firsts.key(i), c.first_key(), "stale first key");
                        if keyed && i > 0 {
                            assert!(inner.firsts.key(i - 1) < inner.firsts.key(i), "children out of order");
                        }
                        total += got;
                    }
                    total
                }
            }
        }
        let n = self.root.as_deref().map_or(0, |r| walk(r, 0, &mut None, keyed));
        assert_eq!(n, self.len, "len");
        assert_eq!(self.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>(), self.data, "data bytes");
    }
}
