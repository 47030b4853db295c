//! A real full disk: the store is filled on an 8 MiB tmpfs until the kernel says ENOSPC. The write
//! that hits it fails with `Error::Io` (StorageFull) and changes nothing, every acknowledged write
//! stays readable, a checkpoint that cannot fit fails without leaving its temporary file, and once
//! a file is deleted to free space, writes and checkpoints go on without reopening. Nothing
//! acknowledged is lost across a reopen.
//!
//! Mounting needs root (or CAP_SYS_ADMIN); without it the test prints why and checks nothing:
//! the injected-ENOSPC tests in `io_faults.rs` cover the same paths on any machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use scalodb::{Db, Error, Options, SyncMode};

mod support;
use support::{assert_matches, tmp_files};

/// An 8 MiB tmpfs, unmounted when dropped.
struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount() -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs { path: dir.path().to_path_buf(), _dir: dir })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy, so a panic that left a file open still unmounts.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

fn free_bytes(path: &Path) -> u64 {
    let out = Command::new("df").args(["-B1", "--output=avail"]).arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().nth(1).unwrap().trim().parse().unwrap()
}

fn is_enospc(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.raw_os_error() == Some(libc::ENOSPC))
}

#[test]
fn a_full_disk_loses_nothing_and_writes_resume_once_space_is_freed() {
    if effective_uid() != 0 {
        println!("SKIPPED a_full_disk_loses_nothing...: mounting a tmpfs needs root (euid is not 0)");
        return;
    }
    let fs = match Tmpfs::mount() {
        Ok(fs) => fs,
        Err(why) => {
            println!("SKIPPED a_full_disk_loses_nothing...: {why}");
            return;
        }
    };
    // Ballast to delete later, to give space back.
    let ballast = fs.path.join("ballast");
    std::fs::write(&ballast, vec![1u8; 3 << 20]).unwrap();
    let dir = fs.path.join("db");
    let opts =
        Options { sync: SyncMode::Always, auto_checkpoint: false, wal_segment_size: 512 * 1024, ..Options::default() };
    let db = Db::open_with(&dir, opts.clone()).unwrap();
    let mut model = BTreeMap::new();
    // Overwrite 1000 keys of 1 KiB over and over: 1 MiB live, the log grows until the disk is full.
    let mut i = 0u64;
    let (err, failed_key, failed_value) = loop {
        let key = format!("key{:04}", i % 1000).into_bytes();
        let value = format!("{i:08}").repeat(128).into_bytes();
        match db.put(&key, &value) {
            Ok(()) => {
                model.insert(key, value);
            }
            Err(e) => break (e, key, value),
        }
        i += 1;
        assert!(i < 100_000, "8 MiB never filled up");
    };
    let acked = i;
    assert!(is_enospc(&err), "{err}");
    let Error::Io { source, .. } = &err else { unreachable!() };
    assert_eq!(source.kind(), std::io::ErrorKind::StorageFull);
    assert!(err.to_string().contains("free space"), "{err}");
    println!("disk full after {acked} acknowledged puts: {err}");
    assert_matches(&db, &model, "disk full");

    // Still full: the same write fails the same way (the store is not read-only; a smaller
    // record could still fit in the room left in the current segment).
    let again = db.put(&failed_key, &failed_value).unwrap_err();
    assert!(is_enospc(&again), "{again}");

    // A checkpoint needs ~1 MiB the disk does not have: it fails and gives back what it took.
    let free_before = free_bytes(&fs.path);
    let ck = db.checkpoint().unwrap_err();
    assert!(is_enospc(&ck), "{ck}");
    assert!(ck.to_string().contains("nothing is lost"), "{ck}");
    assert!(tmp_files(&dir).is_empty(), "{:?}", tmp_files(&dir));
    assert!(free_bytes(&fs.path) >= free_before, "the failed checkpoint kept disk space");
    assert_matches(&db, &model, "after the failed checkpoint");

    // Free space: writes go on at once, and a checkpoint then frees the log it covers.
    std::fs::remove_file(&ballast).unwrap();
    for j in 0..500u64 {
        let key = format!("after{j:04}").into_bytes();
        db.put(&key, b"written after space came back").unwrap();
        model.insert(key, b"written after space came back".to_vec());
    }
    let wal_before = db.stats().unwrap().wal_bytes;
    db.checkpoint().unwrap();
    let wal_after = db.stats().unwrap().wal_bytes;
    assert!(wal_after < wal_before / 4, "the checkpoint did not free the log ({wal_before} -> {wal_after})");
    assert_matches(&db, &model, "after freeing space");
    db.close().unwrap();

    let db = Db::open_with(&dir, opts).unwrap();
    assert_matches(&db, &model, "after reopening");
    db.close().unwrap();
}

fn effective_uid() -> u32 {
    // `id -u` rather than a libc call: no unsafe code for a test precondition.
    let out = Command::new("id").arg("-u").output().expect("id");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(u32::MAX)
}
