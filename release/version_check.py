#!/usr/bin/env python3
"""version_check.py: `make version-check`. Every place a release version is written must say the
one version, [workspace.package] version in the root Cargo.toml: the header macro in
ffi/cbindgen.toml and the generated header's macros, the Go module's copy of the header (which must
be identical to include/scalodb.h), the Go constant ModuleVersion, both Node package.json files and
the versions the generated loader (index.js) expects of its platform package, and the crates that
give the Python and Node modules their version (they must inherit the workspace's). A release is
one number; any of these drifting would ship mixed artifacts. Prints "N passed, N failed"."""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
results: list[tuple[str, bool, str]] = []


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))


def read(rel: str) -> str:
    return (REPO / rel).read_text(encoding="utf-8")


def one(pattern: str, text: str) -> list[str]:
    return re.findall(pattern, text, re.MULTILINE)


root = read("Cargo.toml")
section = root.split("[workspace.package]", 1)[1].split("\n[", 1)[0]
found = one(r'^version = "([^"]+)"', section)
if len(found) != 1:
    sys.exit("version-check: no [workspace.package] version in Cargo.toml")
version = found[0]
major, minor, patch = version.split("-", 1)[0].split(".")


def same(name: str, values: list[str], want: str = version) -> None:
    check(name, bool(values) and all(v == want for v in values), f"found {values or 'nothing'}, want {want}")


same("ffi/cbindgen.toml SCALODB_VERSION_STRING", one(r'^#define SCALODB_VERSION_STRING "([^"]+)"', read("ffi/cbindgen.toml")))
header = read("include/scalodb.h")
same("include/scalodb.h SCALODB_VERSION_STRING", one(r'^#define SCALODB_VERSION_STRING "([^"]+)"', header))
for part, want in (("MAJOR", major), ("MINOR", minor), ("PATCH", patch)):
    same(f"include/scalodb.h SCALODB_VERSION_{part}", one(rf"^#define SCALODB_VERSION_{part} (\d+)", header), want)
    same(f"ffi/src/version.rs SCALODB_VERSION_{part}", one(rf"^pub const SCALODB_VERSION_{part}: u32 = (\d+);", read("ffi/src/version.rs")), want)
check("bindings/go/include/scalodb.h is identical to include/scalodb.h", read("bindings/go/include/scalodb.h") == header,
      "run `make ffi-header` (it writes both)")
same("bindings/go ModuleVersion", one(r'^const ModuleVersion = "([^"]+)"', read("bindings/go/version.go")))

node_main = json.loads(read("bindings/node/package.json"))
node_platform = json.loads(read("bindings/node/npm/linux-x64-gnu/package.json"))
same("bindings/node/package.json version", [node_main["version"]])
same("bindings/node/npm/linux-x64-gnu/package.json version", [node_platform["version"]])
same("bindings/node/index.js: the platform package version the loader expects",
     sorted(set(one(r"bindingPackageVersion !== '([^']+)'", read("bindings/node/index.js")))))
lock = json.loads(read("bindings/node/package-lock.json"))
same("bindings/node/package-lock.json version", [lock["version"], lock["packages"][""]["version"]])

for crate in ("ffi", "bindings/python", "bindings/node", "core"):
    text = read(f"{crate}/Cargo.toml")
    check(f"{crate}/Cargo.toml takes the workspace version", "version.workspace = true" in text, "set version.workspace = true")
pyproject = read("bindings/python/pyproject.toml")
check("bindings/python/pyproject.toml takes its version from Cargo (dynamic)",
      bool(re.search(r'^dynamic = \[[^\]]*"version"', pyproject, re.MULTILINE)) and not re.search(r"^version\s*=", pyproject, re.MULTILINE),
      'use dynamic = ["version"]')
check("the Python module's __version__ is the crate version", 'm.add("__version__", env!("CARGO_PKG_VERSION"))' in read("bindings/python/src/lib.rs"))
check("the Node version() is the crate version", 'env!("CARGO_PKG_VERSION")' in read("bindings/node/src/lib.rs"))

failed = 0
for name, ok, detail in results:
    print(("ok      " if ok else "FAILED  ") + name + ("" if ok else f": {detail}"))
    failed += not ok
print(f"version-check {version}: {len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
