//! `verify`: checks every checkpoint entry and log record of a store without changing anything.

use std::path::Path;

use crate::checkpoint;
use crate::error::{Error, Result};
use crate::wal::ops::decode_ops;
use crate::wal::reader::{self, list_segments};

/// What [`verify`] found in a healthy store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Sequence of the newest checkpoint, if there is one.
    pub checkpoint_seq: Option<u64>,
    /// Entries in that checkpoint.
    pub checkpoint_entries: u64,
    /// Log segment files.
    pub segments: u64,
    /// Log records after the checkpoint, all checked.
    pub records: u64,
    /// Sequence number of the last record (or of the checkpoint).
    pub last_seq: u64,
    /// A torn record at the end of the log, which opening the store would cut off.
    pub torn_tail: bool,
}

/// Reads every checkpoint entry and log record of the store in `dir` and checks their CRCs,
/// framing and order. Changes nothing, takes no lock; run it on a closed store (or a copy) for
/// an exact answer. Damage is returned as `Error::Corruption` with the file and offset.
pub fn verify(dir: impl AsRef<Path>) -> Result<VerifyReport> {
    verify_with_progress(dir, |_, _| {})
}

/// [`verify`], calling `progress(bytes_read, bytes_total)` as it reads (the total is the size of
/// the checkpoint and log segment files it reads). For progress bars.
pub fn verify_with_progress(dir: impl AsRef<Path>, mut progress: impl FnMut(u64, u64)) -> Result<VerifyReport> {
    let dir = dir.as_ref();
    if !dir.is_dir() {
        return Err(Error::InvalidArgument(format!("{} is not a directory", dir.display())));
    }
    let mut report = VerifyReport::default();
    let mut after = 0;
    let checkpoints: Vec<(u64, std::path::PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("listing {}", dir.display()), e))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let seq = name.strip_prefix("checkpoint-")?.strip_suffix(".ckpt")?.parse().ok()?;
            Some((seq, e.path()))
        })
        .collect();
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let newest = checkpoints.iter().max();
    let segments = list_segments(dir)?;
    let total = newest.map_or(0, |(_, p)| size(p))
        + segments.iter().map(|&id| size(&crate::wal::segment_path(dir, id))).sum::<u64>();
    // Entry and record headers, counted with what they frame so the bar reaches the total.
    const ENTRY_HEADER: u64 = 21;
    let mut done = 0u64;
    if let Some((_, path)) = newest {
        let mut prev: Option<Vec<u8>> = None;
        let mut ordered = true;
        let info = checkpoint::load(path, |k, v, _| {
            ordered &= prev.as_deref().is_none_or(|p| p < k);
            prev = Some(k.to_vec());
            let value_len = match v {
                checkpoint::Value::Bytes(v) => v.len(),
                checkpoint::Value::Coll(c) => c.data_bytes(),
            };
            done += ENTRY_HEADER + (k.len() + value_len) as u64;
            progress(done.min(total), total);
        })?;
        done = size(path);
        if !ordered {
            return Err(Error::corruption(path, 0, "checkpoint keys are out of order"));
        }
        report.checkpoint_seq = Some(info.seq);
        report.checkpoint_entries = info.count;
        after = info.seq;
    }
    report.segments = segments.len() as u64;
    let mut records = 0;
    let replayed = reader::replay(dir, after, true, |_, payload| {
        decode_ops(payload).map_err(|reason| Error::corruption(dir, 0, reason))?;
        records += 1;
        done += crate::wal::record::record_size(payload.len()) as u64;
        progress(done.min(total), total);
        Ok(())
    })?;
    // Segments end in unused, preallocated space that no record covers.
    progress(total, total);
    report.records = records;
    report.last_seq = replayed.last_seq;
    report.torn_tail = replayed.torn > 0;
    Ok(report)
}
