#!/usr/bin/env bash
# The main job: install what is missing, build, and run the op. Each example
# in examples/ goes through msa-run: the unfused chain is fused, lowered for
# the CPU, JIT-compiled, run on fresh random inputs and checked against the
# float64 reference. Exits non-zero if any check fails.
set -euo pipefail
source "$(dirname "$0")/common.sh"
msa_install
msa_build msa-opt msa-run

status=0
for example in "$MSA_ROOT"/examples/*.mlir; do
  echo "== ${example#$MSA_ROOT/}"
  "$MSA_BUILD/bin/msa-run" "$example" || status=1
done
exit $status
