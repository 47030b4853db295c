#!/usr/bin/env bash
# check-c.sh: the C tarball as a C or C++ programmer without Rust uses it. In an empty folder with
# a fresh HOME and no cargo/rustc on PATH it unpacks dist/c, then builds release/checks/smoke.c
# with pkg-config against the shared and the static library, with CMake's find_package(scalodb
# 0.1) against both imported targets, and the repository's C++17 header test; it runs each one.
# The pkg-config outputs below are flag lists, meant to be split into words.
# shellcheck disable=SC2046
set -euo pipefail
source "$(dirname "$0")/common.sh"

if [ -z "${REL_INSIDE:-}" ]; then
    clean_workdir c
    p=$(clean_path gcc g++ cc c++ pkg-config cmake make tar gzip readelf)
    in_clean_env "$p" REL_INSIDE=1 WORK="$WORK" DIST="$DIST" bash "$0"
    exit
fi

cd "$WORK"
check "no cargo or rustc on PATH" no_rust
tarball=$DIST/c/scalodb-$VERSION-x86_64-linux-gnu.tar.gz
check "unpack $(basename "$tarball")" tar xzf "$tarball"
prefix=$WORK/scalodb-$VERSION-x86_64-linux-gnu
cp "$REPO/release/checks/smoke.c" "$REPO/release/checks/CMakeLists.txt" .

layout() {
    local lib=$prefix/lib
    [ -f "$lib/libscalodb.so.$VERSION" ] && [ "$(readlink "$lib/libscalodb.so.0")" = "libscalodb.so.$VERSION" ] &&
        [ "$(readlink "$lib/libscalodb.so")" = libscalodb.so.0 ] && [ -f "$lib/libscalodb.a" ] &&
        cmp -s "$prefix/include/scalodb.h" "$REPO/include/scalodb.h" &&
        readelf -d "$lib/libscalodb.so.$VERSION" | grep -q 'Library soname: \[libscalodb.so.0\]'
}
check "layout: versioned .so with .so.0/.so links, .a, the header, SONAME libscalodb.so.0" layout

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pc_version() { [ "$(pkg-config --modversion scalodb)" = "$VERSION" ]; }
check "pkg-config finds scalodb $VERSION (relocatable prefix)" pc_version

pc_shared() {
    gcc -std=c11 -Wall -Wextra -Werror -o smoke-shared smoke.c $(pkg-config --cflags --libs scalodb) &&
        readelf -d smoke-shared | grep -q 'Shared library: \[libscalodb.so.0\]' &&
        LD_LIBRARY_PATH=$prefix/lib ./smoke-shared "$WORK/db-shared" "$VERSION"
}
check "pkg-config, shared library: build, run" pc_shared

pc_static() {
    gcc -std=c11 -Wall -Wextra -Werror -o smoke-static smoke.c $(pkg-config --cflags scalodb) \
        -L"$(pkg-config --variable=libdir scalodb)" -Wl,-Bstatic -lscalodb -Wl,-Bdynamic \
        $(pkg-config --static --libs-only-l scalodb | sed 's/-lscalodb//') &&
        ! readelf -d smoke-static | grep -q libscalodb && ./smoke-static "$WORK/db-static" "$VERSION"
}
check "pkg-config --static, static library: build, run (no libscalodb needed)" pc_static

cmake_build() {
    cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >cmake.log &&
        cmake --build build >>cmake.log &&
        readelf -d build/smoke_shared | grep -q 'Shared library: \[libscalodb.so.0\]' &&
        ! readelf -d build/smoke_static | grep -q libscalodb &&
        build/smoke_shared "$WORK/db-cmake-shared" "$VERSION" &&
        build/smoke_static "$WORK/db-cmake-static" "$VERSION" || { cat cmake.log; return 1; }
}
check "CMake find_package(scalodb 0.1): scalodb::scalodb and scalodb::scalodb_static, run" cmake_build

cmake_rejects() {
    mkdir -p newer && sed 's/find_package(scalodb 0.1 REQUIRED)/find_package(scalodb 9.0 REQUIRED)/' \
        CMakeLists.txt >newer/CMakeLists.txt && cp smoke.c newer/ &&
        ! cmake -S newer -B newer/build -DCMAKE_PREFIX_PATH="$prefix" >newer.log 2>&1
}
check "CMake: find_package(scalodb 9.0) is refused by the version file" cmake_rejects

cpp17() {
    g++ -std=c++17 -Wall -Wextra -Werror -o cpp17 "$REPO/tests/c/test_cpp.cpp" \
        $(pkg-config --cflags scalodb) "$prefix/lib/libscalodb.a" \
        $(pkg-config --static --libs-only-l scalodb | sed 's/-lscalodb//') -pthread && ./cpp17
}
check "C++17: the header test compiled as C++17 against the tarball, run" cpp17

tally "dist-check C"
