//! Iteration over a rank range, from both ends.
//!
//! Each end is a cursor: the path of (inner node, child index) from the root and a position in a
//! leaf. Stepping past a leaf's end climbs only as far as the next sibling, so a walk over `k`
//! entries costs O(log n) to start and O(1) amortized per entry. A count of entries left keeps the
//! two ends from crossing.

use std::iter::FusedIterator;
use std::ops::Range;

use super::leaf::Leaf;
use super::node::{Inner, Node};

/// Entries of a `PTree` in rank order: `(key, value)`.
pub(crate) struct Iter<'a> {
    front: Cursor<'a>,
    back: Cursor<'a>,
    left: usize,
}

struct Cursor<'a> {
    path: Vec<(&'a Inner, usize)>,
    leaf: Option<&'a Leaf>,
    /// Front: the next entry to yield. Back: one past it.
    idx: usize,
}

impl<'a> Cursor<'a> {
    fn empty() -> Self {
        Cursor { path: Vec::new(), leaf: None, idx: 0 }
    }

    /// A cursor at entry `rank` (`< len`) of the tree under `node`.
    fn at(mut node: &'a Node, mut rank: usize) -> Self {
        let mut c = Cursor { path: Vec::with_capacity(node.height()), leaf: None, idx: 0 };
        loop {
            match node {
                Node::Leaf(l) => {
                    (c.leaf, c.idx) = (Some(l), rank);
                    return c;
                }
                Node::Inner(inner) => {
                    let (i, sub) = inner.route_rank(rank);
                    c.path.push((inner, i));
                    (node, rank) = (&inner.kids[i].node, sub);
                }
            }
        }
    }

    /// Moves to the start of the next leaf, or to the end of the previous one.
    fn step_leaf(&mut self, forward: bool) {
        while let Some((inner, i)) = self.path.pop() {
            let next = if forward { i + 1 } else { i.wrapping_sub(1) };
            if next < inner.kids.len() {
                self.path.push((inner, next));
                let mut node = &inner.kids[next].node;
                loop {
                    match node {
                        Node::Leaf(l) => {
                            (self.leaf, self.idx) = (Some(l), if forward { 0 } else { l.len() });
                            return;
                        }
                        Node::Inner(inner) => {
                            let i = if forward { 0 } else { inner.kids.len() - 1 };
                            self.path.push((inner, i));
                            node = &inner.kids[i].node;
                        }
                    }
                }
            }
        }
        unreachable!("iterated past the end of the tree")
    }
}

impl<'a> Iter<'a> {
    pub(super) fn new(root: Option<&'a Node>, ranks: Range<usize>) -> Self {
        match root {
            Some(root) if !ranks.is_empty() => {
                let mut back = Cursor::at(root, ranks.end - 1);
                back.idx += 1;
                Iter { front: Cursor::at(root, ranks.start), back, left: ranks.len() }
            }
            _ => Iter { front: Cursor::empty(), back: Cursor::empty(), left: 0 },
        }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let c = &mut self.front;
        if c.idx == c.leaf.expect("positioned").len() {
            c.step_leaf(true);
        }
        c.idx += 1;
        Some(c.leaf.expect("positioned").entry(c.idx - 1))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let c = &mut self.back;
        if c.idx == 0 {
            c.step_leaf(false);
        }
        c.idx -= 1;
        Some(c.leaf.expect("positioned").entry(c.idx))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl FusedIterator for Iter<'_> {}
