# Shared steps of scripts/run.sh and scripts/test.sh: install what is missing
# (Debian 12, non-interactive, idempotent), configure and build with Ninja.
# Sourced, not executed.

MSA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MSA_BUILD=${MSA_BUILD:-$MSA_ROOT/build}
MSA_JOBS=${MSA_JOBS:-$(nproc)}
MSA_PACKAGES=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
              cmake ninja-build ccache g++ libgtest-dev python3)

msa_install() {
  local missing=()
  for p in "${MSA_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

msa_build() {
  if [ ! -f "$MSA_BUILD/build.ninja" ]; then
    echo "== configuring $MSA_BUILD"
    cmake -S "$MSA_ROOT" -B "$MSA_BUILD" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
  fi
  echo "== building (ninja -j$MSA_JOBS)"
  ninja -C "$MSA_BUILD" -j"$MSA_JOBS" "$@"
}
