#!/usr/bin/env python3
"""Every Catch2 test case is its own CTest entry, so that CTest runs it.

CMake splits the list of discovered names at ";" except between square brackets: a name with an
unbalanced "[" (say "in [0,1)") glued every later name of its executable into one entry whose
filter matched nothing, and that entry passed without running a test. This compares, for each
Catch2 executable, the number of test cases it holds with the number of CTest entries that run it.

usage: check_test_registration.py BUILD_DIR EXECUTABLE...
"""
import json
import os
import re
import subprocess
import sys


def main() -> int:
    build, executables = sys.argv[1], sys.argv[2:]
    shown = subprocess.run(["ctest", "--show-only=json-v1", "--test-dir", build],
                           capture_output=True, text=True, check=True).stdout
    entries = {}
    for test in json.loads(shown)["tests"]:
        command = test.get("command") or []
        if command:
            entries.setdefault(command[0], []).append(test["name"])
    wrong = 0
    for exe in executables:
        if not os.path.exists(exe):
            print(f"{exe}: not built")
            wrong += 1
            continue
        # (Catch2 exits with the number of test cases it listed.)
        listed = subprocess.run([exe, "--list-tests"], capture_output=True, text=True).stdout
        held = re.search(r"^(\d+) test cases?$", listed, re.MULTILINE)
        if not held:
            print(f"{exe}: --list-tests did not say how many test cases it holds")
            wrong += 1
            continue
        names = entries.get(exe, [])
        glued = [n for n in names if ";" in n]
        if int(held.group(1)) != len(names) or glued:
            print(f"{exe}: {held.group(1)} test cases, {len(names)} CTest entries")
            for n in glued:
                print(f"  one entry holds several names: {n[:200]}")
            wrong += 1
        else:
            print(f"{exe}: {len(names)} test cases, each its own CTest entry")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
