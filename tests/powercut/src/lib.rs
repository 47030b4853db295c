//! Power-cut testing for ScaloDB.
//!
//! - [`forget`]: the model of forgetfs, a FUSE filesystem that passes everything through to a
//!   backing directory and, on command, forgets whatever was not fsynced, as a power cut does.
//! - [`harness`]: mounting it, cutting its power, remounting, and telling a dead filesystem
//!   process apart from a database failure.
//! - [`workload`]: the deterministic operations the power-cut writer runs, and the model that
//!   finds which prefix of them a store holds.

pub mod forget;
pub mod harness;
pub mod workload;
