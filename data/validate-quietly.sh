#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a validator and fails when it says anything at all, not only when it
# exits with an error: desktop-file-validate exits with 0 after warnings and
# hints, and those are mistakes to fix too.
output=$("$@" 2>&1)
status=$?
if [ -n "$output" ]; then
  printf '%s\n' "$output"
fi
[ "$status" -eq 0 ] && [ -z "$output" ]
