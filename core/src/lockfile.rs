//! The directory lock: an exclusive `flock` on `DIR/LOCK`, held for as long as the database is
//! open. flock locks belong to an open file description, so a second open of the same directory
//! fails whether it comes from this process or another.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;

use crate::error::{Error, Result};

pub(crate) struct DirLock {
    _file: File,
}

impl DirLock {
    pub(crate) fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join("LOCK");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(format!("opening lock file {}", path.display()), e))?;
        // SAFETY: flock on a descriptor we own; the result is checked.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = io::Error::last_os_error();
            return if err.kind() == io::ErrorKind::WouldBlock {
                Err(Error::Locked { path: dir.to_path_buf() })
            } else {
                Err(Error::io(format!("locking {}", path.display()), err))
            };
        }
        Ok(DirLock { _file: file })
    }
}
