//! The Redis-protocol server (RESP2/RESP3 over TCP) on top of a [`crate::Db`]. Being written.
