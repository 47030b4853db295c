//! Small file-system helpers with the durability steps spelled out: fsync of a directory after
//! a file is created, renamed or removed in it, and fdatasync of files.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;

use crate::failpoint;

/// Makes the directory entries of `dir` (creations, renames, removals) durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    failpoint::hit("dir.sync")?;
    File::open(dir)?.sync_all()
}

/// Forces the data of `file` (not necessarily its metadata) to stable storage.
pub(crate) fn sync_data(file: &File) -> io::Result<()> {
    failpoint::hit("wal.sync")?;
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
