//! Damaged files: a torn last record is cut off and counted, a damaged record in the middle is a
//! `Corruption` error naming the file and offset, and a damaged checkpoint is never used silently.

use std::fs;
use std::path::{Path, PathBuf};

use scalodb::{Db, Error, Options, SyncMode};

fn opts() -> Options {
    Options { sync: SyncMode::Never, auto_checkpoint: false, wal_segment_size: 64 * 1024, ..Options::default() }
}

/// (offset, bytes of header + payload) of every record in a segment file.
fn records(seg: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 64;
    while pos + 16 <= seg.len() && seg[pos..pos + 16].iter().any(|&b| b != 0) {
        let len = u32::from_le_bytes(seg[pos + 4..pos + 8].try_into().unwrap()) as usize;
        out.push((pos, 16 + len));
        pos += (16 + len + 7) & !7;
    }
    out
}

fn segments(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("wal-"))
        .collect();
    v.sort();
    v
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

fn write_sample(dir: &Path, n: u32) {
    let db = Db::open_with(dir, opts()).unwrap();
    for i in 0..n {
        db.put(format!("key{i:03}"), format!("value number {i}")).unwrap();
    }
    db.close().unwrap();
}

#[test]
fn a_torn_last_record_is_cut_off_at_every_byte_offset() {
    let base = tempfile::tempdir().unwrap();
    write_sample(base.path(), 20);
    let seg_path = segments(base.path()).pop().unwrap();
    let seg = fs::read(&seg_path).unwrap();
    let recs = records(&seg);
    assert_eq!(recs.len(), 20);
    let (start, len) = *recs.last().unwrap();
    for cut in start..start + len {
        for garbage in [false, true] {
            let work = tempfile::tempdir().unwrap();
            copy_dir(base.path(), work.path());
            let mut bytes = seg.clone();
            for (i, b) in bytes[cut..start + len].iter_mut().enumerate() {
                *b = if garbage { (i as u8).wrapping_mul(31).wrapping_add(7) } else { 0 };
            }
            let wpath = work.path().join(seg_path.file_name().unwrap());
            fs::write(&wpath, &bytes).unwrap();
            let db =
                Db::open_with(work.path(), opts()).unwrap_or_else(|e| panic!("cut at {cut} (garbage {garbage}): {e}"));
            let st = db.stats().unwrap();
            let whole_record_gone = cut == start && !garbage;
            assert_eq!(st.torn_records_truncated, u64::from(!whole_record_gone), "cut at {cut}");
            assert_eq!(st.keys, 19, "cut at {cut}");
            assert_eq!(db.get("key018").unwrap().as_deref(), Some(&b"value number 18"[..]));
            assert_eq!(db.get("key019").unwrap(), None);
            // The store goes on: new writes land after the cut and survive another reopen.
            db.put("after", "cut").unwrap();
            db.close().unwrap();
            let db = Db::open_with(work.path(), opts()).unwrap();
            assert_eq!(db.get("after").unwrap().as_deref(), Some(&b"cut"[..]));
            assert_eq!(db.stats().unwrap().torn_records_truncated, 0, "the cut tail was zeroed");
            assert_eq!(db.stats().unwrap().keys, 20);
        }
    }
}

#[test]
fn a_damaged_record_in_the_middle_is_reported_not_skipped() {
    let base = tempfile::tempdir().unwrap();
    write_sample(base.path(), 20);
    let seg_path = segments(base.path()).pop().unwrap();
    let seg = fs::read(&seg_path).unwrap();
    let recs = records(&seg);
    for (n, &(start, len)) in recs.iter().enumerate().take(19) {
        for offset in [0, 5, 12, len - 1] {
            let work = tempfile::tempdir().unwrap();
            copy_dir(base.path(), work.path());
            let mut bytes = seg.clone();
            bytes[start + offset] ^= 0x10;
            let wpath = work.path().join(seg_path.file_name().unwrap());
            fs::write(&wpath, &bytes).unwrap();
            match Db::open_with(work.path(), opts()) {
                Err(Error::Corruption { path, offset: at, reason }) => {
                    assert_eq!(path, wpath);
                    assert_eq!(at as usize, start, "record {n}: {reason}");
                }
                Err(other) => panic!("record {n} byte {offset}: expected Corruption, got {other}"),
                Ok(_) => panic!("record {n} byte {offset}: damage in the middle was not reported"),
            }
        }
    }
}

#[test]
fn a_missing_segment_in_the_middle_is_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let small = Options { wal_segment_size: 4096, ..opts() };
    let db = Db::open_with(dir.path(), small.clone()).unwrap();
    for i in 0..200u32 {
        db.put(format!("key{i:03}"), [i as u8; 100]).unwrap();
    }
    db.close().unwrap();
    let segs = segments(dir.path());
    assert!(segs.len() >= 4, "expected several segments, got {}", segs.len());
    fs::remove_file(&segs[1]).unwrap();
    match Db::open_with(dir.path(), small) {
        Err(Error::Corruption { reason, .. }) => assert!(reason.contains("missing"), "{reason}"),
        other => panic!("expected Corruption, got {other:?}"),
    }
}

#[test]
fn a_damaged_checkpoint_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), opts()).unwrap();
    for i in 0..100u32 {
        db.put(format!("key{i:03}"), [i as u8; 50]).unwrap();
    }
    db.checkpoint().unwrap();
    assert!(db.stats().unwrap().wal_bytes < 200, "the checkpoint removed the log it covers");
    db.close().unwrap();
    let ckpt: PathBuf = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "ckpt"))
        .unwrap();
    let mut bytes = fs::read(&ckpt).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    fs::write(&ckpt, &bytes).unwrap();
    match Db::open_with(dir.path(), opts()) {
        Err(Error::Corruption { path, .. }) => assert_eq!(path, ckpt),
        other => panic!("expected Corruption, got {other:?}"),
    }
}

#[test]
fn a_checkpoint_and_its_log_restore_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_with(dir.path(), Options { wal_segment_size: 4096, ..opts() }).unwrap();
    for i in 0..300u32 {
        db.put(format!("key{i:03}"), [i as u8; 64]).unwrap();
    }
    db.checkpoint().unwrap();
    for i in 0..100u32 {
        db.delete(format!("key{i:03}")).unwrap();
        db.put(format!("new{i:03}"), [1u8; 10]).unwrap();
    }
    let before: Vec<_> = db.iter().unwrap().map(|e| e.unwrap()).collect();
    db.close().unwrap();
    let db = Db::open_with(dir.path(), opts()).unwrap();
    let after: Vec<_> = db.iter().unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(before, after);
    assert_eq!(db.stats().unwrap().keys, 300);
}
