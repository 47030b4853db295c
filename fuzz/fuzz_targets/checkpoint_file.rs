//! Fuzz target: arbitrary bytes as a checkpoint file, loaded and verified.
//! The body and the properties it checks are in `scalodb::fuzzing::checkpoint_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scalodb::fuzzing::checkpoint_file(data));
