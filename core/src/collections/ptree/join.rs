//! Whole-tree surgery: cutting a tree at a rank, joining two trees end to end, and building the
//! inner levels over packed leaves (bulk load).
//!
//! A cut keeps, at each level, the children left and right of the path as two pieces and joins
//! them with what the level below returns, so it copies O(log n) nodes and drops whole subtrees of a
//! removed range without visiting them. A join hangs the shorter tree off the taller one's edge at
//! the matching height and repairs that edge the way an insert does.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::Arc;

use super::leaf::{sep_between, Leaf};
use super::node::{fix_root, Inner, Kid, Node, MAX_KIDS, MIN_KIDS};

/// Cuts the tree into ranks `..r` and `r..`.
pub(super) fn split(root: Option<Node>, r: usize) -> (Option<Node>, Option<Node>) {
    match root {
        None => (None, None),
        Some(node) => split_node(node, r),
    }
}

fn split_node(node: Node, r: usize) -> (Option<Node>, Option<Node>) {
    if r == 0 {
        return (None, Some(node));
    }
    if r >= node.len() {
        return (Some(node), None);
    }
    match node {
        Node::Leaf(l) => {
            let (a, b) = l.split(r);
            (Some(Node::Leaf(a)), Some(Node::Leaf(b)))
        }
        Node::Inner(arc) => {
            let (i, sub) = arc.route_rank(r);
            let (left, right) = (piece(&arc, 0..i), piece(&arc, i + 1..arc.kids.len()));
            let kid = arc.kids[i].node.clone();
            // An unshared node goes now, so the pieces' children are unshared again below.
            drop(arc);
            let (kl, kr) = split_node(kid, sub);
            (join(left, kl), join(kr, right))
        }
    }
}

/// Children `at` of `inner` as a tree of their own (a root may have as few as two children).
fn piece(inner: &Inner, at: Range<usize>) -> Option<Node> {
    match at.len() {
        0 => None,
        1 => Some(inner.kids[at.start].node.clone()),
        _ => Some(Node::Inner(Arc::new(Inner::from_kids(at.map(|j| (inner.sep(j), inner.kids[j].clone())))))),
    }
}

/// The tree of all of `a`'s entries, then all of `b`'s.
pub(super) fn join(a: Option<Node>, b: Option<Node>) -> Option<Node> {
    let (a, b) = match (a, b) {
        (None, b) => return b,
        (a, None) => return a,
        (Some(a), Some(b)) => (a, b),
    };
    let sep = sep_between(a.last_leaf().last_key(), b.first_leaf().first_key()).to_vec();
    let (ha, hb) = (a.height(), b.height());
    let root = match ha.cmp(&hb) {
        Ordering::Greater => {
            let mut a = a;
            attach(a.inner_mut(), ha, b, hb, &sep, true);
            a
        }
        Ordering::Less => {
            let mut b = b;
            attach(b.inner_mut(), hb, a, ha, &sep, false);
            b
        }
        Ordering::Equal => match (a, b) {
            (Node::Leaf(x), Node::Leaf(y)) if x.can_merge(&y) => Node::Leaf(x.merged(&y)),
            (a, b) => {
                let small = |n: &Node| matches!(n, Node::Inner(i) if i.kids.len() < MIN_KIDS);
                let unbalanced = small(&a) || small(&b);
                let mut top = Inner::from_kids([(&[][..], Kid::new(a)), (&sep[..], Kid::new(b))].into_iter());
                if unbalanced {
                    top.rebalance(0);
                }
                Node::Inner(Arc::new(top))
            }
        },
    };
    fix_root(Some(root))
}

/// Hangs `sub` (of height `sub_h`) at the back or front edge of `inner` (of height `h > sub_h`),
/// with `sep` between it and its new neighbour, and repairs the edge on the way back up.
fn attach(inner: &mut Inner, h: usize, sub: Node, sub_h: usize, sep: &[u8], back: bool) {
    let edge = if back { inner.kids.len() - 1 } else { 0 };
    if h == sub_h + 1 {
        let at = if back {
            inner.push_back(sep, sub);
            edge + 1
        } else {
            inner.push_front(sub, sep);
            0
        };
        if sub_h == 0 {
            inner.normalize_leaves(at.saturating_sub(1), (at + 2).min(inner.kids.len()));
        } else {
            inner.fix_inner_kid(at);
        }
    } else {
        attach(inner.kids[edge].node.inner_mut(), h - 1, sub, sub_h, sep, back);
        inner.resum(edge);
        inner.fix_inner_kid(edge);
    }
    inner.total();
}

/// One level of a bulk build: nodes with their separators packed in one buffer.
struct Level {
    kids: Vec<Kid>,
    seps: Vec<u8>,
    /// `ends[i]`: end of kid `i`'s separator in `seps`.
    ends: Vec<usize>,
}

impl Level {
    fn push(&mut self, sep: &[u8], kid: Kid) {
        self.seps.extend_from_slice(sep);
        self.ends.push(self.seps.len());
        self.kids.push(kid);
    }

    fn sep(&self, i: usize) -> &[u8] {
        &self.seps[if i == 0 { 0 } else { self.ends[i - 1] }..self.ends[i]]
    }
}

/// The tree over `leaves` (consecutive, each full but perhaps the last): full inner nodes, except
/// that the last two of a level share their children evenly when the last would have too few.
pub(super) fn build_levels(leaves: Vec<Leaf>) -> Option<Node> {
    let mut level = Level { kids: Vec::with_capacity(leaves.len()), seps: Vec::new(), ends: Vec::new() };
    for leaf in leaves {
        let sep = match level.kids.last().map(|k| &k.node) {
            Some(Node::Leaf(prev)) => sep_between(prev.last_key(), leaf.first_key()).to_vec(),
            _ => Vec::new(),
        };
        level.push(&sep, Kid::new(Node::Leaf(leaf)));
    }
    while level.kids.len() > 1 {
        let n = level.kids.len();
        let groups = n.div_ceil(MAX_KIDS);
        let mut sizes = vec![MAX_KIDS; groups];
        sizes[groups - 1] = n - (groups - 1) * MAX_KIDS;
        if groups > 1 && sizes[groups - 1] < MIN_KIDS {
            let both = MAX_KIDS + sizes[groups - 1];
            (sizes[groups - 2], sizes[groups - 1]) = (both - both / 2, both / 2);
        }
        let mut next = Level { kids: Vec::with_capacity(groups), seps: Vec::new(), ends: Vec::new() };
        let mut kids = std::mem::take(&mut level.kids).into_iter();
        let mut first = 0;
        for size in sizes {
            let inner = Inner::from_kids((first..first + size).map(|j| (level.sep(j), kids.next().expect("sized"))));
            next.push(level.sep(first), Kid::new(Node::Inner(Arc::new(inner))));
            first += size;
        }
        level = next;
    }
    level.kids.pop().map(|k| k.node)
}
