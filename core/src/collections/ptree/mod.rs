//! `PTree`: a persistent (copy-on-write, structurally shared) counted B+ tree of byte entries, the
//! element store of collection values (hash fields, set members, sorted-set entries, list items).
//!
//! Design:
//! - Every version of a collection is a `PTree`; cloning one is an `Arc` clone. An edit copies the
//!   nodes on its root-to-leaf path and shares everything else with the old version, which stays
//!   valid for readers and snapshots. `Arc::make_mut` skips the copy when a node is not shared.
//! - Leaves (`leaf.rs`) pack up to 64 entries and 2 KiB of key and value bytes into one exact
//!   allocation with 2-byte offsets, so small entries cost about their bytes plus 4. A bigger
//!   entry lives alone in its leaf (offsets widen to 4 or 8 bytes for it, so any size works).
//!   Leaves are rebuilt, never edited in place: the old leaf is almost always still shared.
//! - Inner nodes (`node.rs`) hold up to 32 children, each with its subtree's entry count, data
//!   bytes and heap bytes (for rank operations and O(1) sizes), and the shortest separators that
//!   divide neighbouring children, packed in one buffer.
//! - Two families of operations share the structure: by key (entries ordered by key bytes) and by
//!   rank (positional, for lists, whose entries have empty keys). Positional edits do not check key
//!   order; a tree used by key must be edited by key or in ways that keep the order.
//! - Balance: non-root inner nodes keep 8 to 32 children (merging with or borrowing from a
//!   neighbour). A leaf is underfull below 16 entries and 512 bytes, and merges with a sibling
//!   whenever the two fit one leaf, so an underfull leaf only survives beside nearly full ones (or a
//!   big entry). All leaves are at one depth; a root with one child is replaced by it.
//! - `remove_range`, `split_off` and `append` cut and join whole trees (`join.rs`), so they cost
//!   O(log n) node copies however many entries they drop; covered subtrees are dropped whole.

#[cfg(test)]
mod check;
mod iter;
mod join;
mod leaf;
mod node;
#[cfg(test)]
mod tests;

use std::ops::{Bound, Range};
use std::sync::Arc;

pub(crate) use iter::Iter;
use leaf::{Filler, Leaf, Packed, Part};
use node::{fix_root, root_of, Inner, Node, Target};

/// Ranges up to this long are removed entry by entry (`remove_range`).
const SMALL_RANGE: usize = 4;

/// One version of a collection's entries. `Clone` is O(1) and shares every node; edits through one
/// clone never show in another. `Send + Sync`: versions can be read from any thread.
#[derive(Clone, Default)]
pub(crate) struct PTree {
    root: Option<Node>,
}

impl PTree {
    pub fn new() -> Self {
        PTree { root: None }
    }

    /// Whether every entry sits in one packed leaf (one allocation): the compact form.
    pub fn is_one_leaf(&self) -> bool {
        matches!(self.root, None | Some(Node::Leaf(_)))
    }

    fn summary(&self) -> (usize, usize, usize) {
        self.root.as_ref().map_or((0, 0, 0), Node::summary)
    }

    pub fn len(&self) -> usize {
        self.summary().0
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// Sum of key and value lengths of all entries. O(1).
    pub fn data_bytes(&self) -> usize {
        self.summary().1
    }

    /// Approximate heap the tree's nodes take (allocator rounding included), counting shared nodes
    /// as if they were this tree's alone. O(1).
    pub fn heap_bytes(&self) -> usize {
        self.summary().2
    }

    // ---- by key ----

    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        let leaf = self.leaf_for(key)?;
        leaf.search(key).ok().map(|i| leaf.value(i))
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: &[u8], value: &[u8]) -> Option<Vec<u8>> {
        if self.root.is_none() {
            self.root = Some(Node::Leaf(Leaf::build(&[Part::One(key, value)])));
            return None;
        }
        self.edit(Target::Key(key), |leaf, _| match leaf.search(key) {
            Ok(i) => (leaf.with_value(i, value), Some(leaf.value(i).to_vec())),
            Err(i) => (leaf.with_inserted(i, key, value), None),
        })
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        // Look first: an edit copies the path even when the key is absent.
        self.get(key)?;
        self.edit(Target::Key(key), |leaf, _| {
            let i = leaf.search(key).expect("looked up");
            (leaf.with_removed(i), Some(leaf.value(i).to_vec()))
        })
    }

    /// Like `slice::binary_search`: `Ok(rank)` of `key`, or `Err(number of keys < key)`.
    pub fn rank(&self, key: &[u8]) -> Result<usize, usize> {
        let (before, leaf) = self.descend_key(key);
        match leaf.map(|l| l.search(key)) {
            None => Err(0),
            Some(Ok(i)) => Ok(before + i),
            Some(Err(i)) => Err(before + i),
        }
    }

    /// Rank of the first entry within the lower bound.
    pub fn lower_rank(&self, bound: Bound<&[u8]>) -> usize {
        match bound {
            Bound::Included(k) => self.count_below(k, false),
            Bound::Excluded(k) => self.count_below(k, true),
            Bound::Unbounded => 0,
        }
    }

    /// One past the rank of the last entry within the upper bound.
    pub fn upper_rank(&self, bound: Bound<&[u8]>) -> usize {
        match bound {
            Bound::Included(k) => self.count_below(k, true),
            Bound::Excluded(k) => self.count_below(k, false),
            Bound::Unbounded => self.len(),
        }
    }

    /// Entries with a key below `key`, or equal to it if `inclusive`.
    fn count_below(&self, key: &[u8], inclusive: bool) -> usize {
        let (before, leaf) = self.descend_key(key);
        before + leaf.map_or(0, |l| l.count_below(key, inclusive))
    }

    fn leaf_for(&self, key: &[u8]) -> Option<&Leaf> {
        let mut node = self.root.as_ref()?;
        loop {
            match node {
                Node::Leaf(l) => return Some(l),
                Node::Inner(inner) => node = &inner.kids[inner.route_key(key)].node,
            }
        }
    }

    /// The leaf whose key range holds `key`, and the number of entries before it.
    fn descend_key(&self, key: &[u8]) -> (usize, Option<&Leaf>) {
        let (mut before, mut node) = match &self.root {
            None => return (0, None),
            Some(n) => (0, n),
        };
        loop {
            match node {
                Node::Leaf(l) => return (before, Some(l)),
                Node::Inner(inner) => {
                    let i = inner.route_key(key);
                    before += inner.len_before(i);
                    node = &inner.kids[i].node;
                }
            }
        }
    }

    // ---- by rank ----

    pub fn at(&self, rank: usize) -> Option<(&[u8], &[u8])> {
        if rank >= self.len() {
            return None;
        }
        let (mut node, mut r) = (self.root.as_ref()?, rank);
        loop {
            match node {
                Node::Leaf(l) => return Some(l.entry(r)),
                Node::Inner(inner) => {
                    let (i, sub) = inner.route_rank(r);
                    (node, r) = (&inner.kids[i].node, sub);
                }
            }
        }
    }

    /// Inserts an entry at `rank` (`<= len`), without regard to key order.
    pub fn insert_at(&mut self, rank: usize, key: &[u8], value: &[u8]) {
        assert!(rank <= self.len(), "insert_at: rank {rank} > len {}", self.len());
        if self.root.is_none() {
            self.root = Some(Node::Leaf(Leaf::build(&[Part::One(key, value)])));
            return;
        }
        self.edit(Target::Rank(rank), |leaf, r| (leaf.with_inserted(r, key, value), ()))
    }

    /// Removes the entry at `rank` (`< len`); returns its key and value.
    pub fn remove_at(&mut self, rank: usize) -> (Vec<u8>, Vec<u8>) {
        assert!(rank < self.len(), "remove_at: rank {rank} >= len {}", self.len());
        self.edit(Target::Rank(rank), |leaf, r| {
            let (k, v) = leaf.entry(r);
            (leaf.with_removed(r), (k.to_vec(), v.to_vec()))
        })
    }

    /// Replaces the value at `rank` (`< len`); returns the old one.
    pub fn set_value_at(&mut self, rank: usize, value: &[u8]) -> Vec<u8> {
        assert!(rank < self.len(), "set_value_at: rank {rank} >= len {}", self.len());
        self.edit(Target::Rank(rank), |leaf, r| (leaf.with_value(r, value), leaf.value(r).to_vec()))
    }

    /// Removes the entries at `ranks` (within `0..=len`): the tree is cut at both ends and the outer
    /// parts joined, O(log n) whatever the length.
    pub fn remove_range(&mut self, ranks: Range<usize>) {
        assert!(ranks.start <= ranks.end && ranks.end <= self.len(), "remove_range: {ranks:?} of {}", self.len());
        if ranks.is_empty() {
            return;
        }
        if ranks.len() <= SMALL_RANGE {
            // A pop or two: removing each edits one path, in place once this tree owns it, where
            // cutting and joining would build new nodes on both sides.
            for _ in ranks.clone() {
                self.remove_at(ranks.start);
            }
            return;
        }
        let (rest, right) = join::split(self.root.take(), ranks.end);
        let (left, middle) = join::split(rest, ranks.start);
        drop(middle);
        self.root = join::join(left, right);
    }

    /// Moves the entries from `rank` on into a new tree. O(log n).
    #[cfg(test)]
    pub fn split_off(&mut self, rank: usize) -> PTree {
        assert!(rank <= self.len(), "split_off: rank {rank} > len {}", self.len());
        let (left, right) = join::split(self.root.take(), rank);
        self.root = left;
        PTree { root: right }
    }

    /// Puts all of `other`'s entries after this tree's. O(log n).
    #[cfg(test)]
    pub fn append(&mut self, other: PTree) {
        self.root = join::join(self.root.take(), other.root);
    }

    #[cfg(test)]
    pub fn push_back(&mut self, key: &[u8], value: &[u8]) {
        self.insert_at(self.len(), key, value)
    }

    #[cfg(test)]
    pub fn push_front(&mut self, key: &[u8], value: &[u8]) {
        self.insert_at(0, key, value)
    }

    // ---- iteration and bulk build ----

    /// Entries at `ranks` (clamped to the tree), in order; `rev()` gives them backwards.
    pub fn range(&self, ranks: Range<usize>) -> Iter<'_> {
        let end = ranks.end.min(self.len());
        Iter::new(self.root.as_ref(), ranks.start.min(end)..end)
    }

    pub fn iter(&self) -> Iter<'_> {
        self.range(0..self.len())
    }

    /// A tree of `entries`, in the order given (sorted by key for keyed use), with full leaves and
    /// nodes. O(n).
    pub fn from_sorted<'a>(entries: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> Self {
        let mut filler = Filler::new();
        let mut leaves = Vec::new();
        for e in entries {
            leaves.extend(filler.push(e));
        }
        leaves.extend(filler.finish());
        PTree { root: join::build_levels(leaves) }
    }

    /// Applies `f` to the leaf that `t` leads to (with the rank within it, for `Target::Rank`) and
    /// puts the leaves it returns in its place, copying the path and repairing it bottom-up.
    fn edit<R>(&mut self, t: Target, f: impl FnOnce(&Leaf, usize) -> (Packed, R)) -> R {
        let r = match self.root.as_mut().expect("edit of an empty tree") {
            Node::Leaf(leaf) => {
                let (packed, r) = f(leaf, target_rank(t));
                self.root = root_of(packed);
                return r;
            }
            Node::Inner(arc) => edit_in(Arc::make_mut(arc), t, f),
        };
        self.root = fix_root(self.root.take());
        r
    }

    /// Panics unless the tree's structure is sound: summaries and totals match the nodes, all
    /// leaves are at one depth, nodes are within their limits (a big entry alone in a leaf; an
    /// underfull leaf only where no neighbour could take it). For any tree, keyed or positional.
    #[cfg(test)]
    pub fn check(&self) {
        check::check(self.root.as_ref(), false);
    }

    /// `check`, and for a tree used by key: keys strictly increasing, every separator dividing its
    /// neighbours.
    #[cfg(test)]
    pub fn check_keyed(&self) {
        assert!(self.iter().zip(self.iter().skip(1)).all(|(a, b)| a.0 < b.0), "keys out of order");
        check::check(self.root.as_ref(), true);
    }
}

fn target_rank(t: Target) -> usize {
    match t {
        Target::Rank(r) => r,
        Target::Key(_) => 0,
    }
}

fn edit_in<R>(inner: &mut Inner, t: Target, f: impl FnOnce(&Leaf, usize) -> (Packed, R)) -> R {
    let (i, sub) = inner.route(t);
    let r = match &mut inner.kids[i].node {
        Node::Leaf(leaf) => {
            let (packed, r) = f(leaf, target_rank(sub));
            inner.replace_leaf(i, packed);
            r
        }
        Node::Inner(arc) => {
            let r = edit_in(Arc::make_mut(arc), sub, f);
            inner.resum(i);
            inner.fix_inner_kid(i);
            r
        }
    };
    inner.total();
    r
}

impl std::fmt::Debug for PTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PTree").field("len", &self.len()).field("data_bytes", &self.data_bytes()).finish()
    }
}
