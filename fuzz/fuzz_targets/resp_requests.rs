//! Fuzz target: arbitrary bytes as a client's stream to the RESP request parser.
//! The body and the properties it checks are in `scalodb_server::fuzzing::resp_requests`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scalodb_server::fuzzing::resp_requests(data));
