//! Record framing: `crc32 | len | seq | payload | zero padding to 8 bytes`, and segment headers.

use crc32fast::Hasher;

/// Bytes before a record's payload.
pub(crate) const RECORD_HEADER: usize = 16;
/// Bytes of a segment header; records start here.
pub(crate) const SEGMENT_HEADER: usize = 64;
pub(crate) const SEGMENT_MAGIC: &[u8; 8] = b"SCALOWAL";
/// The segment format this build writes. Version 1 (no `prev_last_seq`) is still read.
pub(crate) const FORMAT_VERSION: u32 = 2;

#[inline]
pub(crate) const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

/// Bytes a record with `payload_len` bytes of payload takes in a segment.
#[inline]
pub(crate) const fn record_size(payload_len: usize) -> usize {
    align8(RECORD_HEADER + payload_len)
}

/// Writes a whole record into `out` (which must be `record_size(payload.len())` long).
#[inline]
pub(crate) fn write_record(out: &mut [u8], seq: u64, payload: &[u8]) {
    let end = RECORD_HEADER + payload.len();
    out[4..8].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    out[8..16].copy_from_slice(&seq.to_le_bytes());
    out[16..end].copy_from_slice(payload);
    out[end..].fill(0);
    let crc = crc32fast::hash(&out[4..end]);
    out[0..4].copy_from_slice(&crc.to_le_bytes());
}

/// A record that passed its checks.
pub(crate) struct Record<'a> {
    pub seq: u64,
    pub payload: &'a [u8],
    /// Bytes the record takes, padding included.
    pub size: usize,
}

/// What is at some offset of a segment.
pub(crate) enum Decoded<'a> {
    Record(Record<'a>),
    /// Sixteen zero bytes (or too few bytes left): nothing was written here.
    End,
    Bad(&'static str),
}

/// Decodes the record at the start of `buf`.
pub(crate) fn decode(buf: &[u8]) -> Decoded<'_> {
    if buf.len() < RECORD_HEADER {
        return if buf.iter().all(|&b| b == 0) { Decoded::End } else { Decoded::Bad("truncated record header") };
    }
    if buf[..RECORD_HEADER].iter().all(|&b| b == 0) {
        return Decoded::End;
    }
    let crc = u32::from_le_bytes(buf[0..4].try_into().expect("4 bytes"));
    let len = u32::from_le_bytes(buf[4..8].try_into().expect("4 bytes")) as usize;
    let seq = u64::from_le_bytes(buf[8..16].try_into().expect("8 bytes"));
    if len == 0 {
        return Decoded::Bad("record with an empty payload");
    }
    if RECORD_HEADER + len > buf.len() {
        return Decoded::Bad("record runs past the end of the segment");
    }
    let mut h = Hasher::new();
    h.update(&buf[4..RECORD_HEADER + len]);
    if h.finalize() != crc {
        return Decoded::Bad("record checksum mismatch");
    }
    let size = record_size(len).min(buf.len());
    Decoded::Record(Record { seq, payload: &buf[RECORD_HEADER..RECORD_HEADER + len], size })
}

/// The fields of a segment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SegmentHeader {
    pub id: u64,
    /// The sequence number the first record of this segment has or will have.
    pub first_seq: u64,
    /// The sequence of the last record of the segment before this one when this one became
    /// current (version 2; `None` in a version-1 segment). Recovery checks it against what it
    /// read of that segment: less there means its tail was lost to a power cut.
    pub prev_last_seq: Option<u64>,
}

/// Encodes a version-2 header: magic, version, id, first_seq, prev_last_seq, then the CRC of all
/// of that (bytes 40..44); the rest is zeros. `prev_last_seq: None` is for the first segment of
/// a log, which has no segment before it: it is written as `first_seq - 1`.
pub(crate) fn encode_segment_header(h: SegmentHeader) -> [u8; SEGMENT_HEADER] {
    let mut b = [0u8; SEGMENT_HEADER];
    b[0..8].copy_from_slice(SEGMENT_MAGIC);
    b[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    b[16..24].copy_from_slice(&h.id.to_le_bytes());
    b[24..32].copy_from_slice(&h.first_seq.to_le_bytes());
    b[32..40].copy_from_slice(&h.prev_last_seq.unwrap_or(h.first_seq.saturating_sub(1)).to_le_bytes());
    let crc = crc32fast::hash(&b[0..40]);
    b[40..44].copy_from_slice(&crc.to_le_bytes());
    b
}

pub(crate) fn decode_segment_header(b: &[u8]) -> Result<SegmentHeader, String> {
    if b.len() < SEGMENT_HEADER {
        return Err("segment shorter than its header".into());
    }
    if &b[0..8] != SEGMENT_MAGIC {
        return Err("not a ScaloDB log segment (bad magic number)".into());
    }
    let version = u32::from_le_bytes(b[8..12].try_into().expect("4 bytes"));
    // The checksum covers what the version has: bytes 0..32 in version 1, 0..40 in version 2.
    let covered = match version {
        1 => 32,
        2 => 40,
        _ => {
            // The checksum cannot be checked: say which of the two is likelier.
            let v1 = u32::from_le_bytes(b[32..36].try_into().expect("4 bytes")) == crc32fast::hash(&b[0..32]);
            let v2 = u32::from_le_bytes(b[40..44].try_into().expect("4 bytes")) == crc32fast::hash(&b[0..40]);
            if !v1 && !v2 {
                return Err("segment header checksum mismatch".into());
            }
            return Err(format!(
                "log format version {version} is not supported (this build reads 1 and {FORMAT_VERSION})"
            ));
        }
    };
    let crc = u32::from_le_bytes(b[covered..covered + 4].try_into().expect("4 bytes"));
    if crc32fast::hash(&b[0..covered]) != crc {
        return Err("segment header checksum mismatch".into());
    }
    let field = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    Ok(SegmentHeader { id: field(16), first_seq: field(24), prev_last_seq: (version == 2).then(|| field(32)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_every_flipped_byte_is_caught() {
        let payload = b"hello payload";
        let mut buf = vec![0u8; record_size(payload.len()) + 16];
        write_record(&mut buf[..record_size(payload.len())], 77, payload);
        match decode(&buf) {
            Decoded::Record(r) => {
                assert_eq!((r.seq, r.payload, r.size), (77, &payload[..], 32));
            }
            _ => panic!("valid record not decoded"),
        }
        for i in 0..RECORD_HEADER + payload.len() {
            let mut b = buf.clone();
            b[i] ^= 0x40;
            assert!(matches!(decode(&b), Decoded::Bad(_)), "flip at {i} not detected");
        }
        assert!(matches!(decode(&[0u8; 40]), Decoded::End));
    }

    #[test]
    fn segment_header_round_trips_and_rejects_damage() {
        let h = SegmentHeader { id: 9, first_seq: 1234, prev_last_seq: Some(1200) };
        let b = encode_segment_header(h);
        assert_eq!(decode_segment_header(&b), Ok(h));
        for i in (0..44).filter(|i| !(12..16).contains(i)) {
            let mut d = b;
            d[i] ^= 1;
            assert!(decode_segment_header(&d).is_err(), "flip at byte {i} not detected");
        }
    }

    #[test]
    fn version_1_headers_are_still_read() {
        // Version 1: the same fields up to first_seq, the checksum of bytes 0..32 at 32.
        let mut b = [0u8; SEGMENT_HEADER];
        b[0..8].copy_from_slice(SEGMENT_MAGIC);
        b[8..12].copy_from_slice(&1u32.to_le_bytes());
        b[16..24].copy_from_slice(&7u64.to_le_bytes());
        b[24..32].copy_from_slice(&500u64.to_le_bytes());
        let crc = crc32fast::hash(&b[0..32]);
        b[32..36].copy_from_slice(&crc.to_le_bytes());
        assert_eq!(decode_segment_header(&b), Ok(SegmentHeader { id: 7, first_seq: 500, prev_last_seq: None }));
        b[26] ^= 1;
        assert!(decode_segment_header(&b).is_err());
    }
}
