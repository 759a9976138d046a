#!/usr/bin/env bash
# The main job: install what is missing, build (which also generates every
# GPU kernel variant into build/kernels with msa-codegen), and run the op.
# Each .mlir example goes through msa-run: the unfused chain is fused,
# lowered for the CPU, JIT-compiled, run on fresh random inputs and checked
# against the float64 reference. Then forward_gpu and backward_gpu run the
# generated kernels through the runtime and check them the same way, or say
# why there is no GPU run. Exits non-zero if any check fails.
set -euo pipefail
source "$(dirname "$0")/common.sh"
msa_install
msa_build

status=0
for example in "$MSA_ROOT"/examples/*.mlir; do
  echo "== ${example#$MSA_ROOT/}"
  "$MSA_BUILD/bin/msa-run" "$example" || status=1
done
echo "== GPU forward (examples/forward_gpu.cpp)"
"$MSA_BUILD/bin/forward_gpu" || status=1
echo "== GPU backward (examples/backward_gpu.cpp)"
"$MSA_BUILD/bin/backward_gpu" || status=1
exit $status
