"""Picks the committed corpus of one fuzz target: at most N inputs, chosen greedily by the coverage
features each reaches on its own (as libFuzzer's merge reports them), so that a few dozen small
files keep almost all the coverage of hundreds. Used by `make fuzz-minimize` (fuzz/fuzz.mk).

usage: minimize.py FUZZ_BINARY IN_DIR OUT_DIR N
"""

import os
import shutil
import subprocess
import sys
import tempfile


def features(binary, path):
    """The coverage features `binary` reaches on the input at `path` alone."""
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(f"{tmp}/in")
        os.makedirs(f"{tmp}/out")
        shutil.copy(path, f"{tmp}/in/")
        subprocess.run(
            [binary, "-merge=1", f"-merge_control_file={tmp}/control", "-malloc_limit_mb=256", f"{tmp}/out", f"{tmp}/in"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        found = set()
        with open(f"{tmp}/control") as control:
            for line in control:
                fields = line.split()
                if fields and fields[0] == "FT":
                    found.update(fields[2:])
        return found


def main():
    binary, src, out, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    cover = {name: features(binary, os.path.join(src, name)) for name in sorted(os.listdir(src))}
    size = {name: os.path.getsize(os.path.join(src, name)) for name in cover}
    covered, chosen = set(), []
    while len(chosen) < limit and cover:
        best = max(cover, key=lambda n: (len(cover[n] - covered), -size[n]))
        if not cover[best] - covered:
            break
        covered |= cover.pop(best)
        chosen.append(best)
    os.makedirs(out, exist_ok=True)
    for name in chosen:
        shutil.copy(os.path.join(src, name), out)
    total = len(covered.union(*cover.values()))
    print(f"{os.path.basename(src)}: kept {len(chosen)} inputs, {len(covered)} of {total} features")


if __name__ == "__main__":
    main()
