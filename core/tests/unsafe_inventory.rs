//! `ARCHITECTURE.md` lists the files of `core/src` that hold `unsafe` code; this keeps the list
//! true in both directions: every file with `unsafe` is listed (or lies in a listed folder), and
//! every listed entry holds some.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether the file's code (not its comments) uses `unsafe`.
fn has_unsafe(path: &Path) -> bool {
    std::fs::read_to_string(path).unwrap().lines().any(|l| {
        let code = l.split("//").next().unwrap_or("");
        code.contains("unsafe ") || code.contains("unsafe{")
    })
}

/// The backquoted entries of the invariant that starts "`unsafe` is confined to".
fn listed() -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ARCHITECTURE.md")).unwrap();
    let start = doc.find("- `unsafe` is confined to").expect("ARCHITECTURE.md states where unsafe is");
    let rest = &doc[start + 2..];
    let item = &rest[..rest.find("\n- ").unwrap_or(rest.len())];
    item.split('`').skip(1).step_by(2).filter(|e| e.ends_with(".rs") || e.ends_with('/')).map(String::from).collect()
}

#[test]
fn architecture_lists_exactly_the_files_that_hold_unsafe_code() {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let with_unsafe: Vec<String> = files
        .iter()
        .filter(|p| has_unsafe(p))
        .map(|p| p.strip_prefix(src).unwrap().to_string_lossy().into_owned())
        .collect();
    let listed = listed();
    assert!(!listed.is_empty(), "no entries found in the unsafe invariant");
    for f in &with_unsafe {
        let covered = listed.iter().any(|e| if e.ends_with('/') { f.starts_with(e.as_str()) } else { f == e });
        assert!(covered, "core/src/{f} holds unsafe code but ARCHITECTURE.md does not list it");
    }
    for e in &listed {
        let used = with_unsafe.iter().any(|f| if e.ends_with('/') { f.starts_with(e.as_str()) } else { f == e });
        assert!(used, "ARCHITECTURE.md lists {e} as holding unsafe code, but it holds none");
    }
}
