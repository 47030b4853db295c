//! Checkpoint files: a consistent image of every live key at one sequence number, in key order,
//! each entry with its own CRC and a footer that proves the file is complete.
//!
//! A checkpoint is written to a temporary file, fsynced, renamed into place and the directory
//! fsynced; only then are older checkpoints and the log segments it covers deleted. A crash at any
//! step leaves either the old checkpoint with its log, or the new one (see docs/FORMAT.md).

use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::collections::coll::{Coll, Kind};
use crate::error::{Error, Result};
use crate::fsutil::{self, FaultFile};
use crate::wal::ops::{get_bytes, put_bytes};

pub(crate) const MAGIC: &[u8; 8] = b"SCALOCKP";
/// Version 2 added collections (`TAG_COLL`, `TAG_ELEMS`); version 1 files hold strings only and
/// load unchanged.
pub(crate) const VERSION: u32 = 2;
const OLDEST_VERSION: u32 = 1;
const HEADER: usize = 64;
const TAG_ENTRY: u8 = 1;
const TAG_END: u8 = 2;
const TAG_COLL: u8 = 3;
const TAG_ELEMS: u8 = 4;
/// A collection's elements are written in chunks of about this many bytes, each with its CRC, so
/// that neither side needs a buffer the size of a large collection.
const CHUNK_BYTES: usize = 64 << 10;

/// The value of a loaded entry.
pub(crate) enum Value<'a> {
    Bytes(&'a [u8]),
    Coll(Coll),
}

pub(crate) fn checkpoint_path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("checkpoint-{seq:020}.ckpt"))
}

fn parse_name(name: &str) -> Option<u64> {
    name.strip_prefix("checkpoint-")?.strip_suffix(".ckpt")?.parse().ok()
}

/// Checkpoint files in `dir`, oldest first. Also removes leftover temporary files.
pub(crate) fn list(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut out = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("checkpoint-") && name.ends_with(".tmp") {
            // An unfinished checkpoint from a crash: never renamed, so never trusted.
            fs::remove_file(entry.path()).map_err(|e| Error::io(format!("removing {}", entry.path().display()), e))?;
        } else if let Some(seq) = parse_name(name) {
            out.push((seq, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// The error of a failed step of writing a checkpoint: nothing is lost, and the checkpoint is
/// tried again later.
fn step_error(what: String, e: std::io::Error) -> Error {
    let advice = fsutil::advice(&e);
    Error::io(
        format!(
            "{what} (the checkpoint was abandoned; the previous checkpoint and the log are intact, so \
             nothing is lost; {advice}; the next checkpoint tries again)"
        ),
        e,
    )
}

/// Streams entries into a new checkpoint file.
pub(crate) struct CheckpointWriter {
    out: BufWriter<FaultFile>,
    tmp: PathBuf,
    dir: PathBuf,
    seq: u64,
    count: u64,
}

impl CheckpointWriter {
    pub(crate) fn create(dir: &Path, seq: u64, created_ms: u64) -> Result<CheckpointWriter> {
        let tmp = dir.join(format!("checkpoint-{seq:020}.ckpt.tmp"));
        let file = fsutil::create_truncate(&tmp, "checkpoint.create")
            .map_err(|e| step_error(format!("creating {}", tmp.display()), e))?;
        let mut w = CheckpointWriter {
            out: BufWriter::with_capacity(1 << 20, FaultFile::new(file, "checkpoint.write")),
            tmp,
            dir: dir.to_path_buf(),
            seq,
            count: 0,
        };
        let mut h = [0u8; HEADER];
        h[0..8].copy_from_slice(MAGIC);
        h[8..12].copy_from_slice(&VERSION.to_le_bytes());
        h[16..24].copy_from_slice(&seq.to_le_bytes());
        h[24..32].copy_from_slice(&created_ms.to_le_bytes());
        let crc = crc32fast::hash(&h[0..32]);
        h[32..36].copy_from_slice(&crc.to_le_bytes());
        if let Err(e) = w.write(&h) {
            w.abandon();
            return Err(e);
        }
        Ok(w)
    }

    fn write(&mut self, b: &[u8]) -> Result<()> {
        self.out.write_all(b).map_err(|e| step_error(format!("writing {}", self.tmp.display()), e))
    }

    pub(crate) fn add(&mut self, key: &[u8], value: &[u8], expires_at: u64) -> Result<()> {
        let mut meta = [0u8; 16];
        meta[0..4].copy_from_slice(&(key.len() as u32).to_le_bytes());
        meta[4..8].copy_from_slice(&(value.len() as u32).to_le_bytes());
        meta[8..16].copy_from_slice(&expires_at.to_le_bytes());
        let mut h = crc32fast::Hasher::new();
        h.update(&meta);
        h.update(key);
        h.update(value);
        self.write(&[TAG_ENTRY])?;
        self.write(&h.finalize().to_le_bytes())?;
        self.write(&meta)?;
        self.write(key)?;
        self.write(value)?;
        self.count += 1;
        Ok(())
    }

    /// Adds a collection: a `TAG_COLL` entry (key, kind, expiry, element count), then its
    /// elements as `Coll::elements` lists them, in `TAG_ELEMS` chunks.
    pub(crate) fn add_coll(&mut self, key: &[u8], coll: &Coll, expires_at: u64) -> Result<()> {
        let elements = coll.elements();
        let mut meta = [0u8; 24];
        meta[0..4].copy_from_slice(&(key.len() as u32).to_le_bytes());
        meta[4] = coll.kind().code();
        meta[8..16].copy_from_slice(&expires_at.to_le_bytes());
        meta[16..24].copy_from_slice(&(elements.len() as u64).to_le_bytes());
        let mut h = crc32fast::Hasher::new();
        h.update(&meta);
        h.update(key);
        self.write(&[TAG_COLL])?;
        self.write(&h.finalize().to_le_bytes())?;
        self.write(&meta)?;
        self.write(key)?;
        let mut chunk = Vec::with_capacity(CHUNK_BYTES + 1024);
        let mut n = 0u32;
        for (a, b) in elements.iter() {
            put_bytes(&mut chunk, a);
            put_bytes(&mut chunk, b);
            n += 1;
            if chunk.len() >= CHUNK_BYTES {
                self.write_chunk(n, &chunk)?;
                chunk.clear();
                n = 0;
            }
        }
        if n > 0 {
            self.write_chunk(n, &chunk)?;
        }
        self.count += 1;
        Ok(())
    }

    fn write_chunk(&mut self, n: u32, chunk: &[u8]) -> Result<()> {
        let mut meta = [0u8; 8];
        meta[0..4].copy_from_slice(&n.to_le_bytes());
        meta[4..8].copy_from_slice(&(chunk.len() as u32).to_le_bytes());
        let mut h = crc32fast::Hasher::new();
        h.update(&meta);
        h.update(chunk);
        self.write(&[TAG_ELEMS])?;
        self.write(&h.finalize().to_le_bytes())?;
        self.write(&meta)?;
        self.write(chunk)
    }

    /// Completes the file and puts it in place durably. Returns its path. On failure before the
    /// rename the temporary file is removed (on a full disk it holds the space that is missing).
    pub(crate) fn finish(mut self) -> Result<PathBuf> {
        let mut end = [0u8; 16];
        end[0..8].copy_from_slice(&self.count.to_le_bytes());
        end[8..16].copy_from_slice(&self.seq.to_le_bytes());
        let crc = crc32fast::hash(&end);
        let mut footer = [0u8; 21];
        footer[0] = TAG_END;
        footer[1..17].copy_from_slice(&end);
        footer[17..21].copy_from_slice(&crc.to_le_bytes());
        if let Err(e) = self.write(&footer) {
            self.abandon();
            return Err(e);
        }
        let (tmp, dir, seq) = (self.tmp.clone(), self.dir.clone(), self.seq);
        let file = match self.out.into_inner() {
            Ok(f) => f.into_inner(),
            Err(e) => {
                let (error, out) = e.into_parts();
                let (file, _unwritten) = out.into_parts();
                drop(file);
                let _ = fs::remove_file(&tmp);
                return Err(step_error(format!("writing {}", tmp.display()), error));
            }
        };
        if let Err(e) = fsutil::sync_all(&file, "checkpoint.before_sync") {
            drop(file);
            let _ = fs::remove_file(&tmp);
            return Err(step_error(format!("syncing {}", tmp.display()), e));
        }
        drop(file);
        let path = checkpoint_path(&dir, seq);
        if let Err(e) = fsutil::rename(&tmp, &path, "checkpoint.before_rename") {
            let _ = fs::remove_file(&tmp);
            return Err(step_error(format!("renaming {} into place", tmp.display()), e));
        }
        // The new checkpoint is complete and fsynced; if its name is not durable yet, a crash
        // brings back the previous one, whose log is still there.
        fsutil::sync_dir(&dir, "checkpoint.after_rename").map_err(|e| {
            let advice = fsutil::advice(&e);
            Error::io(
                format!(
                    "syncing directory {} after putting {} in place (the log it covers is kept, so nothing \
                     is lost; {advice}; the next checkpoint tries again)",
                    dir.display(),
                    path.display()
                ),
                e,
            )
        })?;
        Ok(path)
    }

    /// Abandons the checkpoint and removes its temporary file. Buffered bytes are discarded, not
    /// written.
    pub(crate) fn abandon(self) {
        let (file, _unwritten) = self.out.into_parts();
        drop(file);
        let _ = fs::remove_file(&self.tmp);
    }
}

/// What a checkpoint holds besides its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CheckpointInfo {
    pub seq: u64,
    pub created_ms: u64,
    pub count: u64,
}

struct CountingReader<R> {
    inner: R,
    offset: u64,
}

impl<R: Read> CountingReader<R> {
    fn exact(&mut self, buf: &mut [u8]) -> std::io::Result<()> {
        self.inner.read_exact(buf)?;
        self.offset += buf.len() as u64;
        Ok(())
    }
}

/// Reads and checks every entry of a checkpoint, calling `f(key, value, expires_at)` for each.
pub(crate) fn load(path: &Path, mut f: impl FnMut(&[u8], Value<'_>, u64)) -> Result<CheckpointInfo> {
    let file = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let file_len = file.metadata().map_err(|e| Error::io(format!("reading {}", path.display()), e))?.len();
    let mut r = CountingReader { inner: BufReader::with_capacity(1 << 20, file), offset: 0 };
    let corrupt = |offset: u64, reason: &str| Error::corruption(path, offset, reason.to_string());
    let mut h = [0u8; HEADER];
    r.exact(&mut h).map_err(|_| corrupt(0, "checkpoint shorter than its header"))?;
    if &h[0..8] != MAGIC {
        return Err(corrupt(0, "not a ScaloDB checkpoint (bad magic number)"));
    }
    if crc32fast::hash(&h[0..32]) != u32::from_le_bytes(h[32..36].try_into().expect("4 bytes")) {
        return Err(corrupt(0, "checkpoint header checksum mismatch"));
    }
    let version = u32::from_le_bytes(h[8..12].try_into().expect("4 bytes"));
    if !(OLDEST_VERSION..=VERSION).contains(&version) {
        return Err(corrupt(8, &format!("checkpoint format version {version} is not supported")));
    }
    let seq = u64::from_le_bytes(h[16..24].try_into().expect("8 bytes"));
    let created_ms = u64::from_le_bytes(h[24..32].try_into().expect("8 bytes"));
    let (mut key, mut value) = (Vec::new(), Vec::new());
    let mut count = 0u64;
    loop {
        let at = r.offset;
        let mut tag = [0u8; 1];
        r.exact(&mut tag).map_err(|_| corrupt(at, "checkpoint ends without its footer (incomplete file)"))?;
        match tag[0] {
            TAG_ENTRY => {
                let mut head = [0u8; 20];
                r.exact(&mut head).map_err(|_| corrupt(at, "truncated checkpoint entry"))?;
                let crc = u32::from_le_bytes(head[0..4].try_into().expect("4 bytes"));
                let meta = &head[4..20];
                let klen = u32::from_le_bytes(meta[0..4].try_into().expect("4 bytes")) as usize;
                let vlen = u32::from_le_bytes(meta[4..8].try_into().expect("4 bytes")) as usize;
                let expires_at = u64::from_le_bytes(meta[8..16].try_into().expect("8 bytes"));
                if klen > (1 << 30) || vlen > (1 << 31) {
                    return Err(corrupt(at, "checkpoint entry with an impossible length"));
                }
                // Lengths are checked against the bytes the file still holds before anything is
                // allocated for them: a damaged length field must not allocate gigabytes.
                if klen as u64 + vlen as u64 > file_len.saturating_sub(r.offset) {
                    return Err(corrupt(at, "truncated checkpoint entry"));
                }
                key.resize(klen, 0);
                value.resize(vlen, 0);
                r.exact(&mut key).map_err(|_| corrupt(at, "truncated checkpoint entry"))?;
                r.exact(&mut value).map_err(|_| corrupt(at, "truncated checkpoint entry"))?;
                let mut hasher = crc32fast::Hasher::new();
                hasher.update(meta);
                hasher.update(&key);
                hasher.update(&value);
                if hasher.finalize() != crc {
                    return Err(corrupt(at, "checkpoint entry checksum mismatch"));
                }
                f(&key, Value::Bytes(&value), expires_at);
                count += 1;
            }
            TAG_COLL if version >= 2 => {
                let mut head = [0u8; 28];
                r.exact(&mut head).map_err(|_| corrupt(at, "truncated checkpoint entry"))?;
                let crc = u32::from_le_bytes(head[0..4].try_into().expect("4 bytes"));
                let meta = &head[4..28];
                let klen = u32::from_le_bytes(meta[0..4].try_into().expect("4 bytes")) as usize;
                let kind = Kind::from_code(meta[4]).filter(|k| *k != Kind::String);
                let expires_at = u64::from_le_bytes(meta[8..16].try_into().expect("8 bytes"));
                let elements = u64::from_le_bytes(meta[16..24].try_into().expect("8 bytes"));
                if klen > (1 << 30) || klen as u64 > file_len.saturating_sub(r.offset) {
                    return Err(corrupt(at, "truncated checkpoint entry"));
                }
                key.resize(klen, 0);
                r.exact(&mut key).map_err(|_| corrupt(at, "truncated checkpoint entry"))?;
                let mut hasher = crc32fast::Hasher::new();
                hasher.update(meta);
                hasher.update(&key);
                if hasher.finalize() != crc {
                    return Err(corrupt(at, "checkpoint entry checksum mismatch"));
                }
                let kind = kind.ok_or_else(|| corrupt(at, "checkpoint collection of an unknown type"))?;
                // Every element takes at least two bytes: a count the file cannot hold is damage.
                if elements > file_len.saturating_sub(r.offset) / 2 {
                    return Err(corrupt(at, "checkpoint collection with an impossible element count"));
                }
                value.clear();
                let mut ranges: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(elements as usize);
                while (ranges.len() as u64) < elements {
                    let at = r.offset;
                    let mut head = [0u8; 13];
                    r.exact(&mut head).map_err(|_| corrupt(at, "truncated collection chunk"))?;
                    if head[0] != TAG_ELEMS {
                        return Err(corrupt(at, "a collection ends before its elements"));
                    }
                    let crc = u32::from_le_bytes(head[1..5].try_into().expect("4 bytes"));
                    let n = u32::from_le_bytes(head[5..9].try_into().expect("4 bytes")) as u64;
                    let len = u32::from_le_bytes(head[9..13].try_into().expect("4 bytes")) as usize;
                    if len as u64 > file_len.saturating_sub(r.offset) || n == 0 || ranges.len() as u64 + n > elements {
                        return Err(corrupt(at, "collection chunk with an impossible length"));
                    }
                    let base = value.len();
                    value.resize(base + len, 0);
                    r.exact(&mut value[base..]).map_err(|_| corrupt(at, "truncated collection chunk"))?;
                    let mut hasher = crc32fast::Hasher::new();
                    hasher.update(&head[5..13]);
                    hasher.update(&value[base..]);
                    if hasher.finalize() != crc {
                        return Err(corrupt(at, "collection chunk checksum mismatch"));
                    }
                    let chunk = &value[base..];
                    let mut pos = 0;
                    for _ in 0..n {
                        let a = get_bytes(chunk, &mut pos).ok_or_else(|| corrupt(at, "malformed collection chunk"))?;
                        let a_at = base + pos - a.len();
                        let b = get_bytes(chunk, &mut pos).ok_or_else(|| corrupt(at, "malformed collection chunk"))?;
                        let b_at = base + pos - b.len();
                        ranges.push((a_at, a.len(), b_at, b.len()));
                    }
                    if pos != chunk.len() {
                        return Err(corrupt(at, "malformed collection chunk"));
                    }
                }
                let pairs: Vec<(&[u8], &[u8])> =
                    ranges.iter().map(|&(a, al, b, bl)| (&value[a..a + al], &value[b..b + bl])).collect();
                if pairs.is_empty() {
                    return Err(corrupt(at, "checkpoint collection with no elements"));
                }
                let coll = Coll::from_elements(kind, &pairs)
                    .ok_or_else(|| corrupt(at, "checkpoint collection breaks its encoding (order or score)"))?;
                drop(pairs);
                f(&key, Value::Coll(coll), expires_at);
                count += 1;
            }
            TAG_END => {
                let mut end = [0u8; 20];
                r.exact(&mut end).map_err(|_| corrupt(at, "truncated checkpoint footer"))?;
                let crc = u32::from_le_bytes(end[16..20].try_into().expect("4 bytes"));
                if crc32fast::hash(&end[0..16]) != crc {
                    return Err(corrupt(at, "checkpoint footer checksum mismatch"));
                }
                let n = u64::from_le_bytes(end[0..8].try_into().expect("8 bytes"));
                let s = u64::from_le_bytes(end[8..16].try_into().expect("8 bytes"));
                if n != count || s != seq {
                    return Err(corrupt(at, "checkpoint footer does not match its contents"));
                }
                let mut rest = [0u8; 1];
                if r.inner.read(&mut rest).map_err(|e| Error::io(format!("reading {}", path.display()), e))? != 0 {
                    return Err(corrupt(r.offset, "bytes after the checkpoint footer"));
                }
                return Ok(CheckpointInfo { seq, created_ms, count });
            }
            _ => return Err(corrupt(at, "unknown record tag in checkpoint")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage_is_reported_with_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = CheckpointWriter::create(dir.path(), 42, 7).unwrap();
        w.add(b"a", b"1", 0).unwrap();
        w.add(b"b", &[9u8; 1000], 123).unwrap();
        let path = w.finish().unwrap();
        let mut seen = Vec::new();
        let info = load(&path, |k, v, e| {
            let Value::Bytes(v) = v else { panic!("a string was written") };
            seen.push((k.to_vec(), v.len(), e))
        })
        .unwrap();
        assert_eq!(info, CheckpointInfo { seq: 42, created_ms: 7, count: 2 });
        assert_eq!(seen, vec![(b"a".to_vec(), 1, 0), (b"b".to_vec(), 1000, 123)]);

        let mut bytes = fs::read(&path).unwrap();
        bytes[HEADER + 21 + 1 + 500] ^= 0xff;
        fs::write(&path, &bytes).unwrap();
        match load(&path, |_, _, _| {}) {
            Err(Error::Corruption { offset, .. }) => assert_eq!(offset, HEADER as u64 + 23),
            other => panic!("expected corruption, got {other:?}"),
        }
        bytes.truncate(bytes.len() - 3);
        fs::write(&path, &bytes).unwrap();
        assert!(matches!(load(&path, |_, _, _| {}), Err(Error::Corruption { .. })));
    }

    #[test]
    fn collections_round_trip_and_version_1_files_still_load() {
        use crate::collections::coll::{Coll, Kind};
        let dir = tempfile::tempdir().unwrap();
        let mut w = CheckpointWriter::create(dir.path(), 9, 1).unwrap();
        w.add(b"a", b"1", 0).unwrap();
        // Big enough for several chunks.
        let fields: Vec<(Vec<u8>, Vec<u8>)> =
            (0..3000u32).map(|i| (format!("f{i:05}").into_bytes(), vec![b'x'; 50])).collect();
        let pairs: Vec<(&[u8], &[u8])> = fields.iter().map(|(f, v)| (f.as_slice(), v.as_slice())).collect();
        let hash = Coll::from_elements(Kind::Hash, &pairs).unwrap();
        w.add_coll(b"h", &hash, 77).unwrap();
        let path = w.finish().unwrap();
        let mut seen = Vec::new();
        let info = load(&path, |k, v, e| {
            let n = match v {
                Value::Bytes(b) => b.len(),
                Value::Coll(c) => {
                    assert_eq!(c.kind(), Kind::Hash);
                    let back: Vec<(&[u8], &[u8])> = c.elements().iter().collect();
                    assert_eq!(back, pairs);
                    c.len()
                }
            };
            seen.push((k.to_vec(), n, e));
        })
        .unwrap();
        assert_eq!(info.count, 2);
        assert_eq!(seen, vec![(b"a".to_vec(), 1, 0), (b"h".to_vec(), 3000, 77)]);

        // A version-1 file is the same format without collections: it loads unchanged, and a
        // collection entry inside one is damage.
        let as_version_1 = |bytes: &mut Vec<u8>| {
            bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
            let crc = crc32fast::hash(&bytes[0..32]);
            bytes[32..36].copy_from_slice(&crc.to_le_bytes());
        };
        let mut w = CheckpointWriter::create(dir.path(), 10, 1).unwrap();
        w.add(b"only", b"strings", 0).unwrap();
        let path = w.finish().unwrap();
        let mut bytes = fs::read(&path).unwrap();
        as_version_1(&mut bytes);
        fs::write(&path, &bytes).unwrap();
        let mut keys = Vec::new();
        load(&path, |k, _, _| keys.push(k.to_vec())).unwrap();
        assert_eq!(keys, vec![b"only".to_vec()]);
        let path = dir.path().join(format!("checkpoint-{:020}.ckpt", 9));
        let mut bytes = fs::read(&path).unwrap();
        as_version_1(&mut bytes);
        fs::write(&path, &bytes).unwrap();
        assert!(matches!(load(&path, |_, _, _| {}), Err(Error::Corruption { .. })));
    }
}
