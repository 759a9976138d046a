#!/usr/bin/env bash
# Runs every test: install what is missing, build everything, then the lit
# suite (FileCheck tests of the dialect, passes and tools) and the GoogleTest
# suites through ctest. Prints both runners' summaries; exits non-zero if
# any test fails.
set -euo pipefail
source "$(dirname "$0")/common.sh"
msa_install
msa_build

status=0
logs=$(mktemp -d)
echo "== lit"
/usr/lib/llvm-22/bin/lit -sv "$MSA_BUILD/test" 2>&1 | tee "$logs/lit" || status=1
echo "== ctest (GoogleTest)"
ctest --test-dir "$MSA_BUILD" -j"$MSA_JOBS" --output-on-failure 2>&1 | tee "$logs/ctest" || status=1

# One closing line over both runners (GPU tests skip without a GPU).
count() { grep -oE "$1" "$2" | grep -oE '[0-9]+' | head -n 1 || true; }
lit_passed=$(count 'Passed: *[0-9]+' "$logs/lit")
lit_failed=$(count 'Failed: *[0-9]+' "$logs/lit")
ct_total=$(count 'out of [0-9]+' "$logs/ctest")
ct_failed=$(count '[0-9]+ tests failed' "$logs/ctest")
ct_skipped=$(grep -c '(Skipped)' "$logs/ctest" || true)
passed=$(( ${lit_passed:-0} + ${ct_total:-0} - ${ct_failed:-0} - ${ct_skipped:-0} ))
failed=$(( ${lit_failed:-0} + ${ct_failed:-0} ))
rm -rf "$logs"
[ "$failed" -eq 0 ] || status=1
echo "summary: $passed passed, $failed failed, ${ct_skipped:-0} skipped"
exit $status
