//! Fuzz target: arbitrary operation sequences against a store and a BTreeMap model.
//! The body and the properties it checks are in `scalodb::fuzzing::ops_sequence`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scalodb::fuzzing::ops_sequence(data));
