//! Fuzz target: arbitrary bytes as log segments, replayed the way recovery and verify replay them.
//! The body and the properties it checks are in `scalodb::fuzzing::wal_segment`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scalodb::fuzzing::wal_segment(data));
