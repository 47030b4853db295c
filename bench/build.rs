//! Build script: records the versions of the peer crates, read from the
//! workspace's Cargo.lock, and the version of the RocksDB library the
//! `rocksdb` feature links (from `$ROCKSDB_INCLUDE_DIR/rocksdb/version.h`, set
//! by bench/bench.mk), so that the report can name them.

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
    println!("cargo:rerun-if-env-changed=ROCKSDB_INCLUDE_DIR");
    let library = std::env::var("ROCKSDB_INCLUDE_DIR")
        .ok()
        .and_then(|dir| std::fs::read_to_string(Path::new(&dir).join("rocksdb/version.h")).ok())
        .and_then(|header| rocksdb_version(&header))
        .unwrap_or_else(|| "bundled".to_string());
    println!("cargo:rustc-env=BENCH_VERSION_LIBROCKSDB={library}");
}

/// `MAJOR.MINOR.PATCH` from the `#define ROCKSDB_MAJOR 7` lines of version.h.
fn rocksdb_version(header: &str) -> Option<String> {
    let part = |name: &str| {
        header.lines().find_map(|line| {
            let rest = line.trim().strip_prefix("#define")?.trim_start().strip_prefix(name)?;
            let value = rest.trim();
            value.parse::<u32>().ok()
        })
    };
    Some(format!("{}.{}.{}", part("ROCKSDB_MAJOR")?, part("ROCKSDB_MINOR")?, part("ROCKSDB_PATCH")?))
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
