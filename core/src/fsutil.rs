//! The file layer of the durability path: every system call that makes the log or a checkpoint
//! durable (create, preallocate, write, fdatasync/fsync, rename, unlink, directory fsync) goes
//! through here, each checking its failpoint (see `failpoint.rs` for the table) so tests can make
//! it fail with a chosen errno or a short write. With no point armed that costs one relaxed load.
//!
//! The log is written through a shared mapping, so it has no `write` calls to fail: its data
//! reaches the disk by `fdatasync` of the mapped file (Linux writes back the mapping's dirty
//! pages), and the only place a full disk can show up is the preallocation of a new segment.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::Path;

use crate::failpoint;

/// Creates a new file for reading and writing; fails if it exists.
pub(crate) fn create_new(path: &Path, point: &str) -> io::Result<File> {
    failpoint::hit(point)?;
    OpenOptions::new().read(true).write(true).create_new(true).open(path)
}

/// Creates (or empties) a file for writing.
pub(crate) fn create_truncate(path: &Path, point: &str) -> io::Result<File> {
    failpoint::hit(point)?;
    OpenOptions::new().write(true).create(true).truncate(true).open(path)
}

/// A file whose every `write` checks a failpoint, which may fail it or make it short.
pub(crate) struct FaultFile {
    file: File,
    point: &'static str,
}

impl FaultFile {
    pub(crate) fn new(file: File, point: &'static str) -> FaultFile {
        FaultFile { file, point }
    }

    pub(crate) fn into_inner(self) -> File {
        self.file
    }
}

impl Write for FaultFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = failpoint::hit_write(self.point, buf.len())?;
        self.file.write(&buf[..n])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Forces the data and metadata of `file` to stable storage.
pub(crate) fn sync_all(file: &File, point: &str) -> io::Result<()> {
    failpoint::hit(point)?;
    file.sync_all()
}

/// Makes the directory entries of `dir` (creations, renames, removals) durable.
pub(crate) fn sync_dir(dir: &Path, point: &str) -> io::Result<()> {
    failpoint::hit(point)?;
    File::open(dir)?.sync_all()
}

/// Creates `dir` and its missing parents, and makes their names durable.
///
/// A directory's name lives in its parent, and is durable only once the parent is fsynced. The
/// parent of every directory created here is fsynced, and so is `dir`'s own parent in any case:
/// `dir` may have been created by someone who never fsynced it (`mkdir -p`, `scalodb serve`,
/// a run that crashed), and a store whose directory entry is lost after a power cut is lost
/// whole, acknowledged writes and all. The point `dir.parent_sync` fails these fsyncs.
pub(crate) fn create_dir_all_durable(dir: &Path) -> io::Result<()> {
    fn parent_of(p: &Path) -> &Path {
        match p.parent() {
            Some(q) if !q.as_os_str().is_empty() => q,
            _ => Path::new("."),
        }
    }
    let mut created = Vec::new();
    let mut p = dir;
    while !p.exists() {
        created.push(p);
        if parent_of(p) == p || p.parent().is_none() {
            break;
        }
        p = parent_of(p);
    }
    std::fs::create_dir_all(dir)?;
    // Top down: a name is made durable only after its parent's name is.
    let mut parents: Vec<&Path> = created.iter().rev().map(|c| parent_of(c)).collect();
    parents.dedup();
    for parent in &parents {
        sync_dir(parent, "dir.parent_sync")?;
    }
    if created.is_empty() {
        // Someone else made `dir`; its parent may not even be readable by us (a 0711 home
        // directory). Making its name durable is then theirs to do; a failed fsync is not.
        failpoint::hit("dir.parent_sync")?;
        match File::open(parent_of(dir)) {
            Ok(f) => f.sync_all()?,
            Err(e) if matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Forces the data of `file` (not necessarily its metadata) to stable storage.
pub(crate) fn sync_data(file: &File) -> io::Result<()> {
    sync_data_at(file, "wal.sync")
}

/// [`sync_data`] checking the failpoint `point`.
pub(crate) fn sync_data_at(file: &File, point: &str) -> io::Result<()> {
    failpoint::hit(point)?;
    // SAFETY: fdatasync only reads the descriptor number, which `file` keeps open.
    let rc = unsafe { libc::fdatasync(file.as_raw_fd()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Reserves `len` bytes of disk for `file`, so that writes through a mapping cannot hit a full
/// disk later (which would raise SIGBUS instead of an error).
pub(crate) fn preallocate(file: &File, len: u64) -> io::Result<()> {
    failpoint::hit("wal.preallocate")?;
    // SAFETY: plain syscall on a descriptor we own.
    let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), 0, len as libc::off_t) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// Renames `from` to `to`, replacing `to` atomically.
pub(crate) fn rename(from: &Path, to: &Path, point: &str) -> io::Result<()> {
    failpoint::hit(point)?;
    std::fs::rename(from, to)
}

/// Removes a file.
pub(crate) fn remove_file(path: &Path, point: &str) -> io::Result<()> {
    failpoint::hit(point)?;
    std::fs::remove_file(path)
}

/// Advice appended to an error message: what the user can do about `e`.
pub(crate) fn advice(e: &io::Error) -> &'static str {
    if e.raw_os_error() == Some(libc::ENOSPC) || e.raw_os_error() == Some(libc::EDQUOT) {
        "the disk is full: free space on it"
    } else {
        "check the disk and the kernel log (dmesg) for I/O errors"
    }
}
