//! RocksDB through the `rocksdb` crate (only with the `rocksdb` cargo feature),
//! linked against the system's librocksdb (see bench/bench.mk), configured the
//! way RocksDB's tuning guide suggests for a store that should be fast rather
//! than small: a large block cache, bloom filters, RocksDB's own level-style
//! compaction preset and background jobs for every core.

use super::{OpenSpec, Store};
use crate::BoxResult;
use rocksdb::{BlockBasedOptions, Cache, Options, WriteOptions, DB};

/// LRU block cache. The default (32 MiB) would leave every engine but RocksDB
/// with all its data in memory; 1 GiB holds the whole 1M-key store and most of
/// the hot blocks at 10M keys (the rest is in the OS page cache, as for LMDB).
const BLOCK_CACHE_BYTES: usize = 1 << 30;
/// Memory budget handed to `optimize_level_style_compaction`: 64 MiB memtables
/// (RocksDB's default size), up to 6 of them, two merged per flush.
const MEMTABLE_BUDGET_BYTES: usize = 256 << 20;
/// Bloom filter bits per key: about 1% false positives, RocksDB's usual choice.
const BLOOM_BITS_PER_KEY: f64 = 10.0;
/// Incremental sync of SST files while they are written, so that flushes and
/// compactions do not end in one large write-back.
const BYTES_PER_SYNC: u64 = 1 << 20;

/// How the RocksDB peer is configured.
pub const SETTINGS: &str = "1 GiB LRU block cache; full bloom filters, 10 bits/key; index and filter \
    blocks held by the table readers, all files open; optimize_level_style_compaction(256 MiB): 64 MiB \
    memtables, up to 6, 2 merged per flush, no compression on L0-L1 and LZ4 below; dynamic level \
    bytes; increase_parallelism(cores); bytes_per_sync 1 MiB; WAL on; normal workloads and scale: \
    WriteOptions sync=false (each write reaches the OS); durable: sync=true";

/// What a checkpoint is for RocksDB.
pub const CHECKPOINT: &str = "DB::flush(), waiting: write the memtables to L0 SST files (fsynced), \
    after which the WAL they came from is no longer needed; compactions are not waited for";

/// A RocksDB database with the default column family.
pub struct RocksStore {
    db: DB,
    write: WriteOptions,
}

impl RocksStore {
    /// Opens the database in `spec.dir`, creating it if it is new.
    pub fn open(spec: OpenSpec<'_>) -> BoxResult<Self> {
        let cache = Cache::new_lru_cache(BLOCK_CACHE_BYTES)?;
        let mut table = BlockBasedOptions::default();
        table.set_block_cache(&cache);
        table.set_bloom_filter(BLOOM_BITS_PER_KEY, false);

        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut options = Options::default();
        options.create_if_missing(true);
        options.increase_parallelism(i32::try_from(cores).unwrap_or(2));
        options.optimize_level_style_compaction(MEMTABLE_BUDGET_BYTES);
        options.set_level_compaction_dynamic_level_bytes(true);
        options.set_bytes_per_sync(BYTES_PER_SYNC);
        options.set_block_based_table_factory(&table);
        let db = DB::open(&options, spec.dir)?;

        let mut write = WriteOptions::default();
        write.set_sync(spec.durable());
        Ok(RocksStore { db, write })
    }
}

impl Store for RocksStore {
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()> {
        self.db.put_opt(key, value, &self.write)?;
        Ok(())
    }

    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool> {
        match self.db.get_pinned(key)? {
            Some(value) => {
                visit(&value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()> {
        let mut iter = self.db.raw_iterator();
        iter.seek(prefix);
        while let (Some(key), Some(value)) = (iter.key(), iter.value()) {
            if !key.starts_with(prefix) {
                break;
            }
            visit(key, value);
            iter.next();
        }
        iter.status()?;
        Ok(())
    }

    fn checkpoint(&self) -> BoxResult<bool> {
        self.db.flush()?;
        Ok(true)
    }

    fn close(self: Box<Self>) -> BoxResult<()> {
        drop(self);
        Ok(())
    }
}
