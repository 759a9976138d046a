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
echo "== lit"
/usr/lib/llvm-22/bin/lit -sv "$MSA_BUILD/test" || status=1
echo "== ctest (GoogleTest)"
ctest --test-dir "$MSA_BUILD" -j"$MSA_JOBS" --output-on-failure || status=1
exit $status
