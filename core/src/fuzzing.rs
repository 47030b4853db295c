//! Fuzz target bodies, shared by the cargo-fuzz targets in `fuzz/` and by the corpus replay test
//! (`core/tests/fuzz_corpus.rs`), so that `make test` re-runs every saved input on stable Rust.
//!
//! Each function takes arbitrary bytes, drives the real decoder or the real engine with them, and
//! panics only when a property is broken: a decoder must return data, a clean torn-tail cut or a
//! `Corruption` error, never panic; a store must agree with a `BTreeMap` model on every read.
//! Nothing here re-implements engine logic: inputs are built with the engine's own encoders.
//!
//! Not a public API: hidden from the docs and free to change. The op-sequence target is in
//! `fuzzing/ops.rs`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

mod ops;

pub use ops::ops_sequence;

use crate::checkpoint::{self, CheckpointWriter};
use crate::error::{Error, Result};
use crate::wal::ops::{decode_ops, Op};
use crate::wal::reader::replay;
use crate::wal::record::{encode_segment_header, record_size, write_record, SegmentHeader};

/// Reads structure out of fuzz input; past the end every read yields zeros, so any input is usable.
struct Input<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Input<'a> {
        Input { data, pos: 0 }
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// Up to `n` bytes (fewer at the end of the input).
    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let start = self.pos.min(self.data.len());
        let end = start.saturating_add(n).min(self.data.len());
        self.pos = start + n;
        &self.data[start..end]
    }

    fn rest(&mut self) -> &'a [u8] {
        let start = self.pos.min(self.data.len());
        self.pos = self.data.len();
        &self.data[start..]
    }
}

/// A private directory for one input, removed afterwards. Put `TMPDIR` on a tmpfs (`/dev/shm`)
/// when fuzzing: the engine fsyncs, and tmpfs makes that free.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("scalodb-fuzz-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("creating a scratch directory");
        Scratch(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Errors a decoder may return for bad input; anything else (I/O, a panic) is a finding.
fn expect_corruption<T>(what: &str, r: &Result<T>) {
    if let Err(e) = r {
        assert!(matches!(e, Error::Corruption { .. }), "{what}: bad input must be Corruption, got {e:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Target 1: log segments through recovery's replay.

/// Builds log segments from `data` (raw bytes, or records written with the real encoder and then
/// damaged) and replays them three times: dry run, real run (cuts a torn tail), dry run again.
/// Properties: only `Corruption` errors; records come out in increasing sequence above the
/// checkpoint; the dry run predicts the real run; after a cut the log replays cleanly to the same
/// records; undamaged input replays to exactly what was written.
pub fn wal_segment(data: &[u8]) {
    let mut input = Input::new(data);
    let mode = input.byte();
    let scratch = Scratch::new();
    let dir = scratch.path();
    let after_seq = u64::from(input.byte() % 4);
    let expected = if mode & 1 == 0 {
        // Raw: the bytes are the segment file, optionally behind a valid header so that the
        // fuzzer reaches record decoding without first solving the header CRC.
        let mut file = Vec::new();
        if mode & 2 != 0 {
            let first_seq = u64::from(input.byte() % 4) + 1;
            file.extend_from_slice(&encode_segment_header(SegmentHeader { id: 1, first_seq, prev_last_seq: None }));
        }
        file.extend_from_slice(input.rest());
        fs::write(crate::wal::segment_path(dir, 1), &file).expect("writing a segment");
        None
    } else {
        build_segments(dir, &mut input)
    };
    // Undamaged input must replay to exactly its records after the checkpoint, unless the log
    // starts after the checkpoint's next sequence: then records are missing and that is corruption.
    let expected = expected.map(|(first_seq, all)| {
        (first_seq <= after_seq + 1).then(|| all.into_iter().filter(|(s, _)| *s > after_seq).collect::<Vec<_>>())
    });

    let dry = replay_records(dir, after_seq, true);
    let real = replay_records(dir, after_seq, false);
    match (&dry, &real) {
        (Ok((d, dtorn)), Ok((r, rtorn))) => {
            assert_eq!(d, r, "a dry run must see the records recovery applies");
            assert_eq!(dtorn, rtorn, "a dry run must report the torn tail recovery cuts");
        }
        (Err(_), Err(_)) => {}
        _ => panic!("dry run and recovery disagree: {:?} vs {:?}", dry.is_ok(), real.is_ok()),
    }
    if let Ok((records, _)) = &real {
        let again = replay_records(dir, after_seq, true);
        match again {
            Ok((r, torn)) => {
                assert_eq!(&r, records, "replay after the torn-tail cut lost or gained records");
                assert_eq!(torn, 0, "a torn tail survived its cut");
            }
            Err(e) => panic!("the log no longer opens after its torn tail was cut: {e:?}"),
        }
    }
    match (expected, &real) {
        (None, _) => {}
        (Some(Some(expected)), Ok((records, torn))) => {
            assert_eq!(*torn, 0, "an undamaged log has no torn tail");
            assert_eq!(records, &expected, "an undamaged log must replay to what was written");
        }
        (Some(Some(_)), Err(e)) => panic!("an undamaged log must open: {e:?}"),
        (Some(None), r) => assert!(r.is_err(), "a log that starts after the checkpoint's next record opened"),
    }
}

type Records = Vec<(u64, Vec<u8>)>;

/// Replays like recovery does (decoding every payload) and returns the records and torn count.
fn replay_records(dir: &Path, after_seq: u64, dry_run: bool) -> Result<(Records, u64)> {
    let mut got: Records = Vec::new();
    let r = replay(dir, after_seq, dry_run, |seq, payload| {
        decode_ops(payload).map_err(|reason| Error::corruption(dir, 0, reason))?;
        got.push((seq, payload.to_vec()));
        Ok(())
    });
    expect_corruption("log replay", &r);
    let r = r?;
    assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "records must come out in increasing sequence");
    assert!(got.iter().all(|(s, _)| *s > after_seq), "records at or below the checkpoint were applied");
    let top = got.last().map_or(after_seq, |(s, _)| *s);
    assert!(r.last_seq >= top, "last_seq {} is below an applied record {top}", r.last_seq);
    Ok((got, r.torn))
}

/// Writes 1 to 3 segments of records described by `input`. If nothing was damaged, returns the
/// first segment's starting sequence and every record written (the log must replay to exactly
/// that); else `None`.
fn build_segments(dir: &Path, input: &mut Input<'_>) -> Option<(u64, Records)> {
    let padding = [0usize, 16, 64, 512][usize::from(input.byte() % 4)];
    // (first_seq, record bytes, the last sequence appended before the segment, for its header)
    let mut segments: Vec<(u64, Vec<u8>, u64)> = Vec::new();
    let mut prev_last = 0u64;
    let mut body = Vec::new();
    let mut first_seq: Option<u64> = None;
    let mut written: Records = Vec::new();
    let mut clean = true;
    let mut zero_last_header = false;
    let mut seq = 0u64;
    let mut payload = Vec::new();
    while !input.is_empty() && written.len() < 64 {
        let ctl = input.byte();
        match ctl % 10 {
            0 if segments.len() < 2 => {
                segments.push((first_seq.unwrap_or(seq + 1), std::mem::take(&mut body), prev_last));
                prev_last = written.iter().map(|(s, _)| *s).max().unwrap_or(prev_last);
                first_seq = None;
            }
            1 if !body.is_empty() => {
                let at = usize::from(input.u16()) % body.len();
                body[at] ^= input.byte() | 1;
                clean = false;
            }
            2 if !body.is_empty() => {
                let cut = usize::from(input.u16()) % body.len();
                body.truncate(cut);
                clean = false;
            }
            3 => {
                let n = usize::from(input.byte() % 24);
                body.extend_from_slice(input.bytes(n));
                clean = false;
            }
            4 => zero_last_header = true,
            5 => {
                // A raw payload: the op decoder must reject or accept it, never panic.
                let n = usize::from(input.byte() % 32) + 1;
                payload.clear();
                payload.extend_from_slice(input.bytes(n));
                payload.resize(n, 0);
                seq += 1;
                clean &= decode_ops(&payload).is_ok();
                push_record(&mut body, &mut first_seq, &mut written, seq, &payload);
            }
            6 if seq > 0 => {
                // A sequence number that does not increase.
                let s = seq - u64::from(input.byte() % 2);
                push_record(&mut body, &mut first_seq, &mut written, s, b"\x05");
                clean = false;
            }
            _ => {
                payload.clear();
                for _ in 0..1 + input.byte() % 4 {
                    encode_op(input, &mut payload);
                }
                seq += 1 + u64::from(ctl % 3 == 0);
                push_record(&mut body, &mut first_seq, &mut written, seq, &payload);
            }
        }
    }
    segments.push((first_seq.unwrap_or(seq + 1), body, prev_last));
    let count = segments.len();
    // A lone segment without a header is dropped whole, so nothing can be missing before it.
    let log_start = if zero_last_header && count == 1 { 1 } else { segments[0].0 };
    for (i, (first, body, prev)) in segments.iter().enumerate() {
        let id = i as u64 + 1;
        let header = SegmentHeader { id, first_seq: *first, prev_last_seq: Some(*prev) };
        let mut file = encode_segment_header(header).to_vec();
        if zero_last_header && i + 1 == count {
            // A crash while creating the segment: its header was never written.
            file.fill(0);
            clean &= body.is_empty();
        }
        file.extend_from_slice(body);
        file.resize(file.len() + padding, 0);
        fs::write(crate::wal::segment_path(dir, id), &file).expect("writing a segment");
    }
    clean.then_some((log_start, written))
}

fn push_record(body: &mut Vec<u8>, first_seq: &mut Option<u64>, written: &mut Records, seq: u64, payload: &[u8]) {
    let at = body.len();
    body.resize(at + record_size(payload.len()), 0);
    write_record(&mut body[at..], seq, payload);
    first_seq.get_or_insert(seq);
    written.push((seq, payload.to_vec()));
}

/// Appends one op, encoded by the engine's own encoder.
fn encode_op(input: &mut Input<'_>, out: &mut Vec<u8>) {
    let kind = input.byte();
    let klen = usize::from(input.byte() % 9);
    let key = input.bytes(klen);
    match kind % 5 {
        0 | 1 => {
            let vlen = usize::from(input.byte() % 33);
            let value = input.bytes(vlen);
            let expires_at = if kind % 5 == 1 { u64::from(input.u16()) + 1 } else { 0 };
            Op::Put { key, value, expires_at }.encode(out);
        }
        2 => Op::Delete { key }.encode(out),
        3 => Op::Expire { key, expires_at: u64::from(input.u16()) }.encode(out),
        _ => Op::Clear.encode(out),
    }
}

// ---------------------------------------------------------------------------------------------
// Target 2: checkpoint files.

/// Loads a checkpoint made of `data` (raw bytes, or entries written by the real writer and then
/// damaged), and runs `verify` on the directory. Properties: only `Corruption` errors; the count
/// in the result is the number of entries delivered; an undamaged file loads to exactly what was
/// written; `verify` fails whenever loading fails.
pub fn checkpoint_file(data: &[u8]) {
    let mut input = Input::new(data);
    let mode = input.byte();
    let scratch = Scratch::new();
    let dir = scratch.path();
    let mut written: Vec<(Vec<u8>, Vec<u8>, u64)> = Vec::new();
    let mut header = (0, 0);
    let (path, clean) = if mode & 1 == 0 {
        let path = checkpoint::checkpoint_path(dir, 1);
        fs::write(&path, input.rest()).expect("writing a checkpoint");
        (path, false)
    } else {
        header = (u64::from(input.u16()), u64::from(input.u16()));
        let mut w = CheckpointWriter::create(dir, header.0, header.1).expect("creating a checkpoint");
        let n = input.byte() % 16;
        for _ in 0..n {
            let klen = usize::from(input.byte() % 9);
            let key = input.bytes(klen).to_vec();
            let vlen = usize::from(input.byte() % 40);
            let value = input.bytes(vlen).to_vec();
            let expires_at = if input.byte() % 4 == 0 { u64::from(input.u16()) } else { 0 };
            w.add(&key, &value, expires_at).expect("writing a checkpoint entry");
            written.push((key, value, expires_at));
        }
        let path = w.finish().expect("finishing a checkpoint");
        let mut bytes = fs::read(&path).expect("reading a checkpoint");
        let mut clean = true;
        while !input.is_empty() {
            let ctl = input.byte();
            match ctl % 3 {
                0 if !bytes.is_empty() => {
                    let at = usize::from(input.u16()) % bytes.len();
                    bytes[at] ^= input.byte() | 1;
                }
                1 => {
                    let cut = usize::from(input.u16()) % (bytes.len() + 1);
                    bytes.truncate(cut);
                }
                _ => {
                    let n = usize::from(input.byte() % 24) + 1;
                    let extra = input.bytes(n);
                    bytes.extend_from_slice(extra);
                    bytes.resize(bytes.len() + (n - extra.len()), 0);
                }
            }
            clean = false;
        }
        fs::write(&path, &bytes).expect("writing a checkpoint");
        (path, clean)
    };
    let mut got: Vec<(Vec<u8>, Vec<u8>, u64)> = Vec::new();
    let loaded = checkpoint::load(&path, |k, v, e| match v {
        checkpoint::Value::Bytes(v) => got.push((k.to_vec(), v.to_vec(), e)),
        checkpoint::Value::Coll(_) => panic!("the fuzz body writes strings only"),
    });
    expect_corruption("checkpoint load", &loaded);
    if let Ok(info) = &loaded {
        assert_eq!(info.count, got.len() as u64, "the footer count must match the entries delivered");
    }
    if clean {
        let info = loaded.as_ref().expect("an undamaged checkpoint must load");
        assert_eq!((info.seq, info.created_ms), header, "checkpoint header fields changed");
        assert_eq!(got, written, "an undamaged checkpoint must load to what was written");
    }
    let verified = crate::verify(dir);
    expect_corruption("verify", &verified);
    if loaded.is_err() {
        assert!(verified.is_err(), "verify passed a checkpoint that does not load");
    }
}
