//! Replays the saved fuzz corpus (`fuzz/corpus/<target>/`) through the same target bodies the
//! cargo-fuzz targets run (`scalodb::fuzzing`), on stable Rust, as part of `make test`. Each input
//! must pass the target's checks and never make one allocation larger than `MAX_ALLOCATION`: a
//! decoder that trusts a length field before checking it against the bytes there fails here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};

/// Larger than any buffer the engine sizes on its own (1 MiB I/O buffers, small hash tables);
/// far smaller than what a corrupt length field can claim (up to 4 GiB).
const MAX_ALLOCATION: usize = 16 << 20;

/// Tracks the largest single allocation made by the current thread.
struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: allocations during thread teardown find the slot gone; they are not ours.
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the bookkeeping touches a
// const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with this layout (every allocation goes through here).
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

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Runs `target` on every file of `fuzz/<folder>/<name>/`; returns how many there were.
fn replay(folder: &str, name: &str, target: fn(&[u8])) -> usize {
    let dir = fuzz_dir().join(folder).join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("listing the corpus").path())
        .collect();
    files.sort();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        LARGEST.with(|l| l.set(0));
        let outcome = std::panic::catch_unwind(|| target(&data));
        assert!(outcome.is_ok(), "{name}: {} fails its checks", file.display());
        let largest = LARGEST.with(Cell::get);
        assert!(
            largest <= MAX_ALLOCATION,
            "{name}: {} made a {largest}-byte allocation (more than {MAX_ALLOCATION})",
            file.display()
        );
    }
    files.len()
}

#[test]
fn wal_segment_corpus_replays_cleanly() {
    assert!(replay("corpus", "wal_segment", scalodb::fuzzing::wal_segment) > 0);
}

#[test]
fn checkpoint_file_corpus_replays_cleanly() {
    assert!(replay("corpus", "checkpoint_file", scalodb::fuzzing::checkpoint_file) > 0);
}

#[test]
fn ops_sequence_corpus_replays_cleanly() {
    assert!(replay("corpus", "ops_sequence", scalodb::fuzzing::ops_sequence) > 0);
}

/// Inputs that once broke a target. The checkpoint one: an entry whose length fields claim
/// gigabytes made `checkpoint::load` allocate them before reading (fixed: `klen + vlen` is now
/// checked against the bytes left in the file first).
#[test]
fn checkpoint_lengths_are_checked_against_the_file_before_allocating() {
    assert!(replay("regressions", "checkpoint_file", scalodb::fuzzing::checkpoint_file) > 0);
}
