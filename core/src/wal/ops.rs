//! The payload of a log record: the operations of one atomic write, encoded back to back.
//!
//! Each op is a tag byte, then LEB128 lengths and raw bytes (see docs/FORMAT.md).

use std::sync::Arc;

use crate::collections::coll::{Coll, Kind};

/// One operation of an atomic write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op<'a> {
    /// Sets a value; `expires_at` is milliseconds since the Unix epoch, 0 for never.
    Put {
        key: &'a [u8],
        value: &'a [u8],
        expires_at: u64,
    },
    Delete {
        key: &'a [u8],
    },
    /// Changes only the expiry of an existing value (0 removes it).
    Expire {
        key: &'a [u8],
        expires_at: u64,
    },
    /// Deletes every key.
    Clear,
    /// Edits the collection at `key` (see `collections/edit.rs`). `fresh` starts from an empty
    /// collection of `kind` with no expiry (the key was absent, expired, or is being replaced);
    /// otherwise the edits apply to the key's current collection, keeping its expiry.
    Coll {
        key: &'a [u8],
        kind: Kind,
        fresh: bool,
        edits: &'a [u8],
        /// The collection the edits make, when the writer built it while deciding them, so that
        /// applying does not repeat the work. Never logged; replay applies `edits`.
        built: Built<'a>,
    },
}

/// A collection built ahead of applying (see `Op::Coll`). Compares equal to any other: it is a
/// cache of what `edits` say.
#[derive(Clone, Copy, Default)]
pub(crate) struct Built<'a>(pub Option<&'a Arc<Coll>>);

impl PartialEq for Built<'_> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Built<'_> {}

impl std::fmt::Debug for Built<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Built" } else { "-" })
    }
}

/// An op that owns its bytes, for writes computed under the commit lock.
#[derive(Clone, Debug)]
pub(crate) enum OwnedOp {
    Put { key: Vec<u8>, value: Vec<u8>, expires_at: u64 },
    Delete { key: Vec<u8> },
    Expire { key: Vec<u8>, expires_at: u64 },
    Coll { key: Vec<u8>, kind: Kind, fresh: bool, edits: Vec<u8>, built: Option<Arc<Coll>> },
}

impl OwnedOp {
    pub(crate) fn as_op(&self) -> Op<'_> {
        match self {
            OwnedOp::Put { key, value, expires_at } => Op::Put { key, value, expires_at: *expires_at },
            OwnedOp::Delete { key } => Op::Delete { key },
            OwnedOp::Expire { key, expires_at } => Op::Expire { key, expires_at: *expires_at },
            OwnedOp::Coll { key, kind, fresh, edits, built } => {
                Op::Coll { key, kind: *kind, fresh: *fresh, edits, built: Built(built.as_ref()) }
            }
        }
    }
}

const TAG_PUT: u8 = 1;
const TAG_PUT_TTL: u8 = 2;
const TAG_DELETE: u8 = 3;
const TAG_EXPIRE: u8 = 4;
const TAG_CLEAR: u8 = 5;
const TAG_COLL: u8 = 6;
const COLL_FRESH: u8 = 0x80;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

pub(crate) fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

pub(crate) fn get_bytes<'a>(buf: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let len = usize::try_from(get_varint(buf, pos)?).ok()?;
    let end = pos.checked_add(len)?;
    let b = buf.get(*pos..end)?;
    *pos = end;
    Some(b)
}

pub(crate) fn get_u64(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let b = buf.get(*pos..*pos + 8)?;
    *pos += 8;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

impl Op<'_> {
    /// Appends the encoding of this op to `out`.
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        match *self {
            Op::Put { key, value, expires_at } => {
                if expires_at == 0 {
                    out.push(TAG_PUT);
                } else {
                    out.push(TAG_PUT_TTL);
                    out.extend_from_slice(&expires_at.to_le_bytes());
                }
                put_varint(out, key.len() as u64);
                out.extend_from_slice(key);
                put_varint(out, value.len() as u64);
                out.extend_from_slice(value);
            }
            Op::Delete { key } => {
                out.push(TAG_DELETE);
                put_varint(out, key.len() as u64);
                out.extend_from_slice(key);
            }
            Op::Expire { key, expires_at } => {
                out.push(TAG_EXPIRE);
                out.extend_from_slice(&expires_at.to_le_bytes());
                put_varint(out, key.len() as u64);
                out.extend_from_slice(key);
            }
            Op::Clear => out.push(TAG_CLEAR),
            Op::Coll { key, kind, fresh, edits, .. } => {
                out.push(TAG_COLL);
                out.push(kind.code() | if fresh { COLL_FRESH } else { 0 });
                put_bytes(out, key);
                put_bytes(out, edits);
            }
        }
    }
}

/// Decodes every op of a payload, or says why it cannot.
pub(crate) fn decode_ops(payload: &[u8]) -> Result<Vec<Op<'_>>, &'static str> {
    let mut ops = Vec::new();
    let mut pos = 0;
    let bad = "malformed operation in record";
    while pos < payload.len() {
        let tag = payload[pos];
        pos += 1;
        let op = match tag {
            TAG_PUT | TAG_PUT_TTL => {
                let expires_at = if tag == TAG_PUT_TTL { get_u64(payload, &mut pos).ok_or(bad)? } else { 0 };
                let key = get_bytes(payload, &mut pos).ok_or(bad)?;
                let value = get_bytes(payload, &mut pos).ok_or(bad)?;
                Op::Put { key, value, expires_at }
            }
            TAG_DELETE => Op::Delete { key: get_bytes(payload, &mut pos).ok_or(bad)? },
            TAG_EXPIRE => {
                let expires_at = get_u64(payload, &mut pos).ok_or(bad)?;
                Op::Expire { key: get_bytes(payload, &mut pos).ok_or(bad)?, expires_at }
            }
            TAG_CLEAR => Op::Clear,
            TAG_COLL => {
                let flags = *payload.get(pos).ok_or(bad)?;
                pos += 1;
                let kind = Kind::from_code(flags & !COLL_FRESH).filter(|k| *k != Kind::String).ok_or(bad)?;
                let key = get_bytes(payload, &mut pos).ok_or(bad)?;
                let edits = get_bytes(payload, &mut pos).ok_or(bad)?;
                Op::Coll { key, kind, fresh: flags & COLL_FRESH != 0, edits, built: Built(None) }
            }
            _ => return Err("unknown operation tag in record"),
        };
        ops.push(op);
    }
    if ops.is_empty() {
        return Err("record with no operations");
    }
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_round_trip() {
        let big = vec![7u8; 300];
        let ops = vec![
            Op::Put { key: b"k", value: b"v", expires_at: 0 },
            Op::Put { key: b"", value: &big, expires_at: 1_700_000_000_000 },
            Op::Delete { key: b"gone" },
            Op::Expire { key: b"k", expires_at: 5 },
            Op::Clear,
            Op::Coll { key: b"h", kind: Kind::Hash, fresh: true, edits: b"\x02\x01f", built: Built(None) },
            Op::Coll { key: b"z", kind: Kind::ZSet, fresh: false, edits: b"", built: Built(None) },
        ];
        let mut buf = Vec::new();
        for op in &ops {
            op.encode(&mut buf);
        }
        assert_eq!(decode_ops(&buf).unwrap(), ops);
        assert!(decode_ops(&buf[..buf.len() - 320]).is_err());
        assert!(decode_ops(&[99]).is_err());
    }
}
