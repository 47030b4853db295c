//! Element edits: what one typed write did to a collection, as the log records it.
//!
//! Edits are resolved before they are logged (a pop names the index it removed, an increment the
//! value it wrote, a random pop the member it chose), so replaying them gives exactly the
//! collection the commit made, whatever the clock or the random generator say at recovery.
//!
//! Encoding (in a log record's `Coll` op, see docs/FORMAT.md): edits back to back, each a tag
//! byte, then its fields: byte strings as a LEB128 length and the bytes, indexes as LEB128,
//! scores as 8 bytes (the `f64` bits, little endian).

use super::coll::{score_of_value, score_value, zkey, Coll};
use crate::wal::ops::{get_bytes, get_u64, get_varint, put_bytes, put_varint};

/// One change to one collection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Edit<'a> {
    /// Sets a hash field (added if new).
    HSet {
        field: &'a [u8],
        value: &'a [u8],
    },
    HDel {
        field: &'a [u8],
    },
    SAdd {
        member: &'a [u8],
    },
    SRem {
        member: &'a [u8],
    },
    /// Sets a member's score (added if new).
    ZAdd {
        member: &'a [u8],
        score: f64,
    },
    ZRem {
        member: &'a [u8],
    },
    /// Inserts an element before position `index` (`index == len` appends).
    LInsert {
        index: u64,
        value: &'a [u8],
    },
    LRemove {
        index: u64,
    },
    LSet {
        index: u64,
        value: &'a [u8],
    },
    /// Removes the elements at positions `start..end`.
    LRemoveRange {
        start: u64,
        end: u64,
    },
}

const T_HSET: u8 = 1;
const T_HDEL: u8 = 2;
const T_SADD: u8 = 3;
const T_SREM: u8 = 4;
const T_ZADD: u8 = 5;
const T_ZREM: u8 = 6;
const T_LINSERT: u8 = 7;
const T_LREMOVE: u8 = 8;
const T_LSET: u8 = 9;
const T_LREMOVE_RANGE: u8 = 10;

impl Edit<'_> {
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        match *self {
            Edit::HSet { field, value } => {
                out.push(T_HSET);
                put_bytes(out, field);
                put_bytes(out, value);
            }
            Edit::HDel { field } => {
                out.push(T_HDEL);
                put_bytes(out, field);
            }
            Edit::SAdd { member } => {
                out.push(T_SADD);
                put_bytes(out, member);
            }
            Edit::SRem { member } => {
                out.push(T_SREM);
                put_bytes(out, member);
            }
            Edit::ZAdd { member, score } => {
                out.push(T_ZADD);
                put_bytes(out, member);
                out.extend_from_slice(&score_value(score));
            }
            Edit::ZRem { member } => {
                out.push(T_ZREM);
                put_bytes(out, member);
            }
            Edit::LInsert { index, value } => {
                out.push(T_LINSERT);
                put_varint(out, index);
                put_bytes(out, value);
            }
            Edit::LRemove { index } => {
                out.push(T_LREMOVE);
                put_varint(out, index);
            }
            Edit::LSet { index, value } => {
                out.push(T_LSET);
                put_varint(out, index);
                put_bytes(out, value);
            }
            Edit::LRemoveRange { start, end } => {
                out.push(T_LREMOVE_RANGE);
                put_varint(out, start);
                put_varint(out, end);
            }
        }
    }

    /// The bytes this edit adds to the store, at most (for the memory limit's estimate).
    pub(crate) fn added_bytes(&self) -> usize {
        match *self {
            Edit::HSet { field, value } => field.len() + value.len() + 16,
            Edit::SAdd { member } => member.len() + 8,
            Edit::ZAdd { member, .. } => 2 * member.len() + 32,
            Edit::LInsert { value, .. } | Edit::LSet { value, .. } => value.len() + 8,
            _ => 0,
        }
    }
}

/// Decodes the edits of one op. None if the bytes are not a valid encoding.
pub(crate) fn decode(mut buf: &[u8]) -> Option<Vec<Edit<'_>>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let mut pos = 1;
        let e = match buf[0] {
            T_HSET => Edit::HSet { field: get_bytes(buf, &mut pos)?, value: get_bytes(buf, &mut pos)? },
            T_HDEL => Edit::HDel { field: get_bytes(buf, &mut pos)? },
            T_SADD => Edit::SAdd { member: get_bytes(buf, &mut pos)? },
            T_SREM => Edit::SRem { member: get_bytes(buf, &mut pos)? },
            T_ZADD => {
                let member = get_bytes(buf, &mut pos)?;
                let score = f64::from_bits(get_u64(buf, &mut pos)?);
                if score.is_nan() {
                    return None;
                }
                Edit::ZAdd { member, score }
            }
            T_ZREM => Edit::ZRem { member: get_bytes(buf, &mut pos)? },
            T_LINSERT => Edit::LInsert { index: get_varint(buf, &mut pos)?, value: get_bytes(buf, &mut pos)? },
            T_LREMOVE => Edit::LRemove { index: get_varint(buf, &mut pos)? },
            T_LSET => Edit::LSet { index: get_varint(buf, &mut pos)?, value: get_bytes(buf, &mut pos)? },
            T_LREMOVE_RANGE => {
                Edit::LRemoveRange { start: get_varint(buf, &mut pos)?, end: get_varint(buf, &mut pos)? }
            }
            _ => return None,
        };
        out.push(e);
        buf = &buf[pos..];
    }
    Some(out)
}

/// Applies `e` to `c`. Fails (changing nothing) if the edit does not fit the collection: another
/// kind, or an index out of range. A writer never logs such an edit, so at replay it means damage.
pub(crate) fn apply(c: &mut Coll, e: &Edit<'_>) -> Result<(), &'static str> {
    match (c, *e) {
        (Coll::Hash(t), Edit::HSet { field, value }) => {
            t.insert(field, value);
        }
        (Coll::Hash(t), Edit::HDel { field }) => {
            t.remove(field);
        }
        (Coll::Set(t), Edit::SAdd { member }) => {
            if t.get(member).is_none() {
                t.insert(member, &[]);
            }
        }
        (Coll::Set(t), Edit::SRem { member }) => {
            t.remove(member);
        }
        (Coll::ZSet(z), Edit::ZAdd { member, score }) => {
            if let Some(old) = z.members.insert(member, &score_value(score)) {
                z.scores.remove(&zkey(score_of_value(&old), member));
            }
            z.scores.insert(&zkey(score, member), &[]);
        }
        (Coll::ZSet(z), Edit::ZRem { member }) => {
            if let Some(old) = z.members.remove(member) {
                z.scores.remove(&zkey(score_of_value(&old), member));
            }
        }
        (Coll::List(t), Edit::LInsert { index, value }) => {
            if index > t.len() as u64 {
                return Err("list insert past the end");
            }
            t.insert_at(index as usize, &[], value);
        }
        (Coll::List(t), Edit::LRemove { index }) => {
            if index >= t.len() as u64 {
                return Err("list remove past the end");
            }
            t.remove_at(index as usize);
        }
        (Coll::List(t), Edit::LSet { index, value }) => {
            if index >= t.len() as u64 {
                return Err("list set past the end");
            }
            t.set_value_at(index as usize, value);
        }
        (Coll::List(t), Edit::LRemoveRange { start, end }) => {
            if start > end || end > t.len() as u64 {
                return Err("list range past the end");
            }
            t.remove_range(start as usize..end as usize);
        }
        _ => return Err("an element edit of another type"),
    }
    Ok(())
}

/// The edits of one write being decided: applied to a working copy of the collection as they
/// are made (so the next decision sees them) and encoded for the log.
#[derive(Clone)]
pub(crate) struct Edits {
    pub coll: Coll,
    pub encoded: Vec<u8>,
    pub added: usize,
}

impl Edits {
    pub(crate) fn new(coll: Coll) -> Edits {
        Edits { coll, encoded: Vec::new(), added: 0 }
    }

    /// Applies and records `e`. The callers build edits from the working copy itself, so they
    /// fit it; a misfit is a bug in the caller.
    pub(crate) fn push(&mut self, e: Edit<'_>) {
        apply(&mut self.coll, &e).expect("an edit built from the collection fits it");
        e.encode(&mut self.encoded);
        self.added += e.added_bytes();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }
}

/// The edits that build `c` from empty (a collection logged whole).
pub(crate) fn encode_all(c: &Coll, out: &mut Vec<u8>) {
    match c {
        Coll::Hash(t) => t.iter().for_each(|(field, value)| Edit::HSet { field, value }.encode(out)),
        Coll::Set(t) => t.iter().for_each(|(member, _)| Edit::SAdd { member }.encode(out)),
        Coll::ZSet(z) => {
            z.members.iter().for_each(|(member, score)| Edit::ZAdd { member, score: score_of_value(score) }.encode(out))
        }
        Coll::List(t) => {
            t.iter().enumerate().for_each(|(i, (_, value))| Edit::LInsert { index: i as u64, value }.encode(out))
        }
    }
}
