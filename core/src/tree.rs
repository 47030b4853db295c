//! The ordered index: a B+ tree of items, read without locks.
//!
//! Leaves are immutable once published: the writer (who holds the commit lock) builds a new leaf
//! for every change and swaps it into its parent's child slot with one release store; the old leaf
//! is freed after an epoch. Inner nodes have immutable separators and atomic child slots, and are
//! copied only when a child splits or disappears. A reader pinned in an epoch therefore always
//! walks a well-formed tree, and any item whose version it may see is in it (the writer inserts an
//! item before it publishes the sequence number that makes it visible).
//!
//! Leaves keep the keys' common prefix once and, per entry, the next 8 key bytes as a big-endian
//! integer ("head"), so a search compares integers and follows an item pointer only on a tie.

use std::cmp::Ordering as Cmp;
use std::ops::Bound;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_epoch::{Atomic, Guard, Owned, Shared};

use crate::item::ItemRef;

const LEAF_MAX: usize = 64;
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

#[derive(Clone, Copy)]
struct Entry {
    head: u64,
    item: ItemRef,
}

struct Leaf {
    prefix: Arc<[u8]>,
    entries: Box<[Entry]>,
}

/// Separator keys stored back to back, so a binary search stays within a few allocations, with
/// their common prefix length and the next 8 bytes of each as an integer: most comparisons in a
/// descent are integer comparisons.
struct Seps {
    offs: Box<[u32]>,
    bytes: Box<[u8]>,
    heads: Box<[u64]>,
    prefix_len: usize,
}

struct Inner {
    /// `children.len() == seps.len() + 1`; child `i` holds keys `k` with `seps[i-1] <= k < seps[i]`.
    seps: Seps,
    children: Box<[Atomic<Node>]>,
}

fn head_of(key: &[u8], plen: usize) -> u64 {
    let mut b = [0u8; 8];
    if key.len() > plen {
        let n = (key.len() - plen).min(8);
        b[..n].copy_from_slice(&key[plen..plen + n]);
    }
    u64::from_be_bytes(b)
}

fn lcp(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl Seps {
    fn from_keys<'a>(keys: impl Iterator<Item = &'a [u8]>) -> Seps {
        let mut offs = vec![0u32];
        let mut bytes = Vec::new();
        for k in keys {
            bytes.extend_from_slice(k);
            offs.push(bytes.len() as u32);
        }
        let n = offs.len() - 1;
        let get = |i: usize| &bytes[offs[i] as usize..offs[i + 1] as usize];
        // Separators are sorted: the common prefix of all is that of the first and the last.
        let prefix_len = if n == 0 { 0 } else { lcp(get(0), get(n - 1)) };
        let heads = (0..n).map(|i| head_of(get(i), prefix_len)).collect();
        Seps { offs: offs.into(), bytes: bytes.into(), heads, prefix_len }
    }

    fn len(&self) -> usize {
        self.offs.len() - 1
    }

    fn get(&self, i: usize) -> &[u8] {
        &self.bytes[self.offs[i] as usize..self.offs[i + 1] as usize]
    }
}

impl Inner {
    /// The child that holds `key`: the number of separators `<= key`.
    fn child_index(&self, key: &[u8]) -> usize {
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

impl Leaf {
    fn entry_cmp(&self, i: usize, key: &[u8], head: u64, guard: &Guard) -> Cmp {
        let e = self.entries[i];
        match e.head.cmp(&head) {
            Cmp::Equal => e.item.key(guard).cmp(key),
            c => c,
        }
    }

    /// `Ok(i)` if entry `i` has `key`, else `Err(i)` with the insertion point.
    fn position(&self, key: &[u8], guard: &Guard) -> Result<usize, usize> {
        let p = &*self.prefix;
        let n = p.len().min(key.len());
        match key[..n].cmp(&p[..n]) {
            Cmp::Less => return Err(0),
            Cmp::Greater => return Err(self.entries.len()),
            Cmp::Equal if key.len() < p.len() => return Err(0),
            Cmp::Equal => {}
        }
        let head = head_of(key, p.len());
        let (mut lo, mut hi) = (0, self.entries.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.entry_cmp(mid, key, head, guard) {
                Cmp::Less => lo = mid + 1,
                Cmp::Greater => hi = mid,
                Cmp::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// A leaf over `items` (sorted), with the longest common prefix and fresh heads.
    fn build(items: &[ItemRef], guard: &Guard) -> Leaf {
        let prefix: Arc<[u8]> = match (items.first(), items.last()) {
            (Some(a), Some(b)) => {
                let (ka, kb) = (a.key(guard), b.key(guard));
                Arc::from(&ka[..lcp(ka, kb)])
            }
            _ => Arc::from(&[][..]),
        };
        let entries = items.iter().map(|&item| Entry { head: head_of(item.key(guard), prefix.len()), item }).collect();
        Leaf { prefix, entries }
    }

    /// This leaf plus `item` (whose key is `key`) at position `at`.
    fn with_inserted(&self, at: usize, key: &[u8], item: ItemRef) -> (Arc<[u8]>, Vec<Entry>) {
        let mut entries = Vec::with_capacity(self.entries.len() + 1);
        let common = lcp(&self.prefix, key);
        let prefix = if self.entries.is_empty() {
            Arc::from(key)
        } else if common == self.prefix.len() {
            self.prefix.clone()
        } else {
            Arc::from(&self.prefix[..common])
        };
        if prefix.len() == self.prefix.len() || self.entries.is_empty() {
            entries.extend_from_slice(&self.entries);
        } else {
            // The prefix shrank: each old head is now preceded by the bytes the prefix dropped.
            let gap = &self.prefix[common..];
            entries.extend(self.entries.iter().map(|e| {
                let mut b = [0u8; 8];
                let g = gap.len().min(8);
                b[..g].copy_from_slice(&gap[..g]);
                b[g..].copy_from_slice(&e.head.to_be_bytes()[..8 - g]);
                Entry { head: u64::from_be_bytes(b), item: e.item }
            }));
        }
        entries.insert(at, Entry { head: head_of(key, prefix.len()), item });
        (prefix, entries)
    }

    /// Splits an over-full entry list into two leaves; heads are rebuilt only where they tie.
    fn split(prefix: &Arc<[u8]>, entries: Vec<Entry>, guard: &Guard) -> (Leaf, Leaf) {
        let mid = entries.len() / 2;
        let make = |part: &[Entry]| -> Leaf {
            let ties = part.windows(2).any(|w| w[0].head == w[1].head);
            if ties {
                let items: Vec<ItemRef> = part.iter().map(|e| e.item).collect();
                Leaf::build(&items, guard)
            } else {
                Leaf { prefix: prefix.clone(), entries: part.into() }
            }
        };
        (make(&entries[..mid]), make(&entries[mid..]))
    }
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
        Tree { root: Atomic::new(Node::Leaf(Leaf { prefix: Arc::from(&[][..]), entries: Box::new([]) })) }
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
                let seps = Seps::from_keys(group.iter().skip(1).map(|(_, k)| *k));
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

    /// Replaces the node at the end of `path` with `new`, retiring the old one.
    fn replace<'g>(&self, path: &Path<'g>, old: Shared<'g, Node>, new: Owned<Node>, guard: &'g Guard) {
        let slot = self.slot(path.as_slice());
        slot.store(new, Ordering::Release);
        // SAFETY: `old` is unlinked; pinned readers finish before it is freed. Its children (if
        // any) are owned by the replacement, and dropping a Node does not drop children.
        unsafe { guard.defer_destroy(old) };
    }

    /// Inserts `item` under `key`, which must not be in the tree. Writer only.
    pub(crate) fn insert(&self, key: &[u8], item: ItemRef, guard: &Guard) {
        let mut path = Path::new();
        let leaf_s = self.descend(key, &mut path, guard);
        let Node::Leaf(leaf) = node_ref(leaf_s) else { unreachable!() };
        let at = match leaf.position(key, guard) {
            Ok(_) => {
                debug_assert!(false, "key already in the tree");
                return;
            }
            Err(at) => at,
        };
        let (prefix, entries) = leaf.with_inserted(at, key, item);
        if entries.len() <= LEAF_MAX {
            self.replace(&path, leaf_s, Owned::new(Node::Leaf(Leaf { prefix, entries: entries.into() })), guard);
            return;
        }
        let (left, right) = Leaf::split(&prefix, entries, guard);
        let sep = right.entries[0].item.key(guard).to_vec();
        self.insert_split(path, leaf_s, Owned::new(Node::Leaf(left)), sep, Owned::new(Node::Leaf(right)), guard);
    }

    /// Replaces `old` (at the end of `path`) with `left` and `right` separated by `sep`, splitting
    /// ancestors as needed.
    fn insert_split<'g>(
        &self,
        mut path: Path<'g>,
        mut old: Shared<'g, Node>,
        mut left: Owned<Node>,
        mut sep: Vec<u8>,
        mut right: Owned<Node>,
        guard: &'g Guard,
    ) {
        loop {
            let Some((parent_s, idx)) = path.pop() else {
                // The root split: grow the tree by one level.
                let seps = Seps::from_keys(std::iter::once(&sep[..]));
                let root = Inner { seps, children: vec![Atomic::from(left), Atomic::from(right)].into() };
                self.root.store(Owned::new(Node::Inner(root)), Ordering::Release);
                // SAFETY: see replace.
                unsafe { guard.defer_destroy(old) };
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
            // SAFETY: see replace.
            unsafe { guard.defer_destroy(old) };
            if children.len() <= INNER_MAX {
                let node = Inner { seps: Seps::from_keys(keys.into_iter()), children: children.into() };
                self.replace(&path, parent_s, Owned::new(Node::Inner(node)), guard);
                return;
            }
            let mid = children.len() / 2;
            let right_children = children.split_off(mid);
            // keys[mid - 1] separates the halves and moves up.
            let up = keys[mid - 1].to_vec();
            let l = Inner { seps: Seps::from_keys(keys[..mid - 1].iter().copied()), children: children.into() };
            let r = Inner { seps: Seps::from_keys(keys[mid..].iter().copied()), children: right_children.into() };
            old = parent_s;
            left = Owned::new(Node::Inner(l));
            right = Owned::new(Node::Inner(r));
            sep = up;
        }
    }

    /// Removes `item` (stored under `key`). Writer only. Returns whether it was found.
    pub(crate) fn remove(&self, key: &[u8], item: ItemRef, guard: &Guard) -> bool {
        let mut path = Path::new();
        let leaf_s = self.descend(key, &mut path, guard);
        let Node::Leaf(leaf) = node_ref(leaf_s) else { unreachable!() };
        let at = match leaf.position(key, guard) {
            Ok(at) if leaf.entries[at].item == item => at,
            _ => return false,
        };
        if leaf.entries.len() > 1 || path.is_empty() {
            let mut entries = leaf.entries.to_vec();
            entries.remove(at);
            let new = Leaf { prefix: leaf.prefix.clone(), entries: entries.into() };
            self.replace(&path, leaf_s, Owned::new(Node::Leaf(new)), guard);
            return true;
        }
        // The leaf empties: drop it from its parent, and empty ancestors with it.
        let mut old = leaf_s;
        while let Some((parent_s, idx)) = path.pop() {
            let Node::Inner(parent) = node_ref(parent_s) else { unreachable!() };
            // SAFETY: see replace.
            unsafe { guard.defer_destroy(old) };
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
            let new = Inner { seps: Seps::from_keys(keys), children: children.into() };
            if path.is_empty() && new.children.len() == 1 {
                // Collapse a root with a single child.
                let only = new.children[0].load(Ordering::Relaxed, guard);
                self.root.store(only, Ordering::Release);
                // SAFETY: see replace.
                unsafe { guard.defer_destroy(parent_s) };
                return true;
            }
            self.replace(&path, parent_s, Owned::new(Node::Inner(new)), guard);
            return true;
        }
        // Every ancestor emptied: the tree is empty.
        self.root.store(Owned::new(Node::Leaf(empty_leaf())), Ordering::Release);
        // SAFETY: see replace.
        unsafe { guard.defer_destroy(old) };
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

fn empty_leaf() -> Leaf {
    Leaf { prefix: Arc::from(&[][..]), entries: Box::new([]) }
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
            let start = match lo {
                Bound::Unbounded => 0,
                Bound::Included(k) => leaf.position(k, guard).unwrap_or_else(|i| i),
                Bound::Excluded(k) => leaf.position(k, guard).map_or_else(|i| i, |i| i + 1),
            };
            let end = match hi {
                Bound::Unbounded => leaf.entries.len(),
                Bound::Included(k) => leaf.position(k, guard).map_or_else(|i| i, |i| i + 1),
                Bound::Excluded(k) => leaf.position(k, guard).unwrap_or_else(|i| i),
            };
            if start >= end {
                return true;
            }
            let entries = &leaf.entries[start..end];
            // The items of a leaf lie anywhere in memory: ask for all of them at once so their
            // cache misses overlap instead of coming one after another.
            for e in entries {
                // An item's header and key share its first cache line; a small value follows.
                prefetch(e.item.addr());
                prefetch(e.item.addr() + 64);
                prefetch(e.item.addr() + 128);
            }
            if reverse {
                entries.iter().rev().all(|e| f(e.item))
            } else {
                entries.iter().all(|e| f(e.item))
            }
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        // SAFETY: dropping the tree means no reader holds it.
        unsafe { self.free_all() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::NewVersion;
    use crossbeam_epoch as epoch;
    use std::collections::BTreeMap;

    fn keys_of(tree: &Tree, lo: Bound<&[u8]>, hi: Bound<&[u8]>, reverse: bool) -> Vec<Vec<u8>> {
        let guard = epoch::pin();
        let mut out = Vec::new();
        tree.walk(lo, hi, reverse, &guard, &mut |it| {
            out.push(it.key(&guard).to_vec());
            true
        });
        out
    }

    #[test]
    fn matches_a_btreemap_under_random_inserts_and_removes() {
        let guard = epoch::pin();
        let tree = Tree::new();
        let mut model: BTreeMap<Vec<u8>, ItemRef> = BTreeMap::new();
        let mut x: u64 = 42;
        for step in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = x % 3000;
            // Keys of varied shape: shared prefixes, short keys, a key that is a prefix of another.
            let key = match n % 4 {
                0 => format!("user:{n:010}").into_bytes(),
                1 => format!("u{n}").into_bytes(),
                2 => vec![b'a'; (n % 20) as usize],
                _ => format!("session:{:x}", n * 2654435761).into_bytes(),
            };
            if let Some(item) = model.remove(&key) {
                assert!(tree.remove(&key, item, &guard), "remove {key:?} at step {step}");
            } else {
                let item = ItemRef::alloc(&key, &NewVersion { seq: 1, expires_at: 0, value: Some(b"v") });
                tree.insert(&key, item, &guard);
                model.insert(key, item);
            }
        }
        let all: Vec<Vec<u8>> = model.keys().cloned().collect();
        assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false), all);
        let mut rev = all.clone();
        rev.reverse();
        assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, true), rev);
        let lo = b"u1".as_slice();
        let hi = b"user:0000001000".as_slice();
        let want: Vec<Vec<u8>> =
            model.range::<[u8], _>((Bound::Excluded(lo), Bound::Included(hi))).map(|(k, _)| k.clone()).collect();
        assert_eq!(keys_of(&tree, Bound::Excluded(lo), Bound::Included(hi), false), want);
        for (k, item) in std::mem::take(&mut model) {
            assert!(tree.remove(&k, item, &guard));
            // SAFETY: removed from the tree and never shared elsewhere.
            unsafe { item.free_now() };
        }
        assert!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false).is_empty());
    }

    #[test]
    fn a_deep_tree_finds_every_range() {
        let guard = epoch::pin();
        let tree = Tree::new();
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let mut x: u64 = 7;
        for i in 0..150_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            // Shared prefixes of different lengths, so inner nodes get prefixes and head ties.
            let k = match i % 3 {
                0 => format!("user:{:010}", x >> 44).into_bytes(),
                1 => format!("tenant-0000000000001/user/{:08}", x >> 40).into_bytes(),
                _ => (x >> 16).to_be_bytes().to_vec(),
            };
            keys.push(k);
        }
        keys.sort();
        keys.dedup();
        let mut order: Vec<usize> = (0..keys.len()).collect();
        for i in (1..order.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (x >> 33) as usize % (i + 1));
        }
        let items: Vec<ItemRef> =
            keys.iter().map(|k| ItemRef::alloc(k, &NewVersion { seq: 1, expires_at: 0, value: None })).collect();
        for &i in &order {
            tree.insert(&keys[i], items[i], &guard);
        }
        assert_eq!(keys_of(&tree, Bound::Unbounded, Bound::Unbounded, false), keys);
        for probe in (0..keys.len()).step_by(997) {
            let lo = &keys[probe];
            let hi = &keys[(probe + 50).min(keys.len() - 1)];
            let want: Vec<Vec<u8>> = keys.iter().filter(|k| *k >= lo && *k < hi).cloned().collect();
            assert_eq!(keys_of(&tree, Bound::Included(lo), Bound::Excluded(hi), false), want);
        }
        drop(tree);
        for it in items {
            // SAFETY: the tree is gone; never shared elsewhere.
            unsafe { it.free_now() };
        }
    }

    #[test]
    fn bulk_built_tree_walks_in_order() {
        let guard = epoch::pin();
        let items: Vec<ItemRef> = (0..10_000)
            .map(|i| ItemRef::alloc(format!("k{i:06}").as_bytes(), &NewVersion { seq: 1, expires_at: 0, value: None }))
            .collect();
        let tree = Tree::from_sorted(&items, &guard);
        let got = keys_of(&tree, Bound::Included(b"k000100"), Bound::Excluded(b"k000200"), false);
        assert_eq!(got.len(), 100);
        assert_eq!(got[0], b"k000100");
        let extra = ItemRef::alloc(b"k000100x", &NewVersion { seq: 1, expires_at: 0, value: None });
        tree.insert(b"k000100x", extra, &guard);
        let got = keys_of(&tree, Bound::Included(b"k000100"), Bound::Excluded(b"k000102"), false);
        assert_eq!(got, vec![b"k000100".to_vec(), b"k000100x".to_vec(), b"k000101".to_vec()]);
        drop(tree);
        for it in items.into_iter().chain([extra]) {
            // SAFETY: the tree is gone; the items were never shared elsewhere.
            unsafe { it.free_now() };
        }
    }
}
