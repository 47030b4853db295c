//! The Redis-protocol server of ScaloDB: RESP2 and RESP3 over TCP (and a Unix socket) on top of
//! a [`scalodb::Db`], through the engine's public API only.
//!
//! Every Redis client library, `redis-cli` and `redis-benchmark` can talk to it. Values are Redis
//! strings (TYPE says `string`); there is one database (SELECT 0 works, other indexes get Redis's
//! "DB index is out of range"). MULTI/EXEC/WATCH run on the engine's optimistic transactions.
//!
//! ```no_run
//! use scalodb_server::{Server, ServerConfig};
//! let db = scalodb::Db::open("./data").unwrap();
//! let server = Server::start(db, ServerConfig::default()).unwrap(); // 127.0.0.1:6379
//! server.stop_on_signals().unwrap();
//! server.wait();
//! server.stop().unwrap();
//! ```
//!
//! Layout: `resp` (wire format), `conn` (one connection), `commands/` (one file per command
//! family, each declaring its commands beside their handlers), `glob` (patterns), `info`,
//! `config`, `state` (shared by connections), `session` (per connection), `handle` (start and
//! stop); for operators: `logging` (the log and the engine's events), `cmdstats` (per-command
//! counters and histograms), `slowlog`, `latency` and `metrics` (Prometheus `/metrics`).

mod blocking;
mod cmdstats;
mod commands;
mod config;
mod conn;
mod encodings;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod glob;
mod grouped;
mod handle;
mod info;
mod latency;
mod logging;
mod metrics;
mod pubsub;
mod resp;
mod session;
mod slowlog;
mod state;

pub use config::{DebugCommand, Limits, ServerConfig};
pub use handle::{Server, ServerHandle};
pub use logging::{LogConfig, LogLevel};
