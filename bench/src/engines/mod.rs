//! The engines under test: a common `Store` interface, the list of engines
//! this build knows, how each one is configured, and how to open it.

#[cfg(test)]
mod conformance;
mod fjall;
mod lmdb;
mod memory;
mod redb;
#[cfg(feature = "rocksdb")]
mod rocksdb;
mod scalodb;
mod sled;

use crate::workload::Workload;
use crate::BoxResult;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The operations every engine adapter provides. One handle is shared by all
/// worker threads of a workload.
pub trait Store: Send + Sync {
    /// Inserts or overwrites `key`. In a store opened for the durable
    /// workload, the write is on stable storage when this returns.
    fn put(&self, key: &[u8], value: &[u8]) -> BoxResult<()>;

    /// Looks `key` up and hands its value to `visit`; false if absent.
    fn get(&self, key: &[u8], visit: &mut dyn FnMut(&[u8])) -> BoxResult<bool>;

    /// Hands every pair whose key starts with `prefix`, in key order, to `visit`.
    fn scan_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> BoxResult<()>;

    /// Completes writes the adapter still holds back (for batching adapters);
    /// called at the end of every timed write phase, inside the timing.
    fn finish_writes(&self) -> BoxResult<()> {
        Ok(())
    }

    /// Makes everything written so far durable in the engine's own way (what
    /// that is: [`Engine::checkpoint_means`]) and returns true; false, doing
    /// nothing, for an engine that has no such step (the in-memory baselines).
    fn checkpoint(&self) -> BoxResult<bool> {
        Ok(false)
    }

    /// The number of fsyncs the engine reports having made, if it counts them.
    fn fsyncs(&self) -> Option<u64> {
        None
    }

    /// Closes the store, releasing its files.
    fn close(self: Box<Self>) -> BoxResult<()>;
}

/// Which configuration of an engine a workload runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Each write reaches the OS before it returns, no fsync per write.
    Normal,
    /// Every put is fsynced before it returns.
    Durable,
    /// The scale workload: the normal configuration, except that ScaloDB runs
    /// on `Options::default()` as a user who tunes nothing would.
    Scale,
}

/// How a store is opened for one workload.
#[derive(Clone, Copy, Debug)]
pub struct OpenSpec<'a> {
    /// Directory that holds the store's files (created if missing; an
    /// existing store in it is opened as it is).
    pub dir: &'a Path,
    /// The configuration.
    pub mode: Mode,
    /// How many keys the workload will write (to size memory maps).
    pub keys: u64,
}

impl OpenSpec<'_> {
    /// True for the durable workload.
    pub fn durable(&self) -> bool {
        self.mode == Mode::Durable
    }
}

/// One engine (or engine configuration) under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    /// ScaloDB, the engine under test.
    ScaloDb,
    /// LMDB through `heed`.
    Lmdb,
    /// `redb`, one commit per put.
    Redb,
    /// `redb`, one commit per 1 000 puts.
    RedbBatch,
    /// `fjall`.
    Fjall,
    /// `sled`.
    Sled,
    /// RocksDB through the `rocksdb` crate (cargo feature `rocksdb`).
    #[cfg(feature = "rocksdb")]
    RocksDb,
    /// `RwLock<BTreeMap>`: persists nothing.
    BTreeMap,
    /// `RwLock<HashMap>`: persists nothing.
    HashMap,
}

impl Engine {
    /// Every engine compiled into this build, in column order.
    pub const ALL: &'static [Engine] = &[
        Engine::ScaloDb,
        Engine::Lmdb,
        Engine::Redb,
        Engine::RedbBatch,
        Engine::Fjall,
        Engine::Sled,
        #[cfg(feature = "rocksdb")]
        Engine::RocksDb,
        Engine::BTreeMap,
        Engine::HashMap,
    ];

    /// The engine's name on the command line, in the table and in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Engine::ScaloDb => SCALODB,
            Engine::Lmdb => "lmdb",
            Engine::Redb => "redb",
            Engine::RedbBatch => "redb-batch",
            Engine::Fjall => "fjall",
            Engine::Sled => "sled",
            #[cfg(feature = "rocksdb")]
            Engine::RocksDb => "rocksdb",
            Engine::BTreeMap => "btreemap",
            Engine::HashMap => "hashmap",
        }
    }

    /// True for ScaloDB itself.
    pub fn is_scalodb(self) -> bool {
        self.name() == SCALODB
    }

    /// False for the in-memory baselines, which persist nothing.
    pub fn persistent(self) -> bool {
        !matches!(self, Engine::BTreeMap | Engine::HashMap)
    }

    /// Whether the engine can run `workload` (a hash map cannot scan in key
    /// order; the baselines cannot fsync; batching contradicts fsync-per-put,
    /// and in `scale` the reader must find every key the writer has put).
    pub fn supports(self, workload: Workload) -> bool {
        match workload {
            Workload::Scan => self != Engine::HashMap,
            Workload::Durable => self.persistent() && self != Engine::RedbBatch,
            Workload::Scale => self != Engine::RedbBatch,
            _ => true,
        }
    }

    /// What [`Store::checkpoint`] does for this engine, for the report.
    pub fn checkpoint_means(self) -> &'static str {
        match self {
            Engine::ScaloDb => scalodb::CHECKPOINT,
            Engine::Lmdb => lmdb::CHECKPOINT,
            Engine::Redb | Engine::RedbBatch => redb::CHECKPOINT,
            Engine::Fjall => fjall::CHECKPOINT,
            Engine::Sled => sled::CHECKPOINT,
            #[cfg(feature = "rocksdb")]
            Engine::RocksDb => rocksdb::CHECKPOINT,
            Engine::BTreeMap | Engine::HashMap => memory::CHECKPOINT,
        }
    }

    /// How the engine is configured, for the report.
    pub fn settings(self) -> &'static str {
        match self {
            Engine::ScaloDb => scalodb::SETTINGS,
            Engine::Lmdb => lmdb::SETTINGS,
            Engine::Redb => redb::SETTINGS_PER_PUT,
            Engine::RedbBatch => redb::SETTINGS_BATCH,
            Engine::Fjall => fjall::SETTINGS,
            Engine::Sled => sled::SETTINGS,
            #[cfg(feature = "rocksdb")]
            Engine::RocksDb => rocksdb::SETTINGS,
            Engine::BTreeMap => memory::SETTINGS_BTREE,
            Engine::HashMap => memory::SETTINGS_HASH,
        }
    }

    /// Version of the crate under test (from Cargo.lock at build time).
    pub fn version(self) -> &'static str {
        match self {
            Engine::ScaloDb => env!("BENCH_VERSION_SCALODB"),
            Engine::Lmdb => env!("BENCH_VERSION_HEED"),
            Engine::Redb | Engine::RedbBatch => env!("BENCH_VERSION_REDB"),
            Engine::Fjall => env!("BENCH_VERSION_FJALL"),
            Engine::Sled => env!("BENCH_VERSION_SLED"),
            #[cfg(feature = "rocksdb")]
            Engine::RocksDb => {
                concat!(env!("BENCH_VERSION_ROCKSDB"), ", librocksdb ", env!("BENCH_VERSION_LIBROCKSDB"))
            }
            Engine::BTreeMap | Engine::HashMap => "std",
        }
    }

    /// Opens a store of this engine: a fresh one in an empty directory, the
    /// one already there otherwise (the reopen of the scale workload).
    pub fn open(self, spec: OpenSpec<'_>) -> BoxResult<Box<dyn Store>> {
        std::fs::create_dir_all(spec.dir)?;
        Ok(match self {
            Engine::ScaloDb => Box::new(scalodb::ScaloStore::open(spec)?),
            Engine::Lmdb => Box::new(lmdb::LmdbStore::open(spec)?),
            Engine::Redb => Box::new(redb::RedbStore::open(spec, 1)?),
            Engine::RedbBatch => Box::new(redb::RedbStore::open(spec, redb::BATCH)?),
            Engine::Fjall => Box::new(fjall::FjallStore::open(spec)?),
            Engine::Sled => Box::new(sled::SledStore::open(spec)?),
            #[cfg(feature = "rocksdb")]
            Engine::RocksDb => Box::new(rocksdb::RocksStore::open(spec)?),
            Engine::BTreeMap => Box::new(memory::BTreeStore::default()),
            Engine::HashMap => Box::new(memory::HashStore::default()),
        })
    }
}

/// The name of the engine the benchmark is about.
pub const SCALODB: &str = "scalodb";

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Engine {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(engine) = Engine::ALL.iter().find(|e| e.name() == s) {
            return Ok(*engine);
        }
        let names: Vec<&str> = Engine::ALL.iter().map(|e| e.name()).collect();
        let hint = match s {
            "rocksdb" => " (build with `--features rocksdb` and the variables of bench/bench.mk, as `make bench` does)",
            SCALODB => " (the ScaloDB adapter is not wired into this build)",
            _ => "",
        };
        Err(format!("unknown engine `{s}`{hint}; known: {}", names.join(", ")))
    }
}
