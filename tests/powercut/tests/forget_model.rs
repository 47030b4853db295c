//! The forgetting model on a plain directory, without FUSE: what a cut keeps and what it takes
//! back, for data, sizes, creates, renames, unlinks and directories, and the triggers.

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use scalodb_powercut::forget::{CutMode, Forget, Trigger, ROOT};

fn name(s: &str) -> &OsStr {
    OsStr::new(s)
}

fn read(dir: &Path, rel: &str) -> Option<Vec<u8>> {
    fs::read(dir.join(rel)).ok()
}

#[test]
fn data_not_fsynced_is_lost_and_data_fsynced_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("old"), vec![b'o'; 10_000]).unwrap();
    let mut f = Forget::open(dir.path()).unwrap();
    let old = f.lookup(ROOT, name("old")).unwrap();
    f.write(old, 5000, b"new bytes").unwrap();
    f.write(old, 20_000, b"past the end").unwrap();
    let a = f.create(ROOT, name("a"), 0o644, libc::O_EXCL).unwrap();
    f.write(a, 0, b"synced").unwrap();
    f.fsync(a).unwrap();
    f.write(a, 6, b" and not").unwrap();
    f.fsyncdir(ROOT).unwrap();
    assert_eq!(fs::metadata(dir.path().join("old")).unwrap().len(), 20_012, "writes go through at once");
    let report = f.cut_now(CutMode::Strict).unwrap();
    assert_eq!(read(dir.path(), "old").unwrap(), vec![b'o'; 10_000]);
    assert_eq!(read(dir.path(), "a").unwrap(), b"synced");
    assert_eq!(report.files, 2);
    assert!(f.read(a, 0, 10).is_err(), "the model is dead after a cut");
    assert!(!dir.path().join(scalodb_powercut::forget::ATTIC).exists());
}

#[test]
fn a_name_is_durable_only_after_its_directory_is_fsynced() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Forget::open(dir.path()).unwrap();
    let lost = f.create(ROOT, name("lost"), 0o644, 0).unwrap();
    f.write(lost, 0, b"data").unwrap();
    f.fsync(lost).unwrap();
    let d = f.mkdir(ROOT, name("d"), 0o755).unwrap();
    let inner = f.create(d, name("inner"), 0o644, 0).unwrap();
    f.fsync(inner).unwrap();
    f.fsyncdir(d).unwrap();
    let empty = f.create(ROOT, name("empty"), 0o644, 0).unwrap();
    f.fsyncdir(ROOT).unwrap(); // now `lost`, `d` and `empty` are named durably...
    f.write(empty, 0, b"never synced").unwrap();
    let late = f.create(ROOT, name("late"), 0o644, 0).unwrap(); // ...but not `late`
    f.fsync(late).unwrap();
    f.cut_now(CutMode::Strict).unwrap();
    let mut names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["d", "empty", "lost"]);
    assert_eq!(read(dir.path(), "lost").unwrap(), b"data");
    assert_eq!(read(dir.path(), "empty").unwrap(), b"", "its name survived, its bytes did not");
    assert!(dir.path().join("d/inner").exists());
}

#[test]
fn renames_and_unlinks_not_made_durable_are_undone() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ckpt"), b"old checkpoint").unwrap();
    fs::write(dir.path().join("seg"), b"segment").unwrap();
    let mut f = Forget::open(dir.path()).unwrap();
    let tmp = f.create(ROOT, name("ckpt.tmp"), 0o644, 0).unwrap();
    f.write(tmp, 0, b"new checkpoint").unwrap();
    f.fsync(tmp).unwrap();
    f.rename(ROOT, name("ckpt.tmp"), ROOT, name("ckpt"), false).unwrap();
    f.unlink(ROOT, name("seg")).unwrap();
    assert!(!dir.path().join("seg").exists());
    f.cut_now(CutMode::Strict).unwrap();
    assert_eq!(read(dir.path(), "ckpt").unwrap(), b"old checkpoint");
    assert_eq!(read(dir.path(), "seg").unwrap(), b"segment");
    assert!(!dir.path().join("ckpt.tmp").exists());

    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ckpt"), b"old checkpoint").unwrap();
    let mut f = Forget::open(dir.path()).unwrap();
    let tmp = f.create(ROOT, name("ckpt.tmp"), 0o644, 0).unwrap();
    f.write(tmp, 0, b"new checkpoint").unwrap();
    f.fsync(tmp).unwrap();
    f.rename(ROOT, name("ckpt.tmp"), ROOT, name("ckpt"), false).unwrap();
    f.fsyncdir(ROOT).unwrap();
    f.cut_now(CutMode::Strict).unwrap();
    assert_eq!(read(dir.path(), "ckpt").unwrap(), b"new checkpoint");
}

#[test]
fn a_trigger_cuts_just_before_the_nth_operation_of_a_kind() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Forget::open(dir.path()).unwrap();
    f.arm(Trigger::parse("fsync:2", CutMode::Strict).unwrap());
    let a = f.create(ROOT, name("a"), 0o644, 0).unwrap();
    f.fsyncdir(ROOT).unwrap();
    f.write(a, 0, b"first").unwrap();
    f.fsync(a).unwrap();
    f.write(a, 5, b" second").unwrap();
    let e = f.fsync(a).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EIO));
    assert!(f.dead().unwrap().reason.contains("cut before fsync:2"));
    assert_eq!(f.write(a, 0, b"x").unwrap_err().raw_os_error(), Some(libc::EIO));
    assert_eq!(read(dir.path(), "a").unwrap(), b"first");
    let kinds: Vec<&str> = f.trace().iter().map(|s| s.kind.name()).collect();
    assert_eq!(kinds, ["create", "fsyncdir", "fsync", "fsync"]);
}

#[test]
fn a_torn_write_keeps_whole_sectors_of_the_last_write_and_a_random_cut_keeps_whole_pages() {
    for seed in 1..20 {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("f"), vec![0u8; 16384]).unwrap();
        let mut f = Forget::open(dir.path()).unwrap();
        let ino = f.lookup(ROOT, name("f")).unwrap();
        f.write(ino, 0, &vec![1u8; 4096]).unwrap();
        f.write(ino, 4096, &vec![2u8; 8192]).unwrap();
        let r = f.cut_now(CutMode::Tear(seed)).unwrap();
        let got = read(dir.path(), "f").unwrap();
        assert_eq!(got.len(), 16384);
        assert!(got[..4096].iter().all(|&b| b == 0), "an earlier write not synced is lost");
        let kept = r.torn_bytes as usize;
        assert!(kept.is_multiple_of(512) && kept < 8192, "{kept}");
        assert!(got[4096..4096 + kept].iter().all(|&b| b == 2) && got[4096 + kept..].iter().all(|&b| b == 0));

        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("f"), vec![0u8; 16384]).unwrap();
        let mut f = Forget::open(dir.path()).unwrap();
        let ino = f.lookup(ROOT, name("f")).unwrap();
        f.write(ino, 0, &vec![3u8; 16384]).unwrap();
        f.cut_now(CutMode::Random(seed)).unwrap();
        let got = read(dir.path(), "f").unwrap();
        for page in got.chunks(4096) {
            assert!(page.iter().all(|&b| b == 0) || page.iter().all(|&b| b == 3), "a page is kept or lost whole");
        }
    }
}
