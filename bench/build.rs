//! Build script: records the versions of the peer crates, read from the
//! workspace's Cargo.lock, so that the report can name them.

use std::path::Path;

const CRATES: [(&str, &str); 6] = [
    ("heed", "BENCH_VERSION_HEED"),
    ("redb", "BENCH_VERSION_REDB"),
    ("fjall", "BENCH_VERSION_FJALL"),
    ("sled", "BENCH_VERSION_SLED"),
    ("rocksdb", "BENCH_VERSION_ROCKSDB"),
    ("scalodb", "BENCH_VERSION_SCALODB"),
];

fn main() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    for (name, var) in CRATES {
        let version = locked_version(&text, name).unwrap_or_else(|| "unknown".to_string());
        println!("cargo:rustc-env={var}={version}");
    }
}

/// The version of the first `[[package]]` named `name` in a Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let next = lines.next()?.trim();
            let version = next.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}
