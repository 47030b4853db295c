//! Redis's data structures inside the store: hashes, lists, sets and sorted sets.
//!
//! A collection is the value of one key. Its newest version holds an `Arc<Coll>`: persistent
//! trees (`ptree/`) that share every untouched node with the previous version, so a write copies
//! one path (O(log n)) and every reader, snapshot and checkpoint keeps reading the version it
//! found. Every typed operation is one commit whose log record names the key and the element
//! edits it made (`edit.rs`), already resolved (a pop logs which element went, an increment the
//! new value), so that replay repeats it exactly. A collection left empty is deleted in the same
//! commit. Elements never appear in the keyspace: the store's indexes hold the key only.
//!
//! | file | owns |
//! |---|---|
//! | `ptree/` | `PTree`, the persistent counted B+ tree (keyed and positional operations) |
//! | `coll.rs` | `Kind` and `Coll`, the four encodings on top of `PTree` |
//! | `edit.rs` | `Edit`: element edits, their log encoding and how they apply |
//! | `typed.rs` | the commit and read primitives the typed API is written with |
//! | `layout.rs` | `Layout`: how a key's value is laid out (OBJECT ENCODING asks) |
//! | `random.rs` | random picks and cursor scans by rank |
//! | `hashes.rs`, `lists.rs`, `sets.rs`, `zsets.rs` | the `Db` methods of each type |

pub(crate) mod coll;
pub(crate) mod edit;
pub(crate) mod hashes;
pub(crate) mod layout;
pub(crate) mod lists;
pub(crate) mod ptree;
pub(crate) mod random;
pub(crate) mod sets;
pub(crate) mod typed;
pub(crate) mod zsets;
