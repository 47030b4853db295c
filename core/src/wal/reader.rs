//! Recovery: reads every segment in order, hands each record after the checkpoint to a callback,
//! and decides what a bad record means. A bad record with no valid record anywhere after it is a
//! torn tail: it is cut off (zeroed) and counted. A bad record followed by a valid one is
//! corruption, reported with its file and offset and never skipped, except where a power cut can
//! leave exactly that: in the last two segments, past their last fsync, with whole sectors lost
//! (see [`replay`] and docs/FORMAT.md).

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsutil;
use crate::wal::record::{decode, decode_segment_header, Decoded, RECORD_HEADER, SEGMENT_HEADER};
use crate::wal::writer::ClosedSegment;

/// Where appending resumes after recovery.
pub(crate) struct Tail {
    pub id: u64,
    pub path: PathBuf,
    pub end: usize,
    pub last_seq: u64,
}

pub(crate) struct Replayed {
    /// Highest sequence number seen (the checkpoint's if the log adds none).
    pub last_seq: u64,
    /// Torn records cut off the end of the log.
    pub torn: u64,
    pub closed: Vec<ClosedSegment>,
    pub tail: Option<Tail>,
}

/// Ids of the segment files in `dir`, sorted.
pub(crate) fn list_segments(dir: &Path) -> Result<Vec<u64>> {
    let mut ids = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        if let Some(id) = entry.file_name().to_str().and_then(super::parse_segment_name) {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    Ok(ids)
}

/// The offset of the first valid record at or after `from` (on the 8-byte grid) in segment
/// `data` with a sequence above `after`.
fn next_valid_record(data: &[u8], from: usize, after: u64) -> Option<usize> {
    let mut pos = from.div_ceil(8) * 8;
    while pos + 16 <= data.len() {
        if let Decoded::Record(r) = decode(&data[pos..]) {
            if r.seq > after {
                return Some(pos);
            }
        }
        pos += 8;
    }
    None
}

/// Sectors a disk writes whole: a power cut loses or keeps each of them, never part of one.
const SECTOR: usize = 512;

/// Does the damage between `pos` (where records stop decoding) and `next` (the next valid
/// record) look like what a power cut leaves of writes that were never synced, rather than like
/// damaged data? A power cut loses whole sectors, which read back as zeros here (a segment is
/// preallocated, and a torn tail is zeroed before appending resumes over it): so either the record
/// header at `pos` is zeros, or a whole zeroed sector lies between `pos` and `next`. A flipped
/// bit, a garbage length or foreign bytes have neither.
fn lost_sectors(data: &[u8], pos: usize, next: usize) -> bool {
    if data[pos..(pos + RECORD_HEADER).min(data.len())].iter().all(|&b| b == 0) {
        return true;
    }
    let mut b = pos.div_ceil(SECTOR) * SECTOR;
    while b + SECTOR <= next {
        if data[b..b + SECTOR].iter().all(|&x| x == 0) {
            return true;
        }
        b += SECTOR;
    }
    false
}

/// Is this file what a crash while creating a segment leaves: shorter than a header (empty,
/// usually) and all zeros, or a header of zeros? Nothing in such a file can ever have been
/// durable: its header is written before any record, and every fsync of the file covers it.
fn headerless(data: &[u8]) -> bool {
    data[..data.len().min(SEGMENT_HEADER)].iter().all(|&b| b == 0)
}

/// Removes `paths` last first, so that a crash in between leaves the ids consecutive, and makes
/// the removals durable.
fn remove_segments(dir: &Path, paths: &[PathBuf]) -> Result<()> {
    for p in paths.iter().rev() {
        fs::remove_file(p).map_err(|e| Error::io(format!("removing {}", p.display()), e))?;
    }
    if !paths.is_empty() {
        fsutil::sync_dir(dir, "dir.sync").map_err(|e| Error::io(format!("syncing directory {}", dir.display()), e))?;
    }
    Ok(())
}

/// Removes segments left under their temporary name by a crash while they were being created
/// (see `Segment::create`): they were never part of the log.
pub(crate) fn remove_temp_segments(dir: &Path) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        if entry.file_name().to_str().is_some_and(super::is_temp_segment_name) {
            let p = entry.path();
            fs::remove_file(&p).map_err(|e| Error::io(format!("removing {}", p.display()), e))?;
        }
    }
    Ok(())
}

/// Replays the log in `dir`: calls `apply(seq, payload)` for every record with `seq > after_seq`.
/// With `dry_run` nothing on disk changes (a torn tail is reported, not cut): for `verify`.
///
/// What a crash or a power cut can leave, and what is damage instead:
///
/// - Segments at the end of the log without a header (empty, or zeros where the header goes):
///   a crash while creating them (the writer of format version 1 before the temporary-name
///   protocol could leave a run of them), or a spare segment made ahead of need whose header
///   was written into its mapping but never fsynced. They hold nothing that was ever durable and
///   are removed, and so is the last segment after a headerless one before it (the last two
///   segments may both have lost everything since their last fsync). A headerless segment
///   anywhere else is damage (`Corruption`).
/// - Every segment but the last two was fsynced whole before the segment after the next one
///   became current (`ahead.rs`), so anything wrong in it is damage: a bad record, or a zero
///   record header with bytes after it, is `Corruption` if a valid record follows anywhere in the
///   log. (With nothing valid after it, it is a torn tail and is cut, as in the last segment.)
/// - The segment before the last may have lost its tail while pages of the last one reached the
///   disk. Damage there shaped like lost sectors cuts the log: its tail and the whole last segment
///   go, so that what remains is a prefix of the commits. Any other damage followed by a valid
///   record is `Corruption`.
/// - In the last segment, the records after its last fsync may have reached the disk in part and
///   in any order (the kernel writes pages back as it likes). Records stop at the first bad
///   record or zero header; what follows is cut off (zeroed, so it can never be read as records
///   later) and counted, unless a valid record follows and the damage does not look like lost
///   sectors (`lost_sectors`): that is `Corruption`.
pub(crate) fn replay(
    dir: &Path,
    after_seq: u64,
    dry_run: bool,
    mut apply: impl FnMut(u64, &[u8]) -> Result<()>,
) -> Result<Replayed> {
    let ids = list_segments(dir)?;
    let mut out = Replayed { last_seq: after_seq, torn: 0, closed: Vec::new(), tail: None };
    let mut files: Vec<(u64, PathBuf, Vec<u8>)> = Vec::with_capacity(ids.len());
    for (n, &id) in ids.iter().enumerate() {
        let path = super::segment_path(dir, id);
        if n > 0 && id != ids[n - 1] + 1 {
            return Err(Error::corruption(&path, 0, format!("log segment {} is missing", ids[n - 1] + 1)));
        }
        let data = fs::read(&path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        files.push((id, path, data));
    }
    let mut artifacts = Vec::new();
    while files.last().is_some_and(|(_, _, data)| headerless(data)) {
        artifacts.push(files.pop().expect("checked").1);
    }
    // The segment before the last may be headerless too: it became current with its header in
    // its mapping only, and the power went before it was fsynced (`ahead.rs`). Then nothing in it
    // or in the last one was ever durable.
    if files.len() >= 2 && headerless(&files[files.len() - 2].2) {
        artifacts.push(files.pop().expect("checked").1);
        artifacts.push(files.pop().expect("checked").1);
    }
    if !dry_run {
        artifacts.reverse();
        remove_segments(dir, &artifacts)?;
    }
    let mut prev_seq = 0u64;
    let count = files.len();
    for n in 0..count {
        let (id, path, data) = (&files[n].0, &files[n].1, &files[n].2);
        let last = n + 1 == count;
        let header = decode_segment_header(data).map_err(|reason| Error::corruption(path, 0, reason))?;
        if header.id != *id {
            return Err(Error::corruption(
                path,
                16,
                format!("segment header says id {} but the file name says {id}", header.id),
            ));
        }
        if let (Some(expected), true) = (header.prev_last_seq, n > 0) {
            // What the checkpoint covers counts as read: the segment before may hold no record
            // past it (a checkpoint rotates into an empty segment, which the next record may not
            // fit in).
            if expected > prev_seq.max(after_seq) {
                // Records the segment before this one held when this one became current are not
                // there: its tail was lost. Only the segment before the last can lose its tail
                // while a later segment exists (`ahead.rs`); the log then ends where it ends.
                let (pid, ppath) = (files[n - 1].0, files[n - 1].1.clone());
                if !last {
                    return Err(Error::corruption(
                        &ppath,
                        0,
                        format!("records {} to {expected} are missing at the end of this segment", prev_seq + 1),
                    ));
                }
                let prev = out.closed.pop().expect("the segment before was closed");
                if !dry_run {
                    remove_segments(dir, std::slice::from_ref(path))?;
                }
                out.torn += 1;
                out.tail = Some(Tail { id: pid, path: ppath, end: prev.bytes as usize, last_seq: prev.last_seq });
                return Ok(out);
            }
        }
        if n == 0 && header.first_seq > after_seq + 1 {
            return Err(Error::corruption(
                path,
                24,
                format!(
                    "records {} to {} are missing (the checkpoint ends at {after_seq})",
                    after_seq + 1,
                    header.first_seq - 1
                ),
            ));
        }
        let mut pos = SEGMENT_HEADER;
        // A segment without records ends where the log before it ended (or the checkpoint).
        let mut seg_last = prev_seq.max(after_seq);
        loop {
            let (reason, end) = match decode(&data[pos..]) {
                Decoded::Record(r) if r.seq > prev_seq => {
                    if r.seq > after_seq {
                        apply(r.seq, r.payload).map_err(|e| match e {
                            Error::Corruption { reason, .. } => Error::corruption(path, pos as u64, reason),
                            other => other,
                        })?;
                    }
                    prev_seq = r.seq;
                    seg_last = r.seq;
                    out.last_seq = out.last_seq.max(r.seq);
                    pos += r.size;
                    continue;
                }
                Decoded::End => ("a zero record header with data after it", true),
                Decoded::Bad(reason) => (reason, false),
                Decoded::Record(_) => ("record sequence number does not increase", false),
            };
            if end && data[pos..].iter().all(|&b| b == 0) {
                break; // the clean end of this segment's records
            }
            let next_here = next_valid_record(data, pos + 8, prev_seq);
            let later = files[n + 1..].iter().any(|(_, _, d)| next_valid_record(d, SEGMENT_HEADER, prev_seq).is_some());
            let damage = if last {
                next_here.is_some_and(|next| !lost_sectors(data, pos, next))
            } else if n + 2 == count {
                // The segment before the last: it is fsynced only after the last one became
                // current, so its tail may be lost while pages of the last one reached the disk.
                // Damage shaped like lost sectors is then what a power cut leaves, and everything
                // after it, the last segment included, is cut (nothing there was acknowledged as
                // durable: every sync of the log syncs this segment first).
                let until = next_here.unwrap_or(data.len());
                (next_here.is_some() || later) && !lost_sectors(data, pos, until)
            } else {
                next_here.is_some() || later
            };
            if damage {
                return Err(Error::corruption(path, pos as u64, format!("{reason}, and valid records follow it")));
            }
            if !dry_run {
                cut_tail(path, data, pos)?;
                let after: Vec<PathBuf> = files[n + 1..].iter().map(|(_, p, _)| p.clone()).collect();
                remove_segments(dir, &after)?;
            }
            out.torn += 1;
            out.tail = Some(Tail { id: *id, path: path.clone(), end: pos, last_seq: seg_last });
            return Ok(out);
        }
        if last {
            out.tail = Some(Tail { id: *id, path: path.clone(), end: pos, last_seq: seg_last });
        } else {
            out.closed.push(ClosedSegment { path: path.clone(), last_seq: seg_last, bytes: pos as u64 });
        }
    }
    Ok(out)
}

/// Zeroes a segment from `pos` to its last non-zero byte and makes that durable, so that the
/// garbage cannot be mistaken for records later.
fn cut_tail(path: &Path, data: &[u8], pos: usize) -> Result<()> {
    let end = data.iter().rposition(|&b| b != 0).map_or(pos, |i| i + 1);
    if end <= pos {
        return Ok(());
    }
    let ctx = || format!("cutting the torn tail of {}", path.display());
    let mut f = fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(ctx(), e))?;
    f.seek(SeekFrom::Start(pos as u64)).map_err(|e| Error::io(ctx(), e))?;
    f.write_all(&vec![0u8; end - pos]).map_err(|e| Error::io(ctx(), e))?;
    f.sync_data().map_err(|e| Error::io(ctx(), e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wal::segment::Segment;
    use crate::wal::segment_path;

    const CAP: usize = 16 * 1024;

    /// Writes segment `id` holding records `seqs`, each with a 300-byte payload naming its seq.
    fn segment(dir: &Path, id: u64, seqs: std::ops::Range<u64>) -> PathBuf {
        let mut seg = Segment::create(dir, id, seqs.start, CAP).unwrap();
        for s in seqs {
            seg.append(s, &payload(s));
        }
        seg.path.clone()
    }

    fn payload(s: u64) -> Vec<u8> {
        (0..300).map(|i| (s as u8).wrapping_add(i as u8) | 1).collect()
    }

    fn replayed(dir: &Path, dry_run: bool) -> Result<(Vec<u64>, Replayed)> {
        let mut seqs = Vec::new();
        let r = replay(dir, 0, dry_run, |s, p| {
            assert_eq!(p, payload(s));
            seqs.push(s);
            Ok(())
        })?;
        Ok((seqs, r))
    }

    /// Offset of record `seq` in a segment written by `segment` starting at `first`.
    fn offset(first: u64, seq: u64) -> usize {
        SEGMENT_HEADER + (seq - first) as usize * crate::wal::record::record_size(300)
    }

    #[test]
    fn empty_or_headerless_segments_at_the_end_are_what_a_crash_leaves_and_are_removed() {
        // The power-cut regression: format-1 writers made a segment's name durable before its
        // header, so a power cut could leave the last segments empty; the store refused to open.
        let dir = tempfile::tempdir().unwrap();
        segment(dir.path(), 1, 1..20);
        std::fs::write(segment_path(dir.path(), 2), b"").unwrap();
        std::fs::write(segment_path(dir.path(), 3), b"").unwrap();
        std::fs::write(segment_path(dir.path(), 4), [0u8; 30]).unwrap();
        let mut header_of_zeros = vec![0u8; CAP];
        header_of_zeros[4000..4100].fill(7); // records that were never durable
        std::fs::write(segment_path(dir.path(), 5), &header_of_zeros).unwrap();
        let (dry, r) = replayed(dir.path(), true).unwrap();
        assert_eq!(list_segments(dir.path()).unwrap().len(), 5, "a dry run removes nothing");
        assert_eq!((dry, r.torn), ((1..20).collect::<Vec<_>>(), 0));
        let (seqs, r) = replayed(dir.path(), false).unwrap();
        assert_eq!(seqs, (1..20).collect::<Vec<_>>());
        assert_eq!(r.torn, 0);
        assert_eq!(r.tail.map(|t| t.id), Some(1));
        assert_eq!(list_segments(dir.path()).unwrap(), vec![1]);
    }

    #[test]
    fn a_headerless_segment_before_the_last_ends_the_log_there() {
        // A power cut after two rotations, before the segment the first one activated was
        // fsynced: its header never reached the disk, though some of its pages and the last
        // segment's did. Both go.
        let dir = tempfile::tempdir().unwrap();
        segment(dir.path(), 1, 1..10);
        let mut zero_header = std::fs::read(segment(dir.path(), 2, 10..20)).unwrap();
        zero_header[..SEGMENT_HEADER].fill(0);
        std::fs::write(segment_path(dir.path(), 2), &zero_header).unwrap();
        segment(dir.path(), 3, 20..30);
        let (seqs, r) = replayed(dir.path(), false).unwrap();
        assert_eq!(seqs, (1..10).collect::<Vec<_>>());
        assert_eq!(r.tail.map(|t| t.id), Some(1));
        assert_eq!(list_segments(dir.path()).unwrap(), vec![1]);
    }

    #[test]
    fn an_empty_segment_before_a_valid_one_is_corruption() {
        let dir = tempfile::tempdir().unwrap();
        segment(dir.path(), 1, 1..5);
        std::fs::write(segment_path(dir.path(), 2), b"").unwrap();
        segment(dir.path(), 3, 5..9);
        segment(dir.path(), 4, 9..12);
        match replayed(dir.path(), false) {
            Err(Error::Corruption { path, offset: 0, reason }) => {
                assert_eq!(path, segment_path(dir.path(), 2));
                assert!(reason.contains("shorter than its header"), "{reason}");
            }
            other => panic!("expected corruption, got {:?}", other.map(|(s, _)| s)),
        }
    }

    #[test]
    fn a_short_last_segment_that_is_not_zeros_is_corruption() {
        let dir = tempfile::tempdir().unwrap();
        segment(dir.path(), 1, 1..5);
        std::fs::write(segment_path(dir.path(), 2), [9u8; 30]).unwrap();
        assert!(matches!(replayed(dir.path(), false), Err(Error::Corruption { offset: 0, .. })));
    }

    #[test]
    fn lost_sectors_in_the_last_segment_are_a_torn_tail_but_a_flipped_byte_is_corruption() {
        for (what, damage) in [("a lost sector", 0u8), ("a flipped byte", 1)] {
            let dir = tempfile::tempdir().unwrap();
            let path = segment(dir.path(), 1, 1..40);
            let mut bytes = std::fs::read(&path).unwrap();
            // Record 10 spans a sector boundary; records after it are whole.
            let (start, end) = (offset(1, 10), offset(1, 11));
            let sector = start.div_ceil(SECTOR) * SECTOR;
            assert!(sector + 8 < end);
            if damage == 0 {
                // The sector holding the end of record 10 and the start of 11 never got written,
                // while later ones did (pages written back out of order, never synced).
                bytes[sector..sector + SECTOR].fill(0);
            } else {
                bytes[sector + 4] ^= 0x10;
            }
            std::fs::write(&path, &bytes).unwrap();
            match (damage, replayed(dir.path(), false)) {
                (0, Ok((seqs, r))) => {
                    assert_eq!(seqs, (1..10).collect::<Vec<_>>(), "{what}");
                    assert_eq!(r.torn, 1);
                    let after = std::fs::read(&path).unwrap();
                    assert!(after[start..].iter().all(|&b| b == 0), "the records after it must never be read");
                    let (again, r) = replayed(dir.path(), false).unwrap();
                    assert_eq!((again.len(), r.torn), (9, 0));
                }
                (1, Err(Error::Corruption { offset, .. })) => assert_eq!(offset as usize, start, "{what}"),
                (_, other) => panic!("{what}: unexpected {:?}", other.map(|(s, r)| (s, r.torn))),
            }
        }
    }

    #[test]
    fn a_zero_record_header_in_a_closed_segment_before_more_records_is_corruption() {
        // Segment 1 was fsynced whole before segment 3 became current: a hole in it is damage.
        let dir = tempfile::tempdir().unwrap();
        let path = segment(dir.path(), 1, 1..20);
        segment(dir.path(), 2, 20..30);
        segment(dir.path(), 3, 30..40);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = offset(1, 8);
        bytes[at..at + RECORD_HEADER].fill(0);
        std::fs::write(&path, &bytes).unwrap();
        match replayed(dir.path(), false) {
            Err(Error::Corruption { path: p, offset, .. }) => assert_eq!((p, offset as usize), (path, at)),
            other => panic!("expected corruption, got {:?}", other.map(|(s, _)| s)),
        }
    }

    #[test]
    fn lost_sectors_in_the_segment_before_the_last_cut_the_log_there() {
        // A power cut before the segment closed last was fsynced: its tail is lost (zeros) while
        // records of the last segment reached the disk. What remains must be a prefix: the log
        // ends where the hole starts, and the last segment goes.
        let dir = tempfile::tempdir().unwrap();
        segment(dir.path(), 1, 1..10);
        let path = segment(dir.path(), 2, 10..30);
        segment(dir.path(), 3, 30..40);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = offset(10, 25);
        bytes[at..].fill(0);
        std::fs::write(&path, &bytes).unwrap();
        let (seqs, r) = replayed(dir.path(), false).unwrap();
        assert_eq!(seqs, (1..25).collect::<Vec<_>>());
        assert_eq!(r.torn, 1);
        assert_eq!(r.tail.map(|t| (t.id, t.end)), Some((2, at)));
        assert_eq!(list_segments(dir.path()).unwrap(), vec![1, 2]);
    }

    #[test]
    fn a_flipped_byte_in_the_segment_before_the_last_is_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let path = segment(dir.path(), 1, 1..20);
        segment(dir.path(), 2, 20..30);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = offset(1, 8);
        bytes[at + RECORD_HEADER + 5] ^= 0x40;
        std::fs::write(&path, &bytes).unwrap();
        match replayed(dir.path(), false) {
            Err(Error::Corruption { path: p, offset, .. }) => assert_eq!((p, offset as usize), (path, at)),
            other => panic!("expected corruption, got {:?}", other.map(|(s, _)| s)),
        }
    }

    #[test]
    fn leftovers_after_the_end_of_the_last_segment_are_zeroed_before_appending_resumes() {
        // A zero record header, then bytes of later records that reached the disk without the
        // ones before them: never replayed, and zeroed, so that records appended over the hole
        // cannot be followed by them on a later open.
        let dir = tempfile::tempdir().unwrap();
        let path = segment(dir.path(), 1, 1..20);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = offset(1, 12);
        bytes[at..offset(1, 14)].fill(0);
        std::fs::write(&path, &bytes).unwrap();
        let (dry, _) = replayed(dir.path(), true).unwrap();
        let (seqs, r) = replayed(dir.path(), false).unwrap();
        assert_eq!((dry, r.torn), (seqs.clone(), 1));
        assert_eq!(seqs, (1..12).collect::<Vec<_>>());
        assert_eq!(r.tail.map(|t| t.end), Some(at));
        assert!(std::fs::read(&path).unwrap()[at..].iter().all(|&b| b == 0));
    }

    #[test]
    fn a_segment_under_its_temporary_name_is_not_part_of_the_log_and_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        segment(dir.path(), 1, 1..5);
        std::fs::write(crate::wal::temp_segment_path(dir.path(), 2), [0u8; 100]).unwrap();
        assert_eq!(list_segments(dir.path()).unwrap(), vec![1]);
        remove_temp_segments(dir.path()).unwrap();
        assert!(!crate::wal::temp_segment_path(dir.path(), 2).exists());
    }
}
