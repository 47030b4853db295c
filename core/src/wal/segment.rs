//! One log segment: a preallocated file mapped shared and writable, appended to by memcpy.
//!
//! Bytes copied into a shared file mapping are in the OS page cache immediately, so a write that
//! returned survives the process being killed. Pages already written are dropped from our mapping
//! every few MiB (they stay in the page cache and are written back as usual), so the mapping
//! does not add the log to the process's resident memory.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::fsutil;
use crate::wal::record::{encode_segment_header, record_size, write_record, SegmentHeader, SEGMENT_HEADER};

const PAGE: usize = 4096;
/// Drop written pages from the mapping once this many bytes accumulate behind the write position.
const RELEASE_STEP: usize = 4 << 20;

pub(crate) struct Segment {
    pub(crate) id: u64,
    pub(crate) path: PathBuf,
    file: Arc<File>,
    map: NonNull<u8>,
    cap: usize,
    pos: usize,
    released: usize,
    /// Sequence of the last record appended (first_seq - 1 while empty).
    pub(crate) last_seq: u64,
}

// SAFETY: the mapping is owned by the segment and only written through `&mut self`; the pointer
// may move between threads with the segment.
unsafe impl Send for Segment {}

fn map_file(file: &File, cap: usize, path: &Path) -> Result<NonNull<u8>> {
    // SAFETY: mapping `cap` bytes of a file at least that long; the result is checked.
    let p = unsafe {
        libc::mmap(std::ptr::null_mut(), cap, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, file.as_raw_fd(), 0)
    };
    if p == libc::MAP_FAILED {
        return Err(Error::io(format!("mapping log segment {}", path.display()), io::Error::last_os_error()));
    }
    Ok(NonNull::new(p as *mut u8).expect("mmap returned null"))
}

impl Segment {
    /// Creates segment `id` of `cap` bytes in `dir`, with its header written and durable.
    ///
    /// The file is built under a temporary name (`wal-N.log.tmp`): created, preallocated, its
    /// header written and fdatasynced (which also makes its size durable), and only then renamed
    /// to `wal-N.log`. So whenever the name `wal-N.log` survives a power cut, the segment's header
    /// and full size survive with it: a power cut can never leave an empty or short segment under
    /// a segment's name (a temporary one is deleted at open). The caller fsyncs the directory
    /// before any record goes in, so a record is never acknowledged in a segment whose name may
    /// be lost.
    pub(crate) fn create(dir: &Path, id: u64, first_seq: u64, cap: usize) -> Result<Segment> {
        Segment::create_file(dir, id, cap, Some(first_seq))
    }

    /// Creates segment `id` ahead of need (a *spare*): the same protocol as [`Segment::create`],
    /// but its header stays zeros until [`Segment::activate`] writes it, because the sequence of
    /// its first record is not known yet. A spare that a crash leaves behind has a zero header
    /// at the end of the log, which recovery removes: nothing in it was ever durable (every fsync
    /// of the file covers its header, which is written before any record).
    pub(crate) fn create_spare(dir: &Path, id: u64, cap: usize) -> Result<Segment> {
        Segment::create_file(dir, id, cap, None)
    }

    fn create_file(dir: &Path, id: u64, cap: usize, first_seq: Option<u64>) -> Result<Segment> {
        let path = super::segment_path(dir, id);
        let tmp = super::temp_segment_path(dir, id);
        // Nothing was appended when these fail, so the caller may retry once the cause is gone.
        let ctx = |what: String, e: &io::Error| {
            format!("{what} log segment {} (nothing was written; {}, then retry)", path.display(), fsutil::advice(e))
        };
        // Left by an earlier attempt that failed (or by a crash before the last open).
        let _ = std::fs::remove_file(&tmp);
        let file = fsutil::create_new(&tmp, "wal.create").map_err(|e| Error::io(ctx("creating".into(), &e), e))?;
        if let Err(e) = fsutil::preallocate(&file, cap as u64) {
            drop(file);
            // A partly reserved file would hold on to the space the disk is short of.
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(ctx(format!("reserving {cap} bytes of disk for"), &e), e));
        }
        let map = match map_file(&file, cap, &tmp) {
            Ok(m) => m,
            Err(e) => {
                drop(file);
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let mut seg = Segment {
            id,
            path: path.clone(),
            file: Arc::new(file),
            map,
            cap,
            pos: SEGMENT_HEADER,
            released: 0,
            last_seq: first_seq.unwrap_or(1).saturating_sub(1),
        };
        if let Some(first_seq) = first_seq {
            // A segment created with its header is the first of a log: nothing before it.
            seg.activate(first_seq, first_seq.saturating_sub(1));
        }
        let finish = || -> io::Result<()> {
            fsutil::sync_data_at(&seg.file, "wal.create_sync")?;
            if path.exists() {
                // Never replace a segment: the directory lock makes us the only writer, so this
                // is someone else's file.
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            fsutil::rename(&tmp, &path, "wal.create_rename")
        };
        if let Err(e) = finish() {
            drop(seg);
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(ctx("making durable".into(), &e), e));
        }
        Ok(seg)
    }

    /// Writes the header of a segment whose records will start at `first_seq`, after a segment
    /// whose last record is `prev_last_seq`. For a spare this reaches the disk with the first
    /// fsync of the file, which every record in it waits for.
    pub(crate) fn activate(&mut self, first_seq: u64, prev_last_seq: u64) {
        let header =
            encode_segment_header(SegmentHeader { id: self.id, first_seq, prev_last_seq: Some(prev_last_seq) });
        self.bytes_mut()[..SEGMENT_HEADER].copy_from_slice(&header);
        self.last_seq = first_seq.saturating_sub(1);
    }

    /// Bytes this segment can hold, header included.
    pub(crate) fn capacity(&self) -> usize {
        self.cap
    }

    /// Reopens an existing segment to append after `end` (found by recovery).
    pub(crate) fn reopen(path: PathBuf, id: u64, end: usize, last_seq: u64) -> Result<Segment> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(format!("opening log segment {}", path.display()), e))?;
        let cap =
            file.metadata().map_err(|e| Error::io(format!("reading size of {}", path.display()), e))?.len() as usize;
        let map = map_file(&file, cap, &path)?;
        Ok(Segment { id, path, file: Arc::new(file), map, cap, pos: end, released: 0, last_seq })
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is `cap` bytes, readable and writable, alive while self is.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_ptr(), self.cap) }
    }

    /// Bytes left for records.
    pub(crate) fn room(&self) -> usize {
        self.cap - self.pos
    }

    /// Bytes used so far, header included.
    pub(crate) fn used(&self) -> usize {
        self.pos
    }

    pub(crate) fn has_records(&self) -> bool {
        self.pos > SEGMENT_HEADER
    }

    /// Copies a record in. The caller checked `room()`.
    #[inline]
    pub(crate) fn append(&mut self, seq: u64, payload: &[u8]) {
        let size = record_size(payload.len());
        let at = self.pos;
        write_record(&mut self.bytes_mut()[at..at + size], seq, payload);
        self.pos += size;
        self.last_seq = seq;
        if self.pos - self.released >= RELEASE_STEP + PAGE {
            self.release_written_pages();
        }
    }

    fn release_written_pages(&mut self) {
        let upto = self.pos / PAGE * PAGE;
        if upto <= self.released {
            return;
        }
        // SAFETY: the range lies inside our mapping and holds only complete, written pages. For a
        // shared file mapping MADV_DONTNEED only unmaps them: dirty data stays in the page cache.
        unsafe {
            libc::madvise(
                self.map.as_ptr().add(self.released) as *mut libc::c_void,
                upto - self.released,
                libc::MADV_DONTNEED,
            );
        }
        self.released = upto;
    }

    pub(crate) fn file(&self) -> Arc<File> {
        self.file.clone()
    }

    pub(crate) fn sync(&self) -> io::Result<()> {
        fsutil::sync_data(&self.file)
    }
}

impl Drop for Segment {
    fn drop(&mut self) {
        // SAFETY: unmapping the region mapped in create/reopen; no reference into it outlives self.
        unsafe {
            libc::munmap(self.map.as_ptr() as *mut libc::c_void, self.cap);
        }
    }
}
