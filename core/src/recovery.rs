//! Opening a store: lock the directory, load the newest checkpoint, replay the log after it, and
//! resume appending where the log ends.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_epoch as epoch;

use crate::checkpoint;
use crate::engine::{CheckpointMark, Engine, Writer};
use crate::error::{Error, Result};
use crate::failpoint;
use crate::hash::random_seed;
use crate::item::{ItemRef, NewVersion};
use crate::lockfile::DirLock;
use crate::maintenance::Background;
use crate::options::Options;
use crate::tree::Tree;
use crate::wal::ops::decode_ops;
use crate::wal::reader::{self, list_segments};
use crate::wal::segment::Segment;
use crate::wal::writer::Wal;

/// A store with no files.
pub(crate) fn open_memory(opts: Options) -> Result<Arc<Engine>> {
    opts.validate()?;
    let opts = Options { wal: false, ..opts };
    let engine = Arc::new(Engine::new(opts, None, random_seed(), Tree::new(), Writer::new()));
    let bg = Background::start(&engine)?;
    *engine.background.lock() = Some(bg);
    Ok(engine)
}

pub(crate) fn open(dir: &Path, opts: Options) -> Result<Arc<Engine>> {
    if !opts.wal {
        return open_memory(opts);
    }
    opts.validate()?;
    failpoint::load_from_env()?;
    let opened_at = std::time::Instant::now();
    // Durably: a power cut must not take the store's directory away with everything in it.
    crate::fsutil::create_dir_all_durable(dir)
        .map_err(|e| Error::io(format!("creating directory {} (and making its name durable)", dir.display()), e))?;
    let lock = DirLock::acquire(dir)?;
    let mut guard = epoch::pin();

    // 1. The newest checkpoint, in key order.
    let checkpoints = checkpoint::list(dir)?;
    let mut items: Vec<ItemRef> = Vec::new();
    let mut w = Writer::new();
    let mut mark = CheckpointMark::default();
    if let Some((_, path)) = checkpoints.last() {
        let mut prev: Option<Vec<u8>> = None;
        let mut order_error = false;
        let info = checkpoint::load(path, |key, value, expires_at| {
            if prev.as_deref().is_some_and(|p| p >= key) {
                order_error = true;
            }
            prev = Some(key.to_vec());
            // Loaded even if it expired while the store was closed: a record later in the log
            // may have removed or extended its TTL. Reads hide it; the sweep buries it after open.
            let (item, value_len) = match value {
                checkpoint::Value::Bytes(value) => {
                    (ItemRef::alloc(key, &NewVersion { seq: 0, expires_at, value: Some(value) }), value.len())
                }
                checkpoint::Value::Coll(coll) => {
                    let len = coll.data_bytes();
                    (ItemRef::alloc_coll(key, 0, expires_at, std::sync::Arc::new(coll)), len)
                }
            };
            items.push(item);
            if expires_at != 0 {
                w.expiries.push(expires_at, 0, key);
            }
            w.count_ttl(expires_at, true);
            w.live_keys += 1;
            w.key_bytes += key.len() as u64;
            w.value_bytes += value_len as u64;
        });
        let info = match info {
            Ok(info) if !order_error => info,
            other => {
                for it in items {
                    // SAFETY: never shared.
                    unsafe { it.free_now() };
                }
                return Err(other
                    .err()
                    .unwrap_or_else(|| Error::corruption(path, 0, "checkpoint keys are out of order")));
            }
        };
        mark = CheckpointMark { seq: info.seq, unix_ms: info.created_ms, count: info.count };
        // Older checkpoints were superseded before a crash could delete them.
        for (_, old) in &checkpoints[..checkpoints.len() - 1] {
            std::fs::remove_file(old).map_err(|e| Error::io(format!("removing {}", old.display()), e))?;
        }
    }
    let tree = Tree::from_sorted(&items, &guard);
    let mut engine = Engine::new(opts, Some(dir.to_path_buf()), random_seed(), tree, Writer::new());
    for &it in &items {
        let hash = engine.hash.hash(it.key(&guard));
        engine.hash.insert(&mut w.hash, it, hash, &guard, &mut w.reclaim);
        w.mem_bytes += (it.size() + it.chain_bytes(&guard) + it.head(&guard).coll_heap()) as u64;
    }
    drop(items);

    // 2. The log after it (segments a crash left half created were never part of it).
    reader::remove_temp_segments(dir)?;
    let mut records_replayed = 0u64;
    let replayed = reader::replay(dir, mark.seq, false, |seq, payload| {
        records_replayed += 1;
        let ops = decode_ops(payload).map_err(|reason| Error::corruption(dir, 0, reason))?;
        for op in &ops {
            engine
                .apply(&mut w, op, seq, seq, &guard)
                .map_err(|reason| Error::corruption(dir, 0, format!("record {seq}: {reason}")))?;
        }
        engine.collect_garbage(&mut w, seq, &guard, usize::MAX);
        w.reclaim.end_commit(&guard);
        // Let retired tree nodes be freed as replay goes, instead of holding all of them.
        if seq % 1024 == 0 {
            guard.repin();
        }
        Ok(())
    })?;
    let last = replayed.last_seq.max(mark.seq);
    w.next_seq = last + 1;
    engine.torn_records = replayed.torn;
    // Growth during the load is part of opening, not an event of its own.
    w.hash.grown = None;
    crate::readers::publish(&engine.visible, last);
    engine.synced.store(last, Ordering::SeqCst);

    // 3. Resume appending.
    let seg_size = engine.opts.wal_segment_size as usize;
    // In every mode, `Never` included, a segment is fsynced whole before the segment after the
    // next one becomes current (`wal/ahead.rs`): only the last two segments can hold writes a
    // power cut lost in part, which is what lets recovery tell that from damage in the others.
    w.wal = Some(match replayed.tail {
        Some(t) => {
            let seg = Segment::reopen(t.path, t.id, t.end, t.last_seq)?;
            Wal::resume(dir, seg, replayed.closed, seg_size)
        }
        None => {
            let next_id = list_segments(dir)?.last().map_or(1, |id| id + 1);
            Wal::create(dir, next_id, w.next_seq, seg_size)?
        }
    });
    engine.reclaim = w.reclaim.shared().clone();
    *engine.writer.get_mut() = w;
    *engine.checkpoint_mark.get_mut() = mark;
    *engine.dir_lock.get_mut() = Some(lock);
    engine.recovered = Some(crate::events::Event::Recovered {
        checkpoint_keys: mark.count,
        records_replayed,
        torn_records: engine.torn_records,
        duration: opened_at.elapsed(),
    });
    drop(guard);
    let engine = Arc::new(engine);
    let bg = Background::start(&engine)?;
    *engine.background.lock() = Some(bg);
    Ok(engine)
}

impl Engine {
    /// Flushes and syncs the log, stops background work and releases the directory. Later calls
    /// on any handle return `Error::Closed`.
    pub(crate) fn close(&self) -> Result<()> {
        if self.closed.swap(true, Ordering::AcqRel) {
            return Err(Error::Closed);
        }
        if let Some(bg) = self.background.lock().take() {
            bg.stop();
        }
        let mut w = self.writer.lock();
        let mut result = Ok(());
        if let Some(wal) = w.wal.take() {
            if !self.failed_flag.load(Ordering::Acquire) {
                result = wal.sync().map_err(|e| Error::io("syncing the log at close", e));
                if result.is_ok() {
                    self.ops.fsyncs.incr();
                }
            }
        }
        drop(w);
        self.dir_lock.lock().take();
        result
    }
}
