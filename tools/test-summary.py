#!/usr/bin/python3
"""Prints `N passed, N failed` for a meson test log and exits 1 on a failure.

A TAP test (one whose output has a plan line) counts each of its `ok` / `not ok` lines (one per GTest case); any
other test counts once. A TAP test that crashed or timed out after its last
line counts one more failure, so that no failure is lost in the count.
"""

import json
import re
import sys

TAP_PLAN = re.compile(r"^\d+\.\.\d+", re.MULTILINE)
TAP_OK = re.compile(r"^ok \d+", re.MULTILINE)
TAP_NOT_OK = re.compile(r"^not ok \d+(?!.*# (?:TODO|SKIP))", re.MULTILINE)
TAP_SKIP = re.compile(r"^ok \d+.*# SKIP", re.MULTILINE)


def count(log_path):
    passed = failed = skipped = 0
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            entry = json.loads(line)
            result = entry.get("result")
            stdout = entry.get("stdout") or ""
            if TAP_PLAN.search(stdout) and (TAP_OK.search(stdout) or TAP_NOT_OK.search(stdout)):
                skips = len(TAP_SKIP.findall(stdout))
                passes = len(TAP_OK.findall(stdout)) - skips
                fails = len(TAP_NOT_OK.findall(stdout))
                passed += passes
                skipped += skips
                failed += fails
                if result not in ("OK", "EXPECTEDFAIL", "SKIP") and fails == 0:
                    failed += 1
            elif result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
    return passed, failed, skipped


def main():
    passed, failed, skipped = count(sys.argv[1])
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
