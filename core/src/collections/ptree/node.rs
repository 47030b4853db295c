//! The nodes of the persistent tree and the recursive edits on them.
//!
//! Every edit goes down through `Arc::make_mut`: a node shared with an older version of the tree
//! is copied first, a node only this tree holds is changed in place. So the first edit of a
//! commit copies one path, and later edits of the same commit on that path copy nothing.
//!
//! An inner node keeps, per child, the number of entries under it (for ranks) and the child's
//! first key (for keyed descent), the keys packed in a `Leaf` with empty values.

use std::sync::Arc;

use super::leaf::Leaf;

pub(super) const MAX_FAN: usize = 32;
const MIN_FAN: usize = MAX_FAN / 4;

#[derive(Clone)]
pub(super) enum Node {
    Leaf(Leaf),
    Inner(Inner),
}

#[derive(Clone, Default)]
pub(super) struct Inner {
    pub children: Vec<Arc<Node>>,
    pub counts: Vec<usize>,
    /// Key `i` is the first key of child `i`.
    pub firsts: Leaf,
}

impl Node {
    pub(super) fn count(&self) -> usize {
        match self {
            Node::Leaf(l) => l.len(),
            Node::Inner(n) => n.counts.iter().sum(),
        }
    }

    pub(super) fn first_key(&self) -> &[u8] {
        match self {
            Node::Leaf(l) if l.len() > 0 => l.key(0),
            Node::Leaf(_) => &[],
            Node::Inner(n) => n.firsts.key(0),
        }
    }

    fn overfull(&self) -> bool {
        match self {
            Node::Leaf(l) => l.overfull(),
            Node::Inner(n) => n.children.len() > MAX_FAN,
        }
    }

    fn underfull(&self) -> bool {
        match self {
            Node::Leaf(l) => l.underfull(),
            Node::Inner(n) => n.children.len() < MIN_FAN,
        }
    }

    /// Splits off a right half.
    fn split(&mut self) -> Node {
        match self {
            Node::Leaf(l) => Node::Leaf(l.split()),
            Node::Inner(n) => {
                let half = n.children.len() / 2;
                Node::Inner(Inner {
                    children: n.children.split_off(half),
                    counts: n.counts.split_off(half),
                    firsts: n.firsts.split_at(half),
                })
            }
        }
    }

    /// Appends `other`'s contents (a node of the same level).
    fn append(&mut self, other: &Node) {
        match (self, other) {
            (Node::Leaf(a), Node::Leaf(b)) => a.append(b),
            (Node::Inner(a), Node::Inner(b)) => {
                a.children.extend(b.children.iter().cloned());
                a.counts.extend_from_slice(&b.counts);
                a.firsts.append(&b.firsts);
            }
            _ => unreachable!("siblings are at the same level"),
        }
    }
}

impl Inner {
    pub(super) fn child_for_key(&self, key: &[u8]) -> usize {
        match self.firsts.find(key) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The child holding rank `rank` and the rank where it starts. `insert` allows
    /// `rank == count` (an append goes to the last child).
    pub(super) fn child_for_rank(&self, mut rank: usize, insert: bool) -> (usize, usize) {
        let mut start = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            if rank < c || (insert && rank == c && i + 1 == self.counts.len()) {
                return (i, start);
            }
            rank -= c;
            start += c;
        }
        unreachable!("rank past the end of the tree")
    }

    /// Refreshes child `i`'s count and first key after an edit below it, then splits it if it
    /// grew too big or merges it with a neighbour if it shrank too small.
    fn settle(&mut self, i: usize) {
        self.counts[i] = self.children[i].count();
        let first = self.children[i].first_key().to_vec();
        self.firsts.set_key(i, &first);
        if self.children[i].overfull() {
            self.split_overfull(i);
        } else if self.children[i].underfull() && self.children.len() > 1 {
            let (a, b) = if i + 1 < self.children.len() { (i, i + 1) } else { (i - 1, i) };
            let right = self.children.remove(b);
            self.counts.remove(b);
            self.firsts.remove(b);
            Arc::make_mut(&mut self.children[a]).append(&right);
            self.counts[a] = self.children[a].count();
            let first = self.children[a].first_key().to_vec();
            self.firsts.set_key(a, &first);
            if self.children[a].overfull() {
                self.split_overfull(a);
            }
        }
    }

    /// Splits child `i` until none of its pieces is too big (one split may not do: a leaf of a
    /// huge entry between small ones needs two).
    fn split_overfull(&mut self, i: usize) {
        let (mut j, mut end) = (i, i + 1);
        while j < end {
            if self.children[j].overfull() {
                let right = Arc::make_mut(&mut self.children[j]).split();
                self.counts[j] = self.children[j].count();
                self.insert_child(j + 1, Arc::new(right));
                end += 1;
            } else {
                j += 1;
            }
        }
    }

    fn insert_child(&mut self, at: usize, child: Arc<Node>) {
        self.counts.insert(at, child.count());
        self.firsts.insert(at, child.first_key(), &[]);
        self.children.insert(at, child);
    }
}

/// Inserts or replaces `key`. Returns the old value.
pub(super) fn insert(node: &mut Arc<Node>, key: &[u8], value: &[u8]) -> Option<Vec<u8>> {
    match Arc::make_mut(node) {
        Node::Leaf(l) => match l.find(key) {
            Ok(i) => Some(l.set_value(i, value)),
            Err(i) => {
                l.insert(i, key, value);
                None
            }
        },
        Node::Inner(n) => {
            let i = n.child_for_key(key);
            let old = insert(&mut n.children[i], key, value);
            n.settle(i);
            old
        }
    }
}

pub(super) fn remove(node: &mut Arc<Node>, key: &[u8]) -> Option<Vec<u8>> {
    // Look before copying: removing an absent key must not copy the path.
    if !contains(node, key) {
        return None;
    }
    match Arc::make_mut(node) {
        Node::Leaf(l) => l.find(key).ok().map(|i| l.remove(i).1),
        Node::Inner(n) => {
            let i = n.child_for_key(key);
            let old = remove(&mut n.children[i], key);
            n.settle(i);
            old
        }
    }
}

fn contains(mut node: &Node, key: &[u8]) -> bool {
    loop {
        match node {
            Node::Leaf(l) => return l.find(key).is_ok(),
            Node::Inner(n) => node = &n.children[n.child_for_key(key)],
        }
    }
}

pub(super) fn insert_at(node: &mut Arc<Node>, rank: usize, key: &[u8], value: &[u8]) {
    match Arc::make_mut(node) {
        Node::Leaf(l) => l.insert(rank, key, value),
        Node::Inner(n) => {
            let (i, start) = n.child_for_rank(rank, true);
            insert_at(&mut n.children[i], rank - start, key, value);
            n.settle(i);
        }
    }
}

pub(super) fn remove_at(node: &mut Arc<Node>, rank: usize) -> (Vec<u8>, Vec<u8>) {
    match Arc::make_mut(node) {
        Node::Leaf(l) => l.remove(rank),
        Node::Inner(n) => {
            let (i, start) = n.child_for_rank(rank, false);
            let out = remove_at(&mut n.children[i], rank - start);
            n.settle(i);
            out
        }
    }
}

pub(super) fn set_value_at(node: &mut Arc<Node>, rank: usize, value: &[u8]) -> Vec<u8> {
    match Arc::make_mut(node) {
        Node::Leaf(l) => l.set_value(rank, value),
        Node::Inner(n) => {
            let (i, start) = n.child_for_rank(rank, false);
            let out = set_value_at(&mut n.children[i], rank - start, value);
            n.settle(i);
            out
        }
    }
}

/// Splits the root if it grew too big, making the tree one level taller.
pub(super) fn grow_root(root: &mut Arc<Node>) {
    while root.overfull() {
        let old = std::mem::replace(root, Arc::new(Node::Inner(Inner::default())));
        let Node::Inner(n) = Arc::make_mut(root) else { unreachable!() };
        n.insert_child(0, old);
        n.split_overfull(0);
    }
}

/// Makes the tree shorter while its root has a single child. Returns false if it became empty.
pub(super) fn shrink_root(root: &mut Arc<Node>) -> bool {
    loop {
        match &**root {
            Node::Inner(n) if n.children.len() == 1 => {
                let child = n.children[0].clone();
                *root = child;
            }
            Node::Leaf(l) => return l.len() > 0,
            Node::Inner(_) => return true,
        }
    }
}
