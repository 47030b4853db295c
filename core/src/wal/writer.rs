//! The appending side of the log: the current segment, rotation, and removal of segments that a
//! checkpoint covers. Owned by the commit lock; syncing is driven from `commit.rs`, and the work
//! a rotation needs is done ahead of it by the `scalodb-log` thread (`ahead.rs`).

use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::fsutil;
use crate::wal::ahead::Ahead;
use crate::wal::record::{record_size, SEGMENT_HEADER};
use crate::wal::segment::Segment;

/// A full segment kept until a checkpoint covers it.
#[derive(Debug, Clone)]
pub(crate) struct ClosedSegment {
    pub path: PathBuf,
    pub last_seq: u64,
    pub bytes: u64,
}

pub(crate) struct Wal {
    segment_size: usize,
    current: Segment,
    /// The spare segment and the fsync of the segment closed last (see `ahead.rs`).
    ahead: Arc<Ahead>,
    closed: VecDeque<ClosedSegment>,
    /// Set when an fsync of a segment or of the directory failed while the log was being written.
    /// After a failed fsync the kernel may have dropped the dirty pages (and a later fsync may
    /// succeed without writing them), so the caller must stop writing until the store is reopened.
    broken: bool,
    /// Set by a rotation: (id of the new segment, time the writer waited for it), taken by the
    /// commit path to report `Event::LogRotated` once.
    pub(crate) rotated: Option<(u64, std::time::Duration)>,
}

/// The error of a failed fsync on the log path: the store turns read-only.
pub(crate) fn sync_error(what: String, e: std::io::Error) -> Error {
    let advice = fsutil::advice(&e);
    Error::io(
        format!(
            "{what} (the log may have lost data the OS held, so the store refuses writes; {advice}, then reopen it)"
        ),
        e,
    )
}

fn round_up_page(n: usize) -> usize {
    n.div_ceil(4096) * 4096
}

impl Wal {
    /// Starts a log whose first segment is `id`, for records from `next_seq` on.
    pub(crate) fn create(dir: &Path, id: u64, next_seq: u64, segment_size: usize) -> Result<Wal> {
        let current = Segment::create(dir, id, next_seq, segment_size)?;
        fsutil::sync_dir(dir, "dir.sync").map_err(|e| sync_error(format!("syncing directory {}", dir.display()), e))?;
        Ok(Wal::resume(dir, current, Vec::new(), segment_size))
    }

    /// Continues an existing log: `current` is the reopened last segment.
    pub(crate) fn resume(dir: &Path, current: Segment, closed: Vec<ClosedSegment>, segment_size: usize) -> Wal {
        let ahead = Ahead::new(dir.to_path_buf(), current.id + 1, round_up_page(segment_size));
        Wal { segment_size, current, ahead, closed: closed.into(), broken: false, rotated: None }
    }

    /// What the `scalodb-log` thread works on.
    pub(crate) fn ahead(&self) -> Arc<Ahead> {
        self.ahead.clone()
    }

    /// True once an fsync on the log path failed: the store must refuse writes until reopened.
    pub(crate) fn broken(&self) -> bool {
        self.broken
    }

    /// Appends one record. On error nothing was written and the log is unchanged; if
    /// [`Wal::broken`] is then true, the error was a failed fsync and writing must stop.
    #[inline]
    pub(crate) fn append(&mut self, seq: u64, payload: &[u8]) -> Result<()> {
        let need = record_size(payload.len());
        if need > self.current.room() {
            self.rotate(seq, need)?;
        }
        self.current.append(seq, payload);
        Ok(())
    }

    /// Closes the current segment (if it holds records) and starts a new one for `next_seq`.
    pub(crate) fn rotate_now(&mut self, next_seq: u64) -> Result<()> {
        if self.current.has_records() {
            self.rotate(next_seq, 0)?;
        }
        Ok(())
    }

    fn rotate(&mut self, next_seq: u64, need: usize) -> Result<()> {
        let started = std::time::Instant::now();
        let cap = round_up_page(self.segment_size.max(SEGMENT_HEADER + need));
        // A failure (a full disk) leaves the log as it was: the next append tries again; a failed
        // fsync (of the segment the previous rotation closed, or of the directory) is final.
        let mut next = self.ahead.next_segment(self.current.id, cap).map_err(|(e, fatal)| {
            if fatal {
                self.broken = true;
            }
            e
        })?;
        next.activate(next_seq, self.current.last_seq);
        let old = std::mem::replace(&mut self.current, next);
        self.closed.push_back(ClosedSegment {
            path: old.path.clone(),
            last_seq: old.last_seq,
            bytes: old.used() as u64,
        });
        self.ahead.rotated(self.current.id, old);
        self.rotated = Some((self.current.id, started.elapsed()));
        Ok(())
    }

    /// Takes the closed segments whose records all have sequence `<= seq` (a durable checkpoint
    /// covers them) off the log, for `remove_segments`, which deletes them without the commit
    /// lock. (One may still await its fsync: that no longer matters once a checkpoint covers it.)
    pub(crate) fn take_through(&mut self, seq: u64) -> Vec<ClosedSegment> {
        let mut taken = Vec::new();
        while let Some(front) = self.closed.front() {
            if front.last_seq > seq {
                break;
            }
            taken.push(self.closed.pop_front().expect("looked at"));
        }
        taken
    }

    /// Gives back segments `take_through` took whose removal failed: the next checkpoint removes
    /// them.
    pub(crate) fn give_back(&mut self, segments: Vec<ClosedSegment>) {
        for s in segments.into_iter().rev() {
            self.closed.push_front(s);
        }
    }

    pub(crate) fn current_file(&self) -> Arc<File> {
        self.current.file()
    }

    /// Syncs every record appended so far: the segment closed last (if it still waits), then the
    /// current one.
    pub(crate) fn sync(&self) -> std::io::Result<()> {
        if let Some(file) = self.ahead.unsynced() {
            fsutil::sync_data(&file)?;
            self.ahead.synced(&file);
        }
        self.current.sync()
    }

    /// Bytes in every live segment.
    pub(crate) fn bytes(&self) -> u64 {
        self.closed.iter().map(|s| s.bytes).sum::<u64>() + self.current.used() as u64
    }

    pub(crate) fn segments(&self) -> usize {
        self.closed.len() + 1
    }
}

/// Deletes segments a checkpoint covers (taken by `Wal::take_through`) and makes that durable.
/// Called without the commit lock; on failure the caller gives back what is left.
pub(crate) fn remove_segments(dir: &Path, segments: &[ClosedSegment]) -> Result<()> {
    for s in segments {
        fsutil::remove_file(&s.path, "wal.remove").map_err(|e| {
            let advice = fsutil::advice(&e);
            Error::io(
                format!(
                    "removing log segment {} that a checkpoint covers (nothing was lost; it is removed after \
                     the next checkpoint; {advice})",
                    s.path.display()
                ),
                e,
            )
        })?;
    }
    if !segments.is_empty() {
        // Not fatal: a removal that did not reach the disk brings back a segment the checkpoint
        // covers, whose records recovery skips.
        fsutil::sync_dir(dir, "wal.remove_sync").map_err(|e| {
            let advice = fsutil::advice(&e);
            Error::io(
                format!(
                    "syncing directory {} after removing log segments a checkpoint covers (nothing is lost; \
                     {advice})",
                    dir.display()
                ),
                e,
            )
        })?;
    }
    Ok(())
}
