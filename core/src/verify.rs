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
    if let Some((_, path)) = checkpoints.iter().max() {
        let mut prev: Option<Vec<u8>> = None;
        let mut ordered = true;
        let info = checkpoint::load(path, |k, _, _| {
            ordered &= prev.as_deref().is_none_or(|p| p < k);
            prev = Some(k.to_vec());
        })?;
        if !ordered {
            return Err(Error::corruption(path, 0, "checkpoint keys are out of order"));
        }
        report.checkpoint_seq = Some(info.seq);
        report.checkpoint_entries = info.count;
        after = info.seq;
    }
    report.segments = list_segments(dir)?.len() as u64;
    let mut records = 0;
    let replayed = reader::replay(dir, after, true, |_, payload| {
        decode_ops(payload).map_err(|reason| Error::corruption(dir, 0, reason))?;
        records += 1;
        Ok(())
    })?;
    report.records = records;
    report.last_seq = replayed.last_seq;
    report.torn_tail = replayed.torn > 0;
    Ok(report)
}
