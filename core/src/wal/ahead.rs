//! Log work done ahead of the commit path, by the `scalodb-log` thread: creating the next
//! segment before it is needed (a *spare*), and fsyncing the segment that the last rotation
//! closed.
//!
//! Why: rotating the log inside the commit lock used to fsync the full segment and create,
//! preallocate, fsync and rename the next one, with a directory fsync: tens of milliseconds that
//! every writer waited for, 85 times per 10M puts. Now a rotation takes the spare (its name
//! already durable, its header still zeros), writes the header into its mapping and hands the
//! closed segment to this thread to fsync. The commit path still waits in two rare cases: no
//! spare is ready (the writer filled a whole segment before this thread created the next), or
//! the segment closed by the previous rotation is still not on disk.
//!
//! The invariant recovery relies on: a segment is fsynced whole before the segment after the
//! next one becomes current, so only the last two segments can hold writes that a power cut lost
//! in part (`reader.rs`). Every sync of the log (group commit, the interval syncer, `Db::sync`,
//! close) syncs the closed segment first, so nothing acknowledged as durable ever lies behind a
//! segment that is not.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::error::Error;
use crate::fsutil;
use crate::wal::segment::Segment;

/// How long the thread waits after a failure to create a spare (a full disk) before it tries
/// again; the writer creates the segment itself if it needs one meanwhile.
const RETRY_AFTER: Duration = Duration::from_millis(200);

enum Spare {
    None,
    /// The `scalodb-log` thread (or the writer) is creating segment `id`.
    Creating,
    Ready(Segment),
}

struct State {
    dir: PathBuf,
    /// Id and size of the next segment the log will need.
    next_id: u64,
    cap: usize,
    spare: Spare,
    /// The segment the last rotation closed, while its last records may not be on disk: its file,
    /// and the segment itself (its mapping is unmapped here, by the thread, not under the commit
    /// lock: tearing down a mapping of dirty pages took milliseconds).
    unsynced: Option<Arc<File>>,
    closed: Option<Segment>,
    /// The last failure to fsync `unsynced` (the store turns read-only on it).
    sync_failed: Option<String>,
    stop: bool,
}

/// Shared by the log (under the commit lock) and the `scalodb-log` thread.
pub(crate) struct Ahead {
    state: Mutex<State>,
    /// Wakes the thread when there is work, and the writer when a spare is ready.
    cv: Condvar,
}

impl Ahead {
    pub(crate) fn new(dir: PathBuf, next_id: u64, cap: usize) -> Arc<Ahead> {
        Arc::new(Ahead {
            state: Mutex::new(State {
                dir,
                next_id,
                cap,
                spare: Spare::None,
                unsynced: None,
                closed: None,
                sync_failed: None,
                stop: false,
            }),
            cv: Condvar::new(),
        })
    }

    /// The body of the `scalodb-log` thread: fsyncs closed segments and creates spares until
    /// `stop`. A failed fsync is reported through `fail` (the store turns read-only).
    pub(crate) fn run(&self, fail: impl Fn(String)) {
        let mut st = self.state.lock();
        loop {
            if st.stop {
                return;
            }
            if let Some(seg) = st.closed.take() {
                drop(st);
                drop(seg);
                st = self.state.lock();
                continue;
            }
            if let Some(file) = st.unsynced.clone() {
                drop(st);
                let result = fsutil::sync_data(&file);
                st = self.state.lock();
                if let Err(e) = result {
                    let reason = format!(
                        "syncing a full log segment: {e} (writes not yet synced may be lost, so the store \
                         refuses writes; {}, then reopen it)",
                        fsutil::advice(&e)
                    );
                    st.sync_failed = Some(reason.clone());
                    fail(reason);
                }
                if st.unsynced.as_ref().is_some_and(|f| Arc::ptr_eq(f, &file)) {
                    st.unsynced = None;
                }
                continue;
            }
            if matches!(st.spare, Spare::None) {
                st.spare = Spare::Creating;
                let (dir, id, cap) = (st.dir.clone(), st.next_id, st.cap);
                drop(st);
                let created =
                    Segment::create_spare(&dir, id, cap).and_then(|seg| match fsutil::sync_dir(&dir, "dir.sync") {
                        Ok(()) => Ok(seg),
                        Err(e) => {
                            // Its name may not be durable: not usable, and in the way of a retry.
                            let path = seg.path.clone();
                            drop(seg);
                            let _ = std::fs::remove_file(path);
                            Err(Error::io(format!("syncing directory {}", dir.display()), e))
                        }
                    });
                st = self.state.lock();
                match created {
                    Ok(seg) if st.next_id == id && matches!(st.spare, Spare::Creating) => st.spare = Spare::Ready(seg),
                    Ok(seg) => {
                        // The log moved past this id meanwhile: not part of it.
                        let path = seg.path.clone();
                        drop(seg);
                        let _ = std::fs::remove_file(path);
                        st.spare = Spare::None;
                    }
                    Err(_) => {
                        // Retried later; the writer creates its own segment if it needs one.
                        st.spare = Spare::None;
                        self.cv.notify_all();
                        self.cv.wait_for(&mut st, RETRY_AFTER);
                        continue;
                    }
                }
                self.cv.notify_all();
                continue;
            }
            self.cv.wait(&mut st);
        }
    }

    /// Stops the thread, and removes a spare it left (it holds nothing; removing it only saves
    /// recovery the work).
    pub(crate) fn stop(&self) {
        let mut st = self.state.lock();
        st.stop = true;
        if let Spare::Ready(seg) = std::mem::replace(&mut st.spare, Spare::None) {
            let path = seg.path.clone();
            drop(seg);
            let _ = std::fs::remove_file(path);
        }
        st.closed = None;
        self.cv.notify_all();
    }

    /// The file of the segment closed last, if it may still hold records not on disk: every sync
    /// of the log syncs it before the current segment.
    pub(crate) fn unsynced(&self) -> Option<Arc<File>> {
        self.state.lock().unsynced.clone()
    }

    /// Records that `file` (from `unsynced`) was synced.
    pub(crate) fn synced(&self, file: &Arc<File>) {
        let mut st = self.state.lock();
        if st.unsynced.as_ref().is_some_and(|f| Arc::ptr_eq(f, file)) {
            st.unsynced = None;
        }
    }

    /// For a rotation, under the commit lock: makes sure the segment closed by the previous
    /// rotation is on disk, and returns the segment that follows `current_id` with at least `cap`
    /// bytes, taking the spare if it fits or creating one. `closed` is the file of the segment
    /// this rotation closes, handed to the thread to fsync once the rotation is done
    /// (`rotated`). An error leaves the log as it was; `Err(true)` means an fsync failed (the
    /// store must turn read-only).
    pub(crate) fn next_segment(&self, current_id: u64, cap: usize) -> std::result::Result<Segment, (Error, bool)> {
        let mut st = self.state.lock();
        if let Some(reason) = st.sync_failed.clone() {
            return Err((Error::ReadOnly { reason }, true));
        }
        if let Some(file) = st.unsynced.take() {
            drop(st);
            if let Err(e) = fsutil::sync_data(&file) {
                return Err((super::writer::sync_error("syncing a full log segment".into(), e), true));
            }
            st = self.state.lock();
        }
        loop {
            match std::mem::replace(&mut st.spare, Spare::None) {
                Spare::Ready(seg) if seg.id == current_id + 1 && seg.capacity() >= cap => return Ok(seg),
                Spare::Ready(seg) => {
                    let path = seg.path.clone();
                    drop(seg);
                    let _ = std::fs::remove_file(path);
                }
                Spare::Creating => {
                    st.spare = Spare::Creating;
                    self.cv.wait(&mut st);
                    continue;
                }
                Spare::None => {}
            }
            // No spare that fits: create the segment here, the thread kept out meanwhile.
            st.spare = Spare::Creating;
            let dir = st.dir.clone();
            drop(st);
            let result = match Segment::create_spare(&dir, current_id + 1, cap) {
                Err(e) => Err((e, false)),
                Ok(seg) => match fsutil::sync_dir(&dir, "dir.sync") {
                    Ok(()) => Ok(seg),
                    // Records must not go into a file whose directory entry may not be durable.
                    Err(e) => Err((super::writer::sync_error(format!("syncing directory {}", dir.display()), e), true)),
                },
            };
            st = self.state.lock();
            st.spare = Spare::None;
            self.cv.notify_all();
            return result;
        }
    }

    /// After a rotation to segment `id`: `closed` (the segment it closed) is to be fsynced and
    /// unmapped, and the next spare is `id + 1`.
    pub(crate) fn rotated(&self, id: u64, closed: Segment) {
        let mut st = self.state.lock();
        st.next_id = id + 1;
        st.unsynced = Some(closed.file());
        // A segment from an earlier rotation the thread has not unmapped yet goes now.
        let earlier = st.closed.replace(closed);
        self.cv.notify_all();
        drop(st);
        drop(earlier);
    }
}
