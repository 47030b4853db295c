//! Replays the saved corpus of the `resp_requests` fuzz target (`fuzz/corpus/resp_requests/`)
//! through the body the cargo-fuzz target runs (`scalodb_server::fuzzing`), on stable Rust, as
//! part of `make test` (it needs the `fuzzing` feature: `cargo test -p scalodb-server --features
//! fuzzing`). Each input must pass the target's checks without one allocation larger than
//! `MAX_ALLOCATION`: a parser that sizes a buffer from a length field before checking it against
//! the caps fails here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// Far above what one corpus input makes the parser hold (a few KiB), far below what a `*N` or
/// `$N` header can claim.
const MAX_ALLOCATION: usize = 16 << 20;

thread_local! {
    /// The largest single allocation of the current thread since the last reset.
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: allocations while the thread is torn down find the slot gone; they are not ours.
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

/// The system allocator, noting the size of every allocation.
struct Tracking;

// SAFETY: every call goes unchanged to the system allocator; the bookkeeping only touches a
// const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`: every allocation goes through here.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as for `dealloc`; the caller guarantees `new_size` is valid for the alignment.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

#[test]
fn resp_requests_corpus_replays_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/resp_requests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("listing the corpus").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    for file in &files {
        let data = std::fs::read(file).unwrap();
        LARGEST.with(|l| l.set(0));
        let outcome = std::panic::catch_unwind(|| scalodb_server::fuzzing::resp_requests(&data));
        assert!(outcome.is_ok(), "{} fails the target's checks", file.display());
        let largest = LARGEST.with(Cell::get);
        assert!(largest <= MAX_ALLOCATION, "{} made a {largest}-byte allocation", file.display());
    }
}
