//! Inner nodes: children with their subtree summaries and packed separators, and the local repairs
//! (split, merge, redistribute) that keep a node's children within their limits after an edit.
//!
//! Each child slot (`Kid`) caches its subtree's entry count, data bytes and heap bytes, so a node's
//! totals, rank routing and the tree's O(1) sizes never touch the children themselves: after an edit
//! only the child on the edited path is summarized again. Separators are the shortest keys that
//! divide neighbours, stored back to back in one buffer.

use std::iter;
use std::ops::Range;
use std::sync::Arc;

use super::leaf::{alloc_cost, can_merge, sep_between, underfull, Leaf, Packed};

/// Most children of an inner node. Every edit copies the nodes on its path (older versions still
/// share them), and a copy clones every child `Arc`, so the fanout is kept moderate.
pub(super) const MAX_KIDS: usize = 32;
/// Fewest children of an inner node other than the root (which needs two).
pub(super) const MIN_KIDS: usize = MAX_KIDS / 4;

#[derive(Clone)]
pub(super) enum Node {
    Leaf(Leaf),
    Inner(Arc<Inner>),
}

#[derive(Clone)]
pub(super) struct Kid {
    pub(super) node: Node,
    /// Entries, key and value bytes, and heap bytes of the subtree.
    pub(super) len: usize,
    pub(super) data: usize,
    pub(super) heap: usize,
    /// End of this child's separator in `Inner::seps` (child 0 has an empty one).
    sep_end: usize,
}

/// Children in order. Child `i > 0` holds keys `k` with `sep(i) <= k < sep(i + 1)` when the tree is
/// used by key (positional use ignores separators).
#[derive(Clone, Default)]
pub(super) struct Inner {
    pub(super) kids: Vec<Kid>,
    seps: Vec<u8>,
    pub(super) len: usize,
    pub(super) data: usize,
    pub(super) heap: usize,
}

/// Where an edit goes: the child chosen by key, or by rank (then the rank within the child).
#[derive(Clone, Copy)]
pub(super) enum Target<'k> {
    Key(&'k [u8]),
    Rank(usize),
}

impl Node {
    pub(super) fn summary(&self) -> (usize, usize, usize) {
        match self {
            Node::Leaf(l) => (l.len(), l.data_len(), l.heap()),
            Node::Inner(i) => (i.len, i.data, i.heap),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.summary().0
    }

    /// Edges from this node down to a leaf (all leaves are at the same depth).
    pub(super) fn height(&self) -> usize {
        let (mut h, mut node) = (0, self);
        while let Node::Inner(i) = node {
            (h, node) = (h + 1, &i.kids[0].node);
        }
        h
    }

    pub(super) fn first_leaf(&self) -> &Leaf {
        match self {
            Node::Leaf(l) => l,
            Node::Inner(i) => i.kids[0].node.first_leaf(),
        }
    }

    pub(super) fn last_leaf(&self) -> &Leaf {
        match self {
            Node::Leaf(l) => l,
            Node::Inner(i) => i.kids[i.kids.len() - 1].node.last_leaf(),
        }
    }

    pub(super) fn inner_mut(&mut self) -> &mut Inner {
        match self {
            Node::Inner(a) => Arc::make_mut(a),
            Node::Leaf(_) => unreachable!("a leaf where an inner node belongs"),
        }
    }
}

impl Kid {
    pub(super) fn new(node: Node) -> Kid {
        let (len, data, heap) = node.summary();
        Kid { node, len, data, heap, sep_end: 0 }
    }

    /// Replaces the node, keeping the separator.
    fn set(&mut self, node: Node) {
        let sep_end = self.sep_end;
        *self = Kid { sep_end, ..Kid::new(node) };
    }
}

/// Builds an inner node child by child; the first child's separator is dropped.
struct Builder {
    kids: Vec<Kid>,
    seps: Vec<u8>,
}

impl Builder {
    fn new(kids: usize) -> Builder {
        Builder { kids: Vec::with_capacity(kids), seps: Vec::new() }
    }

    fn push(&mut self, sep: &[u8], mut kid: Kid) {
        if !self.kids.is_empty() {
            self.seps.extend_from_slice(sep);
        }
        kid.sep_end = self.seps.len();
        self.kids.push(kid);
    }

    fn finish(mut self) -> Inner {
        self.seps.shrink_to_fit();
        let mut inner = Inner { kids: self.kids, seps: self.seps, len: 0, data: 0, heap: 0 };
        inner.total();
        inner
    }
}

impl Inner {
    /// A node of `(separator, child)` pairs.
    pub(super) fn from_kids<'s>(kids: impl ExactSizeIterator<Item = (&'s [u8], Kid)>) -> Inner {
        let mut b = Builder::new(kids.len());
        for (sep, kid) in kids {
            b.push(sep, kid);
        }
        b.finish()
    }

    /// A node over consecutive leaves, with separators from their boundary keys, neighbours merged
    /// where one is underfull.
    pub(super) fn from_leaves(leaves: Vec<Leaf>) -> Inner {
        let seps = leaf_seps(&leaves);
        let mut b = Builder::new(leaves.len());
        for (i, leaf) in leaves.into_iter().enumerate() {
            b.push(if i == 0 { &[] } else { &seps[i - 1] }, Kid::new(Node::Leaf(leaf)));
        }
        let mut inner = b.finish();
        inner.normalize_leaves(0, inner.kids.len());
        inner
    }

    /// Heap of this node alone: the `Arc` and its two buffers.
    pub(super) fn own_heap(&self) -> usize {
        alloc_cost(16 + size_of::<Inner>())
            + alloc_cost(self.kids.capacity() * size_of::<Kid>())
            + alloc_cost(self.seps.capacity())
    }

    /// Recomputes the totals from the children's summaries.
    pub(super) fn total(&mut self) {
        let (mut len, mut data, mut heap) = (0, 0, self.own_heap());
        for k in &self.kids {
            (len, data, heap) = (len + k.len, data + k.data, heap + k.heap);
        }
        (self.len, self.data, self.heap) = (len, data, heap);
    }

    /// Summarizes child `i` again after it was edited in place.
    pub(super) fn resum(&mut self, i: usize) {
        let kid = &mut self.kids[i];
        (kid.len, kid.data, kid.heap) = kid.node.summary();
    }

    pub(super) fn sep(&self, i: usize) -> &[u8] {
        let from = if i == 0 { 0 } else { self.kids[i - 1].sep_end };
        &self.seps[from..self.kids[i].sep_end]
    }

    /// `(separator, child)` pairs in order.
    fn pairs(&self) -> impl Iterator<Item = (&[u8], &Kid)> {
        (0..self.kids.len()).map(move |i| (self.sep(i), &self.kids[i]))
    }

    pub(super) fn is_leaf_parent(&self) -> bool {
        matches!(self.kids[0].node, Node::Leaf(_))
    }

    /// The child whose key range holds `key`: the last one whose separator is `<= key`.
    pub(super) fn route_key(&self, key: &[u8]) -> usize {
        let (mut lo, mut hi) = (1, self.kids.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.sep(mid) <= key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo - 1
    }

    /// The child holding rank `r` and the rank within it; `r == len` goes to the end of the last.
    pub(super) fn route_rank(&self, mut r: usize) -> (usize, usize) {
        for (i, k) in self.kids.iter().enumerate() {
            if r < k.len {
                return (i, r);
            }
            r -= k.len;
        }
        let last = self.kids.len() - 1;
        (last, r + self.kids[last].len)
    }

    pub(super) fn route<'k>(&self, t: Target<'k>) -> (usize, Target<'k>) {
        match t {
            Target::Key(k) => (self.route_key(k), t),
            Target::Rank(r) => {
                let (i, r) = self.route_rank(r);
                (i, Target::Rank(r))
            }
        }
    }

    /// Entries in the children before child `i`.
    pub(super) fn len_before(&self, i: usize) -> usize {
        self.kids[..i].iter().map(|k| k.len).sum()
    }

    pub(super) fn leaf(&self, i: usize) -> &Leaf {
        match &self.kids[i].node {
            Node::Leaf(l) => l,
            Node::Inner(_) => unreachable!("an inner node where a leaf belongs"),
        }
    }

    pub(super) fn inner(&self, i: usize) -> &Inner {
        match &self.kids[i].node {
            Node::Inner(n) => n,
            Node::Leaf(_) => unreachable!("a leaf where an inner node belongs"),
        }
    }

    /// Replaces children `at` with `nodes`; the first new node keeps the separator of the first
    /// replaced child and `seps[j]` goes before `nodes[j + 1]`. The node is rebuilt: this happens only
    /// on splits and merges, and the path copy has already paid for a copy.
    pub(super) fn splice(&mut self, at: Range<usize>, nodes: Vec<Node>, seps: Vec<Vec<u8>>) {
        debug_assert!(at.start < at.end && seps.len() + 1 == nodes.len().max(1));
        let old = std::mem::take(self);
        let mut b = Builder::new(old.kids.len() + nodes.len() - at.len());
        let mut new = Some(nodes);
        let mut from = 0;
        for (j, kid) in old.kids.into_iter().enumerate() {
            let sep = &old.seps[from..kid.sep_end];
            from = kid.sep_end;
            if j == at.start {
                for (t, node) in new.take().into_iter().flatten().enumerate() {
                    b.push(if t == 0 { sep } else { &seps[t - 1] }, Kid::new(node));
                }
            }
            if !at.contains(&j) {
                b.push(sep, kid);
            }
        }
        *self = b.finish();
    }

    pub(super) fn push_back(&mut self, sep: &[u8], node: Node) {
        self.seps.extend_from_slice(sep);
        self.kids.push(Kid { sep_end: self.seps.len(), ..Kid::new(node) });
    }

    /// Puts `node` first; `sep` becomes the separator of the child that was first.
    pub(super) fn push_front(&mut self, node: Node, sep: &[u8]) {
        self.seps.splice(0..0, sep.iter().copied());
        for k in &mut self.kids {
            k.sep_end += sep.len();
        }
        self.kids.insert(0, Kid::new(node));
    }

    /// Puts the result of editing leaf child `i` in its place, then merges around it.
    pub(super) fn replace_leaf(&mut self, i: usize, packed: Packed) {
        let n = match packed {
            Packed::One(leaf) => {
                self.kids[i].set(Node::Leaf(leaf));
                1
            }
            Packed::Many(leaves) => {
                let (n, seps) = (leaves.len(), leaf_seps(&leaves));
                self.splice(i..i + 1, leaves.into_iter().map(Node::Leaf).collect(), seps);
                n
            }
        };
        self.normalize_leaves(i.saturating_sub(1), (i + n + 1).min(self.kids.len()));
    }

    /// Merges neighbouring leaf children in `lo..hi` where one is underfull and both fit in one
    /// leaf. Afterwards an underfull leaf's neighbours in that window could not take it, which is
    /// what keeps a tree of small leaves from degenerating.
    pub(super) fn normalize_leaves(&mut self, lo: usize, mut hi: usize) {
        let mut j = lo;
        while j + 1 < hi {
            // The summaries say it without touching the leaves (a cache miss each).
            let (a, b) = ((self.kids[j].len, self.kids[j].data), (self.kids[j + 1].len, self.kids[j + 1].data));
            if (underfull(a.0, a.1) || underfull(b.0, b.1)) && can_merge(a, b) {
                let merged = self.leaf(j).merged(self.leaf(j + 1));
                self.splice(j..j + 2, vec![Node::Leaf(merged)], Vec::new());
                hi -= 1;
            } else {
                j += 1;
            }
        }
    }

    /// Brings inner child `i` back within its limits after an edit below it: splits it when it has
    /// too many children, merges it with or borrows from a neighbour when it has too few.
    pub(super) fn fix_inner_kid(&mut self, i: usize) {
        let n = self.inner(i).kids.len();
        if n > MAX_KIDS {
            let (l, r, sep) = self.inner(i).halves();
            self.splice(i..i + 1, vec![l, r], vec![sep]);
        } else if n < MIN_KIDS && self.kids.len() > 1 {
            self.rebalance(i.saturating_sub(1));
        }
    }

    /// Halves of this node and the separator between them.
    pub(super) fn halves(&self) -> (Node, Node, Vec<u8>) {
        let pairs: Vec<_> = self.pairs().collect();
        let mid = pairs.len() / 2;
        let half =
            |p: &[(&[u8], &Kid)]| Node::Inner(Arc::new(Inner::from_kids(p.iter().map(|(s, k)| (*s, (*k).clone())))));
        (half(&pairs[..mid]), half(&pairs[mid..]), pairs[mid].0.to_vec())
    }

    /// Makes inner children `a` and `a + 1` one node if their children fit, else shares their
    /// children evenly (each then has more than `MAX_KIDS / 2`). Leaves that become siblings are
    /// merged where one is underfull.
    pub(super) fn rebalance(&mut self, a: usize) {
        let (nodes, seps) = {
            let (x, y) = (self.inner(a), self.inner(a + 1));
            let leafy = x.is_leaf_parent();
            let junction = x.kids.len();
            let pairs: Vec<(&[u8], &Kid)> =
                x.pairs().chain(iter::once((self.sep(a + 1), &y.kids[0]))).chain(y.pairs().skip(1)).collect();
            let build = |p: &[(&[u8], &Kid)], junction: Option<usize>| {
                let mut n = Inner::from_kids(p.iter().map(|(s, k)| (*s, (*k).clone())));
                if let (true, Some(j)) = (leafy, junction) {
                    n.normalize_leaves(j - 1, j + 1);
                }
                Node::Inner(Arc::new(n))
            };
            if pairs.len() <= MAX_KIDS {
                (vec![build(&pairs, Some(junction))], Vec::new())
            } else {
                let mid = pairs.len() / 2;
                let (jl, jr) = match junction.cmp(&mid) {
                    std::cmp::Ordering::Less => (Some(junction), None),
                    std::cmp::Ordering::Equal => (None, None),
                    std::cmp::Ordering::Greater => (None, Some(junction - mid)),
                };
                (vec![build(&pairs[..mid], jl), build(&pairs[mid..], jr)], vec![pairs[mid].0.to_vec()])
            }
        };
        self.splice(a..a + 2, nodes, seps);
    }
}

/// Separators between consecutive leaves.
fn leaf_seps(leaves: &[Leaf]) -> Vec<Vec<u8>> {
    leaves.windows(2).map(|w| sep_between(w[0].last_key(), w[1].first_key()).to_vec()).collect()
}

/// Repairs a root after an edit: one with too many children gets a new root above its halves, one
/// with a single child is replaced by it (the tree shrinks), one with none empties the tree.
pub(super) fn fix_root(mut root: Option<Node>) -> Option<Node> {
    loop {
        root = match root {
            Some(Node::Inner(arc)) if arc.kids.is_empty() => None,
            Some(Node::Inner(arc)) if arc.kids.len() == 1 => Some(match Arc::try_unwrap(arc) {
                Ok(mut inner) => inner.kids.pop().expect("one child").node,
                Err(arc) => arc.kids[0].node.clone(),
            }),
            Some(Node::Inner(arc)) if arc.kids.len() > MAX_KIDS => {
                let (l, r, sep) = arc.halves();
                Some(Node::Inner(Arc::new(Inner::from_kids(
                    [(&[][..], Kid::new(l)), (&sep[..], Kid::new(r))].into_iter(),
                ))))
            }
            other => return other,
        }
    }
}

/// The tree that `packed` (the edited root leaf) makes.
pub(super) fn root_of(packed: Packed) -> Option<Node> {
    match packed {
        Packed::One(leaf) => Some(Node::Leaf(leaf)),
        Packed::Many(mut leaves) if leaves.len() <= 1 => leaves.pop().map(Node::Leaf),
        Packed::Many(leaves) => fix_root(Some(Node::Inner(Arc::new(Inner::from_leaves(leaves))))),
    }
}
