//! Iteration over a range of ranks, in both directions. Each end keeps the leaf it is in, so a
//! walk descends the tree once per leaf, not once per entry.

use super::leaf::Leaf;
use super::PTree;

pub(crate) struct Iter<'a> {
    tree: &'a PTree,
    front: usize,
    back: usize,
    /// The leaf holding `front` and the rank of its first entry.
    front_leaf: Option<(&'a Leaf, usize)>,
    /// The leaf holding `back - 1` and the rank of its first entry.
    back_leaf: Option<(&'a Leaf, usize)>,
}

impl<'a> Iter<'a> {
    pub(super) fn new(tree: &'a PTree, front: usize, back: usize) -> Iter<'a> {
        Iter { tree, front, back, front_leaf: None, back_leaf: None }
    }

    fn entry_at(&mut self, rank: usize, front: bool) -> (&'a [u8], &'a [u8]) {
        let cached = if front { self.front_leaf } else { self.back_leaf };
        let (leaf, start) = match cached {
            Some((l, s)) if rank >= s && rank < s + l.len() => (l, s),
            _ => self.tree.leaf_for_rank(rank).expect("rank inside the tree"),
        };
        if front {
            self.front_leaf = Some((leaf, start));
        } else {
            self.back_leaf = Some((leaf, start));
        }
        leaf.entry(rank - start)
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        let e = self.entry_at(self.front, true);
        self.front += 1;
        Some(e)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        Some(self.entry_at(self.back, false))
    }
}

impl ExactSizeIterator for Iter<'_> {}
