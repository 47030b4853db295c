//! Recovery: reads every segment in order, hands each record after the checkpoint to a callback,
//! and decides what a bad record means. A bad record with no valid record anywhere after it is a
//! torn tail: it is cut off (zeroed) and counted. A bad record followed by a valid one is
//! corruption, reported with its file and offset and never skipped.

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::wal::record::{decode, decode_segment_header, Decoded, SEGMENT_HEADER};
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

/// Is there a valid record anywhere from `from` in segment `data` with a sequence above `after`?
fn valid_record_after(data: &[u8], from: usize, after: u64) -> bool {
    let mut pos = from.div_ceil(8) * 8;
    while pos + 16 <= data.len() {
        if let Decoded::Record(r) = decode(&data[pos..]) {
            if r.seq > after {
                return true;
            }
        }
        pos += 8;
    }
    false
}

/// Replays the log in `dir`: calls `apply(seq, payload)` for every record with `seq > after_seq`.
/// With `dry_run` nothing on disk changes (a torn tail is reported, not cut): for `verify`.
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
    // A last segment whose header was never written (a crash while creating it) holds nothing.
    if let Some((_, path, data)) = files.last() {
        if data.len() >= SEGMENT_HEADER && data[..SEGMENT_HEADER].iter().all(|&b| b == 0) {
            if !dry_run {
                fs::remove_file(path).map_err(|e| Error::io(format!("removing empty {}", path.display()), e))?;
            }
            files.pop();
        }
    }
    let mut prev_seq = 0u64;
    let count = files.len();
    for n in 0..count {
        let (id, path, data) = (&files[n].0, &files[n].1, &files[n].2);
        let header = decode_segment_header(data).map_err(|reason| Error::corruption(path, 0, reason))?;
        if header.id != *id {
            return Err(Error::corruption(
                path,
                16,
                format!("segment header says id {} but the file name says {id}", header.id),
            ));
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
        let mut seg_last = header.first_seq.saturating_sub(1);
        loop {
            match decode(&data[pos..]) {
                Decoded::End => break,
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
                }
                bad => {
                    let reason = match bad {
                        Decoded::Bad(reason) => reason,
                        _ => "record sequence number does not increase",
                    };
                    let later = valid_record_after(data, pos + 8, prev_seq)
                        || files[n + 1..].iter().any(|(_, _, d)| valid_record_after(d, SEGMENT_HEADER, prev_seq));
                    if later {
                        return Err(Error::corruption(
                            path,
                            pos as u64,
                            format!("{reason}, and valid records follow it"),
                        ));
                    }
                    if !dry_run {
                        cut_tail(path, data, pos)?;
                        for (_, p, _) in &files[n + 1..] {
                            fs::remove_file(p).map_err(|e| Error::io(format!("removing {}", p.display()), e))?;
                        }
                    }
                    out.torn += 1;
                    out.tail = Some(Tail { id: *id, path: path.clone(), end: pos, last_seq: seg_last });
                    return Ok(out);
                }
            }
        }
        if n + 1 == count {
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
