//! The appending side of the log: the current segment, rotation, and removal of segments that a
//! checkpoint covers. Owned by the commit lock; syncing is driven from `commit.rs`.

use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::fsutil;
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
    dir: PathBuf,
    segment_size: usize,
    /// fsync a segment when it is closed. Recovery sets it in every mode: only the last segment
    /// may then hold writes a power cut lost in part (see `reader.rs`), and `Db::sync`, which
    /// fsyncs the current segment, covers the closed ones.
    sync_on_rotate: bool,
    current: Segment,
    closed: VecDeque<ClosedSegment>,
    /// Set when an fsync of a segment or of the directory failed while the log was being written.
    /// After a failed fsync the kernel may have dropped the dirty pages (and a later fsync may
    /// succeed without writing them), so the caller must stop writing until the store is reopened.
    broken: bool,
}

/// The error of a failed fsync on the log path: the store turns read-only.
fn sync_error(what: String, e: std::io::Error) -> Error {
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
    pub(crate) fn create(dir: &Path, id: u64, next_seq: u64, segment_size: usize, sync_on_rotate: bool) -> Result<Wal> {
        let current = Segment::create(dir, id, next_seq, segment_size)?;
        fsutil::sync_dir(dir, "dir.sync").map_err(|e| sync_error(format!("syncing directory {}", dir.display()), e))?;
        Ok(Wal {
            dir: dir.to_path_buf(),
            segment_size,
            sync_on_rotate,
            current,
            closed: VecDeque::new(),
            broken: false,
        })
    }

    /// Continues an existing log: `current` is the reopened last segment.
    pub(crate) fn resume(
        dir: &Path,
        current: Segment,
        closed: Vec<ClosedSegment>,
        segment_size: usize,
        sync_on_rotate: bool,
    ) -> Wal {
        Wal { dir: dir.to_path_buf(), segment_size, sync_on_rotate, current, closed: closed.into(), broken: false }
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
        let cap = round_up_page(self.segment_size.max(SEGMENT_HEADER + need));
        if self.sync_on_rotate {
            if let Err(e) = self.current.sync() {
                self.broken = true;
                return Err(sync_error(format!("syncing log segment {}", self.current.path.display()), e));
            }
        }
        // A failure here (a full disk) leaves the log as it was: the next append tries again.
        let next = Segment::create(&self.dir, self.current.id + 1, next_seq, cap)?;
        if let Err(e) = fsutil::sync_dir(&self.dir, "dir.sync") {
            // Records must not go into a file whose directory entry may not be durable.
            self.broken = true;
            return Err(sync_error(format!("syncing directory {}", self.dir.display()), e));
        }
        let old = std::mem::replace(&mut self.current, next);
        self.closed.push_back(ClosedSegment {
            path: old.path.clone(),
            last_seq: old.last_seq,
            bytes: old.used() as u64,
        });
        Ok(())
    }

    /// Deletes the closed segments whose records all have sequence `<= seq`.
    pub(crate) fn remove_through(&mut self, seq: u64) -> Result<()> {
        let mut removed = false;
        while let Some(front) = self.closed.front() {
            if front.last_seq > seq {
                break;
            }
            // On failure the segment stays listed and the next checkpoint removes it.
            fsutil::remove_file(&front.path, "wal.remove").map_err(|e| {
                let advice = fsutil::advice(&e);
                Error::io(
                    format!(
                        "removing log segment {} that a checkpoint covers (nothing was lost; it is removed \
                         after the next checkpoint; {advice})",
                        front.path.display()
                    ),
                    e,
                )
            })?;
            self.closed.pop_front();
            removed = true;
        }
        if removed {
            // Not fatal: a removal that did not reach the disk brings back a segment the
            // checkpoint covers, whose records recovery skips.
            fsutil::sync_dir(&self.dir, "dir.sync").map_err(|e| {
                let advice = fsutil::advice(&e);
                Error::io(
                    format!(
                        "syncing directory {} after removing log segments a checkpoint covers (nothing is \
                         lost; {advice})",
                        self.dir.display()
                    ),
                    e,
                )
            })?;
        }
        Ok(())
    }

    pub(crate) fn current_file(&self) -> Arc<File> {
        self.current.file()
    }

    pub(crate) fn sync(&self) -> std::io::Result<()> {
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
