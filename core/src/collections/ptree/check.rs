//! The invariant check behind `PTree::check`, for tests and debugging: it walks the whole tree.

use super::leaf::{MAX_BYTES, MAX_ENTRIES};
use super::node::{Node, MAX_KIDS, MIN_KIDS};

/// Panics with what is wrong unless the tree under `root` is well formed. Separators are checked
/// only when `sorted` (a tree used by key): positional edits leave them meaningless.
pub(super) fn check(root: Option<&Node>, sorted: bool) {
    if let Some(root) = root {
        let mut leaf_depth = None;
        let found = check_node(root, 0, true, sorted, &mut leaf_depth);
        assert_eq!(found, root.summary(), "root summary");
    }
}

/// Checks `node` and returns its (entries, data bytes, heap bytes) as counted from the leaves.
fn check_node(
    node: &Node,
    depth: usize,
    root: bool,
    sorted: bool,
    leaf_depth: &mut Option<usize>,
) -> (usize, usize, usize) {
    match node {
        Node::Leaf(l) => {
            l.check();
            assert!(l.len() <= MAX_ENTRIES, "leaf of {} entries", l.len());
            assert!(l.data_len() <= MAX_BYTES || l.len() == 1, "leaf of {} entries, {} bytes", l.len(), l.data_len());
            assert_eq!(*leaf_depth.get_or_insert(depth), depth, "leaves at different depths");
            node.summary()
        }
        Node::Inner(inner) => {
            let n = inner.kids.len();
            assert!(n <= MAX_KIDS, "inner node of {n} children");
            assert!(n >= if root { 2 } else { MIN_KIDS }, "inner node of {n} children (root: {root})");
            assert!(inner.sep(0).is_empty(), "first child has a separator");
            let (mut len, mut data, mut heap) = (0, 0, inner.own_heap());
            for kid in &inner.kids {
                let found = check_node(&kid.node, depth + 1, false, sorted, leaf_depth);
                assert_eq!(found, (kid.len, kid.data, kid.heap), "child summary");
                (len, data, heap) = (len + found.0, data + found.1, heap + found.2);
            }
            assert_eq!((len, data, heap), (inner.len, inner.data, inner.heap), "inner totals");
            if inner.is_leaf_parent() {
                for j in 0..n {
                    let leaf = inner.leaf(j);
                    for other in [j.checked_sub(1), Some(j + 1).filter(|&o| o < n)].into_iter().flatten() {
                        assert!(
                            !(leaf.underfull() && leaf.can_merge(inner.leaf(other))),
                            "underfull leaf {j} ({} entries, {} bytes) could merge with leaf {other}",
                            leaf.len(),
                            leaf.data_len()
                        );
                    }
                }
            }
            if sorted {
                for j in 1..n {
                    let (below, above) =
                        (inner.kids[j - 1].node.last_leaf().last_key(), inner.kids[j].node.first_leaf().first_key());
                    assert!(
                        below < inner.sep(j) && inner.sep(j) <= above,
                        "separator {j} does not divide its neighbours"
                    );
                }
            }
            (len, data, heap)
        }
    }
}
