//! The ordered index: a B+ tree of items, read without locks.
//!
//! Inner nodes (`inner.rs`) have immutable separators and atomic child slots. Leaves (`leaf.rs`)
//! have an immutable sorted run and a short tail the writer (who holds the commit lock) appends
//! to in place; any other change builds a new leaf that is swapped into its parent's child slot
//! with one release store, and the old node is freed after an epoch. Inner nodes are copied only
//! when a child splits or disappears. A reader pinned in an epoch therefore always walks a
//! well-formed tree, and any item whose version it may see is in it (the writer inserts an item
//! before it publishes the sequence number that makes it visible).

mod inner;
mod leaf;
#[cfg(test)]
mod tests;

use std::ops::Bound;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_epoch::{Atomic, Guard, Owned, Shared};

use crate::item::ItemRef;
use crate::reclaim::Reclaimer;
use inner::{Inner, Seps};
use leaf::{head_of, lcp, merge, position, Entry, Leaf, TAIL_MAX};

/// Most entries a rebuilt leaf keeps before it splits (its tail adds up to `TAIL_MAX` more).
const LEAF_MAX: usize = 64 - TAIL_MAX;
const INNER_MAX: usize = 64;
/// Deepest tree a descent path can record. Splits keep at least 2 children per inner node, so
/// a tree this deep would need more than 2^24 leaves per root child.
const MAX_DEPTH: usize = 24;
/// Fill of nodes built in bulk (recovery): room for inserts without immediate splits.
const BULK_FILL: usize = 48;

enum Node {
    Leaf(Leaf),
    Inner(Inner),
}

/// `entries` (sorted, heads relative to `prefix`) plus `item` (whose key is `key`) at `at`. The
/// prefix shrinks if `key` does not share it, and the heads with it.
fn with_inserted(
    prefix: &Arc<[u8]>,
    mut entries: Vec<Entry>,
    at: usize,
    key: &[u8],
    item: ItemRef,
) -> (Arc<[u8]>, Vec<Entry>) {
    if entries.is_empty() {
        let prefix: Arc<[u8]> = Arc::from(key);
        entries.push(Entry { head: head_of(key, prefix.len()), item });
        return (prefix, entries);
    }
    let common = lcp(prefix, key);
    let prefix = if common == prefix.len() {
        prefix.clone()
    } else {
        // Each old head is now preceded by the bytes the prefix dropped.
        let gap = &prefix[common..];
        let g = gap.len().min(8);
        for e in entries.iter_mut() {
            let mut b = [0u8; 8];
            b[..g].copy_from_slice(&gap[..g]);
            b[g..].copy_from_slice(&e.head.to_be_bytes()[..8 - g]);
            e.head = u64::from_be_bytes(b);
        }
        Arc::from(&prefix[..common])
    };
    entries.insert(at, Entry { head: head_of(key, prefix.len()), item });
    (prefix, entries)
}

/// Where a descent ended: at the tree's first or last leaf, or elsewhere.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge {
    First,
    Last,
    Inside,
}

/// Where a node splits: in the middle, except when keys arrive in order at an edge of the tree
/// (ascending ids, time stamps): then the old node stays full and the new one takes the edge, so
/// sequential loads leave nodes full instead of half empty. `new_at` is the position of what was
/// just added among `len`; `keep` is how many entries the new edge node starts with.
fn split_point(len: usize, new_at: usize, edge: Edge, keep: usize) -> usize {
    match edge {
        Edge::Last if new_at + keep >= len => len - keep,
        Edge::First if new_at < keep => keep,
        _ => len / 2,
    }
}

/// Splits an over-full entry list into two leaves at `mid`; heads are rebuilt only where they tie.
fn split(prefix: &Arc<[u8]>, entries: Vec<Entry>, mid: usize, guard: &Guard) -> (Leaf, Leaf) {
    let make = |part: &[Entry]| -> Leaf {
        let ties = part.windows(2).any(|w| w[0].head == w[1].head);
        if ties {
            let items: Vec<ItemRef> = part.iter().map(|e| e.item).collect();
            Leaf::build(&items, guard)
        } else {
            Leaf::new(prefix.clone(), part.into())
        }
    };
    (make(&entries[..mid]), make(&entries[mid..]))
}

/// A step of the writer's descent: the inner node and the child slot taken.
type PathStep<'g> = (Shared<'g, Node>, usize);

/// The writer's descent path, on the stack: an insert allocates nothing for it.
struct Path<'g> {
    steps: [PathStep<'g>; MAX_DEPTH],
    len: usize,
}

impl<'g> Path<'g> {
    fn new() -> Path<'g> {
        Path { steps: [(Shared::null(), 0); MAX_DEPTH], len: 0 }
    }

    fn push(&mut self, step: PathStep<'g>) {
        assert!(self.len < MAX_DEPTH, "tree deeper than {MAX_DEPTH} levels");
        self.steps[self.len] = step;
        self.len += 1;
    }

    fn pop(&mut self) -> Option<PathStep<'g>> {
        self.len = self.len.checked_sub(1)?;
        Some(self.steps[self.len])
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn as_slice(&self) -> &[PathStep<'g>] {
        &self.steps[..self.len]
    }

    /// Whether the path leads to the tree's first or last leaf.
    fn edge(&self) -> Edge {
        let steps = self.as_slice();
        let last = |&(node, idx): &PathStep<'g>| match node_ref(node) {
            Node::Inner(inner) => idx + 1 == inner.children.len(),
            Node::Leaf(_) => false,
        };
        if steps.iter().all(last) {
            Edge::Last
        } else if steps.iter().all(|&(_, idx)| idx == 0) {
            Edge::First
        } else {
            Edge::Inside
        }
    }
}

pub(crate) struct Tree {
    root: Atomic<Node>,
}

fn node_ref<'g>(s: Shared<'g, Node>) -> &'g Node {
    // SAFETY: tree node pointers are never null and nodes are freed only through the epoch that
    // the caller's guard pins.
    unsafe { s.deref() }
}

impl Tree {
    pub(crate) fn new() -> Tree {
        Tree { root: Atomic::new(Node::Leaf(Leaf::empty())) }
    }

    /// Builds a tree over `items`, which must be sorted by key with no duplicates.
    pub(crate) fn from_sorted(items: &[ItemRef], guard: &Guard) -> Tree {
        if items.is_empty() {
            return Tree::new();
        }
        // Each level: (node, first key of its subtree).
        let mut level: Vec<(Owned<Node>, &[u8])> =
            items.chunks(BULK_FILL).map(|c| (Owned::new(Node::Leaf(Leaf::build(c, guard))), c[0].key(guard))).collect();
        while level.len() > 1 {
            let mut next = Vec::with_capacity(level.len() / BULK_FILL + 1);
            let mut it = level.into_iter().peekable();
            while it.peek().is_some() {
                let group: Vec<(Owned<Node>, &[u8])> = it.by_ref().take(BULK_FILL).collect();
                let first = group[0].1;
                let seps = Seps::from_keys(&group.iter().skip(1).map(|(_, k)| *k).collect::<Vec<_>>());
                let children = group.into_iter().map(|(n, _)| Atomic::from(n)).collect();
                next.push((Owned::new(Node::Inner(Inner { seps, children })), first));
            }
            level = next;
        }
        let (root, _) = level.pop().expect("one root");
        Tree { root: Atomic::from(root) }
    }

    fn slot<'a>(&'a self, path: &[PathStep<'a>]) -> &'a Atomic<Node> {
        match path.last() {
            None => &self.root,
            Some((inner, idx)) => match node_ref(*inner) {
                Node::Inner(i) => &i.children[*idx],
                Node::Leaf(_) => unreachable!("path holds inner nodes only"),
            },
        }
    }

    fn descend<'g>(&self, key: &[u8], path: &mut Path<'g>, guard: &'g Guard) -> Shared<'g, Node> {
        let mut node = self.root.load(Ordering::Acquire, guard);
        loop {
            match node_ref(node) {
                Node::Inner(inner) => {
                    let i = inner.child_index(key);
                    path.push((node, i));
                    node = inner.children[i].load(Ordering::Acquire, guard);
                }
                Node::Leaf(_) => return node,
            }
        }
    }

    /// Walks to the leaf of `key` and searches it, touching what `insert` will touch, without
    /// changing anything. Lock-free: writers call it before taking the commit lock, so that the
    /// cache misses of a descent into a large tree are taken outside it.
    pub(crate) fn prefetch(&self, key: &[u8], guard: &Guard) {
        let mut node = self.root.load(Ordering::Acquire, guard);
        loop {
            match node_ref(node) {
                Node::Inner(inner) => node = inner.children[inner.child_index(key)].load(Ordering::Acquire, guard),
                Node::Leaf(leaf) => {
                    let _ = std::hint::black_box(position(&leaf.sorted, &leaf.prefix, key, guard));
                    std::hint::black_box(leaf.tail());
                    return;
                }
            }
        }
    }

    /// Replaces the node at the end of `path` with `new`, retiring the old one.
    fn replace<'g>(&self, path: &Path<'g>, old: Shared<'g, Node>, new: Owned<Node>, rec: &mut Reclaimer) {
        let slot = self.slot(path.as_slice());
        slot.store(new, Ordering::Release);
        retire_node(old, rec);
    }

    /// Inserts `item` under `key`, which must not be in the tree. Writer only.
    pub(crate) fn insert(&self, key: &[u8], item: ItemRef, guard: &Guard, rec: &mut Reclaimer) {
        let mut path = Path::new();
        let leaf_s = self.descend(key, &mut path, guard);
        let Node::Leaf(leaf) = node_ref(leaf_s) else { unreachable!() };
        if leaf.try_append(key, item, guard) {
            return;
        }
        // The tail is full or the key breaks the prefix: rebuild the leaf, tail merged in.
        let all = leaf.merged(guard);
        let at = match position(&all, &leaf.prefix, key, guard) {
            Ok(_) => {
                debug_assert!(false, "key already in the tree");
                return;
            }
            Err(at) => at,
        };
        let (prefix, entries) = with_inserted(&leaf.prefix, all, at, key, item);
        if entries.len() <= LEAF_MAX {
            self.replace(&path, leaf_s, Owned::new(Node::Leaf(Leaf::new(prefix, entries.into()))), rec);
            return;
        }
        let edge = path.edge();
        let mid = split_point(entries.len(), at, edge, 1);
        let (left, right) = split(&prefix, entries, mid, guard);
        let sep = right.sorted[0].item.key(guard).to_vec();
        let (left, right) = (Owned::new(Node::Leaf(left)), Owned::new(Node::Leaf(right)));
        self.insert_split(path, edge, leaf_s, left, sep, right, guard, rec);
    }

    /// Replaces `old` (at the end of `path`) with `left` and `right` separated by `sep`, splitting
    /// ancestors as needed.
    #[allow(clippy::too_many_arguments)]
    fn insert_split<'g>(
        &self,
        mut path: Path<'g>,
        edge: Edge,
        mut old: Shared<'g, Node>,
        mut left: Owned<Node>,
        mut sep: Vec<u8>,
        mut right: Owned<Node>,
        guard: &'g Guard,
        rec: &mut Reclaimer,
    ) {
        loop {
            let Some((parent_s, idx)) = path.pop() else {
                // The root split: grow the tree by one level.
                let seps = Seps::from_keys(&[&sep[..]]);
                let root = Inner { seps, children: vec![Atomic::from(left), Atomic::from(right)].into() };
                self.root.store(Owned::new(Node::Inner(root)), Ordering::Release);
                retire_node(old, rec);
                return;
            };
            let Node::Inner(parent) = node_ref(parent_s) else { unreachable!() };
            let mut keys: Vec<&[u8]> = (0..parent.seps.len()).map(|i| parent.seps.get(i)).collect();
            keys.insert(idx, &sep);
            let mut children: Vec<Atomic<Node>> = Vec::with_capacity(parent.children.len() + 1);
            let mut pair = Some((left, right));
            for (i, c) in parent.children.iter().enumerate() {
                if i == idx {
                    let (l, r) = pair.take().expect("idx is visited once");
                    children.push(Atomic::from(l));
                    children.push(Atomic::from(r));
                } else {
                    children.push(Atomic::from(c.load(Ordering::Relaxed, guard)));
                }
            }
            retire_node(old, rec);
            if children.len() <= INNER_MAX {
                let node = Inner { seps: Seps::from_keys(&keys), children: children.into() };
                self.replace(&path, parent_s, Owned::new(Node::Inner(node)), rec);
                return;
            }
            // The new pair sits at idx, idx + 1; an edge split leaves the pair as the new node.
            let mid = split_point(children.len(), idx + usize::from(edge == Edge::Last), edge, 2);
            let right_children = children.split_off(mid);
            // keys[mid - 1] separates the halves and moves up.
            let up = keys[mid - 1].to_vec();
            let l = Inner { seps: Seps::from_keys(&keys[..mid - 1]), children: children.into() };
            let r = Inner { seps: Seps::from_keys(&keys[mid..]), children: right_children.into() };
            old = parent_s;
            left = Owned::new(Node::Inner(l));
            right = Owned::new(Node::Inner(r));
            sep = up;
        }
    }

    /// Removes `item` (stored under `key`). Writer only. Returns whether it was found.
    pub(crate) fn remove(&self, key: &[u8], item: ItemRef, guard: &Guard, rec: &mut Reclaimer) -> bool {
        let mut path = Path::new();
        let leaf_s = self.descend(key, &mut path, guard);
        let Node::Leaf(leaf) = node_ref(leaf_s) else { unreachable!() };
        let mut entries = leaf.merged(guard);
        let at = match position(&entries, &leaf.prefix, key, guard) {
            Ok(at) if entries[at].item == item => at,
            _ => return false,
        };
        if entries.len() > 1 || path.is_empty() {
            entries.remove(at);
            let new = Leaf::new(leaf.prefix.clone(), entries.into());
            self.replace(&path, leaf_s, Owned::new(Node::Leaf(new)), rec);
            return true;
        }
        // The leaf empties: drop it from its parent, and empty ancestors with it.
        let mut old = leaf_s;
        while let Some((parent_s, idx)) = path.pop() {
            let Node::Inner(parent) = node_ref(parent_s) else { unreachable!() };
            retire_node(old, rec);
            if parent.children.len() == 1 {
                old = parent_s;
                continue;
            }
            let children: Vec<Atomic<Node>> = parent
                .children
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != idx)
                .map(|(_, c)| Atomic::from(c.load(Ordering::Relaxed, guard)))
                .collect();
            // Removing child i drops separator i-1 (or separator 0 for the first child).
            let drop_sep = idx.saturating_sub(1);
            let keys = (0..parent.seps.len()).filter(|&i| i != drop_sep).map(|i| parent.seps.get(i));
            let new = Inner { seps: Seps::from_keys(&keys.collect::<Vec<_>>()), children: children.into() };
            if path.is_empty() && new.children.len() == 1 {
                // Collapse a root with a single child.
                let only = new.children[0].load(Ordering::Relaxed, guard);
                self.root.store(only, Ordering::Release);
                retire_node(parent_s, rec);
                return true;
            }
            self.replace(&path, parent_s, Owned::new(Node::Inner(new)), rec);
            return true;
        }
        // Every ancestor emptied: the tree is empty.
        self.root.store(Owned::new(Node::Leaf(Leaf::empty())), Ordering::Release);
        retire_node(old, rec);
        true
    }

    /// Points the entry of `key` at `new` instead of `old` (a compacted copy of the same key and
    /// newest version). The leaf is rebuilt, since published entries are never written again.
    /// Writer only. Returns whether `old` was found.
    pub(crate) fn replace_item(
        &self,
        key: &[u8],
        old: ItemRef,
        new: ItemRef,
        guard: &Guard,
        rec: &mut Reclaimer,
    ) -> bool {
        let mut path = Path::new();
        let leaf_s = self.descend(key, &mut path, guard);
        let Node::Leaf(leaf) = node_ref(leaf_s) else { unreachable!() };
        let mut entries = leaf.merged(guard);
        match position(&entries, &leaf.prefix, key, guard) {
            Ok(at) if entries[at].item == old => entries[at].item = new,
            _ => return false,
        }
        let rebuilt = Leaf::new(leaf.prefix.clone(), entries.into());
        self.replace(&path, leaf_s, Owned::new(Node::Leaf(rebuilt)), rec);
        true
    }

    /// Calls `f` on the items with keys within `(lo, hi)`, in key order (or reverse), until `f`
    /// returns false. Lock-free; the guard must stay pinned while the items are used.
    pub(crate) fn walk(
        &self,
        lo: Bound<&[u8]>,
        hi: Bound<&[u8]>,
        reverse: bool,
        guard: &Guard,
        f: &mut dyn FnMut(ItemRef) -> bool,
    ) {
        let root = self.root.load(Ordering::Acquire, guard);
        walk_node(root, lo, hi, reverse, guard, f);
    }

    /// Frees every node. Items are not freed (the store owns them).
    ///
    /// # Safety
    /// No reader may use the tree any more.
    unsafe fn free_all(&mut self) {
        fn free(s: Shared<'_, Node>) {
            // SAFETY: exclusive access at teardown; each node is owned by exactly one slot.
            let owned = unsafe { s.into_owned() };
            if let Node::Inner(inner) = &*owned {
                for c in inner.children.iter() {
                    // SAFETY: exclusive access at teardown.
                    free(c.load(Ordering::Relaxed, unsafe { crossbeam_epoch::unprotected() }));
                }
            }
        }
        // SAFETY: exclusive access at teardown.
        free(self.root.load(Ordering::Relaxed, unsafe { crossbeam_epoch::unprotected() }));
    }
}

/// Retires a node unlinked from the tree. Its children (if any) now belong to its replacement:
/// dropping a `Node` never drops children.
fn retire_node(old: Shared<'_, Node>, rec: &mut Reclaimer) {
    /// # Safety
    /// `addr` is a node allocated by `Owned::new` that nothing references any more.
    unsafe fn free_node(addr: usize) {
        // SAFETY: forwarded contract.
        drop(unsafe { Owned::<Node>::from_raw(addr as *mut Node) });
    }
    // SAFETY: the caller unlinked `old` (no new reader reaches it), retires it once, and it came
    // from `Owned::new`.
    unsafe { rec.retire(old.as_raw() as usize, free_node, 0) };
}

#[inline(always)]
fn prefetch(addr: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(addr as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = addr;
}

fn walk_node(
    node: Shared<'_, Node>,
    lo: Bound<&[u8]>,
    hi: Bound<&[u8]>,
    reverse: bool,
    guard: &Guard,
    f: &mut dyn FnMut(ItemRef) -> bool,
) -> bool {
    match node_ref(node) {
        Node::Inner(inner) => {
            let first = match lo {
                Bound::Unbounded => 0,
                Bound::Included(k) | Bound::Excluded(k) => inner.child_index(k),
            };
            let last = match hi {
                Bound::Unbounded => inner.children.len() - 1,
                Bound::Included(k) | Bound::Excluded(k) => inner.child_index(k),
            };
            if first > last {
                return true;
            }
            let mut visit =
                |i: usize| walk_node(inner.children[i].load(Ordering::Acquire, guard), lo, hi, reverse, guard, f);
            if reverse {
                (first..=last).rev().all(&mut visit)
            } else {
                (first..=last).all(&mut visit)
            }
        }
        Node::Leaf(leaf) => {
            let tail = leaf.tail();
            let a = leaf_range(&leaf.sorted, &leaf.prefix, lo, hi, guard);
            let b = leaf_range(tail.as_slice(), &leaf.prefix, lo, hi, guard);
            // The items of a leaf lie anywhere in memory: ask for all of them at once so their
            // cache misses overlap instead of coming one after another.
            for e in a.iter().chain(b) {
                // An item's header and key share its first cache line; a small value follows.
                prefetch(e.item.addr());
                prefetch(e.item.addr() + 64);
                prefetch(e.item.addr() + 128);
            }
            merge(a, b, reverse, guard, &mut |e| f(e.item))
        }
    }
}

/// The part of `entries` (sorted, sharing `prefix`) within `(lo, hi)`.
fn leaf_range<'e>(
    entries: &'e [Entry],
    prefix: &[u8],
    lo: Bound<&[u8]>,
    hi: Bound<&[u8]>,
    guard: &Guard,
) -> &'e [Entry] {
    if entries.is_empty() {
        return entries;
    }
    let start = match lo {
        Bound::Unbounded => 0,
        Bound::Included(k) => position(entries, prefix, k, guard).unwrap_or_else(|i| i),
        Bound::Excluded(k) => position(entries, prefix, k, guard).map_or_else(|i| i, |i| i + 1),
    };
    let end = match hi {
        Bound::Unbounded => entries.len(),
        Bound::Included(k) => position(entries, prefix, k, guard).map_or_else(|i| i, |i| i + 1),
        Bound::Excluded(k) => position(entries, prefix, k, guard).unwrap_or_else(|i| i),
    };
    if start >= end {
        &entries[..0]
    } else {
        &entries[start..end]
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        // SAFETY: dropping the tree means no reader holds it.
        unsafe { self.free_all() }
    }
}
